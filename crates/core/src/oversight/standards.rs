//! Base-level standard catalogs (基层政务公开标准目录, spec §A.6): the matters a body must
//! publish in a domain (social assistance, elderly care, …), each with its elements, legal
//! basis, a structured time limit, channels, audience, mode and levels; whether a body's
//! published records fulfil them on time; and the name lists of beneficiaries, which
//! publish only the fields the catalog lists.

use crate::applications::identity::mask_in_text;
use crate::calendar::{Calendar, CalendarError};
use crate::field::{FieldError, FieldErrors, optional_text, required_multiline, required_text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::field::codes;

codes! {
    /// 公开渠道和载体: the tick list of spec §A.6.
    Channel, "channels", "公开渠道" {
        Website = "website", "政府网站";
        Gazette = "gazette", "政府公报";
        NewMedia = "new_media", "两微一端";
        Conference = "conference", "发布会/听证会";
        Broadcast = "broadcast", "广播电视";
        Print = "print", "纸质媒体";
        ReadingPoint = "reading_point", "公开查阅点";
        ServiceCentre = "service_centre", "政务服务中心";
        ServiceStation = "service_station", "便民服务站";
        OnSite = "on_site", "入户/现场";
        NoticeBoard = "notice_board", "社区/企事业单位/村公示栏（电子屏）";
        Push = "push", "精准推送";
        Other = "other", "其他";
    }
}

codes! {
    /// 公开对象.
    Audience, "audience", "公开对象" {
        Public = "public", "全社会";
        Group = "group", "特定群体";
    }
}

codes! {
    /// 公开方式.
    Mode, "mode", "公开方式" {
        Proactive = "proactive", "主动";
        OnRequest = "on_request", "依申请";
    }
}

codes! {
    /// 公开层级.
    Level, "levels", "公开层级" {
        City = "city", "市级";
        County = "county", "县级";
        Township = "township", "乡级";
        Village = "village", "村级";
    }
}

codes! {
    /// The event a time limit counts from; the body records its date on the published
    /// record as the record's formation date.
    StartEvent, "start", "公开时限的起算事件" {
        Obtained = "obtained", "制定或获取信息之日";
        Changed = "changed", "信息形成或者变更之日";
        Decided = "decided", "审核审批结果作出之日";
    }
}

/// 公开时限 as a rule: publish within `working_days` after the start event; a list that
/// is put up for public notice stays up `notice_days` working days after publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimit {
    pub start: StartEvent,
    pub working_days: u32,
    pub notice_days: Option<u32>,
}

/// Art. 26 allows at most 20 working days; a catalog may only shorten it.
pub const MAX_LIMIT_WD: u32 = 20;
/// Longest public-notice period accepted (the guidelines use 7; some lists use 10 or 15).
pub const MAX_NOTICE_WD: u32 = 30;

impl TimeLimit {
    /// The last day to publish a record whose start event was on `event_on`.
    pub fn due(&self, cal: &Calendar, event_on: Date) -> Result<Date, CalendarError> {
        cal.add_working_days(event_on, self.working_days)
    }

    /// The last day a notice published on `published_on` stays on the portal.
    pub fn notice_ends(&self, cal: &Calendar, published_on: Date) -> Result<Option<Date>, CalendarError> {
        self.notice_days.map(|n| cal.add_working_days(published_on, n)).transpose()
    }

    /// As the catalogs print it: 信息形成或者变更之日起20个工作日内；公示7个工作日.
    pub fn label(&self) -> String {
        let mut s = format!("{}起{}个工作日内", self.start.label(), self.working_days);
        if let Some(n) = self.notice_days {
            s.push_str(&format!("；公示{n}个工作日"));
        }
        s
    }
}

/// Fields a published name list may never carry, whatever a local catalog says.
const NEVER_LISTED: [&str; 7] = ["身份证", "证件号", "电话", "手机", "银行", "账号", "住址"];

/// One matter of a standard catalog, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardItem {
    pub level1: String,
    pub level2: String,
    pub level3: Option<String>,
    /// 公开内容（要素）
    pub elements: String,
    /// 公开依据
    pub basis: String,
    pub limit: TimeLimit,
    /// 公开主体
    pub responsible: String,
    pub channels: Vec<Channel>,
    pub audience: Audience,
    pub mode: Mode,
    pub levels: Vec<Level>,
    /// For name lists of beneficiaries: the only columns the portal may show.
    pub list_fields: Vec<String>,
}

impl StandardItem {
    /// 一级事项 / 二级事项 / 三级事项 joined for lists.
    pub fn path(&self) -> String {
        let mut s = format!("{} / {}", self.level1, self.level2);
        if let Some(l3) = &self.level3 {
            s.push_str(" / ");
            s.push_str(l3);
        }
        s
    }

    pub fn channels_label(&self) -> String {
        self.channels.iter().map(|c| c.label()).collect::<Vec<_>>().join("、")
    }

    pub fn levels_label(&self) -> String {
        self.levels.iter().map(|c| c.label()).collect::<Vec<_>>().join("、")
    }

    pub fn is_name_list(&self) -> bool {
        !self.list_fields.is_empty()
    }
}

/// The item form as typed (multi-valued ticks come as repeated pairs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardItemInput {
    pub level1: String,
    pub level2: String,
    pub level3: String,
    pub elements: String,
    pub basis: String,
    pub start: String,
    pub working_days: String,
    pub notice_days: String,
    pub responsible: String,
    pub channels: Vec<String>,
    pub audience: String,
    pub mode: String,
    pub levels: Vec<String>,
    /// Comma- or 、-separated.
    pub list_fields: String,
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split([',', '，', '、', ';', '；', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl StandardItemInput {
    /// From urlencoded pairs: `channels` and `levels` may repeat.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "level1" => f.level1 = v,
                "level2" => f.level2 = v,
                "level3" => f.level3 = v,
                "elements" => f.elements = v,
                "basis" => f.basis = v,
                "start" => f.start = v,
                "working_days" => f.working_days = v,
                "notice_days" => f.notice_days = v,
                "responsible" => f.responsible = v,
                "channels" => f.channels.push(v),
                "audience" => f.audience = v,
                "mode" => f.mode = v,
                "levels" => f.levels.push(v),
                "list_fields" => f.list_fields = v,
                _ => {}
            }
        }
        f
    }

    /// The form showing a stored item (for editing).
    pub fn of(item: &StandardItem) -> Self {
        Self {
            level1: item.level1.clone(),
            level2: item.level2.clone(),
            level3: item.level3.clone().unwrap_or_default(),
            elements: item.elements.clone(),
            basis: item.basis.clone(),
            start: item.limit.start.code().into(),
            working_days: item.limit.working_days.to_string(),
            notice_days: item.limit.notice_days.map(|n| n.to_string()).unwrap_or_default(),
            responsible: item.responsible.clone(),
            channels: item.channels.iter().map(|c| c.code().to_string()).collect(),
            audience: item.audience.code().into(),
            mode: item.mode.code().into(),
            levels: item.levels.iter().map(|c| c.code().to_string()).collect(),
            list_fields: item.list_fields.join("、"),
        }
    }

    pub fn parse(&self) -> Result<StandardItem, FieldErrors> {
        let mut e = FieldErrors::new();
        let level1 = e.take(required_text("level1", "一级事项", &self.level1, 60));
        let level2 = e.take(required_text("level2", "二级事项", &self.level2, 60));
        let level3 = e.take(optional_text("level3", "三级事项", &self.level3, 60));
        let elements = e.take(required_multiline("elements", "公开内容（要素）", &self.elements, 2000));
        let basis = e.take(required_multiline("basis", "公开依据", &self.basis, 2000));
        let start = e.take(StartEvent::parse(&self.start));
        let working_days = e.take(match self.working_days.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT_WD).contains(&n) => Ok(n),
            _ => Err(FieldError::new(
                "working_days",
                "公开时限应为1至20个工作日（条例第二十六条规定的20个工作日只能缩短，不能延长）",
            )),
        });
        let notice_days = e.take(match self.notice_days.trim() {
            "" => Ok(None),
            raw => match raw.parse::<u32>() {
                Ok(n) if (1..=MAX_NOTICE_WD).contains(&n) => Ok(Some(n)),
                _ => Err(FieldError::new("notice_days", "公示期应为1至30个工作日，不公示的请留空")),
            },
        });
        let responsible = e.take(required_text("responsible", "公开主体", &self.responsible, 100));
        let mut channels = vec![];
        for c in &self.channels {
            if let Some(c) = e.take(Channel::parse(c)) {
                channels.push(c);
            }
        }
        channels.sort();
        channels.dedup();
        if channels.is_empty() {
            e.push(FieldError::new("channels", "请至少勾选一个公开渠道和载体"));
        }
        let audience = e.take(Audience::parse(&self.audience));
        let mode = e.take(Mode::parse(&self.mode));
        let mut levels = vec![];
        for l in &self.levels {
            if let Some(l) = e.take(Level::parse(l)) {
                levels.push(l);
            }
        }
        levels.sort();
        levels.dedup();
        if levels.is_empty() {
            e.push(FieldError::new("levels", "请至少勾选一个公开层级"));
        }
        let list_fields = split_list(&self.list_fields);
        if let Some(bad) = list_fields.iter().find(|f| NEVER_LISTED.iter().any(|n| f.contains(n))) {
            e.push(FieldError::new(
                "list_fields",
                format!("名单不得公开“{bad}”：身份证号码、联系电话、银行账号和详细住址属于个人信息"),
            ));
        }
        if list_fields.len() > 12 || list_fields.iter().any(|f| f.chars().count() > 20) {
            e.push(FieldError::new("list_fields", "名单字段最多12个，每个不超过20个字"));
        }
        e.into_result()?;
        match (level1, level2, elements, basis, start, working_days, notice_days, responsible, audience, mode) {
            (
                Some(level1),
                Some(level2),
                Some(elements),
                Some(basis),
                Some(start),
                Some(working_days),
                Some(notice_days),
                Some(responsible),
                Some(audience),
                Some(mode),
            ) => Ok(StandardItem {
                level1,
                level2,
                level3: level3.flatten(),
                elements,
                basis,
                limit: TimeLimit { start, working_days, notice_days },
                responsible,
                channels,
                audience,
                mode,
                levels,
                list_fields,
            }),
            _ => Err(FieldError::new("level1", "标准目录事项填写不完整").into()),
        }
    }
}

/// A catalog name (社会救助领域基层政务公开标准目录) and its domain.
pub fn parse_catalog_name(raw: &str) -> Result<String, FieldError> {
    required_text("name", "目录名称", raw, 80)
}

/// One published record linked to a standard item: when its start event happened (the
/// record's formation date) and when it was published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fulfilment {
    pub event_on: Date,
    pub published_on: Date,
}

/// Where one standard item stands for one body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// 依申请公开 and nothing published: nothing is owed.
    NotRequired,
    /// No content yet.
    Empty,
    /// Some record came later than the item's time limit.
    Late,
    OnTime,
}

impl ItemState {
    pub fn label(self) -> &'static str {
        match self {
            ItemState::NotRequired => "依申请公开",
            ItemState::Empty => "未公开",
            ItemState::Late => "逾期公开",
            ItemState::OnTime => "按时公开",
        }
    }
}

/// The state of one item and how many of its records were late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ItemCheck {
    pub state: ItemState,
    pub records: usize,
    pub late: usize,
}

/// Check the records linked to one item against its rule.
pub fn check(
    mode: Mode,
    limit: &TimeLimit,
    records: &[Fulfilment],
    cal: &Calendar,
) -> Result<ItemCheck, CalendarError> {
    let mut late = 0;
    for r in records {
        if r.published_on > limit.due(cal, r.event_on)? {
            late += 1;
        }
    }
    let state = match (records.is_empty(), mode, late) {
        (true, Mode::OnRequest, _) => ItemState::NotRequired,
        (true, Mode::Proactive, _) => ItemState::Empty,
        (false, _, 0) => ItemState::OnTime,
        (false, _, _) => ItemState::Late,
    };
    Ok(ItemCheck { state, records: records.len(), late })
}

/// A body's standing against its adopted catalogs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Compliance {
    /// Items of the adopted catalogs.
    pub items: usize,
    /// Items owed (proactive ones, and on-request ones that have content).
    pub required: usize,
    pub on_time: usize,
    pub late: usize,
    pub empty: usize,
}

impl Compliance {
    pub fn of(checks: &[ItemCheck]) -> Self {
        let mut c = Compliance { items: checks.len(), ..Default::default() };
        for k in checks {
            match k.state {
                ItemState::NotRequired => {}
                ItemState::Empty => c.empty += 1,
                ItemState::Late => c.late += 1,
                ItemState::OnTime => c.on_time += 1,
            }
        }
        c.required = c.on_time + c.late + c.empty;
        c
    }

    /// Share of owed items published on time, in whole percent (100 when nothing is owed);
    /// `None` when the body has adopted no catalog.
    pub fn percent(&self) -> Option<u32> {
        if self.items == 0 {
            return None;
        }
        if self.required == 0 {
            return Some(100);
        }
        Some(((self.on_time * 200 + self.required) / (self.required * 2)) as u32)
    }

    pub fn percent_label(&self) -> String {
        self.percent().map_or_else(|| "未采用标准目录".into(), |p| format!("{p}%"))
    }
}

/// A name list of beneficiaries as it may be published: the listed columns only, with
/// any identity or mobile number that slipped into a cell masked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub fields: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Most rows one list may hold (a district's 低保 list is a few thousand households).
pub const MAX_ROSTER_ROWS: usize = 20_000;

/// Split one line of a pasted table: tabs (copied from a spreadsheet) or commas, with
/// double quotes around cells that hold the separator.
fn cells(line: &str, sep: char) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// Read a pasted or uploaded list (first line the header) and keep only `listed`, in the
/// catalog's order. Every listed field must be in the header; columns not listed are
/// dropped here, so they are never stored.
pub fn roster_from_table(text: &str, listed: &[String]) -> Result<Roster, FieldError> {
    if listed.is_empty() {
        return Err(FieldError::new("roster", "该标准目录事项不是名单类事项，不能上传名单"));
    }
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(head) = lines.next() else {
        return Err(FieldError::new("roster", "名单为空：第一行应为表头"));
    };
    let sep = if head.contains('\t') { '\t' } else { ',' };
    let header = cells(head, sep);
    let mut picks = vec![];
    for f in listed {
        match header.iter().position(|h| h == f) {
            Some(i) => picks.push(i),
            None => {
                return Err(FieldError::new(
                    "roster",
                    format!("表头缺少标准目录列明的字段“{f}”（应包含：{}）", listed.join("、")),
                ));
            }
        }
    }
    let mut rows = vec![];
    for (n, line) in lines.enumerate() {
        if rows.len() >= MAX_ROSTER_ROWS {
            return Err(FieldError::new("roster", format!("名单最多{MAX_ROSTER_ROWS}行")));
        }
        let c = cells(line, sep);
        let row: Vec<String> = picks.iter().map(|&i| mask_in_text(c.get(i).map_or("", String::as_str))).collect();
        if row.iter().any(|v| v.chars().count() > 200 || v.chars().any(char::is_control)) {
            return Err(FieldError::new("roster", format!("第{}行有过长或含控制字符的单元格", n + 2)));
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(FieldError::new("roster", "名单没有数据行"));
    }
    Ok(Roster { fields: listed.to_vec(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> Calendar {
        Calendar::builtin()
    }

    fn input() -> StandardItemInput {
        StandardItemInput {
            level1: "最低生活保障".into(),
            level2: "审批信息".into(),
            elements: "低保对象名单（姓名、所在村（居）、保障人数、保障金额）".into(),
            basis: "《社会救助暂行办法》".into(),
            start: "decided".into(),
            working_days: "10".into(),
            notice_days: "7".into(),
            responsible: "县级人民政府民政部门".into(),
            channels: vec!["website".into(), "notice_board".into(), "website".into()],
            audience: "全社会".into(),
            mode: "主动".into(),
            levels: vec!["县级".into(), "township".into()],
            list_fields: "姓名、所在村（居）、保障人数".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_item_parses_with_its_rule_and_ticks() {
        let item = input().parse().unwrap();
        assert_eq!(item.channels, [Channel::Website, Channel::NoticeBoard]);
        assert_eq!(item.levels, [Level::County, Level::Township]);
        assert_eq!(item.limit.label(), "审核审批结果作出之日起10个工作日内；公示7个工作日");
        assert_eq!(item.list_fields, ["姓名", "所在村（居）", "保障人数"]);
        assert_eq!(StandardItemInput::of(&item).parse().unwrap(), item, "the edit form round-trips");
    }

    #[test]
    fn bad_items_name_every_field() {
        let mut f = input();
        f.working_days = "25".into();
        f.notice_days = "0".into();
        f.channels.clear();
        f.list_fields = "姓名、身份证号码".into();
        let e = f.parse().unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["working_days", "notice_days", "channels", "list_fields"]);
        assert!(e.0[3].message.contains("身份证号码"));
    }

    #[test]
    fn records_are_late_by_the_items_own_rule() {
        let cal = cal();
        let limit = TimeLimit { start: StartEvent::Changed, working_days: 10, notice_days: None };
        let d = |s: &str| s.parse::<Date>().unwrap();
        // 2020-09-25 + 10 working days crosses National Day (27 Sep and 10 Oct are worked): due 2020-10-15.
        assert_eq!(limit.due(&cal, d("2020-09-25")).unwrap(), d("2020-10-15"));
        let on_time = Fulfilment { event_on: d("2020-09-25"), published_on: d("2020-10-15") };
        let late = Fulfilment { event_on: d("2020-09-25"), published_on: d("2020-10-16") };
        assert_eq!(check(Mode::Proactive, &limit, &[on_time], &cal).unwrap().state, ItemState::OnTime);
        let k = check(Mode::Proactive, &limit, &[on_time, late], &cal).unwrap();
        assert_eq!((k.state, k.records, k.late), (ItemState::Late, 2, 1));
        assert_eq!(check(Mode::Proactive, &limit, &[], &cal).unwrap().state, ItemState::Empty);
        assert_eq!(check(Mode::OnRequest, &limit, &[], &cal).unwrap().state, ItemState::NotRequired);
        let c = Compliance::of(&[
            check(Mode::Proactive, &limit, &[on_time], &cal).unwrap(),
            check(Mode::Proactive, &limit, &[late], &cal).unwrap(),
            check(Mode::Proactive, &limit, &[], &cal).unwrap(),
            check(Mode::OnRequest, &limit, &[], &cal).unwrap(),
        ]);
        assert_eq!((c.items, c.required, c.on_time, c.late, c.empty), (4, 3, 1, 1, 1));
        assert_eq!(c.percent(), Some(33));
        assert_eq!(Compliance::default().percent_label(), "未采用标准目录");
    }

    #[test]
    fn notices_end_after_their_period() {
        let cal = cal();
        let limit = TimeLimit { start: StartEvent::Decided, working_days: 10, notice_days: Some(7) };
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(limit.notice_ends(&cal, d("2020-09-28")).unwrap(), Some(d("2020-10-14")));
    }

    #[test]
    fn name_lists_keep_only_the_listed_fields() {
        let listed = vec!["姓名".to_string(), "所在村（居）".to_string()];
        let text = "\u{feff}姓名\t身份证号码\t所在村（居）\t电话\n张三\t440104198001011234\t东风社区\t13812345678\n\n\"李,四\"\t1\t\"北京路 440104198001011234\"\t2";
        let r = roster_from_table(text, &listed).unwrap();
        assert_eq!(r.fields, listed);
        assert_eq!(r.rows, [vec!["张三", "东风社区"], vec!["李,四", "北京路 4401**********1234"]]);
        let csv = "姓名,所在村（居）,备注\n\"王,五\",三元里,\"说\"\"明\"\"\"";
        assert_eq!(roster_from_table(csv, &listed).unwrap().rows, [vec!["王,五", "三元里"]]);
        let e = roster_from_table("姓名,地址\n张三,x", &listed).unwrap_err();
        assert!(e.message.contains("所在村（居）"), "{e}");
        assert!(roster_from_table("姓名", &[]).is_err());
    }
}

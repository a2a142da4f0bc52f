//! Supervision of subordinate bodies: tasks assigned with a due date and reported with
//! evidence, inspection records with findings and rectification, the year's
//! village-affairs (村(居)务公开) records per district, and the per-body figures of the
//! supervisor's dashboard — all pure functions over records, so the dashboard can be
//! recomputed from them by anyone.

use crate::appeals::AppealResult;
use crate::applications::outcome::Outcome;
use crate::field::{FieldError, FieldErrors, optional_multiline, required_multiline, required_text};
use crate::oversight::standards::Compliance;
use crate::reports::narrative::ReportStatus;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

fn date(field: &'static str, label: &str, raw: &str) -> Result<Date, FieldError> {
    raw.trim().parse().map_err(|_| FieldError::new(field, format!("请填写{label}（格式：2020-06-30）")))
}

fn count(field: &'static str, label: &str, raw: &str) -> Result<u32, FieldError> {
    match raw.trim() {
        "" => Ok(0),
        s => s
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 1_000_000)
            .ok_or_else(|| FieldError::new(field, format!("{label}应为不超过1000000的整数"))),
    }
}

/// A task as typed: `orgs` holds the ticked bodies (repeated pairs), or `all` for every
/// body below the supervisor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInput {
    pub title: String,
    pub description: String,
    pub due_on: String,
    pub orgs: Vec<i64>,
    pub all: bool,
}

impl TaskInput {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v.clone(),
                "description" => f.description = v.clone(),
                "due_on" => f.due_on = v.clone(),
                "all" => f.all = v == "1" || v == "on",
                "orgs" => {
                    if let Ok(id) = v.trim().parse() {
                        f.orgs.push(id);
                    }
                }
                _ => {}
            }
        }
        f
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFacts {
    pub title: String,
    pub description: String,
    pub due_on: Date,
}

impl TaskInput {
    /// The task itself; which bodies it goes to is checked against the tree by the caller.
    pub fn parse(&self, today: Date) -> Result<TaskFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.take(required_text("title", "任务名称", &self.title, 120));
        let description = e.take(required_multiline("description", "任务要求", &self.description, 5000));
        let due_on = e.take(date("due_on", "完成期限", &self.due_on));
        if let Some(d) = due_on
            && d.year() < today.year() - 10
        {
            e.push(FieldError::new("due_on", "完成期限过早，请检查年份"));
        }
        if !self.all && self.orgs.is_empty() {
            e.push(FieldError::new("orgs", "请选择承办的下级机构，或勾选“全部下级机构”"));
        }
        e.into_result()?;
        match (title, description, due_on) {
            (Some(title), Some(description), Some(due_on)) => Ok(TaskFacts { title, description, due_on }),
            _ => Err(FieldError::new("title", "任务填写不完整").into()),
        }
    }
}

/// Where one body stands on one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// Not reported yet.
    Open,
    /// Reported, awaiting the supervisor's review.
    Reported,
    /// Sent back for more work or evidence.
    Returned,
    /// Accepted as done.
    Accepted,
}

impl AssignmentStatus {
    pub const ALL: [AssignmentStatus; 4] =
        [AssignmentStatus::Open, AssignmentStatus::Reported, AssignmentStatus::Returned, AssignmentStatus::Accepted];

    pub fn code(self) -> &'static str {
        match self {
            AssignmentStatus::Open => "open",
            AssignmentStatus::Reported => "reported",
            AssignmentStatus::Returned => "returned",
            AssignmentStatus::Accepted => "accepted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssignmentStatus::Open => "未报送",
            AssignmentStatus::Reported => "已报送待审核",
            AssignmentStatus::Returned => "退回补充",
            AssignmentStatus::Accepted => "已完成",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == raw)
    }

    /// Whether the body still owes work.
    pub fn is_pending(self) -> bool {
        matches!(self, AssignmentStatus::Open | AssignmentStatus::Returned)
    }

    /// What a body may do next: report while open or returned.
    pub fn may_report(self) -> bool {
        self.is_pending()
    }

    /// What the supervisor may do next: review a report.
    pub fn may_review(self) -> bool {
        self == AssignmentStatus::Reported
    }
}

/// How an assignment reads against its due date today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskFlag {
    /// Still owed, due date not passed.
    Pending,
    /// Still owed after the due date.
    Overdue,
    /// Reported (first time) by the due date.
    OnTime,
    /// Reported after the due date.
    ReportedLate,
}

impl TaskFlag {
    pub fn label(self) -> &'static str {
        match self {
            TaskFlag::Pending => "办理中",
            TaskFlag::Overdue => "已逾期",
            TaskFlag::OnTime => "按期报送",
            TaskFlag::ReportedLate => "逾期报送",
        }
    }
}

/// `reported_on` is the first report's date (a return does not reset it).
pub fn task_flag(status: AssignmentStatus, due: Date, reported_on: Option<Date>, today: Date) -> TaskFlag {
    match (status.is_pending(), reported_on) {
        (true, _) if today > due => TaskFlag::Overdue,
        (true, _) => TaskFlag::Pending,
        (false, Some(r)) if r > due => TaskFlag::ReportedLate,
        (false, _) => TaskFlag::OnTime,
    }
}

/// Counts over a task's assignments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TaskProgress {
    pub bodies: usize,
    pub accepted: usize,
    pub reported: usize,
    pub overdue: usize,
}

pub fn task_progress(states: &[(AssignmentStatus, TaskFlag)]) -> TaskProgress {
    let mut p = TaskProgress { bodies: states.len(), ..Default::default() };
    for (s, f) in states {
        match s {
            AssignmentStatus::Accepted => p.accepted += 1,
            AssignmentStatus::Reported => p.reported += 1,
            _ => {}
        }
        if *f == TaskFlag::Overdue {
            p.overdue += 1;
        }
    }
    p
}

/// A body's report on a task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    pub summary: String,
    /// A published record of the body that shows the work (optional).
    pub item_id: String,
}

pub fn parse_report(f: &ReportInput) -> Result<(String, Option<i64>), FieldErrors> {
    let mut e = FieldErrors::new();
    let summary = e.take(required_multiline("summary", "完成情况和佐证材料说明", &f.summary, 5000));
    let item = e.take(match f.item_id.trim() {
        "" => Ok(None),
        s => s.parse::<i64>().map(Some).map_err(|_| FieldError::new("item_id", "请选择本机构已发布的信息作为佐证")),
    });
    e.into_result()?;
    Ok((summary.unwrap_or_default(), item.flatten()))
}

/// The supervisor's review note (required when sending back).
pub fn parse_review(accept: bool, note: &str) -> Result<Option<String>, FieldError> {
    if accept {
        optional_multiline("note", "审核意见", note, 2000)
    } else {
        required_multiline("note", "退回理由", note, 2000).map(Some)
    }
}

/// What an inspection looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 政务公开工作检查（网站、栏目、年报）
    Disclosure,
    /// 基层政务公开标准目录检查
    StandardCatalog,
    /// 村（居）务公开检查
    Village,
}

impl InspectionKind {
    pub const ALL: [InspectionKind; 3] =
        [InspectionKind::Disclosure, InspectionKind::StandardCatalog, InspectionKind::Village];

    pub fn code(self) -> &'static str {
        match self {
            InspectionKind::Disclosure => "disclosure",
            InspectionKind::StandardCatalog => "standard_catalog",
            InspectionKind::Village => "village",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InspectionKind::Disclosure => "政务公开工作检查",
            InspectionKind::StandardCatalog => "标准目录落实检查",
            InspectionKind::Village => "村（居）务公开检查",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == raw.trim() || k.label() == raw.trim())
            .ok_or_else(|| FieldError::new("kind", "请选择检查类型"))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InspectionInput {
    pub org_id: String,
    pub kind: String,
    pub on: String,
    pub findings: String,
    pub rectification: String,
    pub rectify_by: String,
    pub rectified_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionFacts {
    pub org_id: i64,
    pub kind: InspectionKind,
    pub on: Date,
    /// Empty when nothing was found.
    pub findings: Option<String>,
    pub rectification: Option<String>,
    pub rectify_by: Option<Date>,
    pub rectified_on: Option<Date>,
}

impl InspectionFacts {
    /// 已整改 / 整改中 / 整改逾期 / 无问题
    pub fn state(&self, today: Date) -> &'static str {
        match (&self.findings, self.rectified_on, self.rectify_by) {
            (None, _, _) => "未发现问题",
            (Some(_), Some(_), _) => "已整改",
            (Some(_), None, Some(by)) if today > by => "整改逾期",
            (Some(_), None, _) => "整改中",
        }
    }
}

impl InspectionInput {
    pub fn parse(&self) -> Result<InspectionFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let org_id =
            e.take(self.org_id.trim().parse::<i64>().map_err(|_| FieldError::new("org_id", "请选择被检查机构")));
        let kind = e.take(InspectionKind::parse(&self.kind));
        let on = e.take(date("on", "检查日期", &self.on));
        let findings = e.take(optional_multiline("findings", "发现的问题", &self.findings, 5000)).flatten();
        let rectification =
            e.take(optional_multiline("rectification", "整改要求和措施", &self.rectification, 5000)).flatten();
        let opt_date = |field, label, raw: &str| {
            if raw.trim().is_empty() { Ok(None) } else { date(field, label, raw).map(Some) }
        };
        let rectify_by = e.take(opt_date("rectify_by", "整改期限", &self.rectify_by)).flatten();
        let rectified_on = e.take(opt_date("rectified_on", "整改完成日期", &self.rectified_on)).flatten();
        if findings.is_some() && rectification.is_none() {
            e.push(FieldError::new("rectification", "发现问题的，请填写整改要求和措施"));
        }
        if findings.is_none() && (rectification.is_some() || rectified_on.is_some()) {
            e.push(FieldError::new("findings", "填写整改情况的，请先填写发现的问题"));
        }
        if let (Some(a), Some(b)) = (on, rectified_on)
            && b < a
        {
            e.push(FieldError::new("rectified_on", "整改完成日期不能早于检查日期"));
        }
        e.into_result()?;
        match (org_id, kind, on) {
            (Some(org_id), Some(kind), Some(on)) => {
                Ok(InspectionFacts { org_id, kind, on, findings, rectification, rectify_by, rectified_on })
            }
            _ => Err(FieldError::new("org_id", "检查记录填写不完整").into()),
        }
    }
}

/// The year's village and residents' committee affairs disclosure work in one district.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VillageInput {
    pub org_id: String,
    pub year: String,
    pub work_points: String,
    pub committees: String,
    pub on_schedule: String,
    pub inspected: String,
    pub problems: String,
    pub rectified: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageFacts {
    pub org_id: i64,
    pub year: i16,
    /// 年度工作要点
    pub work_points: String,
    /// 村（居）委会数
    pub committees: u32,
    /// 按期公开的村（居）数
    pub on_schedule: u32,
    /// 检查的村（居）数
    pub inspected: u32,
    pub problems: u32,
    pub rectified: u32,
}

impl VillageInput {
    pub fn parse(&self) -> Result<VillageFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let org_id = e.take(self.org_id.trim().parse::<i64>().map_err(|_| FieldError::new("org_id", "请选择区")));
        let year = e.take(
            self.year
                .trim()
                .parse::<i16>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| FieldError::new("year", "请填写年度")),
        );
        let work_points = e.take(required_multiline("work_points", "年度工作要点", &self.work_points, 5000));
        let committees = e.take(count("committees", "村（居）委会数", &self.committees));
        let on_schedule = e.take(count("on_schedule", "按期公开的村（居）数", &self.on_schedule));
        let inspected = e.take(count("inspected", "检查的村（居）数", &self.inspected));
        let problems = e.take(count("problems", "发现问题数", &self.problems));
        let rectified = e.take(count("rectified", "已整改问题数", &self.rectified));
        if let (Some(c), Some(o), Some(i)) = (committees, on_schedule, inspected) {
            if o > c {
                e.push(FieldError::new("on_schedule", "按期公开的村（居）数不能多于村（居）委会数"));
            }
            if i > c {
                e.push(FieldError::new("inspected", "检查的村（居）数不能多于村（居）委会数"));
            }
        }
        if let (Some(p), Some(r)) = (problems, rectified)
            && r > p
        {
            e.push(FieldError::new("rectified", "已整改问题数不能多于发现问题数"));
        }
        e.into_result()?;
        match (org_id, year, work_points, committees, on_schedule, inspected, problems, rectified) {
            (
                Some(org_id),
                Some(year),
                Some(work_points),
                Some(committees),
                Some(on_schedule),
                Some(inspected),
                Some(problems),
                Some(rectified),
            ) => {
                Ok(VillageFacts { org_id, year, work_points, committees, on_schedule, inspected, problems, rectified })
            }
            _ => Err(FieldError::new("org_id", "村（居）务公开记录填写不完整").into()),
        }
    }
}

/// One application as the dashboard counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicationFact {
    pub received_on: Option<Date>,
    pub finished_on: Option<Date>,
    pub due_on: Option<Date>,
    pub open: bool,
    pub outcome: Option<Outcome>,
    /// Working days the case took without lawful pauses (finished cases).
    pub handling_wd: Option<u32>,
}

/// The broad outcome classes of table 三 the dashboard shows.
pub const OUTCOME_GROUPS: [&str; 6] = ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"];

pub fn outcome_group(o: Outcome) -> usize {
    use Outcome::*;
    match o {
        Disclosed => 0,
        PartlyDisclosed => 1,
        SecretWithheld | LawProhibited | SecurityStability | ThirdPartyRights | InternalAffairs
        | ProcessInformation | EnforcementFile | AdministrativeQuery => 2,
        NotHeld | NeedsCreation | UnclearAfterCorrection => 3,
        Petition | Repeat | Publication | Excessive | ConfirmationRequest => 4,
        CorrectionLapsed | FeeUnpaid | OtherHandling => 5,
    }
}

/// Applications of one body in one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ApplicationFigures {
    /// Received (receipt date) in the year.
    pub received: u32,
    /// Finished in the year.
    pub finished: u32,
    /// Finished in the year by their deadline.
    pub on_time: u32,
    /// Finished in the year after their deadline.
    pub finished_late: u32,
    /// Still open today and past their deadline (deadline in or before the year).
    pub open_overdue: u32,
    /// Mean working days of the cases finished in the year, lawful pauses excluded, one decimal.
    pub avg_wd: Option<f64>,
    /// Finished in the year, by [`OUTCOME_GROUPS`].
    pub outcomes: [u32; 6],
}

impl ApplicationFigures {
    pub fn of(facts: &[ApplicationFact], year: i16, today: Date) -> Self {
        let in_year = |d: Option<Date>| d.is_some_and(|d| d.year() == year);
        let mut f = ApplicationFigures::default();
        let (mut days, mut n) = (0u64, 0u64);
        for a in facts {
            if in_year(a.received_on) {
                f.received += 1;
            }
            if in_year(a.finished_on) {
                f.finished += 1;
                match (a.finished_on, a.due_on) {
                    (Some(fin), Some(due)) if fin > due => f.finished_late += 1,
                    _ => f.on_time += 1,
                }
                if let Some(o) = a.outcome {
                    f.outcomes[outcome_group(o)] += 1;
                }
                if let Some(wd) = a.handling_wd {
                    days += u64::from(wd);
                    n += 1;
                }
            }
            if a.open && a.due_on.is_some_and(|d| d < today && d.year() <= year) {
                f.open_overdue += 1;
            }
        }
        if n > 0 {
            f.avg_wd = Some((days as f64 * 10.0 / n as f64).round() / 10.0);
        }
        f
    }

    /// Finished on time, in whole percent of the finished ones.
    pub fn on_time_percent(&self) -> Option<u32> {
        (self.finished > 0).then(|| (self.on_time * 200 + self.finished) / (self.finished * 2))
    }
}

/// Appeals of one body filed in the year, by result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AppealFigures {
    pub filed: u32,
    pub upheld: u32,
    pub corrected: u32,
    pub other: u32,
    pub pending: u32,
}

impl AppealFigures {
    pub fn of(results: &[Option<AppealResult>]) -> Self {
        let mut f = AppealFigures { filed: results.len() as u32, ..Default::default() };
        for r in results {
            match r {
                Some(AppealResult::Upheld) => f.upheld += 1,
                Some(AppealResult::Corrected) => f.corrected += 1,
                Some(AppealResult::Other) => f.other += 1,
                None => f.pending += 1,
            }
        }
        f
    }
}

/// Everything the dashboard shows for one body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BodyFigures {
    pub org_id: i64,
    pub name: String,
    /// Depth below the dashboard's root (0 for the root).
    pub depth: usize,
    /// Catalog records published in the year, and those published after their Art. 26 limit.
    pub published: u32,
    pub published_late: u32,
    pub compliance: Compliance,
    pub applications: ApplicationFigures,
    pub appeals: AppealFigures,
    pub report: ReportStatus,
    /// Supervision tasks still owed after their due date.
    pub tasks_overdue: u32,
}

/// The subtree total (the root included).
pub fn totals(rows: &[BodyFigures]) -> (u32, u32, Compliance, ApplicationFigures, AppealFigures) {
    let mut c = Compliance::default();
    let mut a = ApplicationFigures::default();
    let mut p = AppealFigures::default();
    let (mut published, mut late) = (0, 0);
    let (mut days, mut n) = (0.0, 0u32);
    for r in rows {
        published += r.published;
        late += r.published_late;
        c.items += r.compliance.items;
        c.required += r.compliance.required;
        c.on_time += r.compliance.on_time;
        c.late += r.compliance.late;
        c.empty += r.compliance.empty;
        a.received += r.applications.received;
        a.finished += r.applications.finished;
        a.on_time += r.applications.on_time;
        a.finished_late += r.applications.finished_late;
        a.open_overdue += r.applications.open_overdue;
        for (t, x) in a.outcomes.iter_mut().zip(r.applications.outcomes) {
            *t += x;
        }
        if let Some(avg) = r.applications.avg_wd {
            // weighted by the cases behind each mean
            days += avg * f64::from(r.applications.finished);
            n += r.applications.finished;
        }
        p.filed += r.appeals.filed;
        p.upheld += r.appeals.upheld;
        p.corrected += r.appeals.corrected;
        p.other += r.appeals.other;
        p.pending += r.appeals.pending;
    }
    if n > 0 {
        a.avg_wd = Some((days * 10.0 / f64::from(n)).round() / 10.0);
    }
    (published, late, c, a, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn tasks_flag_overdue_and_late_reports() {
        let due = d("2020-06-30");
        assert_eq!(task_flag(AssignmentStatus::Open, due, None, d("2020-06-30")), TaskFlag::Pending);
        assert_eq!(task_flag(AssignmentStatus::Open, due, None, d("2020-07-01")), TaskFlag::Overdue);
        assert_eq!(
            task_flag(AssignmentStatus::Returned, due, Some(d("2020-06-20")), d("2020-07-01")),
            TaskFlag::Overdue
        );
        assert_eq!(
            task_flag(AssignmentStatus::Reported, due, Some(d("2020-06-30")), d("2021-01-01")),
            TaskFlag::OnTime
        );
        assert_eq!(
            task_flag(AssignmentStatus::Accepted, due, Some(d("2020-07-02")), d("2021-01-01")),
            TaskFlag::ReportedLate
        );
        let p = task_progress(&[
            (AssignmentStatus::Accepted, TaskFlag::OnTime),
            (AssignmentStatus::Reported, TaskFlag::ReportedLate),
            (AssignmentStatus::Open, TaskFlag::Overdue),
        ]);
        assert_eq!((p.bodies, p.accepted, p.reported, p.overdue), (3, 1, 1, 1));
        assert!(
            TaskInput { title: "x".into(), description: "y".into(), due_on: "2020-06-30".into(), ..Default::default() }
                .parse(d("2020-01-01"))
                .unwrap_err()
                .0
                .iter()
                .any(|e| e.field == "orgs")
        );
        assert!(parse_review(false, " ").is_err(), "a return needs a reason");
    }

    #[test]
    fn inspections_and_village_records_check_their_numbers() {
        let mut f = InspectionInput {
            org_id: "3".into(),
            kind: "village".into(),
            on: "2020-09-01".into(),
            findings: "公示栏未更新".into(),
            ..Default::default()
        };
        assert!(f.parse().unwrap_err().0.iter().any(|e| e.field == "rectification"));
        f.rectification = "一周内更新".into();
        f.rectify_by = "2020-09-08".into();
        let i = f.parse().unwrap();
        assert_eq!(i.state(d("2020-09-09")), "整改逾期");
        assert_eq!(i.state(d("2020-09-08")), "整改中");
        let v = VillageInput {
            org_id: "3".into(),
            year: "2020".into(),
            work_points: "要点".into(),
            committees: "10".into(),
            on_schedule: "11".into(),
            inspected: "4".into(),
            problems: "1".into(),
            rectified: "2".into(),
        };
        let fields: Vec<_> = v.parse().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["on_schedule", "rectified"]);
    }

    #[test]
    fn application_figures_count_by_the_year_and_exclude_pauses() {
        let a = |r: &str, f: Option<&str>, due: &str, wd: Option<u32>, o: Option<Outcome>| ApplicationFact {
            received_on: Some(d(r)),
            finished_on: f.map(d),
            due_on: Some(d(due)),
            open: f.is_none(),
            outcome: o,
            handling_wd: wd,
        };
        let facts = [
            a("2020-03-02", Some("2020-03-20"), "2020-03-30", Some(14), Some(Outcome::Disclosed)),
            a("2020-05-06", Some("2020-06-10"), "2020-06-03", Some(24), Some(Outcome::NotHeld)),
            a("2019-12-20", Some("2020-01-10"), "2020-01-17", Some(11), Some(Outcome::Repeat)),
            a("2020-12-10", None, "2021-01-08", None, None),
            a("2020-11-02", None, "2020-11-30", None, None),
        ];
        let f = ApplicationFigures::of(&facts, 2020, d("2021-03-01"));
        assert_eq!((f.received, f.finished, f.on_time, f.finished_late, f.open_overdue), (4, 3, 2, 1, 1));
        assert_eq!(f.avg_wd, Some(16.3));
        assert_eq!(f.outcomes, [1, 0, 0, 1, 1, 0]);
        assert_eq!(f.on_time_percent(), Some(67));
        let p = AppealFigures::of(&[Some(AppealResult::Upheld), None, Some(AppealResult::Corrected)]);
        assert_eq!((p.filed, p.upheld, p.corrected, p.pending), (3, 1, 1, 1));
    }
}

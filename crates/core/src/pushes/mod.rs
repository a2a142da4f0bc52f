//! Targeted policy push (定向推送): safety-net policies sent to the people they concern.
//!
//! People join recipient groups (低保, 特困供养 …) with their consent — on the portal, or
//! registered by staff for people served offline — and choose how to be reached. A
//! campaign picks published documents and groups; every consenting member gets one
//! delivery per chosen channel, queued as a job, sent once, and carrying a link that
//! lets them withdraw without logging in.

use crate::field::{FieldError, FieldErrors, optional_text, required_multiline, required_text};
use crate::ids::{ItemId, PushGroupId, RecipientId};
use serde::Serialize;

/// The groups every body starts with (code, name, who belongs). Staff may rename them,
/// add their own and retire any.
pub const DEFAULT_GROUPS: [(&str, &str, &str); 6] = [
    ("dibao", "低保对象", "最低生活保障对象"),
    ("tekun", "特困供养人员", "特困人员救助供养对象"),
    ("linshi", "临时救助对象", "遭遇突发性、紧迫性、临时性基本生活困难的家庭和个人"),
    ("ertong", "孤儿和事实无人抚养儿童", "孤儿、事实无人抚养儿童及其监护人"),
    ("canji", "残疾人", "困难残疾人生活补贴和重度残疾人护理补贴对象"),
    ("gaoling", "高龄老人", "享受高龄津贴的老年人及其家属"),
];

/// What a refused push says when the person withdrew consent.
pub const WITHDRAWN: &str = "该推送对象已撤回同意，不再向其推送";

/// Whether `p` may see the people `org` holds: only staff of that body itself (a
/// supervising body sees counts, never names or contacts; nor does a system admin).
pub fn may_see_recipients(p: &crate::orgs::access::Principal, org: crate::ids::OrgId) -> bool {
    p.grants.iter().any(|g| g.org == org && g.role != crate::orgs::accounts::Role::Supervisor)
}

/// How a person is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Channel {
    /// E-mail through the configured SMTP server.
    Email,
    /// A message in the person's inbox on the portal (their personal link).
    Site,
    /// Posted to the body's gateway (SMS or WeChat), which delivers it to the phone.
    Webhook,
    /// On a printed list for delivery in person (community workers, offline service).
    Print,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Email, Channel::Site, Channel::Webhook, Channel::Print];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Site => "site",
            Channel::Webhook => "webhook",
            Channel::Print => "print",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "电子邮件",
            Channel::Site => "站内消息",
            Channel::Webhook => "短信/微信",
            Channel::Print => "纸质清单（线下送达）",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s.trim())
    }

    /// Sent by the worker (the others are delivered when written: the inbox at once, the
    /// printed list when staff mark it handed out).
    pub fn is_sent_by_job(self) -> bool {
        matches!(self, Channel::Email | Channel::Webhook)
    }
}

/// Channels as stored: codes joined by commas.
pub fn channels_code(cs: &[Channel]) -> String {
    cs.iter().map(|c| c.code()).collect::<Vec<_>>().join(",")
}

pub fn parse_channels_code(s: &str) -> Vec<Channel> {
    let mut v: Vec<Channel> = s.split(',').filter_map(Channel::parse).collect();
    v.sort();
    v.dedup();
    v
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DeliveryStatus {
    Queued,
    Sent,
    /// The last attempt failed; the job table retries it with back-off.
    Failed,
    /// Consent was withdrawn before it went out: never sent.
    Withdrawn,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 4] =
        [DeliveryStatus::Queued, DeliveryStatus::Sent, DeliveryStatus::Failed, DeliveryStatus::Withdrawn];

    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "待发送",
            DeliveryStatus::Sent => "已送达",
            DeliveryStatus::Failed => "发送失败",
            DeliveryStatus::Withdrawn => "已撤回同意，未发送",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Who registered a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Source {
    /// The person, on the portal.
    Portal,
    /// Staff, with consent given in person or in writing.
    Staff,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Portal => "portal",
            Source::Staff => "staff",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Portal => "本人在门户登记",
            Source::Staff => "工作人员代为登记",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Source::Portal, Source::Staff].into_iter().find(|x| x.code() == s)
    }
}

/// The channels a person may choose on the portal: e-mail and the inbox, and SMS/WeChat
/// when the body has a gateway (a printed list is for staff to arrange).
pub fn portal_channels(has_gateway: bool) -> Vec<Channel> {
    let mut v = vec![Channel::Email, Channel::Site];
    if has_gateway {
        v.push(Channel::Webhook);
    }
    v
}

/// What staff read of a delivery: a failure says whether the job table will try again.
pub fn delivery_label(status: DeliveryStatus, channel: Channel, attempts: i64) -> String {
    match status {
        DeliveryStatus::Failed if attempts >= crate::jobs::MAX_ATTEMPTS => "发送失败，已停止自动重试".into(),
        DeliveryStatus::Failed => format!("发送失败（第 {attempts} 次），将自动重试"),
        DeliveryStatus::Queued if channel == Channel::Print => "待打印送达".into(),
        s => s.label().into(),
    }
}

/// A recipient group as entered.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct GroupInput {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupFacts {
    pub name: String,
    pub description: String,
}

impl GroupInput {
    pub fn parse(&self) -> Result<GroupFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take(required_text("name", "群体名称", &self.name, 40));
        let description = e.take(optional_text("description", "群体说明", &self.description, 200));
        e.into_result()?;
        match (name, description) {
            (Some(name), Some(description)) => Ok(GroupFacts { name, description: description.unwrap_or_default() }),
            _ => Err(FieldErrors::new()),
        }
    }
}

/// A person who consented to pushes, as entered on the portal or by staff. Checkbox lists
/// come as repeated form fields, so the input is built from the form's pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecipientInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub groups: Vec<String>,
    pub channels: Vec<String>,
    pub consent: bool,
}

impl RecipientInput {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let all = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
        Self {
            name: one("name"),
            email: one("email"),
            phone: one("phone"),
            address: one("address"),
            groups: all("group"),
            channels: all("channel"),
            consent: matches!(one("consent").as_str(), "on" | "true" | "1"),
        }
    }

    pub fn has_group(&self, id: &PushGroupId) -> bool {
        self.groups.iter().any(|g| g.trim() == id.to_string())
    }

    pub fn has_channel(&self, c: &Channel) -> bool {
        self.channels.iter().any(|x| x.trim() == c.code())
    }

    /// Check against the body's live groups and the channels on offer (the portal offers
    /// no printed list; the gateway only when the body configured one).
    pub fn parse(&self, groups: &[PushGroupId], offered: &[Channel]) -> Result<RecipientFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take(required_text("name", "姓名", &self.name, 50));
        let email = e.take(
            optional_text("email", "电子邮箱", &self.email, 254)
                .and_then(|v| v.map(|s| crate::orgs::parse_email("email", &s)).transpose()),
        );
        let phone = e.take(
            optional_text("phone", "手机号码", &self.phone, 20)
                .and_then(|v| v.map(|s| crate::applications::identity::parse_contact_phone(&s)).transpose()),
        );
        let address = e.take(optional_text("address", "送达地址", &self.address, 200));
        let mut chosen_groups = Vec::new();
        for g in &self.groups {
            match g.trim().parse::<i64>().ok().map(PushGroupId).filter(|id| groups.contains(id)) {
                Some(id) if !chosen_groups.contains(&id) => chosen_groups.push(id),
                Some(_) => {}
                None => e.push(FieldError::new("group", "所选群体不存在或已停用")),
            }
        }
        if self.groups.is_empty() {
            e.push(FieldError::new("group", "请至少选择一个群体"));
        }
        let mut channels = Vec::new();
        for c in &self.channels {
            match Channel::parse(c).filter(|c| offered.contains(c)) {
                Some(c) => channels.push(c),
                None => e.push(FieldError::new("channel", "所选接收方式不可用")),
            }
        }
        channels.sort();
        channels.dedup();
        if self.channels.is_empty() {
            e.push(FieldError::new("channel", "请至少选择一种接收方式"));
        }
        let has = |c| channels.contains(&c);
        if has(Channel::Email) && matches!(email, Some(None)) {
            e.push(FieldError::new("email", "选择电子邮件接收时请填写电子邮箱"));
        }
        if has(Channel::Webhook) && matches!(phone, Some(None)) {
            e.push(FieldError::new("phone", "选择短信/微信接收时请填写手机号码"));
        }
        if has(Channel::Print) && matches!(address, Some(None)) {
            e.push(FieldError::new("address", "选择线下送达时请填写送达地址"));
        }
        if !self.consent {
            e.push(FieldError::new("consent", "须本人同意接收政策推送（请勾选同意）"));
        }
        e.into_result()?;
        match (name, email, phone, address) {
            (Some(name), Some(email), Some(phone), Some(address)) => {
                Ok(RecipientFacts { name, contact: Contact { email, phone, address }, groups: chosen_groups, channels })
            }
            _ => Err(FieldErrors::new()),
        }
    }
}

/// A recipient's personal data: sealed at rest, shown only to the holding body's staff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// Only what a contact lookup compares (lower-case e-mail, phone digits), so the same
/// person registering twice is recognised.
pub fn contact_keys(c: &Contact) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(e) = &c.email {
        v.push(format!("email:{}", e.trim().to_lowercase()));
    }
    if let Some(p) = &c.phone {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        v.push(format!("phone:{digits}"));
    }
    v
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientFacts {
    pub name: String,
    pub contact: Contact,
    pub groups: Vec<PushGroupId>,
    pub channels: Vec<Channel>,
}

/// A push campaign as entered (checkbox lists from the form's pairs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignInput {
    pub title: String,
    pub message: String,
    pub items: Vec<String>,
    pub groups: Vec<String>,
    pub channels: Vec<String>,
}

impl CampaignInput {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let all = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
        Self {
            title: one("title"),
            message: one("message"),
            items: all("item"),
            groups: all("group"),
            channels: all("channel"),
        }
    }

    /// `publishable` holds the body's published, public documents (a campaign never
    /// carries a draft or a record disclosed only on application).
    pub fn parse(&self, publishable: &[ItemId], groups: &[PushGroupId]) -> Result<CampaignFacts, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = e.take(required_text("title", "推送标题", &self.title, 100));
        let message = e.take(required_multiline("message", "推送说明", &self.message, 1_000));
        let mut items = Vec::new();
        for raw in &self.items {
            match raw.trim().parse::<i64>().ok().map(ItemId).filter(|i| publishable.contains(i)) {
                Some(id) if !items.contains(&id) => items.push(id),
                Some(_) => {}
                None => e.push(FieldError::new("item", "只能推送本机关已主动公开的文件")),
            }
        }
        if self.items.is_empty() {
            e.push(FieldError::new("item", "请至少选择一份已公开的文件或解读"));
        }
        if items.len() > 20 {
            e.push(FieldError::new("item", "一次推送最多 20 份文件"));
        }
        let mut chosen = Vec::new();
        for g in &self.groups {
            match g.trim().parse::<i64>().ok().map(PushGroupId).filter(|id| groups.contains(id)) {
                Some(id) if !chosen.contains(&id) => chosen.push(id),
                Some(_) => {}
                None => e.push(FieldError::new("group", "所选群体不存在或已停用")),
            }
        }
        if self.groups.is_empty() {
            e.push(FieldError::new("group", "请至少选择一个推送群体"));
        }
        let mut channels = Vec::new();
        for c in &self.channels {
            match Channel::parse(c) {
                Some(c) => channels.push(c),
                None => e.push(FieldError::new("channel", "推送渠道无效")),
            }
        }
        channels.sort();
        channels.dedup();
        if self.channels.is_empty() {
            e.push(FieldError::new("channel", "请至少选择一种推送渠道"));
        }
        e.into_result()?;
        match (title, message) {
            (Some(title), Some(message)) => Ok(CampaignFacts { title, message, items, groups: chosen, channels }),
            _ => Err(FieldErrors::new()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignFacts {
    pub title: String,
    pub message: String,
    pub items: Vec<ItemId>,
    pub groups: Vec<PushGroupId>,
    pub channels: Vec<Channel>,
}

/// What planning needs of a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub id: RecipientId,
    pub groups: Vec<PushGroupId>,
    pub channels: Vec<Channel>,
    pub consenting: bool,
}

/// The deliveries a campaign makes: each consenting member of any of its groups, once per
/// channel that both the campaign uses and the person chose. A person in two of the
/// groups gets one message, not two.
pub fn plan(c: &CampaignFacts, recipients: &[Reach]) -> Vec<(RecipientId, Channel)> {
    let mut out = Vec::new();
    for r in recipients.iter().filter(|r| r.consenting && r.groups.iter().any(|g| c.groups.contains(g))) {
        for ch in &r.channels {
            if c.channels.contains(ch) && !out.contains(&(r.id, *ch)) {
                out.push((r.id, *ch));
            }
        }
    }
    out
}

/// One document in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    pub title: String,
    pub url: String,
}

/// A message as it goes out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outgoing {
    pub subject: String,
    pub text: String,
}

/// The full message (e-mail, inbox, printed list): greeting, the campaign's words, the
/// documents with their addresses, the sender, and the link to withdraw.
pub fn compose(org: &str, title: &str, message: &str, name: &str, docs: &[Linked], manage_url: &str) -> Outgoing {
    let mut text = format!("{name}您好：\n\n{message}\n\n");
    text.push_str("本次推送的政策文件：\n");
    for (i, d) in docs.iter().enumerate() {
        text.push_str(&format!("{}. {}\n   {}\n", i + 1, d.title, d.url));
    }
    text.push_str(&format!(
        "\n发送单位：{org}\n不再接收或修改接收方式，请打开：{manage_url}\n（本消息由政府信息公开平台定向推送，请勿直接回复）\n"
    ));
    Outgoing { subject: format!("【{org}】{title}"), text }
}

/// The short form for SMS and WeChat gateways: sender, title, the first document's address
/// and the link to withdraw.
pub fn compose_short(org: &str, title: &str, docs: &[Linked], manage_url: &str) -> String {
    let first = docs.first().map(|d| format!(" {}", d.url)).unwrap_or_default();
    let more = if docs.len() > 1 { format!("（共{}份文件）", docs.len()) } else { String::new() };
    format!("【{org}】{title}{more}{first} 退订：{manage_url}")
}

/// Whether a delivery in `status` still needs sending by the worker; a sent one never
/// goes out again, however often its job runs.
pub fn needs_sending(status: DeliveryStatus, consenting: bool) -> Result<bool, &'static str> {
    match status {
        DeliveryStatus::Sent | DeliveryStatus::Withdrawn => Ok(false),
        DeliveryStatus::Queued | DeliveryStatus::Failed if !consenting => Err(WITHDRAWN),
        DeliveryStatus::Queued | DeliveryStatus::Failed => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn recipients_need_consent_a_group_and_the_contact_their_channel_uses() {
        let groups = [PushGroupId(1), PushGroupId(2)];
        let portal = [Channel::Email, Channel::Site];
        let ok = RecipientInput::from_pairs(&pairs(&[
            ("name", " 张三 "),
            ("email", "zhang@example.cn"),
            ("group", "1"),
            ("group", "2"),
            ("group", "1"),
            ("channel", "email"),
            ("channel", "site"),
            ("consent", "on"),
        ]));
        let f = ok.parse(&groups, &portal).unwrap();
        assert_eq!(f.name, "张三");
        assert_eq!(f.groups, vec![PushGroupId(1), PushGroupId(2)]);
        assert_eq!(f.channels, vec![Channel::Email, Channel::Site]);
        assert_eq!(contact_keys(&f.contact), vec!["email:zhang@example.cn".to_string()]);

        let no_consent = RecipientInput { consent: false, ..ok.clone() };
        assert_eq!(no_consent.parse(&groups, &portal).unwrap_err().0[0].field, "consent");
        let no_mail = RecipientInput { email: String::new(), ..ok.clone() };
        assert!(no_mail.parse(&groups, &portal).unwrap_err().to_string().contains("请填写电子邮箱"));
        let stranger = RecipientInput { groups: vec!["9".into()], ..ok.clone() };
        assert!(stranger.parse(&groups, &portal).unwrap_err().to_string().contains("不存在或已停用"));
        let print = RecipientInput { channels: vec!["print".into()], ..ok.clone() };
        assert!(
            print.parse(&groups, &portal).unwrap_err().to_string().contains("不可用"),
            "the portal offers no print"
        );
        let staff = [Channel::Email, Channel::Site, Channel::Webhook, Channel::Print];
        let e = print.parse(&groups, &staff).unwrap_err();
        assert_eq!(e.0.iter().map(|x| x.field).collect::<Vec<_>>(), ["address"]);
        let sms = RecipientInput { channels: vec!["webhook".into()], phone: "138 1234 5678".into(), ..ok };
        let f = sms.parse(&groups, &staff).unwrap();
        assert_eq!(f.contact.phone.as_deref(), Some("13812345678"));
        assert_eq!(contact_keys(&f.contact)[1], "phone:13812345678");
    }

    #[test]
    fn campaigns_carry_only_published_documents_to_live_groups() {
        let input = CampaignInput::from_pairs(&pairs(&[
            ("title", "2021年低保标准调整"),
            ("message", "我市城乡低保标准自7月1日起提高。"),
            ("item", "10"),
            ("item", "11"),
            ("group", "1"),
            ("channel", "email"),
            ("channel", "print"),
        ]));
        let f = input.parse(&[ItemId(10), ItemId(11)], &[PushGroupId(1)]).unwrap();
        assert_eq!(f.items, vec![ItemId(10), ItemId(11)]);
        assert_eq!(f.channels, vec![Channel::Email, Channel::Print]);
        let draft = input.parse(&[ItemId(10)], &[PushGroupId(1)]).unwrap_err();
        assert!(draft.to_string().contains("已主动公开"));
        let empty = CampaignInput::default().parse(&[], &[]).unwrap_err();
        let fields: Vec<&str> = empty.0.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["title", "message", "item", "group", "channel"]);
    }

    #[test]
    fn a_campaign_reaches_each_consenting_member_once_per_shared_channel() {
        let c = CampaignFacts {
            title: "t".into(),
            message: "m".into(),
            items: vec![ItemId(1)],
            groups: vec![PushGroupId(1), PushGroupId(2)],
            channels: vec![Channel::Email, Channel::Site],
        };
        let r = |id, groups: &[i64], channels: &[Channel], consenting| Reach {
            id: RecipientId(id),
            groups: groups.iter().map(|g| PushGroupId(*g)).collect(),
            channels: channels.to_vec(),
            consenting,
        };
        let got = plan(
            &c,
            &[
                r(1, &[1, 2], &[Channel::Email, Channel::Webhook], true),
                r(2, &[3], &[Channel::Email], true),
                r(3, &[2], &[Channel::Email, Channel::Site], false),
                r(4, &[2], &[Channel::Site, Channel::Print], true),
                r(5, &[1], &[Channel::Print], true),
            ],
        );
        assert_eq!(got, vec![(RecipientId(1), Channel::Email), (RecipientId(4), Channel::Site)]);
    }

    #[test]
    fn messages_name_the_documents_and_the_way_out() {
        let docs = [
            Linked {
                title: "关于提高城乡低保标准的通知".into(), url: "https://mzj.example.cn/i/1".into()
            },
            Linked { title: "政策解读".into(), url: "https://mzj.example.cn/i/2".into() },
        ];
        let m =
            compose("广州市民政局", "低保标准调整", "标准提高了。", "张三", &docs, "https://mzj.example.cn/push/abc");
        assert_eq!(m.subject, "【广州市民政局】低保标准调整");
        assert!(m.text.starts_with("张三您好：\n\n标准提高了。"));
        assert!(m.text.contains("2. 政策解读\n   https://mzj.example.cn/i/2"));
        assert!(m.text.contains("不再接收或修改接收方式，请打开：https://mzj.example.cn/push/abc"));
        let s = compose_short("广州市民政局", "低保标准调整", &docs, "https://x/push/abc");
        assert_eq!(s, "【广州市民政局】低保标准调整（共2份文件） https://mzj.example.cn/i/1 退订：https://x/push/abc");
    }

    #[test]
    fn sent_deliveries_never_go_out_again_and_withdrawn_consent_stops_the_rest() {
        assert_eq!(needs_sending(DeliveryStatus::Queued, true), Ok(true));
        assert_eq!(needs_sending(DeliveryStatus::Failed, true), Ok(true));
        assert_eq!(needs_sending(DeliveryStatus::Sent, true), Ok(false));
        assert_eq!(needs_sending(DeliveryStatus::Sent, false), Ok(false));
        assert_eq!(needs_sending(DeliveryStatus::Queued, false), Err(WITHDRAWN));
        assert_eq!(needs_sending(DeliveryStatus::Withdrawn, true), Ok(false));
        for s in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(s.code()), Some(s));
        }
        assert_eq!(delivery_label(DeliveryStatus::Failed, Channel::Webhook, 2), "发送失败（第 2 次），将自动重试");
        assert_eq!(delivery_label(DeliveryStatus::Failed, Channel::Email, 5), "发送失败，已停止自动重试");
        assert_eq!(delivery_label(DeliveryStatus::Queued, Channel::Print, 0), "待打印送达");
        assert_eq!(portal_channels(false), [Channel::Email, Channel::Site]);
        assert_eq!(Source::parse(Source::Staff.code()), Some(Source::Staff));
        assert_eq!(
            parse_channels_code(&channels_code(&[Channel::Print, Channel::Email])),
            [Channel::Email, Channel::Print]
        );
    }
}

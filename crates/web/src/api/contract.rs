//! What the OpenAPI document promises beyond the derived shapes: the fields a request must
//! carry, the codes a field takes (from core's own lists, so the document cannot drift from
//! what the handlers accept), dates, that unknown fields are refused, and every status an
//! operation can answer. Checked against the running server by schemathesis in CI.

use gongkai_core::appeals::{AppealKind, AppealResult};
use gongkai_core::applications::event_input::STAFF_EVENTS;
use gongkai_core::applications::identity::IdKind;
use gongkai_core::applications::{ApplicantKind, Channel};
use gongkai_core::orgs::OrgKind;
use gongkai_core::orgs::accounts::Role;
use gongkai_core::press::PressKind;
use gongkai_core::proposals::{HandlingRole, MotionKind};
use serde_json::Value;
use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, KnownFormat, Object, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Text that the handlers refuse anywhere: control characters other than line breaks and
/// tabs, zero-width characters and direction overrides (see `core::field`).
const PLAIN_TEXT: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]*$";

enum Rule {
    /// One of these codes.
    OneOf(Vec<&'static str>),
    /// A calendar date, YYYY-MM-DD.
    Date,
    /// Text without hidden characters.
    Text,
    /// Text that matches this pattern.
    Pattern(&'static str),
    /// Text of at least this many characters.
    AtLeast(usize),
    /// The id of a record: a positive 64-bit integer.
    Id,
    /// An integer in this range.
    Between(i64, i64),
}

/// A request schema's name, its required fields, and the rule of each constrained field.
type Request = (&'static str, Vec<&'static str>, Vec<(&'static str, Rule)>);

fn requests() -> Vec<Request> {
    use Rule::*;
    let codes = |v: Vec<&'static str>| OneOf(v);
    vec![
        (
            "NewApplicationBody",
            vec![
                "channel",
                "submitted_on",
                "applicant_kind",
                "applicant_name",
                "id_kind",
                "id_number",
                "info_title",
                "delivery_form",
                "delivery_method",
            ],
            vec![
                ("channel", codes(Channel::ALL.iter().map(|c| c.code()).collect())),
                ("submitted_on", Date),
                ("applicant_kind", codes(ApplicantKind::ALL.iter().map(|c| c.code()).collect())),
                ("id_kind", codes(IdKind::ALL.iter().map(|c| c.code()).collect())),
                ("applicant_name", Text),
                ("contact_person", Text),
                ("info_title", Text),
                ("info_description", Text),
                ("address", Text),
            ],
        ),
        (
            "OrgBody",
            vec!["name", "short_code", "kind", "credit_code"],
            vec![
                ("kind", codes(OrgKind::ALL.iter().map(|c| c.code()).collect())),
                ("name", Text),
                ("parent_id", Id),
                ("hosted_by_id", Id),
                ("address", Text),
                ("office_hours", Text),
            ],
        ),
        (
            "NewUserInput",
            vec!["username", "display_name", "role", "password"],
            vec![
                ("role", codes(Role::ALL.iter().map(|c| c.code()).collect())),
                ("username", Pattern(r"^[a-z][a-z0-9._-]{2,31}$")),
                ("display_name", AtLeast(1)),
                ("password", AtLeast(10)),
            ],
        ),
        (
            "NewAppealBody",
            vec!["kind", "body", "filed_on"],
            vec![
                ("kind", codes(AppealKind::ALL.iter().map(|c| c.code()).collect())),
                ("filed_on", Date),
                ("body", Text),
                ("case_number", Text),
                ("application_id", Id),
            ],
        ),
        (
            "DecisionBody",
            vec!["result", "decided_on"],
            vec![("result", codes(AppealResult::ALL.iter().map(|c| c.code()).collect())), ("decided_on", Date)],
        ),
        (
            "NewMotionBody",
            vec!["kind", "session", "number", "title", "proposers", "assigned_by", "assigned_on", "role"],
            vec![
                ("kind", codes(MotionKind::ALL.iter().map(|c| c.code()).collect())),
                ("role", codes(HandlingRole::ALL.iter().map(|c| c.code()).collect())),
                ("assigned_on", Date),
                ("title", Text),
                ("content", Text),
            ],
        ),
        (
            "ChannelCountBody",
            vec!["channel", "year", "month", "count"],
            vec![
                ("channel", Text),
                ("month", Between(1, 12)),
                ("count", Between(0, 10_000_000)),
                ("year", Between(2008, 2100)),
            ],
        ),
        (
            "NewCampaignBody",
            vec!["title", "message", "items", "groups", "channels"],
            vec![("title", Text), ("message", Text)],
        ),
        ("NewCommentBody", vec!["text"], vec![("text", Text), ("name", Text), ("article", Text)]),
        (
            "PressBody",
            vec!["kind", "on", "title"],
            vec![
                ("kind", codes(PressKind::ALL.iter().map(|c| c.code()).collect())),
                ("on", Date),
                ("title", Text),
                ("who", Text),
                ("summary", Text),
                ("count", Between(0, 1_000_000)),
                ("national", Between(0, 1_000_000)),
            ],
        ),
        ("EventBody", vec!["type"], vec![("type", codes(STAFF_EVENTS.iter().map(|(c, _)| *c).collect()))]),
    ]
}

/// The answers every operation can give besides its own, with what they mean.
const COMMON: [(&str, &str); 4] = [
    ("401", "缺少或无效的访问令牌"),
    ("403", "无权访问该机构或记录"),
    ("404", "记录不存在"),
    ("503", "数据库处于只读维护状态，暂不接受提交"),
];

/// The answers of an operation that reads a body.
const WITH_BODY: [(&str, &str); 4] = [
    ("400", "请求内容不是有效的 JSON，或含有未知字段"),
    ("409", "与已有记录冲突（如重复的代码、已登记的结果）"),
    ("413", "请求内容过大"),
    ("422", "提交的内容有误（fields 列出各字段的原因）"),
];

pub struct Contract;

impl Modify for Contract {
    fn modify(&self, doc: &mut OpenApi) {
        if let Some(components) = doc.components.as_mut() {
            for (name, required, rules) in requests() {
                let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(name) else { continue };
                o.required = required.iter().map(|s| s.to_string()).collect();
                // Unknown fields are refused with a 400 naming them (http::json).
                o.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
                for (field, rule) in rules {
                    if let Some(RefOr::T(Schema::Object(p))) = o.properties.get_mut(field) {
                        apply(p, &rule);
                    }
                }
            }
            // PUT takes the same fields, none required: an omitted structural field keeps
            // its value (what an organisation admin, who may not change them, sends).
            if let Some(RefOr::T(Schema::Object(body))) = components.schemas.get("OrgBody") {
                let mut update = body.clone();
                update.required.clear();
                update.description = Some(
                    "机构信息；省略的字段保持不变。机构管理员只能修改联系信息，修改名称、代码、类型或上级将返回 403"
                        .into(),
                );
                components.schemas.insert("OrgUpdateBody".into(), RefOr::T(Schema::Object(update)));
            }
        }
        if let Some(put) = doc.paths.paths.get_mut("/api/v1/orgs/{id}").and_then(|p| p.put.as_mut())
            && let Some(RefOr::T(body)) = put.request_body.as_mut()
        {
            for c in body.content.values_mut() {
                let RefOr::T(c) = c else { continue };
                c.schema = Some(RefOr::Ref(Ref::from_schema_name("OrgUpdateBody")));
            }
        }
        for item in doc.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete].into_iter().flatten() {
                operation(op);
            }
        }
    }
}

fn apply(p: &mut Object, rule: &Rule) {
    match rule {
        Rule::OneOf(codes) => p.enum_values = Some(codes.iter().map(|c| Value::from(*c)).collect()),
        Rule::Date => p.format = Some(SchemaFormat::KnownFormat(KnownFormat::Date)),
        Rule::Text => p.pattern = Some(PLAIN_TEXT.into()),
        Rule::Pattern(re) => p.pattern = Some((*re).into()),
        Rule::AtLeast(n) => p.min_length = Some(*n),
        Rule::Between(lo, hi) => {
            p.minimum = Some((*lo).into());
            p.maximum = Some((*hi).into());
        }
        Rule::Id => {
            p.minimum = Some(1.into());
            p.maximum = Some(i64::MAX.into());
        }
    }
}

fn operation(op: &mut Operation) {
    // Record ids are positive 64-bit integers; anything else is a 404 (no such record).
    for p in op.parameters.iter_mut().flatten() {
        let RefOr::T(p) = p else { continue };
        if p.parameter_in == ParameterIn::Path && p.name == "id" {
            let mut o = Object::with_type(SchemaType::Type(Type::Integer));
            o.format = Some(SchemaFormat::KnownFormat(KnownFormat::Int64));
            o.minimum = Some(1.into());
            // A record that exists in the demo, so that generated requests reach the handlers.
            o.examples = vec![Value::from(1)];
            p.schema = Some(RefOr::T(Schema::Object(o)));
        }
    }
    let mut add = |code: &str, what: &str| {
        op.responses.responses.entry(code.to_string()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(what)
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                    )
                    .build(),
            )
        });
    };
    for (code, what) in COMMON {
        add(code, what);
    }
    if op.request_body.is_some() {
        for (code, what) in WITH_BODY {
            add(code, what);
        }
    }
}

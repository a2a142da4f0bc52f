//! The demo organisation: 广州市民政局 with its 11 district bureaus and the city's
//! social-organisation administration, and one user per role.
//!
//! Every module adds its demo data here, so `gongkai serve --demo` always shows
//! everything the platform can do. All names of people, addresses and numbers are
//! synthetic; the credit codes are well-formed (valid check character) but invented.
//!
//! `expect` is allowed here only: this is a fixture generator whose synthetic values
//! are valid by construction, and a panic is a bug in it that the seeding tests catch.
#![allow(clippy::expect_used)]

mod applications;
pub mod bench;
mod bodies;
mod catalog;
mod consultations;
mod oversight;
mod press;
mod proposals;
mod pushes;

use anyhow::Context;
use gongkai_core::orgs::access::Grant;
use gongkai_core::orgs::accounts::{NewPassword, Role, Username};
use gongkai_core::orgs::{CreditCode, OrgId, OrgInput};
use gongkai_store::orgs::{self, users};
use gongkai_store::{Actor, Db};

/// The password of every demo account (printed at start; demo databases only).
pub const DEMO_PASSWORD: &str = "Demo-2026-gk";

/// A demo login as printed on start.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub role: &'static str,
}

pub const CITY_CODE: &str = "gzmz";
pub const SOCIAL_ORG_CODE: &str = "gzshzz";

/// (short code suffix, district name, administrative division code)
pub const DISTRICTS: [(&str, &str, &str); 11] = [
    ("yuexiu", "越秀", "440104"),
    ("haizhu", "海珠", "440105"),
    ("liwan", "荔湾", "440103"),
    ("tianhe", "天河", "440106"),
    ("baiyun", "白云", "440111"),
    ("huangpu", "黄埔", "440112"),
    ("huadu", "花都", "440114"),
    ("panyu", "番禺", "440113"),
    ("nansha", "南沙", "440115"),
    ("conghua", "从化", "440117"),
    ("zengcheng", "增城", "440118"),
];

/// A synthetic but well-formed unified social credit code: registration authority 1
/// (机构编制), class 1 (机关), the division code, a made-up subject code, check character.
pub fn credit_code(division: &str, serial: u32) -> String {
    let body = format!("11{division}MB{serial:07}");
    let check = CreditCode::check_char(&body).expect("body uses the credit-code alphabet");
    format!("{body}{check}")
}

pub const LOGINS: [DemoLogin; 7] = [
    DemoLogin { username: "admin", role: "系统管理员（全部机构）" },
    DemoLogin { username: "gzmz.admin", role: "广州市民政局 机构管理员" },
    DemoLogin { username: "gzmz.staff", role: "广州市民政局 工作人员" },
    DemoLogin { username: "gzmz.approver", role: "广州市民政局 审核人" },
    DemoLogin {
        username: "gzmz.supervisor", role: "广州市民政局及下级机构 政务公开主管（监督、督查任务）"
    },
    DemoLogin { username: "yuexiu.staff", role: "越秀区民政局 工作人员" },
    DemoLogin { username: "shzz.staff", role: "广州市社会组织管理局 工作人员（依申请公开）" },
];

/// Is the demo organisation already there?
pub async fn is_seeded(db: &Db) -> anyhow::Result<bool> {
    Ok(orgs::find(db, CITY_CODE).await.is_ok())
}

/// Seed the demo into an empty database, with the open work dated relative to `today`.
/// Refuses a database that holds other data, so a production database is never mixed
/// with demo records.
pub async fn seed(db: &Db, today: jiff::civil::Date) -> anyhow::Result<()> {
    if is_seeded(db).await? {
        return Ok(());
    }
    if !orgs::list(db).await?.is_empty() {
        anyhow::bail!("the database already holds organisations; the demo is only seeded into an empty database");
    }
    let actor = Actor::system("demo");
    let ids = seed_orgs(db, &actor).await?;
    seed_users(db, &actor, &ids).await?;
    let cal = gongkai_store::calendars::active(db).await?;
    applications::seed(db, &ids, &cal, today).await?;
    catalog::seed(db, &ids, &cal, today).await?;
    proposals::seed(db, &ids, &cal, today).await?;
    press::seed(db, &ids, today).await?;
    consultations::seed(db, &ids, today).await?;
    pushes::seed(db, &ids).await?;
    oversight::seed(db, &ids, &cal, today).await?;
    catalog::seed_report(db, &ids).await?;
    Ok(())
}

/// Only the organisations and the demo users (fast; for tests that bring their own data).
pub async fn seed_base(db: &Db) -> anyhow::Result<DemoOrgs> {
    if !orgs::list(db).await?.is_empty() {
        anyhow::bail!("the database already holds organisations; the demo is only seeded into an empty database");
    }
    let actor = Actor::system("demo");
    let ids = seed_orgs(db, &actor).await?;
    seed_users(db, &actor, &ids).await?;
    Ok(ids)
}

/// Ids of the demo organisations that other seeders need.
pub struct DemoOrgs {
    pub city: OrgId,
    pub social_org: OrgId,
    pub districts: Vec<OrgId>,
}

const HOURS: &str = "周一至周五（法定节假日除外）上午9:00—12:00，下午14:00—17:30";

async fn seed_orgs(db: &Db, actor: &Actor) -> anyhow::Result<DemoOrgs> {
    let city_input = OrgInput {
        name: "广州市民政局".into(),
        short_code: CITY_CODE.into(),
        kind: "government_department".into(),
        credit_code: credit_code("440100", 1),
        address: "广州市越秀区示范路1号 政务公开科".into(),
        office_hours: HOURS.into(),
        phone: "020-81000001".into(),
        fax: "020-81000002".into(),
        email: "zwgk@mzj.example.gov.cn".into(),
        website: "https://mzj.example.gov.cn/".into(),
        ..Default::default()
    };
    let city = create(db, actor, &city_input).await?;
    let social_org = create(
        db,
        actor,
        &OrgInput {
            name: "广州市社会组织管理局".into(),
            short_code: SOCIAL_ORG_CODE.into(),
            kind: "affiliated_body".into(),
            credit_code: credit_code("440100", 2),
            parent_id: Some(city.0),
            hosted_by_id: Some(city.0),
            address: "广州市越秀区示范路3号".into(),
            office_hours: HOURS.into(),
            phone: "020-81000101".into(),
            email: "shzz@mzj.example.gov.cn".into(),
            ..Default::default()
        },
    )
    .await?;
    let mut districts = Vec::new();
    for (i, (code, name, division)) in DISTRICTS.iter().enumerate() {
        let id = create(
            db,
            actor,
            &OrgInput {
                name: format!("广州市{name}区民政局"),
                short_code: format!("{code}mz"),
                kind: "district_bureau".into(),
                credit_code: credit_code(division, 100 + i as u32),
                parent_id: Some(city.0),
                address: format!("广州市{name}区政务服务中心（示例地址）"),
                office_hours: HOURS.into(),
                phone: format!("020-82{:06}", 100 + i),
                email: format!("mzj@{code}.example.gov.cn"),
                ..Default::default()
            },
        )
        .await?;
        districts.push(id);
    }
    Ok(DemoOrgs { city, social_org, districts })
}

async fn create(db: &Db, actor: &Actor, input: &OrgInput) -> anyhow::Result<OrgId> {
    let facts = input.parse().map_err(|e| anyhow::anyhow!("demo organisation {}: {e}", input.name))?;
    orgs::create(db, actor, &facts).await.with_context(|| format!("creating {}", input.name))
}

async fn seed_users(db: &Db, actor: &Actor, ids: &DemoOrgs) -> anyhow::Result<()> {
    let accounts: [(&str, &str, bool, Vec<Grant>); 7] = [
        ("admin", "系统管理员", true, vec![]),
        ("gzmz.admin", "李管理", false, vec![Grant { org: ids.city, role: Role::OrgAdmin }]),
        // The city's staff also do the hosted administration's disclosure work.
        ("gzmz.staff", "王公开", false, vec![Grant { org: ids.city, role: Role::Staff }]),
        ("gzmz.approver", "陈审核", false, vec![Grant { org: ids.city, role: Role::Approver }]),
        ("gzmz.supervisor", "赵主管", false, vec![Grant { org: ids.city, role: Role::Supervisor }]),
        ("yuexiu.staff", "刘越秀", false, vec![Grant { org: ids.districts[0], role: Role::Staff }]),
        // Applications are never hosted: the administration handles its own.
        ("shzz.staff", "周社管", false, vec![Grant { org: ids.social_org, role: Role::Staff }]),
    ];
    // One hash for all demo accounts: Argon2 is slow by design and they share a password.
    let pw = NewPassword::parse(DEMO_PASSWORD, None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = gongkai_web::http::auth::hash_password(&pw)?;
    for (name, display, sys, grants) in accounts {
        let new = users::NewUser {
            username: Username::parse(name).map_err(|e| anyhow::anyhow!("{e}"))?,
            display_name: display.into(),
            // Demo mailboxes on the reserved example domain (alerts go there when SMTP is set).
            email: (!sys).then(|| format!("{name}@example.gov.cn")),
            password_hash: hash.clone(),
            system_admin: sys,
            grants,
        };
        users::create(db, actor, &new).await.map_err(|e| anyhow::anyhow!("demo user {name}: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_credit_codes_validate() {
        for (i, (_, _, div)) in super::DISTRICTS.iter().enumerate() {
            let c = super::credit_code(div, i as u32);
            assert!(gongkai_core::orgs::CreditCode::parse(&c).is_ok(), "{c}");
        }
    }
}

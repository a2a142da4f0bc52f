//! Repository tests, run on both databases.

use crate::both;
use crate::harness::{Kind, fresh_db};
use gongkai_core::orgs::access::Grant;
use gongkai_core::orgs::accounts::{Role, UserId, Username};
use gongkai_core::orgs::{OrgId, OrgInput};
use gongkai_store::orgs::{self, WriteError};
use gongkai_store::orgs::{sessions, tokens, users};
use gongkai_store::{Actor, audit};
use jiff::{SignedDuration, Timestamp};

fn input(name: &str, code: &str, serial: u32) -> OrgInput {
    OrgInput {
        name: name.into(),
        short_code: code.into(),
        kind: "government_department".into(),
        credit_code: gongkai::demo::credit_code("440100", serial),
        phone: "020-12345678".into(),
        ..Default::default()
    }
}

fn actor() -> Actor {
    Actor::system("test")
}

both!(migrations_are_idempotent, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else {
        return;
    };
    assert_eq!(db.migrate().await.unwrap(), 0, "second run applies nothing");
});

both!(organisations_round_trip_with_audit, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else {
        return;
    };
    let a = actor();
    let city = orgs::create(&db, &a, &input("甲市民政局", "jia", 1).parse().unwrap()).await.unwrap();
    let mut d = input("甲市乙区民政局", "jia-yi", 2);
    d.parent_id = Some(city.0);
    d.hosted_by_id = Some(city.0);
    let district = orgs::create(&db, &a, &d.parse().unwrap()).await.unwrap();

    let got = orgs::get(&db, district).await.unwrap();
    assert_eq!(got.name, "甲市乙区民政局");
    assert_eq!(got.parent_id, Some(city));
    assert_eq!(got.hosted_by_id, Some(city));
    assert_eq!(orgs::find(&db, "JIA-YI").await.unwrap().id, district);
    assert_eq!(orgs::find(&db, "甲市民政局").await.unwrap().id, city);
    assert!(matches!(orgs::find(&db, "nobody").await, Err(gongkai_store::StoreError::NotFound)));

    // Update one field: the audit log records exactly that change.
    d.phone = "020-87654321".into();
    orgs::update(&db, &a, district, &d.parse().unwrap()).await.unwrap();
    assert_eq!(orgs::get(&db, district).await.unwrap().phone.as_deref(), Some("020-87654321"));
    let log = audit::list(&db, Some(district), 10).await.unwrap();
    assert_eq!(log[0].action, "update");
    assert_eq!(log[0].changes, r#"{"phone":["020-12345678","020-87654321"]}"#);
    assert_eq!(log[1].action, "create");
    assert_eq!(log[0].actor, "test");
});

both!(organisation_rules_refuse_and_store_nothing, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else {
        return;
    };
    let a = actor();
    let city = orgs::create(&db, &a, &input("甲市民政局", "jia", 1).parse().unwrap()).await.unwrap();
    let before = audit::list(&db, None, 100).await.unwrap().len();

    // Duplicate name, code and credit code each name their field.
    for (dup, field) in [
        (input("甲市民政局", "other", 3), "name"),
        (input("丙局", "jia", 4), "short_code"),
        (input("丁局", "ding", 1), "credit_code"),
    ] {
        match orgs::create(&db, &a, &dup.parse().unwrap()).await {
            Err(WriteError::Invalid(e)) => assert_eq!(e.0[0].field, field, "{e}"),
            other => panic!("expected a duplicate {field} error, got {other:?}"),
        }
    }
    // A parent that does not exist; a hosting chain; an organisation as its own parent.
    let mut orphan = input("戊局", "wu", 5);
    orphan.parent_id = Some(999);
    assert!(matches!(orgs::create(&db, &a, &orphan.parse().unwrap()).await, Err(WriteError::Invalid(_))));
    let mut hosted = input("己局", "ji", 6);
    hosted.hosted_by_id = Some(city.0);
    let hosted_id = orgs::create(&db, &a, &hosted.parse().unwrap()).await.unwrap();
    let mut chain = input("庚局", "geng", 7);
    chain.hosted_by_id = Some(hosted_id.0);
    match orgs::create(&db, &a, &chain.parse().unwrap()).await {
        Err(WriteError::Invalid(e)) => assert_eq!(e.0[0].field, "hosted_by_id"),
        other => panic!("{other:?}"),
    }
    let mut cyc = input("甲市民政局", "jia", 1);
    cyc.parent_id = Some(city.0);
    assert!(matches!(orgs::update(&db, &a, city, &cyc.parse().unwrap()).await, Err(WriteError::Invalid(_))));
    // The host of another organisation cannot itself become hosted.
    let mut host_hosted = input("甲市民政局", "jia", 1);
    host_hosted.hosted_by_id = Some(hosted_id.0);
    assert!(matches!(orgs::update(&db, &a, city, &host_hosted.parse().unwrap()).await, Err(WriteError::Invalid(_))));

    assert_eq!(orgs::list(&db).await.unwrap().len(), 2, "only the two valid organisations exist");
    let after = audit::list(&db, None, 100).await.unwrap().len();
    assert_eq!(after, before + 1, "only the one successful create was audited");
    assert_eq!(orgs::get(&db, city).await.unwrap().parent_id, None);
});

async fn make_user(db: &gongkai_store::Db, name: &str, grants: Vec<Grant>) -> UserId {
    let new = users::NewUser {
        username: Username::parse(name).unwrap(),
        display_name: "测试".into(),
        email: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        system_admin: false,
        grants,
    };
    users::create(db, &actor(), &new).await.unwrap()
}

both!(users_roles_and_lockout, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else {
        return;
    };
    let org = orgs::create(&db, &actor(), &input("甲市民政局", "jia", 1).parse().unwrap()).await.unwrap();
    let u = make_user(&db, "wang", vec![Grant { org, role: Role::Staff }]).await;

    // A second account with the same name is refused on the username field.
    let dup = users::NewUser {
        username: Username::parse("WANG").unwrap(),
        display_name: "重名".into(),
        email: None,
        password_hash: "x".into(),
        system_admin: false,
        grants: vec![],
    };
    match users::create(&db, &actor(), &dup).await {
        Err(users::UserWriteError::Invalid(e)) => assert_eq!(e.field, "username"),
        other => panic!("{other:?}"),
    }

    users::grant(&db, &actor(), u, Grant { org, role: Role::Approver }).await.unwrap();
    users::grant(&db, &actor(), u, Grant { org, role: Role::Approver }).await.unwrap();
    let p = users::principal(&db, u).await.unwrap().unwrap();
    assert_eq!(p.roles_in(org), vec![Role::Approver, Role::Staff]);
    users::revoke(&db, &actor(), u, Grant { org, role: Role::Staff }).await.unwrap();
    assert_eq!(users::grants(&db, u).await.unwrap(), vec![Grant { org, role: Role::Approver }]);
    let listed = users::list_for_org(&db, org).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1, vec![Role::Approver]);

    // The account-wide back-off: 49 failures from anywhere are tolerated (the per-address
    // lock in the web layer comes first), the 50th locks for a minute, the 51st for two.
    let now: Timestamp = "2026-11-28T01:00:00Z".parse().unwrap();
    for i in 1..=49 {
        let f = users::record_failure(&db, u, None, now).await.unwrap();
        assert_eq!((f.failures, f.locked_until), (i, None));
    }
    let f50 = users::record_failure(&db, u, None, now).await.unwrap();
    assert_eq!(f50.locked_until, Some(now + SignedDuration::from_secs(60)));
    let f51 = users::record_failure(&db, u, None, now).await.unwrap();
    assert_eq!(f51.locked_until, Some(now + SignedDuration::from_secs(120)));
    assert!(users::get(&db, u).await.unwrap().locked_until.is_some());
    users::record_success(&db, u, None).await.unwrap();
    let after = users::get(&db, u).await.unwrap();
    assert_eq!((after.failed_logins, after.locked_until), (0, None));

    // A new password ends every session; disabling hides the principal.
    sessions::create(&db, "h1", u, SignedDuration::from_hours(1)).await.unwrap();
    users::set_password(&db, &actor(), u, "newhash").await.unwrap();
    assert!(sessions::lookup(&db, "h1", SignedDuration::from_hours(1)).await.unwrap().is_none());
    users::set_active(&db, &actor(), u, false).await.unwrap();
    assert!(users::principal(&db, u).await.unwrap().is_none());
    let log = audit::list(&db, None, 50).await.unwrap();
    assert!(log.iter().any(|e| e.action == "login_failed"));
    assert!(
        log.iter()
            .any(|e| e.action == "set_password" && e.changes.contains("(changed)") && !e.changes.contains("newhash"))
    );
});

both!(sessions_expire_and_slide, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else {
        return;
    };
    let u = make_user(&db, "lisi", vec![]).await;
    let ttl = SignedDuration::from_hours(8);
    sessions::create(&db, "live", u, ttl).await.unwrap();
    sessions::create(&db, "dead", u, SignedDuration::from_secs(-5)).await.unwrap();
    assert_eq!(sessions::lookup(&db, "live", ttl).await.unwrap().unwrap().user_id, u);
    assert!(sessions::lookup(&db, "dead", ttl).await.unwrap().is_none());
    sessions::create(&db, "dead2", u, SignedDuration::from_secs(-5)).await.unwrap();
    assert_eq!(sessions::sweep(&db).await.unwrap(), 1);
    // A session past half its lifetime is extended to a full one.
    sessions::create(&db, "old", u, SignedDuration::from_mins(10)).await.unwrap();
    let s = sessions::lookup(&db, "old", ttl).await.unwrap().unwrap();
    assert!(s.expires_at > Timestamp::now() + SignedDuration::from_hours(7));
    sessions::delete(&db, "live").await.unwrap();
    assert!(sessions::lookup(&db, "live", ttl).await.unwrap().is_none());
});

both!(api_tokens_authenticate_until_revoked, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else {
        return;
    };
    let u = make_user(&db, "zhao", vec![]).await;
    let other = make_user(&db, "qian", vec![]).await;
    let id = tokens::create(&db, &actor(), u, "脚本", "hash1", "gk_abcdefg", None).await.unwrap();
    tokens::create(&db, &actor(), u, "过期", "hash2", "gk_0000000", Some("2000-01-01T00:00:00.000000Z".into()))
        .await
        .unwrap();
    assert_eq!(tokens::authenticate(&db, "hash1").await.unwrap(), Some(u));
    assert_eq!(tokens::authenticate(&db, "hash2").await.unwrap(), None, "expired");
    assert_eq!(tokens::authenticate(&db, "nope").await.unwrap(), None);
    assert!(tokens::list(&db, u).await.unwrap()[0].last_used_at.is_some());
    // Another user cannot revoke it.
    assert!(tokens::revoke(&db, &actor(), other, id).await.is_err());
    tokens::revoke(&db, &actor(), u, id).await.unwrap();
    assert_eq!(tokens::authenticate(&db, "hash1").await.unwrap(), None);
});

#[tokio::test]
async fn sqlite_backup_is_a_working_copy() {
    let (db, _, dir) = fresh_db(Kind::Sqlite).await.unwrap();
    let dir = dir.unwrap();
    gongkai::demo::seed(&db, crate::harness::default_today()).await.unwrap();
    let to = dir.path().join("backup.db");
    gongkai_store::backup::backup(&db, &to).await.unwrap();
    let copy = gongkai_store::Db::open(&format!("sqlite://{}", to.display()), gongkai_store::OpenMode::Existing)
        .await
        .unwrap();
    assert_eq!(orgs::list(&copy).await.unwrap().len(), 13);
    // Refuses to overwrite.
    assert!(gongkai_store::backup::backup(&db, &to).await.is_err());
}

#[tokio::test]
async fn sqlite_paths_are_never_created_silently() {
    use gongkai_store::{Db, OpenMode};
    let dir = tempfile::tempdir().unwrap();
    let missing_folder = format!("sqlite://{}/no/such/dir/g.db", dir.path().display());
    let e = Db::open(&missing_folder, OpenMode::Existing).await.err().unwrap().to_string();
    assert!(e.contains("does not exist"), "{e}");
    let missing_file = format!("sqlite://{}/g.db", dir.path().display());
    let e = Db::open(&missing_file, OpenMode::Existing).await.err().unwrap().to_string();
    assert!(e.contains("--create"), "{e}");
    assert!(!dir.path().join("g.db").exists());
    let db = Db::open(&missing_folder, OpenMode::Create).await.unwrap();
    db.migrate().await.unwrap();
    assert!(dir.path().join("no/such/dir/g.db").exists());
    // WAL is on for file databases.
    let mode: String =
        sqlx::query_scalar::<sqlx::Any, String>("PRAGMA journal_mode").fetch_one(db.pool()).await.unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar::<sqlx::Any, i64>("PRAGMA foreign_keys").fetch_one(db.pool()).await.unwrap();
    assert_eq!(fk, 1);
}

#[tokio::test]
async fn unused_org_id_is_not_found() {
    let (db, _, _dir) = fresh_db(Kind::Sqlite).await.unwrap();
    assert!(matches!(orgs::get(&db, OrgId(12345)).await, Err(gongkai_store::StoreError::NotFound)));
}

both!(calendars_load_and_activate, |kind: Kind| async move {
    use gongkai_store::calendars;
    let Some((db, _, _dir)) = fresh_db(kind).await else {
        return;
    };
    let builtin = gongkai_core::calendar::Calendar::builtin();
    assert_eq!(calendars::active(&db).await.unwrap().version(), builtin.version());
    assert!(calendars::load(&db, &actor(), "[2027]\nworkday=[\"2027-01-05\"]\n").await.unwrap().is_err());
    assert!(calendars::history(&db).await.unwrap().is_empty(), "nothing stored for invalid data");
    let text = format!("{}\n[2027]\noff=[\"2027-01-01\"]\n", gongkai_core::calendar::BUILTIN_TOML);
    let loaded = calendars::load(&db, &actor(), &text).await.unwrap().unwrap();
    let active = calendars::active(&db).await.unwrap();
    assert_eq!(active.version(), loaded.version());
    assert!(active.covers(2027));
    let h = calendars::history(&db).await.unwrap();
    assert_eq!((h.len(), h[0].years.as_str()), (1, "2019-2027"));
    assert!(audit::list(&db, None, 5).await.unwrap().iter().any(|e| e.entity == "calendar" && e.action == "load"));
});

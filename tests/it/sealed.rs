//! Applicants' personal data sealed at rest: never in clear in the database, readable by
//! the console, re-sealed after a rotation, and rows from before encryption sealed.

use crate::both;
use crate::harness::{Kind, TestApp};
use gongkai_store::applications::sealed;
use gongkai_store::crypto::Keyring;

const ID: &str = "E7654321";
const PHONE: &str = "13812345678";
const EMAIL: &str = "lisi@example.cn";
const ADDRESS: &str = "广州市越秀区某路1号";

/// The stored personal columns of the one application, as they are in the database.
async fn stored(db: &gongkai_store::Db) -> Vec<Option<String>> {
    let row = sqlx::query::<sqlx::Any>("SELECT id_number, phone, email, address, applicant_key FROM applications")
        .fetch_one(db.pool())
        .await
        .unwrap();
    use sqlx::Row;
    (0..5).map(|i| row.try_get::<Option<String>, _>(i).unwrap()).collect()
}

both!(personal_data_is_sealed_at_rest, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let city = app.org_id("gzmz").await;
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    staff.get(&format!("/console/orgs/{city}/applications/new")).await;
    let f = [
        ("channel", "in_person"),
        ("submitted_on", "2026-11-16"),
        ("applicant_kind", "natural_person"),
        ("applicant_name", "李四"),
        ("id_kind", "passport"),
        ("id_number", ID),
        ("phone", PHONE),
        ("email", EMAIL),
        ("address", ADDRESS),
        ("info_title", "某信息"),
        ("delivery_form", "纸质文本"),
        ("delivery_method", "自行领取"),
    ];
    assert_eq!(staff.post(&format!("/console/orgs/{city}/applications"), &f).await.status, 200);
    let cols = stored(&app.db).await;
    for (v, clear) in cols.iter().zip([ID, PHONE, EMAIL, ADDRESS]) {
        let v = v.as_deref().unwrap();
        assert!(v.starts_with("gk1:") && !v.contains(clear), "{v}");
    }
    assert_eq!(cols[4].as_deref().map(str::len), Some(64), "the keyed hash of the ID");
    if kind == Kind::Sqlite {
        // Nothing of it in the file itself (the WAL folded in first).
        sqlx::query::<sqlx::Any>("PRAGMA wal_checkpoint(TRUNCATE)").execute(app.db.pool()).await.unwrap();
        let path = app.url.strip_prefix("sqlite://").unwrap();
        let bytes = std::fs::read(path).unwrap();
        for clear in [ID, PHONE, EMAIL, ADDRESS] {
            assert!(!bytes.windows(clear.len()).any(|w| w == clear.as_bytes()), "{clear} in the file");
        }
    }
    // The handling screen shows the number unmasked: it opens.
    let id: i64 =
        sqlx::query_scalar::<sqlx::Any, i64>("SELECT id FROM applications").fetch_one(app.db.pool()).await.unwrap();
    let page = staff.get(&format!("/console/applications/{id}")).await;
    assert!(page.body.contains(ID) && page.body.contains(PHONE), "{}", page.body);
    // A rotation re-seals every row with the new key; the old key is then unused.
    let keys = app.db.keyring().unwrap();
    let rotated = keys.rotated();
    app.db.set_keyring(rotated.clone());
    assert_eq!(sealed::reseal(&app.db).await.unwrap(), 1);
    assert_eq!(sealed::reseal(&app.db).await.unwrap(), 0, "nothing left to do");
    let cols = stored(&app.db).await;
    assert_eq!(Keyring::sealed_with(cols[0].as_deref().unwrap()), Some(rotated.current_id()));
    assert_eq!(sealed::keys_in_use(&app.db).await.unwrap(), vec![rotated.current_id().to_string()]);
    assert!(staff.get(&format!("/console/applications/{id}")).await.body.contains(ID));
    // A row from before encryption (clear, no keyed hash) is sealed by the next pass.
    sqlx::query::<sqlx::Any>(sqlx::AssertSqlSafe(format!(
        "UPDATE applications SET id_number = '{ID}', phone = '{PHONE}', email = NULL, applicant_key = NULL"
    )))
    .execute(app.db.pool())
    .await
    .unwrap();
    assert!(staff.get(&format!("/console/applications/{id}")).await.body.contains(ID), "clear rows still read");
    assert_eq!(sealed::reseal(&app.db).await.unwrap(), 1);
    let after = stored(&app.db).await;
    assert!(after[0].as_deref().unwrap().starts_with("gk1:") && after[2].is_none());
    assert_eq!(after[4], cols[4], "the same applicant gives the same keyed hash");
    // Without the key nothing opens, and the error says why.
    app.db.set_keyring(Keyring::generate());
    let e = gongkai_store::applications::get(&app.db, gongkai_core::ids::ApplicationId(id)).await.err().unwrap();
    assert!(e.to_string().contains("which the configured key file does not hold"), "{e}");
});

/// `gongkai data-key status | rotate | prune` on a SQLite database with its key file beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_keys_rotate_and_prune_from_the_command_line() {
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.unwrap();
    let run = |args: &[&str]| {
        let o = std::process::Command::new(crate::harness::gongkai_bin())
            .args(["--database", &app.url])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let before = app.db.keyring().unwrap();
    let status = run(&["data-key", "status"]);
    assert!(status.contains(&format!("{}  encrypts and decrypts, in use", before.current_id())), "{status}");
    let n: i64 = sqlx::query_scalar::<sqlx::Any, i64>("SELECT COUNT(*) FROM applications")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(n > 100, "the demo's applications");
    let out = run(&["data-key", "rotate"]);
    let people: i64 = sqlx::query_scalar::<sqlx::Any, i64>("SELECT COUNT(*) FROM push_recipients")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let gateways: i64 = sqlx::query_scalar::<sqlx::Any, i64>("SELECT COUNT(*) FROM push_gateways")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(people >= 30 && gateways == 1, "the demo's push recipients and gateway");
    assert!(out.contains(&format!("{} records re-encrypted", n + people + gateways)), "{out}");
    let path = format!("{}.key", app.url.strip_prefix("sqlite://").unwrap());
    let file = Keyring::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(file.ids().len(), 2);
    let status = run(&["data-key", "status"]);
    assert!(status.contains(&format!("{}  decrypts, not used", before.current_id())), "{status}");
    let out = run(&["data-key", "prune"]);
    assert!(out.contains(&format!("removed keys {}", before.current_id())), "{out}");
    let file = Keyring::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(file.ids(), vec![file.current_id().to_string()]);
    assert_ne!(file.current_id(), before.current_id());
    // The server, restarted with the new file, reads every application.
    app.db.set_keyring(file);
    let open =
        gongkai_store::applications::list_recent(&app.db, gongkai_core::ids::OrgId(app.org_id("gzmz").await), 1000)
            .await
            .unwrap();
    assert!(!open.is_empty() && open.iter().all(|a| !a.id_number.starts_with("gk1:")));
    let people =
        gongkai_store::pushes::recipients(&app.db, gongkai_core::ids::OrgId(app.org_id("gzmz").await)).await.unwrap();
    assert!(people.iter().all(|r| r.contact.phone.as_deref().is_some_and(|p| p.starts_with("139"))), "push data too");
}

//! The portal and console in headless Chromium (playwright-core from npm driving Debian's
//! chromium; nothing downloads a browser). Skipped with a message when Chromium, Node or
//! the npm packages are missing, unless `GONGKAI_REQUIRE_BROWSER=1` (as in CI).

use crate::harness::{Kind, TestApp};
use std::path::Path;
use std::process::Command;

fn browser_ready() -> Result<(), String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Err(format!("{chromium} not found (apt-get install chromium)"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Err("node not found".into());
    }
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/playwright-core");
    if !modules.exists() {
        return Err("tests/browser/node_modules missing (cd tests/browser && npm ci)".into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_application_to_reply_letter_in_chromium() {
    if let Err(why) = browser_ready() {
        if std::env::var("GONGKAI_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("GONGKAI_REQUIRE_BROWSER=1 but the browser check cannot run: {why}");
        }
        eprintln!("SKIPPING the headless Chromium check: {why}");
        return;
    }
    let app = TestApp::spawn_full_demo(Kind::Sqlite).await.expect("sqlite app");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/portal.mjs");
    let out = tokio::process::Command::new("node")
        .arg(&script)
        .arg(&app.base)
        .arg(gongkai::demo::DEMO_PASSWORD)
        .current_dir(script.parent().unwrap())
        .output()
        .await
        .expect("run node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser walk failed:\n{text}");
    assert!(text.contains("browser walk: all checks passed"), "{text}");
    eprintln!("{text}");
}

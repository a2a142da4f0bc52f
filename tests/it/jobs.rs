//! The job table on both databases: deduplication, one claim per job under concurrency,
//! expired leases, retries with back-off, dead letters on the console and their retry.

use crate::both;
use crate::harness::{Kind, TestApp, fresh_db};
use gongkai_core::jobs::{Job, MAX_ATTEMPTS};
use gongkai_store::jobs;
use jiff::{SignedDuration, Timestamp};

both!(each_job_is_claimed_by_exactly_one_worker, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else { return };
    let now = Timestamp::now();
    for i in 0..40 {
        assert!(jobs::enqueue(&db, &Job::AlertMail { alert_id: i }, now).await.unwrap());
    }
    assert!(!jobs::enqueue(&db, &Job::AlertMail { alert_id: 3 }, now).await.unwrap(), "equal work is enqueued once");
    let mut tasks = Vec::new();
    for w in 0..6 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(c) =
                jobs::claim(&db, &format!("w{w}"), Timestamp::now(), SignedDuration::from_secs(60)).await.unwrap()
            {
                got.push(c.job);
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort_by_key(|j| j.dedup_key());
    assert_eq!(all.len(), 40, "every job claimed once, none twice");
    all.dedup();
    assert_eq!(all.len(), 40);
    assert_eq!(jobs::counts(&db).await.unwrap(), (0, 40, 0));
});

both!(failed_jobs_back_off_then_rest_dead_until_retried, |kind: Kind| async move {
    let Some((db, _, _dir)) = fresh_db(kind).await else { return };
    let t0 = Timestamp::now();
    jobs::enqueue(&db, &Job::SweepAlerts { slot: 1 }, t0).await.unwrap();
    let lease = SignedDuration::from_secs(60);
    // A worker that dies: its lease runs out and another takes the job over.
    let first = jobs::claim(&db, "a", t0, lease).await.unwrap().unwrap();
    assert!(jobs::claim(&db, "b", t0, lease).await.unwrap().is_none(), "held while leased");
    let later = t0 + SignedDuration::from_secs(61);
    let mut c = jobs::claim(&db, "b", later, lease).await.unwrap().expect("taken over after the lease");
    assert_eq!((c.id, c.attempts), (first.id, 2));
    let mut at = later;
    loop {
        let dead = jobs::fail(&db, &c, "SMTP 连接被拒绝", at).await.unwrap();
        if dead {
            break;
        }
        assert!(jobs::claim(&db, "b", at, lease).await.unwrap().is_none(), "not before its back-off");
        at += gongkai_core::jobs::backoff(c.attempts) + SignedDuration::from_secs(1);
        c = jobs::claim(&db, "b", at, lease).await.unwrap().expect("after the back-off");
    }
    assert_eq!(c.attempts, MAX_ATTEMPTS);
    assert_eq!(jobs::counts(&db).await.unwrap(), (0, 0, 1));
    let rows = jobs::list(&db, 10).await.unwrap();
    assert_eq!(rows[0].last_error.as_deref(), Some("SMTP 连接被拒绝"));
    // The dead copy no longer blocks equal new work; retrying it then would duplicate it.
    assert!(jobs::enqueue(&db, &Job::SweepAlerts { slot: 1 }, at).await.unwrap());
    assert!(matches!(jobs::retry(&db, c.id).await, Err(gongkai_store::StoreError::Duplicate { .. })));
    let fresh = jobs::claim(&db, "b", at, lease).await.unwrap().unwrap();
    jobs::complete(&db, fresh.id).await.unwrap();
    jobs::retry(&db, c.id).await.unwrap();
    assert_eq!(jobs::counts(&db).await.unwrap(), (1, 0, 0));
    let again = jobs::claim(&db, "b", Timestamp::now(), lease).await.unwrap().unwrap();
    assert_eq!(again.attempts, 1, "a retried job has its attempts back");
    jobs::complete(&db, again.id).await.unwrap();
});

both!(the_console_shows_dead_jobs_to_system_admins_and_retries_them, |kind: Kind| async move {
    let Some(app) = TestApp::spawn(kind).await else { return };
    let now = Timestamp::now();
    jobs::enqueue(&app.db, &Job::AlertMail { alert_id: 99 }, now).await.unwrap();
    let mut c = jobs::claim(&app.db, "t", now, SignedDuration::from_secs(60)).await.unwrap().unwrap();
    c.attempts = MAX_ATTEMPTS;
    assert!(jobs::fail(&app.db, &c, "550 mailbox unavailable", now).await.unwrap());
    let mut admin = app.browser();
    admin.login("admin").await;
    let desk = admin.get("/console").await;
    assert!(desk.body.contains("停止重试的后台任务"), "{}", desk.body);
    let page = admin.get("/console/jobs").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("发送提醒邮件（提醒99）") && page.body.contains("已停止重试") && page.body.contains("550")
    );
    let p = admin.post(&format!("/console/jobs/{}/retry", c.id), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(jobs::counts(&app.db).await.unwrap(), (1, 0, 0));
    let mut staff = app.browser();
    staff.login("gzmz.staff").await;
    assert_eq!(staff.get("/console/jobs").await.status, 403);
    assert!(!staff.get("/console").await.body.contains("/console/jobs"), "no link for staff");
    // The in-process worker (as serve runs it) takes the job; without SMTP it has nothing to send.
    let w = gongkai_web::jobs::worker::Worker::new(app.db.clone(), None, gongkai_web::http::clock::WallClock::system());
    assert_eq!(w.drain().await.unwrap(), 1);
    assert_eq!(jobs::counts(&app.db).await.unwrap(), (0, 0, 0));
});

/// The harness's own check: a test that leaves a job queued fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_that_leaves_jobs_queued_fails() {
    let app = TestApp::spawn(Kind::Sqlite).await.expect("sqlite app");
    jobs::enqueue(&app.db, &Job::SweepSessions { slot: 1 }, Timestamp::now()).await.unwrap();
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(app)));
    let msg = dropped.expect_err("dropping the app with a job queued panics");
    let text = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(text.contains("left 1 job(s) queued"), "{text}");
}

//! The worker: schedules the periodic sweeps as jobs and runs jobs from the job table until
//! shut down. `serve` runs one in-process; with several instances, `serve --no-worker` and
//! one or more `gongkai worker` processes. Any number of workers may run: each job is
//! claimed by exactly one (store::jobs::claim), periodic work is deduplicated per period.

use crate::applications::mail::Mailer;
use crate::http::clock::WallClock;
use gongkai_core::jobs::{Job, slot};
use gongkai_store::{Db, jobs};
use jiff::{SignedDuration, Timestamp};

/// How often the sweeps run.
const ALERT_EVERY: i64 = 600;
const SESSION_EVERY: i64 = 3600;
/// How long a claimed job is held before another worker may take it over.
const LEASE: SignedDuration = SignedDuration::from_secs(300);

#[derive(Clone)]
pub struct Worker {
    pub db: Db,
    pub mailer: Option<Mailer>,
    pub clock: WallClock,
    /// Names this worker in the job table (`locked_by`).
    pub id: String,
    /// Posts push deliveries to gateways.
    pub hooks: crate::pushes::send::Webhooks,
}

impl Worker {
    pub fn new(db: Db, mailer: Option<Mailer>, clock: WallClock) -> Self {
        let id = format!("{}-{}", std::process::id(), crate::http::auth::random_hex(3));
        Self { db, mailer, clock, id, hooks: crate::pushes::send::Webhooks::new() }
    }

    /// Enqueue this period's sweeps (a no-op when another worker already did).
    pub async fn schedule(&self) -> anyhow::Result<()> {
        let now = Timestamp::now();
        let secs = now.as_second();
        jobs::enqueue(&self.db, &Job::SweepAlerts { slot: slot(secs, ALERT_EVERY) }, now).await?;
        jobs::enqueue(&self.db, &Job::SweepSessions { slot: slot(secs, SESSION_EVERY) }, now).await?;
        jobs::enqueue(&self.db, &Job::SweepNotices { slot: slot(secs, ALERT_EVERY) }, now).await?;
        Ok(())
    }

    /// Run one job: `Some(true)` done, `Some(false)` failed (retried later or dead), `None`
    /// when nothing was ready.
    pub async fn run_one(&self) -> anyhow::Result<Option<bool>> {
        self.run_one_at(Timestamp::now()).await
    }

    /// Run one job that is ready at `now` (a later instant lets a test see a back-off end).
    pub async fn run_one_at(&self, now: Timestamp) -> anyhow::Result<Option<bool>> {
        let Some(c) = jobs::claim(&self.db, &self.id, now, LEASE).await? else {
            return Ok(None);
        };
        match self.perform(&c.job).await {
            Ok(()) => {
                jobs::complete(&self.db, c.id).await?;
                tracing::debug!(job = c.job.name(), id = c.id.0, worker = %self.id, "job done");
                Ok(Some(true))
            }
            Err(e) => {
                let dead = jobs::fail(&self.db, &c, &format!("{e:#}"), Timestamp::now()).await?;
                if dead {
                    tracing::error!(job = c.job.name(), id = c.id.0, error = %e, "job failed for the last time");
                } else {
                    tracing::warn!(job = c.job.name(), id = c.id.0, attempt = c.attempts, error = %e, "job failed, will retry");
                }
                Ok(Some(false))
            }
        }
    }

    /// Run every job that is ready now (tests and `worker --once`); returns how many ran.
    pub async fn drain(&self) -> anyhow::Result<usize> {
        let mut n = 0;
        // The clock is read for each job: a job may enqueue follow-up work to run now.
        while self.run_one().await?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    /// Run every job that is ready at `now`.
    pub async fn drain_at(&self, now: Timestamp) -> anyhow::Result<usize> {
        let mut n = 0;
        while self.run_one_at(now).await?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    async fn perform(&self, job: &Job) -> anyhow::Result<()> {
        match job {
            Job::SweepAlerts { .. } => {
                let cal = gongkai_store::calendars::active(&self.db).await?;
                let today = self.clock.today();
                let n = gongkai_store::applications::sweep_alerts(
                    &self.db,
                    today,
                    &crate::applications::ops::settings(),
                    &cal,
                )
                .await?;
                if n > 0 {
                    tracing::info!(alerts = n, "deadline alerts created");
                }
                if self.mailer.is_some() {
                    let since = gongkai_store::ts::fmt(Timestamp::now() - SignedDuration::from_hours(48));
                    for id in gongkai_store::applications::unmailed_alerts(&self.db, &since).await? {
                        jobs::enqueue(&self.db, &Job::AlertMail { alert_id: id }, Timestamp::now()).await?;
                    }
                }
                Ok(())
            }
            Job::AlertMail { alert_id } => match &self.mailer {
                Some(m) => {
                    crate::applications::mail::send_alert(&self.db, m, *alert_id).await?;
                    Ok(())
                }
                // SMTP was switched off since: nothing to send it with.
                None => Ok(()),
            },
            Job::SweepSessions { .. } => {
                gongkai_store::orgs::sessions::sweep(&self.db).await?;
                Ok(())
            }
            Job::SweepNotices { .. } => {
                let n = gongkai_store::oversight::expire_notices(&self.db, self.clock.today()).await?;
                if n > 0 {
                    tracing::info!(notices = n, "public notices taken down at the end of their period");
                }
                Ok(())
            }
            Job::PushDelivery { delivery_id } => {
                crate::pushes::send::deliver(
                    &self.db,
                    self.mailer.as_ref(),
                    &self.hooks,
                    gongkai_core::ids::DeliveryId(*delivery_id),
                )
                .await
            }
        }
    }

    /// Schedule and run jobs until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        let mut last_schedule: Option<std::time::Instant> = None;
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tick.tick() => {}
            }
            if last_schedule.is_none_or(|t| t.elapsed().as_secs() >= 60) {
                if let Err(e) = self.schedule().await {
                    tracing::warn!(error = %e, "scheduling the periodic jobs failed");
                }
                last_schedule = Some(std::time::Instant::now());
            }
            loop {
                match self.run_one().await {
                    Ok(Some(_)) => continue,
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "the job table is unreachable");
                        break;
                    }
                }
            }
        }
    }
}

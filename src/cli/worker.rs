//! `gongkai worker`: background jobs for servers run with --no-worker.

use super::*;

#[derive(clap::Args)]
pub(super) struct WorkerArgs {
    /// Run the jobs that are ready now (after scheduling this period's sweeps), then exit
    #[arg(long)]
    once: bool,
    /// The agency's today, as for `serve --today`
    #[arg(long, env = "GONGKAI_TODAY", value_parser = parse_clock)]
    today: Option<WallClock>,
}

pub(super) async fn worker(dbargs: &DbArgs, args: WorkerArgs) -> anyhow::Result<()> {
    let db = open(dbargs, false).await?;
    seal_personal_data(dbargs, &db).await?;
    let mailer = gongkai_web::applications::mail::Mailer::from_env()?;
    let w = gongkai_web::jobs::worker::Worker::new(db.clone(), mailer, args.today.unwrap_or_default());
    if args.once {
        w.schedule().await?;
        let n = w.drain().await?;
        let (queued, running, dead) = gongkai_store::jobs::counts(&db).await?;
        println!("jobs run: {n}; left: {queued} queued, {running} running, {dead} dead");
    } else {
        println!("gongkai worker {} running; stop with Ctrl-C or SIGTERM", w.id);
        w.run(shutdown_signal()).await;
    }
    db.close().await;
    Ok(())
}

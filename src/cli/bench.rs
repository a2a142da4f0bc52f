//! `gongkai bench seed`: a large, reproducible organisation for load tests.

use super::*;

#[derive(Subcommand)]
pub(super) enum BenchCmd {
    /// Seed an empty database with the demo's bodies and logins, more bodies, published
    /// catalog items and handled applications (the same data again for the same --seed)
    Seed {
        /// Bodies to spread the data over (the demo has 13; more are created)
        #[arg(long, default_value_t = 13)]
        orgs: usize,
        /// Published catalog items
        #[arg(long, default_value_t = 1_000_000)]
        items: u64,
        /// Applications, handled to a reply through the same steps as the demo's
        #[arg(long, default_value_t = 1_000)]
        applications: u64,
        /// Seed of the generator
        #[arg(long, default_value_t = 20_261_204)]
        seed: u64,
        /// The agency's today, as for `serve --today`
        #[arg(long, env = "GONGKAI_TODAY", value_parser = parse_clock)]
        today: Option<WallClock>,
    },
}

/// A progress bar on stderr, redrawn at most ten times a second.
struct Bar {
    started: std::time::Instant,
    last: Option<std::time::Instant>,
    tty: bool,
}

impl Bar {
    fn draw(&mut self, what: &str, done: u64, total: u64) {
        use std::io::Write;
        let finished = done >= total;
        if self.last.is_some_and(|t| t.elapsed() < std::time::Duration::from_millis(100)) && !finished {
            return;
        }
        self.last = Some(std::time::Instant::now());
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let width = 30;
        let filled = (done * width as u64).checked_div(total).map_or(width, |f| (f as usize).min(width));
        let line = format!(
            "{what:<12} [{}{}] {done}/{total} {:.0}/s",
            "#".repeat(filled),
            "-".repeat(width - filled),
            done as f64 / secs
        );
        if self.tty {
            eprint!("\r\x1b[K{line}");
            if finished {
                eprintln!();
            }
        } else if finished {
            eprintln!("{line}");
        }
        let _ = std::io::stderr().flush();
    }
}

pub(super) async fn bench(dbargs: &DbArgs, cmd: BenchCmd) -> anyhow::Result<()> {
    let BenchCmd::Seed { orgs, items, applications, seed, today } = cmd;
    let db = open(dbargs, true).await?;
    seal_personal_data(dbargs, &db).await?;
    let today = today.unwrap_or_default().today();
    let size = demo::bench::Size { orgs, items, applications, seed };
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut bars: Vec<(demo::bench::Stage, Bar)> = Vec::new();
    let started = std::time::Instant::now();
    let mut items_from: Option<std::time::Instant> = None;
    let mut item_secs = 0.0;
    demo::bench::seed(&db, today, size, |stage, done, total| {
        if bars.last().is_none_or(|(s, _)| *s != stage) {
            match (stage, items_from) {
                (demo::bench::Stage::Items, _) => items_from = Some(std::time::Instant::now()),
                (_, Some(t)) if item_secs == 0.0 => item_secs = t.elapsed().as_secs_f64(),
                _ => {}
            }
            bars.push((stage, Bar { started: std::time::Instant::now(), last: None, tty }));
        }
        let name = match stage {
            demo::bench::Stage::Items => "items",
            demo::bench::Stage::ColumnLists => "column lists",
            demo::bench::Stage::Applications => "applications",
        };
        if let Some((_, bar)) = bars.last_mut() {
            bar.draw(name, done, total);
        }
    })
    .await
    .context("seeding")?;
    if item_secs == 0.0 {
        item_secs = items_from.map_or(0.0, |t| t.elapsed().as_secs_f64());
    }
    println!(
        "seeded {orgs} bodies, {items} items ({:.0} items/s), {applications} applications in {:.1} s (seed {seed})",
        items as f64 / item_secs.max(1e-3),
        started.elapsed().as_secs_f64()
    );
    println!("the search index catches up when `gongkai serve` starts (or run `gongkai reindex`)");
    db.close().await;
    Ok(())
}

//! `gongkai calendar`: working-day arithmetic and loading holiday notices (own exit codes: 2 for a year without a notice).

use super::*;

#[derive(Subcommand)]
pub(super) enum CalendarCmd {
    /// Print the date of the N-th working day after DATE (DATE itself is day 0, not counted)
    AddWorkingDays {
        /// Start date, YYYY-MM-DD
        date: String,
        /// Number of working days
        n: u32,
        /// Count through years without a loaded notice on the provisional calendar of
        /// 《全国年节及纪念日放假办法》 (said on stderr) instead of exiting 2
        #[arg(long)]
        provisional: bool,
    },
    /// Print true or false
    IsWorkingDay {
        /// YYYY-MM-DD
        date: String,
        /// Answer for a year without a loaded notice from the provisional calendar
        #[arg(long)]
        provisional: bool,
    },
    /// List every day after DATE up to the N-th working day: counted or skipped, and why
    Explain {
        date: String,
        n: u32,
        /// Count through years without a loaded notice on the provisional calendar
        #[arg(long)]
        provisional: bool,
    },
    /// Load a holiday-notice file (TOML, the format of data/holidays-cn.toml) into the
    /// database; it becomes the active calendar of the server
    Load { file: std::path::PathBuf },
    /// Show the active calendar and the load history
    Show,
}

/// The calendar the CLI computes with: the database's active calendar when a database
/// is named or the default database file exists, else the compiled-in notices.
pub(super) async fn cli_calendar(dbargs: &DbArgs) -> anyhow::Result<gongkai_core::calendar::Calendar> {
    let default_missing = dbargs.database.is_none() && !std::path::Path::new("gongkai.db").exists();
    if default_missing {
        return Ok(gongkai_core::calendar::Calendar::builtin());
    }
    let db = open(dbargs, false).await?;
    Ok((*gongkai_store::calendars::active(&db).await?).clone())
}

pub(super) fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.trim().parse().map_err(|_| format!("'{s}' is not a date (expected YYYY-MM-DD)"))
}

/// Exit codes: 0 success, 1 other errors, 2 bad input or a date the calendar does not cover.
pub(super) async fn calendar(dbargs: &DbArgs, cmd: &CalendarCmd) -> ExitCode {
    use gongkai_core::calendar::CalendarError;
    let fail = |code: u8, msg: String| {
        eprintln!("error: {msg}");
        ExitCode::from(code)
    };
    let cal_err = |e: CalendarError| match e {
        CalendarError::NotCovered { .. } => fail(2, e.to_string()),
        other => fail(1, other.to_string()),
    };
    if let CalendarCmd::Load { file } = cmd {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => return fail(1, format!("cannot read {}: {e}", file.display())),
        };
        let db = match open(dbargs, false).await {
            Ok(db) => db,
            Err(e) => return fail(1, format!("{e:#}")),
        };
        return match gongkai_store::calendars::load(&db, &cli_actor(), &text).await {
            Ok(Ok(c)) => {
                let years: Vec<String> = c.years().iter().map(|y| y.0.to_string()).collect();
                println!("calendar {} loaded (years {})", c.version(), years.join(", "));
                // Running applications follow the corrected calendar; each move is an event.
                match gongkai_store::applications::recompute_deadlines(
                    &db,
                    &cli_actor(),
                    &gongkai_web::applications::ops::settings(),
                    &c,
                )
                .await
                {
                    Ok(n) => {
                        println!("deadlines moved: {n}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(1, format!("calendar loaded, but re-deriving deadlines failed: {e}")),
                }
            }
            Ok(Err(e)) => fail(2, e.to_string()),
            Err(e) => fail(1, e.to_string()),
        };
    }
    let cal = match cli_calendar(dbargs).await {
        Ok(c) => c,
        Err(e) => return fail(1, format!("{e:#}")),
    };
    // Strict unless asked: the contract is exit 2 for a year without a loaded notice.
    let provisional = match cmd {
        CalendarCmd::AddWorkingDays { provisional, .. }
        | CalendarCmd::IsWorkingDay { provisional, .. }
        | CalendarCmd::Explain { provisional, .. } => *provisional,
        _ => false,
    };
    let cal = if provisional { cal.with_provisional() } else { cal.strict() };
    let say_provisional = |from: jiff::civil::Date, to: jiff::civil::Date| {
        if let Some(year) = cal.provisional_year_in(from, to) {
            eprintln!(
                "provisional: no holiday notice is loaded for {year}; counted on the statutory holidays of                  the 全国年节及纪念日放假办法 (with make-up days for those on a weekend, no adjusted working days)"
            );
        }
    };
    match cmd {
        CalendarCmd::AddWorkingDays { date, n, .. } => match parse_date(date) {
            Err(m) => fail(2, m),
            Ok(d) => match cal.add_working_days(d, *n) {
                Ok(due) => {
                    say_provisional(d, due);
                    println!("{due}");
                    ExitCode::SUCCESS
                }
                Err(e) => cal_err(e),
            },
        },
        CalendarCmd::IsWorkingDay { date, .. } => match parse_date(date) {
            Err(m) => fail(2, m),
            Ok(d) => match cal.is_working_day(d) {
                Ok(b) => {
                    say_provisional(d, d);
                    println!("{b}");
                    ExitCode::SUCCESS
                }
                Err(e) => cal_err(e),
            },
        },
        CalendarCmd::Explain { date, n, .. } => match parse_date(date) {
            Err(m) => fail(2, m),
            Ok(d) => match cal.explain(d, *n) {
                Ok(days) => {
                    say_provisional(d, days.last().map_or(d, |e| e.date));
                    println!("{d} {} day 0 (start, not counted)", weekday(d));
                    for e in &days {
                        let what = match &e.note {
                            Some(note) => format!("{}: {note}, provisional", e.kind.label()),
                            None if e.provisional => format!("{}, provisional", e.kind.label()),
                            None => e.kind.label().to_string(),
                        };
                        match e.counted {
                            Some(k) => println!("{} {} counted {k} ({what})", e.date, weekday(e.date)),
                            None => println!("{} {} skipped ({what})", e.date, weekday(e.date)),
                        }
                    }
                    println!("due {} (working day {n}; calendar {})", days.last().map_or(d, |e| e.date), cal.version());
                    ExitCode::SUCCESS
                }
                Err(e) => cal_err(e),
            },
        },
        CalendarCmd::Show => {
            println!("active calendar {}", cal.version());
            for (y, notice) in cal.years() {
                println!("  {y}  {notice}");
            }
            if (dbargs.database.is_some() || std::path::Path::new("gongkai.db").exists())
                && let Ok(db) = open(dbargs, false).await
            {
                for h in gongkai_store::calendars::history(&db).await.unwrap_or_default() {
                    println!("loaded #{} {} years {} at {} by {}", h.id, h.version, h.years, h.loaded_at, h.loaded_by);
                }
            }
            ExitCode::SUCCESS
        }
        CalendarCmd::Load { .. } => unreachable!("handled above"),
    }
}

pub(super) fn weekday(d: jiff::civil::Date) -> &'static str {
    use jiff::civil::Weekday::*;
    match d.weekday() {
        Monday => "周一",
        Tuesday => "周二",
        Wednesday => "周三",
        Thursday => "周四",
        Friday => "周五",
        Saturday => "周六",
        Sunday => "周日",
    }
}

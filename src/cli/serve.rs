//! `gongkai serve`: the web server (and, unless --no-worker, the worker).

use super::*;

#[derive(Args)]
pub(super) struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "GONGKAI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Seed the demo organisation into an empty database (creating it) and print the demo logins
    #[arg(long)]
    demo: bool,
    /// Largest accepted request body in bytes
    #[arg(long, env = "GONGKAI_BODY_LIMIT", default_value_t = 2 * 1024 * 1024)]
    body_limit: usize,
    /// Send cookies without the Secure flag (only for plain-HTTP installations on a LAN address;
    /// browsers accept Secure cookies on http://localhost and http://127.0.0.1)
    #[arg(long, env = "GONGKAI_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// Idle session lifetime in minutes
    #[arg(long, env = "GONGKAI_SESSION_MINUTES", default_value_t = 480)]
    session_minutes: i64,
    #[command(flatten)]
    index: IndexArgs,
    /// Public base URL of the portal for the sitemap, feeds, QR codes and the form origin check
    /// (default: from the Host header; set it in production)
    #[arg(long, env = "GONGKAI_BASE_URL")]
    base_url: Option<String>,
    /// A reverse proxy whose X-Forwarded-For header is believed (repeat for several;
    /// GONGKAI_TRUSTED_PROXIES takes a comma-separated list).
    #[arg(long = "trusted-proxy", env = "GONGKAI_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Seconds a client may take to send a request's headers before the connection is closed
    #[arg(long, env = "GONGKAI_HEADER_TIMEOUT", default_value_t = 10)]
    header_timeout: u64,
    /// Most open connections in all
    #[arg(long, env = "GONGKAI_MAX_CONNECTIONS", default_value_t = 4096)]
    max_connections: usize,
    /// Most open connections from one address (trusted proxies exempt)
    #[arg(long, env = "GONGKAI_MAX_CONNECTIONS_PER_IP", default_value_t = 64)]
    max_connections_per_ip: usize,
    /// Run as if today (in China) were this date, YYYY-MM-DD: deadlines, reminders, default
    /// dates and the demo's open cases follow it (tests, demonstrations, training). Recorded
    /// instants keep the real time.
    #[arg(long, env = "GONGKAI_TODAY", value_parser = parse_clock)]
    today: Option<WallClock>,
    /// Do not run background jobs in this process (run `gongkai worker` instead)
    #[arg(long, env = "GONGKAI_NO_WORKER")]
    no_worker: bool,
}

/// Make sure the data keys exist (a first start makes them) and that every applicant's
/// personal data is sealed with the current key (rows from before encryption included).
pub(super) async fn seal_personal_data(dbargs: &DbArgs, db: &Db) -> anyhow::Result<()> {
    if db.is_read_only() {
        return Ok(());
    }
    load_keys(dbargs, db, KeyFile::Create)?;
    let n = gongkai_store::sealing::reseal_all(db).await.context("encrypting personal data")?;
    if n > 0 {
        tracing::info!(rows = n, "personal data (applicants, push recipients) encrypted with the current data key");
    }
    Ok(())
}

pub(super) fn parse_clock(raw: &str) -> Result<WallClock, String> {
    WallClock::parse(raw)
}

pub(super) async fn serve(dbargs: &DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    let db = open(dbargs, args.demo).await?;
    seal_personal_data(dbargs, &db).await?;
    let clock = args.today.unwrap_or_default();
    if clock.is_shifted() {
        println!("running as if today were {} (--today)", clock.today());
    }
    if db.is_read_only() {
        eprintln!("warning: the database is read-only: pages and searches are served, submissions are refused");
    }
    if args.demo && !db.is_read_only() {
        if demo::is_seeded(&db).await? {
            tracing::info!("demo organisation already present");
        } else {
            demo::seed(&db, clock.today()).await.context("seeding the demo")?;
            tracing::info!("demo organisation seeded");
        }
    }
    let config = WebConfig {
        body_limit: args.body_limit,
        cookie_secure: !args.insecure_cookies,
        session_ttl: jiff::SignedDuration::from_mins(args.session_minutes.max(5)),
        index_dir: args.index.resolve(&db),
        base_url: args.base_url.clone(),
        trusted_proxies: args.trusted_proxies.clone(),
        connections: gongkai_web::http::listen::ConnLimits {
            header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
            max_connections: args.max_connections.max(16),
            max_per_ip: args.max_connections_per_ip.max(1),
            exempt: Vec::new(),
        },
        clock,
    };
    let state = AppState::new(db.clone(), config).await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    if args.base_url.is_none() && !addr.ip().is_loopback() {
        eprintln!(
            "warning: no --base-url: the sitemap, feeds and QR codes take the host from each request's Host \
             header (QR codes are then not publicly cacheable); set --base-url to the portal's public address"
        );
    }
    println!("gongkai listening on http://{addr}/  (console: http://{addr}/console)");
    if args.demo {
        println!("demo logins (password {}):", demo::DEMO_PASSWORD);
        for l in demo::LOGINS {
            println!("  {:<18} {}", l.username, l.role);
        }
    }
    // Background jobs (alerts, their e-mails, session clean-up) from the job table; with
    // several instances, run them here with --no-worker and `gongkai worker` elsewhere.
    // Jobs write their state: none while the database is read-only.
    if !args.no_worker && !db.is_read_only() {
        let mailer = gongkai_web::applications::mail::Mailer::from_env()?;
        if mailer.is_some() {
            tracing::info!("deadline alerts will also be e-mailed (GONGKAI_SMTP_URL)");
        }
        let worker = gongkai_web::jobs::worker::Worker::new(db.clone(), mailer, clock);
        tokio::spawn(worker.run(std::future::pending()));
    }
    gongkai_web::serve(listener, state, shutdown_signal()).await?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

//! `gongkai user`: staff accounts.

use super::*;

#[derive(Subcommand)]
pub(super) enum UserCmd {
    /// Add a staff account (the password is read from stdin with --password-stdin, else generated and printed)
    Add(UserAddArgs),
    /// Set a new password (read from stdin with --password-stdin, else generated and printed)
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts with their roles
    List,
    /// Create an API token for an account (for scripts and integrations) and print it once
    Token {
        username: String,
        /// What the token is for, shown on the account page
        #[arg(long)]
        name: String,
        /// Valid for this many days (default: until revoked on the account page)
        #[arg(long)]
        days: Option<u32>,
    },
}

#[derive(Args)]
pub(super) struct UserAddArgs {
    #[arg(long)]
    username: String,
    /// Person's name, e.g. 王小明
    #[arg(long)]
    display_name: String,
    /// E-mail address for deadline alerts
    #[arg(long)]
    email: Option<String>,
    /// Organisation (short code or name) in which the role is held
    #[arg(long, required_unless_present = "system_admin")]
    org: Option<String>,
    /// staff | approver | org_admin | supervisor
    #[arg(long, default_value = "staff")]
    role: String,
    /// Make the account a system administrator
    #[arg(long)]
    system_admin: bool,
    #[arg(long)]
    password_stdin: bool,
}

/// A password from stdin (first line), or a generated one that is printed once.
pub(super) fn obtain_password(from_stdin: bool, username: &Username) -> anyhow::Result<NewPassword> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let pw = line.trim_end_matches(['\r', '\n']);
        NewPassword::parse(pw, Some(username)).map_err(|e| anyhow::anyhow!("password: {}", e.message))
    } else {
        let generated = format!("Gk-{}", gongkai_web::http::secrets::random_hex(8));
        println!("generated password for {username}: {generated}");
        NewPassword::parse(&generated, Some(username)).map_err(|e| anyhow::anyhow!("{}", e.message))
    }
}

pub(super) async fn user(dbargs: &DbArgs, cmd: UserCmd) -> anyhow::Result<()> {
    let db = open(dbargs, false).await?;
    match cmd {
        UserCmd::List => {
            let all = orgs::list(&db).await?;
            for u in users::list(&db).await? {
                let grants = users::grants(&db, u.id).await?;
                let roles: Vec<String> = grants
                    .iter()
                    .map(|g| {
                        let org = all.iter().find(|o| o.id == g.org).map(|o| o.short_code.as_str()).unwrap_or("?");
                        format!("{}@{org}", g.role.code())
                    })
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}{}\t{}",
                    u.id,
                    u.username,
                    u.display_name,
                    if u.system_admin { "system_admin " } else { "" },
                    roles.join(","),
                    if u.active { "active" } else { "disabled" }
                );
            }
            Ok(())
        }
        UserCmd::Add(a) => {
            let username = Username::parse(&a.username).map_err(|e| anyhow::anyhow!("username: {}", e.message))?;
            let display_name = parse_display_name(&a.display_name).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let mut grants = Vec::new();
            if let Some(org) = &a.org {
                let o = orgs::find(&db, org).await.map_err(|_| anyhow::anyhow!("no organisation '{org}'"))?;
                let role = Role::parse(&a.role).map_err(|e| anyhow::anyhow!("role: {}", e.message))?;
                grants.push(Grant { org: o.id, role });
            }
            let email = match a.email.as_deref() {
                Some(e) => {
                    Some(gongkai_core::orgs::parse_email("email", e).map_err(|e| anyhow::anyhow!("{}", e.message))?)
                }
                None => None,
            };
            let pw = obtain_password(a.password_stdin, &username)?;
            let hash = gongkai_web::orgs::access::hash(pw).await.map_err(|e| anyhow::anyhow!("{}", e.message()))?;
            let new = users::NewUser {
                username,
                display_name,
                email,
                password_hash: hash,
                system_admin: a.system_admin,
                grants,
            };
            let id = users::create(&db, &cli_actor(), &new).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("user {id} created: {}", new.username);
            Ok(())
        }
        UserCmd::Token { username, name, days } => {
            let Some((u, _)) = users::credentials(&db, username.trim()).await? else {
                bail!("no user '{username}'");
            };
            let label = name.trim();
            if label.is_empty() || label.chars().count() > 64 {
                bail!("--name must be 1 to 64 characters");
            }
            let secret = format!("gk_{}", gongkai_web::http::secrets::random_hex(20));
            let prefix: String = secret.chars().take(10).collect();
            let expires = days
                .map(|d| jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * i64::from(d.max(1))))
                .map(gongkai_store::ts::fmt);
            gongkai_store::orgs::tokens::create(
                &db,
                &cli_actor(),
                u.id,
                label,
                &gongkai_web::http::secrets::sha256_hex(&secret),
                &prefix,
                expires,
            )
            .await?;
            // The token alone on stdout, so that scripts can capture it.
            println!("{secret}");
            eprintln!("API token '{label}' created for {}; it is shown only now", u.username);
            Ok(())
        }
        UserCmd::Passwd { username, password_stdin } => {
            let name = Username::parse(&username).map_err(|e| anyhow::anyhow!("username: {}", e.message))?;
            let Some((u, _)) = users::credentials(&db, name.as_str()).await? else {
                bail!("no user '{name}'");
            };
            let pw = obtain_password(password_stdin, &name)?;
            let hash = gongkai_web::orgs::access::hash(pw).await.map_err(|e| anyhow::anyhow!("{}", e.message()))?;
            users::set_password(&db, &cli_actor(), u.id, &hash).await?;
            println!("password of {name} changed; the user's sessions were ended");
            Ok(())
        }
    }
}

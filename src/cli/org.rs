//! `gongkai org`: organisations.

use super::*;

#[derive(Subcommand)]
pub(super) enum OrgCmd {
    /// Add an organisation
    Add(Box<OrgAddArgs>),
    /// List organisations
    List,
}

#[derive(Args)]
pub(super) struct OrgAddArgs {
    /// Full Chinese name, e.g. 广州市民政局
    #[arg(long)]
    name: String,
    /// Short code for URLs and commands, e.g. gzmz
    #[arg(long)]
    short_code: String,
    /// peoples_government | government_department | district_bureau | affiliated_body
    #[arg(long, default_value = "government_department")]
    kind: String,
    /// Unified social credit code (18 characters, GB 32100-2015)
    #[arg(long)]
    credit_code: String,
    /// Parent organisation (short code or name)
    #[arg(long)]
    parent: Option<String>,
    /// Organisation that carries out this one's disclosure work, except applications
    #[arg(long)]
    hosted_by: Option<String>,
    #[arg(long, default_value = "")]
    address: String,
    #[arg(long, default_value = "")]
    office_hours: String,
    #[arg(long, default_value = "")]
    phone: String,
    #[arg(long, default_value = "")]
    fax: String,
    #[arg(long, default_value = "")]
    email: String,
    #[arg(long, default_value = "")]
    website: String,
}

pub(super) async fn org(dbargs: &DbArgs, cmd: OrgCmd) -> anyhow::Result<()> {
    let db = open(dbargs, false).await?;
    match cmd {
        OrgCmd::List => {
            for o in orgs::list(&db).await? {
                println!(
                    "{}\t{}\t{}\t{}\tparent={}\thosted_by={}",
                    o.id,
                    o.short_code,
                    o.name,
                    o.credit_code,
                    o.parent_id.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                    o.hosted_by_id.map(|p| p.to_string()).unwrap_or_else(|| "-".into())
                );
            }
            Ok(())
        }
        OrgCmd::Add(a) => {
            let a = *a;
            let lookup = |key: Option<String>| {
                let db = db.clone();
                async move {
                    match key {
                        Some(k) => orgs::find(&db, &k)
                            .await
                            .map(|o| Some(o.id.0))
                            .map_err(|_| anyhow::anyhow!("no organisation with short code or name '{k}'")),
                        None => Ok(None),
                    }
                }
            };
            let input = OrgInput {
                name: a.name,
                short_code: a.short_code,
                kind: a.kind,
                credit_code: a.credit_code,
                parent_id: lookup(a.parent).await?,
                hosted_by_id: lookup(a.hosted_by).await?,
                address: a.address,
                office_hours: a.office_hours,
                phone: a.phone,
                fax: a.fax,
                email: a.email,
                website: a.website,
            };
            let facts = input.parse().map_err(|e| anyhow::anyhow!("invalid organisation: {}", field_list(&e)))?;
            let id = orgs::create(&db, &cli_actor(), &facts).await.map_err(|e| match e {
                orgs::WriteError::Invalid(f) => {
                    anyhow::anyhow!("invalid organisation: {}", field_list(&f))
                }
                orgs::WriteError::Store(s) => s.into(),
            })?;
            println!("organisation {id} created: {} ({})", facts.name, facts.short_code);
            Ok(())
        }
    }
}

pub(super) fn field_list(e: &gongkai_core::FieldErrors) -> String {
    e.0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
}

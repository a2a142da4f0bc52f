//! Records behind the annual report's tables: every statistic is a query over records,
//! never a hand-kept counter.

pub mod annual;

use crate::{Db, Result, StoreError};
use gongkai_core::appeals::{AppealKind, AppealResult};
use gongkai_core::applications::{ApplicantKind, Outcome};
use gongkai_core::orgs::OrgId;
use gongkai_core::reports::{AppFact, AppealFact};
use jiff::civil::Date;
use sqlx::{Any, Row};

fn date(s: Option<String>) -> Result<Option<Date>> {
    s.map(|d| d.parse::<Date>().map_err(|e| StoreError::Config(format!("corrupt date {d}: {e}")))).transpose()
}

/// Applications of `org` received up to the end of `year` and not finished before it.
pub async fn application_facts(db: &Db, org: OrgId, year: i16) -> Result<Vec<AppFact>> {
    let rows = sqlx::query::<Any>(
        "SELECT applicant_kind, received_on, finished_on, outcome FROM applications
         WHERE org_id = $1 AND received_on IS NOT NULL AND received_on <= $2
           AND (finished_on IS NULL OR finished_on >= $3)",
    )
    .bind(org.0)
    .bind(format!("{year}-12-31"))
    .bind(format!("{year}-01-01"))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind: String = r.try_get("applicant_kind")?;
        let kind = ApplicantKind::parse(&kind).map_err(|e| StoreError::Config(e.message))?;
        let finished = match (date(r.try_get("finished_on")?)?, r.try_get::<Option<String>, _>("outcome")?) {
            (Some(d), Some(o)) => Some((d, Outcome::parse(&o).map_err(|e| StoreError::Config(e.message))?)),
            _ => None,
        };
        out.push(AppFact { kind, received: date(r.try_get("received_on")?)?, finished });
    }
    Ok(out)
}

/// Appeals of `org` filed by the end of `year` and not decided before it.
pub async fn appeal_facts(db: &Db, org: OrgId, year: i16) -> Result<Vec<AppealFact>> {
    let rows = sqlx::query::<Any>(
        "SELECT kind, filed_on, decided_on, result FROM appeals
         WHERE org_id = $1 AND filed_on <= $2 AND (decided_on IS NULL OR decided_on >= $3)",
    )
    .bind(org.0)
    .bind(format!("{year}-12-31"))
    .bind(format!("{year}-01-01"))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind = AppealKind::parse(&r.try_get::<String, _>("kind")?).map_err(|e| StoreError::Config(e.message))?;
        let filed =
            date(r.try_get("filed_on")?)?.ok_or_else(|| StoreError::Config("appeal without filing date".into()))?;
        let decided = match (date(r.try_get("decided_on")?)?, r.try_get::<Option<String>, _>("result")?) {
            (Some(d), Some(res)) => Some((d, AppealResult::parse(&res).map_err(|e| StoreError::Config(e.message))?)),
            _ => None,
        };
        out.push(AppealFact { kind, filed, decided });
    }
    Ok(out)
}

/// A hand-entered figure of table 二.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Figure {
    pub cell: String,
    pub value: gongkai_core::reports::Value,
    pub source: String,
    pub entered_by: String,
    pub entered_at: String,
}

pub async fn figures(db: &Db, org: OrgId, year: i16) -> Result<Vec<Figure>> {
    let rows = sqlx::query::<Any>(
        "SELECT cell, value, source, entered_by, entered_at FROM report_figures WHERE org_id = $1 AND year = $2 ORDER BY cell",
    )
    .bind(org.0)
    .bind(i64::from(year))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let raw: String = r.try_get("value")?;
            let value = gongkai_core::reports::tables::parse_value(&raw)
                .ok_or_else(|| StoreError::Config(format!("corrupt figure value {raw}")))?;
            Ok(Figure {
                cell: r.try_get("cell")?,
                value,
                source: r.try_get("source")?,
                entered_by: r.try_get("entered_by")?,
                entered_at: r.try_get("entered_at")?,
            })
        })
        .collect()
}

/// Set (or, with `None`, clear) one figure; validated by the caller. Audited.
pub async fn set_figure(
    db: &Db,
    actor: &crate::Actor,
    org: OrgId,
    year: i16,
    cell: &str,
    value: Option<(&str, &str)>,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let old: Option<String> = sqlx::query_scalar::<Any, String>(
        "SELECT value FROM report_figures WHERE org_id = $1 AND year = $2 AND cell = $3",
    )
    .bind(org.0)
    .bind(i64::from(year))
    .bind(cell)
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query::<Any>("DELETE FROM report_figures WHERE org_id = $1 AND year = $2 AND cell = $3")
        .bind(org.0)
        .bind(i64::from(year))
        .bind(cell)
        .execute(&mut *tx)
        .await?;
    if let Some((v, source)) = value {
        sqlx::query::<Any>(
            "INSERT INTO report_figures (org_id, year, cell, value, source, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(org.0)
        .bind(i64::from(year))
        .bind(cell)
        .bind(v)
        .bind(source)
        .bind(&actor.label)
        .bind(crate::ts::now())
        .execute(&mut *tx)
        .await?;
    }
    let changes = crate::audit::Changes::new().field("value", old.as_deref(), value.map(|v| v.0)).field(
        "source",
        None,
        value.map(|v| v.1),
    );
    crate::audit::record(&mut tx, actor, "set_figure", "report", &format!("{year}/{cell}"), Some(org), &changes)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Table 三's groups for `org` and `year` in one grouped query (applicant column, new or
/// carried in, outcome this year or carried out), so the work does not grow with the
/// number of rows returned.
pub async fn application_groups(db: &Db, org: OrgId, year: i16) -> Result<Vec<gongkai_core::reports::Group>> {
    let (first, last) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let rows = sqlx::query::<Any>(
        "SELECT applicant_kind AS kind,
                CASE WHEN received_on >= $2 THEN 1 ELSE 0 END AS is_new,
                CASE WHEN finished_on IS NOT NULL AND finished_on <= $3 THEN outcome ELSE NULL END AS result,
                COUNT(*) AS n
         FROM applications
         WHERE org_id = $1 AND received_on IS NOT NULL AND received_on <= $3
           AND (finished_on IS NULL OR finished_on >= $2)
         GROUP BY 1, 2, 3",
    )
    .bind(org.0)
    .bind(&first)
    .bind(&last)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let kind =
                ApplicantKind::parse(&r.try_get::<String, _>("kind")?).map_err(|e| StoreError::Config(e.message))?;
            let result = r
                .try_get::<Option<String>, _>("result")?
                .map(|o| Outcome::parse(&o).map_err(|e| StoreError::Config(e.message)))
                .transpose()?;
            Ok(gongkai_core::reports::Group {
                kind,
                new: r.try_get::<i64, _>("is_new")? == 1,
                result,
                count: r.try_get("n")?,
            })
        })
        .collect()
}

/// The tables of `org` for `year`: tables 三 and 四 computed from records, table 二's
/// hand-entered figures filled in.
pub async fn tables(db: &Db, org: OrgId, year: i16) -> Result<gongkai_core::reports::Tables> {
    use gongkai_core::reports::{ReportFormat, compute_groups, with_figures};
    let o = crate::orgs::get(db, org).await?;
    let groups = application_groups(db, org, year).await?;
    let appeals = appeal_facts(db, org, year).await?;
    let t = compute_groups(ReportFormat::for_year(year), &o.name, year, &groups, &appeals);
    let figs: Vec<(String, gongkai_core::reports::Value)> =
        figures(db, org, year).await?.into_iter().map(|f| (f.cell, f.value)).collect();
    let mut t = with_figures(t, &figs);
    // Table 二 item (一) comes from the catalog: rules and normative documents made,
    // published, repealed and in force, with their validity history.
    use gongkai_core::catalog::ItemKind;
    let rules = crate::catalog::normative_counts(db, org, i32::from(year), ItemKind::Rule).await?;
    let normative = crate::catalog::normative_counts(db, org, i32::from(year), ItemKind::Normative).await?;
    for (cell, v) in gongkai_core::catalog::table2_item1_cells(t.format, &rules, &normative) {
        t.cells.insert(cell, gongkai_core::reports::Value::Int(v));
    }
    Ok(t)
}

/// Table-二 cells counted from the catalog (not entered by hand).
pub fn catalog_cell(cell: &str) -> bool {
    cell.starts_with("t2.i1.")
}

/// Applications of `org` answered in `year` after their deadline (the overdue rate).
pub async fn late_replies(db: &Db, org: OrgId, year: i16) -> Result<i64> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM applications WHERE org_id = $1 AND finished_on >= $2 AND finished_on <= $3
           AND due_on IS NOT NULL AND finished_on > due_on",
    )
    .bind(org.0)
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .fetch_one(db.pool())
    .await?)
}

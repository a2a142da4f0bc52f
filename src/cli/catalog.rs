//! `gongkai catalog`: moving a body's whole catalog between platforms as one zip archive
//! (`catalog.json` with every record's metadata, `attachments/<sha256>` with the files).

use super::*;
use std::io::{Read, Write};

#[derive(Subcommand)]
pub(super) enum CatalogCmd {
    /// Write the catalog of ORG (short code or exact name) to a zip archive
    Export {
        #[arg(long)]
        org: String,
        /// Archive to write (must not exist)
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
    /// Read an archive written by `catalog export` into ORG (columns matched by slug; an index
    /// number already used on this platform refuses the whole archive)
    Import {
        file: std::path::PathBuf,
        #[arg(long)]
        org: String,
    },
}

/// Largest archive read (attachments included).
const MAX_ARCHIVE: u64 = 4 << 30;

pub(super) async fn catalog(db_args: &DbArgs, cmd: CatalogCmd) -> anyhow::Result<()> {
    let db = open(db_args, false).await?;
    match cmd {
        CatalogCmd::Export { org, output } => {
            let o = orgs::find(&db, &org).await.with_context(|| format!("no organisation '{org}'"))?;
            let (export, files) = gongkai_store::catalog::transfer::export(&db, o.id).await?;
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&output)
                .with_context(|| format!("cannot create {}", output.display()))?;
            let mut zip = zip::ZipWriter::new(file);
            let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("catalog.json", opts)?;
            zip.write_all(serde_json::to_string_pretty(&export)?.as_bytes())?;
            for (sha, data) in &files {
                zip.start_file(format!("attachments/{sha}"), opts)?;
                zip.write_all(data)?;
            }
            zip.finish()?;
            println!(
                "catalog of {} exported: {} columns, {} items, {} attachment files to {}",
                o.name,
                export.columns.len(),
                export.items.len(),
                files.len(),
                output.display()
            );
            Ok(())
        }
        CatalogCmd::Import { file, org } => {
            let o = orgs::find(&db, &org).await.with_context(|| format!("no organisation '{org}'"))?;
            let f = std::fs::File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
            if f.metadata()?.len() > MAX_ARCHIVE {
                bail!("{} is larger than {} GiB", file.display(), MAX_ARCHIVE >> 30);
            }
            let mut zip = zip::ZipArchive::new(f).context("not a zip archive written by `gongkai catalog export`")?;
            let mut export = None;
            let mut files = std::collections::BTreeMap::new();
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i)?;
                let name = entry.name().to_string();
                let mut data = Vec::new();
                (&mut entry).take(MAX_ARCHIVE).read_to_end(&mut data)?;
                if name == "catalog.json" {
                    export = Some(
                        serde_json::from_slice::<gongkai_store::catalog::transfer::Export>(&data)
                            .context("catalog.json is not a catalog export")?,
                    );
                } else if let Some(sha) = name.strip_prefix("attachments/") {
                    files.insert(sha.to_string(), data);
                }
            }
            let export = export.context("the archive has no catalog.json")?;
            let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
            let done = gongkai_store::catalog::transfer::import(&db, &Actor::cli(&who), o.id, &export, &files)
                .await
                .map_err(|e| anyhow::anyhow!("import refused: {e}"))?;
            println!(
                "imported into {}: {} items, {} new columns, {} attachments (from {})",
                o.name, done.items, done.columns, done.attachments, export.org.name
            );
            Ok(())
        }
    }
}

//! `gongkai data-key`: the keys that encrypt applicants' personal data.

use super::*;
use gongkai_store::crypto::Keyring;
use gongkai_store::sealing;

#[derive(Subcommand)]
pub(super) enum DataKeyCmd {
    /// Show the key file, its keys and which of them the database's data uses
    Status,
    /// Add a new key, re-encrypt every applicant's personal data with it, and keep the old
    /// keys in the file for instances still running with the old file
    Rotate,
    /// Remove the keys that no stored value uses any more (after every instance restarted
    /// with the rotated file)
    Prune,
}

pub(super) async fn data_key(dbargs: &DbArgs, cmd: DataKeyCmd) -> anyhow::Result<()> {
    let db = open(dbargs, false).await?;
    let Some(path) = dbargs.key_path(&db) else {
        bail!("an in-memory database has no key file");
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the data key file {} (pass --data-key-file)", path.display()))?;
    let keys = Keyring::parse(&text)?;
    match cmd {
        DataKeyCmd::Status => {
            let used = sealing::keys_in_use_all(&db).await?;
            println!("key file: {}", path.display());
            for id in keys.ids() {
                let role = if id == keys.current_id() { "encrypts and decrypts" } else { "decrypts" };
                let usage = if used.contains(&id) { "in use" } else { "not used" };
                println!("  {id}  {role}, {usage}");
            }
            for id in used.iter().filter(|u| !keys.ids().contains(u)) {
                println!("  {id}  MISSING from the file: the values sealed with it cannot be read");
            }
            Ok(())
        }
        DataKeyCmd::Rotate => {
            if db.is_read_only() {
                bail!("the database is read-only: nothing can be re-encrypted");
            }
            let rotated = keys.rotated();
            // The file first: if re-sealing stops half-way, every value opens with it.
            rotated.write_to(&path).with_context(|| format!("writing {}", path.display()))?;
            db.set_keyring(rotated.clone());
            let n = sealing::reseal_all(&db).await?;
            println!(
                "new key {} written to {}; {n} records re-encrypted with it. The old keys stay in the file \
                 for instances still running with the old one: restart every instance with this file, then run \
                 `gongkai data-key prune`.",
                rotated.current_id(),
                path.display()
            );
            Ok(())
        }
        DataKeyCmd::Prune => {
            db.set_keyring(keys.clone());
            if !db.is_read_only() {
                // Anything still under an old key (an instance wrote with it meanwhile) moves first.
                sealing::reseal_all(&db).await?;
            }
            let used = sealing::keys_in_use_all(&db).await?;
            let pruned = keys.pruned(&used);
            let gone: Vec<String> = keys.ids().into_iter().filter(|id| !pruned.ids().contains(id)).collect();
            if gone.is_empty() {
                println!("nothing to prune: every key in {} is in use", path.display());
                return Ok(());
            }
            pruned.write_to(&path).with_context(|| format!("writing {}", path.display()))?;
            println!("removed keys {} from {}", gone.join(", "), path.display());
            Ok(())
        }
    }
}

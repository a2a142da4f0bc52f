//! Every table with sealed personal data, for the start-up re-seal and the key commands:
//! applicants (applications) and push recipients with the bodies' gateway secrets (pushes).

use crate::{Db, Result};

/// Re-seal everything not under the current key; returns rows rewritten.
pub async fn reseal_all(db: &Db) -> Result<u64> {
    Ok(crate::applications::sealed::reseal(db).await? + crate::pushes::reseal(db).await?)
}

/// The key ids any sealed value uses.
pub async fn keys_in_use_all(db: &Db) -> Result<Vec<String>> {
    let mut used: std::collections::BTreeSet<String> =
        crate::applications::sealed::keys_in_use(db).await?.into_iter().collect();
    used.extend(crate::pushes::keys_in_use(db).await?);
    Ok(used.into_iter().collect())
}

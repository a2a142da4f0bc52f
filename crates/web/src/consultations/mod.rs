//! Public consultation (意见征集): the console (notices, meetings, moderation, adoption, the
//! adoption report) and the portal (the draft, the comment form, shown comments, the report).

pub mod api;
pub mod console;
pub mod portal;

use gongkai_core::consultations::ConsultationSettings;

pub fn settings() -> ConsultationSettings {
    ConsultationSettings::default()
}

/// Comments one address may send per minute.
pub const COMMENTS_PER_MINUTE: u32 = 5;

/// The body's published, public documents a consultation's final document can be.
pub async fn documents(
    state: &crate::state::AppState,
    org: gongkai_core::ids::OrgId,
) -> Result<Vec<gongkai_store::catalog::ItemLine>, crate::error::AppError> {
    Ok(gongkai_store::catalog::published(&state.db, org, 300).await?)
}

/// The linked final document as (id, title), while it is public.
pub async fn final_doc(
    state: &crate::state::AppState,
    c: &gongkai_store::consultations::Consultation,
) -> Result<Option<(i64, String)>, crate::error::AppError> {
    let Some(id) = c.final_item_id else { return Ok(None) };
    Ok(gongkai_store::catalog::items_by_ids(&state.db, &[id.0])
        .await?
        .into_iter()
        .find(|i| i.is_public())
        .map(|i| (i.id.0, i.title)))
}

//! Public consultation (意见征集): the console (notices, meetings, moderation, adoption, the
//! adoption report) and the portal (the draft, the comment form, shown comments, the report).

pub mod console;
pub mod portal;

use gongkai_core::consultations::ConsultationSettings;

pub fn settings() -> ConsultationSettings {
    ConsultationSettings::default()
}

/// Comments one address may send per minute.
pub const COMMENTS_PER_MINUTE: u32 = 5;

//! Deputies' suggestions and members' proposals (建议提案办理): the console register and
//! handling steps, and the portal column of published replies.

pub mod api;
pub mod console;
pub mod portal;

use gongkai_core::proposals::MotionSettings;

/// The local rules in force (the documented defaults until a settings page exists).
pub fn settings() -> MotionSettings {
    MotionSettings::default()
}

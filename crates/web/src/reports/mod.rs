//! The annual report: the document and its workflow (`annual`), the statistical tables on
//! the console (`console`), import of published pages, exports.

pub mod annual;
pub mod console;
pub mod export;
pub mod import;

//! Applications for disclosure (依申请公开): the operations shared by portal, console and API
//! (`ops`), the public form and tracking (`portal`), the handling screens and register
//! (`console`), the JSON API (`api`), letters and their templates, alert e-mails.

pub mod api;
pub mod console;
pub mod letter_templates;
pub mod letters;
pub mod mail;
pub mod ops;
pub mod portal;

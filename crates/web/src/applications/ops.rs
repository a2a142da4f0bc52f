//! Application operations shared by the portal, the console and the API.

use crate::error::AppError;
use crate::http::auth::sha256_hex;
use crate::state::AppState;
use gongkai_core::FieldError;
use gongkai_core::applications::event_input::EventInput;
use gongkai_core::applications::intake::ApplicationInput;
use gongkai_core::applications::{Case, Channel, ClockSettings, Event};
use gongkai_core::ids::{ApplicationId, OrgId, ProposalId};
use gongkai_core::orgs::access::{Capability, Principal};
use gongkai_store::Actor;
use gongkai_store::applications::{self as store, AppendError, Application, Created};
use jiff::civil::Date;

/// Clock parameters; the unconfirmed ones keep their documented defaults.
pub fn settings() -> ClockSettings {
    ClockSettings::default()
}

/// A deadline as shown to people: `2027-01-18（暂定）` when it was counted through a year
/// whose holiday notice is not loaded yet.
pub fn due_label(due: Date, provisional: bool) -> String {
    if provisional { format!("{due}（暂定）") } else { due.to_string() }
}

/// A tracking code: 12 characters from an alphabet without look-alikes, grouped by 4
/// (about 60 bits, with per-address rate limits on the tracking form).
pub fn new_query_code() -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 12];
    crate::http::secrets::fill_random(&mut buf);
    let chars: Vec<char> = buf.iter().map(|b| ALPHABET[(*b & 31) as usize] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The hash under which a code is stored (case and dashes do not matter when typed).
pub fn query_code_hash(code: &str) -> String {
    let norm: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    sha256_hex(&format!("gongkai-query:{norm}"))
}

/// Record a new application; returns the row data and the tracking code (shown once).
pub async fn register(
    state: &AppState,
    actor: &Actor,
    org: OrgId,
    input: &ApplicationInput,
    channel: Channel,
    submitted_on: Date,
) -> Result<(Created, String), AppError> {
    let facts = input.parse()?;
    if submitted_on > state.today() {
        return Err(FieldError::new("submitted_on", "提交日期不能晚于今天").into());
    }
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let code = new_query_code();
    let created =
        store::create(&state.db, actor, org, &facts, channel, submitted_on, &query_code_hash(&code), &settings(), &cal)
            .await?;
    Ok((created, code))
}

/// The application, after checking that `p` may see it (its own organisation's staff,
/// supervisors of it, system admins).
pub async fn visible(
    state: &AppState,
    p: &Principal,
    id: ApplicationId,
    cap: Capability,
) -> Result<Application, AppError> {
    Ok(visible_in(state, p, id, cap).await?.0)
}

/// [`visible`] with the organisation tree the check loaded, for callers that decide more.
async fn visible_in(
    state: &AppState,
    p: &Principal,
    id: ApplicationId,
    cap: Capability,
) -> Result<(Application, gongkai_store::orgs::Tree), AppError> {
    let a = store::get(&state.db, id).await?;
    let tree = crate::orgs::access::require(state, p, cap, a.org_id).await?;
    Ok((a, tree))
}

/// Parse and append a staff action (the API): replies and extensions need an approver.
pub async fn record_event(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    id: ApplicationId,
    input: &EventInput,
) -> Result<Case, AppError> {
    match record(state, p, actor, id, input, false).await? {
        (_, Some(case)) => Ok(case),
        (_, None) => Err(AppError::Internal(anyhow::anyhow!("a proposal where none may be made"))),
    }
}

/// What became of a staff action on the console.
pub enum Recorded {
    /// Appended to the case.
    Event,
    /// A reply or extension by someone who may not approve it: waiting for an approver.
    Proposed,
}

/// The console's path for staff actions: replies and extensions by handlers who are not
/// approvers go to an approver as a proposal (checked against the workflow now, so a
/// wrong one is refused at once) instead of being refused.
pub async fn record_or_propose(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    id: ApplicationId,
    input: &EventInput,
) -> Result<Recorded, AppError> {
    Ok(record(state, p, actor, id, input, true).await?.0)
}

/// Gather the facts, let core decide, and carry the decision out.
async fn record(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    id: ApplicationId,
    input: &EventInput,
    may_propose: bool,
) -> Result<(Recorded, Option<Case>), AppError> {
    use gongkai_core::applications::decide::{Decision, Facts, Refusal, decide};
    let (a, tree) = visible_in(state, p, id, Capability::HandleApplications).await?;
    let event = input.parse(&p.display_name)?;
    let monthly_position = match &event {
        Event::FeeNoticed { basis: gongkai_core::applications::FeeBasis::PerItem { .. }, .. } => {
            Some(store::monthly_position(&state.db, id).await?)
        }
        _ => None,
    };
    let cal = gongkai_store::calendars::active(&state.db).await?;
    let s = settings();
    let case = store::case(&state.db, id, &s, &cal).await?;
    let facts = Facts {
        today: state.today(),
        may_approve: p.can(Capability::ApproveApplications, a.org_id, &tree),
        monthly_position,
        may_propose,
    };
    let decision = decide(&case, &event, &facts, &s, &cal).map_err(|r| match r {
        Refusal::Field(f) => AppError::from(f),
        Refusal::Workflow(w) => AppError::from(AppendError::Refused(w)),
        Refusal::NeedsApprover(m) => AppError::Forbidden(m),
    })?;
    match decision {
        Decision::Append => {
            let case = store::append(&state.db, actor, id, &event, &s, &cal).await?;
            if event.needs_approver() {
                store::supersede_proposals(&state.db, actor, id, event.kind()).await?;
            }
            Ok((Recorded::Event, Some(case)))
        }
        Decision::Propose => {
            store::propose(&state.db, actor, id, &event).await?;
            Ok((Recorded::Proposed, None))
        }
    }
}

/// The proposed event as the approver decides it: dated the day of approval (a reply is
/// made when it is signed) and, for an extension, approved by the approver.
fn as_approved(e: &Event, today: Date, approver: &str) -> Event {
    match e {
        Event::Replied { outcome, summary, .. } => {
            Event::Replied { on: today, outcome: *outcome, summary: summary.clone() }
        }
        Event::ExtensionApproved { days, reason, .. } => {
            Event::ExtensionApproved { on: today, days: *days, reason: reason.clone(), approver: approver.to_string() }
        }
        other => other.clone(),
    }
}

/// An approver approves a proposal: the event is appended in the approver's name. When the
/// workflow no longer allows it (the deadline passed meanwhile …) the proposal goes back to
/// the handler with the reason. Returns the application's id.
pub async fn approve_proposal(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    proposal: ProposalId,
) -> Result<ApplicationId, AppError> {
    let prop = store::proposal(&state.db, proposal).await?;
    let a = visible(state, p, prop.application_id, Capability::ApproveApplications).await?;
    if !store::decide_proposal(&state.db, actor, proposal, "approved", None).await? {
        return Err(AppError::Conflict("该事项已由其他审核人处理".into()));
    }
    let event = as_approved(&prop.event, state.today(), &p.display_name);
    let cal = gongkai_store::calendars::active(&state.db).await?;
    match store::append(&state.db, actor, a.id, &event, &settings(), &cal).await {
        Ok(_) => Ok(a.id),
        Err(AppendError::Refused(w)) => {
            store::reopen_proposal(&state.db, proposal).await?;
            let why = w.to_string();
            store::decide_proposal(&state.db, actor, proposal, "returned", Some(&format!("无法批准：{why}"))).await?;
            Err(FieldError::new("proposal", format!("无法批准，已退回承办人：{why}")).into())
        }
        Err(e) => {
            store::reopen_proposal(&state.db, proposal).await?;
            Err(e.into())
        }
    }
}

/// An approver returns a proposal to the handler with a note saying what to change.
pub async fn return_proposal(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    proposal: ProposalId,
    note: &str,
) -> Result<ApplicationId, AppError> {
    let prop = store::proposal(&state.db, proposal).await?;
    let a = visible(state, p, prop.application_id, Capability::ApproveApplications).await?;
    let note = note.trim();
    if note.is_empty() {
        return Err(FieldError::new("note", "退回时请写明需要修改的内容").into());
    }
    if !store::decide_proposal(&state.db, actor, proposal, "returned", Some(note)).await? {
        return Err(AppError::Conflict("该事项已由其他审核人处理".into()));
    }
    Ok(a.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_codes_look_right_and_hash_forgivingly() {
        let c = new_query_code();
        assert_eq!(c.len(), 14);
        assert_eq!(c.matches('-').count(), 2);
        assert_ne!(c, new_query_code());
        assert_eq!(query_code_hash(&c), query_code_hash(&c.to_lowercase().replace('-', " ")));
    }
}

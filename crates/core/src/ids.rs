//! Database ids, one type per table, so an application's id can never be passed where
//! a catalog item's is expected. Each wraps the row id (`i64`), prints and serialises
//! as the bare number (URLs, JSON and templates are unchanged) and parses from a path
//! segment.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    )*};
}

ids! {
    /// An organisation (a disclosing body).
    OrgId;
    /// A staff account.
    UserId;
    /// An application for disclosure (依申请公开).
    ApplicationId;
    /// A catalog item (a published or drafted piece of government information).
    ItemId;
    /// A catalog column (栏目).
    ColumnId;
    /// An attachment of a catalog item.
    AttachmentId;
    /// An administrative reconsideration or lawsuit about an application.
    AppealId;
    /// A handler's proposed reply or extension awaiting approval.
    ProposalId;
    /// A queued background job.
    JobId;
    /// A deputy's suggestion or a member's proposal (建议提案) assigned to a body.
    MotionId;
    /// A record of press work or of a response to public concerns.
    PressId;
    /// A public consultation on a draft (意见征集).
    ConsultationId;
    /// A comment on a consultation.
    CommentId;
    /// A recipient group for targeted policy push (定向推送), e.g. 低保对象.
    PushGroupId;
    /// A person who consented to receive targeted pushes.
    RecipientId;
    /// A push campaign: published documents sent to recipient groups.
    CampaignId;
    /// One campaign's delivery to one recipient over one channel.
    DeliveryId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_serialise_and_parse_as_the_bare_number() {
        let id = ItemId(42);
        assert_eq!(id.to_string(), "42");
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<ItemId>("42").unwrap(), id);
        assert_eq!("42".parse::<ItemId>().unwrap(), id);
        assert!("4x".parse::<ItemId>().is_err());
        assert_eq!(i64::from(ApplicationId(7)), 7);
    }
}

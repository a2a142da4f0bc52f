//! Access decisions: who may do what to which organisation's records.
//!
//! Pure rules over a principal's grants and the organisation tree, so that every route
//! asks the same question the same way and the rules are tested without a server.

use crate::orgs::accounts::{Role, UserId};
use crate::orgs::{OrgId, OrgTree};
use serde::Serialize;

/// One role held in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub org: OrgId,
    pub role: Role,
}

/// The authenticated user behind a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub system_admin: bool,
    pub grants: Vec<Grant>,
}

/// What a request wants to do with an organisation's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Read the organisation's non-public records.
    View,
    /// Draft and edit proactive-disclosure work (catalog, guide content, reports).
    EditDisclosure,
    /// Approve publication of disclosure work.
    ApproveDisclosure,
    /// Register and handle applications for disclosure.
    HandleApplications,
    /// Approve extensions and replies of applications (head of the disclosure unit).
    ApproveApplications,
    /// Change the organisation's facts, users and settings.
    ManageOrg,
    /// Supervise the organisation's subtree: assign tasks, review reports, record
    /// inspections and village-affairs work (the supervisor's own records, never the
    /// subordinate bodies' disclosure work).
    Supervise,
}

impl Capability {
    /// Applications are never hosted: only the organisation's own staff handle them.
    fn is_application_work(self) -> bool {
        matches!(self, Capability::HandleApplications | Capability::ApproveApplications)
    }
}

fn role_allows(role: Role, cap: Capability) -> bool {
    use Capability::*;
    match role {
        Role::Staff => matches!(cap, View | EditDisclosure | HandleApplications),
        Role::Approver => {
            matches!(cap, View | EditDisclosure | HandleApplications | ApproveDisclosure | ApproveApplications)
        }
        Role::OrgAdmin => matches!(cap, View | ManageOrg),
        Role::Supervisor => matches!(cap, View | Supervise),
    }
}

impl Principal {
    /// May this principal do `cap` to the records of `org`?
    ///
    /// - system admins may do everything;
    /// - a supervisor may view the organisation they supervise and its whole subtree;
    /// - other roles act on their own organisation, and on the organisations it hosts
    ///   except for application work (条例 hosting arrangements never move applications).
    pub fn can(&self, cap: Capability, org: OrgId, tree: &impl OrgTree) -> bool {
        if self.system_admin {
            return true;
        }
        let host = tree.hosted_by(org);
        self.grants.iter().any(|g| {
            if g.role == Role::Supervisor {
                return role_allows(g.role, cap) && tree.ancestors_or_self(org).contains(&g.org);
            }
            if g.org == org {
                return role_allows(g.role, cap);
            }
            host == Some(g.org) && !cap.is_application_work() && role_allows(g.role, cap)
        })
    }

    /// May this principal give `role` in `org` to someone? Organisation admins may give
    /// staff, approver and admin roles in organisations they manage; only system admins
    /// create supervisors (oversight is assigned from above).
    pub fn can_grant(&self, role: Role, org: OrgId, tree: &impl OrgTree) -> bool {
        if self.system_admin {
            return true;
        }
        role != Role::Supervisor && self.can(Capability::ManageOrg, org, tree)
    }

    /// May this principal disable, enable or reset the account of a user who holds
    /// `target_grants`? Only when every role of that user lies in organisations this
    /// principal manages, so an admin cannot reach into another organisation through a
    /// shared user; system-admin accounts are managed by system admins only.
    pub fn can_manage_user(&self, target_grants: &[Grant], target_is_system_admin: bool, tree: &impl OrgTree) -> bool {
        if self.system_admin {
            return true;
        }
        !target_is_system_admin
            && !target_grants.is_empty()
            && target_grants.iter().all(|g| self.can_grant(g.role, g.org, tree))
    }

    /// Oversight: system admins, and supervisors of `org` or of an organisation above it.
    /// Oversight reads application work and audit logs that hosting never opens.
    pub fn oversees(&self, org: OrgId, tree: &impl OrgTree) -> bool {
        if self.system_admin {
            return true;
        }
        let up = tree.ancestors_or_self(org);
        self.grants.iter().any(|g| g.role == Role::Supervisor && up.contains(&g.org))
    }

    pub fn roles_in(&self, org: OrgId) -> Vec<Role> {
        self.grants.iter().filter(|g| g.org == org).map(|g| g.role).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// city(1) → district(2); social-org administration(3) under city, hosted by city;
    /// unrelated(4).
    struct T(HashMap<i64, (Option<i64>, Option<i64>)>);
    impl OrgTree for T {
        fn parent_of(&self, o: OrgId) -> Option<OrgId> {
            self.0.get(&o.0).and_then(|x| x.0).map(OrgId)
        }
        fn hosted_by(&self, o: OrgId) -> Option<OrgId> {
            self.0.get(&o.0).and_then(|x| x.1).map(OrgId)
        }
    }
    fn tree() -> T {
        T(HashMap::from([(1, (None, None)), (2, (Some(1), None)), (3, (Some(1), Some(1))), (4, (None, None))]))
    }
    fn p(grants: &[(i64, Role)]) -> Principal {
        Principal {
            user_id: UserId(9),
            username: "u".into(),
            display_name: "u".into(),
            system_admin: false,
            grants: grants.iter().map(|&(o, role)| Grant { org: OrgId(o), role }).collect(),
        }
    }
    use Capability::*;

    #[test]
    fn staff_act_on_own_org_only() {
        let t = tree();
        let s = p(&[(2, Role::Staff)]);
        assert!(s.can(View, OrgId(2), &t));
        assert!(s.can(HandleApplications, OrgId(2), &t));
        assert!(!s.can(ApproveDisclosure, OrgId(2), &t));
        assert!(!s.can(ManageOrg, OrgId(2), &t));
        for other in [1, 3, 4] {
            assert!(!s.can(View, OrgId(other), &t), "org {other}");
        }
    }

    #[test]
    fn hosting_covers_disclosure_but_not_applications() {
        let t = tree();
        let a = p(&[(1, Role::Approver)]);
        assert!(a.can(EditDisclosure, OrgId(3), &t));
        assert!(a.can(ApproveDisclosure, OrgId(3), &t));
        assert!(!a.can(HandleApplications, OrgId(3), &t));
        assert!(!a.can(ApproveApplications, OrgId(3), &t));
        // The city does not host the district bureau.
        assert!(!a.can(View, OrgId(2), &t));
    }

    #[test]
    fn supervisor_reads_and_supervises_its_subtree_but_never_does_its_work() {
        let t = tree();
        let s = p(&[(1, Role::Supervisor)]);
        assert!(s.oversees(OrgId(2), &t) && !s.oversees(OrgId(4), &t));
        assert!(!p(&[(1, Role::Approver)]).oversees(OrgId(1), &t), "approvers act, they do not oversee");
        for o in [1, 2, 3] {
            assert!(s.can(View, OrgId(o), &t));
            assert!(!s.can(EditDisclosure, OrgId(o), &t));
            assert!(!s.can(HandleApplications, OrgId(o), &t));
            assert!(!s.can(ManageOrg, OrgId(o), &t));
            assert!(s.can(Supervise, OrgId(o), &t));
        }
        assert!(!s.can(View, OrgId(4), &t));
        assert!(!s.can(Supervise, OrgId(4), &t));
        assert!(!p(&[(1, Role::Approver)]).can(Supervise, OrgId(2), &t), "only supervisors assign tasks");
        assert!(!p(&[(2, Role::Staff)]).can(Supervise, OrgId(2), &t));
    }

    #[test]
    fn admins_manage_but_do_not_handle() {
        let t = tree();
        let a = p(&[(2, Role::OrgAdmin)]);
        assert!(a.can(ManageOrg, OrgId(2), &t));
        assert!(!a.can(HandleApplications, OrgId(2), &t));
        assert!(a.can_grant(Role::Staff, OrgId(2), &t));
        assert!(!a.can_grant(Role::Supervisor, OrgId(2), &t));
        assert!(!a.can_grant(Role::Staff, OrgId(1), &t));
        let shared = [Grant { org: OrgId(2), role: Role::Staff }, Grant { org: OrgId(4), role: Role::Staff }];
        assert!(!a.can_manage_user(&shared, false, &t));
        assert!(a.can_manage_user(&shared[..1], false, &t));
        assert!(!a.can_manage_user(&shared[..1], true, &t));
        assert!(!a.can_manage_user(&[], false, &t));
        let mut sys = p(&[]);
        sys.system_admin = true;
        assert!(sys.can(HandleApplications, OrgId(4), &t));
        assert!(sys.can_grant(Role::Supervisor, OrgId(1), &t));
    }
}

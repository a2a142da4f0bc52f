//! Staff accounts: user names, passwords, roles and the lock-out rule.

use crate::field::{FieldError, required_text};
use serde::Serialize;
use std::fmt;

pub use crate::ids::UserId;

/// A login name: 3–32 characters of lower-case ASCII letters, digits, `.`, `_`, `-`,
/// starting with a letter (so it can never be confused with an id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok = (3..=32).contains(&s.len())
            && s.as_bytes()[0].is_ascii_lowercase()
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        if ok {
            Ok(Self(s))
        } else {
            Err(FieldError::new(
                "username",
                "用户名应为3至32位，以小写字母开头，只含小写字母、数字、点、下划线或连字符",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name (e.g. 王小明).
pub fn parse_display_name(raw: &str) -> Result<String, FieldError> {
    required_text("display_name", "姓名", raw, 32)
}

/// A new password that meets the policy: 10–128 characters, not only one kind of
/// character, not the user name. Never stored; only its hash is.
#[derive(Clone)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

pub const PASSWORD_MIN_CHARS: usize = 10;

impl NewPassword {
    pub fn parse(raw: &str, username: Option<&Username>) -> Result<Self, FieldError> {
        let err = |m: &str| FieldError::new("password", m.to_string());
        let n = raw.chars().count();
        if n < PASSWORD_MIN_CHARS {
            return Err(err("密码至少需要10个字符"));
        }
        if n > 128 {
            return Err(err("密码不能超过128个字符"));
        }
        let first = raw.chars().next();
        if raw.chars().all(|c| Some(c) == first) {
            return Err(err("密码不能由同一个字符重复组成"));
        }
        let classes = [
            raw.chars().any(|c| c.is_ascii_lowercase()),
            raw.chars().any(|c| c.is_ascii_uppercase()),
            raw.chars().any(|c| c.is_ascii_digit()),
            raw.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        if classes.iter().filter(|&&b| b).count() < 2 {
            return Err(err("密码需包含字母、数字、符号中的至少两类"));
        }
        if username.is_some_and(|u| raw.to_ascii_lowercase().contains(u.as_str())) {
            return Err(err("密码不能包含用户名"));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A role a user holds in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 工作人员: drafts catalog items, registers and handles applications.
    Staff,
    /// 审核/负责人: everything staff does, plus approvals and signing.
    Approver,
    /// 机构管理员: users, columns, guide and settings of the organisation.
    OrgAdmin,
    /// 政务公开主管: read-only oversight of the organisation and its whole subtree.
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Staff, Role::Approver, Role::OrgAdmin, Role::Supervisor];

    pub fn code(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Approver => "approver",
            Role::OrgAdmin => "org_admin",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Staff => "工作人员",
            Role::Approver => "审核人",
            Role::OrgAdmin => "机构管理员",
            Role::Supervisor => "政务公开主管",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.code() == raw || r.label() == raw)
            .ok_or_else(|| FieldError::new("role", format!("角色“{raw}”无效")))
    }
}

/// Consecutive failed logins (of one user name from one address) tolerated before it is locked.
pub const LOCKOUT_THRESHOLD: u32 = 5;
/// Longest lock-out: one hour, so an attacker cannot lock a user out for good.
pub const LOCKOUT_MAX_SECONDS: i64 = 3600;
/// Failed logins for one account from all addresses before the account itself backs off
/// (the per-address lock comes first: one address cannot lock a user out elsewhere).
pub const GLOBAL_LOCKOUT_THRESHOLD: u32 = 50;
/// Longest account-wide back-off: fifteen minutes.
pub const GLOBAL_LOCKOUT_MAX_SECONDS: i64 = 900;

/// Nothing below `threshold` failures, then one minute, doubling with each further
/// failure, capped at `max` seconds.
fn backoff(failures: u32, threshold: u32, max: i64) -> Option<i64> {
    let over = failures.checked_sub(threshold)?;
    Some((60i64 << over.min(20)).min(max))
}

/// How long a user name stays locked from one address after `failures` consecutive
/// failed logins there: one minute from the fifth, doubling, at most an hour.
pub fn lockout_seconds(failures: u32) -> Option<i64> {
    backoff(failures, LOCKOUT_THRESHOLD, LOCKOUT_MAX_SECONDS)
}

/// The account-wide back-off after `failures` consecutive failures from anywhere: none
/// below [`GLOBAL_LOCKOUT_THRESHOLD`], then one minute doubling, capped at fifteen.
pub fn global_lockout_seconds(failures: u32) -> Option<i64> {
    backoff(failures, GLOBAL_LOCKOUT_THRESHOLD, GLOBAL_LOCKOUT_MAX_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_wide_backoff_is_slower_and_shorter() {
        assert_eq!(global_lockout_seconds(49), None);
        assert_eq!(global_lockout_seconds(50), Some(60));
        assert_eq!(global_lockout_seconds(52), Some(240));
        assert_eq!(global_lockout_seconds(500), Some(900));
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" Admin ").unwrap().as_str(), "admin");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("wang xm").is_err());
    }

    #[test]
    fn password_policy() {
        let u = Username::parse("wangxm").unwrap();
        assert!(NewPassword::parse("short1", None).is_err());
        assert!(NewPassword::parse("aaaaaaaaaaaa", None).is_err());
        assert!(NewPassword::parse("abcdefghijk", None).is_err());
        assert!(NewPassword::parse("wangxm-2026!", Some(&u)).is_err());
        assert!(NewPassword::parse("Gongkai-2026", Some(&u)).is_ok());
        assert_eq!(format!("{:?}", NewPassword::parse("Gongkai-2026", None).unwrap()), "NewPassword(***)");
    }

    #[test]
    fn lockout_backoff_doubles_and_caps() {
        assert_eq!(lockout_seconds(4), None);
        assert_eq!(lockout_seconds(5), Some(60));
        assert_eq!(lockout_seconds(6), Some(120));
        assert_eq!(lockout_seconds(8), Some(480));
        assert_eq!(lockout_seconds(11), Some(3600));
        assert_eq!(lockout_seconds(1000), Some(3600));
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()).unwrap(), r);
            assert_eq!(Role::parse(r.label()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
    }
}

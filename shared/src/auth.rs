//! Who is calling: the claims that API Gateway's JWT authorizer verified (or the local
//! server's own verifier), turned into a caller that use cases authorise against.

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A specialist user (group `specialists`); `platform_admin` for group `admins`.
    Staff { id: String, platform_admin: bool },
    /// Anyone else with a verified token: an end user if an active access has this subject.
    EndUser { subject: String },
}

pub const GROUP_SPECIALISTS: &str = "specialists";
pub const GROUP_ADMINS: &str = "admins";

impl Caller {
    /// Builds a caller from the `sub` claim and the raw `cognito:groups` claim, in any of
    /// the forms it arrives in: a JSON array, API Gateway's flattened `[a b]`, or a plain
    /// comma- or space-separated list.
    pub fn from_claims(sub: Option<&str>, groups: Option<&str>) -> Option<Self> {
        let sub = sub.map(str::trim).filter(|s| !s.is_empty())?;
        let groups = parse_groups(groups.unwrap_or_default());
        let admin = groups.iter().any(|g| g == GROUP_ADMINS);
        let specialist = admin || groups.iter().any(|g| g == GROUP_SPECIALISTS);
        Some(if specialist {
            Caller::Staff {
                id: sub.to_owned(),
                platform_admin: admin,
            }
        } else {
            Caller::EndUser {
                subject: sub.to_owned(),
            }
        })
    }

    pub fn subject(&self) -> &str {
        match self {
            Caller::Staff { id, .. } => id,
            Caller::EndUser { subject } => subject,
        }
    }
}

pub fn parse_groups(raw: &str) -> Vec<String> {
    let raw = raw.trim();
    if let Ok(list) = serde_json::from_str::<Vec<String>>(raw) {
        return list;
    }
    raw.trim_start_matches('[')
        .trim_end_matches(']')
        .split([' ', ','])
        .map(|g| g.trim().trim_matches('"'))
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn groups_are_read_in_every_form_they_arrive_in() {
        let cases = [
            ("[specialists admins]", vec!["specialists", "admins"]),
            ("[specialists]", vec!["specialists"]),
            (r#"["specialists","admins"]"#, vec!["specialists", "admins"]),
            ("specialists,admins", vec!["specialists", "admins"]),
            ("", vec![]),
            ("[]", vec![]),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_groups(raw), expected, "{raw}");
        }
    }

    #[test]
    fn callers_are_staff_admins_or_end_users() {
        assert_eq!(
            Caller::from_claims(Some("anna"), Some("[specialists]")),
            Some(Caller::Staff {
                id: "anna".into(),
                platform_admin: false
            })
        );
        assert_eq!(
            Caller::from_claims(Some("root"), Some("[specialists admins]")),
            Some(Caller::Staff {
                id: "root".into(),
                platform_admin: true
            })
        );
        assert_eq!(
            Caller::from_claims(Some("u-1"), None),
            Some(Caller::EndUser {
                subject: "u-1".into()
            })
        );
        assert_eq!(Caller::from_claims(None, Some("[admins]")), None);
        assert_eq!(Caller::from_claims(Some(" "), None), None);
    }

    proptest! {
        #[test]
        fn group_parsing_never_panics(raw in any::<String>()) {
            let _ = parse_groups(&raw);
        }
    }
}

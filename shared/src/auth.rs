//! Who is calling: the claims that API Gateway's JWT authorizer verified (or the local
//! server's own verifier), turned into a caller that use cases authorise against. Staff and
//! end users sign in at two identity providers; the `iss` claim says which.

/// The `iss` claims of the two identity providers (`STAFF_ISSUER`, `END_USER_ISSUER`):
/// in AWS the URLs of the staff and the end-user user pool, locally the local server's two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuers {
    pub staff: String,
    pub end_user: String,
}

impl Issuers {
    /// The local server's (and the tests') issuers.
    pub fn local() -> Self {
        Self {
            staff: "local-server/staff".into(),
            end_user: "local-server/end-users".into(),
        }
    }
}

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A specialist user (group `specialists`); `platform_admin` for group `admins`.
    Staff { id: String, platform_admin: bool },
    /// Anyone else with a verified token: an end user if an active access has this subject.
    EndUser { subject: String },
}

/// The claims a caller is built from, as the authorizer passed them on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Claims<'a> {
    pub iss: Option<&'a str>,
    pub sub: Option<&'a str>,
    /// The raw `cognito:groups` claim.
    pub groups: Option<&'a str>,
}

pub const GROUP_SPECIALISTS: &str = "specialists";
pub const GROUP_ADMINS: &str = "admins";

impl Caller {
    /// Builds a caller from the verified claims: staff from the staff issuer with the group
    /// `specialists` or `admins` (read from `cognito:groups` in any of the forms it arrives
    /// in: a JSON array, API Gateway's flattened `[a b]`, or a plain comma- or space-separated
    /// list); end users from the end users' issuer, whatever groups their token names. Any
    /// other token is no caller at all.
    pub fn from_claims(claims: &Claims<'_>, issuers: &Issuers) -> Option<Self> {
        let sub = claims.sub.map(str::trim).filter(|s| !s.is_empty())?;
        let iss = claims.iss.map(str::trim)?;
        if iss == issuers.end_user {
            return Some(Caller::EndUser {
                subject: sub.to_owned(),
            });
        }
        if iss != issuers.staff {
            return None;
        }
        let groups = parse_groups(claims.groups.unwrap_or_default());
        let admin = groups.iter().any(|g| g == GROUP_ADMINS);
        let specialist = admin || groups.iter().any(|g| g == GROUP_SPECIALISTS);
        specialist.then(|| Caller::Staff {
            id: sub.to_owned(),
            platform_admin: admin,
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

    fn claims<'a>(iss: &'a str, sub: &'a str, groups: Option<&'a str>) -> Claims<'a> {
        Claims {
            iss: Some(iss),
            sub: Some(sub),
            groups,
        }
    }

    #[test]
    fn staff_tokens_make_specialists_and_admins_and_end_user_tokens_make_end_users() {
        let i = Issuers::local();
        assert_eq!(
            Caller::from_claims(&claims(&i.staff, "anna", Some("[specialists]")), &i),
            Some(Caller::Staff {
                id: "anna".into(),
                platform_admin: false
            })
        );
        assert_eq!(
            Caller::from_claims(&claims(&i.staff, "root", Some("[specialists admins]")), &i),
            Some(Caller::Staff {
                id: "root".into(),
                platform_admin: true
            })
        );
        assert_eq!(
            Caller::from_claims(&claims(&i.end_user, "u-1", None), &i),
            Some(Caller::EndUser {
                subject: "u-1".into()
            })
        );
        let no_sub = Claims {
            sub: None,
            ..claims(&i.staff, "", Some("[admins]"))
        };
        assert_eq!(Caller::from_claims(&no_sub, &i), None);
        assert_eq!(
            Caller::from_claims(&claims(&i.end_user, " ", None), &i),
            None
        );
    }

    #[test]
    fn an_end_user_token_naming_staff_groups_stays_an_end_user() {
        let i = Issuers::local();
        assert_eq!(
            Caller::from_claims(
                &claims(&i.end_user, "u-1", Some("[specialists admins]")),
                &i
            ),
            Some(Caller::EndUser {
                subject: "u-1".into()
            })
        );
    }

    #[test]
    fn a_staff_token_without_a_staff_group_and_a_token_of_another_issuer_are_no_caller() {
        let i = Issuers::local();
        assert_eq!(Caller::from_claims(&claims(&i.staff, "x", None), &i), None);
        assert_eq!(
            Caller::from_claims(
                &claims("https://evil.example.com", "anna", Some("[admins]")),
                &i
            ),
            None
        );
        let no_iss = Claims {
            iss: None,
            ..claims("", "anna", Some("[specialists]"))
        };
        assert_eq!(Caller::from_claims(&no_iss, &i), None);
    }

    proptest! {
        #[test]
        fn group_parsing_never_panics(raw in any::<String>()) {
            let _ = parse_groups(&raw);
        }
    }
}

//! Configuration from environment variables (set in `template.yaml`), read once at start and
//! failing fast with the name of what is missing.

use crate::functions::{Function, SignIns};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// What the use cases need to know about their deployment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where end users register: the link is `{portal_base_url}/register#token=...`.
    pub portal_base_url: String,
    /// The firm named in e-mails and SMS.
    pub firm_name: String,
    pub invitation_ttl: Duration,
    /// Key that signs paging cursors.
    pub cursor_key: Vec<u8>,
}

/// Everything a Lambda function reads from its environment: the sender address only where
/// it sends invitations, the user pool only where it manages sign-ins (`functions::Function`).
#[derive(Clone, Debug)]
pub struct Config {
    pub table_name: String,
    pub ses_from_address: Option<String>,
    pub user_pool_id: Option<String>,
    pub settings: Settings,
}

pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

fn required(env: Env, name: &'static str) -> Result<String, ConfigError> {
    env(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or(ConfigError::Missing(name))
}

impl Settings {
    pub fn from_env(env: Env) -> Result<Self, ConfigError> {
        let portal_base_url = required(env, "PORTAL_BASE_URL")?
            .trim_end_matches('/')
            .to_owned();
        if !(portal_base_url.starts_with("https://") || portal_base_url.starts_with("http://")) {
            return Err(ConfigError::Invalid {
                name: "PORTAL_BASE_URL",
                reason: "must start with https://".into(),
            });
        }
        let days = match env("INVITATION_TTL_DAYS").filter(|v| !v.trim().is_empty()) {
            None => 7,
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|d| (1..=30).contains(d))
                .ok_or(ConfigError::Invalid {
                    name: "INVITATION_TTL_DAYS",
                    reason: "must be a whole number of days from 1 to 30".into(),
                })?,
        };
        let cursor_key = required(env, "CURSOR_KEY")?;
        if cursor_key.len() < 32 {
            return Err(ConfigError::Invalid {
                name: "CURSOR_KEY",
                reason: "must be at least 32 characters".into(),
            });
        }
        Ok(Self {
            portal_base_url,
            firm_name: required(env, "FIRM_NAME")?,
            invitation_ttl: Duration::from_secs(days * 24 * 3600),
            cursor_key: cursor_key.into_bytes(),
        })
    }
}

impl Config {
    /// The configuration of `function`: what it is not granted, it does not read.
    pub fn from_env(env: Env, function: &Function) -> Result<Self, ConfigError> {
        Ok(Self {
            table_name: required(env, "TABLE_NAME")?,
            ses_from_address: function
                .messaging
                .then(|| required(env, "SES_FROM_ADDRESS"))
                .transpose()?,
            user_pool_id: (function.sign_ins != SignIns::None)
                .then(|| required(env, "USER_POOL_ID"))
                .transpose()?,
            settings: Settings::from_env(env)?,
        })
    }

    /// Reads the process environment.
    pub fn from_process_env(function: &Function) -> Result<Self, ConfigError> {
        Self::from_env(&|name| std::env::var(name).ok(), function)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const FULL: &[(&str, &str)] = &[
        ("TABLE_NAME", "customers"),
        ("SES_FROM_ADDRESS", "no-reply@example.com"),
        ("USER_POOL_ID", "eu-central-1_abc"),
        ("PORTAL_BASE_URL", "https://portal.example.com/"),
        ("FIRM_NAME", "Kanzlei Muster"),
        ("CURSOR_KEY", "0123456789abcdef0123456789abcdef"),
    ];

    #[test]
    fn a_complete_environment_parses_with_defaults() {
        let c = Config::from_env(&env(FULL), &functions::CUSTOMERS).unwrap();
        assert_eq!(c.settings.portal_base_url, "https://portal.example.com");
        assert_eq!(c.settings.invitation_ttl, Duration::from_secs(7 * 86400));
        assert_eq!(c.ses_from_address.as_deref(), Some("no-reply@example.com"));
        assert_eq!(c.user_pool_id.as_deref(), Some("eu-central-1_abc"));
    }

    #[test]
    fn each_missing_variable_is_named() {
        // `customers` reads every variable.
        for (missing, _) in FULL {
            let rest: Vec<_> = FULL.iter().filter(|(k, _)| k != missing).cloned().collect();
            let err = Config::from_env(&env(&rest), &functions::CUSTOMERS).unwrap_err();
            assert!(err.to_string().contains(missing), "{err}");
        }
    }

    #[test]
    fn a_function_reads_only_the_variables_of_what_it_is_granted() {
        let without = |names: &[&str]| -> Vec<(&str, &str)> {
            FULL.iter()
                .filter(|(k, _)| !names.contains(k))
                .cloned()
                .collect()
        };
        let both = without(&["SES_FROM_ADDRESS", "USER_POOL_ID"]);
        let c = Config::from_env(&env(&both), &functions::TRANSACTIONS).unwrap();
        assert_eq!((c.ses_from_address, c.user_pool_id), (None, None));
        let c = Config::from_env(
            &env(&without(&["SES_FROM_ADDRESS"])),
            &functions::REGISTRATION,
        )
        .unwrap();
        assert_eq!(c.user_pool_id.as_deref(), Some("eu-central-1_abc"));
        let err = Config::from_env(
            &env(&without(&["USER_POOL_ID"])),
            &functions::AUTHORISATIONS,
        )
        .unwrap_err();
        assert!(err.to_string().contains("USER_POOL_ID"), "{err}");
        let err = Config::from_env(&env(&without(&["SES_FROM_ADDRESS"])), &functions::ACCESSES)
            .unwrap_err();
        assert!(err.to_string().contains("SES_FROM_ADDRESS"), "{err}");
    }

    #[test]
    fn invalid_values_are_refused_with_their_name() {
        let mut bad: Vec<_> = FULL.to_vec();
        bad.push(("INVITATION_TTL_DAYS", "0"));
        assert!(
            Config::from_env(&env(&bad), &functions::CUSTOMERS)
                .unwrap_err()
                .to_string()
                .contains("INVITATION_TTL_DAYS")
        );
        let short: Vec<_> = FULL
            .iter()
            .map(|(k, v)| {
                if *k == "CURSOR_KEY" {
                    (*k, "short")
                } else {
                    (*k, *v)
                }
            })
            .collect();
        assert!(
            Config::from_env(&env(&short), &functions::CUSTOMERS)
                .unwrap_err()
                .to_string()
                .contains("CURSOR_KEY")
        );
    }
}

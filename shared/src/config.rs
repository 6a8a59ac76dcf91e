//! Configuration from environment variables (set in `template.yaml`), read once at start and
//! failing fast with the name of what is missing.

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

/// Everything a Lambda function reads from its environment.
#[derive(Clone, Debug)]
pub struct Config {
    pub table_name: String,
    pub ses_from_address: String,
    pub user_pool_id: String,
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
    pub fn from_env(env: Env) -> Result<Self, ConfigError> {
        Ok(Self {
            table_name: required(env, "TABLE_NAME")?,
            ses_from_address: required(env, "SES_FROM_ADDRESS")?,
            user_pool_id: required(env, "USER_POOL_ID")?,
            settings: Settings::from_env(env)?,
        })
    }

    /// Reads the process environment.
    pub fn from_process_env() -> Result<Self, ConfigError> {
        Self::from_env(&|name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let c = Config::from_env(&env(FULL)).unwrap();
        assert_eq!(c.settings.portal_base_url, "https://portal.example.com");
        assert_eq!(c.settings.invitation_ttl, Duration::from_secs(7 * 86400));
    }

    #[test]
    fn each_missing_variable_is_named() {
        for (missing, _) in FULL {
            let rest: Vec<_> = FULL.iter().filter(|(k, _)| k != missing).cloned().collect();
            let err = Config::from_env(&env(&rest)).unwrap_err();
            assert!(err.to_string().contains(missing), "{err}");
        }
    }

    #[test]
    fn invalid_values_are_refused_with_their_name() {
        let mut bad: Vec<_> = FULL.to_vec();
        bad.push(("INVITATION_TTL_DAYS", "0"));
        assert!(
            Config::from_env(&env(&bad))
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
            Config::from_env(&env(&short))
                .unwrap_err()
                .to_string()
                .contains("CURSOR_KEY")
        );
    }
}

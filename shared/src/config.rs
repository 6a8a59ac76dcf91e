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
#[derive(Clone)]
pub struct Settings {
    /// Where end users register: the link is `{portal_base_url}/register#token=...`.
    pub portal_base_url: String,
    /// The firm named in e-mails and SMS.
    pub firm_name: String,
    pub invitation_ttl: Duration,
    /// Key that signs paging cursors (and keys the hashes of limit counters).
    pub cursor_key: Vec<u8>,
    pub limits: Limits,
    /// The two token issuers: staff routes accept only the staff one, `/me` only the
    /// end users' one.
    pub issuers: Issuers,
    /// What falls due: the invitation reminder and the access review.
    pub due: Due,
    /// `ACCESS_MODEL`: whether specialists see every customer or only those they are
    /// responsible for.
    pub access_model: AccessModel,
}

pub use crate::auth::Issuers;

/// When things fall due (`INVITATION_REMINDER_DAYS`, `ACCESS_REVIEW_DAYS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    /// How long after an invitation its one reminder goes out; `None`: no reminders (0).
    pub reminder_after: Option<Duration>,
    /// How long a confirmation of a customer's accesses holds.
    pub review_every: Duration,
}

const DAY_SECS: u64 = 24 * 3600;

impl Default for Due {
    fn default() -> Self {
        Self {
            reminder_after: Some(Duration::from_secs(3 * DAY_SECS)),
            review_every: Duration::from_secs(365 * DAY_SECS),
        }
    }
}

fn days_in(
    env: Env,
    name: &'static str,
    range: std::ops::RangeInclusive<u64>,
    default: u64,
) -> Result<u64, ConfigError> {
    match env(name).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|d| range.contains(d))
            .ok_or(ConfigError::Invalid {
                name,
                reason: format!(
                    "must be a whole number of days from {} to {}",
                    range.start(),
                    range.end()
                ),
            }),
    }
}

impl Due {
    /// Reads both; a reminder must fall before the invitation it reminds of expires
    /// (`invitation_ttl`), else it would remind of a dead link.
    pub fn from_env(env: Env, invitation_ttl: Duration) -> Result<Self, ConfigError> {
        let reminder = days_in(env, "INVITATION_REMINDER_DAYS", 0..=29, 3)?;
        if reminder > 0 && Duration::from_secs(reminder * DAY_SECS) >= invitation_ttl {
            return Err(ConfigError::Invalid {
                name: "INVITATION_REMINDER_DAYS",
                reason: "must be less than INVITATION_TTL_DAYS (or 0: no reminders)".into(),
            });
        }
        let review = days_in(env, "ACCESS_REVIEW_DAYS", 1..=730, 365)?;
        Ok(Self {
            reminder_after: (reminder > 0).then(|| Duration::from_secs(reminder * DAY_SECS)),
            review_every: Duration::from_secs(review * DAY_SECS),
        })
    }
}

/// Who sees which customers (`ACCESS_MODEL`, contract v3 "Need-to-know").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AccessModel {
    /// Every specialist sees every customer (the default, as in contract v2).
    #[default]
    Open,
    /// A specialist sees only the customers it is responsible for; platform admins see all,
    /// and their access to others' customers is recorded.
    NeedToKnow,
}

impl AccessModel {
    /// Parses `ACCESS_MODEL`; unset or empty is `open`, anything else but the two names stops
    /// the function at start with a message naming the variable.
    pub fn from_env(env: Env) -> Result<Self, ConfigError> {
        match env("ACCESS_MODEL").as_deref().map(str::trim) {
            None | Some("") | Some("open") => Ok(Self::Open),
            Some("need-to-know") => Ok(Self::NeedToKnow),
            Some(other) => Err(ConfigError::Invalid {
                name: "ACCESS_MODEL",
                reason: format!("must be open or need-to-know, not {other:?}"),
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::NeedToKnow => "need-to-know",
        }
    }
}

/// Reads the two issuers (`STAFF_ISSUER`, `END_USER_ISSUER`); they must differ.
pub fn issuers_from_env(env: Env) -> Result<Issuers, ConfigError> {
    let staff = required(env, "STAFF_ISSUER")?;
    let end_user = required(env, "END_USER_ISSUER")?;
    if staff == end_user {
        return Err(ConfigError::Invalid {
            name: "END_USER_ISSUER",
            reason: "must differ from STAFF_ISSUER: staff and end users sign in apart".into(),
        });
    }
    Ok(Issuers { staff, end_user })
}

/// The abuse limits of the contract, each from its environment variable (a template
/// parameter), with the contract's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Invitations a specialist may send per day (`LIMIT_INVITATIONS_PER_SPECIALIST`).
    pub invitations_per_specialist: u32,
    /// SMS to one destination number per day, over all accesses (`LIMIT_SMS_PER_NUMBER`).
    pub sms_per_number: u32,
    /// ISO codes of the countries SMS may go to (`SMS_COUNTRIES`).
    pub sms_countries: Vec<String>,
    /// Requests per client address per minute to `/registrations/*`
    /// (`LIMIT_REGISTRATION_REQUESTS_PER_MINUTE`).
    pub registration_requests_per_minute: u32,
    /// Invitations of one access per 24 hours (`LIMIT_RESENDS_PER_ACCESS`).
    pub resends_per_access: u32,
    /// Imported invitations a specialist may queue per day, counted when an import is
    /// accepted (`LIMIT_IMPORTED_INVITATIONS_PER_SPECIALIST`).
    pub imported_invitations_per_specialist: u32,
    /// Invitations an import sends per second (`IMPORT_INVITATIONS_PER_SECOND`), below the
    /// mail service's sending rate.
    pub import_invitations_per_second: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            invitations_per_specialist: 200,
            sms_per_number: 3,
            sms_countries: vec!["DE".into(), "AT".into(), "CH".into()],
            registration_requests_per_minute: 30,
            resends_per_access: 5,
            imported_invitations_per_specialist: 5000,
            import_invitations_per_second: 10,
        }
    }
}

fn count(env: Env, name: &'static str, default: u32) -> Result<u32, ConfigError> {
    match env(name).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or(ConfigError::Invalid {
                name,
                reason: "must be a whole number from 1 to 1000000".into(),
            }),
    }
}

fn countries(
    env: Env,
    name: &'static str,
    default: Vec<String>,
) -> Result<Vec<String>, ConfigError> {
    let Some(raw) = env(name).filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    raw.split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .map(|c| {
            let iso = c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase());
            iso.then_some(c).ok_or(ConfigError::Invalid {
                name,
                reason: "must be ISO country codes separated by commas, e.g. DE,AT,CH".into(),
            })
        })
        .collect()
}

impl Limits {
    pub fn from_env(env: Env) -> Result<Self, ConfigError> {
        let d = Self::default();
        Ok(Self {
            invitations_per_specialist: count(
                env,
                "LIMIT_INVITATIONS_PER_SPECIALIST",
                d.invitations_per_specialist,
            )?,
            sms_per_number: count(env, "LIMIT_SMS_PER_NUMBER", d.sms_per_number)?,
            sms_countries: countries(env, "SMS_COUNTRIES", d.sms_countries)?,
            registration_requests_per_minute: count(
                env,
                "LIMIT_REGISTRATION_REQUESTS_PER_MINUTE",
                d.registration_requests_per_minute,
            )?,
            resends_per_access: count(env, "LIMIT_RESENDS_PER_ACCESS", d.resends_per_access)?,
            imported_invitations_per_specialist: count(
                env,
                "LIMIT_IMPORTED_INVITATIONS_PER_SPECIALIST",
                d.imported_invitations_per_specialist,
            )?,
            import_invitations_per_second: count(
                env,
                "IMPORT_INVITATIONS_PER_SECOND",
                d.import_invitations_per_second,
            )?,
        })
    }
}

/// The cursor key is a secret: it never reaches a log line through `{:?}`.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("portal_base_url", &self.portal_base_url)
            .field("firm_name", &self.firm_name)
            .field("invitation_ttl", &self.invitation_ttl)
            .field("cursor_key", &"<redacted>")
            .field("limits", &self.limits)
            .field("issuers", &self.issuers)
            .field("due", &self.due)
            .field("access_model", &self.access_model)
            .finish()
    }
}

/// Which of the optional variables a function reads: the sender address only where it sends
/// invitations, the end-user pool only where it manages sign-ins, and the pool's registration
/// client only where passwords are checked (`functions::Function::reads`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reads {
    pub sender: bool,
    pub user_pool: bool,
    pub sign_in_client: bool,
    /// The import queue's URL (`IMPORT_QUEUE_URL`), where imports are queued.
    pub queue: bool,
}

/// The end users' user pool, as a function that manages sign-ins reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndUserPool {
    /// `END_USER_POOL_ID`.
    pub id: String,
    /// `END_USER_POOL_CLIENT_ID`: the app client through which registration checks an
    /// existing sign-in's password (only where `Reads::sign_in_client`).
    pub client_id: Option<String>,
}

/// Everything a Lambda function reads from its environment.
#[derive(Clone, Debug)]
pub struct Config {
    pub table_name: String,
    pub ses_from_address: Option<String>,
    /// `SES_CONFIGURATION_SET`, read with the sender: the configuration set whose event
    /// destination reports deliveries, bounces and complaints (empty: none).
    pub ses_configuration_set: Option<String>,
    pub end_user_pool: Option<EndUserPool>,
    /// `IMPORT_QUEUE_URL`, read where imports are queued.
    pub import_queue_url: Option<String>,
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
            limits: Limits::from_env(env)?,
            issuers: issuers_from_env(env)?,
            due: Due::from_env(env, Duration::from_secs(days * 24 * 3600))?,
            access_model: AccessModel::from_env(env)?,
        })
    }
}

impl Config {
    /// The configuration of a function that reads what `reads` names, and nothing more.
    pub fn from_env(env: Env, reads: Reads) -> Result<Self, ConfigError> {
        Ok(Self {
            table_name: required(env, "TABLE_NAME")?,
            ses_from_address: reads
                .sender
                .then(|| required(env, "SES_FROM_ADDRESS"))
                .transpose()?,
            ses_configuration_set: reads
                .sender
                .then(|| required(env, "SES_CONFIGURATION_SET").ok())
                .flatten(),
            end_user_pool: reads
                .user_pool
                .then(|| -> Result<EndUserPool, ConfigError> {
                    Ok(EndUserPool {
                        id: required(env, "END_USER_POOL_ID")?,
                        client_id: reads
                            .sign_in_client
                            .then(|| required(env, "END_USER_POOL_CLIENT_ID"))
                            .transpose()?,
                    })
                })
                .transpose()?,
            import_queue_url: reads
                .queue
                .then(|| required(env, "IMPORT_QUEUE_URL"))
                .transpose()?,
            settings: Settings::from_env(env)?,
        })
    }

    /// Reads the process environment.
    pub fn from_process_env(reads: Reads) -> Result<Self, ConfigError> {
        Self::from_env(&|name| std::env::var(name).ok(), reads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const ALL: Reads = Reads {
        sender: true,
        user_pool: true,
        sign_in_client: true,
        queue: true,
    };

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
        ("END_USER_POOL_ID", "eu-central-1_abc"),
        ("END_USER_POOL_CLIENT_ID", "client123"),
        (
            "STAFF_ISSUER",
            "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_staff",
        ),
        (
            "END_USER_ISSUER",
            "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_abc",
        ),
        ("PORTAL_BASE_URL", "https://portal.example.com/"),
        ("FIRM_NAME", "Kanzlei Muster"),
        ("CURSOR_KEY", "0123456789abcdef0123456789abcdef"),
        (
            "IMPORT_QUEUE_URL",
            "https://sqs.eu-central-1.amazonaws.com/1/imports",
        ),
    ];

    #[test]
    fn a_complete_environment_parses_with_defaults() {
        let c = Config::from_env(&env(FULL), ALL).unwrap();
        assert_eq!(c.settings.portal_base_url, "https://portal.example.com");
        assert_eq!(c.settings.invitation_ttl, Duration::from_secs(7 * 86400));
        assert_eq!(c.ses_from_address.as_deref(), Some("no-reply@example.com"));
        let pool = c.end_user_pool.unwrap();
        assert_eq!(pool.id, "eu-central-1_abc");
        assert_eq!(pool.client_id.as_deref(), Some("client123"));
        assert!(c.settings.issuers.staff.ends_with("_staff"));
    }

    #[test]
    fn one_issuer_for_staff_and_end_users_is_refused() {
        let mut same: Vec<_> = FULL.to_vec();
        same.retain(|(k, _)| *k != "END_USER_ISSUER");
        same.push(("END_USER_ISSUER", FULL[4].1));
        let err = Config::from_env(&env(&same), ALL).unwrap_err();
        assert!(err.to_string().contains("END_USER_ISSUER"), "{err}");
    }

    #[test]
    fn each_missing_variable_is_named() {
        // `customers` reads every variable.
        for (missing, _) in FULL {
            let rest: Vec<_> = FULL.iter().filter(|(k, _)| k != missing).cloned().collect();
            let err = Config::from_env(&env(&rest), ALL).unwrap_err();
            assert!(err.to_string().contains(missing), "{err}");
        }
    }

    #[test]
    fn only_the_variables_named_in_reads_are_read() {
        let without = |names: &[&str]| -> Vec<(&str, &str)> {
            FULL.iter()
                .filter(|(k, _)| !names.contains(k))
                .cloned()
                .collect()
        };
        let none = Reads {
            sender: false,
            user_pool: false,
            sign_in_client: false,
            queue: false,
        };
        let all_optional = [
            "SES_FROM_ADDRESS",
            "END_USER_POOL_ID",
            "END_USER_POOL_CLIENT_ID",
            "IMPORT_QUEUE_URL",
        ];
        let c = Config::from_env(&env(&without(&all_optional)), none).unwrap();
        assert_eq!((c.ses_from_address, c.end_user_pool), (None, None));
        let delete_only = Reads {
            sender: false,
            sign_in_client: false,
            ..ALL
        };
        let rest = without(&["SES_FROM_ADDRESS", "END_USER_POOL_CLIENT_ID"]);
        let c = Config::from_env(&env(&rest), delete_only).unwrap();
        assert_eq!(
            c.end_user_pool,
            Some(EndUserPool {
                id: "eu-central-1_abc".into(),
                client_id: None
            })
        );
        let err = Config::from_env(&env(&without(&["END_USER_POOL_ID"])), delete_only).unwrap_err();
        assert!(err.to_string().contains("END_USER_POOL_ID"), "{err}");
        let register = Reads {
            sender: false,
            ..ALL
        };
        let err =
            Config::from_env(&env(&without(&["END_USER_POOL_CLIENT_ID"])), register).unwrap_err();
        assert!(err.to_string().contains("END_USER_POOL_CLIENT_ID"), "{err}");
        let sender_only = Reads {
            user_pool: false,
            sign_in_client: false,
            ..ALL
        };
        let err = Config::from_env(&env(&without(&["SES_FROM_ADDRESS"])), sender_only).unwrap_err();
        assert!(err.to_string().contains("SES_FROM_ADDRESS"), "{err}");
    }

    #[test]
    fn limits_default_to_the_contract_and_read_their_variables() {
        let c = Config::from_env(&env(FULL), ALL).unwrap();
        assert_eq!(c.settings.limits, Limits::default());
        let mut set: Vec<_> = FULL.to_vec();
        set.extend([
            ("LIMIT_INVITATIONS_PER_SPECIALIST", "7"),
            ("LIMIT_SMS_PER_NUMBER", "1"),
            ("SMS_COUNTRIES", " de, fr "),
            ("LIMIT_REGISTRATION_REQUESTS_PER_MINUTE", "2"),
            ("LIMIT_RESENDS_PER_ACCESS", "9"),
            ("LIMIT_IMPORTED_INVITATIONS_PER_SPECIALIST", "40"),
            ("IMPORT_INVITATIONS_PER_SECOND", "3"),
        ]);
        let limits = Config::from_env(&env(&set), ALL).unwrap().settings.limits;
        assert_eq!(
            limits,
            Limits {
                invitations_per_specialist: 7,
                sms_per_number: 1,
                sms_countries: vec!["DE".into(), "FR".into()],
                registration_requests_per_minute: 2,
                resends_per_access: 9,
                imported_invitations_per_specialist: 40,
                import_invitations_per_second: 3,
            }
        );
        for (name, bad) in [
            ("LIMIT_SMS_PER_NUMBER", "0"),
            ("LIMIT_RESENDS_PER_ACCESS", "many"),
            ("LIMIT_IMPORTED_INVITATIONS_PER_SPECIALIST", "0"),
            ("SMS_COUNTRIES", "DE,Germany"),
        ] {
            let mut set: Vec<_> = FULL.to_vec();
            set.push((name, bad));
            let err = Config::from_env(&env(&set), ALL).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn the_access_model_is_open_by_default_and_any_other_value_is_refused_by_name() {
        let c = Config::from_env(&env(FULL), ALL).unwrap();
        assert_eq!(c.settings.access_model, AccessModel::Open);
        let mut set: Vec<_> = FULL.to_vec();
        set.push(("ACCESS_MODEL", "need-to-know"));
        let c = Config::from_env(&env(&set), ALL).unwrap();
        assert_eq!(c.settings.access_model, AccessModel::NeedToKnow);
        for bad in ["need_to_know", "closed", "Open"] {
            let mut set: Vec<_> = FULL.to_vec();
            set.push(("ACCESS_MODEL", bad));
            let err = Config::from_env(&env(&set), ALL).unwrap_err().to_string();
            assert!(err.contains("ACCESS_MODEL") && err.contains(bad), "{err}");
        }
    }

    #[test]
    fn settings_never_print_the_cursor_key() {
        let c = Config::from_env(&env(FULL), ALL).unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("0123456789abcdef"), "{printed}");
        assert!(printed.contains("Kanzlei Muster"), "{printed}");
    }

    #[test]
    fn invalid_values_are_refused_with_their_name() {
        let mut bad: Vec<_> = FULL.to_vec();
        bad.push(("INVITATION_TTL_DAYS", "0"));
        assert!(
            Config::from_env(&env(&bad), ALL)
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
            Config::from_env(&env(&short), ALL)
                .unwrap_err()
                .to_string()
                .contains("CURSOR_KEY")
        );
    }
}

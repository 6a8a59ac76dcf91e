//! template.yaml keeps one client from locking everyone out of registration (the route
//! throttles sit above the per-address limit and inside the registration function's reserved
//! concurrency) and end users from rewriting their own sign-in e-mail (the end-user pool and
//! its app clients). The README's "Floods" paragraph gives the same numbers.

use crate::grants::{resource, section, template_lines, value_of};

/// What a registration request costs the function when it is answered from the per-address
/// counter alone (one conditional write): the planning figure of the README.
const MILLISECONDS_PER_REFUSED_REQUEST: u64 = 20;

fn number(lines: &[&str], key: &str) -> u64 {
    let value = value_of(lines, key);
    value
        .parse()
        .unwrap_or_else(|_| panic!("{key}: {value} is not a number"))
}

fn parameter_default(name: &str) -> u64 {
    let parameters = section(&template_lines(), "Parameters");
    number(&section(&parameters, name), "Default")
}

/// The rate and burst of a route of the HTTP API (its own settings, else the default ones).
fn throttle(route: &str) -> (u64, u64) {
    let api = section(&template_lines(), "HttpApi");
    let routes = section(&api, "RouteSettings");
    let settings = section(&routes, &format!("\"{route}\""));
    (
        number(&settings, "ThrottlingRateLimit"),
        number(&settings, "ThrottlingBurstLimit"),
    )
}

#[test]
fn one_address_meets_its_own_registration_limit_before_a_throttle_shared_with_everyone() {
    let api = section(&template_lines(), "HttpApi");
    let default = section(&api, "DefaultRouteSettings");
    let default_rate = number(&default, "ThrottlingRateLimit");
    let per_address_per_minute = parameter_default("LimitRegistrationRequestsPerMinute");
    let reserved = parameter_default("FunctionReservedConcurrency");
    let mut together = 0;
    for route in [
        "POST /registrations/inspect",
        "POST /registrations/complete",
    ] {
        let (rate, burst) = throttle(route);
        assert!(
            rate >= default_rate,
            "{route}: {rate} requests a second, tighter than every other route ({default_rate})"
        );
        assert!(
            rate * 60 >= 100 * per_address_per_minute,
            "{route}: the route's minute ({rate}/s) must hold a hundred addresses at their own \
             limit ({per_address_per_minute}/min)"
        );
        assert!(burst >= 2 * rate, "{route}: burst {burst} for {rate}/s");
        together += rate;
    }
    // Both routes at their throttles keep the function below its reserved concurrency, so
    // that a flood meets API Gateway's 429 before Lambda refuses invocations.
    let busy = together * MILLISECONDS_PER_REFUSED_REQUEST / 1000;
    assert!(
        busy < reserved,
        "{together} requests a second need {busy} executions of {reserved} reserved"
    );
    let registration = resource("RegistrationFunction");
    assert!(
        !registration
            .iter()
            .any(|l| l.trim_start().starts_with("ReservedConcurrentExecutions:")),
        "the registration function keeps the reserved concurrency of the Globals"
    );
    assert_eq!(
        value_of(&registration, "LIMIT_REGISTRATION_REQUESTS_PER_MINUTE"),
        "!Ref LimitRegistrationRequestsPerMinute"
    );
}

/// A YAML flow list (`[a, b]`) as its entries.
fn list(lines: &[&str], key: &str) -> Vec<String> {
    let value = value_of(lines, key);
    let inner = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or_else(|| panic!("{key}: {value} is not a flow list"));
    inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

#[test]
fn end_users_cannot_change_their_sign_in_email_and_the_portal_reads_only_the_address() {
    let pool = resource("EndUserPool");
    let update = section(&pool, "UserAttributeUpdateSettings");
    assert_eq!(
        list(&update, "AttributesRequireVerificationBeforeUpdate"),
        ["email"]
    );
    assert!(
        list(&pool, "AutoVerifiedAttributes").contains(&"email".to_string()),
        "Cognito verifies before an update only attributes it auto-verifies"
    );
    for client in ["EndUserPortalClient", "RegistrationClient"] {
        let lines = resource(client);
        assert_eq!(value_of(&lines, "UserPoolId"), "!Ref EndUserPool");
        let write = list(&lines, "WriteAttributes");
        // An empty list would mean every attribute to Cognito.
        assert!(!write.is_empty(), "{client}: WriteAttributes is empty");
        assert!(
            write
                .iter()
                .all(|a| a != "email" && a != "email_verified" && !a.starts_with("custom:")),
            "{client} may write {write:?}"
        );
        assert!(!list(&lines, "ReadAttributes").is_empty(), "{client}");
    }
    assert_eq!(
        list(&resource("EndUserPortalClient"), "ReadAttributes"),
        ["email", "email_verified"]
    );
}

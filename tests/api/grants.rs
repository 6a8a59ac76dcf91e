//! template.yaml and the code agree: each function is granted exactly the AWS actions its
//! ports need (`shared::functions`) and given the variables of those ports and of the abuse
//! limits it enforces only, and API Gateway sends each operation of openapi.yaml to the one
//! function whose router serves it.

use crate::helpers::*;
use crate::permissions::openapi_operations;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use shared::functions::{FUNCTIONS, Function, SignInGrant};
use std::collections::{BTreeMap, BTreeSet};
use tower::ServiceExt;

/// A function resource of template.yaml, read by indentation (resources at two spaces).
#[derive(Debug, Default)]
struct TemplateFunction {
    /// `Metadata.BuildProperties.Binary`.
    binary: String,
    /// Every `ses:`, `sns:` and `cognito-idp:` action its policies name.
    actions: BTreeSet<String>,
    /// Its HttpApi events as `METHOD /path`.
    routes: BTreeSet<String>,
    /// The environment variables it sets beyond the template's `Globals`.
    variables: BTreeSet<String>,
}

fn template_functions() -> Vec<TemplateFunction> {
    let template = include_str!("../../template.yaml");
    let mut functions = Vec::new();
    let mut in_resources = false;
    let mut block: Vec<&str> = Vec::new();
    let mut flush = |block: &mut Vec<&str>| {
        if block
            .iter()
            .any(|l| l.trim() == "Type: AWS::Serverless::Function")
        {
            functions.push(parse_function(block));
        }
        block.clear();
    };
    for line in template.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() && !line.starts_with('#') {
            flush(&mut block);
            in_resources = line.trim_end() == "Resources:";
            continue;
        }
        if !in_resources {
            continue;
        }
        let resource_start = line.starts_with("  ")
            && !line.starts_with("   ")
            && !line.trim_start().starts_with('#')
            && line.trim_end().ends_with(':');
        if resource_start {
            flush(&mut block);
        }
        block.push(line);
    }
    flush(&mut block);
    functions
}

/// The template's functions by their binary's name.
fn template_by_binary() -> BTreeMap<String, TemplateFunction> {
    template_functions()
        .into_iter()
        .map(|f| (f.binary.clone(), f))
        .collect()
}

fn parse_function(block: &[&str]) -> TemplateFunction {
    let mut function = TemplateFunction::default();
    let mut path = None;
    for line in block {
        let trimmed = line.trim();
        if let Some(binary) = trimmed.strip_prefix("Binary:") {
            function.binary = binary.trim().to_string();
        }
        if let Some(p) = trimmed.strip_prefix("Path:") {
            path = Some(p.trim().to_string());
        }
        if let Some(method) = trimmed.strip_prefix("Method:") {
            let path = path.take().expect("Path before Method in each event");
            function
                .routes
                .insert(format!("{} {path}", method.trim().to_uppercase()));
        }
        if let Some((key, _)) = trimmed.split_once(':')
            && !key.is_empty()
            && key.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        {
            function.variables.insert(key.to_string());
        }
        let action = trimmed
            .strip_prefix("Action:")
            .or_else(|| trimmed.strip_prefix("- "))
            .map(str::trim);
        if let Some(action) = action
            && ["ses:", "sns:", "cognito-idp:"]
                .iter()
                .any(|service| action.starts_with(service))
        {
            function.actions.insert(action.to_string());
        }
    }
    function
}

/// The actions a function's ports call, by adapter (`shared::adapters::{ses, sns, cognito}`).
fn actions_needed(function: &Function) -> BTreeSet<String> {
    let mut actions = BTreeSet::new();
    if function.messaging {
        actions.insert("ses:SendEmail".to_string());
        actions.insert("sns:Publish".to_string());
    }
    match function.sign_ins {
        SignInGrant::None => {}
        SignInGrant::Delete => {
            actions.insert("cognito-idp:AdminDeleteUser".to_string());
        }
        SignInGrant::Register => {
            for action in [
                "cognito-idp:AdminCreateUser",
                "cognito-idp:AdminSetUserPassword",
                "cognito-idp:AdminDeleteUser",
                "cognito-idp:AdminInitiateAuth",
                "cognito-idp:AdminGetUser",
            ] {
                actions.insert(action.to_string());
            }
        }
    }
    actions
}

#[test]
fn the_template_has_exactly_the_functions_of_the_code() {
    let in_template: BTreeSet<String> =
        template_functions().into_iter().map(|f| f.binary).collect();
    let in_code: BTreeSet<String> = FUNCTIONS.iter().map(|f| f.name.to_string()).collect();
    assert_eq!(in_template, in_code);
    for function in FUNCTIONS {
        let manifest = format!(
            "{}/../functions/{}/Cargo.toml",
            env!("CARGO_MANIFEST_DIR"),
            function.name
        );
        assert!(
            std::path::Path::new(&manifest).is_file(),
            "{} has no package at functions/{}",
            function.name,
            function.name
        );
    }
}

#[test]
fn each_function_is_granted_exactly_the_actions_its_ports_call() {
    let template = template_by_binary();
    for function in FUNCTIONS {
        let granted = &template[function.name].actions;
        assert_eq!(
            granted,
            &actions_needed(&function),
            "{}: template.yaml grants other ses/sns/cognito-idp actions than its ports call",
            function.name
        );
    }
}

/// The abuse limits of sending invitations (e-mail and SMS): set where invitations are sent.
const MESSAGING_LIMITS: [&str; 4] = [
    "LIMIT_INVITATIONS_PER_SPECIALIST",
    "LIMIT_SMS_PER_NUMBER",
    "SMS_COUNTRIES",
    "LIMIT_RESENDS_PER_ACCESS",
];

/// The request rate of the anonymous registration routes: set where they are served.
const REGISTRATION_LIMIT: &str = "LIMIT_REGISTRATION_REQUESTS_PER_MINUTE";

#[test]
fn each_function_reads_the_sender_the_user_pool_and_the_limits_only_where_it_needs_them() {
    let template = include_str!("../../template.yaml");
    let globals: String = template
        .lines()
        .skip_while(|l| *l != "Globals:")
        .skip(1)
        .take_while(|l| l.starts_with(' ') || l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        globals.contains("TABLE_NAME"),
        "read the Globals: {globals}"
    );
    let per_function = ["SES_FROM_ADDRESS", "USER_POOL_ID", REGISTRATION_LIMIT];
    for variable in per_function.iter().chain(&MESSAGING_LIMITS) {
        assert!(
            !globals.contains(variable),
            "{variable} is set for every function in Globals"
        );
    }
    let functions = template_by_binary();
    for function in FUNCTIONS {
        let template = &functions[function.name];
        let mut expected = BTreeSet::new();
        if function.messaging {
            expected.insert("SES_FROM_ADDRESS".to_string());
            expected.extend(MESSAGING_LIMITS.map(String::from));
        }
        if function.sign_ins != SignInGrant::None {
            expected.insert("USER_POOL_ID".to_string());
        }
        if template
            .routes
            .iter()
            .any(|route| route.starts_with("POST /registrations/"))
        {
            expected.insert(REGISTRATION_LIMIT.to_string());
        }
        assert_eq!(
            template.variables, expected,
            "{}: environment beyond Globals",
            function.name
        );
    }
}

#[test]
fn api_gateway_routes_every_operation_of_openapi_yaml_to_exactly_one_function() {
    let mut routed: Vec<String> = template_functions()
        .into_iter()
        .flat_map(|f| f.routes)
        .collect();
    routed.sort();
    assert_eq!(routed, openapi_operations());
}

/// A request through a function's routes alone: 418 when no route of the function matches
/// its path and method.
async fn status_in(function: &Function, app: &TestApp, route: &str) -> StatusCode {
    let (method, path) = route.split_once(' ').unwrap();
    // Any value for each path parameter.
    let uri: String = path
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "x1"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let router = function
        .routes_on(app.app.clone())
        .fallback(|| async { StatusCode::IM_A_TEAPOT })
        .method_not_allowed_fallback(|| async { StatusCode::IM_A_TEAPOT });
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    router.oneshot(request).await.unwrap().status()
}

#[tokio::test]
async fn each_function_serves_the_routes_the_template_sends_it_and_no_others() {
    let app = spawn_app(Store::Memory).await;
    let template = template_by_binary();
    for function in FUNCTIONS {
        for route in &template[function.name].routes {
            for other in FUNCTIONS {
                let status = status_in(&other, &app, route).await;
                if other.name == function.name {
                    assert_ne!(
                        status,
                        StatusCode::IM_A_TEAPOT,
                        "{route} is sent to {} but its router has no such route",
                        function.name
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::IM_A_TEAPOT,
                        "{route} is sent to {} but {} also serves it",
                        function.name,
                        other.name
                    );
                }
            }
        }
    }
}

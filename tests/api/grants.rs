//! template.yaml and the code agree: each function is granted exactly the AWS actions its
//! ports need (`shared::functions`), those on Cognito on the end users' user pool only, and
//! given the variables of those ports and of the abuse limits it enforces only; API Gateway
//! sends each operation of openapi.yaml to the one function whose router serves it, behind the
//! authorizer of its callers (staff, end users, or none for registration), and the issuers the
//! functions check are those the authorizers trust. The messaging functions send through the
//! configuration set whose events reach the deliveries function, which may only read and
//! update table items; every function has its alarms.

use crate::helpers::*;
use crate::permissions::openapi_operations;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use shared::functions::{FUNCTIONS, Function, SignInGrant};
use std::collections::{BTreeMap, BTreeSet};
use tower::ServiceExt;

const TEMPLATE: &str = include_str!("../../template.yaml");

/// A function resource of template.yaml, read by indentation (resources at two spaces).
#[derive(Debug, Default)]
struct TemplateFunction {
    /// The resource's logical id (`CustomersFunction`).
    logical_id: String,
    /// `Metadata.BuildProperties.Binary`.
    binary: String,
    /// `Properties.CodeUri`: where `sam build` runs `cargo lambda build`.
    code_uri: String,
    /// The statements of its inline policies.
    statements: Vec<Statement>,
    /// Its HttpApi events as `METHOD /path`.
    routes: BTreeSet<String>,
    /// The authorizer an event names (`Auth: Authorizer:`), by route; a route without one
    /// takes the API's `DefaultAuthorizer`.
    authorizers: BTreeMap<String, String>,
    /// The environment variables it sets beyond the template's `Globals`.
    variables: BTreeSet<String>,
    /// Whether any of its lines names the staff user pool or its client.
    names_staff_pool: bool,
}

/// One statement of a function's policies.
#[derive(Debug, Default)]
struct Statement {
    actions: BTreeSet<String>,
    /// Its `Resource` values; a `NotResource` value as `NotResource: <value>`.
    resources: Vec<String>,
}

impl TemplateFunction {
    /// Every action of `service` (`"dynamodb:"`) its policies name.
    fn actions_of(&self, service: &str) -> BTreeSet<String> {
        self.statements
            .iter()
            .flat_map(|s| &s.actions)
            .filter(|action| action.starts_with(service))
            .cloned()
            .collect()
    }

    /// Every `ses:`, `sns:`, `cognito-idp:` and `sqs:` action its policies name.
    fn actions(&self) -> BTreeSet<String> {
        self.statements
            .iter()
            .flat_map(|s| &s.actions)
            .filter(|action| {
                ["ses:", "sns:", "cognito-idp:", "sqs:"]
                    .iter()
                    .any(|service| action.starts_with(service))
            })
            .cloned()
            .collect()
    }

    fn add_route(&mut self, event: Event) {
        let (Some(path), Some(method)) = (event.path, event.method) else {
            panic!("{}: an HttpApi event without Path or Method", self.binary);
        };
        let route = format!("{} {path}", method.to_uppercase());
        if let Some(authorizer) = event.authorizer {
            self.authorizers.insert(route.clone(), authorizer);
        }
        self.routes.insert(route);
    }
}

/// One HttpApi event of a function, while it is read.
#[derive(Default)]
struct Event {
    path: Option<String>,
    method: Option<String>,
    authorizer: Option<String>,
}

/// The list of a policy statement that `- ` lines belong to.
#[derive(Clone, Copy)]
enum List {
    Actions,
    Resources,
    NotResources,
}

fn template_functions() -> Vec<TemplateFunction> {
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
    for line in TEMPLATE.lines() {
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
    let mut function = TemplateFunction {
        logical_id: block[0].trim().trim_end_matches(':').to_string(),
        ..TemplateFunction::default()
    };
    let mut event: Option<Event> = None;
    let mut list = None;
    for line in block {
        let trimmed = line.trim();
        function.names_staff_pool |=
            trimmed.contains("StaffUserPool") || trimmed.contains("StaffConsoleClient");
        if let Some(binary) = trimmed.strip_prefix("Binary:") {
            function.binary = binary.trim().to_string();
        }
        if let Some(uri) = trimmed.strip_prefix("CodeUri:") {
            function.code_uri = uri.trim().to_string();
        }
        if let Some(kind) = trimmed.strip_prefix("Type:") {
            if let Some(done) = event.take() {
                function.add_route(done);
            }
            if kind.trim() == "HttpApi" {
                event = Some(Event::default());
            }
        }
        if let Some(event) = event.as_mut() {
            read_event_line(event, trimmed);
        }
        if let Some((key, _)) = trimmed.split_once(':')
            && !key.is_empty()
            && key.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        {
            function.variables.insert(key.to_string());
        }
        read_policy_line(&mut function.statements, &mut list, trimmed);
    }
    if let Some(done) = event.take() {
        function.add_route(done);
    }
    function
}

fn read_event_line(event: &mut Event, trimmed: &str) {
    let value = |prefix: &str| trimmed.strip_prefix(prefix).map(|v| v.trim().to_string());
    if let Some(path) = value("Path:") {
        event.path = Some(path);
    }
    if let Some(method) = value("Method:") {
        event.method = Some(method);
    }
    if let Some(authorizer) = value("Authorizer:") {
        event.authorizer = Some(authorizer);
    }
}

/// One line of a function's policies: `- Effect:` opens a statement; `Action:`, `Resource:`
/// and `NotResource:` take the value on their line or the `- ` list below them.
fn read_policy_line(statements: &mut Vec<Statement>, list: &mut Option<List>, trimmed: &str) {
    if trimmed.starts_with("- Effect:") {
        statements.push(Statement::default());
        *list = None;
        return;
    }
    let Some(statement) = statements.last_mut() else {
        return;
    };
    let (kind, value) = match trimmed.strip_prefix("- ") {
        Some(item) => match *list {
            Some(kind) => (kind, item.trim()),
            None => return,
        },
        None => {
            let Some((key, value)) = trimmed.split_once(':') else {
                return;
            };
            let kind = match key {
                "Action" => List::Actions,
                "Resource" => List::Resources,
                "NotResource" => List::NotResources,
                _ => {
                    *list = None;
                    return;
                }
            };
            let value = value.trim();
            if value.is_empty() {
                *list = Some(kind);
                return;
            }
            *list = None;
            (kind, value)
        }
    };
    match kind {
        List::Actions => {
            statement.actions.insert(value.to_string());
        }
        List::Resources => statement.resources.push(value.to_string()),
        List::NotResources => statement.resources.push(format!("NotResource: {value}")),
    }
}

/// The lines below the first line `key:` of `lines` that are indented deeper than it (blank
/// lines included).
pub(crate) fn section<'a>(lines: &[&'a str], key: &str) -> Vec<&'a str> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let Some(start) = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
    else {
        panic!("no {key}: in {lines:#?}");
    };
    let depth = indent(lines[start]);
    lines[start + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > depth)
        .copied()
        .collect()
}

/// The value of the first `key:` of `lines`: the rest of its line and the lines below it, each
/// trimmed, joined by spaces, without comments. Compares values written across lines.
pub(crate) fn value_of(lines: &[&str], key: &str) -> String {
    let prefix = format!("{key}:");
    let inline = lines
        .iter()
        .find_map(|l| l.trim_start().strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no {key}: in {lines:#?}"));
    std::iter::once(inline)
        .chain(section(lines, key))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn template_lines() -> Vec<&'static str> {
    TEMPLATE.lines().collect()
}

/// The actions a function's ports call, by adapter (`shared::adapters::{ses, sns, cognito,
/// sqs}`).
fn actions_needed(function: &Function) -> BTreeSet<String> {
    let mut actions = BTreeSet::new();
    if function.queue {
        actions.insert("sqs:SendMessage".to_string());
    }
    if function.messaging {
        actions.insert("ses:SendEmail".to_string());
        actions.insert("sns:Publish".to_string());
    }
    match function.sign_ins {
        SignInGrant::None => {}
        SignInGrant::Delete => {
            actions.insert("cognito-idp:AdminDeleteUser".to_string());
            actions.insert("cognito-idp:AdminGetUser".to_string());
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
        let manifest = crate::helpers::project_root()
            .join("functions")
            .join(function.name)
            .join("Cargo.toml");
        assert!(
            manifest.is_file(),
            "{} has no package at functions/{}",
            function.name,
            function.name
        );
    }
}

/// cargo resolves the features of `shared` over the packages a build selects: in a member's
/// directory that is the member alone, at the workspace root every member, the tests' and the
/// local server's features included. So each function is built in its own directory, and links
/// the SDK clients its own `Cargo.toml` asks for and no others.
#[test]
fn sam_builds_each_function_in_its_own_package_so_that_it_links_only_its_own_sdk_clients() {
    for function in template_functions() {
        assert_eq!(
            function.code_uri,
            format!("functions/{}", function.binary),
            "{}: CodeUri",
            function.logical_id
        );
    }
}

#[test]
fn each_function_is_granted_exactly_the_actions_its_ports_call() {
    let template = template_by_binary();
    for function in FUNCTIONS {
        let granted = template[function.name].actions();
        assert_eq!(
            granted,
            actions_needed(&function),
            "{}: template.yaml grants other ses/sns/cognito-idp actions than its ports call",
            function.name
        );
    }
}

/// The one resource a function may act on in Cognito: the pool its end users sign in at.
const END_USER_POOL_ARN: &str = "!GetAtt EndUserPool.Arn";

#[test]
fn every_cognito_grant_is_on_the_end_user_pool_and_no_function_names_the_staff_pool() {
    let template = template_by_binary();
    for function in FUNCTIONS {
        let template = &template[function.name];
        let cognito: Vec<&Statement> = template
            .statements
            .iter()
            .filter(|s| s.actions.iter().any(|a| a.starts_with("cognito-idp:")))
            .collect();
        assert_eq!(
            cognito.is_empty(),
            function.sign_ins == SignInGrant::None,
            "{}: Cognito statements {cognito:?} for sign-in grant {:?}",
            function.name,
            function.sign_ins
        );
        for statement in cognito {
            assert_eq!(
                statement.resources,
                [END_USER_POOL_ARN],
                "{}: {:?} granted on other resources than the end-user pool",
                function.name,
                statement.actions
            );
        }
        assert!(
            !template.names_staff_pool,
            "{}: names the staff user pool or its client",
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

/// The imported invitations per specialist: set where imports are accepted.
const IMPORT_LIMIT: &str = "LIMIT_IMPORTED_INVITATIONS_PER_SPECIALIST";

/// The issuers every function checks tokens against (`shared::config::Issuers`).
const ISSUERS: [&str; 2] = ["STAFF_ISSUER", "END_USER_ISSUER"];

#[test]
fn each_function_reads_the_sender_its_configuration_set_the_end_user_pool_its_client_and_the_limits_only_where_it_needs_them()
 {
    let globals: String = TEMPLATE
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
    for issuer in ISSUERS {
        assert!(
            globals.contains(&format!("{issuer}:")),
            "{issuer} is not set for every function in Globals"
        );
    }
    let per_function = [
        "SES_FROM_ADDRESS",
        "SES_CONFIGURATION_SET",
        "END_USER_POOL_ID",
        "END_USER_POOL_CLIENT_ID",
        REGISTRATION_LIMIT,
        IMPORT_LIMIT,
    ];
    for variable in per_function.iter().chain(&MESSAGING_LIMITS) {
        assert!(
            !globals.contains(variable),
            "{variable} is set for every function in Globals"
        );
    }
    let functions = template_by_binary();
    for function in FUNCTIONS {
        let template = &functions[function.name];
        let reads = function.reads();
        let mut expected = BTreeSet::new();
        if reads.sender {
            expected.insert("SES_FROM_ADDRESS".to_string());
            expected.insert("SES_CONFIGURATION_SET".to_string());
            expected.extend(MESSAGING_LIMITS.map(String::from));
        }
        if reads.user_pool {
            expected.insert("END_USER_POOL_ID".to_string());
        }
        if reads.sign_in_client {
            expected.insert("END_USER_POOL_CLIENT_ID".to_string());
        }
        if reads.queue {
            expected.insert("IMPORT_QUEUE_URL".to_string());
        }
        if function.name == shared::functions::IMPORTS.name {
            expected.insert("IMPORT_INVITATIONS_PER_SECOND".to_string());
        }
        if template
            .routes
            .iter()
            .any(|route| route.starts_with("POST /registrations/"))
        {
            expected.insert(REGISTRATION_LIMIT.to_string());
        }
        if template.routes.iter().any(|route| route == "POST /imports") {
            expected.insert(IMPORT_LIMIT.to_string());
        }
        assert_eq!(
            template.variables, expected,
            "{}: environment beyond Globals",
            function.name
        );
    }
}

/// The lines of the resource `logical_id` (below its `  Name:` line).
pub(crate) fn resource(logical_id: &str) -> Vec<&'static str> {
    let lines = template_lines();
    let heading = format!("  {logical_id}:");
    let start = lines
        .iter()
        .position(|l| *l == heading)
        .unwrap_or_else(|| panic!("template.yaml has no resource {logical_id}"));
    section(&lines[start..], logical_id)
}

/// The configuration set of the invitation e-mails, as the functions' variables and grants
/// name it.
const CONFIGURATION_SET: &str = "!Ref MailEvents";

#[test]
fn the_messaging_functions_send_through_the_mail_events_configuration_set_and_may_use_it() {
    let template = template_by_binary();
    let configuration_set_arn = "!Sub arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${MailEvents}";
    for function in FUNCTIONS.iter().filter(|f| f.messaging) {
        let template = &template[function.name];
        let lines = resource(&template.logical_id);
        assert_eq!(
            value_of(&lines, "SES_CONFIGURATION_SET"),
            CONFIGURATION_SET,
            "{}: SES_CONFIGURATION_SET",
            function.name
        );
        let send: Vec<&Statement> = template
            .statements
            .iter()
            .filter(|s| s.actions.contains("ses:SendEmail"))
            .collect();
        assert!(
            send.iter()
                .any(|s| s.resources.iter().any(|r| r == configuration_set_arn)),
            "{}: ses:SendEmail is not granted on the configuration set ({send:?}); SendEmail with a configuration set is refused without it",
            function.name
        );
    }
}

#[test]
fn the_deliveries_function_is_subscribed_to_the_topic_the_mail_events_reach_and_may_only_read_an_item_and_write_in_transactions()
 {
    let destination = resource("MailEventsDestination");
    assert_eq!(
        value_of(&destination, "ConfigurationSetName"),
        CONFIGURATION_SET
    );
    let topic = value_of(&destination, "TopicARN");
    assert_eq!(topic, "!Ref MailEventsTopic");

    let template = template_by_binary();
    let deliveries = &template["deliveries"];
    assert_eq!(deliveries.logical_id, "DeliveriesFunction");
    let lines = resource(&deliveries.logical_id);
    let events = section(&lines, "Events");
    assert_eq!(value_of(&events, "Type"), "SNS", "events: {events:#?}");
    assert_eq!(value_of(&events, "Topic"), topic);
    assert!(
        deliveries.routes.is_empty(),
        "deliveries is not behind the API: {:?}",
        deliveries.routes
    );

    assert_eq!(
        deliveries.actions_of("dynamodb:"),
        BTreeSet::from(
            ["GetItem", "UpdateItem", "PutItem", "ConditionCheckItem"]
                .map(|a| format!("dynamodb:{a}"))
        )
    );
    for statement in deliveries
        .statements
        .iter()
        .filter(|s| s.actions.iter().any(|a| a.starts_with("dynamodb:")))
    {
        assert_eq!(
            statement.resources,
            ["!GetAtt Table.Arn"],
            "{:?} granted beyond the table (indexes, other tables)",
            statement.actions
        );
    }
    // Writes only inside a TransactWriteItems: the statement of the writes is the one with
    // the condition.
    let conditions = lines.iter().filter(|l| l.trim() == "Condition:").count();
    assert_eq!(
        conditions, 1,
        "one conditional statement: the transaction's writes"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.trim() == "dynamodb:EnclosingOperation: TransactWriteItems")
    );
    // Asynchronous invocations: retried, and kept when they fail for good.
    assert_eq!(value_of(&lines, "MaximumRetryAttempts"), "2");
    assert_eq!(value_of(&section(&lines, "DeadLetterQueue"), "Type"), "SQS");
}

#[test]
fn the_imports_function_takes_the_import_queue_one_message_at_a_time_on_one_instance_with_a_dead_letter_queue_and_its_alarm()
 {
    let template = template_by_binary();
    let imports = &template["imports"];
    assert_eq!(imports.logical_id, "ImportsFunction");
    assert!(imports.routes.is_empty(), "{:?}", imports.routes);
    let lines = resource(&imports.logical_id);
    let events = section(&lines, "Events");
    assert_eq!(value_of(&events, "Type"), "SQS", "events: {events:#?}");
    assert_eq!(value_of(&events, "Queue"), "!GetAtt ImportQueue.Arn");
    assert_eq!(value_of(&events, "BatchSize"), "1");
    assert_eq!(
        value_of(&lines, "ReservedConcurrentExecutions"),
        "!If [HasReservedConcurrency, 1, !Ref AWS::NoValue]"
    );
    // Every function that sends to the queue may send to it only.
    for function in template.values() {
        for statement in &function.statements {
            if statement.actions.contains("sqs:SendMessage") {
                assert_eq!(statement.resources, ["!GetAtt ImportQueue.Arn"]);
            }
        }
    }
    let queue = resource("ImportQueue");
    let timeout: u64 = value_of(&queue, "VisibilityTimeout").parse().unwrap();
    assert!(
        timeout > timeout_of(&lines),
        "a message stays hidden while a run may take"
    );
    assert_eq!(
        value_of(&queue, "deadLetterTargetArn"),
        "!GetAtt ImportDeadLetterQueue.Arn"
    );
    assert_eq!(value_of(&queue, "maxReceiveCount"), "5");
    let alarm = resource("ImportDeadLetterAlarm");
    assert!(alarm.iter().any(|l| l.trim()
        == "Dimensions: [{Name: QueueName, Value: !GetAtt ImportDeadLetterQueue.QueueName}]"));
    assert!(
        alarm
            .iter()
            .any(|l| l.trim() == "AlarmActions: [!Ref AlarmTopic]")
    );
}

/// A function's `Timeout` in seconds: its own, or that of `Globals`.
fn timeout_of(lines: &[&str]) -> u64 {
    let own = section(lines, "Properties")
        .iter()
        .find_map(|l| l.strip_prefix("      Timeout:"))
        .map(str::to_string);
    let value = own.unwrap_or_else(|| value_of(&section(&template_lines(), "Globals"), "Timeout"));
    value.trim().parse().expect("Timeout in seconds")
}

#[test]
fn every_function_has_an_errors_a_throttles_and_a_duration_alarm_at_80_percent_of_its_timeout() {
    for function in template_functions() {
        let prefix = function
            .logical_id
            .strip_suffix("Function")
            .unwrap_or_else(|| {
                panic!(
                    "{}: a function's logical id ends in Function",
                    function.logical_id
                )
            });
        let dimension = format!(
            "Dimensions: [{{Name: FunctionName, Value: !Ref {}}}]",
            function.logical_id
        );
        for (metric, statistic) in [
            ("Errors", "Statistic: Sum"),
            ("Throttles", "Statistic: Sum"),
            ("Duration", "ExtendedStatistic: p99"),
        ] {
            let alarm = resource(&format!("{prefix}{metric}Alarm"));
            let has = |line: &str| alarm.iter().any(|l| l.trim() == line);
            assert!(
                has("Type: AWS::CloudWatch::Alarm")
                    && has("Namespace: AWS/Lambda")
                    && has(&format!("MetricName: {metric}"))
                    && has(statistic)
                    && has(&dimension)
                    && has("AlarmActions: [!Ref AlarmTopic]"),
                "{prefix}{metric}Alarm: {alarm:#?}"
            );
            let threshold: u64 = value_of(&alarm, "Threshold").parse().unwrap();
            let expected = if metric == "Duration" {
                timeout_of(&resource(&function.logical_id)) * 800
            } else {
                0
            };
            assert_eq!(threshold, expected, "{prefix}{metric}Alarm: Threshold");
        }
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

#[test]
fn me_routes_take_end_user_tokens_registration_none_and_every_other_route_staff_tokens() {
    let mut me_routes = BTreeSet::new();
    for function in template_functions() {
        for route in &function.routes {
            let (_, path) = route.split_once(' ').unwrap();
            let expected = if path == "/me" || path.starts_with("/me/") {
                me_routes.insert(route.clone());
                Some("EndUserJwt")
            } else if path.starts_with("/registrations/") {
                Some("NONE")
            } else {
                // The API's default: StaffJwt (checked below).
                None
            };
            assert_eq!(
                function.authorizers.get(route).map(String::as_str),
                expected,
                "{route} ({}): the authorizer its event names",
                function.binary
            );
        }
    }
    assert_eq!(
        me_routes,
        BTreeSet::from(["GET /me".to_string(), "GET /me/transactions".to_string()])
    );
    let api = section(&template_lines(), "HttpApi");
    assert_eq!(value_of(&api, "DefaultAuthorizer"), "StaffJwt");
}

#[test]
fn the_authorizers_trust_one_pool_each_and_the_functions_check_the_same_issuers() {
    let api = section(&template_lines(), "HttpApi");
    let authorizers = section(&api, "Authorizers");
    let staff = section(&authorizers, "StaffJwt");
    let end_user = section(&authorizers, "EndUserJwt");
    let globals = section(&template_lines(), "Globals");
    let variables = section(&globals, "Variables");

    let staff_issuer = value_of(&staff, "issuer");
    assert!(
        staff_issuer.contains("${StaffUserPool}") && !staff_issuer.contains("EndUserPool"),
        "StaffJwt trusts {staff_issuer}"
    );
    assert_eq!(value_of(&variables, "STAFF_ISSUER"), staff_issuer);
    assert!(
        value_of(&staff, "audience").contains("StaffConsoleClient"),
        "StaffJwt admits tokens of the staff console client"
    );

    let end_user_issuer = value_of(&end_user, "issuer");
    assert_eq!(
        end_user_issuer,
        "!Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${EndUserPool}"
    );
    assert_eq!(value_of(&variables, "END_USER_ISSUER"), end_user_issuer);
    assert_eq!(
        value_of(&end_user, "audience"),
        "- !Ref EndUserPortalClient"
    );
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

//! The Lambda functions of the product: each one's router and what it is granted beyond the
//! table (template.yaml grants exactly this), and the gateway that routes every request to its
//! function's router on that function's grants, as API Gateway does.

use crate::adapters::not_granted::{DeleteOnly, NotGranted};
use crate::app::App;
use crate::config::Reads;
use crate::http::{self, AppState};
use axum::Router;
use std::sync::Arc;

/// What a function may do with end users' sign-ins (Cognito).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInGrant {
    /// Nothing.
    None,
    /// Delete them (`cognito-idp:AdminDeleteUser`, by subject), when their accesses or
    /// customers go; and find the subject of an address's sign-in (`AdminGetUser`) to delete a
    /// leftover of an interrupted removal that no identity records.
    Delete,
    /// Register them: check an existing sign-in's password (`AdminInitiateAuth`, through the
    /// end-user pool's registration client), create new ones (`AdminCreateUser`,
    /// `AdminSetUserPassword`) and undo a creation that could not be finished
    /// (`AdminDeleteUser`).
    Register,
}

/// One Lambda function: its binary's name, its router and its grants beyond the table. Its
/// binary links the SDK clients of these grants only: `functions/<name>/Cargo.toml` enables
/// the matching features of this crate (`aws-messaging`, `aws-sign-ins`, `aws-queue`, or `aws`
/// alone), which `tests/structure/features.rs` holds to this definition.
#[derive(Clone, Copy, Debug)]
pub struct Function {
    /// The binary, `functions/<name>`, and `Binary` in template.yaml.
    pub name: &'static str,
    /// The resources it serves, one `http/` module's routes each. This is the one place that
    /// composes routes into functions (docs/architecture.md, "Adding an endpoint").
    pub resources: &'static [fn() -> Router<AppState>],
    /// Sends invitations: e-mail through SES (`ses:SendEmail`), SMS through SNS (`sns:Publish`).
    pub messaging: bool,
    pub sign_ins: SignInGrant,
    /// Queues imports for the worker (`sqs:SendMessage` on the import queue).
    pub queue: bool,
    /// Attempts of each AWS call, with the SDK's standard exponential backoff between them.
    pub aws_attempts: u32,
    /// Loads the mobile numbering plans at init, where Lambda gives full CPU, instead of in the
    /// first request that reads a typed number, which runs at the CPU share of 128 MB: for the
    /// functions most of whose requests read one. Measured (docs/performance.md, run F): 20 ms
    /// more init, and `accesses`' cold request at 128 MB 416 -> 180 ms; `customers`, whose cold
    /// requests are mostly reads, would pay the 20 ms for nothing.
    pub warm_up_phone_numbers: bool,
}

/// The SDK's default: a caller waiting on an answer gets a throttled service's error soon.
const DEFAULT_AWS_ATTEMPTS: u32 = 3;

pub const CUSTOMERS: Function = Function {
    name: "customers",
    // An import is customers created in bulk; a handover is a job on the same queue, worked
    // off by the same worker.
    resources: &[
        http::customers::router,
        http::imports::router,
        http::handovers::router,
    ],
    // Creating a customer invites its first access; deleting one deletes the sign-ins.
    messaging: true,
    sign_ins: SignInGrant::Delete,
    // `POST /imports` hands the import to the worker.
    queue: true,
    aws_attempts: DEFAULT_AWS_ATTEMPTS,
    // Its cold requests are mostly reads of the overview and of customers.
    warm_up_phone_numbers: false,
};

pub const ACCESSES: Function = Function {
    name: "accesses",
    resources: &[http::accesses::router],
    messaging: true,
    sign_ins: SignInGrant::None,
    queue: false,
    aws_attempts: DEFAULT_AWS_ATTEMPTS,
    // Creating or changing an access reads its mobile number.
    warm_up_phone_numbers: true,
};

pub const AUTHORISATIONS: Function = Function {
    name: "authorisations",
    // The directory is where administrators and processors are chosen from; a review
    // confirms the authorisations.
    resources: &[
        http::authorisations::router,
        http::specialists::router,
        http::reviews::router,
    ],
    // Removing an active access deletes its sign-in.
    messaging: false,
    sign_ins: SignInGrant::Delete,
    queue: false,
    aws_attempts: DEFAULT_AWS_ATTEMPTS,
    warm_up_phone_numbers: false,
};

pub const TRANSACTIONS: Function = Function {
    name: "transactions",
    // An end user's own view of its business transactions.
    resources: &[http::transactions::router, http::me::router],
    messaging: false,
    sign_ins: SignInGrant::None,
    queue: false,
    aws_attempts: DEFAULT_AWS_ATTEMPTS,
    warm_up_phone_numbers: false,
};

pub const REGISTRATION: Function = Function {
    name: "registration",
    resources: &[http::registration::router],
    messaging: false,
    sign_ins: SignInGrant::Register,
    queue: false,
    aws_attempts: DEFAULT_AWS_ATTEMPTS,
    warm_up_phone_numbers: false,
};

/// Records what the mail service reports about invitation e-mails (SES events through the
/// configuration set's SNS topic). No HTTP routes: it is invoked by SNS, never by API Gateway.
pub const DELIVERIES: Function = Function {
    name: "deliveries",
    resources: &[],
    messaging: false,
    sign_ins: SignInGrant::None,
    queue: false,
    aws_attempts: DEFAULT_AWS_ATTEMPTS,
    warm_up_phone_numbers: false,
};

/// Creates the customers of queued imports and invites them (messages from the SQS import
/// queue; it queues its own continuation when its time runs out). No HTTP routes.
pub const IMPORTS: Function = Function {
    name: "imports",
    resources: &[],
    messaging: true,
    sign_ins: SignInGrant::None,
    queue: true,
    // The worker has time to wait: throttled SES, SNS and DynamoDB calls are retried longer.
    aws_attempts: 8,
    // Every row of an import may carry a mobile number; the worker runs on 128 MB too.
    warm_up_phone_numbers: true,
};

/// The scheduled work (an EventBridge schedule, hourly): the invitations' one reminder, and
/// the backfill of the responsibility index and the first reviews for customers stored before
/// version 3 (one GetItem per run once it is done). No HTTP routes. Beyond the table's reads
/// and writes of the reminders, the backfill needs Query on the table (a customer's grants)
/// and on `gsi1` (the customers in the overview's order), and DeleteItem inside its
/// transactions (a responsibility no longer held); template.yaml grants exactly these. A function of its own rather than a second trigger of `accesses`: it gets
/// reserved concurrency 1 and an on-failure destination without throttling the API, and
/// its grants and alarms are its own (docs/architecture.md).
pub const SCHEDULE: Function = Function {
    name: "schedule",
    resources: &[],
    // A reminder is an invitation resent: e-mail through SES, SMS through SNS.
    messaging: true,
    sign_ins: SignInGrant::None,
    queue: false,
    // Nobody waits on it: throttled calls are retried longer, as in the import worker.
    aws_attempts: 8,
    warm_up_phone_numbers: false,
};

/// Every function of template.yaml.
pub const FUNCTIONS: [Function; 8] = [
    CUSTOMERS,
    ACCESSES,
    AUTHORISATIONS,
    TRANSACTIONS,
    REGISTRATION,
    DELIVERIES,
    IMPORTS,
    SCHEDULE,
];

impl Function {
    /// What its configuration reads: only the variables of what it is granted.
    pub fn reads(&self) -> Reads {
        Reads {
            sender: self.messaging,
            user_pool: self.sign_ins != SignInGrant::None,
            sign_in_client: self.sign_ins == SignInGrant::Register,
            queue: self.queue,
        }
    }

    /// `app` with every port this function is not granted replaced by one that refuses.
    pub fn restrict(&self, mut app: App) -> App {
        if !self.messaging {
            app.mailer = Arc::new(NotGranted(self.name));
            app.sms = Arc::new(NotGranted(self.name));
        }
        if !self.queue {
            app.queue = Arc::new(NotGranted(self.name));
        }
        match self.sign_ins {
            SignInGrant::None => app.identity = Arc::new(NotGranted(self.name)),
            SignInGrant::Delete => {
                app.identity = Arc::new(DeleteOnly {
                    function: self.name,
                    inner: app.identity,
                })
            }
            SignInGrant::Register => {}
        }
        app
    }

    /// The function's routes on its grants, without fallbacks (so that they can be merged).
    pub fn routes_on(&self, app: App) -> Router {
        let state = Arc::new(self.restrict(app));
        let routes = self
            .resources
            .iter()
            .fold(Router::new(), |routes, resource| routes.merge(resource()));
        if !routes.has_routes() {
            return routes.with_state(state);
        }
        // Every route of one customer passes the need-to-know rule first.
        let rule = axum::middleware::from_fn_with_state(state.clone(), http::need_to_know::guard);
        routes.route_layer(rule).with_state(state)
    }

    /// The function as deployed: its routes on its grants, with the problem+json fallbacks,
    /// inside the edge that every answer passes.
    pub fn router(&self, app: App) -> Router {
        http::compose(self.routes_on(app))
    }
}

/// All functions on one server, each route on its own function's grants: what the local
/// server and the API tests run, so that a route needing more than its function is granted
/// fails there.
pub fn gateway(app: App) -> Router {
    let merged = FUNCTIONS.iter().fold(Router::new(), |router, function| {
        router.merge(function.routes_on(app.clone()))
    });
    http::compose(merged)
}

/// What one scheduled run does, on the `schedule` function's grants, with no deadline: the
/// answer `POST /dev/run-scheduled` gives to its caller (and the local server's timer runs).
pub async fn run_scheduled(app: &App) -> crate::error::Result<serde_json::Value> {
    run_scheduled_until(app, None).await
}

/// One scheduled run: the reminders due first, then the backfill of the responsibility index
/// and the first reviews (`usecases::backfill`) until it is done or `deadline` has passed (the
/// next run goes on). The answer the function gives to its EventBridge event: how many
/// reminders went out, how many customers were backfilled, and whether the backfill is done.
pub async fn run_scheduled_until(
    app: &App,
    deadline: Option<std::time::Instant>,
) -> crate::error::Result<serde_json::Value> {
    let app = SCHEDULE.restrict(app.clone());
    let reminders = crate::usecases::reminders::run(&app).await?;
    let backfill = crate::usecases::backfill::run(&app, deadline).await?;
    Ok(serde_json::json!({
        "reminders": reminders,
        "backfilled": backfill.customers,
        "backfillDone": backfill.done,
    }))
}

/// The schedule inside one process (the local server): the scheduled work every `period`,
/// as EventBridge runs it in AWS; a failed run is logged and the next one goes on.
pub fn run_schedule_every(app: App, period: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = run_scheduled(&app).await {
                tracing::warn!(error = %e, "scheduled run failed; the next one goes on");
            }
        }
    })
}

/// The import worker inside one process (the local server, the tests): works off each
/// message of the in-process queue on the `imports` function's grants, as SQS hands them to
/// the function; a failed run is tried again, as SQS would after the visibility timeout.
pub fn run_import_worker(
    app: App,
    mut messages: tokio::sync::mpsc::UnboundedReceiver<String>,
) -> tokio::task::JoinHandle<()> {
    let app = IMPORTS.restrict(app);
    tokio::spawn(async move {
        while let Some(body) = messages.recv().await {
            for attempt in 1..=5u32 {
                match crate::usecases::imports::work(&app, &body, None).await {
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(attempt, error = %e, "import run failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_functions_that_send_invitations_load_the_numbering_plans_at_init() {
        for function in FUNCTIONS {
            assert!(
                !function.warm_up_phone_numbers || function.messaging,
                "{} warms up phone numbers it never sends to",
                function.name
            );
        }
        let warming: Vec<_> = FUNCTIONS
            .iter()
            .filter(|f| f.warm_up_phone_numbers)
            .map(|f| f.name)
            .collect();
        // customers is left out on purpose: measured 20 ms more init for a function
        // whose cold requests are mostly reads.
        assert_eq!(warming, [ACCESSES.name, IMPORTS.name]);
    }

    #[test]
    fn each_function_reads_the_sender_the_pool_and_its_client_only_where_it_is_granted_them() {
        let reads: Vec<_> = FUNCTIONS
            .iter()
            .map(|f| {
                let r = f.reads();
                (f.name, r.sender, r.user_pool, r.sign_in_client)
            })
            .collect();
        assert_eq!(
            reads,
            [
                ("customers", true, true, false),
                ("accesses", true, false, false),
                ("authorisations", false, true, false),
                ("transactions", false, false, false),
                ("registration", false, true, true),
                ("deliveries", false, false, false),
                ("imports", true, false, false),
                ("schedule", true, false, false),
            ]
        );
    }
}

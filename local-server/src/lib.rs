//! The local server: every router of the product merged behind a verifier of locally signed
//! JWTs, plus the development endpoints (`/dev/login`, `/dev/outbox`, `/dev/specialists`) and
//! the web console's static files, answering only requests addressed to a loopback name.

pub mod auth;
pub mod aws;
pub mod dev;
pub mod host;
pub mod web;

use axum::Router;
use axum::routing::{get, post};
use shared::adapters::local_identity::LocalIdentity;
use shared::adapters::outbox::Outbox;
use shared::app::App;
use std::path::PathBuf;
use std::sync::Arc;

/// Where `/dev/outbox` reads what was sent.
pub enum Sent {
    Outbox(Arc<Outbox>),
    /// An emulator's record of SES and SNS calls (moto's `/moto-api/data.json`).
    Emulator(String),
}

pub struct Dev {
    pub sent: Sent,
    /// The application's clock, which `POST /dev/clock` moves forward.
    pub clock: Arc<shared::ports::SettableClock>,
    pub keys: auth::Keys,
    pub platform_admins: Vec<String>,
}

pub struct Options {
    pub web_dir: PathBuf,
}

/// The whole local application: API routers (the ones the functions ship, each on its
/// function's grants), development endpoints and static files, for loopback `Host`s only.
pub fn router(app: App, dev: Dev, options: Options) -> Router {
    let dev = Arc::new(dev);
    let state = Arc::new(app.clone());
    let dev_routes = Router::new()
        .route("/dev/login", post(dev::login))
        .route("/dev/outbox", get(dev::outbox))
        .route("/dev/mail-events", post(dev::mail_event))
        .route("/dev/specialists", get(dev::specialists))
        .route("/dev/clock", post(dev::clock))
        .route("/dev/run-scheduled", post(dev::run_scheduled))
        .with_state((state, dev.clone()))
        // Tokens and sent messages: kept by no cache, as the API's answers (which the
        // gateway's edge covers).
        .layer(axum::middleware::from_fn(
            shared::http::edge::security_headers,
        ));
    let web = web::router(options.web_dir);
    shared::functions::gateway(app)
        .merge(dev_routes)
        .merge(web)
        .layer(axum::middleware::from_fn_with_state(dev, auth::verify))
        .layer(axum::middleware::from_fn(host::only_loopback))
}

/// What the local server runs on.
pub struct Setup {
    pub portal_base_url: String,
    /// `None`: embedded store, outbox and local sign-ins.
    pub aws_endpoint: Option<String>,
    pub table: String,
    pub outbox_dir: Option<PathBuf>,
    pub web_dir: PathBuf,
    /// Which customers specialists see (`--access-model`, `ACCESS_MODEL`).
    pub access_model: shared::config::AccessModel,
}

/// The settings of the local server: the functions' variables where they apply, a fresh
/// cursor key per start.
fn settings(setup: &Setup) -> anyhow::Result<shared::config::Settings> {
    Ok(shared::config::Settings {
        portal_base_url: setup.portal_base_url.clone(),
        firm_name: std::env::var("FIRM_NAME").unwrap_or_else(|_| "Steuerkanzlei Muster".into()),
        invitation_ttl: std::time::Duration::from_secs(7 * 24 * 3600),
        cursor_key: {
            use rand::Rng;
            let mut k = [0u8; 32];
            rand::rng().fill(&mut k);
            k.to_vec()
        },
        // The same variables as the functions read, so that tests can raise or lower them.
        limits: shared::config::Limits::from_env(&|name| std::env::var(name).ok())?,
        issuers: shared::config::Issuers::local(),
        access_model: setup.access_model,
        due: shared::config::Due::from_env(
            &|name| std::env::var(name).ok(),
            std::time::Duration::from_secs(7 * 24 * 3600),
        )?,
    })
}

/// Builds the whole local application, seeds the specialist directory, and describes the
/// backend in one line.
pub async fn build(setup: Setup) -> anyhow::Result<(Router, String)> {
    use anyhow::Context;
    let settings = settings(&setup)?;
    let directory = shared::usecases::specialists::seeded_directory();
    // One clock for everything time-dependent in this process (use cases, outbox, tokens).
    let clock = Arc::new(shared::ports::SettableClock::default());
    let platform_admins = directory
        .iter()
        .filter(|(_, admin)| *admin)
        .map(|(s, _)| s.id.clone())
        .collect();
    let (app, sent, backend) = match &setup.aws_endpoint {
        None => {
            let outbox = Outbox::new(setup.outbox_dir.clone()).with_context(|| {
                format!("cannot create the outbox folder {:?}", setup.outbox_dir)
            })?;
            let outbox = Arc::new(outbox.with_clock(clock.clone()));
            let identity = Arc::new(LocalIdentity::new());
            let app = App {
                table: Arc::new(shared::adapters::memory::MemoryTable::new()),
                mailer: outbox.clone(),
                sms: outbox.clone(),
                identity: identity.clone(),
                queue: Arc::new(shared::adapters::not_granted::NotGranted("local-server")),
                clock: clock.clone(),
                settings,
            };
            let backend = match &setup.outbox_dir {
                Some(d) => format!(
                    "embedded in-memory store; outbox: {} (and GET /dev/outbox)",
                    d.display()
                ),
                None => "embedded in-memory store; outbox: GET /dev/outbox".into(),
            };
            (app, Sent::Outbox(outbox), backend)
        }
        Some(endpoint) => {
            let app = aws::connect(endpoint, &setup.table, settings).await?;
            let backend = format!(
                "AWS APIs at {endpoint} (table {}); GET /dev/outbox reads the emulator's record",
                setup.table
            );
            (app, Sent::Emulator(endpoint.clone()), backend)
        }
    };
    // The import worker runs in this process, on the in-process queue.
    let (queue, messages) = shared::adapters::in_process_queue::InProcessQueue::new();
    let mut app = app;
    app.queue = Arc::new(queue);
    app.clock = clock.clone();
    shared::functions::run_import_worker(app.clone(), messages);
    // As the schedule does in AWS: the scheduled work every minute, in this process.
    shared::functions::run_schedule_every(app.clone(), std::time::Duration::from_secs(60));
    let app_issuers = app.settings.issuers.clone();
    let seeds: Vec<_> = directory.iter().map(|(s, _)| s.clone()).collect();
    shared::usecases::specialists::seed(&app, &seeds)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the specialist directory failed: {e}"))?;
    let router = router(
        app,
        Dev {
            sent,
            keys: auth::Keys::generate(&app_issuers, clock.clone()),
            clock,
            platform_admins,
        },
        Options {
            web_dir: setup.web_dir,
        },
    );
    Ok((router, backend))
}

//! The local server: every router of the product merged behind a verifier of locally signed
//! JWTs, plus the development endpoints (`/dev/login`, `/dev/outbox`, `/dev/specialists`) and
//! the web console's static files.

pub mod auth;
pub mod web;

use axum::Router;
use axum::routing::{get, post};
use shared::adapters::local_identity::LocalIdentity;
use shared::adapters::outbox::Outbox;
use shared::app::App;
use shared::domain::{EmailAddress, Specialist, Text};
use std::path::PathBuf;
use std::sync::Arc;

/// The seeded specialist directory: `anna` and `ben` are specialists, `root` is also a
/// platform admin.
pub fn seed_directory() -> Vec<(Specialist, bool)> {
    [
        ("anna", "Anna Albers", "anna@kanzlei.example.com", false),
        ("ben", "Ben Brandt", "ben@kanzlei.example.com", false),
        ("root", "Rita Root", "root@kanzlei.example.com", true),
    ]
    .into_iter()
    .map(|(id, name, email, admin)| {
        (
            Specialist {
                id: id.into(),
                name: Text::parse(name, 100).expect("seed name"),
                email: EmailAddress::parse(email).expect("seed e-mail"),
            },
            admin,
        )
    })
    .collect()
}

/// How end users' passwords are checked by `/dev/login`.
pub enum SignIns {
    /// Argon2id hashes in memory (the embedded default).
    Local(Arc<LocalIdentity>),
    /// Cognito (or moto's Cognito) through `AdminInitiateAuth`.
    Cognito {
        client: aws_sdk_cognitoidentityprovider::Client,
        pool_id: String,
        client_id: String,
    },
}

pub struct Dev {
    pub outbox: Option<Arc<Outbox>>,
    pub sign_ins: SignIns,
    pub keys: auth::Keys,
    pub platform_admins: Vec<String>,
}

pub struct Options {
    pub web_dir: PathBuf,
}

/// The whole local application: API routers (the ones the functions ship), development
/// endpoints and static files.
pub fn router(app: App, dev: Dev, options: Options) -> Router {
    let dev = Arc::new(dev);
    let api = shared::http::all_routers();
    let state = Arc::new(app.clone());
    let dev_routes = Router::new()
        .route("/dev/login", post(auth::login))
        .route("/dev/outbox", get(auth::outbox))
        .route("/dev/specialists", get(auth::specialists))
        .with_state((state, dev.clone()));
    let web = web::router(options.web_dir);
    shared::http::finish(api, app)
        .merge(dev_routes)
        .merge(web)
        .layer(axum::middleware::from_fn_with_state(dev, auth::verify))
}

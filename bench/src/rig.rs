//! What the init, memory and cold rows share: the release binaries' rig (their seeded table on
//! moto, the user pool, the events), the runs to start, and sampling their starts against a
//! mock Lambda Runtime API.

use crate::Bench;
use crate::report::median;
use crate::runtime::{self, Started};
use anyhow::{Context, Result, bail};
use axum::body::Bytes;
use shared::adapters::dynamo::DynamoTable;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub(crate) const FLOOR: &str = "bench-floor";

/// Reference (b) of the cold rows: `bench/default-sdk`, built on its own.
pub(crate) const DEFAULT_SDK: &str = "bench-default-sdk";

/// Functions whose start gets freshly seeded fixtures: the accesses PATCH re-invites (and so
/// revokes the invitation that the registration event inspects).
const RESEED: &[&str] = &["accesses", "registration"];

/// One extra environment variable (name, value); it replaces one of Lambda's of that name.
type EnvVar = (String, String);

/// One start to sample in each round: which binary, with which extra environment, and
/// whether its invokes run under the 128 MB CPU quota (the group's `cgroup.procs`).
pub(crate) struct Run {
    pub label: String,
    pub binary: &'static str,
    /// Another build of `binary` than the one under test.
    pub path: Option<PathBuf>,
    pub env: Vec<EnvVar>,
    pub throttle: Option<PathBuf>,
}

impl Run {
    pub fn plain(label: &str, binary: &'static str) -> Run {
        Run {
            label: label.to_owned(),
            binary,
            path: None,
            env: Vec::new(),
            throttle: None,
        }
    }
}

const SES_FROM: &str = "no-reply@kanzlei.example.com";

/// Each function and the event that represents it (read-only where the function has a read;
/// the accesses function has only writes: its PATCH answers 200 again and again).
pub(crate) const FUNCTIONS: &[(&str, &str)] = &[
    (FLOOR, "customers-get.json"),
    ("customers", "customers-get.json"),
    ("accesses", "accesses-update.json"),
    ("authorisations", "authorisations-get.json"),
    ("registration", "registrations-inspect.json"),
    ("transactions", "transactions-get.json"),
];

/// What starting the binaries needs: their seeded table on moto, the user pool, the events.
pub(crate) struct Rig<'a> {
    pub bench: &'a Bench,
    bin_dir: &'a Path,
    table: Arc<DynamoTable>,
    /// The end users' pool and its sign-in client.
    pool: (String, String),
    pub events: BTreeMap<&'static str, Bytes>,
}

impl<'a> Rig<'a> {
    pub async fn prepare(bench: &'a Bench) -> Result<Rig<'a>> {
        let bin_dir = bench
            .args
            .x86_bin
            .as_ref()
            .context("--x86-bin DIR is needed for init and memory")?;
        let conf = &bench.conf;
        let (table, _requests, _admin) =
            crate::dynamo::fresh_table(conf, "bench-functions").await?;
        crate::fixtures::seed(table.as_ref()).await?;
        shared::adapters::ses::ensure_identity(&aws_sdk_sesv2::Client::new(conf), SES_FROM).await?;
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(conf);
        let pool = shared::adapters::cognito::ensure_user_pool(&cognito, "bench-pool").await?;
        let client =
            shared::adapters::cognito::ensure_sign_in_client(&cognito, &pool, "bench-registration")
                .await?;
        let pool = (pool, client);
        let mut events = BTreeMap::new();
        for (name, file) in FUNCTIONS {
            let raw = std::fs::read(bench.root.join("events").join(file))
                .with_context(|| format!("events/{file}"))?;
            events.insert(*name, Bytes::from(raw));
        }
        events.insert(DEFAULT_SDK, events[FLOOR].clone());
        let rig = Rig {
            bench,
            bin_dir,
            table,
            pool,
            events,
        };
        for (name, _) in FUNCTIONS {
            if !rig.bin(name).is_file() {
                bail!(
                    "{} is missing: build it first (scripts/bench.sh does)",
                    rig.bin(name).display()
                );
            }
            let _ = std::fs::remove_file(rig.log(name));
        }
        Ok(rig)
    }

    pub fn bin(&self, name: &str) -> PathBuf {
        match (name, &self.bench.args.default_sdk) {
            (DEFAULT_SDK, Some(path)) => path.clone(),
            _ => self.bin_dir.join(name),
        }
    }

    fn log(&self, name: &str) -> PathBuf {
        self.bench.work.join("logs").join(format!("{name}.log"))
    }

    /// Starts `run` with Lambda's environment (and its extra variables), on freshly seeded
    /// fixtures where the function needs them.
    pub async fn start(&self, run: &Run) -> Result<Started> {
        let name = run.binary;
        if RESEED.contains(&name) {
            crate::fixtures::seed(self.table.as_ref()).await?;
            crate::fixtures::clear_limits(&self.bench.conf, self.table.name()).await?;
        }
        let mut env = env_for(name, &self.bench.args.moto, self.table.name(), &self.pool);
        for (k, v) in &run.env {
            env.retain(|(name, _)| name != k);
            env.push((k.clone(), v.clone()));
        }
        let log = self.log(name);
        let bin = run.path.clone().unwrap_or_else(|| self.bin(name));
        runtime::start(&bin, &env, &log, run.throttle.as_deref()).await
    }
}

fn env_for(
    name: &str,
    moto: &str,
    table: &str,
    (pool, client): &(String, String),
) -> Vec<(String, String)> {
    let issuers = shared::fixtures::event_issuers();
    // Read at init by the functions that start imports; no benchmarked event sends to it.
    let import_queue = format!("{moto}/123456789012/bench-imports");
    [
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ("LANG", "en_US.UTF-8"),
        ("TZ", ":UTC"),
        ("AWS_LAMBDA_FUNCTION_NAME", name),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/bench"),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "bench"),
        ("AWS_REGION", "eu-central-1"),
        ("AWS_DEFAULT_REGION", "eu-central-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_SESSION_TOKEN", "test"),
        ("AWS_ENDPOINT_URL", moto),
        ("TABLE_NAME", table),
        ("CURSOR_KEY", crate::CURSOR_KEY),
        ("PORTAL_BASE_URL", "https://portal.example.com"),
        ("FIRM_NAME", "Steuerkanzlei Muster"),
        ("SES_FROM_ADDRESS", SES_FROM),
        ("END_USER_POOL_ID", pool.as_str()),
        ("END_USER_POOL_CLIENT_ID", client.as_str()),
        ("STAFF_ISSUER", issuers.staff.as_str()),
        ("END_USER_ISSUER", issuers.end_user.as_str()),
        ("IMPORT_QUEUE_URL", import_queue.as_str()),
        // The abuse limits raised as the contract lets tests raise them: the peak-RSS rows send
        // 1,000 requests a minute from one address (tests/api/limits.rs tests the limits).
        ("LIMIT_INVITATIONS_PER_SPECIALIST", "100000"),
        ("LIMIT_SMS_PER_NUMBER", "100000"),
        ("LIMIT_REGISTRATION_REQUESTS_PER_MINUTE", "100000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

#[derive(Default)]
pub(crate) struct Samples {
    pub init: Vec<Duration>,
    pub first: Vec<Duration>,
    pub warm: Vec<Duration>,
    /// Exec to the first response posted.
    pub cold: Vec<Duration>,
    pub status: Vec<Result<u16, String>>,
    /// Why a start was not moved into the quota group, if one was not.
    pub not_throttled: Vec<String>,
}

/// One start: its init, first invoke, the median of five warm invokes and every answer.
struct Start {
    init: Duration,
    first: Duration,
    warm: Duration,
    cold: Duration,
    status: Vec<Result<u16, String>>,
    throttled: Option<Result<(), String>>,
}

/// Starts every run once per round, interleaved so that the machine's drift spreads over all
/// of them; round 0 warms the caches and is left out.
pub(crate) async fn sample_starts(
    rig: &Rig<'_>,
    runs: &[Run],
) -> Result<BTreeMap<String, Samples>> {
    let mut samples: BTreeMap<String, Samples> = BTreeMap::new();
    for round in 0..=rig.bench.args.starts {
        for run in runs {
            let start = start_once(rig, run).await?;
            if round == 0 {
                continue;
            }
            let s = samples.entry(run.label.clone()).or_default();
            s.init.push(start.init);
            s.first.push(start.first);
            s.warm.push(start.warm);
            s.cold.push(start.cold);
            s.status.extend(start.status);
            if let Some(Err(e)) = start.throttled {
                s.not_throttled.push(e);
            }
        }
    }
    Ok(samples)
}

async fn start_once(rig: &Rig<'_>, run: &Run) -> Result<Start> {
    let event = &rig.events[run.binary];
    let mut p = rig.start(run).await?;
    let first = p.invoke(event).await?;
    let mut warm = Vec::new();
    let mut status = vec![first.status];
    for _ in 0..5 {
        let w = p.invoke(event).await?;
        warm.push(w.duration);
        status.push(w.status);
    }
    let init = p.init;
    let cold = first.at.duration_since(p.exec);
    let throttled = match (&run.throttle, p.throttled()) {
        (Some(_), None) => Some(Err("no event was handed out".to_owned())),
        (_, t) => t,
    };
    p.stop().await;
    Ok(Start {
        init,
        first: first.duration,
        warm: median(&warm),
        cold,
        status,
        throttled,
    })
}

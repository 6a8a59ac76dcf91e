//! The release binaries: init, first and warm invokes and peak memory against a mock Lambda
//! Runtime API (next to the bare `lambda_http` + axum floor), and their sizes.

use crate::Bench;
use crate::report::{Table, all_2xx, mb, median, mib, ms, statuses, thousands, yes};
use crate::runtime::{self, Started};
use anyhow::{Context, Result, bail};
use axum::body::Bytes;
use shared::adapters::dynamo::DynamoTable;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub(crate) const FLOOR: &str = "bench-floor";

/// Issue 17's targets: init at most 1.3x the floor's, peak RSS at most 10 MiB, and the zip
/// Lambda deploys (arm64) at most 3.0 MB.
const INIT_RATIO_TARGET: f64 = 1.3;
const RSS_TARGET_MIB: u64 = 10;
const ZIP_TARGET: &str = "arm64 zip ≤ 3.0 MB";
const ZIP_TARGET_BYTES: u64 = 3_000_000;

/// Reference (b) of the cold rows: `bench/default-sdk`, built on its own.
pub(crate) const DEFAULT_SDK: &str = "bench-default-sdk";
/// Functions whose start gets freshly seeded fixtures: the accesses PATCH re-invites (and so
/// revokes the invitation that the registration event inspects).
const RESEED: &[&str] = &["accesses", "registration"];
/// The extra init run of `customers` with `SSL_CERT_FILE` set to the system bundle.
const CERT_FILE_RUN: &str = "customers with SSL_CERT_FILE";
const CERT_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";
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
    fn plain(label: &str, binary: &'static str) -> Run {
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
    events: BTreeMap<&'static str, Bytes>,
}

impl<'a> Rig<'a> {
    async fn prepare(bench: &'a Bench) -> Result<Rig<'a>> {
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
    async fn start(&self, run: &Run) -> Result<Started> {
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

/// The "init" and "peak RSS" rows, on one seeded table.
pub async fn init_and_memory(bench: &Bench, table: &mut Table) -> Result<()> {
    let rig = Rig::prepare(bench).await?;
    if bench.args.on("init") || bench.args.on("cold") {
        init(&rig, table).await?;
    }
    if bench.args.on("memory") {
        memory(&rig, table).await?;
    }
    Ok(())
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

async fn init(rig: &Rig<'_>, table: &mut Table) -> Result<()> {
    eprintln!(
        "bench: init, {} starts of each binary (interleaved, one discarded warm-up round)",
        rig.bench.args.starts
    );
    let mut runs = if rig.bench.args.on("init") {
        init_runs()
    } else {
        Vec::new()
    };
    let cold = crate::cold::Cold::prepare(rig);
    runs.extend(cold.runs());
    let samples = sample_starts(rig, &runs).await?;
    if rig.bench.args.on("init") {
        init_rows(&samples, table);
    }
    cold.rows(&samples, table);
    Ok(())
}

/// Each function, and once more `customers` with the root certificates read from one bundle
/// file instead of the whole system directory (as on Lambda's provided.al2023, whose
/// certificate directory holds a few bundle files): (label, binary, extra variable).
fn init_runs() -> Vec<Run> {
    let mut runs: Vec<_> = FUNCTIONS.iter().map(|(n, _)| Run::plain(n, n)).collect();
    if Path::new(CERT_BUNDLE).is_file() {
        let mut run = Run::plain(CERT_FILE_RUN, "customers");
        run.env
            .push(("SSL_CERT_FILE".to_owned(), CERT_BUNDLE.to_owned()));
        runs.push(run);
    }
    runs
}

/// Starts every run once per round, interleaved so that the machine's drift spreads over all
/// of them; round 0 warms the caches and is left out.
async fn sample_starts(rig: &Rig<'_>, runs: &[Run]) -> Result<BTreeMap<String, Samples>> {
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

fn init_rows(samples: &BTreeMap<String, Samples>, table: &mut Table) {
    let floor = median(&samples[FLOOR].init);
    let mut rows: Vec<(&str, &str)> = FUNCTIONS.to_vec();
    if samples.contains_key(CERT_FILE_RUN) {
        rows.push((CERT_FILE_RUN, "customers-get.json"));
    }
    for (name, file) in &rows {
        let s = &samples[*name];
        let init = median(&s.init);
        let ratio = init.as_secs_f64() / floor.as_secs_f64();
        let measured = format!(
            "init {} = **{ratio:.2}x** floor · first invoke {} · warm {} · answered {}",
            ms(init),
            ms(median(&s.first)),
            ms(median(&s.warm)),
            statuses(&s.status)
        );
        if *name == FLOOR {
            table.row(
                "init",
                format!("`{FLOOR}` (the floor), {file}"),
                measured.replace(" = **1.00x** floor", ""),
                "—",
                if all_2xx(&s.status) {
                    "—"
                } else {
                    "**no answer**"
                },
            );
        } else {
            table.row(
                "init",
                format!("`{name}`, {file}"),
                measured,
                format!("init ≤ {INIT_RATIO_TARGET}x floor"),
                if all_2xx(&s.status) {
                    yes(ratio <= INIT_RATIO_TARGET).to_owned()
                } else {
                    "**not 2xx**".to_owned()
                },
            );
        }
    }
}

async fn memory(rig: &Rig<'_>, table: &mut Table) -> Result<()> {
    let invokes = rig.bench.args.invokes;
    eprintln!("bench: memory, 1 + {invokes} invokes of each binary");
    for (name, file) in FUNCTIONS {
        let event = &rig.events[name];
        let mut p = rig.start(&Run::plain(name, name)).await?;
        let first = p.invoke(event).await?;
        let after_first = p.peak_rss()?;
        let mut st = vec![first.status];
        let mut warm = Vec::with_capacity(invokes);
        for _ in 0..invokes {
            let w = p.invoke(event).await?;
            warm.push(w.duration);
            st.push(w.status);
        }
        let peak = p.peak_rss()?;
        p.stop().await;
        let target = if *name == FLOOR {
            "—".to_owned()
        } else {
            format!("≤ {RSS_TARGET_MIB} MiB")
        };
        let met = if *name == FLOOR {
            "—".to_owned()
        } else if all_2xx(&st) {
            yes(peak <= RSS_TARGET_MIB * 1024 * 1024).to_owned()
        } else {
            "**not 2xx**".to_owned()
        };
        table.row(
            "peak RSS",
            format!("`{name}`, {file}, {} warm invokes", thousands(invokes)),
            format!(
                "VmHWM **{}** (after the first invoke {}) · warm p50 {} · answered {}",
                mib(peak),
                mib(after_first),
                ms(median(&warm)),
                statuses(&st)
            ),
            target,
            met,
        );
    }
    Ok(())
}

/// The "size" rows: bootstrap and zip per function and architecture.
pub fn size(bench: &Bench, table: &mut Table) {
    let args = &bench.args;
    for (arch, bins, zips) in [
        ("x86_64", &args.x86_bin, &args.x86_zip),
        ("arm64", &args.arm_bin, &args.arm_zip),
    ] {
        match (bins, zips) {
            (Some(bins), Some(zips)) => sizes_of(arch, bins, zips, table),
            _ if arch == "arm64" => table.row(
                "size",
                "arm64",
                args.arm_note
                    .clone()
                    .unwrap_or_else(|| "arm64: not built".into()),
                ZIP_TARGET,
                "—",
            ),
            _ => {}
        }
    }
}

/// The zip target holds for arm64, the architecture the template deploys; x86_64 is shown
/// beside it.
fn sizes_of(arch: &str, bins: &Path, zips: &Path, table: &mut Table) {
    for (name, _) in FUNCTIONS {
        let bootstrap = std::fs::metadata(bins.join(name)).map(|m| m.len());
        let zip = std::fs::metadata(zips.join(name).join("bootstrap.zip")).map(|m| m.len());
        let judged = *name != FLOOR && arch == "arm64";
        match (bootstrap, zip) {
            (Ok(b), Ok(z)) => table.row(
                "size",
                format!("`{name}` {arch}"),
                format!("bootstrap {} · zip **{}**", mb(b), mb(z)),
                if judged { ZIP_TARGET } else { "—" },
                if judged {
                    yes(z <= ZIP_TARGET_BYTES)
                } else {
                    "—"
                },
            ),
            _ => table.row(
                "size",
                format!("`{name}` {arch}"),
                "not built",
                if judged { ZIP_TARGET } else { "—" },
                if judged { "**no**" } else { "—" },
            ),
        }
    }
}

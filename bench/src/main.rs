//! The benchmark command. `scripts/bench.sh` builds what it needs, starts moto and runs this;
//! it prints one table (Markdown) with every figure of `docs/performance.md`.
//!
//! usage: bench --moto URL --x86-bin DIR --x86-zip DIR [--arm-bin DIR --arm-zip DIR | --arm-note TEXT]
//!              [--local-server PATH] [--starts N] [--invokes N] [--scale N] [--scale-budget SECS]
//!              [--transactions N] [--load-secs N] [--sections LIST] [--out FILE]
//!
//! `--x86-bin` holds the release binaries (`customers`, …, `bench-floor`), `--x86-zip` the
//! `cargo lambda build --output-format zip` folders (`NAME/bootstrap.zip`). `--sections` is a
//! comma-separated subset of init,size,memory,trips,scale,delete,load,rng (default: all).

mod dynamo;
mod fixtures;
mod load;
mod runtime;

use anyhow::{Context, Result, bail};
use axum::body::Bytes;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const CURSOR_KEY: &str = "bench-cursor-key-bench-cursor-key-0123456789";
const FLOOR: &str = "bench-floor";
/// Functions whose start gets freshly seeded fixtures: the accesses PATCH re-invites (and so
/// revokes the invitation that the registration event inspects).
const RESEED: &[&str] = &["accesses", "registration"];
/// The extra init run of `customers` with `SSL_CERT_FILE` set to the system bundle.
const CERT_FILE_RUN: &str = "customers with SSL_CERT_FILE";
const CERT_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";
/// One extra environment variable (name, value).
type EnvVar = (&'static str, &'static str);
const SES_FROM: &str = "no-reply@kanzlei.example.com";

/// Each function and the event that represents it (read-only where the function has a read;
/// the accesses function has only writes: its PATCH answers 200 again and again).
const FUNCTIONS: &[(&str, &str)] = &[
    (FLOOR, "customers-get.json"),
    ("customers", "customers-get.json"),
    ("accesses", "accesses-update.json"),
    ("authorisations", "authorisations-get.json"),
    ("registration", "registrations-inspect.json"),
    ("transactions", "transactions-get.json"),
];

struct Args {
    moto: String,
    x86_bin: Option<PathBuf>,
    x86_zip: Option<PathBuf>,
    arm_bin: Option<PathBuf>,
    arm_zip: Option<PathBuf>,
    arm_note: Option<String>,
    local_server: Option<PathBuf>,
    starts: usize,
    invokes: usize,
    scale: usize,
    scale_budget: Duration,
    transactions: usize,
    load_secs: u64,
    sections: Vec<String>,
    out: Option<PathBuf>,
    root: PathBuf,
}

fn parse_args() -> Result<Args> {
    let mut a = Args {
        moto: std::env::var("MOTO_ENDPOINT").unwrap_or_default(),
        x86_bin: None,
        x86_zip: None,
        arm_bin: None,
        arm_zip: None,
        arm_note: None,
        local_server: None,
        starts: 20,
        invokes: 1_000,
        scale: 100_000,
        scale_budget: Duration::from_secs(300),
        transactions: 1_000,
        load_secs: 10,
        sections: [
            "init", "size", "memory", "trips", "scale", "delete", "load", "rng",
        ]
        .map(String::from)
        .to_vec(),
        out: None,
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--moto" => a.moto = value()?,
            "--x86-bin" => a.x86_bin = Some(value()?.into()),
            "--x86-zip" => a.x86_zip = Some(value()?.into()),
            "--arm-bin" => a.arm_bin = Some(value()?.into()),
            "--arm-zip" => a.arm_zip = Some(value()?.into()),
            "--arm-note" => a.arm_note = Some(value()?),
            "--local-server" => a.local_server = Some(value()?.into()),
            "--starts" => a.starts = value()?.parse()?,
            "--invokes" => a.invokes = value()?.parse()?,
            "--scale" => a.scale = value()?.parse()?,
            "--scale-budget" => a.scale_budget = Duration::from_secs(value()?.parse()?),
            "--transactions" => a.transactions = value()?.parse()?,
            "--load-secs" => a.load_secs = value()?.parse()?,
            "--sections" => a.sections = value()?.split(',').map(|s| s.trim().to_owned()).collect(),
            "--out" => a.out = Some(value()?.into()),
            "--root" => a.root = value()?.into(),
            "--probe-rng" => {
                probe_rng();
                std::process::exit(0);
            }
            "--probe-phone" => {
                probe_phone();
                std::process::exit(0);
            }
            "-h" | "--help" => {
                println!(
                    "{}",
                    include_str!("main.rs")
                        .lines()
                        .take_while(|l| l.starts_with("//!"))
                        .map(|l| l.trim_start_matches("//!").trim_start())
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other} (see --help)"),
        }
    }
    a.moto = a.moto.trim().trim_end_matches('/').to_owned();
    Ok(a)
}

/// Runs this harness with `flag` in 5 fresh processes, each printing `N` durations in
/// nanoseconds, and returns their medians (a process that prints anything else is left out).
fn probe<const N: usize>(exe: &Path, flag: &str) -> Result<[Duration; N]> {
    let mut samples: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..5 {
        let out = std::process::Command::new(exe).arg(flag).output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let v: Vec<u64> = text
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        if v.len() == N {
            for (column, nanos) in samples.iter_mut().zip(v) {
                column.push(Duration::from_nanos(nanos));
            }
        }
    }
    Ok(std::array::from_fn(|i| median(&samples[i])))
}

pub fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    if v.is_empty() {
        return Duration::ZERO;
    }
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.2} ms")
    } else {
        format!("{m:.1} ms")
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "**no**" }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

struct Row {
    section: &'static str,
    subject: String,
    measured: String,
    target: String,
    met: String,
}

struct Table(Vec<Row>);

impl Table {
    fn row(
        &mut self,
        section: &'static str,
        subject: impl Into<String>,
        measured: impl Into<String>,
        target: impl Into<String>,
        met: impl Into<String>,
    ) {
        let row = Row {
            section,
            subject: subject.into(),
            measured: measured.into(),
            target: target.into(),
            met: met.into(),
        };
        eprintln!(
            "  {} | {} | {} | {} | {}",
            row.section, row.subject, row.measured, row.target, row.met
        );
        self.0.push(row);
    }

    fn markdown(&self) -> String {
        let mut s =
            String::from("| figure | subject | measured | target | met |\n|---|---|---|---|---|\n");
        for r in &self.0 {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                r.section, r.subject, r.measured, r.target, r.met
            ));
        }
        s
    }
}

/// Runs in a process of its own (`--probe-rng`): what aws-lc's first random bytes cost.
fn probe_rng() {
    let t0 = Instant::now();
    let mut buf = [0u8; 32];
    aws_lc_rs::rand::fill(&mut buf).expect("random bytes");
    let first = t0.elapsed();
    let t1 = Instant::now();
    aws_lc_rs::rand::fill(&mut buf).expect("random bytes");
    let second = t1.elapsed();
    let thread = std::thread::spawn(|| {
        let t = Instant::now();
        let mut buf = [0u8; 32];
        aws_lc_rs::rand::fill(&mut buf).expect("random bytes");
        t.elapsed()
    })
    .join()
    .expect("thread");
    println!(
        "{} {} {}",
        first.as_nanos(),
        second.as_nanos(),
        thread.as_nanos()
    );
}

/// Runs in a process of its own (`--probe-phone`): the first mobile number a process parses
/// loads the `phonenumber` metadata.
fn probe_phone() {
    let t0 = Instant::now();
    let _ = shared::domain::MobileNumber::parse("0170 1234567");
    let first = t0.elapsed();
    let t1 = Instant::now();
    let _ = shared::domain::MobileNumber::parse("0171 7654321");
    let second = t1.elapsed();
    println!("{} {}", first.as_nanos(), second.as_nanos());
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map(|kb| format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|o| {
            o.lines().find(|l| l.starts_with("PRETTY_NAME=")).map(|l| {
                l.trim_start_matches("PRETTY_NAME=")
                    .trim_matches('"')
                    .to_owned()
            })
        })
        .unwrap_or_default();
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {mem} RAM, {os}, Linux {}, {rustc}",
        kernel.trim()
    )
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn env_for(name: &str, moto: &str, table: &str, pool: &str) -> Vec<(String, String)> {
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
        ("CURSOR_KEY", CURSOR_KEY),
        ("PORTAL_BASE_URL", "https://portal.example.com"),
        ("FIRM_NAME", "Steuerkanzlei Muster"),
        ("SES_FROM_ADDRESS", SES_FROM),
        ("USER_POOL_ID", pool),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn statuses(s: &[Result<u16, String>]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in s {
        let k = match r {
            Ok(c) => c.to_string(),
            Err(e) => e.chars().take(80).collect(),
        };
        *counts.entry(k).or_default() += 1;
    }
    if counts.len() == 1 {
        return counts.into_keys().next().unwrap_or_default();
    }
    counts
        .into_iter()
        .map(|(k, n)| format!("{n}× {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn all_2xx(s: &[Result<u16, String>]) -> bool {
    s.iter()
        .all(|r| matches!(r, Ok(c) if (200..300).contains(c)))
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let on = |s: &str| args.sections.iter().any(|x| x == s);
    let root = args.root.canonicalize().context("project root")?;
    let work = root.join("bench-results");
    std::fs::create_dir_all(work.join("logs"))?;
    let machine = machine();
    let load_before = loadavg();
    let started = Instant::now();
    eprintln!("bench: {machine}; load average {load_before}");
    let mut table = Table(Vec::new());

    let needs_moto = ["init", "memory", "trips", "scale", "delete"]
        .iter()
        .any(|s| on(s));
    if needs_moto && args.moto.is_empty() {
        bail!("--moto URL (or MOTO_ENDPOINT) is needed; scripts/bench.sh starts moto");
    }
    let conf = dynamo::sdk_config(if args.moto.is_empty() {
        "http://127.0.0.1:1"
    } else {
        &args.moto
    })
    .await;

    // --- Init, invokes and memory: the release binaries against a mock Runtime API. -------
    if on("init") || on("memory") {
        let bin_dir = args
            .x86_bin
            .as_ref()
            .context("--x86-bin DIR is needed for init and memory")?;
        let (fn_table, _admin) = dynamo::fresh_table(&conf, "bench-functions").await?;
        fixtures::seed(fn_table.as_ref()).await?;
        shared::adapters::ses::ensure_identity(&aws_sdk_sesv2::Client::new(&conf), SES_FROM)
            .await?;
        let pool = shared::adapters::cognito::ensure_user_pool(
            &aws_sdk_cognitoidentityprovider::Client::new(&conf),
            "bench-pool",
        )
        .await?;
        let mut events = BTreeMap::new();
        for (name, file) in FUNCTIONS {
            let raw = std::fs::read(root.join("events").join(file))
                .with_context(|| format!("events/{file}"))?;
            events.insert(*name, Bytes::from(raw));
        }
        let bin = |name: &str| bin_dir.join(name);
        for (name, _) in FUNCTIONS {
            if !bin(name).is_file() {
                bail!(
                    "{} is missing: build it first (scripts/bench.sh does)",
                    bin(name).display()
                );
            }
        }
        let log = |name: &str| work.join("logs").join(format!("{name}.log"));
        for (name, _) in FUNCTIONS {
            let _ = std::fs::remove_file(log(name));
        }

        if on("init") {
            eprintln!(
                "bench: init, {} starts of each binary (interleaved, one discarded warm-up round)",
                args.starts
            );
            #[derive(Default)]
            struct Samples {
                init: Vec<Duration>,
                first: Vec<Duration>,
                warm: Vec<Duration>,
                status: Vec<Result<u16, String>>,
            }
            // Each function, and once more `customers` with the root certificates read from
            // one bundle file instead of the whole system directory (as on Lambda's
            // provided.al2023, whose certificate directory holds a few bundle files).
            let mut runs: Vec<(&str, &str, Option<EnvVar>)> =
                FUNCTIONS.iter().map(|(n, _)| (*n, *n, None)).collect();
            if std::path::Path::new(CERT_BUNDLE).is_file() {
                runs.push((
                    CERT_FILE_RUN,
                    "customers",
                    Some(("SSL_CERT_FILE", CERT_BUNDLE)),
                ));
            }
            let mut samples: BTreeMap<&str, Samples> = BTreeMap::new();
            for round in 0..=args.starts {
                for (label, name, extra) in &runs {
                    if RESEED.contains(name) {
                        fixtures::seed(fn_table.as_ref()).await?;
                    }
                    let mut env = env_for(name, &args.moto, fn_table.name(), &pool);
                    if let Some((k, v)) = extra {
                        env.push((k.to_string(), v.to_string()));
                    }
                    let mut p = runtime::start(&bin(name), &env, &log(name)).await?;
                    let first = p.invoke(&events[name]).await?;
                    let mut warm = Vec::new();
                    let mut st = vec![first.status.clone()];
                    for _ in 0..5 {
                        let w = p.invoke(&events[name]).await?;
                        warm.push(w.duration);
                        st.push(w.status);
                    }
                    let init = p.init;
                    p.stop().await;
                    if round == 0 {
                        continue;
                    }
                    let s = samples.entry(*label).or_default();
                    s.init.push(init);
                    s.first.push(first.duration);
                    s.warm.push(median(&warm));
                    s.status.extend(st);
                }
            }
            let floor = median(&samples[FLOOR].init);
            let mut rows: Vec<(&str, &str)> = FUNCTIONS.to_vec();
            if samples.contains_key(CERT_FILE_RUN) {
                rows.push((CERT_FILE_RUN, "customers-get.json"));
            }
            for (name, file) in &rows {
                let s = &samples[name];
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
                        "init ≤ 1.5x floor",
                        if all_2xx(&s.status) {
                            yes(ratio <= 1.5).to_owned()
                        } else {
                            "**not 2xx**".to_owned()
                        },
                    );
                }
            }
        }

        if on("memory") {
            eprintln!("bench: memory, 1 + {} invokes of each binary", args.invokes);
            for (name, file) in FUNCTIONS {
                if RESEED.contains(name) {
                    fixtures::seed(fn_table.as_ref()).await?;
                }
                let env = env_for(name, &args.moto, fn_table.name(), &pool);
                let mut p = runtime::start(&bin(name), &env, &log(name)).await?;
                let first = p.invoke(&events[name]).await?;
                let after_first = p.peak_rss()?;
                let mut st = vec![first.status];
                let mut warm = Vec::with_capacity(args.invokes);
                for _ in 0..args.invokes {
                    let w = p.invoke(&events[name]).await?;
                    warm.push(w.duration);
                    st.push(w.status);
                }
                let peak = p.peak_rss()?;
                p.stop().await;
                let target = if *name == FLOOR { "—" } else { "≤ 12 MiB" };
                let met = if *name == FLOOR {
                    "—".to_owned()
                } else if all_2xx(&st) {
                    yes(peak <= 12 * 1024 * 1024).to_owned()
                } else {
                    "**not 2xx**".to_owned()
                };
                table.row(
                    "peak RSS",
                    format!("`{name}`, {file}, {} warm invokes", thousands(args.invokes)),
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
        }
    }

    // --- Size: bootstrap and zip per function and architecture. -----------------------------
    if on("size") {
        for (arch, bins, zips) in [
            ("x86_64", &args.x86_bin, &args.x86_zip),
            ("arm64", &args.arm_bin, &args.arm_zip),
        ] {
            let (Some(bins), Some(zips)) = (bins, zips) else {
                if arch == "arm64" {
                    table.row(
                        "size",
                        "arm64",
                        args.arm_note
                            .clone()
                            .unwrap_or_else(|| "arm64: not built".into()),
                        "zip ≤ 4 MB",
                        "—",
                    );
                }
                continue;
            };
            for (name, _) in FUNCTIONS {
                let bootstrap = std::fs::metadata(bins.join(name)).map(|m| m.len());
                let zip = std::fs::metadata(zips.join(name).join("bootstrap.zip")).map(|m| m.len());
                match (bootstrap, zip) {
                    (Ok(b), Ok(z)) => table.row(
                        "size",
                        format!("`{name}` {arch}"),
                        format!("bootstrap {} · zip **{}**", mb(b), mb(z)),
                        if *name == FLOOR {
                            "—"
                        } else {
                            "zip ≤ 4 MB"
                        },
                        if *name == FLOOR {
                            "—"
                        } else {
                            yes(z <= 4_000_000)
                        },
                    ),
                    _ => table.row(
                        "size",
                        format!("`{name}` {arch}"),
                        "not built",
                        "zip ≤ 4 MB",
                        "**no**",
                    ),
                }
            }
        }
    }

    // --- aws-lc's first random bytes (CPU-jitter entropy seeding). ---------------------------
    if on("rng") {
        let exe = std::env::current_exe()?;
        let [first, next, thread] = probe::<3>(&exe, "--probe-rng")?;
        table.row(
            "TLS entropy",
            "aws-lc first random bytes in a process (CPU-jitter seeding; paid at the first TLS handshake)",
            format!("first {} · next {} · first on a new thread {} (median of 5 processes)", ms(first), ms(next), ms(thread)),
            "—",
            "—",
        );
        let [first, next] = probe::<2>(&exe, "--probe-phone")?;
        table.row(
            "first use",
            "`MobileNumber::parse`: the first in a process loads the phonenumber metadata (harness build: dependencies at opt-level 1)",
            format!(
                "first {} · next {} (median of 5 processes)",
                ms(first),
                ms(next)
            ),
            "—",
            "—",
        );
    }

    // --- Round trips per endpoint. ----------------------------------------------------------
    if on("trips") {
        eprintln!("bench: round trips per endpoint");
        for r in dynamo::round_trips(&conf, &root).await? {
            let measured = match r.items {
                Some(n) => format!(
                    "**{}** ({} items besides the customer) · answered {}",
                    r.requests, n, r.status
                ),
                None => format!("**{}** · answered {}", r.requests, r.status),
            };
            let target = match r.items {
                Some(n) => format!("doc: {} → ≤ {}", r.documented, dynamo::delete_floor(n)),
                None => format!("doc: {}", r.documented),
            };
            table.row(
                "round trips",
                format!("{} ({})", r.endpoint, r.event),
                measured,
                target,
                yes(r.at_floor),
            );
        }
    }

    // --- The overview at scale. -------------------------------------------------------------
    if on("scale") {
        eprintln!(
            "bench: overview at scale (up to {} customers, budget {:?})",
            args.scale, args.scale_budget
        );
        let s = dynamo::scale(&conf, args.scale, args.scale_budget).await?;
        let base = s.points.first().map(|p| {
            (
                p.items_read,
                p.scanned,
                p.bytes.div_ceil(4096),
                p.list_requests,
            )
        });
        for p in &s.points {
            let same = base
                == Some((
                    p.items_read,
                    p.scanned,
                    p.bytes.div_ceil(4096),
                    p.list_requests,
                ));
            let mut subject = format!(
                "overview first page (limit 25) at {} customers",
                thousands(p.customers)
            );
            if s.budget_hit && p.customers < s.wanted {
                subject.push_str(&format!(
                    " (writing {} did not fit the time budget)",
                    thousands(s.wanted)
                ));
            }
            table.row(
                "scale",
                subject,
                format!(
                    "{} items read ({} scanned), {:.1} KB → {:.1} RCU (DynamoDB, eventually consistent); moto's ConsumedCapacity {} · Query {} · `customers::list` {} with {} request(s)",
                    p.items_read,
                    p.scanned,
                    p.bytes as f64 / 1000.0,
                    p.rcu_estimate,
                    p.moto_capacity.map(|c| format!("{c} (a constant in moto)")).unwrap_or_else(|| "not reported".into()),
                    ms(p.query_time),
                    ms(p.list_time),
                    p.list_requests
                ),
                "same cost at 1k and 100k",
                yes(same),
            );
        }
        table.row(
            "scale",
            "writing customers into moto (BatchWriteItem)",
            format!("{:.0} items/s", s.insert_rate),
            "—",
            "—",
        );
    }

    // --- Deleting a customer with many business transactions. ------------------------------
    if on("delete") {
        eprintln!(
            "bench: delete a customer with {} transactions",
            args.transactions
        );
        let d = dynamo::delete(&conf, args.transactions).await?;
        table.row(
            "delete",
            format!(
                "customer with {} business transactions ({} items besides the customer)",
                thousands(d.transactions),
                thousands(d.items)
            ),
            format!(
                "**{}** round trips · {:.2} s against moto",
                d.requests, d.seconds
            ),
            format!("≤ ceil({}/25) + 3 = {}", d.items, d.floor),
            yes(d.requests <= d.floor),
        );
    }

    // --- Local server under loopback load. --------------------------------------------------
    if on("load") {
        match &args.local_server {
            None => table.row(
                "local server",
                "load",
                "skipped: no --local-server",
                "—",
                "—",
            ),
            Some(server) => {
                eprintln!("bench: local server, {} s of wrk per path", args.load_secs);
                for l in load::run(server, &root, args.load_secs, 8, &work).await? {
                    table.row(
                        "local server",
                        format!("`GET {}` (wrk -t1 -c8, {} s)", l.path, args.load_secs),
                        format!("**{:.0} req/s** · p50 {:.2} ms · p99 {:.2} ms · {} requests, {} not 2xx", l.rps, l.p50_ms, l.p99_ms, l.requests, l.non_2xx),
                        "—",
                        if l.non_2xx == 0 { "—" } else { "**errors**" },
                    );
                }
            }
        }
    }

    let md = table.markdown();
    let header = format!(
        "Machine: {machine}. Load average at start {load_before}, at end {}. Run took {:.0} s.\n\n",
        loadavg(),
        started.elapsed().as_secs_f64()
    );
    println!("\n{header}{md}");
    if let Some(out) = &args.out {
        std::fs::write(out, format!("{header}{md}"))
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("bench: table written to {}", out.display());
    }
    Ok(())
}

//! One-off costs of a process, measured in fresh processes of this harness (`--probe-rng`,
//! `--probe-roots`, `--probe-phone`, `--probe-sdk-default`, `--probe-sdk-lambda`): the TLS
//! library's first random bytes, the root certificates, the first parsed mobile number, and
//! the SDK configuration at init.

use crate::report::{Table, ms};
use anyhow::Result;
use std::path::Path;
use std::time::{Duration, Instant};

/// Runs this harness with `flag` in 5 fresh processes, each printing `N` durations in
/// nanoseconds, and returns their medians (a process that prints anything else is left out).
fn probe<const N: usize>(exe: &Path, flag: &str) -> Result<[Duration; N]> {
    let mut samples: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..5 {
        let out = std::process::Command::new(exe)
            .arg(flag)
            .envs(LAMBDA_VARS)
            .output()?;
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
    Ok(std::array::from_fn(|i| crate::report::median(&samples[i])))
}

/// Runs in a process of its own (`--probe-rng`): what aws-lc's first random bytes cost.
pub fn rng() {
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

/// Runs in a process of its own (`--probe-roots`): what the SDK's HTTPS client pays for the
/// native root certificates at its first connection (aws-smithy-http-client reads them with
/// `rustls_native_certs::load_native_certs` and parses them into a `RootCertStore`), with the
/// environment the harness was given (no `SSL_CERT_*`: the system's bundle and directory, as
/// on `provided.al2023`). Prints the reading, the parsing and the number of roots kept.
pub fn roots() {
    let t0 = Instant::now();
    let found = rustls_native_certs::load_native_certs();
    let read = t0.elapsed();
    let t1 = Instant::now();
    let mut store = rustls::RootCertStore::empty();
    let (kept, _) = store.add_parsable_certificates(found.certs);
    let parsed = t1.elapsed();
    println!("{} {} {kept}", read.as_nanos(), parsed.as_nanos());
}

/// What Lambda sets for the SDK (the region and the role's credentials), for every probe.
const LAMBDA_VARS: [(&str, &str); 5] = [
    ("AWS_LAMBDA_FUNCTION_NAME", "customers"),
    ("AWS_REGION", "eu-central-1"),
    ("AWS_ACCESS_KEY_ID", "ASIAPROBE"),
    ("AWS_SECRET_ACCESS_KEY", "secret"),
    ("AWS_SESSION_TOKEN", "token"),
];

/// Runs in a process of its own (`--probe-sdk-default` or `--probe-sdk-lambda`): what the
/// function's SDK configuration costs at init, through aws-config's default chain (as before)
/// or straight from Lambda's variables (as the functions do now).
pub fn sdk(from_lambda_env: bool) {
    // The harness's `main` already runs on a runtime: this one gets a thread of its own.
    let elapsed = std::thread::spawn(move || sdk_on_own_runtime(from_lambda_env))
        .join()
        .expect("probe thread");
    println!("{}", elapsed.as_nanos());
}

fn sdk_on_own_runtime(from_lambda_env: bool) -> Duration {
    use shared::adapters::https::HttpsConnector;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let retries = aws_config::retry::RetryConfig::standard();
    let t0 = Instant::now();
    let https = HttpsConnector::default();
    let sdk = runtime.block_on(async {
        if from_lambda_env {
            shared::adapters::sdk::sdk_config(&https, retries).await
        } else {
            shared::adapters::sdk::default_chain(&https, retries).await
        }
    });
    let _client = aws_sdk_dynamodb::Client::new(&sdk);
    t0.elapsed()
}

/// Runs in a process of its own (`--probe-phone`): the first mobile number a process parses
/// loads the `phonenumber` metadata.
pub fn phone() {
    let t0 = Instant::now();
    let _ = shared::domain::MobileNumber::parse("0170 1234567");
    let first = t0.elapsed();
    let t1 = Instant::now();
    let _ = shared::domain::MobileNumber::parse("0171 7654321");
    let second = t1.elapsed();
    println!("{} {}", first.as_nanos(), second.as_nanos());
}

/// The "TLS entropy" and "first use" rows: what a process pays once, each probed in fresh
/// processes of this harness.
pub fn section(table: &mut Table) -> Result<()> {
    let exe = std::env::current_exe()?;
    let [first, next, thread] = probe::<3>(&exe, "--probe-rng")?;
    table.row(
        "TLS entropy",
        "aws-lc first random bytes in a process (paid at the first TLS handshake; getrandom only: .cargo/config.toml turns CPU-jitter seeding off)",
        format!("first {} · next {} · first on a new thread {} (median of 5 processes)", ms(first), ms(next), ms(thread)),
        "—",
        "—",
    );
    let [read, parsed, kept] = probe::<3>(&exe, "--probe-roots")?;
    table.row(
        "root certificates",
        "the native store as the SDK's HTTPS client loads it at its first connection (rustls-native-certs: the system's bundle file and certificate directory), read and parsed into a rustls RootCertStore",
        format!(
            "read {} · parsed {} · {} roots kept (median of 5 processes)",
            ms(read),
            ms(parsed),
            kept.as_nanos()
        ),
        "—",
        "—",
    );
    let [default] = probe::<1>(&exe, "--probe-sdk-default")?;
    let [lambda] = probe::<1>(&exe, "--probe-sdk-lambda")?;
    table.row(
        "SDK configuration",
        "init: the SdkConfig and a DynamoDB client, through aws-config's default chain against straight from Lambda's variables (harness build)",
        format!("default chain {} · from the Lambda environment {} (median of 5 processes)", ms(default), ms(lambda)),
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
    Ok(())
}

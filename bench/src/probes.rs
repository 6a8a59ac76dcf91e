//! One-off costs of a process, measured in fresh processes of this harness (`--probe-rng`,
//! `--probe-phone`): aws-lc's first random bytes and the first parsed mobile number.

use crate::report::{Table, ms};
use anyhow::Result;
use std::path::Path;
use std::time::{Duration, Instant};

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
    Ok(())
}

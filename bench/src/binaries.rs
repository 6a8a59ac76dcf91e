//! The release binaries: init, first and warm invokes and peak memory against a mock Lambda
//! Runtime API (next to the bare `lambda_http` + axum floor), and their sizes.

use crate::Bench;
use crate::report::{Table, all_2xx, mb, median, mib, ms, statuses, thousands, yes};
use crate::rig::{FLOOR, FUNCTIONS, Rig, Run, Samples, sample_starts};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// Issue 17's targets: init at most 1.3x the floor's, peak RSS at most 10 MiB, and the zip
/// Lambda deploys (arm64) at most 3.0 MB.
const INIT_RATIO_TARGET: f64 = 1.3;
const RSS_TARGET_MIB: u64 = 10;
const ZIP_TARGET: &str = "arm64 zip ≤ 3.0 MB";
const ZIP_TARGET_BYTES: u64 = 3_000_000;

/// The extra init run of `customers` with `SSL_CERT_FILE` set to the system bundle.
const CERT_FILE_RUN: &str = "customers with SSL_CERT_FILE";
const CERT_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

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

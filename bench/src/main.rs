//! The benchmark command. `scripts/bench.sh` builds what it needs, starts moto and runs this;
//! it prints one table (Markdown) with every figure of `docs/performance.md`.
//!
//! usage: bench --moto URL --x86-bin DIR --x86-zip DIR [--arm-bin DIR --arm-zip DIR | --arm-note TEXT]
//!              [--local-server PATH] [--https URL --cert-dir DIR [--default-sdk PATH]]
//!              [--compare-bin DIR]...  [--cgroup-root DIR] [--starts N] [--invokes N] [--scale N] [--scale-budget SECS]
//!              [--transactions N] [--handover N] [--load-secs N] [--sections LIST] [--out FILE]
//!
//! `--x86-bin` holds the release binaries (`customers`, …, `bench-floor`), `--x86-zip` the
//! `cargo lambda build --output-format zip` folders (`NAME/bootstrap.zip`). `--sections` is a
//! comma-separated subset of init,cold,size,memory,trips,scale,delete,load,rng,import,schedule,
//! ntk (default: all). `schedule`: one scheduled run at two numbers of pending reminders, and
//! the backfill at two numbers of version 2 customers. `ntk`: one specialist's need-to-know
//! overview (first page and a search) and access-review due list at 1,000 and `--scale`
//! customers, and a handover of `--handover` customers (default 2,000).
//! `cold` (exec to the first response, AWS over HTTPS through the TLS terminator at `--https`,
//! trusted through `SSL_CERT_DIR`; at full CPU and under a 128 MB CPU quota) needs `--https`.

mod args;
mod backfill;
mod binaries;
mod cold;
mod dynamo;
mod fixtures;
mod imports;
mod load;
mod need_to_know;
mod own_reviews;
mod probes;
mod quota;
mod report;
mod rig;
mod runtime;
mod schedule;
mod sections;

use anyhow::{Context, Result, bail};
use args::Args;
use report::Table;
use std::path::PathBuf;
use std::time::Instant;

pub const CURSOR_KEY: &str = "bench-cursor-key-bench-cursor-key-0123456789";

/// Sections that talk to moto.
const ON_MOTO: &[&str] = &[
    "init", "cold", "memory", "trips", "scale", "delete", "import", "schedule", "ntk",
];

/// What the sections share.
pub struct Bench {
    pub args: Args,
    pub root: PathBuf,
    /// `bench-results/` under the root: logs, the local server's outbox.
    pub work: PathBuf,
    pub conf: aws_config::SdkConfig,
}

impl Bench {
    async fn new(args: Args) -> Result<Self> {
        let root = args.root.canonicalize().context("project root")?;
        let work = root.join("bench-results");
        std::fs::create_dir_all(work.join("logs"))?;
        if args.moto.is_empty() && ON_MOTO.iter().any(|s| args.on(s)) {
            bail!("--moto URL (or MOTO_ENDPOINT) is needed; scripts/bench.sh starts moto");
        }
        let moto = if args.moto.is_empty() {
            "http://127.0.0.1:1"
        } else {
            &args.moto
        };
        let conf = dynamo::sdk_config(moto).await;
        Ok(Self {
            args,
            root,
            work,
            conf,
        })
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let bench = Bench::new(args::parse()?).await?;
    let machine = report::machine();
    let load_before = report::loadavg();
    let started = Instant::now();
    eprintln!("bench: {machine}; load average {load_before}");
    let mut table = Table::default();
    run_sections(&bench, &mut table).await?;
    let header = format!(
        "Machine: {machine}. Load average at start {load_before}, at end {}. Run took {:.0} s.\n\n",
        report::loadavg(),
        started.elapsed().as_secs_f64()
    );
    let md = table.markdown();
    println!("\n{header}{md}");
    if let Some(out) = &bench.args.out {
        std::fs::write(out, format!("{header}{md}"))
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("bench: table written to {}", out.display());
    }
    Ok(())
}

/// The chosen sections, in the order of the table.
async fn run_sections(bench: &Bench, table: &mut Table) -> Result<()> {
    let on = |s: &str| bench.args.on(s);
    if on("init") || on("cold") || on("memory") {
        binaries::init_and_memory(bench, table).await?;
    }
    if on("size") {
        binaries::size(bench, table);
    }
    if on("rng") {
        probes::section(table)?;
    }
    if on("trips") {
        sections::trips(bench, table).await?;
    }
    if on("scale") {
        sections::scale(bench, table).await?;
    }
    if on("delete") {
        sections::delete(bench, table).await?;
    }
    if on("import") {
        imports::section(bench, table).await?;
    }
    if on("schedule") {
        schedule::section(bench, table).await?;
        backfill::section(bench, table).await?;
    }
    if on("ntk") {
        need_to_know::section(bench, table).await?;
    }
    if on("load") {
        sections::load(bench, table).await?;
    }
    Ok(())
}

//! The harness's command line (see `--help`, which prints the doc of `main.rs`).

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::time::Duration;

/// Every section, in the order of the table.
const SECTIONS: [&str; 12] = [
    "init", "cold", "size", "memory", "trips", "scale", "delete", "load", "rng", "import",
    "schedule", "ntk",
];

pub struct Args {
    pub moto: String,
    pub x86_bin: Option<PathBuf>,
    pub x86_zip: Option<PathBuf>,
    pub arm_bin: Option<PathBuf>,
    pub arm_zip: Option<PathBuf>,
    pub arm_note: Option<String>,
    pub local_server: Option<PathBuf>,
    /// The TLS terminator in front of moto (`https://127.0.0.1:PORT`), for the cold rows.
    pub https: Option<String>,
    /// The certificate store the functions trust it through (`SSL_CERT_DIR`).
    pub cert_dir: Option<PathBuf>,
    /// The default-SDK reference's release binary.
    pub default_sdk: Option<PathBuf>,
    /// Other builds of the functions (e.g. before a change, or with another TLS library) whose
    /// cold rows run in the same rounds, each labelled with its directory's name.
    pub compare_bin: Vec<PathBuf>,
    /// The cgroup v1 cpu controller, under which the 128 MB quota group is made.
    pub cgroup_root: PathBuf,
    pub starts: usize,
    pub invokes: usize,
    pub scale: usize,
    pub scale_budget: Duration,
    pub transactions: usize,
    /// Customers of the handover the `ntk` section times.
    pub handover: usize,
    pub load_secs: u64,
    pub sections: Vec<String>,
    pub out: Option<PathBuf>,
    pub root: PathBuf,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            moto: std::env::var("MOTO_ENDPOINT").unwrap_or_default(),
            x86_bin: None,
            x86_zip: None,
            arm_bin: None,
            arm_zip: None,
            arm_note: None,
            local_server: None,
            https: None,
            cert_dir: None,
            default_sdk: None,
            compare_bin: Vec::new(),
            cgroup_root: PathBuf::from("/sys/fs/cgroup/cpu"),
            starts: 20,
            invokes: 1_000,
            scale: 100_000,
            scale_budget: Duration::from_secs(300),
            transactions: 1_000,
            handover: 2_000,
            load_secs: 10,
            sections: SECTIONS.map(String::from).to_vec(),
            out: None,
            root: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."),
        }
    }
}

impl Args {
    /// Whether `section` is to be run.
    pub fn on(&self, section: &str) -> bool {
        self.sections.iter().any(|s| s == section)
    }
}

/// Reads the arguments; `--help` and the probes (`--probe-rng`, `--probe-roots`, `--probe-phone`, `--probe-sdk-*`) answer and
/// exit here.
pub fn parse() -> Result<Args> {
    let mut a = Args::default();
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
            "--https" => a.https = Some(value()?),
            "--cert-dir" => a.cert_dir = Some(value()?.into()),
            "--default-sdk" => a.default_sdk = Some(value()?.into()),
            "--compare-bin" => a.compare_bin.push(value()?.into()),
            "--cgroup-root" => a.cgroup_root = value()?.into(),
            "--starts" => a.starts = value()?.parse()?,
            "--invokes" => a.invokes = value()?.parse()?,
            "--scale" => a.scale = value()?.parse()?,
            "--scale-budget" => a.scale_budget = Duration::from_secs(value()?.parse()?),
            "--transactions" => a.transactions = value()?.parse()?,
            "--handover" => a.handover = value()?.parse()?,
            "--load-secs" => a.load_secs = value()?.parse()?,
            "--sections" => a.sections = value()?.split(',').map(|s| s.trim().to_owned()).collect(),
            "--out" => a.out = Some(value()?.into()),
            "--root" => a.root = value()?.into(),
            "--probe-rng" => exit_after(crate::probes::rng),
            "--probe-roots" => exit_after(crate::probes::roots),
            "--probe-phone" => exit_after(crate::probes::phone),
            "--probe-sdk-default" => exit_after(|| crate::probes::sdk(false)),
            "--probe-sdk-lambda" => exit_after(|| crate::probes::sdk(true)),
            "-h" | "--help" => exit_after(print_help),
            other => bail!("unknown argument {other} (see --help)"),
        }
    }
    a.moto = a.moto.trim().trim_end_matches('/').to_owned();
    Ok(a)
}

fn exit_after(answer: fn()) -> ! {
    answer();
    std::process::exit(0);
}

fn print_help() {
    println!(
        "{}",
        include_str!("main.rs")
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| l.trim_start_matches("//!").trim_start())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

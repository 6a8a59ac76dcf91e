//! The harness's output: one Markdown table of figures (also echoed to stderr as they come),
//! the machine it ran on, and how figures are spelt.

use std::collections::BTreeMap;
use std::time::Duration;

pub fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    if v.is_empty() {
        return Duration::ZERO;
    }
    v[v.len() / 2]
}

pub fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.2} ms")
    } else {
        format!("{m:.1} ms")
    }
}

pub fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
}

pub fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "**no**" }
}

pub fn thousands(n: usize) -> String {
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

#[derive(Default)]
pub struct Table(Vec<Row>);

impl Table {
    pub fn row(
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

    pub fn markdown(&self) -> String {
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

pub fn machine() -> String {
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

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

pub fn statuses(s: &[Result<u16, String>]) -> String {
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

pub fn all_2xx(s: &[Result<u16, String>]) -> bool {
    s.iter()
        .all(|r| matches!(r, Ok(c) if (200..300).contains(c)))
}

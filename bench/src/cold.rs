//! The cold-request rows: from exec to the first response posted, every AWS call over HTTPS
//! through the TLS terminator in front of moto (`scripts/tls_proxy.py`, a test CA made at run
//! time), trusted through `SSL_CERT_DIR` (the system's certificates plus the test CA), so that
//! certificate loading, entropy seeding and the handshake are in the figure. Each function, the
//! floor and the default-SDK reference, once at full CPU and once under the 128 MB CPU quota
//! for the invokes (`quota`), in the same interleaved rounds as the init rows.

use crate::quota::{self, Quota};
use crate::report::{Table, all_2xx, median, ms, statuses, yes};
use crate::rig::{DEFAULT_SDK, FLOOR, FUNCTIONS, Rig, Run, Samples};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// What the cold rows need: the terminator, the certificate store, the quota group.
pub struct Cold {
    https: Option<(String, PathBuf)>,
    quota: Result<Quota, String>,
    /// (row name, binary, another build of it).
    names: Vec<(String, &'static str, Option<PathBuf>)>,
    default_sdk_note: Option<String>,
}

fn label(name: &str, throttled: bool) -> String {
    format!("cold {name} {}", if throttled { "128MB" } else { "full" })
}

impl Cold {
    pub fn prepare(rig: &Rig<'_>) -> Cold {
        let args = &rig.bench.args;
        let https = match (args.on("cold"), &args.https, &args.cert_dir) {
            (true, Some(url), Some(dir)) => Some((url.clone(), dir.clone())),
            _ => None,
        };
        let mut names: Vec<_> = FUNCTIONS
            .iter()
            .map(|(n, _)| ((*n).to_owned(), *n, None))
            .collect();
        let mut default_sdk_note = None;
        if rig.bin(DEFAULT_SDK).is_file() {
            names.push((DEFAULT_SDK.to_owned(), DEFAULT_SDK, None));
        } else {
            default_sdk_note = Some(format!("{} is not built", rig.bin(DEFAULT_SDK).display()));
        }
        for dir in &args.compare_bin {
            let label = dir.file_name().map(|d| d.to_string_lossy().into_owned());
            let label = label.unwrap_or_else(|| "compared build".into());
            for (n, _) in FUNCTIONS.iter().filter(|(n, _)| *n != FLOOR) {
                if dir.join(n).is_file() {
                    names.push((format!("{n} ({label})"), *n, Some(dir.join(n))));
                }
            }
        }
        let quota = if https.is_some() {
            Quota::create(&args.cgroup_root)
        } else {
            Err("not asked for".into())
        };
        Cold {
            https,
            quota,
            names,
            default_sdk_note,
        }
    }

    pub fn runs(&self) -> Vec<Run> {
        let Some((url, dir)) = &self.https else {
            return Vec::new();
        };
        let env = vec![
            ("AWS_ENDPOINT_URL".to_owned(), url.clone()),
            ("SSL_CERT_DIR".to_owned(), dir.display().to_string()),
        ];
        let mut runs = Vec::new();
        for (name, binary, path) in &self.names {
            runs.push(Run {
                label: label(name, false),
                binary,
                path: path.clone(),
                env: env.clone(),
                throttle: None,
            });
            if let Ok(q) = &self.quota {
                runs.push(Run {
                    label: label(name, true),
                    binary,
                    path: path.clone(),
                    env: env.clone(),
                    throttle: Some(q.procs()),
                });
            }
        }
        runs
    }

    pub fn rows(&self, samples: &BTreeMap<String, Samples>, table: &mut Table) {
        let Some((url, dir)) = &self.https else {
            if self.names.is_empty() {
                return;
            }
            table.row(
                "cold request",
                "all",
                "skipped: no --https / --cert-dir (scripts/bench.sh gives them)",
                "—",
                "—",
            );
            return;
        };
        let certs = std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
        let how = match &self.quota {
            Ok(q) => format!(
                "cgroup v1 cpu.cfs_quota_us {} per cpu.cfs_period_us {} from the first event on; throttled {:.0} ms in all",
                quota::QUOTA_US,
                quota::PERIOD_US,
                q.throttled_ms().unwrap_or(0.0)
            ),
            Err(e) => format!("**128 MB quota not applied**: {e}"),
        };
        table.row(
            "cold request",
            "set-up",
            format!("AWS over HTTPS at {url} (TLS terminator in front of moto), SSL_CERT_DIR with {certs} entries (the system's certificates, the test CA, hash links); {how}"),
            "—",
            "—",
        );
        if let Some(note) = &self.default_sdk_note {
            table.row(
                "cold request",
                format!("`{DEFAULT_SDK}`"),
                note.clone(),
                "—",
                "**no**",
            );
        }
        let get = |name: &str, t: bool| samples.get(&label(name, t));
        let cold = |name: &str, t: bool| get(name, t).map(|s| median(&s.cold));
        let refs = Refs {
            floor: cold(FLOOR, false),
            sdk_full: cold(DEFAULT_SDK, false),
            sdk_quota: cold(DEFAULT_SDK, true),
        };
        for (name, binary, _) in &self.names {
            let Some(full) = get(name, false) else {
                continue;
            };
            let quota = get(name, true);
            let (target, met) = refs.judge(binary, full, quota);
            let file = FUNCTIONS
                .iter()
                .find(|(n, _)| n == binary)
                .map(|(_, f)| *f)
                .unwrap_or("customers-get.json");
            table.row(
                "cold request",
                format!("`{name}`, {file}"),
                format!(
                    "full CPU {} · 128 MB quota {}",
                    figures(full),
                    quota.map(figures).unwrap_or_else(|| "not run".into())
                ),
                target,
                met,
            );
        }
    }
}

fn figures(s: &Samples) -> String {
    let mut out = format!(
        "**{}** (init {} · first invoke {} · warm {}) · answered {}",
        ms(median(&s.cold)),
        ms(median(&s.init)),
        ms(median(&s.first)),
        ms(median(&s.warm)),
        statuses(&s.status)
    );
    if let Some(e) = s.not_throttled.first() {
        out.push_str(&format!(" · **not throttled**: {e}"));
    }
    out
}

/// The references the functions' cold requests are held to.
struct Refs {
    floor: Option<Duration>,
    sdk_full: Option<Duration>,
    sdk_quota: Option<Duration>,
}

impl Refs {
    fn judge(&self, name: &str, full: &Samples, quota: Option<&Samples>) -> (String, String) {
        if name == FLOOR || name == DEFAULT_SDK {
            return ("—".into(), "—".into());
        }
        let target = "≤ 0.5x default SDK (both columns); full CPU ≤ floor + 10 ms".to_owned();
        let ok2xx = all_2xx(&full.status) && quota.is_none_or(|q| all_2xx(&q.status));
        if !ok2xx {
            return (target, "**not 2xx**".into());
        }
        let ratio = |a: Duration, b: Option<Duration>| b.map(|b| a.as_secs_f64() / b.as_secs_f64());
        let f = median(&full.cold);
        let mut met = Vec::new();
        if let Some(r) = ratio(f, self.sdk_full) {
            met.push(format!("full {r:.2}x: {}", yes(r <= 0.5)));
        }
        if let (Some(q), Some(sdk)) = (quota, self.sdk_quota) {
            let r = median(&q.cold).as_secs_f64() / sdk.as_secs_f64();
            met.push(format!("128 MB {r:.2}x: {}", yes(r <= 0.5)));
        }
        if let Some(floor) = self.floor {
            met.push(format!(
                "floor + 10 ms: {}",
                yes(f <= floor + Duration::from_millis(10))
            ));
        }
        (target, met.join(" · "))
    }
}

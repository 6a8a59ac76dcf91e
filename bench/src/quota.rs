//! The CPU share of a 128 MB Lambda function: a cgroup v1 cpu group with a CFS quota of
//! 7.2 ms per 100 ms period (Lambda gives one vCPU at 1,769 MB, so 128 MB gets 128/1769 ≈ 7.2 %
//! of one core during invokes). The harness moves a function into it when the runtime mock
//! hands out the first event, so init runs at full CPU, as Lambda's does.

use std::path::{Path, PathBuf};

pub const PERIOD_US: u32 = 100_000;
pub const QUOTA_US: u32 = 7_200;

/// The quota group; removed when dropped (its processes are gone by then).
pub struct Quota {
    dir: PathBuf,
}

impl Quota {
    /// Makes `ROOT/dokumentenaustausch-bench-PID` with the 128 MB quota, or says why not.
    pub fn create(root: &Path) -> Result<Quota, String> {
        let dir = root.join(format!("dokumentenaustausch-bench-{}", std::process::id()));
        let write = |file: &str, value: u32| {
            std::fs::write(dir.join(file), value.to_string())
                .map_err(|e| format!("writing {file}: {e}"))
        };
        if !dir.is_dir() {
            std::fs::create_dir(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        let quota = Quota { dir: dir.clone() };
        write("cpu.cfs_period_us", PERIOD_US)?;
        write("cpu.cfs_quota_us", QUOTA_US)?;
        Ok(quota)
    }

    /// The file a PID is written to to move its whole process into the group.
    pub fn procs(&self) -> PathBuf {
        self.dir.join("cgroup.procs")
    }

    /// CPU time the group's processes were throttled, in ms (`cpu.stat` `throttled_time`).
    pub fn throttled_ms(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(self.dir.join("cpu.stat")).ok()?;
        stat.lines()
            .find_map(|l| l.strip_prefix("throttled_time "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|ns| ns / 1e6)
    }
}

impl Drop for Quota {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir(&self.dir) {
            eprintln!("bench: could not remove {}: {e}", self.dir.display());
        }
    }
}

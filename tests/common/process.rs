//! The real binary as a process: `otpdeck sim` on a loopback port, and the
//! files a run leaves behind.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_otpdeck");

/// `otpdeck sim` on a loopback port; killed on drop.
pub struct SimProcess {
    child: Child,
    urls: serde_json::Value,
}

impl SimProcess {
    pub fn start(otp_delay: &str) -> SimProcess {
        SimProcess::start_with(otp_delay, &[])
    }

    /// With more `otpdeck sim` flags (`--faults SPEC`, `--cancel-cooldown`).
    pub fn start_with(otp_delay: &str, extra: &[&str]) -> SimProcess {
        SimProcess::spawn(otp_delay, extra, Stdio::null())
    }

    /// Each request the simulator answers, one line in `log`.
    pub fn start_logging(otp_delay: &str, log: &Path) -> SimProcess {
        let file = std::fs::File::create(log).expect("request log");
        SimProcess::spawn(otp_delay, &["--log-requests"], Stdio::from(file))
    }

    fn spawn(otp_delay: &str, extra: &[&str], stderr: Stdio) -> SimProcess {
        let mut child = Command::new(BIN)
            .args(["sim", "--listen", "127.0.0.1:0", "--otp-delay", otp_delay])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn sim");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read urls");
        let urls = serde_json::from_str(&line).expect("sim prints its URLs as JSON");
        SimProcess { child, urls }
    }

    /// The base URL of `api` (gateotp, nexotp, otpzap, gotopup).
    pub fn url(&self, api: &str) -> &str {
        self.urls[api].as_str().expect("url")
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every file under `dir`, recursively (journal, its WAL, logs).
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Writes a config readable by its owner only (otpdeck warns otherwise).
pub fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

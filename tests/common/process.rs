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

/// One `[[accounts]]` block of a config against the simulator; `role`
/// "seller" for a seller key.
pub fn account_toml(
    name: &str,
    provider: &str,
    base_url: &str,
    api_key: &str,
    role: Option<&str>,
) -> String {
    let role = role
        .map(|r| format!("role = \"{r}\"\n"))
        .unwrap_or_default();
    format!(
        "\n[[accounts]]\nname = \"{name}\"\nprovider = \"{provider}\"\n{role}base_url = \"{base_url}\"\napi_key = \"{api_key}\"\n"
    )
}

/// A temporary directory with a config in it (owner-only) and a data dir
/// of its own: where a CLI test runs the binary.
pub struct CliEnv {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

impl CliEnv {
    /// A config of `text` (`account_toml` blocks, say).
    pub fn new(text: &str) -> CliEnv {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        write_private(&config, text);
        CliEnv { dir, config }
    }

    /// `otpdeck --config C --data-dir D ARGS`, stdin closed; the caller
    /// adds its environment and runs it.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args)
            .stdin(Stdio::null());
        c
    }
}

/// Waits until an `otpdeck serve` with `XDG_RUNTIME_DIR=run` has its
/// socket (then it takes screens and clients, and its receiver is up).
pub fn wait_for_engine(run: &Path) {
    let started = std::time::Instant::now();
    while std::fs::read_dir(run.join("otpdeck"))
        .map(|d| d.count() == 0)
        .unwrap_or(true)
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the engine never listened"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Sends SIGTERM to an `otpdeck serve` and waits for it: whether it ended
/// well, and what it said on stderr.
pub fn stop_engine(serve: std::process::Child) -> (bool, String) {
    let pid = serve.id().to_string();
    Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    let out = serve.wait_with_output().expect("serve ends");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The stdout of a command that must succeed (the test fails with its
/// stderr otherwise).
pub fn stdout_of(mut c: Command, what: &[&str]) -> String {
    let out = c.output().expect("run otpdeck");
    assert!(
        out.status.success(),
        "{what:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// `--json` added before `args`: the arguments to run for JSON output.
pub fn json_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    all
}

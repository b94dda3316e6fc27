//! Running an `api_key_cmd` (a password manager, usually) to get a key.

use crate::secret::Secret;
use std::time::Duration;

/// How long `api_key_cmd` may take (a password manager waiting for a
/// passphrase included) before otpdeck stops it and reports the account.
pub const KEY_CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs an `api_key_cmd` with `sh -c` and returns the first line of what it
/// printed, trimmed (`pass show` puts the password there). Its stderr is
/// dropped and its stdout never goes into a message, since either may hold
/// the key. Past `timeout` the command is killed. The error is a sentence
/// for `ConfigError::Key`, which names the account.
pub(super) fn run_key_cmd(cmd: &str, timeout: Duration) -> Result<Secret, String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run api_key_cmd with sh: {e}"))?;
    // Read on a thread so a command that prints a lot cannot block on a
    // full pipe while we wait for it, and so a grandchild that keeps the
    // pipe open cannot hold us past the deadline.
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let res = stdout.read_to_end(&mut buf).map(|_| buf);
        let _ = tx.send(res);
    });
    let deadline = std::time::Instant::now() + timeout;
    let too_slow = || {
        format!(
            "api_key_cmd did not finish within {} and was stopped; check that it runs without waiting for input",
            humantime::format_duration(timeout)
        )
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(too_slow());
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("cannot wait for api_key_cmd: {e}"));
            }
        }
    };
    if !status.success() {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(sig) = status.signal() {
                return Err(format!(
                    "api_key_cmd was killed by signal {sig}; run it by hand to see why"
                ));
            }
        }
        let code = status
            .code()
            .map(|c| c.to_string())
            .unwrap_or_else(|| "unknown".into());
        return Err(format!(
            "api_key_cmd failed with exit status {code} (its output is not shown, as it may hold the key; run it by hand to see why)"
        ));
    }
    let left = deadline.saturating_duration_since(std::time::Instant::now());
    let out = match rx.recv_timeout(left) {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Err(format!("cannot read what api_key_cmd printed: {e}")),
        // It exited but something it started still holds its output open.
        Err(_) => return Err(too_slow()),
    };
    let text = String::from_utf8_lossy(&out);
    let key = text.trim().lines().next().unwrap_or("").trim();
    if key.is_empty() {
        return Err("api_key_cmd printed nothing".into());
    }
    Ok(Secret::new(key))
}

#[cfg(test)]
mod tests {
    use super::super::{from_toml_str, AccountConfig};
    use super::*;
    use crate::providers::{Auth, ProviderSettings};

    fn cmd_account(cmd: &str) -> AccountConfig {
        let text = format!(
            "[[accounts]]\nname='pm'\nprovider='nexotp'\napi_key_cmd={}\n",
            toml::Value::String(cmd.into())
        );
        from_toml_str(&text).unwrap().accounts.remove(0)
    }

    fn key_of(s: ProviderSettings) -> String {
        match s.auth {
            Auth::ApiKey(k) => k.expose().to_string(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn key_command_prints_a_key() {
        let a = cmd_account("printf 'sim-from-cmd'");
        assert_eq!(key_of(a.resolve().unwrap()), "sim-from-cmd");
        // Like `pass show`: the first line is the key, the rest is notes.
        let a = cmd_account("printf '\n  sim-first-line  \nuser: me\nurl: x\n'");
        assert_eq!(key_of(a.resolve().unwrap()), "sim-first-line");
        // The command is not shown in Debug: it may hold the key itself.
        assert!(!format!("{a:?}").contains("sim-first-line"), "{a:?}");
    }

    #[test]
    fn a_hung_key_command_is_stopped_and_names_the_account() {
        let a = cmd_account("printf sim-PARTIAL-LEAK; sleep 5; printf sim-late");
        let started = std::time::Instant::now();
        let e = a
            .resolve_within(Duration::from_millis(300))
            .unwrap_err()
            .to_string();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "returned after {:?}",
            started.elapsed()
        );
        assert!(e.contains("account 'pm'"), "{e}");
        assert!(e.contains("did not finish within 300ms"), "{e}");
        assert!(!e.contains("PARTIAL-LEAK") && !e.contains("sleep"), "{e}");
        // A command that exits but leaves a process holding its output open
        // is stopped at the deadline too.
        let a = cmd_account("(sleep 5; echo x) & printf sim-bg");
        let started = std::time::Instant::now();
        let e = a.resolve_within(Duration::from_millis(300)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(e.to_string().contains("did not finish"), "{e}");
        assert_eq!(KEY_CMD_TIMEOUT, Duration::from_secs(10));
    }

    #[test]
    fn a_failing_key_command_says_so_without_its_output() {
        let a = cmd_account("echo sim-LEAK-out; echo sim-LEAK-err >&2; exit 3");
        let e = a.resolve().unwrap_err().to_string();
        assert!(e.contains("account 'pm'"), "{e}");
        assert!(e.contains("failed with exit status 3"), "{e}");
        assert!(!e.contains("LEAK"), "{e}");
        let e = cmd_account("kill -9 $$").resolve().unwrap_err().to_string();
        assert!(e.contains("'pm'") && e.contains("signal 9"), "{e}");
        let e = cmd_account("printf '  \n'")
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(e.contains("'pm'") && e.contains("printed nothing"), "{e}");
        let e = cmd_account("/nonexistent/otpdeck-pm get key")
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(e.contains("exit status 127"), "{e}");
    }
}

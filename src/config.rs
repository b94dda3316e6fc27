//! Configuration: a TOML file (`--config`, `OTPDECK_CONFIG`, or
//! `$XDG_CONFIG_HOME/otpdeck/config.toml`) layered under `OTPDECK_*`
//! environment overrides, read with config-rs. Every option has a default;
//! errors name the file, the line and what is wrong, never a secret.

use crate::domain::ProviderKind;
use crate::engine::clipboard::ClipboardMode;
use crate::money::Rupiah;
use crate::providers::{default_base_url, Auth, ProviderSettings};
use crate::secret::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum ConfigError {
    #[error("{file}: cannot read it: {message}")]
    Read { file: String, message: String },
    #[error("{file}, line {line}, column {column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}{}: {message}", .file, .line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Invalid {
        file: String,
        line: Option<usize>,
        message: String,
    },
    #[error("account '{account}': {message}")]
    Key { account: String, message: String },
}

impl ConfigError {
    /// The line the problem is on, where known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ConfigError::Syntax { line, .. } => Some(*line),
            ConfigError::Invalid { line, .. } => *line,
            _ => None,
        }
    }
}

/// Where an account's key comes from.
#[derive(Clone, PartialEq)]
pub enum KeySource {
    Inline(Secret),
    /// Name of an environment variable.
    Env(String),
    /// A command run with `sh -c`; the first line it prints is the key.
    Cmd(String),
    /// GoTopUp's Otomax username + signature.
    Otomax {
        username: String,
        sign: Secret,
    },
}

impl KeySource {
    /// A word for listings: never the key itself.
    pub fn kind(&self) -> &'static str {
        match self {
            KeySource::Inline(_) => "config file",
            KeySource::Env(_) => "environment",
            KeySource::Cmd(_) => "command",
            KeySource::Otomax { .. } => "otomax sign",
        }
    }
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Inline(_) => f.write_str("Inline(***)"),
            KeySource::Env(v) => write!(f, "Env({v})"),
            // The command may hold the key itself (`printf KEY`).
            KeySource::Cmd(_) => f.write_str("Cmd(***)"),
            KeySource::Otomax { username, .. } => write!(f, "Otomax({username}, ***)"),
        }
    }
}

/// How long `api_key_cmd` may take (a password manager waiting for a
/// passphrase included) before otpdeck stops it and reports the account.
pub const KEY_CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs an `api_key_cmd` with `sh -c` and returns the first line of what it
/// printed, trimmed (`pass show` puts the password there). Its stderr is
/// dropped and its stdout never goes into a message, since either may hold
/// the key. Past `timeout` the command is killed. The error is a sentence
/// for `ConfigError::Key`, which names the account.
fn run_key_cmd(cmd: &str, timeout: Duration) -> Result<Secret, String> {
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

#[derive(Debug, Clone, PartialEq)]
pub struct AccountConfig {
    pub name: String,
    pub provider: ProviderKind,
    pub base_url: String,
    pub key: KeySource,
    pub order_lifetime: Duration,
    pub markup: Rupiah,
}

impl AccountConfig {
    /// Reads the key (running the command or reading the variable now, so a
    /// broken password manager for one account does not stop the others).
    pub fn resolve(&self) -> Result<ProviderSettings, ConfigError> {
        self.resolve_within(KEY_CMD_TIMEOUT)
    }

    fn resolve_within(&self, cmd_timeout: Duration) -> Result<ProviderSettings, ConfigError> {
        let err = |message: String| ConfigError::Key {
            account: self.name.clone(),
            message,
        };
        let auth = match &self.key {
            KeySource::Inline(s) => Auth::ApiKey(s.clone()),
            KeySource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Auth::ApiKey(Secret::new(v.trim())),
                _ => {
                    return Err(err(format!(
                        "api_key_env names ${var}, which is not set or empty"
                    )))
                }
            },
            KeySource::Cmd(cmd) => Auth::ApiKey(run_key_cmd(cmd, cmd_timeout).map_err(err)?),
            KeySource::Otomax { username, sign } => Auth::Otomax {
                username: username.clone(),
                sign: sign.clone(),
            },
        };
        let mut s = ProviderSettings::new(self.provider, self.base_url.clone(), auth);
        s.order_lifetime = self.order_lifetime;
        s.markup = self.markup;
        Ok(s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub accounts: Vec<AccountConfig>,
    pub theme: String,
    pub clipboard: ClipboardMode,
    pub osc52_passthrough: bool,
    pub auto_copy: bool,
    pub bell: bool,
    /// Cancel a number with no SMS this long before it expires (zero: off).
    pub auto_cancel_before: Duration,
    pub balance_refresh: Duration,
    pub data_dir: Option<PathBuf>,
    /// Key overrides: command id -> key.
    pub keys: BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            accounts: Vec::new(),
            theme: "default".into(),
            clipboard: ClipboardMode::Auto,
            osc52_passthrough: false,
            auto_copy: false,
            bell: false,
            auto_cancel_before: Duration::from_secs(60),
            balance_refresh: Duration::from_secs(180),
            data_dir: None,
            keys: BTreeMap::new(),
        }
    }
}

#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    /// The file that was read, if any.
    pub path: Option<PathBuf>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DurationValue {
    Secs(u64),
    Text(String),
}

#[derive(Debug, Deserialize, Default)]
struct RawConfig {
    theme: Option<String>,
    clipboard: Option<String>,
    osc52_passthrough: Option<bool>,
    auto_copy: Option<bool>,
    bell: Option<bool>,
    auto_cancel_before: Option<DurationValue>,
    balance_refresh: Option<DurationValue>,
    data_dir: Option<PathBuf>,
    keys: Option<BTreeMap<String, String>>,
    #[serde(default)]
    accounts: Vec<RawAccount>,
}

#[derive(Debug, Deserialize, Default)]
struct RawAccount {
    name: Option<String>,
    provider: Option<String>,
    base_url: Option<String>,
    api_key: Option<String>,
    api_key_env: Option<String>,
    api_key_cmd: Option<String>,
    otomax_username: Option<String>,
    otomax_sign: Option<String>,
    order_lifetime: Option<DurationValue>,
    markup: Option<i64>,
}

fn parse_duration(v: &DurationValue, what: &str) -> Result<Duration, String> {
    match v {
        DurationValue::Secs(s) => Ok(Duration::from_secs(*s)),
        DurationValue::Text(t) if t.trim() == "0" => Ok(Duration::ZERO),
        DurationValue::Text(t) => humantime::parse_duration(t.trim()).map_err(|e| {
            format!("{what} = \"{t}\" is not a duration like \"90s\" or \"20m\" ({e})")
        }),
    }
}

/// 1-based line of the first `name = "<name>"` in the text, for errors about
/// one account.
fn line_of_account(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim();
            t.starts_with("name") && t.contains(&format!("\"{name}\""))
                || t.contains(&format!("'{name}'"))
        })
        .map(|i| i + 1)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

/// Parses and checks config text (no env overrides). `file` names it in errors.
pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
    parse_text(text, "config", false).map(|(c, _)| c)
}

fn parse_text(text: &str, file: &str, with_env: bool) -> Result<(Config, bool), ConfigError> {
    // toml first, for a precise line and column on syntax errors.
    if let Err(e) = toml::from_str::<toml::Table>(text) {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        return Err(ConfigError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: e.message().to_string(),
        });
    }
    let mut builder = config::Config::builder()
        .add_source(config::File::from_str(text, config::FileFormat::Toml));
    if with_env {
        builder = builder.add_source(
            config::Environment::with_prefix("OTPDECK")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true),
        );
    }
    let invalid = |line: Option<usize>, message: String| ConfigError::Invalid {
        file: file.to_string(),
        line,
        message,
    };
    let raw: RawConfig = builder
        .build()
        .and_then(|c| c.try_deserialize())
        .map_err(|e| invalid(None, e.to_string()))?;
    let mut cfg = Config::default();
    if let Some(t) = raw.theme {
        cfg.theme = t;
    }
    if let Some(c) = raw.clipboard {
        cfg.clipboard = c.parse().map_err(|e: String| invalid(None, e))?;
    }
    cfg.osc52_passthrough = raw.osc52_passthrough.unwrap_or(false);
    cfg.auto_copy = raw.auto_copy.unwrap_or(false);
    cfg.bell = raw.bell.unwrap_or(false);
    if let Some(d) = &raw.auto_cancel_before {
        cfg.auto_cancel_before =
            parse_duration(d, "auto_cancel_before").map_err(|e| invalid(None, e))?;
    }
    if let Some(d) = &raw.balance_refresh {
        cfg.balance_refresh = parse_duration(d, "balance_refresh").map_err(|e| invalid(None, e))?;
    }
    cfg.data_dir = raw.data_dir;
    cfg.keys = raw.keys.unwrap_or_default();
    let mut has_inline_secret = false;
    for (i, a) in raw.accounts.into_iter().enumerate() {
        let Some(name) = a.name.filter(|n| !n.trim().is_empty()) else {
            return Err(invalid(None, format!("account #{} has no name", i + 1)));
        };
        let line = line_of_account(text, &name);
        let bad = |msg: String| invalid(line, format!("account '{name}': {msg}"));
        if cfg.accounts.iter().any(|x: &AccountConfig| x.name == name) {
            return Err(bad(
                "the name is used by another account; names must be unique".into(),
            ));
        }
        let provider: ProviderKind = a
            .provider
            .as_deref()
            .ok_or_else(|| bad("no provider (gateotp, nexotp, otpzap or gotopup)".into()))?
            .parse()
            .map_err(bad)?;
        let base_url = a
            .base_url
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .unwrap_or_else(|| default_base_url(provider).to_string());
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(bad(format!(
                "base_url '{base_url}' must start with http:// or https://"
            )));
        }
        let otomax = match (a.otomax_username, a.otomax_sign) {
            (Some(u), Some(s)) => Some((u, s)),
            (None, None) => None,
            _ => return Err(bad("otomax_username and otomax_sign go together".into())),
        };
        if otomax.is_some() && provider != ProviderKind::GoTopUp {
            return Err(bad(
                "otomax_username/otomax_sign are for gotopup accounts only".into(),
            ));
        }
        let mut sources = Vec::new();
        if let Some(k) = a.api_key {
            has_inline_secret = true;
            sources.push(KeySource::Inline(Secret::new(k)));
        }
        if let Some(v) = a.api_key_env {
            sources.push(KeySource::Env(v));
        }
        if let Some(c) = a.api_key_cmd {
            sources.push(KeySource::Cmd(c));
        }
        if let Some((username, sign)) = otomax {
            has_inline_secret = true;
            sources.push(KeySource::Otomax {
                username,
                sign: Secret::new(sign),
            });
        }
        let key = match sources.len() {
            1 => sources.remove(0),
            0 => return Err(bad("no key: set one of api_key, api_key_env or api_key_cmd".into())),
            _ => {
                return Err(bad(
                    "more than one key source: keep exactly one of api_key, api_key_env, api_key_cmd (or the otomax pair)".into(),
                ))
            }
        };
        let order_lifetime = match &a.order_lifetime {
            Some(d) => parse_duration(d, "order_lifetime").map_err(bad)?,
            None => Duration::from_secs(20 * 60),
        };
        let markup = a.markup.unwrap_or(0);
        if markup < 0 {
            return Err(bad("markup must be zero or more rupiah".into()));
        }
        cfg.accounts.push(AccountConfig {
            name,
            provider,
            base_url,
            key,
            order_lifetime,
            markup: Rupiah(markup),
        });
    }
    Ok((cfg, has_inline_secret))
}

/// The config file to read: the one named, else `OTPDECK_CONFIG` (the CLI
/// folds that into `explicit`), else the XDG default.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("otpdeck").join("config.toml"))
}

/// Loads the config. A missing default file means built-in defaults; a
/// missing file that was named is an error.
pub fn load(explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
    let (path, required) = match explicit {
        Some(p) => (Some(p.to_path_buf()), true),
        None => (default_path(), false),
    };
    let mut warnings = Vec::new();
    let text = match &path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => Some(t),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ConfigError::Read {
                    file: p.display().to_string(),
                    message: e.to_string(),
                })
            }
        },
        None => None,
    };
    let file = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "config".into());
    let (config, inline) = parse_text(text.as_deref().unwrap_or(""), &file, true)?;
    let used = if text.is_some() { path } else { None };
    if inline {
        if let Some(p) = &used {
            if let Some(w) = permission_warning(p) {
                warnings.push(w);
            }
        }
    }
    Ok(Loaded {
        config,
        path: used,
        warnings,
    })
}

#[cfg(unix)]
fn permission_warning(p: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p).ok()?.permissions().mode();
    // Readable by group or others; write or execute bits alone do not
    // expose the key.
    (mode & 0o044 != 0).then(|| {
        format!(
            "{} holds an API key and can be read by other users (mode {:o}); run `chmod 600 {}`",
            p.display(),
            mode & 0o777,
            p.display()
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_with_one_account_per_provider() {
        let cfg = from_toml_str(include_str!("../config.example.toml")).unwrap();
        for kind in ProviderKind::ALL {
            assert!(
                cfg.accounts.iter().any(|a| a.provider == kind),
                "no {kind} account"
            );
        }
    }

    #[test]
    fn defaults_and_durations() {
        let cfg = from_toml_str("auto_cancel_before = \"0\"\nbalance_refresh = 90\n").unwrap();
        assert_eq!(cfg.auto_cancel_before, Duration::ZERO);
        assert_eq!(cfg.balance_refresh, Duration::from_secs(90));
        assert_eq!(cfg.theme, "default");
        assert_eq!(cfg.clipboard, ClipboardMode::Auto);
        let cfg = from_toml_str(
            "[[accounts]]\nname='a'\nprovider='NEXOTP'\napi_key='sim-x'\norder_lifetime='90s'\n",
        )
        .unwrap();
        assert_eq!(cfg.accounts[0].order_lifetime, Duration::from_secs(90));
        assert_eq!(cfg.accounts[0].base_url, "https://webnokosai.vercel.app");
    }

    #[test]
    fn errors_name_the_line() {
        let text = "[[accounts]]\nname = \"a\"\nprovider = \"gateotp\"\napi_key = \"sim-1\"\n\n[[accounts]]\nname = \"a\"\nprovider = \"nexotp\"\napi_key = \"sim-2\"\n";
        let e = from_toml_str(text).unwrap_err();
        assert_eq!(e.line(), Some(2), "{e}");
        assert!(e.to_string().contains("unique"));
        let e = from_toml_str("theme = \n").unwrap_err();
        assert_eq!(e.line(), Some(1));
        assert!(matches!(e, ConfigError::Syntax { .. }));
    }

    #[test]
    fn key_sources_must_be_exactly_one() {
        let none = "[[accounts]]\nname='a'\nprovider='gateotp'\n";
        assert!(from_toml_str(none)
            .unwrap_err()
            .to_string()
            .contains("no key"));
        let two = "[[accounts]]\nname='a'\nprovider='gateotp'\napi_key='sim-1'\napi_key_env='X'\n";
        assert!(from_toml_str(two)
            .unwrap_err()
            .to_string()
            .contains("more than one"));
        let bad = "[[accounts]]\nname='a'\nprovider='smsking'\napi_key='sim-1'\n";
        assert!(from_toml_str(bad)
            .unwrap_err()
            .to_string()
            .contains("unknown provider"));
    }

    #[test]
    fn secrets_stay_out_of_debug_and_errors() {
        let cfg =
            from_toml_str("[[accounts]]\nname='a'\nprovider='gateotp'\napi_key='sim-SECRET123'\n")
                .unwrap();
        assert!(!format!("{cfg:?}").contains("SECRET123"));
        let e = from_toml_str("[[accounts]]\nname='a'\nprovider='gateotp'\napi_key='sim-SECRET123'\napi_key_env='X'\n")
            .unwrap_err();
        assert!(!e.to_string().contains("SECRET123"));
    }

    #[test]
    fn key_command_and_env_resolve() {
        let cfg = from_toml_str(
            "[[accounts]]\nname='c'\nprovider='otpzap'\napi_key_cmd='printf sim-from-cmd'\n\
             [[accounts]]\nname='f'\nprovider='otpzap'\napi_key_cmd='echo leaked-output; exit 3'\n\
             [[accounts]]\nname='e'\nprovider='nexotp'\napi_key_env='OTPDECK_TEST_UNSET_VAR_91'\n\
             [[accounts]]\nname='o'\nprovider='gotopup'\notomax_username='sim-u'\notomax_sign='s1'\n",
        )
        .unwrap();
        match cfg.accounts[0].resolve().unwrap().auth {
            Auth::ApiKey(k) => assert_eq!(k.expose(), "sim-from-cmd"),
            other => panic!("{other:?}"),
        }
        let e = cfg.accounts[1].resolve().unwrap_err().to_string();
        assert!(e.contains("'f'") && !e.contains("leaked-output"), "{e}");
        let e = cfg.accounts[2].resolve().unwrap_err().to_string();
        assert!(e.contains("OTPDECK_TEST_UNSET_VAR_91"), "{e}");
        assert!(matches!(
            cfg.accounts[3].resolve().unwrap().auth,
            Auth::Otomax { .. }
        ));
    }

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

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "bell = false\nauto_cancel_before = \"60s\"\n").unwrap();
        // Only this test reads these two keys, so setting them cannot race.
        std::env::set_var("OTPDECK_BELL", "true");
        std::env::set_var("OTPDECK_AUTO_CANCEL_BEFORE", "2m");
        let cfg = load(Some(&p)).unwrap().config;
        std::env::remove_var("OTPDECK_BELL");
        std::env::remove_var("OTPDECK_AUTO_CANCEL_BEFORE");
        assert!(cfg.bell);
        assert_eq!(cfg.auto_cancel_before, Duration::from_secs(120));
    }

    #[cfg(unix)]
    #[test]
    fn warns_when_a_file_with_a_key_is_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(
            &p,
            "[[accounts]]\nname='a'\nprovider='gateotp'\napi_key='sim-1'\n",
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(load(Some(&p)).unwrap().warnings.len(), 1);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(load(Some(&p)).unwrap().warnings.len(), 1, "group-readable");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o604)).unwrap();
        assert_eq!(load(Some(&p)).unwrap().warnings.len(), 1, "world-readable");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load(Some(&p)).unwrap().warnings.is_empty());
        // Writable or executable by others, but not readable: the key stays
        // private, so no warning.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o622)).unwrap();
        assert!(load(Some(&p)).unwrap().warnings.is_empty());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o611)).unwrap();
        assert!(load(Some(&p)).unwrap().warnings.is_empty());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load(Some(&dir.path().join("missing.toml"))).is_err());
    }
}

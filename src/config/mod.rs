//! Configuration: a TOML file (`--config`, `OTPDECK_CONFIG`, or
//! `$XDG_CONFIG_HOME/otpdeck/config.toml`) layered under `OTPDECK_*`
//! environment overrides, read with config-rs. Every option has a default;
//! errors name the file, the line and what is wrong, never a secret.

mod accounts;
mod file;
mod key_cmd;
mod otomax;
mod parse;
mod unknown_keys;
mod webhook;

pub use accounts::{AccountConfig, AccountRole, KeySource};
pub use file::{default_path, load};
pub use key_cmd::KEY_CMD_TIMEOUT;
pub use otomax::OtomaxAccount;
pub use parse::from_toml_str;
pub use webhook::{HookConfig, WebhookConfig};

use std::collections::BTreeMap;
use std::path::PathBuf;
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
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub accounts: Vec<AccountConfig>,
    pub theme: String,
    pub clipboard: ClipboardMode,
    pub osc52_passthrough: bool,
    pub auto_copy: bool,
    pub bell: bool,
    /// Desktop notifications on a new OTP through the terminal.
    pub notify_osc9: bool,
    pub notify_osc777: bool,
    /// A desktop notification through the local session bus (notify-rust).
    pub notify_desktop: bool,
    /// Cancel a number with no SMS this long before it expires (zero: off).
    pub auto_cancel_before: Duration,
    /// Whether auto-cancel also cancels email inboxes (which costs
    /// OTPZap's cancellation fee).
    pub auto_cancel_email: bool,
    pub balance_refresh: Duration,
    pub data_dir: Option<PathBuf>,
    /// Key overrides: command id -> its keys (empty: unbound).
    pub keys: BTreeMap<String, Vec<String>>,
    /// More names for services: `whatsapp = ["wa", "whats app"]`.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Rules on spending, checked before every buy.
    pub rules: crate::domain::Rules,
    /// The webhook receiver (opt-in) and the accounts that take pushes.
    pub webhook: WebhookConfig,
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
            notify_osc9: false,
            notify_osc777: false,
            notify_desktop: false,
            auto_cancel_before: Duration::from_secs(60),
            auto_cancel_email: true,
            balance_refresh: Duration::from_secs(180),
            data_dir: None,
            keys: BTreeMap::new(),
            aliases: BTreeMap::new(),
            rules: Default::default(),
            webhook: Default::default(),
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

/// Where copies go: `auto` picks the system clipboard or OSC 52 at run time
/// (`tui::clipboard` does the copying; the config owns the setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClipboardMode {
    #[default]
    Auto,
    System,
    Osc52,
    Off,
}

impl std::str::FromStr for ClipboardMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(ClipboardMode::Auto),
            "system" => Ok(ClipboardMode::System),
            "osc52" => Ok(ClipboardMode::Osc52),
            "off" => Ok(ClipboardMode::Off),
            o => Err(format!(
                "clipboard must be auto, system, osc52 or off, not '{o}'"
            )),
        }
    }
}

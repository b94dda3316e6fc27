//! `otpdeck` (the dashboard with the user's config) and `otpdeck demo` (the
//! same dashboard against an in-process simulator, two accounts per API).

use super::{exit, fail, Cli, CliResult};
use crate::app::AppSettings;
use crate::config::{self, Config};
use crate::domain::ProviderKind;
use crate::engine::journal::Journal;
use crate::paths::Paths;
use crate::providers::{Auth, ProviderSettings};
use crate::secret::Secret;
use crate::sim::{self, SimOptions};
use crate::tui::webhook::WebhookRun;
use crate::tui::{RuntimeAccount, RuntimeOptions};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

/// A theme name the binary does not have is said at start, not ignored.
fn theme_notice(cfg: &Config) -> Option<String> {
    crate::ui::theme::Theme::by_name(&cfg.theme)
        .is_none()
        .then(|| {
            format!(
                "No theme '{}' (have: {}); using default",
                cfg.theme,
                crate::ui::theme::Theme::names().join(", ")
            )
        })
}

pub(super) fn settings_of(cfg: &Config) -> AppSettings {
    AppSettings {
        theme: cfg.theme.clone(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        auto_copy: cfg.auto_copy,
        bell: cfg.bell,
        notify_osc9: cfg.notify_osc9,
        notify_osc777: cfg.notify_osc777,
        notify_desktop: cfg.notify_desktop,
        auto_cancel_before: cfg.auto_cancel_before,
        auto_cancel_email: cfg.auto_cancel_email,
        keys: cfg.keys.clone(),
        key_salt: rand::random(),
        rules: cfg.rules.clone(),
        utc_offset: *chrono::Local::now().offset(),
        webhook_receiver: cfg.webhook.listen.is_some(),
        role: Default::default(),
    }
}

/// The user's config where one loads (defaults otherwise) and the paths
/// it gives: what a screen that is not the engine (the demo, `attach`,
/// `--remote`) takes its look and reactions from.
pub(super) fn look_and_feel(cli: &Cli) -> (Config, Paths) {
    let loaded = config::load(cli.config.as_deref()).ok();
    let config_path = loaded.as_ref().and_then(|l| l.path.clone());
    let cfg = loaded.map(|l| l.config).unwrap_or_default();
    let paths = Paths::resolve(config_path, cli.data_dir.clone(), &cfg);
    (cfg, paths)
}

/// Loads the config; on an error shows where and what, and offers to go on
/// with built-in defaults when a person is at the keyboard.
pub(super) fn load_or_ask(cli: &Cli) -> Result<config::Loaded, super::CliError> {
    match config::load(cli.config.as_deref()) {
        Ok(l) => Ok(l),
        Err(e) => {
            say_err!("otpdeck: config error: {e}");
            if !std::io::stdin().is_terminal() {
                return Err(super::CliError {
                    message: "fix the config and start again".into(),
                    code: exit::ERROR,
                });
            }
            say_err_part!("Go on with built-in defaults (no accounts)? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            let _ = std::io::stdin().lock().read_line(&mut answer);
            if answer.trim().eq_ignore_ascii_case("y") {
                Ok(config::Loaded {
                    config: Config::default(),
                    path: None,
                    warnings: vec![format!("config not used: {e}")],
                })
            } else {
                Err(super::CliError {
                    message: "fix the config and start again".into(),
                    code: exit::ERROR,
                })
            }
        }
    }
}

/// The dashboard: attached to this data dir's engine when one runs (an
/// `otpdeck serve`, or another dashboard hosting it), else hosting the
/// engine in this process for itself and for screens that attach. When
/// the engine it is attached to goes, it attaches again, or hosts.
pub async fn dashboard(cli: &Cli) -> CliResult {
    let loaded = load_or_ask(cli)?;
    crate::domain::naming::install_aliases(&loaded.config.aliases);
    let paths = Paths::resolve(loaded.path.clone(), cli.data_dir.clone(), &loaded.config);
    paths
        .ensure()
        .map_err(|e| fail(format!("cannot create {}: {e}", paths.data_dir.display())))?;
    let _log = crate::logging::init(&paths.log_file);
    let cfg = Arc::new(loaded.config);
    let settings = settings_of(&cfg);
    let warnings = loaded.warnings;
    let io = super::engine::screen_io(&cfg);
    let connect = super::engine::attach_or_host(cfg.clone(), paths, warnings);
    crate::tui::run_screen_terminal(connect, settings, io)
        .await
        .map_err(fail)?;
    Ok(exit::OK)
}

/// The engine's options from the config: each account's adapter (or why
/// not), the journal, the rules, the webhook receiver, and what to say at
/// start.
pub(super) fn engine_options(
    cfg: &Config,
    paths: &Paths,
    mut notices: Vec<String>,
) -> Result<RuntimeOptions, super::CliError> {
    let journal = Arc::new(Journal::open(&paths.journal).map_err(|e| fail(e.to_string()))?);
    let accounts = cfg
        .accounts
        .iter()
        .map(|a| {
            if a.role.is_seller() {
                let settings = a.resolve().map_err(|e| e.to_string());
                return RuntimeAccount::seller_account(a.name.clone(), settings);
            }
            RuntimeAccount::new(a.name.clone(), a.provider, a.buyer_settings())
        })
        .collect();
    notices.extend(theme_notice(cfg));
    if cfg.accounts.is_empty() {
        notices
            .push("No accounts configured: see config.example.toml, or try `otpdeck demo`".into());
    }
    Ok(RuntimeOptions {
        accounts,
        settings: settings_of(cfg),
        journal,
        clipboard: cfg.clipboard,
        osc52_passthrough: cfg.osc52_passthrough,
        balance_refresh: cfg.balance_refresh,
        webhook: super::webhook_url::receiver_of(cfg, paths, &mut notices),
        notices,
        rules: cfg.rules.clone(),
    })
}

/// The demo's simulator: two accounts of one API priced differently
/// (nexotp-alt 15% cheaper, gateotp-alt 10% dearer than their -main),
/// NEXOTP noticeably slower to deliver, and WhatsApp in
/// Indonesia with an offer on each OTP API that never delivers, so the
/// compare table, the statistics and the replace rule have something to
/// show.
pub fn demo_sim_options() -> SimOptions {
    SimOptions {
        otp_delay: Duration::from_secs(5),
        price_percent: vec![
            (demo_key(ProviderKind::NexOtp, "alt"), -15),
            (demo_key(ProviderKind::GateOtp, "alt"), 10),
        ],
        slower: vec![(crate::sim::faults::Api::NexOtp, Duration::from_secs(12))],
        ..Default::default()
    }
}

/// The demo's push: the OTPZap and GoTopUp accounts take webhooks on a
/// free loopback port, and the simulator delivers there, signed, so OTPs
/// and SNs arrive the moment they exist (polling stays on underneath).
/// None when no port is free: the demo polls only.
fn demo_push() -> (Vec<crate::sim::push::PushTarget>, Option<WebhookRun>) {
    use crate::engine::webhook::server::HookAccount;
    use crate::engine::webhook::signature::{Scheme, DEFAULT_HEADER};
    // Loopback only, and only for this run: not a secret worth hiding.
    const SECRET: &str = "sim-demo-webhook-secret";
    let Ok(listen) = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) else {
        return (Vec::new(), None);
    };
    let mut targets = Vec::new();
    let mut accounts = Vec::new();
    for kind in [ProviderKind::OtpZap, ProviderKind::GoTopUp] {
        let suffixes: &[&str] = match kind {
            ProviderKind::GoTopUp => &["main", "alt", DEMO_SELLER],
            _ => &["main", "alt"],
        };
        for suffix in suffixes {
            let name = format!("{}-{suffix}", kind.as_str());
            targets.push(crate::sim::push::PushTarget {
                key: demo_key(kind, suffix),
                url: format!(
                    "http://{listen}{}",
                    crate::domain::webhook::receiver_path(&name)
                ),
                secret: SECRET.into(),
            });
            accounts.push(HookAccount {
                name,
                provider: kind,
                secret: Some(Secret::new(SECRET)),
                header: DEFAULT_HEADER.into(),
                scheme: Scheme::Hex,
                unsigned: None,
            });
        }
    }
    let run = WebhookRun {
        listen,
        accounts,
        inbox: None,
    };
    (targets, Some(run))
}

/// The demo's GoTopUp seller account is `gotopup-shop`.
const DEMO_SELLER: &str = "shop";

/// The API key of the demo account `<provider>-<suffix>`.
fn demo_key(kind: ProviderKind, suffix: &str) -> String {
    format!("sim-demo-{}-{suffix}", kind.as_str())
}

pub async fn demo(cli: &Cli) -> CliResult {
    // The demo uses the user's look-and-feel settings when a config loads,
    // but never their accounts.
    let (cfg, paths) = look_and_feel(cli);
    crate::domain::naming::install_aliases(&cfg.aliases);
    // The demo's journal is in memory, but its log goes where otpdeck's does.
    let _log = crate::logging::init(&paths.log_file);
    let (push, webhook) = demo_push();
    let handle = sim::start_local(SimOptions {
        push,
        ..demo_sim_options()
    })
    .await
    .map_err(|e| fail(format!("cannot start the simulator: {e}")))?;
    let mut accounts = Vec::new();
    for kind in ProviderKind::ALL {
        let url = handle.urls.for_kind(kind);
        for suffix in ["main", "alt"] {
            let name = format!("{}-{suffix}", kind.as_str());
            let settings =
                ProviderSettings::new(kind, url, Auth::ApiKey(Secret::new(demo_key(kind, suffix))));
            accounts.push(RuntimeAccount::new(name, kind, Ok(settings)));
        }
    }
    // A seller key too (the simulator keeps seller state per key), so the
    // seller view has someone to show: `:seller`.
    let kind = ProviderKind::GoTopUp;
    let key = Secret::new(demo_key(kind, DEMO_SELLER));
    let settings = ProviderSettings::new(kind, handle.urls.for_kind(kind), Auth::ApiKey(key));
    accounts.push(RuntimeAccount::seller_account(
        format!("{}-{DEMO_SELLER}", kind.as_str()),
        Ok(settings),
    ));
    let journal = Arc::new(Journal::open_in_memory().map_err(|e| fail(e.to_string()))?);
    let opts = RuntimeOptions {
        accounts,
        settings: settings_of(&cfg),
        journal,
        clipboard: cfg.clipboard,
        osc52_passthrough: cfg.osc52_passthrough,
        balance_refresh: cfg.balance_refresh,
        notices: theme_notice(&cfg)
            .into_iter()
            // Fits 80 columns: the status line is one line.
            .chain(["Demo, no keys or network: Enter opens an account; :seller a seller".into()])
            .collect(),
        rules: cfg.rules.clone(),
        webhook,
    };
    let result = crate::tui::run_terminal(opts).await;
    handle.stop().await;
    result.map_err(fail)?;
    Ok(exit::OK)
}

//! `otpdeck webhook get|set --account A`: OTPZap's webhook settings. A
//! change is checked (`domain::webhook::check_change`, the dashboard's
//! rule too) before anything is sent. The signing secret the API returns
//! once is written only where the user says: `--secret-file` (mode 0600,
//! not printed), else printed this once. Never journaled or logged.

use super::context::Context;
use super::output::print_json;
use super::scripting::provider_err;
use super::{fail, CliResult};
use crate::domain::webhook::{check_change, parse_events, WebhookChange, WebhookConfig};
use crate::providers::offered;
use crate::secret::Secret;
use clap::{ArgAction, Subcommand};
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum WebhookCmd {
    /// Shows the webhook URL, its events and whether it is active.
    Get {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
    },
    /// Sets the URL (HTTPS), the events (comma-separated, or *) and/or
    /// whether delivery is active; only what is given changes.
    Set {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// The HTTPS URL the provider delivers to.
        #[arg(long, conflicts_with = "register_webhook")]
        url: Option<String>,
        /// Registers this dashboard's receiver: the URL becomes
        /// BASE/webhook/<account> (the path `otpdeck webhook-url` prints).
        #[arg(long, value_name = "HTTPS_BASE")]
        register_webhook: Option<String>,
        /// e.g. order.otp_received,order.cancelled or *
        #[arg(long)]
        events: Option<String>,
        /// Turn deliveries on (true) or off (false).
        #[arg(long, action = ArgAction::Set, value_name = "true|false")]
        active: Option<bool>,
        /// Write the secret the API returns here (mode 0600) instead of
        /// printing it.
        #[arg(long, value_name = "PATH")]
        secret_file: Option<PathBuf>,
    },
}

pub async fn run(ctx: &Context, cmd: &WebhookCmd) -> CliResult {
    match cmd {
        WebhookCmd::Get { account } => {
            let p = ctx.provider(ctx.account(account)?)?;
            let c = offered(p.webhooks(), "webhook settings")
                .map_err(provider_err)?
                .get_webhook()
                .await
                .map_err(provider_err)?;
            if ctx.json {
                print_json(&config_json(account, &c));
            } else {
                say_part!("{}", config_text(&c));
            }
            Ok(super::exit::OK)
        }
        WebhookCmd::Set {
            account,
            url,
            register_webhook,
            events,
            active,
            secret_file,
        } => {
            let url = crate::domain::webhook::url_or_registered(
                url.as_deref(),
                register_webhook.as_deref(),
                account,
            )
            .map_err(fail)?;
            let change = WebhookChange {
                url,
                events: events.as_deref().map(parse_events),
                is_active: *active,
            };
            check_change(&change).map_err(fail)?;
            let p = ctx.provider(ctx.account(account)?)?;
            let saved = offered(p.webhooks(), "webhook settings")
                .map_err(provider_err)?
                .update_webhook(&change)
                .await
                .map_err(provider_err)?;
            let mut out = config_json(account, &saved.config);
            let mut text = config_text(&saved.config);
            match (&saved.secret, secret_file) {
                (Some(s), Some(path)) => {
                    if let Err(e) = write_secret(path, s) {
                        // The API shows it only now: printed, not lost.
                        say!("secret {}", s.expose());
                        return Err(fail(format!(
                            "could not write the secret to {}: {e}; it is printed above, once",
                            path.display()
                        )));
                    }
                    out["secret_file"] = json!(path.display().to_string());
                    text.push_str(&format!("secret   written to {} (0600)\n", path.display()));
                }
                (Some(s), None) => {
                    out["secret"] = json!(s.expose());
                    text.push_str(&format!(
                        "secret   {} (shown once: OTPZap will not show it again)\n",
                        s.expose()
                    ));
                }
                (None, _) => text.push_str("secret   unchanged (none returned)\n"),
            }
            if ctx.json {
                print_json(&out);
            } else {
                say_part!("{text}");
            }
            Ok(super::exit::OK)
        }
    }
}

fn config_json(account: &str, c: &WebhookConfig) -> serde_json::Value {
    json!({"account": account, "url": c.url, "events": c.events, "is_active": c.is_active})
}

fn config_text(c: &WebhookConfig) -> String {
    format!(
        "url      {}\nevents   {}\nactive   {}\n",
        c.url.as_deref().unwrap_or("(not set)"),
        if c.events.is_empty() {
            "(none)".to_string()
        } else {
            c.events.join(", ")
        },
        if c.is_active { "yes" } else { "no" }
    )
}

/// Writes the secret readable by the owner only, replacing the file.
pub fn write_secret(path: &Path, secret: &Secret) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let mut f = opts.open(path)?;
        // An existing file keeps its mode on open: tighten it first.
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        writeln!(f, "{}", secret.expose())?;
        f.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut f = opts.open(path)?;
        writeln!(f, "{}", secret.expose())?;
        f.sync_all()
    }
}

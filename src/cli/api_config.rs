//! `otpdeck api-config get|set --account A`: a GoTopUp key's API settings
//! (webhook URL, IP whitelist, rate limit), the buyer's or, for an account
//! with `role = "seller"`, the seller's. A change is checked by
//! `domain::api_config::check_change` before anything is sent; the API key
//! the API echoes is never read, so never printed.

use super::context::Context;
use super::output::print_json;
use super::scripting::provider_err;
use super::{exit, fail, CliError, CliResult};
use crate::config::AccountConfig;
use crate::domain::api_config::{parse_ip_list, ApiSettings, ApiSettingsChange};
use crate::domain::ProviderKind;
use crate::providers::gotopup::GoTopUpKeyApi;
use clap::Subcommand;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum ApiConfigCmd {
    /// Shows the webhook URL, the IP whitelist and the rate limit.
    Get {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
    },
    /// Changes only what is given.
    Set {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// An https:// URL for GoTopUp's notifications.
        #[arg(long, conflicts_with = "register_webhook")]
        webhook_url: Option<String>,
        /// Registers this dashboard's receiver: the URL becomes
        /// BASE/webhook/<account> (the path `otpdeck webhook-url` prints).
        #[arg(long, value_name = "HTTPS_BASE")]
        register_webhook: Option<String>,
        /// Addresses or networks, comma-separated ("" clears the list).
        #[arg(long, value_name = "IP,IP")]
        ip_whitelist: Option<String>,
        /// Requests a minute, 1 to 1000.
        #[arg(long)]
        rate_limit: Option<u32>,
    },
}

fn client(ctx: &Context, name: &str) -> Result<GoTopUpKeyApi, CliError> {
    let acc = gotopup_account(
        ctx,
        name,
        "API settings are GoTopUp's (OTPZap's webhook is `otpdeck webhook`)",
    )?;
    key_api(acc)
}

/// The named account when it is GoTopUp's; `why` says why another
/// provider's is refused.
pub(super) fn gotopup_account<'a>(
    ctx: &'a Context,
    name: &str,
    why: &str,
) -> Result<&'a AccountConfig, CliError> {
    let acc = ctx.account(name)?;
    if acc.provider != ProviderKind::GoTopUp {
        return Err(fail(format!(
            "account '{}' is {}: {why}",
            acc.name,
            acc.provider.as_str()
        )));
    }
    Ok(acc)
}

/// The key client of a GoTopUp account (settings, reports), the seller's
/// for `role = "seller"`. Resolving runs the key source, so callers check
/// what they can first.
pub(super) fn key_api(acc: &AccountConfig) -> Result<GoTopUpKeyApi, CliError> {
    let settings = acc.resolve().map_err(|e| fail(e.to_string()))?;
    GoTopUpKeyApi::new(&settings, acc.role.is_seller())
        .map_err(|e| fail(format!("account '{}': {e}", acc.name)))
}

pub async fn run(ctx: &Context, cmd: &ApiConfigCmd) -> CliResult {
    let (account, settings) = match cmd {
        ApiConfigCmd::Get { account } => {
            let c = client(ctx, account)?;
            (account, c.get().await.map_err(provider_err)?)
        }
        ApiConfigCmd::Set {
            account,
            webhook_url,
            register_webhook,
            ip_whitelist,
            rate_limit,
        } => {
            let webhook_url = crate::domain::webhook::url_or_registered(
                webhook_url.as_deref(),
                register_webhook.as_deref(),
                account,
            )
            .map_err(fail)?;
            let change = ApiSettingsChange {
                webhook_url,
                ip_whitelist: ip_whitelist.as_deref().map(parse_ip_list),
                rate_limit: *rate_limit,
            };
            crate::domain::api_config::check_change(&change)
                .map_err(|e| fail(format!("not sent: {e}")))?;
            let c = client(ctx, account)?;
            (account, c.set(&change).await.map_err(provider_err)?)
        }
    };
    if ctx.json {
        print_json(&json!({"account": account, "settings": settings}));
    } else {
        say_part!("{}", text(&settings));
    }
    Ok(exit::OK)
}

fn text(s: &ApiSettings) -> String {
    let mut out = format!(
        "webhook_url   {}\nip_whitelist  {}\nrate_limit    {}\n",
        s.webhook_url.as_deref().unwrap_or("(not set)"),
        if s.ip_whitelist.is_empty() {
            "(any address)".to_string()
        } else {
            s.ip_whitelist.join(", ")
        },
        s.rate_limit
            .map_or("(not said)".to_string(), |n| format!("{n} a minute")),
    );
    if let Some(a) = s.is_active {
        out.push_str(&format!("active        {}\n", if a { "yes" } else { "no" }));
    }
    out
}

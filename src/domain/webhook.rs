//! Webhook settings (OTPZap): what is configured, what a change asks for,
//! and the one check of a change before anything is sent, shared by
//! `otpdeck webhook set` and the dashboard's settings popup.

use crate::secret::Secret;

/// An order's note when an unsigned callback ended it and nothing could
/// check it (no Bearer key): shown on its row and by `otpdeck orders`.
pub const UNVERIFIED_NOTE: &str = "by callback, unverified";
/// An order's note when an unsigned callback ended it and the history
/// agreed.
pub const CONFIRMED_NOTE: &str = "by callback, confirmed by history";

/// The events OTPZap documents, and `*` for all of them.
pub const WEBHOOK_EVENTS: &[&str] = &[
    "order.otp_received",
    "order.cancelled",
    "order.finished",
    "order.replaced",
    "deposit.success",
    "*",
];

/// The configuration as `/webhook/get` shows it (never with the secret).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct WebhookConfig {
    pub url: Option<String>,
    pub events: Vec<String>,
    pub is_active: bool,
}

/// A change: only the fields given are sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct WebhookChange {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub is_active: Option<bool>,
}

/// What an update answered: the configuration and, when the API set or
/// generated one, the signing secret, shown this once.
#[derive(Debug, Clone)]
pub struct WebhookSaved {
    pub config: WebhookConfig,
    pub secret: Option<Secret>,
}

/// The receiver's path for an account's deliveries: what `otpdeck
/// webhook-url` prints, what the receiver serves, what is registered.
pub fn receiver_path(account: &str) -> String {
    format!("/webhook/{account}")
}

/// The URL to register for `account` behind the public HTTPS base where
/// the receiver is reachable (`https://hooks.example.com`, or with a path
/// prefix the proxy strips).
pub fn registered_url(base: &str, account: &str) -> Result<String, String> {
    let base = base.trim().trim_end_matches('/');
    if !base.starts_with("https://") || base.contains(['?', '#']) {
        return Err(format!(
            "--register-webhook takes the public https:// base the receiver is behind (got '{base}')"
        ));
    }
    Ok(format!("{base}{}", receiver_path(account)))
}

/// A webhook URL the providers can deliver to: `https://` and a host
/// (OTPZap's and GoTopUp's settings both).
pub fn check_webhook_url(url: &str) -> Result<(), String> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .ok_or_else(|| format!("the webhook URL must start with https:// (got '{url}')"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("the webhook URL '{url}' has no host"));
    }
    Ok(())
}

/// The URL a settings command sends: `--register-webhook BASE` (this
/// receiver's path under BASE) or else `--url` as given.
pub fn url_or_registered(
    url: Option<&str>,
    register: Option<&str>,
    account: &str,
) -> Result<Option<String>, String> {
    match register {
        Some(base) => registered_url(base, account).map(Some),
        None => Ok(url.map(str::to_string)),
    }
}

/// Splits `a,b , c` into event names, without empties.
pub fn parse_events(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect()
}

/// Refuses, before sending, what OTPZap would refuse with 422 and what we
/// can tell here: a URL that is not `https://host…`, an event not in the
/// documented list, an empty change. (Whether the host resolves to a
/// public address only the API can say.)
pub fn check_change(c: &WebhookChange) -> Result<(), String> {
    if c.url.is_none() && c.events.is_none() && c.is_active.is_none() {
        return Err("nothing to change: give --url, --events or --active".into());
    }
    if let Some(url) = &c.url {
        check_webhook_url(url)?;
    }
    if let Some(events) = &c.events {
        if events.is_empty() {
            return Err("give at least one event (or * for all)".into());
        }
        if let Some(bad) = events
            .iter()
            .find(|e| !WEBHOOK_EVENTS.contains(&e.as_str()))
        {
            return Err(format!(
                "'{bad}' is not a webhook event (events: {})",
                WEBHOOK_EVENTS.join(", ")
            ));
        }
    }
    Ok(())
}

/// Where the push receiver listens when `[webhook] enabled = true`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// Default header carrying the signature.
pub const DEFAULT_HEADER: &str = "X-Signature";

/// How the MAC is written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Lower- or upper-case hex; a `sha256=` prefix is accepted.
    #[default]
    Hex,
    /// Standard base64 (padded or not).
    Base64,
}

impl std::str::FromStr for Scheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hex" | "hmac-sha256-hex" | "hmac-sha256" => Ok(Scheme::Hex),
            "base64" | "hmac-sha256-base64" => Ok(Scheme::Base64),
            o => Err(format!(
                "webhook_signature_scheme must be hex or base64, not '{o}'"
            )),
        }
    }
}

/// One account's push settings as the config states them, the secret read.
/// The engine's receiver takes them as they are (`HookAccount::from`).
#[derive(Debug, Clone)]
pub struct HookSettings {
    pub name: String,
    pub provider: crate::domain::ProviderKind,
    /// None only on an account that takes unsigned deliveries.
    pub secret: Option<Secret>,
    pub header: String,
    pub scheme: Scheme,
    /// `webhook_signature = "none"`.
    pub unsigned: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(u: &str) -> WebhookChange {
        WebhookChange {
            url: Some(u.into()),
            ..Default::default()
        }
    }

    #[test]
    fn only_https_urls_with_a_host() {
        assert!(check_change(&url("https://example.com/hook")).is_ok());
        assert!(check_change(&url("http://example.com/hook"))
            .unwrap_err()
            .contains("https://"));
        assert!(check_change(&url("https:///x")).is_err());
        assert!(check_change(&url("example.com")).is_err());
    }

    #[test]
    fn events_from_the_documented_list() {
        let ev = |s: &str| WebhookChange {
            events: Some(parse_events(s)),
            ..Default::default()
        };
        assert!(check_change(&ev("order.otp_received, deposit.success")).is_ok());
        assert!(check_change(&ev("*")).is_ok());
        let e = check_change(&ev("order.otp_received,order.paid")).unwrap_err();
        assert!(
            e.contains("'order.paid'") && e.contains("order.finished"),
            "{e}"
        );
        assert!(check_change(&ev(" , ")).is_err());
        assert!(check_change(&WebhookChange::default()).is_err());
    }
}

/// A delivery the receiver kept for the user (see `engine::webhook::inbox`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Kept {
    pub at: chrono::DateTime<chrono::Utc>,
    pub account: String,
    pub event: String,
    pub reason: String,
    /// The OTP or SN the delivery carried, if any: still the user's to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The delivery as received (UTF-8, lossy). Webhook bodies carry no API
    /// key; the signature header is not kept.
    pub body: String,
}

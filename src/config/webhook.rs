//! `[webhook]` (the receiver's address) and each account's webhook secret,
//! header and scheme. The secret comes from the same kinds of source as an
//! API key (`webhook_secret`, `webhook_secret_env`, `webhook_secret_cmd`)
//! and is never shown.
//!
//! `webhook_signature = "none"` (opt-in; the default is "required") lets a
//! GoTopUp account take unsigned deliveries, as the Otomax callback is;
//! `engine::webhook::unsigned` says how little they may do. It is refused
//! elsewhere: OTPZap signs its webhooks, the other APIs push nothing, and
//! a seller account has no orders for a callback to end.

use super::accounts::KeySource;
use super::key_cmd::{run_key_cmd, KEY_CMD_TIMEOUT};
use super::ConfigError;
use crate::domain::webhook::{HookSettings, Scheme, DEFAULT_HEADER, DEFAULT_LISTEN};
use crate::domain::ProviderKind;
use crate::secret::Secret;
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebhookConfig {
    /// Where the receiver listens; None: no receiver (it is opt-in).
    pub listen: Option<SocketAddr>,
    pub accounts: Vec<HookConfig>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HookConfig {
    pub account: String,
    pub provider: ProviderKind,
    /// None only when `unsigned`.
    pub secret: Option<KeySource>,
    pub header: String,
    pub scheme: Scheme,
    /// `webhook_signature = "none"`.
    pub unsigned: bool,
}

impl HookConfig {
    /// Reads the secret now (a variable or a command), like an API key.
    pub fn resolve(&self) -> Result<HookSettings, ConfigError> {
        let err = |message: String| ConfigError::Key {
            account: self.account.clone(),
            message,
        };
        let Some(source) = &self.secret else {
            return Ok(self.account(None));
        };
        let secret = match source {
            KeySource::Inline(s) => s.clone(),
            KeySource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Secret::new(v.trim()),
                _ => {
                    return Err(err(format!(
                        "webhook_secret_env names ${var}, which is not set or empty"
                    )))
                }
            },
            KeySource::Cmd(cmd) => run_key_cmd(cmd, KEY_CMD_TIMEOUT)
                .map_err(|m| err(m.replace("api_key_cmd", "webhook_secret_cmd")))?,
            KeySource::Otomax { .. } => return Err(err("no webhook secret".into())),
        };
        // An empty key signs anything anyone computes with it: a forged
        // push could end an order the provider still has. Refused on every
        // path (inline, a variable, a command) alike.
        if secret.expose().trim().is_empty() {
            return Err(err(
                "the webhook secret is empty; set the secret the provider signs with, \
                 or remove it to take no pushes"
                    .into(),
            ));
        }
        Ok(self.account(Some(secret)))
    }

    fn account(&self, secret: Option<Secret>) -> HookSettings {
        HookSettings {
            name: self.account.clone(),
            provider: self.provider,
            secret,
            header: self.header.clone(),
            scheme: self.scheme,
            unsigned: self.unsigned,
        }
    }
}

/// `[webhook]` as written: `listen = "127.0.0.1:8787"`, or `enabled =
/// true` for that loopback default.
#[derive(Debug, Deserialize, Default)]
pub(super) struct RawWebhook {
    listen: Option<String>,
    enabled: Option<bool>,
}

pub(super) fn listen_of(raw: Option<RawWebhook>) -> Result<Option<SocketAddr>, String> {
    let Some(r) = raw else { return Ok(None) };
    match (r.listen, r.enabled) {
        (_, Some(false)) => Ok(None),
        (Some(l), _) => l.trim().parse().map(Some).map_err(|_| {
            format!("[webhook] listen = \"{l}\" is not an address like \"127.0.0.1:8787\"")
        }),
        (None, _) => Ok(Some(DEFAULT_LISTEN.parse().expect("valid default"))),
    }
}

/// One account's webhook fields, as written.
pub(super) struct RawHook {
    pub secret: Option<String>,
    pub secret_env: Option<String>,
    pub secret_cmd: Option<String>,
    pub header: Option<String>,
    pub scheme: Option<String>,
    /// `webhook_signature`: "required" (the default) or "none".
    pub signature: Option<String>,
    pub seller: bool,
}

/// Whether `webhook_signature` lets unsigned deliveries in, or why it may
/// not be set here.
fn unsigned_of(provider: ProviderKind, raw: &RawHook) -> Result<bool, String> {
    let Some(v) = raw.signature.as_deref() else {
        return Ok(false);
    };
    match v.trim().to_ascii_lowercase().as_str() {
        "required" | "hmac" => return Ok(false),
        "none" => {}
        o => {
            return Err(format!(
                "webhook_signature must be \"required\" or \"none\", not '{o}'"
            ))
        }
    }
    match provider {
        ProviderKind::GoTopUp if raw.seller => Err(
            "webhook_signature = \"none\" is for buyer accounts: a seller account has no orders an unsigned callback could end".into(),
        ),
        ProviderKind::GoTopUp => Ok(true),
        ProviderKind::OtpZap => Err(
            "webhook_signature = \"none\" is for gotopup accounts (the Otomax callback carries no signature); OTPZap signs every webhook".into(),
        ),
        p => Err(format!(
            "{} does not push events; webhook_signature = \"none\" is for gotopup accounts",
            p.as_str()
        )),
    }
}

/// None when the account sets no webhook secret; an error names what is
/// wrong (never the secret).
pub(super) fn hook_of(
    account: &str,
    provider: ProviderKind,
    raw: RawHook,
) -> Result<Option<HookConfig>, String> {
    let unsigned = unsigned_of(provider, &raw)?;
    let mut sources = Vec::new();
    if let Some(s) = raw.secret {
        sources.push(KeySource::Inline(Secret::new(s)));
    }
    if let Some(v) = raw.secret_env {
        sources.push(KeySource::Env(v));
    }
    if let Some(c) = raw.secret_cmd {
        sources.push(KeySource::Cmd(c));
    }
    let secret = match sources.len() {
        0 if raw.header.is_some() || raw.scheme.is_some() => {
            return Err("webhook_signature_* set without a webhook_secret".into())
        }
        0 if unsigned => None,
        0 => return Ok(None),
        1 => Some(sources.remove(0)),
        _ => {
            return Err(
                "keep exactly one of webhook_secret, webhook_secret_env, webhook_secret_cmd".into(),
            )
        }
    };
    if !matches!(provider, ProviderKind::OtpZap | ProviderKind::GoTopUp) {
        return Err(format!(
            "{} does not push events; webhook_secret is for otpzap and gotopup accounts",
            provider.as_str()
        ));
    }
    let header = raw
        .header
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|| DEFAULT_HEADER.into());
    if axum::http::HeaderName::from_bytes(header.as_bytes()).is_err() {
        return Err(format!(
            "webhook_signature_header '{header}' is not a header name"
        ));
    }
    let scheme = match raw.scheme {
        Some(s) => s.parse()?,
        None => Scheme::default(),
    };
    Ok(Some(HookConfig {
        account: account.into(),
        provider,
        secret,
        header,
        scheme,
        unsigned,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::from_toml_str;
    use super::*;

    #[test]
    fn opt_in_loopback_default_and_per_account_secret() {
        let cfg = from_toml_str(
            "[webhook]\nenabled = true\n[[accounts]]\nname='z'\nprovider='otpzap'\napi_key='sim-1'\nwebhook_secret='sim-hook-SECRET-1234'\n\
             [[accounts]]\nname='g'\nprovider='gotopup'\napi_key='sim-2'\nwebhook_secret_env='OTPDECK_TEST_HOOK_UNSET_7'\nwebhook_signature_header='X-Sig'\nwebhook_signature_scheme='base64'\n",
        )
        .unwrap();
        assert_eq!(cfg.webhook.listen, Some("127.0.0.1:8787".parse().unwrap()));
        assert_eq!(cfg.webhook.accounts.len(), 2);
        let z = cfg.webhook.accounts[0].resolve().unwrap();
        assert_eq!(z.header, "X-Signature");
        assert_eq!(z.secret.unwrap().expose(), "sim-hook-SECRET-1234");
        assert!(!format!("{cfg:?}").contains("sim-hook-SECRET-1234"));
        let g = &cfg.webhook.accounts[1];
        assert_eq!((g.header.as_str(), g.scheme), ("X-Sig", Scheme::Base64));
        let e = g.resolve().unwrap_err().to_string();
        assert!(e.contains("OTPDECK_TEST_HOOK_UNSET_7"), "{e}");
        // No [webhook]: no receiver.
        let none =
            from_toml_str("[[accounts]]\nname='z'\nprovider='otpzap'\napi_key='sim-1'\n").unwrap();
        assert_eq!(none.webhook, WebhookConfig::default());
        let wide = from_toml_str("[webhook]\nlisten = '0.0.0.0:9000'\n").unwrap();
        assert_eq!(wide.webhook.listen, Some("0.0.0.0:9000".parse().unwrap()));
        for bad in [
            "[webhook]\nlisten = 'nope'\n",
            "[[accounts]]\nname='n'\nprovider='nexotp'\napi_key='sim-1'\nwebhook_secret='sim-hook-0123456789'\n",
            "[[accounts]]\nname='z'\nprovider='otpzap'\napi_key='sim-1'\nwebhook_secret='sim-hook-0123456789'\nwebhook_signature_scheme='rot13'\n",
        ] {
            let e = from_toml_str(bad).unwrap_err().to_string();
            assert!(!e.contains("sim-hook-0123456789"), "{e}");
        }
    }

    #[test]
    fn an_empty_secret_is_refused_on_every_path_with_its_account_named() {
        std::env::set_var("OTPDECK_TEST_HOOK_BLANK_9", "   ");
        for source in [
            "webhook_secret=''",
            "webhook_secret='  \t '",
            "webhook_secret_env='OTPDECK_TEST_HOOK_BLANK_9'",
            "webhook_secret_cmd='printf \"  \"'",
        ] {
            let cfg = from_toml_str(&format!(
                "[webhook]\nenabled = true\n[[accounts]]\nname='zap-main'\nprovider='otpzap'\napi_key='sim-1'\n{source}\n"
            ))
            .unwrap();
            let e = cfg.webhook.accounts[0].resolve().unwrap_err().to_string();
            assert!(e.contains("zap-main"), "{source}: {e}");
            assert!(
                e.contains("empty") || e.contains("nothing"),
                "{source}: {e}"
            );
        }
    }

    #[test]
    fn unsigned_is_opt_in_and_only_where_a_callback_signs_nothing() {
        let gtu = "[[accounts]]\nname='oto'\nprovider='gotopup'\notomax_username='u'\notomax_sign='sim-s'\n";
        // Default: no webhook at all, and "required" says the same.
        assert!(from_toml_str(gtu).unwrap().webhook.accounts.is_empty());
        let req = format!("{gtu}webhook_signature='required'\n");
        assert!(from_toml_str(&req).unwrap().webhook.accounts.is_empty());
        // "none" alone: taken, no secret.
        let cfg = from_toml_str(&format!("{gtu}webhook_signature='none'\n")).unwrap();
        let h = &cfg.webhook.accounts[0];
        assert!(h.unsigned && h.secret.is_none());
        let a = h.resolve().unwrap();
        assert!(a.secret.is_none() && a.unsigned);
        // Beside a secret: signed deliveries are still checked with it.
        let both = format!("{gtu}webhook_signature='None'\nwebhook_secret='sim-hook-0123456789'\n");
        let cfg = from_toml_str(&both).unwrap();
        let a = cfg.webhook.accounts[0].resolve().unwrap();
        assert!(a.secret.is_some() && a.unsigned);
        // Refused: OTPZap signs, NEXOTP pushes nothing, a seller has no
        // orders, and a word that is not one of the two.
        for (bad, says) in [
            ("[[accounts]]\nname='z'\nprovider='otpzap'\napi_key='sim-1'\nwebhook_signature='none'\n", "OTPZap signs"),
            ("[[accounts]]\nname='n'\nprovider='nexotp'\napi_key='sim-1'\nwebhook_signature='none'\n", "does not push"),
            ("[[accounts]]\nname='s'\nprovider='gotopup'\nrole='seller'\napi_key='sim-1'\nwebhook_signature='none'\n", "seller"),
            ("[[accounts]]\nname='g'\nprovider='gotopup'\napi_key='sim-1'\nwebhook_signature='off'\n", "\"required\" or \"none\""),
        ] {
            let e = from_toml_str(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
    }
}

//! Config text to `Config`: TOML syntax first (for exact positions), then
//! config-rs with the environment layered on, then every value checked.

use super::{AccountConfig, Config, ConfigError, KeySource};
use crate::domain::ProviderKind;
use crate::money::Rupiah;
use crate::providers::default_base_url;
use crate::secret::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DurationValue {
    Secs(u64),
    Text(String),
}

/// A `[keys]` entry: one key (`"x"`, `""` to unbind) or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum KeysValue {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize, Default)]
pub(super) struct RawRules {
    max_price: Option<i64>,
    daily_spend_cap: Option<i64>,
    #[serde(default)]
    max_price_by_service: BTreeMap<String, i64>,
    #[serde(default)]
    daily_spend_cap_by_account: BTreeMap<String, i64>,
    auto_replace_after: Option<DurationValue>,
    #[serde(default)]
    auto_replace_after_by_account: BTreeMap<String, DurationValue>,
    max_attempts: Option<i64>,
}

fn rules_of(r: RawRules) -> Result<crate::domain::Rules, String> {
    let money = |what: &str, v: i64| {
        if v > 0 {
            Ok(Rupiah(v))
        } else {
            Err(format!("[rules] {what} = {v}: give whole rupiah above 0"))
        }
    };
    Ok(crate::domain::Rules {
        max_price: r.max_price.map(|v| money("max_price", v)).transpose()?,
        daily_spend_cap: r
            .daily_spend_cap
            .map(|v| money("daily_spend_cap", v))
            .transpose()?,
        max_price_by_service: r
            .max_price_by_service
            .into_iter()
            .map(|(k, v)| money(&format!("max_price_by_service.{k}"), v).map(|m| (k, m)))
            .collect::<Result<_, _>>()?,
        daily_spend_cap_by_account: r
            .daily_spend_cap_by_account
            .into_iter()
            .map(|(k, v)| money(&format!("daily_spend_cap_by_account.{k}"), v).map(|m| (k, m)))
            .collect::<Result<_, _>>()?,
        auto_replace_after: r
            .auto_replace_after
            .map(|v| parse_duration(&v, "[rules] auto_replace_after"))
            .transpose()?
            .filter(|d| !d.is_zero()),
        auto_replace_after_by_account: r
            .auto_replace_after_by_account
            .into_iter()
            .map(|(k, v)| {
                parse_duration(&v, &format!("[rules] auto_replace_after_by_account.{k}"))
                    .map(|d| (k, d))
            })
            .collect::<Result<_, _>>()?,
        max_attempts: match r.max_attempts {
            None => None,
            Some(n) if (1..=20).contains(&n) => Some(n as u32),
            Some(n) => {
                return Err(format!(
                    "[rules] max_attempts = {n}: give a whole number from 1 to 20"
                ))
            }
        },
    })
}

#[derive(Debug, Deserialize, Default)]
pub(super) struct RawConfig {
    theme: Option<String>,
    clipboard: Option<String>,
    osc52_passthrough: Option<bool>,
    auto_copy: Option<bool>,
    bell: Option<bool>,
    notify_osc9: Option<bool>,
    notify_osc777: Option<bool>,
    notify_desktop: Option<bool>,
    auto_cancel_before: Option<DurationValue>,
    auto_cancel_email: Option<bool>,
    balance_refresh: Option<DurationValue>,
    data_dir: Option<PathBuf>,
    keys: Option<BTreeMap<String, KeysValue>>,
    aliases: Option<BTreeMap<String, KeysValue>>,
    rules: Option<RawRules>,
    webhook: Option<super::webhook::RawWebhook>,
    #[serde(default)]
    accounts: Vec<RawAccount>,
}

#[derive(Debug, Deserialize, Default)]
pub(super) struct RawAccount {
    name: Option<String>,
    provider: Option<String>,
    base_url: Option<String>,
    api_key: Option<String>,
    api_key_env: Option<String>,
    api_key_cmd: Option<String>,
    otomax_username: Option<String>,
    otomax_sign: Option<super::otomax::RawSign>,
    otomax_resend_is_status: Option<bool>,
    role: Option<String>,
    order_lifetime: Option<DurationValue>,
    markup: Option<i64>,
    webhook_secret: Option<String>,
    webhook_secret_env: Option<String>,
    webhook_secret_cmd: Option<String>,
    webhook_signature_header: Option<String>,
    webhook_signature_scheme: Option<String>,
    webhook_signature: Option<String>,
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
    parse_text(text, "config", false).map(|(c, _, _)| c)
}

pub(super) fn parse_text(
    text: &str,
    file: &str,
    with_env: bool,
) -> Result<(Config, bool, Vec<String>), ConfigError> {
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
    // Keys nothing reads: named, and in [rules] refused (see unknown_keys).
    let unknown = super::unknown_keys::find(text);
    if let Some(u) = unknown.iter().find(|u| u.in_rules()) {
        return Err(ConfigError::Invalid {
            file: file.to_string(),
            line: u.line,
            message: format!(
                "{} (a spending rule otpdeck cannot read would let buys through, so nothing runs until it is fixed)",
                u.what()
            ),
        });
    }
    let warnings: Vec<String> = unknown
        .iter()
        .map(|u| format!("{file}: {}, ignored", u.sentence()))
        .collect();
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
    cfg.notify_osc9 = raw.notify_osc9.unwrap_or(false);
    cfg.notify_osc777 = raw.notify_osc777.unwrap_or(false);
    cfg.notify_desktop = raw.notify_desktop.unwrap_or(false);
    if let Some(d) = &raw.auto_cancel_before {
        cfg.auto_cancel_before =
            parse_duration(d, "auto_cancel_before").map_err(|e| invalid(None, e))?;
    }
    cfg.auto_cancel_email = raw.auto_cancel_email.unwrap_or(true);
    if let Some(d) = &raw.balance_refresh {
        cfg.balance_refresh = parse_duration(d, "balance_refresh").map_err(|e| invalid(None, e))?;
    }
    cfg.data_dir = raw.data_dir;
    if let Some(r) = raw.rules {
        cfg.rules = rules_of(r).map_err(|m| invalid(None, m))?;
    }
    cfg.aliases = raw
        .aliases
        .unwrap_or_default()
        .into_iter()
        .map(|(name, v)| {
            let list = match v {
                KeysValue::One(a) => vec![a],
                KeysValue::Many(list) => list,
            };
            (name, list)
        })
        .collect();
    cfg.keys = raw
        .keys
        .unwrap_or_default()
        .into_iter()
        .map(|(id, v)| {
            let keys = match v {
                KeysValue::One(k) if k.trim().is_empty() => Vec::new(),
                KeysValue::One(k) => vec![k],
                KeysValue::Many(list) => list,
            };
            (id, keys)
        })
        .collect();
    cfg.webhook.listen = super::webhook::listen_of(raw.webhook).map_err(|e| invalid(None, e))?;
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
        if sources.len() > 1 {
            return Err(bad(
                "more than one key source: keep exactly one of api_key, api_key_env, api_key_cmd (or the otomax pair)".into(),
            ));
        }
        if a.otomax_resend_is_status.is_some() && otomax.is_none() {
            return Err(bad(
                "otomax_resend_is_status is for accounts with otomax_username/otomax_sign".into(),
            ));
        }
        let mut extra = super::OtomaxAccount {
            resend_is_status: a.otomax_resend_is_status.unwrap_or(false),
            ..Default::default()
        };
        let key = match otomax {
            // Beside the Otomax pair, an API key is the same account's
            // Bearer key, read for status from the history.
            Some((username, raw)) => {
                let (sign, rule) =
                    super::otomax::sign_of(raw, &mut has_inline_secret).map_err(bad)?;
                extra.rule = rule;
                extra.history_key = sources.pop();
                KeySource::Otomax {
                    username,
                    sign: Box::new(sign),
                }
            }
            None => sources.pop().ok_or_else(|| {
                bad("no key: set one of api_key, api_key_env or api_key_cmd".into())
            })?,
        };
        let order_lifetime = match &a.order_lifetime {
            Some(d) => parse_duration(d, "order_lifetime").map_err(bad)?,
            None => Duration::from_secs(20 * 60),
        };
        let role = super::AccountRole::parse(a.role.as_deref(), provider).map_err(bad)?;
        has_inline_secret |= a.webhook_secret.is_some();
        let hook = super::webhook::RawHook {
            secret: a.webhook_secret,
            secret_env: a.webhook_secret_env,
            secret_cmd: a.webhook_secret_cmd,
            header: a.webhook_signature_header,
            scheme: a.webhook_signature_scheme,
            signature: a.webhook_signature,
            seller: role.is_seller(),
        };
        if let Some(h) = super::webhook::hook_of(&name, provider, hook).map_err(bad)? {
            cfg.webhook.accounts.push(h);
        }
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
            otomax: extra,
            role,
        });
    }
    Ok((cfg, has_inline_secret, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClipboardMode;

    #[test]
    fn a_misspelt_spending_rule_refuses_the_config() {
        let e = from_toml_str("[rules]\nmax_prise = 1000\n").unwrap_err();
        assert_eq!(e.line(), Some(2));
        let said = e.to_string();
        assert!(
            said.contains("`max_prise`") && said.contains("`max_price`"),
            "{said}"
        );
        // Elsewhere a misspelling is a warning; the config still loads.
        let (_, _, w) = parse_text("bel = true\n", "c.toml", false).unwrap();
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("`bell`"), "{w:?}");
    }

    #[test]
    fn example_config_parses_with_one_account_per_provider() {
        let text = include_str!("../../config.example.toml");
        let (cfg, _, unknown) = parse_text(text, "config.example.toml", false).unwrap();
        assert_eq!(
            unknown,
            Vec::<String>::new(),
            "the example names no unknown key"
        );
        for kind in ProviderKind::ALL {
            assert!(
                cfg.accounts.iter().any(|a| a.provider == kind),
                "no {kind} account"
            );
        }
    }

    #[test]
    fn keys_take_one_key_several_or_none() {
        let cfg = from_toml_str(
            "[keys]\ncancel = [\"x\", \"ctrl-x\"]\nsort = \"\"\nconfirm = \"ctrl-y\"\nresend = []\n",
        )
        .unwrap();
        let k = |id: &str| cfg.keys.get(id).cloned().unwrap_or_default();
        assert_eq!(k("cancel"), vec!["x".to_string(), "ctrl-x".to_string()]);
        assert!(cfg.keys.contains_key("sort") && k("sort").is_empty());
        assert!(k("resend").is_empty());
        assert_eq!(k("confirm"), vec!["ctrl-y".to_string()]);
    }

    #[test]
    fn aliases_take_one_name_or_several() {
        let cfg = from_toml_str(
            "[aliases]\nwhatsapp = [\"wa bisnis\", \"whats app\"]\ntelegram = \"tele\"\n",
        )
        .unwrap();
        assert_eq!(cfg.aliases.get("whatsapp").map(Vec::len), Some(2));
        assert_eq!(cfg.aliases.get("telegram"), Some(&vec!["tele".to_string()]));
    }

    #[test]
    fn defaults_and_durations() {
        let cfg = from_toml_str("auto_cancel_before = \"0\"\nbalance_refresh = 90\n").unwrap();
        assert_eq!(cfg.auto_cancel_before, Duration::ZERO);
        assert_eq!(cfg.balance_refresh, Duration::from_secs(90));
        assert!(cfg.auto_cancel_email);
        assert!(
            !from_toml_str("auto_cancel_email = false\n")
                .unwrap()
                .auto_cancel_email
        );
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
    fn replace_rules_take_durations_per_account_and_a_bounded_attempt_count() {
        let cfg = from_toml_str(
            "[rules]\nauto_replace_after = \"3m\"\nmax_attempts = 4\n\
             [rules.auto_replace_after_by_account]\nslow = \"10m\"\noff = \"0\"\n",
        )
        .unwrap();
        assert_eq!(cfg.rules.replace_after("x"), Some(Duration::from_secs(180)));
        assert_eq!(
            cfg.rules.replace_after("slow"),
            Some(Duration::from_secs(600))
        );
        assert_eq!(cfg.rules.replace_after("off"), None);
        assert_eq!(cfg.rules.max_attempts(), 4);
        let e = from_toml_str("[rules]\nmax_attempts = 0\n").unwrap_err();
        assert!(e.to_string().contains("max_attempts"), "{e}");
        let e = from_toml_str("[rules]\nauto_replace_after = \"soon\"\n").unwrap_err();
        assert!(e.to_string().contains("auto_replace_after"), "{e}");
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
}

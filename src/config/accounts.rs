//! One provider account as configured, and turning it into the settings an
//! adapter needs (reading its key).

use super::key_cmd::{run_key_cmd, KEY_CMD_TIMEOUT};
use super::ConfigError;
use crate::domain::ProviderKind;
use crate::money::Rupiah;
use crate::providers::{Auth, ProviderSettings};
use crate::secret::Secret;
use std::time::Duration;

/// Where an account's key comes from.
#[derive(Clone, PartialEq)]
pub enum KeySource {
    Inline(Secret),
    /// Name of an environment variable.
    Env(String),
    /// A command run with `sh -c`; the first line it prints is the key.
    Cmd(String),
    /// GoTopUp's Otomax username + the fixed sign, or the password a
    /// computed sign is made from (`AccountConfig::otomax.rule`); the inner
    /// source is Inline, Env or Cmd.
    Otomax {
        username: String,
        sign: Box<KeySource>,
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
#[derive(Debug, Clone, PartialEq)]
pub struct AccountConfig {
    pub name: String,
    pub provider: ProviderKind,
    pub base_url: String,
    pub key: KeySource,
    pub order_lifetime: Duration,
    pub markup: Rupiah,
    /// GoTopUp Otomax: sign rule, history key, re-send switch.
    pub otomax: super::OtomaxAccount,
    /// Buyer (the default) or, on GoTopUp, seller: a seller key answers the
    /// `/api/seller/*` calls only.
    pub role: AccountRole,
}

/// Which side of GoTopUp an account's key belongs to. Every other provider
/// has buyers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountRole {
    #[default]
    Buyer,
    Seller,
}

impl AccountRole {
    /// `role = "buyer" | "seller"`; seller only on gotopup accounts.
    pub fn parse(raw: Option<&str>, provider: ProviderKind) -> Result<Self, String> {
        match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
            None | Some("buyer") => Ok(Self::Buyer),
            Some("seller") if provider == ProviderKind::GoTopUp => Ok(Self::Seller),
            Some("seller") => Err("role = \"seller\" is for gotopup accounts only".into()),
            Some(other) => Err(format!("role '{other}' is not buyer or seller")),
        }
    }

    pub fn is_seller(self) -> bool {
        self == Self::Seller
    }
}

impl AccountConfig {
    /// Reads the key (running the command or reading the variable now, so a
    /// broken password manager for one account does not stop the others).
    pub fn resolve(&self) -> Result<ProviderSettings, ConfigError> {
        self.resolve_within(KEY_CMD_TIMEOUT)
    }

    /// The buyer adapter's settings: the one place accounts become buyer
    /// providers (CLI and dashboard). A seller account has none, since its
    /// key answers `/api/seller/*` only; no buyer call is sent with it.
    pub fn buyer_settings(&self) -> Result<ProviderSettings, String> {
        if self.role.is_seller() {
            return Err(format!(
                "seller account '{}': buyer commands do not apply (use `otpdeck seller …`)",
                self.name
            ));
        }
        self.resolve().map_err(|e| e.to_string())
    }

    pub(super) fn resolve_within(
        &self,
        cmd_timeout: Duration,
    ) -> Result<ProviderSettings, ConfigError> {
        let auth = match &self.key {
            KeySource::Otomax { username, sign } => Auth::Otomax {
                username: username.clone(),
                sign: self.secret_of(sign, cmd_timeout)?,
            },
            other => Auth::ApiKey(self.secret_of(other, cmd_timeout)?),
        };
        let mut s = ProviderSettings::new(self.provider, self.base_url.clone(), auth);
        s.order_lifetime = self.order_lifetime;
        s.markup = self.markup;
        s.gotopup.sign_rule = self.otomax.rule.clone();
        s.gotopup.resend_is_status = self.otomax.resend_is_status;
        if let Some(k) = &self.otomax.history_key {
            s.gotopup.history_key = Some(self.secret_of(k, cmd_timeout)?);
        }
        Ok(s)
    }

    /// Reads one secret from its source.
    fn secret_of(&self, src: &KeySource, cmd_timeout: Duration) -> Result<Secret, ConfigError> {
        let err = |message: String| ConfigError::Key {
            account: self.name.clone(),
            message,
        };
        match src {
            KeySource::Inline(s) => Ok(s.clone()),
            KeySource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
                _ => Err(err(format!(
                    "the config names ${var}, which is not set or empty"
                ))),
            },
            KeySource::Cmd(cmd) => run_key_cmd(cmd, cmd_timeout).map_err(err),
            KeySource::Otomax { .. } => {
                Err(err("an Otomax sign cannot hold another Otomax pair".into()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::from_toml_str;
    use super::*;

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

    #[test]
    fn role_is_buyer_unless_a_gotopup_account_says_seller() {
        let cfg = from_toml_str(
            "[[accounts]]\nname='b'\nprovider='gotopup'\napi_key='k'\n\
             [[accounts]]\nname='s'\nprovider='gotopup'\napi_key='k'\nrole='seller'\n",
        )
        .unwrap();
        assert_eq!(cfg.accounts[0].role, AccountRole::Buyer);
        assert!(cfg.accounts[1].role.is_seller());
        let e = from_toml_str(
            "[[accounts]]\nname='z'\nprovider='otpzap'\napi_key='k'\nrole='seller'\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("gotopup accounts only"), "{e}");
        let e = from_toml_str(
            "[[accounts]]\nname='z'\nprovider='gotopup'\napi_key='k'\nrole='admin'\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("'admin'"), "{e}");
    }
}

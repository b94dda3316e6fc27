//! The Otomax keys of a GoTopUp account:
//!
//! ```toml
//! otomax_username = "u"
//! otomax_sign = "fixed-sign"            # sent as it is
//! # or computed per request (confirm the scheme with GoTopUp first):
//! otomax_sign = { scheme = "md5", template = "{username}{password}{ref_id}", password_env = "GTU_OTOMAX_PASSWORD" }
//! otomax_resend_is_status = false       # default: never re-send to poll
//! api_key_env = "GTU_KEY"               # optional Bearer key: status from the history
//! ```

use super::accounts::KeySource;
use crate::providers::gotopup::{SignRule, SignScheme};
use crate::secret::Secret;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawSign {
    Fixed(String),
    Rule {
        scheme: String,
        template: String,
        password: Option<String>,
        password_env: Option<String>,
        password_cmd: Option<String>,
    },
}

/// What an account says about Otomax beyond its username.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OtomaxAccount {
    /// `None`: the sign is sent as configured.
    pub rule: Option<SignRule>,
    /// The account's Bearer key (api_key, api_key_env or api_key_cmd
    /// beside the Otomax pair), used to read the history for status.
    pub history_key: Option<KeySource>,
    pub resend_is_status: bool,
}

/// The sign's source (the fixed sign, or the password a rule hashes) and
/// the rule; `inline` is set when a secret sits in the file itself.
pub(super) fn sign_of(
    raw: RawSign,
    inline: &mut bool,
) -> Result<(KeySource, Option<SignRule>), String> {
    match raw {
        RawSign::Fixed(s) => {
            *inline = true;
            Ok((KeySource::Inline(Secret::new(s)), None))
        }
        RawSign::Rule {
            scheme,
            template,
            password,
            password_env,
            password_cmd,
        } => {
            let scheme: SignScheme = scheme.parse()?;
            let rule = SignRule::new(scheme, &template)?;
            let mut sources = Vec::new();
            if let Some(p) = password {
                *inline = true;
                sources.push(KeySource::Inline(Secret::new(p)));
            }
            sources.extend(password_env.map(KeySource::Env));
            sources.extend(password_cmd.map(KeySource::Cmd));
            match sources.len() {
                1 => Ok((sources.remove(0), Some(rule))),
                0 => Err(
                    "otomax_sign needs the password: one of password, password_env, password_cmd"
                        .into(),
                ),
                _ => Err(
                    "otomax_sign: keep exactly one of password, password_env, password_cmd".into(),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{from_toml_str, KeySource};
    use crate::providers::gotopup::SignScheme;
    use crate::providers::Auth;

    const HEAD: &str = "[[accounts]]\nname='o'\nprovider='gotopup'\notomax_username='sim-u'\n";

    #[test]
    fn fixed_sign_stays_as_before() {
        let cfg = from_toml_str(&format!("{HEAD}otomax_sign='s1'\n")).unwrap();
        let a = &cfg.accounts[0];
        assert_eq!(a.otomax, Default::default());
        let s = a.resolve().unwrap();
        assert!(matches!(&s.auth, Auth::Otomax { sign, .. } if sign.expose() == "s1"));
        assert!(s.gotopup.sign_rule.is_none() && !s.gotopup.resend_is_status);
    }

    #[test]
    fn computed_sign_with_password_from_env_and_a_history_key() {
        std::env::set_var("OTPDECK_TEST_OTOMAX_PW_17", "pw-from-env");
        let cfg = from_toml_str(&format!(
            "{HEAD}otomax_sign={{ scheme='md5', template='{{username}}{{password}}{{ref_id}}', password_env='OTPDECK_TEST_OTOMAX_PW_17' }}\n\
             api_key='sim-bearer'\notomax_resend_is_status=true\n"
        ))
        .unwrap();
        let a = &cfg.accounts[0];
        assert!(
            matches!(&a.key, KeySource::Otomax { sign, .. } if matches!(**sign, KeySource::Env(_)))
        );
        let s = a.resolve().unwrap();
        assert!(matches!(&s.auth, Auth::Otomax { sign, .. } if sign.expose() == "pw-from-env"));
        let rule = s.gotopup.sign_rule.expect("rule");
        assert_eq!(rule.scheme, SignScheme::Md5);
        assert_eq!(
            s.gotopup.history_key.map(|k| k.expose().to_string()),
            Some("sim-bearer".into())
        );
        assert!(s.gotopup.resend_is_status);
    }

    #[test]
    fn bad_gtu_are_refused() {
        for (extra, needle) in [
            (
                "otomax_sign={ scheme='crc', template='{password}', password='p' }",
                "crc",
            ),
            (
                "otomax_sign={ scheme='md5', template='{user}{password}', password='p' }",
                "{user}",
            ),
            (
                "otomax_sign={ scheme='md5', template='{username}{password}' }",
                "password",
            ),
        ] {
            let e = from_toml_str(&format!("{HEAD}{extra}\n"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(needle), "{extra}: {e}");
        }
        let e = from_toml_str(
            "[[accounts]]\nname='b'\nprovider='gotopup'\napi_key='k'\notomax_resend_is_status=true\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("otomax_resend_is_status"), "{e}");
    }
}

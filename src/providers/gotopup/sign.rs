//! The Otomax `sign` and the account switches that make Otomax safe.
//!
//! `api-docs/gotopup.txt` only says "Signature hash": it names neither the
//! hash nor what is hashed. So the sign is either a fixed value (sent as
//! given, as before) or computed from a template the user confirms with
//! GoTopUp, e.g. md5 of `{username}{password}{ref_id}`. Placeholders:
//! `{username}`, `{password}`, `{ref_id}`, `{code}`, `{customer}`; on a call
//! without a transaction (balance, price list) the last three are empty.

use crate::secret::Secret;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignScheme {
    Md5,
    Sha1,
    Sha256,
}

impl std::str::FromStr for SignScheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md5" => Ok(SignScheme::Md5),
            "sha1" => Ok(SignScheme::Sha1),
            "sha256" => Ok(SignScheme::Sha256),
            other => Err(format!(
                "otomax_sign scheme '{other}' is not one of md5, sha1, sha256"
            )),
        }
    }
}

pub const PLACEHOLDERS: [&str; 5] = ["username", "password", "ref_id", "code", "customer"];

/// How a computed sign is made; the password is the account's Otomax
/// secret (`Auth::Otomax.sign` holds it when a rule is set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignRule {
    pub scheme: SignScheme,
    pub template: String,
}

impl SignRule {
    /// Checks the template: only known placeholders, braces balanced.
    pub fn new(scheme: SignScheme, template: &str) -> Result<Self, String> {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("otomax_sign template '{template}' has an unclosed '{{'"))?;
            let name = &after[..close];
            if !PLACEHOLDERS.contains(&name) {
                return Err(format!(
                    "otomax_sign template: unknown placeholder {{{name}}} (known: {})",
                    PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
                ));
            }
            rest = &after[close + 1..];
        }
        if !template.contains("{password}") {
            return Err("otomax_sign template must contain {password}".into());
        }
        Ok(SignRule {
            scheme,
            template: template.to_string(),
        })
    }
}

/// The values a sign may cover for one request.
#[derive(Default)]
pub struct SignInput<'a> {
    pub ref_id: &'a str,
    pub code: &'a str,
    pub customer: &'a str,
}

/// Lower-case hex of the scheme's digest of the filled-in template.
pub fn compute(rule: &SignRule, username: &str, password: &Secret, input: &SignInput) -> Secret {
    let text = rule
        .template
        .replace("{username}", username)
        .replace("{ref_id}", input.ref_id)
        .replace("{code}", input.code)
        .replace("{customer}", input.customer)
        // Last, so a password containing "{ref_id}" is not expanded.
        .replace("{password}", password.expose());
    let bytes: Vec<u8> = match rule.scheme {
        SignScheme::Md5 => Md5::digest(text.as_bytes()).to_vec(),
        SignScheme::Sha1 => Sha1::digest(text.as_bytes()).to_vec(),
        SignScheme::Sha256 => Sha256::digest(text.as_bytes()).to_vec(),
    };
    Secret::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: SignScheme, t: &str) -> SignRule {
        SignRule::new(s, t).unwrap()
    }

    #[test]
    fn known_digests() {
        // md5("abc"), sha1("abc"), sha256("abc") from RFC 1321 / FIPS 180.
        let pw = Secret::new("b");
        let inp = SignInput::default();
        assert_eq!(
            compute(
                &rule(SignScheme::Md5, "{username}{password}c"),
                "a",
                &pw,
                &inp
            )
            .expose(),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            compute(&rule(SignScheme::Sha1, "a{password}c"), "x", &pw, &inp).expose(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            compute(&rule(SignScheme::Sha256, "a{password}c"), "x", &pw, &inp).expose(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_sign_covers_the_transaction() {
        let r = rule(SignScheme::Md5, "{username}{password}{ref_id}");
        let pw = Secret::new("pw");
        let one = compute(
            &r,
            "u",
            &pw,
            &SignInput {
                ref_id: "R1",
                ..Default::default()
            },
        );
        let two = compute(
            &r,
            "u",
            &pw,
            &SignInput {
                ref_id: "R2",
                ..Default::default()
            },
        );
        assert_ne!(one.expose(), two.expose());
        assert_eq!(one.expose().len(), 32);
        assert!(!one.expose().contains("pw"));
    }

    #[test]
    fn bad_templates_and_schemes_are_refused() {
        assert!(SignRule::new(SignScheme::Md5, "{username}{pasword}").is_err());
        assert!(SignRule::new(SignScheme::Md5, "{username}{ref_id}").is_err());
        assert!(SignRule::new(SignScheme::Md5, "{password").is_err());
        assert!("crc32".parse::<SignScheme>().is_err());
        assert_eq!("MD5".parse::<SignScheme>(), Ok(SignScheme::Md5));
    }
}

//! Keys the config does not know. serde passes over them in silence, so
//! `[rules] max_prise = 1000` used to let a Rp 3.300 buy through: each is
//! named here with its line and the nearest known key. One in `[rules]`
//! refuses the whole config (a spending rule otpdeck cannot read must not
//! be a rule it silently lacks); any other is a warning.

use super::parse::{RawAccount, RawConfig, RawRules};
use super::webhook::RawWebhook;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

/// One key the config does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// Where it is, as `[section]` or `[[accounts]] #N`.
    pub section: String,
    pub key: String,
    pub line: Option<usize>,
    pub suggestion: Option<&'static str>,
}

impl UnknownKey {
    pub fn in_rules(&self) -> bool {
        self.section == "[rules]"
    }

    /// With its line, for a warning.
    pub fn sentence(&self) -> String {
        let at = self
            .line
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default();
        format!(
            "unknown key `{}` in {}{at}{}",
            self.key,
            self.section,
            self.hint()
        )
    }

    /// Without its line, for an error that gives the line itself.
    pub fn what(&self) -> String {
        format!(
            "unknown key `{}` in {}{}",
            self.key,
            self.section,
            self.hint()
        )
    }

    fn hint(&self) -> String {
        self.suggestion
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default()
    }
}

/// The field names a struct's `Deserialize` asks for: serde hands them to
/// `deserialize_struct`, where this deserializer notes them and stops.
struct Fields<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for Fields<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("fields only"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("fields only"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut f: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut f));
    f
}

fn nearest(key: &str, known: &'static [&'static str]) -> Option<&'static str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// 1-based line of the first `key =` at or after `from` (a line number).
fn line_of(text: &str, key: &str, from: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|(i, _)| i + 1)
}

/// Line of the `n`th (0-based) `[[accounts]]` header.
fn account_line(text: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[accounts]]")
        .nth(n)
        .map_or(1, |(i, _)| i + 1)
}

/// Every key of `text` (the file alone, not the environment) that the
/// config does not read.
pub fn find(text: &str) -> Vec<UnknownKey> {
    let Ok(c) = config::Config::builder()
        .add_source(config::File::from_str(text, config::FileFormat::Toml))
        .build()
    else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    let _: Result<RawConfig, _> = serde_ignored::deserialize(c, |p| paths.push(p.to_string()));
    let mut found: Vec<UnknownKey> = paths
        .into_iter()
        .map(|p| {
            let parts: Vec<&str> = p.split('.').collect();
            let key = parts.last().copied().unwrap_or_default().to_string();
            let (section, known, from) = match parts.as_slice() {
                [_] => ("the top level".to_string(), fields_of::<RawConfig>(), 1),
                ["rules", ..] => ("[rules]".to_string(), fields_of::<RawRules>(), 1),
                ["webhook", ..] => ("[webhook]".to_string(), fields_of::<RawWebhook>(), 1),
                ["accounts", n, ..] => {
                    let n: usize = n.parse().unwrap_or(0);
                    (
                        format!("[[accounts]] #{}", n + 1),
                        fields_of::<RawAccount>(),
                        account_line(text, n),
                    )
                }
                _ => (format!("[{}]", parts[0]), &[][..], 1),
            };
            UnknownKey {
                line: line_of(text, &key, from),
                suggestion: nearest(&key, known),
                section,
                key,
            }
        })
        .collect();
    found.sort_by_key(|u| u.line.unwrap_or(usize::MAX));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_names_its_unknown_keys_with_a_line_and_a_guess() {
        let text =
            "them = 'dark'\n\n[rules]\nmax_prise = 1000\n\n[webhook]\nlisen = '127.0.0.1:1'\n\n\
                    [[accounts]]\nname = 'a'\nprovider = 'nexotp'\napi_key = 'sim-1'\n\n\
                    [[accounts]]\nname = 'b'\nprovider = 'nexotp'\napi_kye = 'sim-2'\n";
        let found = find(text);
        let said: Vec<String> = found.iter().map(UnknownKey::sentence).collect();
        assert_eq!(
            said,
            [
                "unknown key `them` in the top level (line 1); did you mean `theme`?",
                "unknown key `max_prise` in [rules] (line 4); did you mean `max_price`?",
                "unknown key `lisen` in [webhook] (line 7); did you mean `listen`?",
                "unknown key `api_kye` in [[accounts]] #2 (line 17); did you mean `api_key`?",
            ],
            "{found:?}"
        );
        assert!(found[1].in_rules());
    }

    #[test]
    fn a_known_config_has_none() {
        let text = "theme = 'dark'\n[rules]\nmax_price = 5000\n[rules.max_price_by_service]\nwhatsapp = 4000\n\
                    [keys]\nquit = 'q'\n[[accounts]]\nname = 'a'\nprovider = 'nexotp'\napi_key = 'sim-1'\n";
        assert_eq!(find(text), []);
    }
}

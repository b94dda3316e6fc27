//! API keys are wrapped so that no `Debug`, `Display` or serde output can
//! leak them into logs, the screen, the journal or error text.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The only way to read the key: call sites that put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The forms a key can take when a server echoes it back: as sent, percent-
/// encoded (a URL in an error message; either hex case, `+` for spaces) and
/// JSON-escaped (PHP writes `/` as `\/`).
fn echoed_forms(key: &str) -> Vec<String> {
    let mut forms = vec![key.to_string()];
    let mut upper = String::new();
    let mut lower = String::new();
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            upper.push(b as char);
            lower.push(b as char);
        } else {
            upper.push_str(&format!("%{b:02X}"));
            lower.push_str(&format!("%{b:02x}"));
        }
    }
    let form = upper.replace("%20", "+");
    forms.extend([upper, lower, form]);
    if let Ok(json) = serde_json::to_string(key) {
        let json = json[1..json.len() - 1].to_string();
        forms.push(json.replace('/', "\\/"));
        forms.push(json);
    }
    forms
}

/// `Scrubber::new(secrets).clean(text)`, for the tests.
#[cfg(test)]
pub fn scrub(text: &str, secrets: &[&Secret]) -> String {
    Scrubber::new(secrets).clean(text.to_string())
}

/// Removes every occurrence of each secret from a text that came from
/// outside (a provider's error message may echo the key back), in any of the
/// forms a server is likely to echo it in. A JSON text is also checked after
/// decoding, so no escape (`\u0041`, `\/`) can carry the key past this into a
/// message read out of the JSON later. The forms are worked out once, when
/// an HTTP client is made: it cleans every reply it reads (a thousand
/// polls a minute).
#[derive(Clone, Default)]
pub struct Scrubber {
    /// Every key's echoed forms, longest first.
    forms: Vec<String>,
    /// Some key holds a character a JSON escape other than `\u` can
    /// write (`"`, `\`, `/`, a control character): any escape in a text
    /// may then hide it. Otherwise only a `\u` escape can.
    escapable: bool,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scrubber(***)")
    }
}

impl Scrubber {
    pub fn new(secrets: &[&Secret]) -> Scrubber {
        let keys = secrets
            .iter()
            .map(|s| s.0.as_str())
            .filter(|k| !k.is_empty());
        let mut forms: Vec<String> = keys.clone().flat_map(echoed_forms).collect();
        // Longest first, so a form that contains another is replaced whole.
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        let escapable = keys
            .flat_map(str::bytes)
            .any(|b| matches!(b, b'"' | b'\\' | b'/') || b < 0x20);
        Scrubber { forms, escapable }
    }

    /// `text` without the keys; as it came (not copied) when none is in it.
    pub fn clean(&self, text: String) -> String {
        let mut out = text;
        for form in &self.forms {
            if let Some(clean) = replace_ignoring_case(&out, form) {
                out = clean;
            }
        }
        // Decoding is needed only where an escape could hide a key's
        // letters; a PHP reply escapes every `/`, which hides nothing in
        // a key that has none.
        let may_hide = if self.escapable {
            out.contains('\\')
        } else {
            out.contains("\\u")
        };
        if self.forms.is_empty() || !may_hide {
            return out;
        }
        if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&out) {
            if scrub_json(&mut value, &self.forms) {
                if let Ok(clean) = serde_json::to_string(&value) {
                    return clean;
                }
            }
        }
        out
    }
}

/// `text` with every occurrence of `form` in any ASCII case replaced by
/// `***` (a server may echo a key upper-cased, or a hex key in the other
/// case); None when there is none. ASCII lowering keeps byte offsets.
fn replace_ignoring_case(text: &str, form: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let needle = form.to_ascii_lowercase();
    let mut at = lower.find(&needle)?;
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    loop {
        out.push_str(&text[from..at]);
        out.push_str("***");
        from = at + needle.len();
        match lower[from..].find(&needle) {
            Some(i) => at = from + i,
            None => break,
        }
    }
    out.push_str(&text[from..]);
    Some(out)
}

/// Scrubs the decoded strings (and object keys) of a JSON value of every
/// echoed form (a URL inside a JSON string carries the key percent-encoded
/// once the JSON escapes are undone); true if anything changed.
fn scrub_json(v: &mut serde_json::Value, forms: &[String]) -> bool {
    use serde_json::Value;
    let clean = |s: &str| -> Option<String> {
        let mut out: Option<String> = None;
        for f in forms {
            if let Some(c) = replace_ignoring_case(out.as_deref().unwrap_or(s), f) {
                out = Some(c);
            }
        }
        out
    };
    match v {
        Value::String(s) => match clean(s) {
            Some(c) => {
                *s = c;
                true
            }
            None => false,
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, i| scrub_json(i, forms) | changed),
        Value::Object(map) => {
            let mut changed = false;
            let old = std::mem::take(map);
            for (k, mut item) in old {
                changed |= scrub_json(&mut item, forms);
                let k = match clean(&k) {
                    Some(c) => {
                        changed = true;
                        c
                    }
                    None => k,
                };
                map.insert(k, item);
            }
            changed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let s = Secret::new("sk_live_abcdef");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "sk_live_abcdef");
        // Inside other types' derived Debug too.
        assert!(!format!("{:?}", Some(vec![s.clone()])).contains("abcdef"));
    }

    #[test]
    fn scrub_matches_any_case_and_any_length() {
        let s = Secret::new("sk_live_AbCdEf");
        assert_eq!(
            scrub("key SK_LIVE_ABCDEF and sk_live_abcdef", &[&s]),
            "key *** and ***"
        );
        let short = Secret::new("k9z");
        assert_eq!(scrub("bad key K9Z", &[&short]), "bad key ***");
        let json = r#"{"message":"bad \u0053K_LIVE_ABCDEF"}"#;
        assert!(!scrub(json, &[&s]).to_ascii_lowercase().contains("abcdef"));
    }

    #[test]
    fn scrub_removes_echoed_keys() {
        let s = Secret::new("sk_live_abcdef");
        assert_eq!(scrub("bad key sk_live_abcdef!", &[&s]), "bad key ***!");
    }

    #[test]
    fn scrub_catches_a_percent_encoded_key_behind_json_escapes() {
        // An echoed URL (the key percent-encoded) inside JSON whose letters
        // are \u-escaped: only decoding the JSON shows the encoded key.
        let key = Secret::new("sim-MARKER-7f3a/o".to_string());
        let body = r#"{"error":{"message":"invalid key GET /x?sign=sim-\u004dARKER-7f3a%2Fo"}}"#;
        let out = scrub(body, &[&key]);
        assert!(
            !out.contains("MARKER") && !out.contains("\\u004dARKER"),
            "{out}"
        );
    }

    #[test]
    fn a_key_without_escapable_letters_is_decoded_for_only_unicode_escapes() {
        let key = Secret::new("skLIVEabcdef12");
        let scrubber = Scrubber::new(&[&key]);
        // PHP escapes every `/`: that alone cannot hide this key, so the
        // text is left exactly as it came (not decoded and re-written).
        let php = r#"{"data":{"url":"https:\/\/x.example\/y","msg":"ok"}}"#;
        assert_eq!(scrubber.clean(php.to_string()), php);
        // A `\u` escape can hide it: decoded, found, removed.
        let hidden = r#"{"msg":"bad key sk\u004cIVEabcdef12","u":"a\/b"}"#;
        let out = scrubber.clean(hidden.to_string());
        assert!(!out.contains("IVEabcdef12"), "{out}");
        assert!(out.contains("***"), "{out}");
    }

    #[test]
    fn scrub_catches_encoded_echoes() {
        let s = Secret::new("sim-MARK/ER+7f 3a\"x");
        for echoed in [
            // Percent-encoded in an echoed URL, either hex case, or a form.
            "GET /api?key=sim-MARK%2FER%2B7f%203a%22x failed",
            "GET /api?key=sim-MARK%2fER%2b7f%203a%22x failed",
            "GET /api?key=sim-MARK%2FER%2B7f+3a%22x failed",
            // JSON-escaped, with and without PHP's `\/`.
            r#"{"message":"invalid key sim-MARK\/ER+7f 3a\"x"}"#,
            r#"{"message":"invalid key sim-MARK/ER+7f 3a\"x"}"#,
            // Unicode escapes that only decoding reveals.
            r#"{"message":"invalid key sim-MARK\/ER+7f 3a\u0022\u0078","k":[1]}"#,
            r#"{"error":{"sim-\u004dARK/ER+7f 3a\"x":"bad"}}"#,
        ] {
            let out = scrub(echoed, &[&s]);
            assert!(!out.contains("MARK"), "{echoed} -> {out}");
            if echoed.starts_with('{') {
                let v: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
                assert!(!v.to_string().contains("MARK"), "{v}");
            }
        }
        // Text without the key, JSON or not, is left as it was.
        let other = r#"{"message": "saldo \/ kurang"}"#;
        assert_eq!(scrub(other, &[&s]), other);
        // However short a key is, it is scrubbed: a garbled message is
        // better than a key in a log.
        assert_eq!(scrub("a b c", &[&Secret::new("b")]), "a *** c");
    }
}

//! Naming a service or a country the way a person types it: an id (`14`,
//! `s1:1`), a name in any case and spacing (`whatsapp`, `united kingdom`),
//! a unique prefix (`indo`), an ISO 3166 code (`id`) or a dial code (`+62`,
//! `62`). One rule for the CLI's `--service`/`--country` and the
//! dashboard's `:buy whatsapp id`; pure functions over the domain lists.
//!
//! Matching goes in tiers, most exact first, and stops at the first tier
//! that matches anything: an id beats a name, a name beats an ISO code, an
//! ISO code beats a dial code, all of them beat a prefix. So `in` is India
//! (its ISO code) even though it also starts "Indonesia", and `62` is the
//! country whose id is `62` where an API has one, else the +62 country.

use super::countries::{self, CountryInfo};
use super::{Country, Service};
use std::fmt;

/// What was being named, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Service,
    Country,
}

impl NameKind {
    fn noun(self) -> &'static str {
        match self {
            NameKind::Service => "service",
            NameKind::Country => "country",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            NameKind::Service => "services",
            NameKind::Country => "countries",
        }
    }
}

/// Why a typed name did not pick exactly one thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Nothing but spaces and punctuation was typed.
    Empty(NameKind),
    NoMatch {
        kind: NameKind,
        wanted: String,
        /// Up to ten names from the list, as a hint.
        known: Vec<String>,
        /// Whether the list has more than `known` shows.
        more: bool,
    },
    Ambiguous {
        kind: NameKind,
        wanted: String,
        /// Every match of the tier that matched (names; `name (id)` where
        /// two matches share a name).
        candidates: Vec<String>,
    },
}

/// How many candidates a message lists before "…": a status bar is short.
const SHOWN: usize = 8;

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty(kind) => write!(f, "name a {}", kind.noun()),
            NameError::NoMatch {
                kind,
                wanted,
                known,
                more,
            } => {
                write!(f, "no {} matches '{wanted}'", kind.noun())?;
                if known.is_empty() {
                    write!(f, " (none are listed)")
                } else {
                    let tail = if *more { ", …" } else { "" };
                    write!(f, " (available: {}{tail})", known.join(", "))
                }
            }
            NameError::Ambiguous {
                kind,
                wanted,
                candidates,
            } => {
                let shown: Vec<&str> = candidates.iter().take(SHOWN).map(String::as_str).collect();
                let tail = if candidates.len() > SHOWN {
                    ", …"
                } else {
                    ""
                };
                write!(
                    f,
                    "'{wanted}' matches several {}: {}{tail}",
                    kind.plural(),
                    shown.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for NameError {}

/// A name reduced to what tells names apart: lowercase letters and digits,
/// common Latin accents folded, everything else dropped, so `United-Kingdom`,
/// `united kingdom` and `UnitedKingdom` are one name.
pub fn normalize(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(fold_accent)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// The words of a name, normalized (`WhatsApp Business` → whatsapp, business).
fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .map(normalize)
        .filter(|w| !w.is_empty())
}

/// Short names people use for services (normalized form → normalized name).
const SERVICE_ALIASES: &[(&str, &str)] = &[
    ("wa", "whatsapp"),
    ("tg", "telegram"),
    ("fb", "facebook"),
    ("ig", "instagram"),
    ("tt", "tiktok"),
    ("gmail", "google"),
];

/// The service `wanted` names in `services`.
pub fn find_service<'a>(services: &'a [Service], wanted: &str) -> Result<&'a Service, NameError> {
    let raw = wanted.trim();
    let q = normalize(raw);
    if q.is_empty() {
        return Err(NameError::Empty(NameKind::Service));
    }
    let alias = service_alias(&q);
    let tiers: [&dyn Fn(&Service) -> bool; 6] = [
        &|s| id_matches(&s.id, raw),
        &|s| normalize(&s.name) == q,
        &|s| alias.is_some_and(|a| normalize(&s.name) == a),
        &|s| normalize(&s.name).starts_with(&q),
        &|s| words(&s.name).any(|w| w.starts_with(&q)),
        &|s| normalize(&s.name).contains(&q),
    ];
    pick(
        services,
        NameKind::Service,
        raw,
        &tiers,
        |s| &s.id,
        |s| &s.name,
    )
}

/// The user's own aliases (`[aliases]` in the config), normalized alias →
/// normalized name; installed once at start, before any name is looked up.
static USER_ALIASES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();

/// Installs the config's `[aliases]` (name → the aliases people type for
/// it). The first call wins: the config is read once per run.
pub fn install_aliases(map: &std::collections::BTreeMap<String, Vec<String>>) {
    let list = map
        .iter()
        .flat_map(|(name, aliases)| aliases.iter().map(move |a| (normalize(a), normalize(name))))
        .filter(|(a, n)| !a.is_empty() && !n.is_empty())
        .collect();
    let _ = USER_ALIASES.set(list);
}

/// The service name an alias stands for (`wa` → whatsapp), normalized: the
/// user's aliases first, then the built-in ones.
fn service_alias(q: &str) -> Option<&str> {
    USER_ALIASES
        .get()
        .and_then(|l| l.iter().find(|(a, _)| a == q).map(|(_, n)| n.as_str()))
        .or_else(|| {
            SERVICE_ALIASES
                .iter()
                .find(|(a, _)| *a == q)
                .map(|(_, name)| *name)
        })
}

/// Whether `wanted` names `s` by its id, its name or an alias, not merely
/// by a prefix or a part: a match found in a search result (NEXOTP filters
/// server-side) stands for the whole catalog only when it is this exact.
pub fn names_service_exactly(s: &Service, wanted: &str) -> bool {
    let raw = wanted.trim();
    let q = normalize(raw);
    let name = normalize(&s.name);
    !q.is_empty()
        && (id_matches(&s.id, raw) || name == q || service_alias(&q).is_some_and(|a| name == a))
}

/// Whether a typed id names `id`: the whole id, or one part of a composite
/// id (OTPZap's `s1:1,s2:501` is named by `s1:1` too).
fn id_matches(id: &str, raw: &str) -> bool {
    id.eq_ignore_ascii_case(raw)
        || (id.contains(',') && id.split(',').any(|p| p.trim().eq_ignore_ascii_case(raw)))
}

/// The country `wanted` names in `countries`.
pub fn find_country<'a>(countries: &'a [Country], wanted: &str) -> Result<&'a Country, NameError> {
    let raw = wanted.trim();
    let q = normalize(raw);
    if q.is_empty() {
        return Err(NameError::Empty(NameKind::Country));
    }
    let dial = dial_code(raw);
    let iso = (q.len() == 2 && q.bytes().all(|b| b.is_ascii_lowercase())).then_some(q.as_str());
    // Each listed country's table entry and normalized names, worked out once.
    let known: Vec<Known> = countries
        .iter()
        .map(|c| {
            let entry = country_entry(c);
            Known {
                name: normalize(&c.name),
                info: entry.map(|(i, _)| *i),
                names: entry.map(|(_, n)| n.as_slice()).unwrap_or_default(),
            }
        })
        .collect();
    let at = |c: &Country| -> &Known {
        let i = countries
            .iter()
            .position(|x| std::ptr::eq(x, c))
            .unwrap_or_default();
        &known[i]
    };
    let tiers: [&dyn Fn(&Country) -> bool; 6] = [
        &|c| c.id.eq_ignore_ascii_case(raw),
        &|c| {
            let k = at(c);
            k.name == q || k.names.contains(&q)
        },
        &|c| iso.is_some_and(|code| at(c).info.is_some_and(|i| i.iso2 == code)),
        &|c| {
            dial.as_deref()
                .is_some_and(|d| country_dial(c, at(c).info).as_deref() == Some(d))
        },
        &|c| {
            let k = at(c);
            k.name.starts_with(&q) || k.names.iter().any(|n| n.starts_with(&q))
        },
        &|c| words(&c.name).any(|w| w.starts_with(&q)),
    ];
    let found = pick(
        countries,
        NameKind::Country,
        raw,
        &tiers,
        |c| &c.id,
        |c| &c.name,
    );
    // A shared dial code (`+1`, `+7`) means its first holder, where listed.
    if let (Err(NameError::Ambiguous { .. }), Some(d)) = (&found, dial.as_deref()) {
        let primary = countries::primary_for_dial(d);
        let mut holders = countries.iter().filter(|c| {
            let i = at(c).info;
            i.is_some() && i == primary && country_dial(c, i).as_deref() == Some(d)
        });
        if let (Some(c), None) = (holders.next(), holders.next()) {
            return Ok(c);
        }
    }
    found
}

/// Whether `raw` names a country in the shared table: a name or alias
/// (any case, spacing or punctuation), an ISO code or a dial code.
pub fn is_country_name(raw: &str) -> bool {
    let q = normalize(raw);
    if q.is_empty() {
        return false;
    }
    if q.len() == 2 && countries::by_iso2(&q).is_some() {
        return true;
    }
    if dial_code(raw.trim()).is_some_and(|d| countries::primary_for_dial(&d).is_some()) {
        return true;
    }
    countries::normalized()
        .iter()
        .any(|(_, names)| names.contains(&q))
}

/// `SERVICE COUNTRY` typed as words, with no catalog to tell where the
/// service ends: the longest run of trailing words that names a country
/// (`telegram united kingdom`, `whatsapp business +62`), else the last
/// word. The service keeps at least one word.
pub fn split_service_country(words: &[String]) -> Option<(String, String)> {
    if words.len() < 2 {
        return None;
    }
    let k = (1..words.len())
        .find(|&k| is_country_name(&words[k..].join(" ")))
        .unwrap_or(words.len() - 1);
    Some((words[..k].join(" "), words[k..].join(" ")))
}

/// The digits of a dial code, when `raw` is one (`+62`, `62`, `+1 684`).
fn dial_code(raw: &str) -> Option<String> {
    let body = raw.strip_prefix('+').unwrap_or(raw);
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let only_digits = body
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
    (only_digits && !digits.is_empty() && digits.len() <= 4).then_some(digits)
}

/// A listed country's dial code: the API's prefix where it gives one, else
/// the table's.
fn country_dial(c: &Country, info: Option<&CountryInfo>) -> Option<String> {
    match c
        .prefix
        .as_deref()
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
    {
        Some(p) if !p.is_empty() => Some(p),
        _ => info.map(|i| i.dial.to_string()),
    }
}

/// What matching knows about one listed country.
struct Known<'t> {
    /// Its own name, normalized.
    name: String,
    info: Option<&'static CountryInfo>,
    /// The table's names for it, normalized.
    names: &'t [String],
}

/// The table entry a listed country is: by its name or an alias, by its id
/// where the API keys countries by ISO code (NEXOTP), or by its dial code
/// where only one country has it.
fn country_entry(c: &Country) -> Option<&'static (&'static CountryInfo, Vec<String>)> {
    let table = countries::normalized();
    let name = normalize(&c.name);
    table
        .iter()
        .find(|(_, names)| names.contains(&name))
        .or_else(|| {
            (c.id.len() == 2)
                .then(|| {
                    table
                        .iter()
                        .find(|(i, _)| i.iso2.eq_ignore_ascii_case(&c.id))
                })
                .flatten()
        })
        .or_else(|| {
            let p: String = c
                .prefix
                .as_deref()?
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let mut holders = table.iter().filter(|(i, _)| i.dial == p);
            match (holders.next(), holders.next()) {
                (Some(e), None) => Some(e),
                _ => None,
            }
        })
}

/// The first tier with any match decides: one match is found, several (of
/// different ids) are ambiguous.
fn pick<'a, T>(
    items: &'a [T],
    kind: NameKind,
    wanted: &str,
    tiers: &[&dyn Fn(&T) -> bool],
    id: impl Fn(&T) -> &str,
    name: impl Fn(&T) -> &str,
) -> Result<&'a T, NameError> {
    for tier in tiers {
        let mut found: Vec<&T> = Vec::new();
        for item in items.iter().filter(|i| tier(i)) {
            // The same id listed twice is one thing.
            if !found.iter().any(|f| id(f) == id(item)) {
                found.push(item);
            }
        }
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(one),
            many => {
                let candidates = many
                    .iter()
                    .map(|m| {
                        let n = name(m);
                        let shared = many.iter().filter(|o| name(o) == n).count() > 1;
                        if shared {
                            format!("{n} ({})", id(m))
                        } else {
                            n.to_string()
                        }
                    })
                    .collect();
                return Err(NameError::Ambiguous {
                    kind,
                    wanted: wanted.to_string(),
                    candidates,
                });
            }
        }
    }
    Err(NameError::NoMatch {
        kind,
        wanted: wanted.to_string(),
        known: items.iter().take(10).map(|i| name(i).to_string()).collect(),
        more: items.len() > 10,
    })
}

#[cfg(test)]
mod tests;

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
    let alias = SERVICE_ALIASES
        .iter()
        .find(|(a, _)| *a == q)
        .map(|(_, name)| *name);
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
    // Each listed country's table entry, worked out once.
    let infos: Vec<Option<&CountryInfo>> = countries.iter().map(country_info).collect();
    let info = |c: &Country| -> Option<&CountryInfo> {
        let i = countries.iter().position(|x| std::ptr::eq(x, c))?;
        infos[i]
    };
    let tiers: [&dyn Fn(&Country) -> bool; 6] = [
        &|c| c.id.eq_ignore_ascii_case(raw),
        &|c| {
            normalize(&c.name) == q || info(c).is_some_and(|i| i.names().any(|n| normalize(n) == q))
        },
        &|c| iso.is_some_and(|code| info(c).is_some_and(|i| i.iso2 == code)),
        &|c| {
            dial.as_deref()
                .is_some_and(|d| country_dial(c, info(c)).as_deref() == Some(d))
        },
        &|c| {
            normalize(&c.name).starts_with(&q)
                || info(c).is_some_and(|i| i.names().any(|n| normalize(n).starts_with(&q)))
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
            let i = info(c);
            i.is_some() && i == primary && country_dial(c, i).as_deref() == Some(d)
        });
        if let (Some(c), None) = (holders.next(), holders.next()) {
            return Ok(c);
        }
    }
    found
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

/// The table entry a listed country is: by its name or an alias, by its id
/// where the API keys countries by ISO code (NEXOTP), or by its dial code
/// where only one country has it.
pub fn country_info(c: &Country) -> Option<&'static CountryInfo> {
    let name = normalize(&c.name);
    countries::COUNTRIES
        .iter()
        .find(|i| i.names().any(|n| normalize(n) == name))
        .or_else(|| {
            (c.id.len() == 2)
                .then(|| countries::by_iso2(&c.id))
                .flatten()
        })
        .or_else(|| {
            let p: String = c
                .prefix
                .as_deref()?
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let mut holders = countries::COUNTRIES.iter().filter(|i| i.dial == p);
            match (holders.next(), holders.next()) {
                (Some(i), None) => Some(i),
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
mod tests {
    use super::*;

    fn svc(id: &str, name: &str) -> Service {
        Service {
            id: id.into(),
            name: name.into(),
            category: None,
        }
    }

    fn ctry(id: &str, name: &str, prefix: Option<&str>) -> Country {
        Country {
            id: id.into(),
            name: name.into(),
            prefix: prefix.map(str::to_string),
            stock: None,
        }
    }

    /// GateOTP: numeric service codes; countries keyed by `number_id`.
    fn gateotp() -> (Vec<Service>, Vec<Country>) {
        (
            vec![
                svc("14", "WhatsApp"),
                svc("86", "Telegram"),
                svc("121", "Shopee"),
                svc("98", "Gojek"),
                svc("133", "Tokopedia"),
                svc("21", "Facebook"),
            ],
            vec![
                ctry("340437", "Indonesia", Some("+62")),
                ctry("340452", "Malaysia", Some("+60")),
                ctry("340461", "Philippines", Some("+63")),
                ctry("340470", "Vietnam", Some("+84")),
                ctry("340488", "Thailand", Some("+66")),
            ],
        )
    }

    /// NEXOTP: services and countries keyed by slugs and ISO codes.
    fn nexotp() -> (Vec<Service>, Vec<Country>) {
        (
            vec![
                svc("whatsapp", "WhatsApp"),
                svc("telegram", "Telegram"),
                svc("tiktok", "TikTok"),
            ],
            vec![
                ctry("id", "Indonesia", Some("+62")),
                ctry("my", "Malaysia", Some("+60")),
                ctry("in", "India", Some("+91")),
                ctry("us", "United States", Some("+1")),
            ],
        )
    }

    /// OTPZap: composite service ids across servers; small numeric country
    /// ids (Malaysia is 6, Indonesia 7), a special pseudo-country.
    fn otpzap() -> (Vec<Service>, Vec<Country>) {
        (
            vec![
                svc("s1:1,s2:501", "WhatsApp"),
                svc("s1:2,s2:502", "Telegram"),
                svc("s2:509", "WhatsApp + Telegram (multiservice)"),
                svc("sp:1", "WhatsApp (special)"),
            ],
            vec![
                ctry("7", "Indonesia", Some("+62")),
                ctry("6", "Malaysia", Some("+60")),
                ctry("4", "Philippines", Some("+63")),
                ctry("22", "India", Some("+91")),
                ctry("special", "Special (pre-allocated numbers)", None),
            ],
        )
    }

    /// GoTopUp: product groups as services, no countries.
    fn gotopup() -> Vec<Service> {
        vec![
            svc("pulsa:telkomsel", "Pulsa Telkomsel"),
            svc("pulsa:indosat", "Pulsa Indosat"),
            svc("pln", "PLN Token"),
        ]
    }

    #[test]
    fn services_by_name_any_case_and_by_id() {
        for (services, id) in [
            (gateotp().0, "14"),
            (nexotp().0, "whatsapp"),
            (otpzap().0, "s1:1,s2:501"),
        ] {
            for typed in [
                "whatsapp",
                "WhatsApp",
                " WHATSAPP ",
                "whats app",
                "Whats-App",
                "wa",
            ] {
                assert_eq!(find_service(&services, typed).unwrap().id, id, "{typed}");
            }
        }
        let (g, _) = gateotp();
        assert_eq!(find_service(&g, "14").unwrap().name, "WhatsApp");
        let (z, _) = otpzap();
        assert_eq!(find_service(&z, "s2:501").unwrap().name, "WhatsApp");
        assert_eq!(find_service(&z, "sp:1").unwrap().name, "WhatsApp (special)");
    }

    #[test]
    fn services_by_unique_prefix_or_word() {
        let (g, _) = gateotp();
        assert_eq!(find_service(&g, "tele").unwrap().id, "86");
        assert_eq!(find_service(&g, "toko").unwrap().id, "133");
        let t = gotopup();
        assert_eq!(find_service(&t, "telkomsel").unwrap().id, "pulsa:telkomsel");
        assert_eq!(find_service(&t, "token").unwrap().id, "pln");
        let (z, _) = otpzap();
        assert_eq!(find_service(&z, "multiservice").unwrap().id, "s2:509");
    }

    #[test]
    fn ambiguous_services_list_their_candidates() {
        let (g, _) = gateotp();
        let mut list = g.clone();
        list.push(svc("90", "WhatsApp Business"));
        // The exact name still wins; a shared prefix does not.
        assert_eq!(find_service(&list, "whatsapp").unwrap().id, "14");
        let e = find_service(&list, "whats").unwrap_err();
        assert_eq!(
            e,
            NameError::Ambiguous {
                kind: NameKind::Service,
                wanted: "whats".into(),
                candidates: vec!["WhatsApp".into(), "WhatsApp Business".into()],
            }
        );
        assert_eq!(
            e.to_string(),
            "'whats' matches several services: WhatsApp, WhatsApp Business"
        );
        let t = gotopup();
        assert!(matches!(
            find_service(&t, "pulsa"),
            Err(NameError::Ambiguous { .. })
        ));
        // The same name under two ids names both.
        let twice = vec![svc("1", "Grab"), svc("2", "Grab")];
        let e = find_service(&twice, "grab").unwrap_err();
        assert!(e.to_string().contains("Grab (1), Grab (2)"), "{e}");
    }

    #[test]
    fn no_match_and_empty_are_errors_that_read_well() {
        let (g, _) = gateotp();
        let e = find_service(&g, "myspace").unwrap_err();
        assert!(matches!(e, NameError::NoMatch { .. }));
        assert!(
            e.to_string()
                .starts_with("no service matches 'myspace' (available: WhatsApp, Telegram"),
            "{e}"
        );
        assert_eq!(
            find_service(&g, " - ").unwrap_err(),
            NameError::Empty(NameKind::Service)
        );
        assert_eq!(
            find_service(&[], "wa").unwrap_err().to_string(),
            "no service matches 'wa' (none are listed)"
        );
    }

    #[test]
    fn countries_on_every_providers_ids() {
        for (countries, indonesia) in [
            (gateotp().1, "340437"),
            (nexotp().1, "id"),
            (otpzap().1, "7"),
        ] {
            for typed in [
                "indonesia",
                "Indonesia",
                "INDONESIA",
                "id",
                "ID",
                "+62",
                "62",
                "indo",
                " indo ",
                "+ 62",
            ] {
                assert_eq!(
                    find_country(&countries, typed).map(|c| c.id.as_str()),
                    Ok(indonesia),
                    "{typed}"
                );
            }
            assert_eq!(
                find_country(&countries, indonesia).unwrap().name,
                "Indonesia"
            );
            assert_eq!(find_country(&countries, "my").unwrap().name, "Malaysia");
            assert_eq!(find_country(&countries, "+60").unwrap().name, "Malaysia");
        }
    }

    #[test]
    fn an_id_beats_a_dial_code_and_an_iso_code_beats_a_prefix() {
        let (_, z) = otpzap();
        // OTPZap's Malaysia has id 6; `6` is no dial code anyone sells.
        assert_eq!(find_country(&z, "6").unwrap().name, "Malaysia");
        // `in` is India's code, though it also starts "Indonesia".
        assert_eq!(find_country(&z, "in").unwrap().name, "India");
        assert_eq!(find_country(&z, "IN").unwrap().name, "India");
        // `ind` starts both names.
        let e = find_country(&z, "ind").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'ind' matches several countries: Indonesia, India"
        );
        assert_eq!(find_country(&z, "special").unwrap().id, "special");
    }

    #[test]
    fn countries_by_aliases_and_names_with_spaces() {
        let list = vec![
            ctry("1", "United Kingdom", Some("+44")),
            ctry("2", "Viet Nam", None),
            ctry("3", "USA", Some("+1")),
            ctry("4", "Canada", Some("+1")),
            ctry("5", "Côte d'Ivoire", None),
            ctry("6", "Russian Federation", Some("+7")),
            ctry("7", "Kazakhstan", Some("+7")),
        ];
        for (typed, id) in [
            ("united kingdom", "1"),
            ("United-Kingdom", "1"),
            ("unitedkingdom", "1"),
            ("uk", "1"),
            ("gb", "1"),
            ("+44", "1"),
            ("kingdom", "1"),
            ("vietnam", "2"),
            ("vn", "2"),
            ("+84", "2"),
            ("united states", "3"),
            ("us", "3"),
            ("america", "3"),
            ("canada", "4"),
            ("ca", "4"),
            ("cote divoire", "5"),
            ("ci", "5"),
            ("russia", "6"),
            ("kz", "7"),
            // A shared dial code means its first holder.
            ("+1", "3"),
            ("+7", "6"),
        ] {
            assert_eq!(
                find_country(&list, typed).map(|c| c.id.as_str()),
                Ok(id),
                "{typed}"
            );
        }
        assert!(matches!(
            find_country(&list, "united"),
            Err(NameError::Ambiguous { .. })
        ));
        let e = find_country(&list, "narnia").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("no country matches 'narnia' (available: United Kingdom"),
            "{e}"
        );
    }

    #[test]
    fn normalizing_keeps_letters_and_digits_only() {
        assert_eq!(normalize(" United-Kingdom "), "unitedkingdom");
        assert_eq!(normalize("Côte d'Ivoire"), "cotedivoire");
        assert_eq!(normalize("+62"), "62");
        assert_eq!(dial_code("+62").as_deref(), Some("62"));
        assert_eq!(dial_code("62").as_deref(), Some("62"));
        assert_eq!(dial_code("+1 684").as_deref(), Some("1684"));
        assert_eq!(dial_code("id"), None);
        assert_eq!(dial_code("340437"), None, "ids are not dial codes");
    }
}

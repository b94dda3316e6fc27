//! Matching what a person types (`whatsapp`, `14`, `indonesia`, `id`, `+62`)
//! against a provider's ids and names, case-insensitively.

use super::{fail, CliError};
use crate::domain::{Country, Service};

/// ISO 3166 alpha-2 codes of the countries these providers sell most, so
/// `id` finds Indonesia on APIs that key countries by number.
const ISO2: &[(&str, &str)] = &[
    ("id", "indonesia"),
    ("my", "malaysia"),
    ("ph", "philippines"),
    ("vn", "vietnam"),
    ("th", "thailand"),
    ("in", "india"),
    ("us", "usa"),
    ("us", "united states"),
    ("gb", "united kingdom"),
    ("uk", "united kingdom"),
    ("sg", "singapore"),
    ("kh", "cambodia"),
    ("mm", "myanmar"),
    ("br", "brazil"),
    ("ru", "russia"),
    ("cn", "china"),
    ("hk", "hong kong"),
    ("tw", "taiwan"),
    ("jp", "japan"),
    ("kr", "south korea"),
    ("bd", "bangladesh"),
    ("pk", "pakistan"),
    ("ng", "nigeria"),
];

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

pub fn service<'a>(services: &'a [Service], wanted: &str) -> Result<&'a Service, CliError> {
    let w = norm(wanted);
    if let Some(s) = services
        .iter()
        .find(|s| norm(&s.id) == w || norm(&s.name) == w)
    {
        return Ok(s);
    }
    let partial: Vec<&Service> = services
        .iter()
        .filter(|s| norm(&s.name).contains(&w))
        .collect();
    match partial.as_slice() {
        [one] => Ok(one),
        [] => Err(fail(format!(
            "no service matches '{wanted}' (try `otpdeck catalog --account …` to list them)"
        ))),
        many => Err(fail(format!(
            "'{wanted}' matches several services: {}",
            many.iter()
                .take(8)
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

pub fn country<'a>(countries: &'a [Country], wanted: &str) -> Result<&'a Country, CliError> {
    let w = norm(wanted);
    let by_iso: Vec<&str> = ISO2
        .iter()
        .filter(|(c, _)| *c == w)
        .map(|(_, n)| *n)
        .collect();
    let digits = w.trim_start_matches('+');
    let found = countries
        .iter()
        .find(|c| norm(&c.id) == w || norm(&c.name) == w)
        .or_else(|| {
            countries.iter().find(|c| {
                by_iso.contains(&norm(&c.name).as_str())
                    || c.prefix
                        .as_deref()
                        .is_some_and(|p| !digits.is_empty() && p.trim_start_matches('+') == digits)
            })
        });
    found.ok_or_else(|| {
        fail(format!(
            "no country matches '{wanted}' for this service (available: {})",
            countries
                .iter()
                .take(10)
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, name: &str, prefix: &str) -> Country {
        Country {
            id: id.into(),
            name: name.into(),
            prefix: Some(prefix.into()),
            stock: None,
        }
    }

    #[test]
    fn countries_match_by_id_name_iso_and_prefix() {
        let list = vec![c("340437", "Indonesia", "+62"), c("7", "Malaysia", "+60")];
        assert_eq!(country(&list, "indonesia").unwrap().id, "340437");
        assert_eq!(country(&list, "ID").unwrap().id, "340437");
        assert_eq!(country(&list, "+62").unwrap().id, "340437");
        assert_eq!(country(&list, "7").unwrap().name, "Malaysia");
        assert!(country(&list, "narnia").is_err());
    }

    #[test]
    fn services_match_by_id_name_or_unique_part() {
        let list = vec![
            Service {
                id: "14".into(),
                name: "WhatsApp".into(),
                category: None,
            },
            Service {
                id: "86".into(),
                name: "Telegram".into(),
                category: None,
            },
            Service {
                id: "90".into(),
                name: "WhatsApp Business".into(),
                category: None,
            },
        ];
        assert_eq!(service(&list, "whatsapp").unwrap().id, "14");
        assert_eq!(service(&list, "14").unwrap().name, "WhatsApp");
        assert_eq!(service(&list, "tele").unwrap().id, "86");
        assert!(service(&list, "whats").is_err());
    }
}

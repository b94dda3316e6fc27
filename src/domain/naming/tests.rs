//! Naming on data shaped like each provider's catalog.

use super::*;

fn svc(id: &str, name: &str) -> Service {
    Service {
        id: id.into(),
        name: name.into(),
        category: None,
        path: Vec::new(),
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
fn a_search_result_counts_only_when_it_names_the_service_exactly() {
    let (g, _) = gateotp();
    let wa = &g[0];
    for typed in ["whatsapp", " Whats App ", "14", "wa"] {
        assert!(names_service_exactly(wa, typed), "{typed}");
    }
    for typed in ["whats", "app", "", "86"] {
        assert!(!names_service_exactly(wa, typed), "{typed}");
    }
    let (z, _) = otpzap();
    assert!(names_service_exactly(&z[0], "s2:501"));
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
fn every_table_country_is_found_by_code_name_alias_and_dial_code() {
    // A provider selling everything, keyed by numbers unlike any code.
    let list: Vec<Country> = countries::COUNTRIES
        .iter()
        .enumerate()
        .map(|(i, c)| {
            ctry(
                &(1000 + i).to_string(),
                c.name,
                Some(&format!("+{}", c.dial)),
            )
        })
        .collect();
    for (i, c) in countries::COUNTRIES.iter().enumerate() {
        let id = (1000 + i).to_string();
        let mut typed: Vec<String> = c.names().map(str::to_string).collect();
        typed.push(c.iso2.into());
        typed.push(c.iso2.to_uppercase());
        typed.push(c.name.to_uppercase());
        if countries::primary_for_dial(c.dial) == Some(c) {
            typed.push(format!("+{}", c.dial));
            typed.push(c.dial.into());
        }
        for t in &typed {
            assert_eq!(
                find_country(&list, t).map(|c| c.id.as_str()),
                Ok(id.as_str()),
                "{t}"
            );
        }
    }
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

proptest::proptest! {
    /// Whatever a person types, naming answers (found, no match, ambiguous,
    /// empty) and never panics; what it finds is in the list.
    #[test]
    fn any_input_gets_an_answer(typed in "\\PC{0,12}") {
        let (services, countries) = otpzap();
        if let Ok(s) = find_service(&services, &typed) {
            proptest::prop_assert!(services.contains(s));
        }
        if let Ok(c) = find_country(&countries, &typed) {
            proptest::prop_assert!(countries.contains(c));
        }
        let (services, countries) = gateotp();
        let _ = find_service(&services, &typed).map_err(|e| e.to_string());
        let _ = find_country(&countries, &typed).map_err(|e| e.to_string());
    }
}

#[test]
fn service_and_country_split_at_the_longest_trailing_country() {
    let split = |s: &str| {
        let w: Vec<String> = s.split_whitespace().map(str::to_string).collect();
        split_service_country(&w)
    };
    let pair = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
    assert_eq!(
        split("telegram united kingdom"),
        pair("telegram", "united kingdom")
    );
    assert_eq!(
        split("whatsapp business united states of america"),
        pair("whatsapp business", "united states of america")
    );
    assert_eq!(
        split("whatsapp business id"),
        pair("whatsapp business", "id")
    );
    assert_eq!(split("google voice +62"), pair("google voice", "+62"));
    assert_eq!(split("wa viet nam"), pair("wa", "viet nam"));
    // Nothing known: the last word, as before.
    assert_eq!(split("some app narnia"), pair("some app", "narnia"));
    assert_eq!(split("telegram"), None);
    assert!(!is_country_name("kingdom"));
    assert!(is_country_name("UK"));
}

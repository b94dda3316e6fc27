//! The catalog pane as it scrolls and filters: opening a node low in the
//! pane scrolls its children into view (now, and again when they arrive),
//! and a filter names the accounts whose services are still loading on one
//! line instead of listing them as if they matched.

use crate::common;

use common::*;
use otpdeck::app::catalog::rows;
use otpdeck::app::{Action, App, Effect};
use otpdeck::domain::{Country, Service};

/// Gate open with twenty services: more rows than the catalog pane shows
/// at 80×24 (twelve).
fn gate_with_twenty_services() -> App {
    let mut a = app();
    a.update(Action::Resize(80, 24));
    keys(&mut a, "<Enter>");
    let services = (0..20)
        .map(|i| Service {
            id: format!("s{i:02}"),
            name: format!("Service {i:02}"),
            category: None,
            path: Vec::new(),
        })
        .collect();
    a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Ok(services),
        now: a.now,
    });
    a
}

fn ten_countries() -> Vec<Country> {
    (0..10)
        .map(|i| Country {
            id: format!("c{i}"),
            name: format!("Country {i}"),
            prefix: None,
            stock: Some(5),
        })
        .collect()
}

/// The catalog pane's lines (left column, below the balance pane).
fn catalog_lines(a: &mut App) -> Vec<String> {
    let s = screen(a, 80, 24);
    s.lines()
        .skip(8)
        .take(14)
        .map(|l| l.chars().take(31).collect())
        .collect()
}

#[test]
fn opening_a_service_at_the_bottom_scrolls_its_countries_into_view() {
    let mut a = gate_with_twenty_services();
    // Service 10 is row 11, the last of the twelve shown.
    keys(&mut a, "jjjjjjjjjjj");
    let shown = catalog_lines(&mut a);
    assert!(shown[12].contains("Service 10"), "{shown:#?}");
    assert_eq!(
        keys(&mut a, "<Enter>"),
        vec![Effect::LoadCountries {
            account: "gate".into(),
            service_id: "s10".into()
        }]
    );
    let shown = catalog_lines(&mut a);
    assert!(
        shown[12].contains("loading"),
        "the loading line shows: {shown:#?}"
    );
    a.update(Action::CountriesLoaded {
        account: "gate".into(),
        service_id: "s10".into(),
        result: Ok(ten_countries()),
        now: a.now,
    });
    let shown = catalog_lines(&mut a);
    assert!(shown[2].contains("Service 10"), "{shown:#?}");
    for i in 0..10 {
        assert!(
            shown[3 + i].contains(&format!("Country {i}")),
            "every country in view: {shown:#?}"
        );
    }
    // Moving into them scrolls nothing.
    keys(&mut a, "jjj");
    assert_eq!(catalog_lines(&mut a), shown);
    // Back up to the top and down again: Service 10 is the last row shown.
    keys(&mut a, "h<Home>jjjjjjjjjjj");
    let shown = catalog_lines(&mut a);
    assert!(shown[12].contains("Service 10"), "{shown:#?}");
    // → opens it again: its countries are fresh, so they show at once.
    assert!(keys(&mut a, "<Right>").is_empty());
    let shown = catalog_lines(&mut a);
    assert!(
        shown[2].contains("Service 10") && shown[12].contains("Country 9"),
        "{shown:#?}"
    );
}

/// With room below, opening scrolls nothing; a node never leaves the
/// pane, however many children it has.
#[test]
fn opening_scrolls_only_as_far_as_needed() {
    let mut a = gate_with_twenty_services();
    keys(&mut a, "j<Enter>");
    a.update(Action::CountriesLoaded {
        account: "gate".into(),
        service_id: "s00".into(),
        result: Ok(ten_countries()),
        now: a.now,
    });
    let shown = catalog_lines(&mut a);
    assert!(
        shown[1].contains("gate") && shown[2].contains("Service 00"),
        "nothing scrolled: {shown:#?}"
    );
    // Gate's own children are more than the pane: gate stays at the top.
    keys(&mut a, "k<Left><Enter>");
    let shown = catalog_lines(&mut a);
    assert!(shown[1].contains("gate"), "{shown:#?}");
}

fn labels(a: &App) -> Vec<String> {
    rows(a).into_iter().map(|r| r.label).collect()
}

#[test]
fn a_filter_names_the_accounts_still_loading() {
    let mut a = app();
    a.update(Action::Resize(100, 30));
    keys(&mut a, "<Enter>");
    a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Ok(services()),
        now: a.now,
    });
    // gate, its three services, then nex and zap opened: both loading.
    assert_eq!(
        keys(&mut a, "jjjj<Enter>"),
        vec![Effect::LoadServices {
            account: "nex".into()
        }]
    );
    assert_eq!(
        keys(&mut a, "jj<Enter>"),
        vec![Effect::LoadServices {
            account: "zap".into()
        }]
    );
    keys(&mut a, "/wha");
    let l = labels(&a);
    assert_eq!(
        l,
        [
            "gate (GateOTP)",
            "WhatsApp",
            "still loading: nex, zap",
            "pulsa (GoTopUp)"
        ],
        "nex and zap are not listed as if they matched"
    );
    assert!(screen(&mut a, 100, 30).contains("still loading: nex, zap"));
    // Enter on the line keeps the filter and opens nothing.
    keys(&mut a, "<Enter>jj");
    assert!(keys(&mut a, "<Enter>").is_empty());
    // nex answers: its match shows, the line names zap alone.
    a.update(Action::ServicesLoaded {
        account: "nex".into(),
        result: Ok(services()),
        now: a.now,
    });
    let l = labels(&a);
    assert_eq!(
        l,
        [
            "gate (GateOTP)",
            "WhatsApp",
            "nex (NEXOTP)",
            "WhatsApp",
            "still loading: zap",
            "pulsa (GoTopUp)"
        ]
    );
    // Without a filter the loading account is listed with its loading row.
    keys(&mut a, "/<Esc>");
    let l = labels(&a);
    assert!(!l.iter().any(|x| x.starts_with("still loading")), "{l:?}");
    assert!(l.iter().any(|x| x == "zap (OTPZap)"), "{l:?}");
    assert!(l.iter().any(|x| x == "loading…"), "{l:?}");
}

//! Tests of the catalog tree (`catalog.rs`).

use super::*;

#[test]
fn fuzzy_matches_in_order() {
    assert!(fuzzy("WhatsApp", "wa"));
    assert!(fuzzy("WhatsApp", "wtsp"));
    assert!(fuzzy("WhatsApp", "whats app"));
    assert!(!fuzzy("Telegram", "wa"));
    assert!(fuzzy("anything", ""));
    assert!(fuzzy("anything", "  "));
}

#[test]
fn better_matches_score_higher_and_show_where_they_matched() {
    let f = Filter::new("tele").expect("a filter");
    let exact = f.score("Telegram").expect("matches");
    let scattered = f.score("The Electric Line").expect("matches");
    assert!(exact > scattered, "{exact} > {scattered}");
    assert_eq!(f.indices("Telegram"), vec![0, 1, 2, 3]);
    assert_eq!(f.score("WhatsApp"), None);
}

/// Services rank best match first under a filter, whatever their name
/// order, and those that do not match leave.
#[test]
fn a_filter_ranks_the_best_match_first() {
    use crate::app::{AccountInfo, AppSettings};
    use crate::domain::{Capabilities, ProviderKind};
    let now = Utc::now();
    let info = AccountInfo {
        name: "a".into(),
        kind: ProviderKind::GoTopUp,
        caps: Capabilities::default(),
        seller: false,
    };
    let (mut app, _) = App::new(vec![info], AppSettings::default(), now);
    let svc = |id: &str, name: &str| ServiceNode {
        service: Service {
            id: id.into(),
            name: name.into(),
            category: None,
            path: Vec::new(),
        },
        countries: Load::NotLoaded,
        offers: Load::NotLoaded,
    };
    app.accounts[0].services = Load::Loaded(
        vec![
            svc("1", "A Tale of Elegance"),
            svc("2", "Telegram"),
            svc("3", "WhatsApp"),
        ],
        now,
    );
    app.catalog.expanded.insert(NodeId::Account(0).key());
    app.view.filter = tui_input::Input::new("tele".into());
    let labels: Vec<String> = rows(&app).into_iter().skip(1).map(|r| r.label).collect();
    assert_eq!(labels, ["Telegram", "A Tale of Elegance"]);
}

#[test]
fn keys_come_from_ids_not_positions() {
    let a = NodeId::Offer(0, "wa".into(), Some("6".into()), "6:1".into());
    let b = NodeId::Offer(0, "wa".into(), None, "6:1".into());
    assert_ne!(a.key(), b.key());
    assert_eq!(
        a.parent(),
        Some(NodeId::Country(0, "wa".into(), "6".into()))
    );
    assert_eq!(
        NodeId::Service(1, "tg".into()).key(),
        NodeId::Service(1, "tg".into()).key()
    );
}

#[test]
fn keys_are_spelled_as_they_always_were() {
    let s = '\u{1f}';
    let cases = [
        (NodeId::Account(12), "12".to_string()),
        (
            NodeId::Group(0, "Prabayar/Pulsa".into()),
            format!("0{s}gPrabayar/Pulsa"),
        ),
        (NodeId::Service(3, "tg".into()), format!("3{s}tg")),
        (
            NodeId::Country(1, "wa".into(), "6".into()),
            format!("1{s}wa{s}c6"),
        ),
        (
            NodeId::Offer(0, "wa".into(), Some("6".into()), "6:1".into()),
            format!("0{s}wa{s}c6{s}o6:1"),
        ),
        (
            NodeId::Offer(0, "wa".into(), None, "x".into()),
            format!("0{s}wa{s}ox"),
        ),
        (
            NodeId::Note(Box::new(NodeId::Service(105, "tg".into()))),
            format!("105{s}tg{s}note"),
        ),
    ];
    for (id, key) in cases {
        assert_eq!(id.key(), key, "{id:?}");
    }
}

#[test]
fn stale_caches_reload() {
    let now = Utc::now();
    let l: Load<()> = Load::Loaded((), now - Duration::minutes(6));
    assert!(l.needs_load(now));
    assert!(!Load::Loaded((), now).needs_load(now));
    assert!(!Load::<()>::Loading.needs_load(now));
}

/// GoTopUp's services sit under category → subcategory groups, which
/// open and close like any branch; a filter opens the groups with a
/// match; a service's parent row is its group.
#[test]
fn grouped_services_show_under_their_groups() {
    use crate::app::{AccountInfo, AppSettings};
    use crate::domain::{Capabilities, ProviderKind};
    let now = Utc::now();
    let info = AccountInfo {
        name: "g".into(),
        kind: ProviderKind::GoTopUp,
        caps: Capabilities::default(),
        seller: false,
    };
    let (mut app, _) = App::new(vec![info], AppSettings::default(), now);
    let svc = |id: &str, name: &str, path: &[&str]| ServiceNode {
        service: Service {
            id: id.into(),
            name: name.into(),
            category: None,
            path: path.iter().map(|p| p.to_string()).collect(),
        },
        countries: Load::NotLoaded,
        offers: Load::NotLoaded,
    };
    app.accounts[0].services = Load::Loaded(
        vec![
            svc("pulsa:xl", "Pulsa XL", &["Prabayar", "Pulsa"]),
            svc("bill:pln", "PLN Tagihan", &["Pascabayar", "PLN"]),
            svc("pulsa:telkomsel", "Pulsa Telkomsel", &["Prabayar", "Pulsa"]),
            svc("data:telkomsel", "Data Telkomsel", &["Prabayar", "Data"]),
        ],
        now,
    );
    app.catalog.expanded.insert(NodeId::Account(0).key());
    let view = |app: &App| -> Vec<(usize, String)> {
        rows(app).into_iter().map(|r| (r.depth, r.label)).collect()
    };
    // Prabayar first, each group once, closed.
    assert_eq!(
        view(&app),
        [
            (0, "g (GoTopUp)".to_string()),
            (1, "Prabayar".into()),
            (1, "Pascabayar".into())
        ]
    );
    app.catalog
        .expanded
        .insert(NodeId::Group(0, "Prabayar".into()).key());
    app.catalog
        .expanded
        .insert(NodeId::Group(0, "Prabayar/Pulsa".into()).key());
    let v = view(&app);
    let labels: Vec<&str> = v.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "g (GoTopUp)",
            "Prabayar",
            "Data",
            "Pulsa",
            "Telkomsel",
            "XL",
            "Pascabayar"
        ]
    );
    assert_eq!(v[4].0, 3, "{v:?}");
    let r = rows(&app);
    assert_eq!(parent_row(&r, 5).map(|p| p.label.as_str()), Some("Pulsa"));
    assert_eq!(
        parent_row(&r, 3).map(|p| p.label.as_str()),
        Some("Prabayar")
    );
    // A filter opens what holds a match, and only that.
    app.catalog.expanded.clear();
    app.catalog.expanded.insert(NodeId::Account(0).key());
    app.view.filter = tui_input::Input::new("xl".into());
    let labels: Vec<String> = rows(&app).into_iter().map(|r| r.label).collect();
    assert_eq!(labels, ["g (GoTopUp)", "Prabayar", "Pulsa", "XL"]);
}

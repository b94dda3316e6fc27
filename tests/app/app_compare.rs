//! The compare view in `update`: asking every OTP account, rows filling in
//! as accounts answer (a late answer to a closed view dropped), sorting,
//! and buying the selected row through the usual confirmation.

use crate::common;

use common::*;
use otpdeck::app::popups::ConfirmBuy;
use otpdeck::app::views::stats::Stats;
use otpdeck::app::{Action, Effect, Popup};
use otpdeck::domain::*;
use otpdeck::engine::compare::Row;
use otpdeck::engine::journal::OwnRecord;
use otpdeck::money::Rupiah;

/// The screen at 100×24 as text, trailing blanks trimmed.
fn screen(a: &otpdeck::app::App) -> String {
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).expect("term");
    term.draw(|f| otpdeck::ui::draw(f, a)).expect("draw");
    let buf = term.backend().buffer().clone();
    (0..24)
        .map(|y| {
            let line: String = (0..100).map(|x| buf[(x, y)].symbol().to_string()).collect();
            line.trim_end().to_string() + "\n"
        })
        .collect()
}

fn row(account: &str, kind: ProviderKind, price: i64, orders: u32, with_otp: u32) -> Row {
    Row {
        account: account.into(),
        provider: kind,
        service: Service {
            id: "14".into(),
            name: "WhatsApp".into(),
            category: None,
            path: Vec::new(),
        },
        country: Country {
            id: "6".into(),
            name: "Indonesia".into(),
            prefix: Some("+62".into()),
            stock: None,
        },
        offer: Offer {
            id: format!("{account}-offer"),
            service_id: "14".into(),
            country_id: Some("6".into()),
            label: format!("{account} route"),
            price: Rupiah(price),
            stock: Some(10),
            success_rate: None,
            operators: Vec::new(),
            available: true,
        },
        record: OwnRecord {
            orders,
            with_otp,
            median_secs: (with_otp > 0).then_some(30),
        },
    }
}

#[test]
fn the_view_fills_in_sorts_and_buys_the_selected_offer() {
    let mut a = app();
    let e = keys(&mut a, ":best whatsapp indonesia<Enter>");
    let ticket = match e.as_slice() {
        [Effect::Compare {
            ticket,
            service,
            country,
        }] => {
            assert_eq!(
                (service.as_str(), country.as_str()),
                ("whatsapp", "indonesia")
            );
            *ticket
        }
        other => panic!("{other:?}"),
    };
    let view = |a: &otpdeck::app::App| match a.popup() {
        Some(Popup::Compare(v)) => (**v).clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(view(&a).waiting, 3, "gate, nex and zap sell by country");
    a.update(Action::CompareLoaded {
        ticket,
        account: "nex".into(),
        result: Ok(vec![row("nex", ProviderKind::NexOtp, 4_000, 10, 9)]),
    });
    a.update(Action::CompareLoaded {
        ticket,
        account: "gate".into(),
        result: Ok(vec![row("gate", ProviderKind::GateOtp, 3_300, 10, 2)]),
    });
    a.update(Action::CompareLoaded {
        ticket,
        account: "zap".into(),
        result: Err("not matched: no country matches 'indonesia'".into()),
    });
    // A late answer to an older request changes nothing.
    a.update(Action::CompareLoaded {
        ticket: ticket + 99,
        account: "gate".into(),
        result: Ok(vec![row("gate", ProviderKind::GateOtp, 1, 0, 0)]),
    });
    let v = view(&a);
    assert_eq!(v.waiting, 0);
    let order: Vec<&str> = v.rows.iter().map(|r| r.account.as_str()).collect();
    assert_eq!(order, ["gate", "nex"], "cheapest first");
    assert_eq!(v.failed.len(), 1, "the unmatched account is shown");
    keys(&mut a, "s");
    let order: Vec<String> = view(&a).rows.iter().map(|r| r.account.clone()).collect();
    assert_eq!(order, ["nex", "gate"], "by own delivery rate");
    keys(&mut a, "<Enter>");
    assert_eq!(a.view.popups.len(), 2, "the confirmation over the view");
    let e = keys(&mut a, "y");
    match e.as_slice() {
        [Effect::Buy { account, request }] => {
            assert_eq!(account, "nex");
            assert_eq!(request.offer_id, "nex-offer");
            assert_eq!(request.price, Rupiah(4_000));
        }
        other => panic!("{other:?}"),
    }
    assert!(a.view.popups.is_empty(), "buying closes the view");
}

#[test]
fn b_in_the_catalog_compares_the_selected_country() {
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    // The selection is on Indonesia after opening it.
    let e = keys(&mut a, "b");
    assert!(
        matches!(e.as_slice(), [Effect::Compare { service, country, .. }] if service == "WhatsApp" && country == "Indonesia"),
        "{e:?}"
    );
}

#[test]
fn the_compare_view_snapshot() {
    std::env::set_var("TZ", "UTC");
    let mut a = app();
    let e = keys(&mut a, ":best whatsapp id<Enter>");
    let Some(Effect::Compare { ticket, .. }) = e.first() else {
        panic!("{e:?}");
    };
    let ticket = *ticket;
    for (acc, kind, price, orders, got) in [
        ("gate", ProviderKind::GateOtp, 3_300, 12, 11),
        ("nex", ProviderKind::NexOtp, 6_550, 0, 0),
    ] {
        a.update(Action::CompareLoaded {
            ticket,
            account: acc.into(),
            result: Ok(vec![row(acc, kind, price, orders, got)]),
        });
    }
    a.update(Action::CompareLoaded {
        ticket,
        account: "zap".into(),
        result: Err("the provider is unavailable (HTTP 503)".into()),
    });
    a.update(Action::Resize(100, 24));
    let text = screen(&a);
    assert!(text.contains("12× 92% 30s"), "own record shown:\n{text}");
    assert!(text.contains("zap: the provider is unavailable"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_statistics_view_loads_and_draws() {
    use otpdeck::engine::stats::{GroupStats, Overview};
    let mut a = app();
    let e = keys(&mut a, "S");
    assert_eq!(e, vec![Effect::LoadStats { days: 30 }]);
    assert!(matches!(
        a.popup(),
        Some(Popup::Stats(Stats { figures: None, .. }))
    ));
    let mut spend = vec![0; 30];
    spend[29] = 9_900;
    spend[27] = 4_200;
    a.update(Action::StatsLoaded(Ok(Overview {
        groups: vec![
            GroupStats {
                group: "gate 340437:3837".into(),
                label: "gate · WhatsApp · Indonesia".into(),
                topup: false,
                orders: 3,
                with_otp: 2,
                otp_rate: Some(66.7),
                median_secs: Some(12),
                p90_secs: Some(40),
                spent: Rupiah(9_900),
                refunded: Rupiah(3_300),
            },
            GroupStats {
                group: "topup TELKOMSEL5".into(),
                label: "topup · Pulsa Telkomsel · -".into(),
                topup: true,
                orders: 2,
                with_otp: 2,
                otp_rate: Some(100.0),
                median_secs: Some(4),
                p90_secs: Some(9),
                spent: Rupiah(11_000),
                refunded: Rupiah(0),
            },
        ],
        spend_per_day: spend,
        otp_times: vec![
            ("<10s".into(), 1),
            ("<30s".into(), 0),
            ("<1m".into(), 1),
            ("<2m".into(), 0),
            ("<5m".into(), 0),
            ("5m+".into(), 0),
        ],
    })));
    assert!(matches!(
        a.popup(),
        Some(Popup::Stats(Stats {
            figures: Some(_),
            ..
        }))
    ));
    a.update(Action::Resize(100, 24));
    let text = screen(&a);
    // Names, not raw ids; top-ups in their own part, their code an SN.
    assert!(
        text.contains("gate · WhatsApp · Indonesia") && text.contains("67%"),
        "{text}"
    );
    assert!(!text.contains("340437"), "{text}");
    let (otp, topups) = text.split_once("top-up ").expect("a top-up part");
    assert!(otp.contains("WhatsApp") && !otp.contains("Pulsa"), "{text}");
    assert!(
        topups.contains("Pulsa Telkomsel") && topups.contains(" SN "),
        "{text}"
    );
    assert!(
        text.contains("spend per day · Rp 14.100") && text.contains("time to OTP"),
        "{text}"
    );
    insta::assert_snapshot!(text);
    keys(&mut a, "<Esc>");
    assert!(a.view.popups.is_empty());
}

#[test]
fn buy_best_asks_for_the_cheapest_row_the_rules_allow_once_all_answered() {
    let mut settings = otpdeck::app::AppSettings::default();
    settings.rules.max_price = Some(Rupiah(3_500));
    let (mut a, _) = app_with(settings);
    let e = keys(&mut a, ":buy-best whatsapp indonesia<Enter>");
    let Some(Effect::Compare { ticket, .. }) = e.first() else {
        panic!("{e:?}");
    };
    let ticket = *ticket;
    for (acc, kind, price) in [
        ("gate", ProviderKind::GateOtp, 3_300),
        ("nex", ProviderKind::NexOtp, 3_000),
    ] {
        a.update(Action::CompareLoaded {
            ticket,
            account: acc.into(),
            result: Ok(vec![row(acc, kind, price, 0, 0)]),
        });
        assert!(
            matches!(a.popup(), Some(Popup::Compare(_))),
            "not before all answered"
        );
    }
    let mut dear = row("zap", ProviderKind::OtpZap, 2_000, 0, 0);
    dear.service.name = "Telegram".into();
    a.settings
        .rules
        .max_price_by_service
        .insert("telegram".into(), Rupiah(1_000));
    a.update(Action::CompareLoaded {
        ticket,
        account: "zap".into(),
        result: Ok(vec![dear]),
    });
    match a.popup() {
        Some(Popup::ConfirmBuy(ConfirmBuy {
            account, request, ..
        })) => {
            assert_eq!(account, "nex", "the cheapest the rules allow");
            assert_eq!(request.price, Rupiah(3_000));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_confirmation_refuses_a_price_above_the_rule() {
    let mut settings = otpdeck::app::AppSettings::default();
    settings.rules.max_price = Some(Rupiah(1_000));
    let (mut a, _) = app_with(settings);
    a.update(otpdeck::app::Action::Resize(120, 40));
    open_gate_whatsapp_indonesia(&mut a);
    keys(&mut a, "jj<Enter>");
    assert!(
        matches!(a.popup(), Some(Popup::ConfirmBuy(ConfirmBuy { .. }))),
        "{:?}",
        a.popup().map(|p| p.kind())
    );
    assert!(keys(&mut a, "y").is_empty(), "nothing bought");
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("max_price")));
}

/// With no services loaded, `:best` and `:buy-best` find where the
/// country starts by the shared naming rule: the longest trailing run of
/// words naming a country, so a country of several words works.
#[test]
fn best_takes_a_country_of_several_words_without_a_catalog() {
    for (typed, service, country) in [
        ("best telegram united kingdom", "telegram", "united kingdom"),
        ("buy-best whatsapp business +62", "whatsapp business", "+62"),
        ("best wa viet nam", "wa", "viet nam"),
    ] {
        let mut a = app();
        let e = keys(&mut a, &format!(":{typed}<Enter>"));
        match e.as_slice() {
            [Effect::Compare {
                service: s,
                country: c,
                ..
            }] => assert_eq!((s.as_str(), c.as_str()), (service, country), "{typed}"),
            other => panic!("{typed}: {other:?}"),
        }
    }
}

/// Forty offers at 100×24: the view shows seventeen, a page key moves that
/// many, Home/End jump, and Enter buys the row drawn highlighted.
#[test]
fn the_compare_view_pages_and_jumps() {
    let mut a = app();
    a.update(Action::Resize(100, 24));
    let ticket = match keys(&mut a, ":best whatsapp indonesia<Enter>").as_slice() {
        [Effect::Compare { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    let rows = (0..40)
        .map(|i| {
            let mut r = row("nex", ProviderKind::NexOtp, 1_000 + i, 0, 0);
            r.offer.id = format!("o{i:02}");
            r.offer.label = format!("route {i:02}");
            r
        })
        .collect();
    a.update(Action::CompareLoaded {
        ticket,
        account: "nex".into(),
        result: Ok(rows),
    });
    let picked = |a: &otpdeck::app::App| match a.popup() {
        Some(Popup::Compare(v)) => v.selected,
        other => panic!("{other:?}"),
    };
    keys(&mut a, "<PageDown>");
    assert_eq!(picked(&a), 17);
    let s = common::screen(&mut a, 100, 24);
    assert!(s.contains("route 17") && s.contains("route 01"), "{s}");
    assert!(!s.contains("route 00"), "{s}");
    keys(&mut a, "<End>");
    assert_eq!(picked(&a), 39);
    keys(&mut a, "<C-d>j");
    assert_eq!(picked(&a), 39, "never past the last row");
    keys(&mut a, "<C-u>");
    assert_eq!(picked(&a), 22);
    keys(&mut a, "<Home><PageUp>");
    assert_eq!(picked(&a), 0);
    keys(&mut a, "<End><Enter>");
    match a.popup() {
        Some(Popup::ConfirmBuy(c)) => assert_eq!(c.request.offer_id, "o39"),
        other => panic!("{other:?}"),
    }
}

/// Offers of one account that differ only by server (OTPZap's S1 and S2,
/// GateOTP's servers) or by a tier at the end of a long label read apart
/// at 80×24: the server has its own column, and the offer column leaves
/// out the service and country the title already names.
#[test]
fn offers_that_differ_only_by_server_or_tier_read_apart() {
    let mut a = app();
    a.update(Action::Resize(80, 24));
    let ticket = match keys(&mut a, ":best whatsapp indonesia<Enter>").as_slice() {
        [Effect::Compare { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    let offer = |acc: &str, kind, id: &str, label: &str| {
        let mut r = row(acc, kind, 3_500, 0, 0);
        r.offer.id = id.into();
        r.offer.label = label.into();
        r
    };
    a.update(Action::CompareLoaded {
        ticket,
        account: "zap".into(),
        result: Ok(vec![
            offer(
                "zap",
                ProviderKind::OtpZap,
                "s1:101",
                "S1 · WhatsApp Indonesia Reguler",
            ),
            offer(
                "zap",
                ProviderKind::OtpZap,
                "s1:102",
                "S1 · WhatsApp Indonesia Premium",
            ),
            offer("zap", ProviderKind::OtpZap, "s2:501:7", "S2 · WhatsApp"),
        ]),
    });
    a.update(Action::CompareLoaded {
        ticket,
        account: "gate".into(),
        result: Ok(vec![
            offer("gate", ProviderKind::GateOtp, "6:1", "Server 1 · #2210"),
            offer("gate", ProviderKind::GateOtp, "6:2", "Server 2 · #2210"),
        ]),
    });
    let s = common::screen(&mut a, 80, 24);
    let rows: Vec<&str> = s
        .lines()
        .filter(|l| l.contains("Rp 3.500"))
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
        .collect();
    assert_eq!(rows.len(), 5, "{s}");
    for (i, x) in rows.iter().enumerate() {
        for y in &rows[i + 1..] {
            assert_ne!(x, y, "two offers read alike:\n{s}");
        }
    }
    for word in ["Reguler", "Premium", "S1", "S2", "Server 1", "Server 2"] {
        assert!(s.contains(word), "{word} not shown:\n{s}");
    }
}

/// At 80×24 the demo's account names and offer names are whole in the
/// compare table: the "yours" column's period is said in the title line,
/// not in a header wider than its figures.
#[test]
fn account_and_offer_names_are_whole_at_80x24() {
    let mut a = app();
    a.update(Action::Resize(80, 24));
    let ticket = match keys(&mut a, ":best whatsapp indonesia<Enter>").as_slice() {
        [Effect::Compare { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    let mut rows = Vec::new();
    for (acc, label) in [
        ("gateotp-main", "Server 3 · #3837"),
        ("nexotp-main", "Premium Route"),
    ] {
        let mut r = row(acc, ProviderKind::NexOtp, 7_607, 0, 0);
        r.offer.label = label.into();
        r.offer.stock = Some(999);
        r.offer.success_rate = Some(92.0);
        rows.push(r);
    }
    a.update(Action::CompareLoaded {
        ticket,
        account: "nex".into(),
        result: Ok(rows),
    });
    let s = common::screen(&mut a, 80, 24);
    for whole in [
        "gateotp-main",
        "nexotp-main",
        "Premium Route",
        "last 30 days",
    ] {
        assert!(s.contains(whole), "{whole} cut:\n{s}");
    }
}

/// At 140×40 the compare box grows past 100 columns where a long offer
/// name needs it, so nothing is cut where the screen has room.
#[test]
fn the_box_grows_for_a_long_offer_name_where_the_screen_has_room() {
    let mut a = app();
    a.update(Action::Resize(140, 40));
    let ticket = match keys(&mut a, ":best whatsapp indonesia<Enter>").as_slice() {
        [Effect::Compare { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    let mut r = row("otpzap-main", ProviderKind::OtpZap, 9_900, 12, 11);
    r.offer.label = "S1 · WhatsApp Indonesia SIMULASI: tidak pernah menerima OTP".into();
    r.offer.stock = Some(999);
    r.offer.success_rate = Some(0.0);
    a.update(Action::CompareLoaded {
        ticket,
        account: "zap".into(),
        result: Ok(vec![r]),
    });
    let s = common::screen(&mut a, 140, 40);
    assert!(s.contains("SIMULASI: tidak pernah menerima OTP"), "{s}");
    assert!(s.contains("12× 92% 30s"), "{s}");
}

//! The OTPZap parts of the dashboard: the operator chosen in the buy
//! confirmation (Server 2) and what the screen shows of it.

use crate::common;

use common::*;
use otpdeck::app::popups::ConfirmBuy;
use otpdeck::app::BookAction;
use otpdeck::app::{Action, App, Effect, Popup};
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn screen(app: &mut App, w: u16, h: u16) -> String {
    std::env::set_var("TZ", "UTC");
    app.update(Action::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn op(id: &str, name: &str) -> Operator {
    Operator {
        id: id.into(),
        name: name.into(),
    }
}

fn s2_offer(operators: Vec<Operator>) -> Offer {
    Offer {
        id: "s2:501:7".into(),
        service_id: "s2".into(),
        country_id: Some("7".into()),
        label: "S2 · WhatsApp".into(),
        price: Rupiah(4_000),
        stock: Some(42),
        success_rate: Some(90.0),
        operators,
        available: true,
    }
}

/// Opens the buy confirmation of `offer` on the OTPZap account.
fn confirm(a: &mut App, offer: &Offer) {
    let zap = a
        .accounts
        .iter()
        .position(|x| x.info.name == "zap")
        .expect("zap account");
    let service = Service {
        id: "s2".into(),
        name: "Server 2 (by country)".into(),
        category: None,
        path: Vec::new(),
    };
    let country = Country {
        id: "7".into(),
        name: "Indonesia".into(),
        prefix: Some("+62".into()),
        stock: None,
    };
    a.confirm_buy(zap, &service, Some(&country), offer);
}

fn bought_operator(fx: Vec<Effect>) -> Option<String> {
    match fx.as_slice() {
        [Effect::Buy { request, .. }] => request.operator.clone(),
        other => panic!("expected one Buy, got {other:?}"),
    }
}

#[test]
fn any_is_the_default_and_o_chooses_another_operator() {
    let ops = vec![
        op("any", "Any operator"),
        op("telkomsel", "Telkomsel"),
        op("xl", "XL Axiata"),
    ];
    let mut a = app();
    confirm(&mut a, &s2_offer(ops.clone()));
    assert_eq!(bought_operator(keys(&mut a, "y")).as_deref(), Some("any"));

    let mut a = app();
    confirm(&mut a, &s2_offer(ops.clone()));
    assert!(keys(&mut a, "oo").is_empty(), "o only changes the choice");
    assert_eq!(bought_operator(keys(&mut a, "y")).as_deref(), Some("xl"));

    // It wraps round to "any".
    let mut a = app();
    confirm(&mut a, &s2_offer(ops));
    keys(&mut a, "ooo");
    assert_eq!(bought_operator(keys(&mut a, "y")).as_deref(), Some("any"));
}

#[test]
fn without_any_nothing_is_sent_unless_chosen() {
    let mut a = app();
    confirm(
        &mut a,
        &s2_offer(vec![op("maxis", "Maxis"), op("celcom", "Celcom")]),
    );
    assert_eq!(bought_operator(keys(&mut a, "y")), None);
    let mut a = app();
    confirm(
        &mut a,
        &s2_offer(vec![op("maxis", "Maxis"), op("celcom", "Celcom")]),
    );
    keys(&mut a, "o");
    assert_eq!(bought_operator(keys(&mut a, "y")).as_deref(), Some("maxis"));
    // An offer without operators ignores the key.
    let mut a = app();
    confirm(&mut a, &s2_offer(Vec::new()));
    keys(&mut a, "o");
    assert!(matches!(
        a.popup(),
        Some(Popup::ConfirmBuy(ConfirmBuy { .. }))
    ));
    assert_eq!(bought_operator(keys(&mut a, "y")), None);
}

#[test]
fn buy_confirmation_shows_the_operator() {
    let mut a = app();
    confirm(
        &mut a,
        &s2_offer(vec![
            op("any", "Any operator"),
            op("telkomsel", "Telkomsel"),
        ]),
    );
    keys(&mut a, "o");
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("operator Telkomsel"), "{s}");
    insta::assert_snapshot!(s);
}

fn zap_order(id: i64, offer: &str, resends: Option<u32>, otps: &[&str]) -> Order {
    let mut o = order(
        id,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::OtpReceived,
        otps,
    );
    o.offer_id = offer.into();
    o.resend_count = resends;
    o
}

#[test]
fn replace_is_offered_on_server_1_orders_only() {
    use otpdeck::app::keymap::Cmd;
    use otpdeck::app::Pane;
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(zap_order(
        1,
        "s2:501:7",
        Some(0),
        &["1111"],
    ))));
    a.view.focus = Pane::Orders;
    assert!(!otpdeck::app::command_applies(
        &a,
        Cmd::Order(OrderOp::Replace)
    ));
    let s = screen(&mut a, 100, 30);
    assert!(
        !s.contains("replace"),
        "no replace hint on an S2 order:\n{s}"
    );
    insta::assert_snapshot!("s2_order_hints", s);
    assert!(keys(&mut a, "R").is_empty(), "nothing sent");
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("Server 1 orders only")));

    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(zap_order(
        2,
        "s1:101",
        Some(0),
        &["1111"],
    ))));
    a.view.focus = Pane::Orders;
    assert!(otpdeck::app::command_applies(
        &a,
        Cmd::Order(OrderOp::Replace)
    ));
    assert!(screen(&mut a, 100, 30).contains("replace"));
    assert_eq!(
        keys(&mut a, "R"),
        vec![Effect::Order {
            op: OrderOp::Replace,
            order_id: 2
        }]
    );
}

#[test]
fn r_waits_for_the_new_otp_after_a_resend_and_says_why() {
    use otpdeck::app::Pane;
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(zap_order(
        3,
        "s1:101",
        Some(1),
        &["1111"],
    ))));
    a.view.focus = Pane::Orders;
    assert!(keys(&mut a, "r").is_empty(), "refused, nothing sent");
    assert!(
        a.view
            .status
            .as_ref()
            .is_some_and(|(s, _)| s.contains("has not arrived yet")),
        "{:?}",
        a.view.status
    );
    // The new OTP arrives: one more resend is allowed.
    a.update(Action::Book(BookAction::OrderChanged(zap_order(
        3,
        "s1:101",
        Some(1),
        &["1111", "2222"],
    ))));
    assert_eq!(
        keys(&mut a, "r"),
        vec![Effect::Order {
            op: OrderOp::Resend,
            order_id: 3
        }]
    );
}

mod webhook {
    use super::*;
    use otpdeck::app::Pane;
    use otpdeck::domain::webhook::{WebhookChange, WebhookConfig};
    use otpdeck::secret::Secret;

    fn on_zap() -> App {
        let mut a = app();
        a.view.focus = Pane::Balance;
        keys(&mut a, "jj");
        a
    }

    fn config() -> WebhookConfig {
        WebhookConfig {
            url: Some("https://hooks.example.com/otp".into()),
            events: vec!["order.otp_received".into()],
            is_active: true,
        }
    }

    #[test]
    fn w_opens_the_settings_of_an_otpzap_account_only() {
        let mut a = app();
        a.view.focus = Pane::Balance;
        assert!(keys(&mut a, "w").is_empty(), "gate has none");
        assert!(a.popup().is_none());
        assert!(a
            .view
            .status
            .as_ref()
            .is_some_and(|(s, _)| s.contains("no webhook settings")));
        let mut a = on_zap();
        assert_eq!(
            keys(&mut a, "w"),
            vec![Effect::WebhookGet {
                account: "zap".into()
            }]
        );
        assert!(matches!(a.popup(), Some(Popup::Webhook(_))));
    }

    #[test]
    fn a_change_is_checked_then_sent_and_the_secret_shown_once() {
        let mut a = on_zap();
        keys(&mut a, "w");
        a.update(Action::WebhookLoaded {
            account: "zap".into(),
            result: Ok(config()),
        });
        // Replace the URL with an http one: refused here, nothing sent.
        for _ in 0.."https://hooks.example.com/otp".len() {
            keys(&mut a, "<BS>");
        }
        assert!(keys(&mut a, "http://x.example<Enter>").is_empty());
        match a.popup() {
            Some(Popup::Webhook(w)) => assert!(
                w.error.as_deref().is_some_and(|e| e.contains("https://")),
                "{:?}",
                w.error
            ),
            other => panic!("{other:?}"),
        }
        for _ in 0.."http://x.example".len() {
            keys(&mut a, "<BS>");
        }
        keys(&mut a, "https://new.example/h");
        // Events: add one; active: flip off.
        keys(&mut a, "<Tab>,order.cancelled<Tab> ");
        let fx = keys(&mut a, "<Enter>");
        assert_eq!(
            fx,
            vec![Effect::WebhookSet {
                account: "zap".into(),
                change: WebhookChange {
                    url: Some("https://new.example/h".into()),
                    events: Some(vec!["order.otp_received".into(), "order.cancelled".into()]),
                    is_active: Some(false),
                },
            }]
        );
        let secret = "0123456789abcdef0123456789abcdef0123456789abcdef";
        a.update(Action::WebhookSaved {
            account: "zap".into(),
            result: Ok((
                WebhookConfig {
                    url: Some("https://new.example/h".into()),
                    events: vec!["order.otp_received".into(), "order.cancelled".into()],
                    is_active: false,
                },
                Some(Secret::new(secret)),
            )),
        });
        let s = screen(&mut a, 100, 30);
        assert!(s.contains(secret), "{s}");
        insta::assert_snapshot!("webhook_secret_shown_once", s);
        keys(&mut a, "<Esc>");
        assert!(a.popup().is_none());
        assert!(
            !screen(&mut a, 100, 30).contains(secret),
            "gone once closed"
        );
    }
}

#[test]
fn a_countrys_offers_load_more_from_the_more_row() {
    use otpdeck::app::Pane;
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    a.update(Action::OffersMore {
        account: "gate".into(),
        service_id: "14".into(),
        country_id: "340437".into(),
        next_page: 2,
    });
    a.view.focus = Pane::Catalog;
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("more · Enter: page 2"), "{s}");
    insta::assert_snapshot!("more_offers_row", s);
    // Down past the three offers to the "more" row, then Enter.
    let fx = keys(&mut a, "jjjj<Enter>");
    assert_eq!(
        fx,
        vec![Effect::LoadMoreOffers {
            account: "gate".into(),
            service_id: "14".into(),
            country_id: "340437".into(),
            page: 2,
        }]
    );
    assert!(
        !screen(&mut a, 100, 30).contains("more · "),
        "asked once: the row goes while the page loads"
    );
    let extra = Offer {
        id: "340437:9999".into(),
        service_id: "14".into(),
        country_id: Some("340437".into()),
        label: "Server 9".into(),
        price: Rupiah(9_900),
        stock: Some(3),
        success_rate: None,
        operators: Vec::new(),
        available: true,
    };
    a.update(Action::OffersPageLoaded {
        account: "gate".into(),
        service_id: "14".into(),
        country_id: "340437".into(),
        page: 2,
        result: Ok((vec![extra], false)),
        now: t0(),
    });
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("Server 9"), "{s}");
    assert!(!s.contains("more · "), "the last page: no more row\n{s}");
}

//! `[rules] auto_replace_after` in `App::update` alone (time passed in):
//! the timer cancels, only a confirmed cancel (or another end without an
//! OTP) leads to the buy of the next best offer with the chain's key, and
//! max_attempts, refusals, late OTPs and restarts are respected.

use crate::common;

use common::{app_with, order, t0};
use otpdeck::app::BookAction;
use otpdeck::app::{Action, App, AppSettings, Effect};
use otpdeck::domain::*;
use otpdeck::engine::compare::Row;
use otpdeck::engine::journal::OwnRecord;
use otpdeck::money::Rupiah;
use std::time::Duration;

fn rules(after_secs: u64, max: Option<u32>) -> Rules {
    Rules {
        auto_replace_after: Some(Duration::from_secs(after_secs)),
        max_attempts: max,
        ..Default::default()
    }
}

fn app_ruled(r: Rules) -> App {
    let (mut a, _) = app_with(AppSettings {
        rules: r,
        // Out of the way: this file is about the replace rule.
        auto_cancel_before: Duration::ZERO,
        ..Default::default()
    });
    a.update(Action::Resize(120, 40));
    a
}

fn secs(n: i64) -> chrono::DateTime<chrono::Utc> {
    t0() + chrono::Duration::seconds(n)
}

fn row(account: &str, kind: ProviderKind, offer: &str, price: i64) -> Row {
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
            id: "id".into(),
            name: "Indonesia".into(),
            prefix: None,
            stock: None,
        },
        offer: Offer {
            id: offer.into(),
            service_id: "14".into(),
            country_id: Some("id".into()),
            label: offer.into(),
            price: Rupiah(price),
            stock: Some(10),
            success_rate: None,
            operators: Vec::new(),
            available: true,
        },
        record: OwnRecord::default(),
    }
}

fn buys(effects: &[Effect]) -> Vec<&Effect> {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Buy { .. } | Effect::ReplaceBuy { .. }))
        .collect()
}

fn compare_ticket(effects: &[Effect]) -> Option<u64> {
    effects.iter().find_map(|e| match e {
        Effect::Compare { ticket, .. } => Some(*ticket),
        _ => None,
    })
}

/// The three OTP accounts answer a compare: the replaced order's own offer
/// ("any" on nex) is the cheapest, then gate's, then zap's.
fn answer(a: &mut App, ticket: u64) -> Vec<Effect> {
    let mut out = Vec::new();
    for (account, rows) in [
        (
            "nex",
            vec![
                row("nex", ProviderKind::NexOtp, "any", 2000),
                row("nex", ProviderKind::NexOtp, "premium", 9000),
            ],
        ),
        (
            "gate",
            vec![row("gate", ProviderKind::GateOtp, "3837", 3100)],
        ),
        ("zap", vec![row("zap", ProviderKind::OtpZap, "1001", 3500)]),
    ] {
        out.extend(a.update(Action::CompareLoaded {
            ticket,
            account: account.into(),
            result: Ok(rows),
        }));
    }
    out
}

fn waiting_nex(id: i64) -> Order {
    order(id, "nex", ProviderKind::NexOtp, OrderStatus::Waiting, &[])
}

fn cancelled(mut o: Order, at: i64) -> Order {
    o.status = OrderStatus::Cancelled;
    o.refunded = Some(o.price);
    o.updated_at = secs(at);
    o
}

#[test]
fn the_timer_cancels_then_a_confirmed_cancel_buys_the_next_best_with_the_chains_key() {
    let mut a = app_ruled(rules(180, None));
    let o = waiting_nex(12);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    let early = a.update(Action::Tick(secs(179)));
    assert!(
        !early.iter().any(|e| matches!(e, Effect::Order { .. })),
        "{early:?}"
    );
    let fx = a.update(Action::Tick(secs(180)));
    let key = replacement_key(&o.idempotency_key, o.created_at, 2);
    // The link is journaled before the cancel is asked.
    let begin = fx
        .iter()
        .position(|e| matches!(e, Effect::ReplaceBegin(l) if l.idempotency_key == key && l.from_order == 12 && l.attempt == 2))
        .expect("link written");
    let cancel = fx
        .iter()
        .position(|e| {
            *e == Effect::Order {
                op: OrderOp::Cancel,
                order_id: 12,
            }
        })
        .expect("cancel asked");
    assert!(begin < cancel, "{fx:?}");
    assert!(buys(&fx).is_empty(), "nothing bought before the cancel");
    assert!(
        a.update(Action::Tick(secs(181)))
            .iter()
            .all(|e| !matches!(e, Effect::Order { .. } | Effect::ReplaceBegin(_))),
        "asked once"
    );
    let status = a.view.status.clone().expect("status").0;
    assert!(status.contains("no SMS after 3m"), "{status}");

    let fx = a.update(Action::Book(BookAction::OrderChanged(cancelled(o, 185))));
    assert!(buys(&fx).is_empty());
    let ticket = compare_ticket(&fx).expect("offers asked once the cancel is confirmed");
    let fx = answer(&mut a, ticket);
    let bought = buys(&fx);
    assert_eq!(bought.len(), 1, "{fx:?}");
    match bought[0] {
        Effect::ReplaceBuy {
            from_order,
            account,
            request,
        } => {
            assert_eq!(*from_order, 12);
            // The failed offer is not bought again: gate's is next best.
            assert_eq!(account, "gate");
            assert_eq!(request.offer_id, "3837");
            assert_eq!(request.idempotency_key, key);
            assert_eq!(request.price, Rupiah(3100));
        }
        other => panic!("{other:?}"),
    }
    // The replacement arrives: the chain shows on both rows.
    let mut r = order(13, "gate", ProviderKind::GateOtp, OrderStatus::Waiting, &[]);
    r.idempotency_key = key;
    r.created_at = secs(186);
    r.updated_at = secs(186);
    a.update(Action::Book(BookAction::OrderChanged(r)));
    assert_eq!(a.book.chain_text(12).as_deref(), Some("#12 → #13"));
    assert_eq!(a.book.chain_text(13).as_deref(), Some("#12 → #13"));
    let status = a.view.status.clone().expect("status").0;
    assert!(status.contains("Replaced #12 → #13"), "{status}");
}

#[test]
fn the_price_rule_applies_to_the_replacement() {
    let mut r = rules(60, None);
    r.max_price = Some(Rupiah(3200));
    let mut a = app_ruled(r);
    let o = waiting_nex(5);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    a.update(Action::Tick(secs(60)));
    let fx = a.update(Action::Book(BookAction::OrderChanged(cancelled(
        o.clone(),
        61,
    ))));
    let fx = answer(&mut a, compare_ticket(&fx).expect("compare"));
    match buys(&fx).as_slice() {
        [Effect::ReplaceBuy { request, .. }] => assert_eq!(request.price, Rupiah(3100)),
        other => panic!("{other:?}"),
    }
    // With a cap below every other offer, nothing is bought.
    let mut r = rules(60, None);
    r.max_price = Some(Rupiah(3000));
    let mut a = app_ruled(r);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    a.update(Action::Tick(secs(60)));
    let fx = a.update(Action::Book(BookAction::OrderChanged(cancelled(o, 61))));
    let fx = answer(&mut a, compare_ticket(&fx).expect("compare"));
    assert!(buys(&fx).is_empty(), "{fx:?}");
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::ReplaceEnded { from_order: 5, .. })));
}

#[test]
fn a_refused_cancel_buys_nothing() {
    let mut a = app_ruled(rules(60, None));
    let o = waiting_nex(7);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    a.update(Action::Tick(secs(60)));
    let fx = a.update(Action::Book(BookAction::ActionFailed {
        order_id: 7,
        op: Some(OrderOp::Cancel),
        error: "the provider refused".into(),
        retry_after: None,
        now: secs(61),
    }));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(a
        .view
        .status
        .clone()
        .expect("status")
        .0
        .contains("not replaced"));
    for t in [62, 120, 600] {
        let fx = a.update(Action::Tick(secs(t)));
        assert!(
            buys(&fx).is_empty() && compare_ticket(&fx).is_none(),
            "{fx:?}"
        );
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::Order { .. })),
            "no second cancel: {fx:?}"
        );
    }
    // A poll that still says waiting buys nothing either.
    let mut still = o;
    still.updated_at = secs(700);
    assert!(buys(&a.update(Action::Book(BookAction::OrderChanged(still)))).is_empty());
}

#[test]
fn an_otp_before_the_cancel_is_confirmed_stops_the_chain() {
    let mut a = app_ruled(rules(60, None));
    let o = waiting_nex(8);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    a.update(Action::Tick(secs(60)));
    let mut got = o.clone();
    got.status = OrderStatus::OtpReceived;
    got.otps = vec!["123456".into()];
    got.updated_at = secs(61);
    let fx = a.update(Action::Book(BookAction::OrderChanged(got)));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::ReplaceEnded { from_order: 8, .. })));
    assert!(compare_ticket(&fx).is_none() && buys(&fx).is_empty());
    // The cancel then failing or the order finishing buys nothing.
    let mut done = o;
    done.status = OrderStatus::Finished;
    done.otps = vec!["123456".into()];
    done.updated_at = secs(90);
    let fx = a.update(Action::Book(BookAction::OrderChanged(done)));
    assert!(
        compare_ticket(&fx).is_none() && buys(&fx).is_empty(),
        "{fx:?}"
    );
}

#[test]
fn an_order_that_expires_instead_is_replaced_too() {
    let mut a = app_ruled(rules(60, None));
    let o = waiting_nex(9);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    a.update(Action::Tick(secs(60)));
    let mut gone = o;
    gone.status = OrderStatus::Expired;
    gone.updated_at = secs(62);
    let fx = a.update(Action::Book(BookAction::OrderChanged(gone)));
    assert!(compare_ticket(&fx).is_some(), "{fx:?}");
}

#[test]
fn max_attempts_bounds_the_chain() {
    let mut a = app_ruled(rules(60, Some(2)));
    let o = waiting_nex(20);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    a.update(Action::Tick(secs(60)));
    let fx = a.update(Action::Book(BookAction::OrderChanged(cancelled(
        o.clone(),
        61,
    ))));
    let fx = answer(&mut a, compare_ticket(&fx).expect("compare"));
    let key = match buys(&fx).as_slice() {
        [Effect::ReplaceBuy { request, .. }] => request.idempotency_key.clone(),
        other => panic!("{other:?}"),
    };
    let mut r = order(21, "gate", ProviderKind::GateOtp, OrderStatus::Waiting, &[]);
    r.idempotency_key = key;
    r.created_at = secs(62);
    r.updated_at = secs(62);
    a.update(Action::Book(BookAction::OrderChanged(r.clone())));
    // Attempt 2 of 2 gets no SMS either: cancelled for the refund, with no
    // link and no buy after it.
    let fx = a.update(Action::Tick(secs(122)));
    assert!(fx.contains(&Effect::Order {
        op: OrderOp::Cancel,
        order_id: 21
    }));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::ReplaceBegin(_))),
        "{fx:?}"
    );
    assert!(a
        .view
        .status
        .clone()
        .expect("status")
        .0
        .contains("max_attempts"));
    let fx = a.update(Action::Book(BookAction::OrderChanged(cancelled(r, 123))));
    assert!(
        compare_ticket(&fx).is_none() && buys(&fx).is_empty(),
        "{fx:?}"
    );
    assert_eq!(a.book.chain_text(21).as_deref(), Some("#20 → #21"));
}

#[test]
fn the_third_attempt_keeps_the_roots_key_line_and_skips_every_tried_offer() {
    let mut a = app_ruled(rules(60, Some(3)));
    let o = waiting_nex(30);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    a.update(Action::Tick(secs(60)));
    let fx = a.update(Action::Book(BookAction::OrderChanged(cancelled(
        o.clone(),
        61,
    ))));
    answer(&mut a, compare_ticket(&fx).expect("compare"));
    let mut r = order(31, "gate", ProviderKind::GateOtp, OrderStatus::Waiting, &[]);
    r.idempotency_key = replacement_key(&o.idempotency_key, o.created_at, 2);
    r.offer_id = "3837".into();
    r.created_at = secs(62);
    r.updated_at = secs(62);
    a.update(Action::Book(BookAction::OrderChanged(r.clone())));
    let fx = a.update(Action::Tick(secs(122)));
    let third = replacement_key(&o.idempotency_key, o.created_at, 3);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::ReplaceBegin(l) if l.idempotency_key == third && l.root_order == 30 && l.attempt == 3)),
        "{fx:?}"
    );
    let fx = a.update(Action::Book(BookAction::OrderChanged(cancelled(r, 123))));
    let fx = answer(&mut a, compare_ticket(&fx).expect("compare"));
    match buys(&fx).as_slice() {
        [Effect::ReplaceBuy {
            account, request, ..
        }] => {
            assert_eq!(account, "zap", "nex any and gate 3837 were tried");
            assert_eq!(request.idempotency_key, third);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn otpzap_orders_wait_out_the_two_minute_cancel_cooldown() {
    let mut a = app_ruled(rules(60, None));
    a.update(Action::Book(BookAction::OrderChanged(order(
        40,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::Waiting,
        &[],
    ))));
    let fx = a.update(Action::Tick(secs(90)));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Order { .. })),
        "{fx:?}"
    );
    let status = a.view.status.clone().expect("status").0;
    assert!(status.contains("allows cancelling in 30 s"), "{status}");
    let fx = a.update(Action::Tick(secs(120)));
    assert!(fx.contains(&Effect::Order {
        op: OrderOp::Cancel,
        order_id: 40
    }));
    // A cooldown the API announces anyway: asked again once it ends.
    a.update(Action::Book(BookAction::ActionFailed {
        order_id: 40,
        op: Some(OrderOp::Cancel),
        error: "429".into(),
        retry_after: Some(Duration::from_secs(30)),
        now: secs(121),
    }));
    assert!(!a
        .update(Action::Tick(secs(140)))
        .iter()
        .any(|e| matches!(e, Effect::Order { .. })));
    assert!(a.update(Action::Tick(secs(151))).contains(&Effect::Order {
        op: OrderOp::Cancel,
        order_id: 40
    }));
}

#[test]
fn a_restart_resumes_a_journaled_link_with_its_own_request_and_never_one_with_a_row() {
    let mut a = app_ruled(rules(60, None));
    a.update(Action::Book(BookAction::Restored(vec![
        cancelled(waiting_nex(50), 70),
        cancelled(waiting_nex(60), 70),
    ])));
    let request = BuyRequest {
        service_id: "14".into(),
        service_name: "WhatsApp".into(),
        country_id: Some("id".into()),
        country_name: Some("Indonesia".into()),
        offer_id: "3837".into(),
        price: Rupiah(3100),
        operator: None,
        idempotency_key: "otpd-link-50".into(),
        customer_number: None,
    };
    let link = |from: i64, key: &str, replacement: Option<i64>| ReplaceLink {
        from_order: from,
        root_order: from,
        attempt: 2,
        idempotency_key: key.into(),
        step: ReplaceStep::Buying,
        account: Some("gate".into()),
        request: Some(BuyRequest {
            idempotency_key: key.into(),
            ..request.clone()
        }),
        replacement,
        note: None,
    };
    let fx = a.update(Action::Book(BookAction::LinksRestored(vec![
        link(50, "otpd-link-50", None),
        link(60, "otpd-link-60", Some(61)),
    ])));
    assert_eq!(
        buys(&fx),
        vec![&Effect::ReplaceBuy {
            from_order: 50,
            account: "gate".into(),
            request: request.clone(),
        }],
        "only the link without a row is bought, with its journaled request"
    );
    assert_eq!(a.book.chain_text(60).as_deref(), Some("#60 → #61"));
    // A link still cancelling whose order ended meanwhile goes on.
    let mut b = app_ruled(rules(60, None));
    b.update(Action::Book(BookAction::Restored(vec![cancelled(
        waiting_nex(70),
        80,
    )])));
    let fx = b.update(Action::Book(BookAction::LinksRestored(vec![ReplaceLink {
        step: ReplaceStep::Cancelling,
        account: None,
        request: None,
        ..link(70, "otpd-link-70", None)
    }])));
    assert!(compare_ticket(&fx).is_some(), "{fx:?}");
}

/// The buy confirmation says when the replace rule covers the buy.
#[test]
fn the_confirmation_says_the_replace_rule() {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let draw = |a: &App| {
        let mut t = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        t.draw(|f| otpdeck::ui::draw(f, a)).expect("draw");
        let buf = t.backend().buffer().clone();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut a = app_ruled(rules(180, None));
    common::open_gate_whatsapp_indonesia(&mut a);
    common::keys(&mut a, "jj<Enter>");
    let s = draw(&a);
    assert!(s.contains("Buy?"), "{s}");
    assert!(
        s.contains("no SMS in 3m: cancel, buy the next best (max 3)"),
        "{s}"
    );
    let mut plain = app_ruled(Rules::default());
    common::open_gate_whatsapp_indonesia(&mut plain);
    common::keys(&mut plain, "jj<Enter>");
    let s = draw(&plain);
    assert!(s.contains("Buy?") && !s.contains("no SMS in"), "{s}");
}

#[test]
fn an_email_inbox_is_never_cancelled_by_the_replace_rule() {
    let mut a = app_ruled(rules(60, None));
    let mut o = order(41, "zap", ProviderKind::OtpZap, OrderStatus::Waiting, &[]);
    o.offer_id = "email:{\"site\":\"openai.com\",\"domains\":[\"outlook.com\"]}".into();
    a.update(Action::Book(BookAction::OrderChanged(o)));
    for t in [150, 300, 900] {
        let fx = a.update(Action::Tick(secs(t)));
        assert!(
            !fx.iter()
                .any(|e| matches!(e, Effect::Order { .. } | Effect::ReplaceBegin(_))),
            "{fx:?}"
        );
    }
}

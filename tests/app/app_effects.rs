//! Decisions that used to live in the runtime, now in `update` with time
//! passed in: which orders are polled, when balances refresh, when a lost
//! buy is replayed.

use crate::common;

use chrono::Duration;
use common::*;
use otpdeck::app::BookAction;
use otpdeck::app::{Action, Effect};
use otpdeck::domain::*;

fn waiting(id: i64, account: &str, kind: ProviderKind) -> Order {
    order(id, account, kind, OrderStatus::Waiting, &[])
}

#[test]
fn an_active_order_is_watched_once_and_unwatched_when_final() {
    let mut a = app();
    let o = waiting(1, "gate", ProviderKind::GateOtp);
    let e = a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    assert!(e.contains(&Effect::Watch(o.clone())), "{e:?}");
    let mut later = o.clone();
    later.updated_at += Duration::seconds(5);
    let e = a.update(Action::Book(BookAction::OrderChanged(later.clone())));
    assert!(
        !e.iter().any(|e| matches!(e, Effect::Watch(_))),
        "watched once: {e:?}"
    );
    let mut done = later.clone();
    done.status = OrderStatus::Cancelled;
    done.updated_at += Duration::seconds(5);
    let e = a.update(Action::Book(BookAction::OrderChanged(done)));
    assert!(e.contains(&Effect::Unwatch { order_id: 1 }), "{e:?}");
}

#[test]
fn a_poller_that_stopped_is_started_again_on_the_next_change() {
    let mut a = app();
    let o = waiting(2, "nex", ProviderKind::NexOtp);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    a.update(Action::Book(BookAction::PollStopped { order_id: 2 }));
    let mut later = o;
    later.updated_at += Duration::seconds(1);
    let e = a.update(Action::Book(BookAction::OrderChanged(later.clone())));
    assert!(e.contains(&Effect::Watch(later)), "{e:?}");
}

#[test]
fn an_order_without_a_provider_id_is_not_polled() {
    let mut a = app();
    let mut o = waiting(3, "gate", ProviderKind::GateOtp);
    o.status = OrderStatus::Unknown;
    o.provider_order_id = None;
    let e = a.update(Action::Book(BookAction::OrderChanged(o)));
    assert!(!e.iter().any(|e| matches!(e, Effect::Watch(_))), "{e:?}");
}

#[test]
fn the_balance_timer_and_g_refresh_alike() {
    let mut a = app();
    let e = a.update(Action::RefreshDue(t0() + Duration::minutes(1)));
    assert_eq!(e.len(), a.accounts.len());
    assert!(e.iter().all(|e| matches!(e, Effect::LoadBalance { .. })));
    assert!(a.accounts.iter().all(|x| x.loading), "spinners on");
    assert!(a.needs_tick(), "the spinner ticks");
    let mut b = app();
    b.view.focus = otpdeck::app::Pane::Balance;
    let g = keys(&mut b, "g");
    assert_eq!(g, e);
}

fn unclear(a: &mut otpdeck::app::App, account: &str, kind: ProviderKind, id: i64) -> BuyRequest {
    let mut o = waiting(id, account, kind);
    o.status = OrderStatus::Unknown;
    a.update(Action::Book(BookAction::OrderChanged(o)));
    let request = BuyRequest {
        service_id: "wa".into(),
        service_name: "WhatsApp".into(),
        country_id: Some("6".into()),
        country_name: Some("Indonesia".into()),
        offer_id: "o1".into(),
        price: otpdeck::money::Rupiah(4200),
        operator: None,
        idempotency_key: format!("k{id}"),
        customer_number: None,
    };
    a.update(Action::Book(BookAction::BuyUnclear {
        account: account.into(),
        request: request.clone(),
        order_id: id,
        now: t0(),
    }));
    request
}

fn replays_at(a: &mut otpdeck::app::App, secs: i64) -> Vec<Effect> {
    a.update(Action::Tick(t0() + Duration::seconds(secs)))
        .into_iter()
        .filter(|e| matches!(e, Effect::ReplayBuy { .. }))
        .collect()
}

#[test]
fn a_lost_keyed_buy_is_replayed_at_3_10_30_60_s_then_every_60_s_until_its_lifetime() {
    let mut a = app();
    let request = unclear(&mut a, "nex", ProviderKind::NexOtp, 7);
    assert!(a.needs_tick());
    assert!(replays_at(&mut a, 2).is_empty());
    let sent = replays_at(&mut a, 3);
    assert_eq!(
        sent,
        vec![Effect::ReplayBuy {
            account: "nex".into(),
            request: request.clone(),
            order_id: 7
        }]
    );
    // In flight: nothing more until its reply.
    assert!(replays_at(&mut a, 100).is_empty());
    let mut at = 100;
    for pause in [10, 30, 60, 60, 60] {
        a.update(Action::Book(BookAction::ReplayDone {
            order_id: 7,
            refused: false,
            now: t0() + Duration::seconds(at),
        }));
        assert!(
            replays_at(&mut a, at + pause - 1).is_empty(),
            "not before {pause}s"
        );
        assert_eq!(replays_at(&mut a, at + pause).len(), 1, "after {pause}s");
        at += pause;
    }
    // Every 60 s while a number bought by the lost request could still
    // exist: the order expires 20 minutes after t0 here.
    loop {
        a.update(Action::Book(BookAction::ReplayDone {
            order_id: 7,
            refused: false,
            now: t0() + Duration::seconds(at),
        }));
        if a.book.replays.is_empty() {
            break;
        }
        assert_eq!(replays_at(&mut a, at + 60).len(), 1, "at {at}s");
        at += 60;
    }
    assert!(
        at <= 1200 && at + 60 > 1200,
        "stopped at the lifetime: {at}s"
    );
    assert!(replays_at(&mut a, at + 3600).is_empty());
}

#[test]
fn a_settled_buy_is_not_replayed_and_keyless_apis_never_are() {
    let mut a = app();
    unclear(&mut a, "zap", ProviderKind::OtpZap, 8);
    let mut settled = waiting(8, "zap", ProviderKind::OtpZap);
    settled.updated_at += Duration::seconds(1);
    a.update(Action::Book(BookAction::OrderChanged(settled)));
    assert!(
        replays_at(&mut a, 3).is_empty(),
        "settled before its replay"
    );
    // GateOTP has no idempotency key: a second buy could charge twice.
    unclear(&mut a, "gate", ProviderKind::GateOtp, 9);
    assert!(a.book.replays.is_empty());
    assert!(replays_at(&mut a, 60).is_empty());
}

#[test]
fn the_selection_follows_a_list_that_shrinks() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(waiting(
        1,
        "gate",
        ProviderKind::GateOtp,
    ))));
    let mut done = order(
        2,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Finished,
        &["1"],
    );
    done.id = 0;
    a.update(Action::Book(BookAction::OrderChanged(done)));
    a.view.focus = otpdeck::app::Pane::Orders;
    keys(&mut a, "jj");
    assert_eq!(a.sel(otpdeck::app::Pane::Orders), 1);
    // The finished order leaves the pane after its linger time.
    a.update(Action::Tick(t0() + Duration::minutes(5)));
    assert_eq!(a.visible_orders().len(), 1);
    assert_eq!(a.sel(otpdeck::app::Pane::Orders), 0);
}

/// Catalog rows are keyed by the API's ids: a reload that lists the
/// services in another order keeps the same service open.
#[test]
fn a_reordered_reload_keeps_the_same_rows_open() {
    use otpdeck::app::catalog::{rows, RowKind};
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    let open = |a: &otpdeck::app::App| -> Vec<String> {
        rows(a)
            .into_iter()
            .filter(|r| r.depth == 1 && r.kind == RowKind::Branch { expanded: true })
            .map(|r| r.label)
            .collect()
    };
    assert_eq!(open(&a), vec!["WhatsApp".to_string()]);
    let mut reordered = services();
    reordered.reverse();
    a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Ok(reordered),
        now: t0() + Duration::minutes(10),
    });
    assert_eq!(open(&a), vec!["WhatsApp".to_string()]);
}

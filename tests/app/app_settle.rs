//! UNKNOWN orders in `update`: the balance clue, a second clue settling
//! them without the user, "I checked the provider" by keyboard, and the
//! amount still unclear.

use crate::common;

use chrono::Duration;
use common::*;
use otpdeck::app::popups::Settle;
use otpdeck::app::BookAction;
use otpdeck::app::{Action, App, Effect, Pane, Popup};
use otpdeck::domain::*;
use otpdeck::engine::orders::Verdict;
use otpdeck::money::Rupiah;

/// Confirms a buy of the first offer on account `idx` (by the popup, as a
/// user does) and returns its request.
fn confirm(a: &mut App, idx: usize) -> BuyRequest {
    let service = &services()[0];
    let offer = &offers()[0];
    a.confirm_buy(idx, service, None, offer);
    let e = keys(a, "y");
    match e.into_iter().find(|e| matches!(e, Effect::Buy { .. })) {
        Some(Effect::Buy { request, .. }) => request,
        other => panic!("no buy: {other:?}"),
    }
}

/// The buy's reply is lost: its order arrives UNKNOWN.
fn lost(a: &mut App, id: i64, account: &str, kind: ProviderKind, req: &BuyRequest) -> Vec<Effect> {
    let mut o = order(id, account, kind, OrderStatus::Unknown, &[]);
    o.provider_order_id = None;
    o.number = None;
    o.idempotency_key = req.idempotency_key.clone();
    o.price = req.price;
    o.created_at = t0() + Duration::seconds(1);
    o.updated_at = o.created_at;
    let mut e = a.update(Action::Book(BookAction::OrderChanged(o)));
    e.extend(a.update(Action::Book(BookAction::BuyUnclear {
        account: account.into(),
        request: req.clone(),
        order_id: id,
        now: t0() + Duration::seconds(1),
    })));
    e
}

fn clue_balance(a: &mut App, account: &str, id: i64, b: i64) -> Vec<Effect> {
    a.update(Action::Book(BookAction::ClueBalance {
        account: account.into(),
        order_id: id,
        result: Ok(Rupiah(b)),
        now: t0() + Duration::seconds(2),
    }))
}

#[test]
fn an_unchanged_balance_and_a_refused_replay_settle_a_lost_nexotp_buy() {
    let mut a = app();
    let req = confirm(&mut a, 1);
    let e = lost(&mut a, 5, "nex", ProviderKind::NexOtp, &req);
    assert!(
        e.contains(&Effect::CheckBalance {
            account: "nex".into(),
            order_id: 5
        }),
        "{e:?}"
    );
    let e = clue_balance(&mut a, "nex", 5, 2_450_000);
    assert!(
        e.iter().any(|e| matches!(e, Effect::NoteClue { order_id: 5, clue } if clue.contains("likely not charged"))),
        "the clue is journaled: {e:?}"
    );
    assert!(
        !e.iter().any(|e| matches!(e, Effect::SettleByClues { .. })),
        "one clue settles nothing"
    );
    assert_eq!(
        a.book.clue_text(5),
        Some("balance unchanged since the buy: likely not charged")
    );
    // A replay that is not refused (an unclear reply) is no second clue.
    assert!(a
        .update(Action::Book(BookAction::ReplayDone {
            order_id: 5,
            refused: false,
            now: t0() + Duration::seconds(5),
        }))
        .is_empty());
    let e = a.update(Action::Book(BookAction::ReplayDone {
        order_id: 5,
        refused: true,
        now: t0() + Duration::seconds(15),
    }));
    assert_eq!(
        e,
        vec![Effect::SettleByClues {
            order_id: 5,
            verdict: Verdict::NotCharged,
            clues: vec![
                "balance unchanged since the buy: likely not charged".into(),
                "a replay with the same key was refused".into()
            ],
        }]
    );
    // Once settled, it leaves the active list and the amount at stake.
    let mut settled = order(5, "nex", ProviderKind::NexOtp, OrderStatus::Failed, &[]);
    settled.provider_order_id = None;
    settled.updated_at = t0() + Duration::seconds(16);
    a.update(Action::Book(BookAction::OrderChanged(settled)));
    assert_eq!(a.book.unclear_amount(None), Rupiah(0));
    assert!(a.book.clues.is_empty());
}

#[test]
fn a_balance_that_fell_by_the_amount_is_only_evidence() {
    let mut a = app();
    let req = confirm(&mut a, 0);
    lost(&mut a, 6, "gate", ProviderKind::GateOtp, &req);
    let e = clue_balance(&mut a, "gate", 6, 150_000 - req.price.0);
    assert!(!e.iter().any(|e| matches!(e, Effect::SettleByClues { .. })));
    assert_eq!(
        a.book.clue_text(6),
        Some("balance fell by the amount since the buy: likely charged")
    );
    assert_eq!(a.book.unclear_amount(Some("gate")), req.price);
    assert_eq!(a.book.unclear_amount(Some("nex")), Rupiah(0));
}

#[test]
fn another_buy_in_flight_spoils_the_balance_clue() {
    let mut a = app();
    let req = confirm(&mut a, 1);
    // A second buy on the same account before the first one's reply.
    let _second = confirm(&mut a, 1);
    lost(&mut a, 7, "nex", ProviderKind::NexOtp, &req);
    let e = clue_balance(&mut a, "nex", 7, 2_450_000);
    assert!(a.book.clue_text(7).is_none(), "{e:?}");
    let e = a.update(Action::Book(BookAction::ReplayDone {
        order_id: 7,
        refused: true,
        now: t0() + Duration::seconds(5),
    }));
    assert!(
        e.is_empty(),
        "a refused replay alone settles nothing: {e:?}"
    );
}

#[test]
fn an_account_with_a_waiting_order_gives_no_baseline() {
    let mut a = app();
    let mut w = order(1, "nex", ProviderKind::NexOtp, OrderStatus::Waiting, &[]);
    w.created_at = t0() - Duration::minutes(1);
    a.update(Action::Book(BookAction::OrderChanged(w)));
    let req = confirm(&mut a, 1);
    let e = lost(&mut a, 8, "nex", ProviderKind::NexOtp, &req);
    assert!(
        !e.iter().any(|e| matches!(e, Effect::CheckBalance { .. })),
        "it could be refunded in the window: {e:?}"
    );
}

fn unknown_selected(a: &mut App) {
    let mut o = order(9, "gate", ProviderKind::GateOtp, OrderStatus::Unknown, &[]);
    o.provider_order_id = None;
    a.update(Action::Book(BookAction::OrderChanged(o)));
    a.view.focus = Pane::Orders;
}

#[test]
fn u_on_an_unknown_row_settles_it_by_hand_either_way() {
    let mut a = app();
    unknown_selected(&mut a);
    assert!(otpdeck::app::command_applies(
        &a,
        otpdeck::app::keymap::Cmd::Settle
    ));
    keys(&mut a, "u");
    assert!(matches!(
        a.popup(),
        Some(Popup::Settle(Settle { order_id: 9, .. }))
    ));
    let e = keys(&mut a, "x");
    assert_eq!(
        e,
        vec![Effect::Settle {
            order_id: 9,
            verdict: Verdict::NotCharged,
            number: None
        }]
    );
    assert!(a.popup().is_none());

    // Charged, with the number pasted; letters other than the answers do
    // not go into it.
    keys(&mut a, "u+62 812ab-555<BS>6");
    let e = keys(&mut a, "c");
    assert_eq!(
        e,
        vec![Effect::Settle {
            order_id: 9,
            verdict: Verdict::Charged,
            number: Some("+62 812-556".into())
        }]
    );
    // Esc closes it with nothing done.
    keys(&mut a, "u");
    assert!(keys(&mut a, "<Esc>").is_empty());
    assert!(a.popup().is_none());
}

#[test]
fn u_on_another_row_says_why_not() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    a.view.focus = Pane::Orders;
    assert!(!otpdeck::app::command_applies(
        &a,
        otpdeck::app::keymap::Cmd::Settle
    ));
    keys(&mut a, "u");
    assert!(a.popup().is_none());
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|s| s.0.contains("only an UNKNOWN")));
}

#[test]
fn a_settled_note_reads_in_local_time_not_utc() {
    let mut a = common::app();
    a.settings.utc_offset = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let mut o = common::order(41, "gate", ProviderKind::GateOtp, OrderStatus::Unknown, &[]);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    o.status = OrderStatus::Failed;
    o.updated_at = common::t0() + chrono::Duration::minutes(5);
    o.note = Some(format!(
        "settled by hand at {}: not charged (checked on the provider)",
        common::t0().to_rfc3339()
    ));
    a.update(Action::Tick(common::t0() + chrono::Duration::minutes(5)));
    a.update(Action::Book(BookAction::OrderChanged(o)));
    let (text, _) = a.view.status.clone().expect("said");
    // t0 is 09:00 UTC: 16:00 at UTC+7, five minutes before now.
    assert!(
        text.contains("settled by hand at 16:00, 5 min ago: not charged"),
        "{text}"
    );
    assert!(!text.contains("T09:00"), "{text}");
}

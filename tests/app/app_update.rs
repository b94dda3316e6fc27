//! `App::update` driven as a user would: key strings and runtime actions in,
//! state and effects out. No terminal, no network.

use crate::common;

use common::*;
use otpdeck::app::popups::CommandLine;
use otpdeck::app::popups::ConfirmBuy;
use otpdeck::app::popups::ConfirmCancel;
use otpdeck::app::popups::Help;
use otpdeck::app::BookAction;
use otpdeck::app::Pane;
use otpdeck::app::{Action, AppSettings, Effect, Popup};
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use proptest::prelude::*;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::time::Duration;

#[test]
fn start_loads_every_balance_and_reconciles_every_account() {
    let (_, effects) = app_with(AppSettings::default());
    assert_eq!(effects.len(), 8);
    for name in ["gate", "nex", "zap", "pulsa"] {
        assert!(effects.contains(&Effect::LoadBalance {
            account: name.into()
        }));
        assert!(effects.contains(&Effect::Reconcile {
            account: name.into()
        }));
    }
}

#[test]
fn balances_and_errors_are_per_account() {
    let mut a = app();
    assert_eq!(
        a.total_balance(),
        Rupiah(150_000 + 2_450_000 + 125_500 + 1_000_000)
    );
    a.update(Action::BalanceLoaded {
        account: "nex".into(),
        result: Err(otpdeck::domain::ProviderError::Unauthorized(
            "key refused".into(),
        )),
        now: t0(),
    });
    let nex = a.account_of("nex").expect("nex");
    assert_eq!(
        nex.error.as_deref(),
        Some("the API key was refused: key refused")
    );
    assert_eq!(
        nex.balance,
        Some(Rupiah(2_450_000)),
        "an error keeps the last figure"
    );
    assert!(a.account_of("gate").expect("gate").error.is_none());
    // Unknown accounts are ignored, not a panic.
    a.update(Action::BalanceLoaded {
        account: "ghost".into(),
        result: Ok(Rupiah(1)),
        now: t0(),
    });
}

#[test]
fn expanding_loads_lazily_and_buying_asks_first() {
    let mut a = app();
    let fx = keys(&mut a, "<Enter>");
    assert_eq!(
        fx,
        vec![Effect::LoadServices {
            account: "gate".into()
        }]
    );
    a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Ok(services()),
        now: t0(),
    });
    let fx = keys(&mut a, "jjj<Enter>");
    assert_eq!(
        fx,
        vec![Effect::LoadCountries {
            account: "gate".into(),
            service_id: "14".into()
        }]
    );
    a.update(Action::CountriesLoaded {
        account: "gate".into(),
        service_id: "14".into(),
        result: Ok(countries()),
        now: t0(),
    });
    let fx = keys(&mut a, "j<Enter>");
    assert_eq!(
        fx,
        vec![Effect::LoadOffers {
            account: "gate".into(),
            service_id: "14".into(),
            country_id: Some("340437".into())
        }]
    );
    a.update(Action::OffersLoaded {
        account: "gate".into(),
        service_id: "14".into(),
        country_id: Some("340437".into()),
        result: Ok(offers()),
        now: t0(),
    });
    // Sorted by price: the sold-out Server 1 first; Enter on it explains.
    let fx = keys(&mut a, "j<Enter>");
    assert!(fx.is_empty());
    assert!(a.popup().is_none());
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("sold out")));
    // Server 3 at Rp 3.300: confirmation with the balance after it.
    keys(&mut a, "j<Enter>");
    match a.popup() {
        Some(Popup::ConfirmBuy(ConfirmBuy {
            request,
            balance_after,
            ..
        })) => {
            assert_eq!(request.price, Rupiah(3300));
            assert_eq!(request.offer_id, "340437:3837");
            assert_eq!(*balance_after, Some(Rupiah(150_000 - 3300)));
        }
        other => panic!("expected a buy confirmation, got {other:?}"),
    }
    let fx = keys(&mut a, "y");
    match fx.as_slice() {
        [Effect::Buy { account, request }] => {
            assert_eq!(account, "gate");
            assert_eq!(request.service_name, "WhatsApp");
            assert_eq!(request.country_id.as_deref(), Some("340437"));
        }
        other => panic!("expected one Buy, got {other:?}"),
    }
    assert_eq!(a.visible_pending().len(), 1, "shows buying… at once");
    assert_eq!(a.view.focus, Pane::Orders);
}

#[test]
fn esc_backs_out_of_a_buy() {
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    keys(&mut a, "jj<Enter>");
    assert!(matches!(
        a.popup(),
        Some(Popup::ConfirmBuy(ConfirmBuy { .. }))
    ));
    assert!(keys(&mut a, "<Esc>").is_empty());
    assert!(a.popup().is_none());
}

#[test]
fn each_buy_gets_its_own_key() {
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    let k1 = match keys(&mut a, "jj<Enter>y").pop() {
        Some(Effect::Buy { request, .. }) => request.idempotency_key,
        other => panic!("{other:?}"),
    };
    a.view.focus = Pane::Catalog;
    let k2 = match keys(&mut a, "<Enter>y").pop() {
        Some(Effect::Buy { request, .. }) => request.idempotency_key,
        other => panic!("{other:?}"),
    };
    assert_ne!(k1, k2);
}

#[test]
fn order_changes_arrive_out_of_order_and_for_unknown_orders() {
    let mut a = app();
    let mut o = order(7, "gate", ProviderKind::GateOtp, OrderStatus::Waiting, &[]);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    assert_eq!(a.book.orders.len(), 1, "an unknown id is inserted");
    o.status = OrderStatus::OtpReceived;
    o.otps = vec!["949708".into()];
    o.updated_at = t0() + chrono::Duration::seconds(10);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    // An older reply arriving late does not take the OTP away.
    let mut stale = o.clone();
    stale.status = OrderStatus::Waiting;
    stale.otps.clear();
    stale.updated_at = t0() + chrono::Duration::seconds(5);
    a.update(Action::Book(BookAction::OrderChanged(stale)));
    assert_eq!(a.book.orders[&7].status, OrderStatus::OtpReceived);
    assert_eq!(a.book.otp_log.len(), 1);
    assert_eq!(a.book.otp_log[0].code, "949708");
    // Final never goes back, even with a newer timestamp.
    let mut done = o.clone();
    done.status = OrderStatus::Cancelled;
    done.updated_at = t0() + chrono::Duration::seconds(20);
    a.update(Action::Book(BookAction::OrderChanged(done.clone())));
    let mut back = done.clone();
    back.status = OrderStatus::Waiting;
    back.updated_at = t0() + chrono::Duration::seconds(30);
    a.update(Action::Book(BookAction::OrderChanged(back)));
    assert_eq!(a.book.orders[&7].status, OrderStatus::Cancelled);
}

#[test]
fn placed_order_replaces_the_buying_row() {
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    let key = match keys(&mut a, "jj<Enter>y").pop() {
        Some(Effect::Buy { request, .. }) => request.idempotency_key,
        other => panic!("{other:?}"),
    };
    let mut o = order(1, "gate", ProviderKind::GateOtp, OrderStatus::Waiting, &[]);
    o.idempotency_key = key;
    let fx = a.update(Action::Book(BookAction::OrderChanged(o)));
    assert!(a.visible_pending().is_empty());
    assert!(
        fx.contains(&Effect::LoadBalance {
            account: "gate".into()
        }),
        "balance refreshes after a buy"
    );
}

#[test]
fn a_refused_buy_clears_the_buying_row_and_says_why() {
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    let key = match keys(&mut a, "jj<Enter>y").pop() {
        Some(Effect::Buy { request, .. }) => request.idempotency_key,
        other => panic!("{other:?}"),
    };
    a.update(Action::Book(BookAction::BuyFailed {
        account: "gate".into(),
        idempotency_key: key,
        error: "not enough balance".into(),
    }));
    assert!(a.visible_pending().is_empty());
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("not enough balance")));
}

#[test]
fn copy_keys_copy_the_otp_and_the_number() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        3,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::OtpReceived,
        &["111111", "222222"],
    ))));
    a.view.focus = Pane::Orders;
    assert_eq!(
        keys(&mut a, "c"),
        vec![Effect::Copy {
            text: "222222".into(),
            what: "OTP".into()
        }]
    );
    assert_eq!(
        keys(&mut a, "n"),
        vec![Effect::Copy {
            text: "+6281234567890".into(),
            what: "number".into()
        }]
    );
    a.update(Action::Copied {
        what: "OTP".into(),
        how: "OSC 52".into(),
    });
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("OSC 52")));
    a.update(Action::CopyFailed("no clipboard".into()));
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("no clipboard")));
    // From the OTP log too.
    a.view.focus = Pane::OtpLog;
    assert_eq!(
        keys(&mut a, "c"),
        vec![Effect::Copy {
            text: "222222".into(),
            what: "OTP".into()
        }]
    );
}

#[test]
fn cancel_asks_then_cancels_and_respects_cooldowns() {
    let mut a = app();
    // Bought three minutes ago: OTPZap's own two-minute wait is over.
    let mut o = order(4, "zap", ProviderKind::OtpZap, OrderStatus::Waiting, &[]);
    o.created_at = t0() - chrono::Duration::minutes(3);
    a.update(Action::Book(BookAction::OrderChanged(o)));
    a.view.focus = Pane::Orders;
    assert!(keys(&mut a, "x").is_empty());
    assert!(matches!(
        a.popup(),
        Some(Popup::ConfirmCancel(ConfirmCancel { order_id: 4 }))
    ));
    assert_eq!(
        keys(&mut a, "y"),
        vec![Effect::Order {
            op: OrderOp::Cancel,
            order_id: 4,
        }]
    );
    a.update(Action::Book(BookAction::ActionFailed {
        order_id: 4,
        op: Some(OrderOp::Cancel),
        error: "rate limited".into(),
        retry_after: Some(Duration::from_secs(87)),
        now: t0(),
    }));
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("87s")));
    assert!(
        keys(&mut a, "x").is_empty(),
        "cooldown: no confirmation yet"
    );
    assert!(a.popup().is_none());
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("cancelling in")));
}

#[test]
fn commands_only_where_the_api_has_them() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        5,
        "nex",
        ProviderKind::NexOtp,
        OrderStatus::OtpReceived,
        &["1234"],
    ))));
    a.view.focus = Pane::Orders;
    for k in ["r", "f", "R"] {
        assert!(keys(&mut a, k).is_empty(), "{k} on NEXOTP");
        assert!(a
            .view
            .status
            .as_ref()
            .is_some_and(|(s, _)| s.contains("NEXOTP has no")));
    }
    // A Server 1 order: OTPZap replaces only those.
    let mut six = order(
        6,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::OtpReceived,
        &["1234"],
    );
    six.offer_id = "s1:101".into();
    a.update(Action::Book(BookAction::OrderChanged(six)));
    // Newest first: order 6 is on top.
    assert_eq!(
        keys(&mut a, "r"),
        vec![Effect::Order {
            op: OrderOp::Resend,
            order_id: 6,
        }]
    );
    assert_eq!(
        keys(&mut a, "f"),
        vec![Effect::Order {
            op: OrderOp::Finish,
            order_id: 6,
        }]
    );
    assert_eq!(
        keys(&mut a, "R"),
        vec![Effect::Order {
            op: OrderOp::Replace,
            order_id: 6,
        }]
    );
}

#[test]
fn switching_accounts_filters_orders_and_otps() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::OtpReceived,
        &["1"],
    ))));
    a.update(Action::Book(BookAction::OrderChanged(order(
        2,
        "nex",
        ProviderKind::NexOtp,
        OrderStatus::OtpReceived,
        &["2"],
    ))));
    assert_eq!(a.visible_orders().len(), 2);
    keys(&mut a, "]");
    assert_eq!(a.active_name(), Some("gate"));
    assert_eq!(a.visible_orders().len(), 1);
    assert_eq!(a.visible_otps().len(), 1);
    keys(&mut a, "]");
    assert_eq!(a.active_name(), Some("nex"));
    keys(&mut a, "[[");
    assert_eq!(a.active_name(), None, "All accounts");
    // Picker: "All accounts" first, then each account.
    keys(&mut a, "ajjj<Enter>");
    assert_eq!(a.active_name(), Some("zap"));
    keys(&mut a, ":account nex<Enter>");
    assert_eq!(a.active_name(), Some("nex"));
    keys(&mut a, ":account all<Enter>");
    assert_eq!(a.active_name(), None);
    keys(&mut a, ":account nobody<Enter>");
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("nobody")));
}

#[test]
fn command_line_quits_completes_and_sets_themes() {
    let mut a = app();
    keys(&mut a, ":acc<Tab>z<Tab><Enter>");
    assert_eq!(a.active_name(), Some("zap"));
    assert!(keys(&mut a, ":theme light<Enter>").is_empty());
    assert_eq!(a.settings.theme, "light");
    assert!(keys(&mut a, ":theme neon<Enter>").is_empty());
    assert_eq!(keys(&mut a, ":q<Enter>"), vec![Effect::Quit]);
    assert!(a.view.quit);
}

#[test]
fn buy_command_walks_the_catalog() {
    let mut a = app();
    keys(&mut a, "]");
    assert_eq!(
        keys(&mut a, ":buy whatsapp indonesia<Enter>"),
        vec![Effect::LoadServices {
            account: "gate".into()
        }]
    );
    // Each level that arrives carries the command on: no need to re-type it.
    assert_eq!(
        a.update(Action::ServicesLoaded {
            account: "gate".into(),
            result: Ok(services()),
            now: t0(),
        }),
        vec![Effect::LoadCountries {
            account: "gate".into(),
            service_id: "14".into()
        }]
    );
    // Typing it again while a level loads sends no second request.
    assert!(keys(&mut a, ":buy whatsapp indonesia<Enter>").is_empty());
    assert_eq!(
        a.update(Action::CountriesLoaded {
            account: "gate".into(),
            service_id: "14".into(),
            result: Ok(countries()),
            now: t0(),
        }),
        vec![Effect::LoadOffers {
            account: "gate".into(),
            service_id: "14".into(),
            country_id: Some("340437".into()),
        }]
    );
    assert!(a.popup().is_none());
    a.update(Action::OffersLoaded {
        account: "gate".into(),
        service_id: "14".into(),
        country_id: Some("340437".into()),
        result: Ok(offers()),
        now: t0(),
    });
    match a.popup() {
        Some(Popup::ConfirmBuy(ConfirmBuy { request, what, .. })) => {
            assert_eq!(request.price, Rupiah(3300), "cheapest in stock");
            assert_eq!(what, "WhatsApp · Indonesia · Server 3");
        }
        other => panic!("{other:?}"),
    }
    assert!(a.catalog.pending_buy.is_none());
}

#[test]
fn buy_command_stops_when_a_level_fails_or_the_account_changes() {
    let mut a = app();
    keys(&mut a, "]:buy whatsapp indonesia<Enter>");
    let e = a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Err(otpdeck::domain::ProviderError::Unavailable {
            status: 503,
            message: "Service Unavailable".into(),
        }),
        now: t0(),
    });
    assert!(e.is_empty());
    assert!(a.catalog.pending_buy.is_none());
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains(":buy stopped")));
    // A load for another account does not drive gate's command.
    keys(&mut a, ":buy whatsapp indonesia<Enter>");
    assert!(a
        .update(Action::ServicesLoaded {
            account: "nex".into(),
            result: Ok(services()),
            now: t0(),
        })
        .is_empty());
    assert!(a.catalog.pending_buy.is_some());
    keys(&mut a, "]");
    assert!(
        a.catalog.pending_buy.is_none(),
        "switching accounts drops it"
    );
}

#[test]
fn completing_a_service_loads_the_catalog_first() {
    let mut a = app();
    keys(&mut a, "]");
    assert_eq!(
        keys(&mut a, ":buy wh<Tab>"),
        vec![Effect::LoadServices {
            account: "gate".into()
        }]
    );
    a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Ok(services()),
        now: t0(),
    });
    assert!(
        keys(&mut a, "<Tab>").is_empty(),
        "loaded: no second request"
    );
    match a.popup() {
        Some(Popup::CommandLine(CommandLine(input))) => assert_eq!(input.value(), "buy whatsapp "),
        other => panic!("{other:?}"),
    }
}

#[test]
fn command_line_completes_services_and_countries() {
    let mut a = app();
    keys(&mut a, "]");
    open_gate_whatsapp_indonesia(&mut a);
    keys(&mut a, ":buy wh<Tab>ind<Tab>");
    match a.popup() {
        Some(Popup::CommandLine(CommandLine(input))) => {
            assert_eq!(input.value(), "buy whatsapp indonesia ")
        }
        other => panic!("{other:?}"),
    }
    keys(&mut a, "<Esc>");
    // Several matches complete to what they share.
    let c = otpdeck::app::complete_command(&a, "buy whatsapp ");
    assert_eq!(c, "buy whatsapp ", "indonesia and malaysia share nothing");
    assert_eq!(otpdeck::app::complete_command(&a, "th"), "theme ");
    assert_eq!(otpdeck::app::complete_command(&a, "nope"), "nope");
}

#[test]
fn restored_orders_come_back_quietly() {
    let mut a = app();
    let mut old = order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Finished,
        &["1234"],
    );
    old.updated_at = t0() - chrono::Duration::hours(3);
    let mut cancelled = order(2, "nex", ProviderKind::NexOtp, OrderStatus::Cancelled, &[]);
    cancelled.updated_at = t0() - chrono::Duration::seconds(10);
    let active = order(3, "zap", ProviderKind::OtpZap, OrderStatus::Waiting, &[]);
    let status_before = a.view.status.clone();
    let effects = a.update(Action::Book(BookAction::Restored(vec![
        old,
        cancelled,
        active.clone(),
    ])));
    assert_eq!(
        effects,
        vec![Effect::Watch(active)],
        "only the active order is polled; no balance refresh per old order"
    );
    assert_eq!(a.view.status, status_before, "no messages for old news");
    let shown: Vec<i64> = a.visible_orders().iter().map(|o| o.id).collect();
    assert_eq!(
        shown,
        vec![3, 2],
        "an order finished hours ago does not linger"
    );
    // A live change after the restore is news again.
    let mut got = order(
        3,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::OtpReceived,
        &["777111"],
    );
    got.updated_at = t0() + chrono::Duration::seconds(5);
    a.update(Action::Book(BookAction::OrderChanged(got)));
    assert_eq!(
        a.book.otp_log.first().map(|o| o.code.as_str()),
        Some("777111")
    );
}

#[test]
fn poll_failures_show_and_unknown_orders_are_harmless() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    let e = a.update(Action::Book(BookAction::ActionFailed {
        order_id: 1,
        op: None,
        error: "HTTP 503 (retrying)".into(),
        retry_after: None,
        now: t0(),
    }));
    assert!(e.is_empty());
    let (text, level) = a.view.status.clone().expect("status");
    assert!(text.contains("status check failed") && text.contains("retrying"));
    assert_eq!(level, otpdeck::app::Level::Error);
    // A failure or a cooldown for an order the app never saw changes nothing else.
    for op in [Some(OrderOp::Cancel), None] {
        a.update(Action::Book(BookAction::ActionFailed {
            order_id: 99,
            op,
            error: "gone".into(),
            retry_after: Some(Duration::from_secs(30)),
            now: t0(),
        }));
    }
    assert_eq!(a.book.orders.len(), 1);
    assert_eq!(a.visible_orders().len(), 1);
}

#[test]
fn ctrl_c_quits_from_popups_and_the_filter() {
    for prefix in ["?", ":", "/wh", "a", ""] {
        let mut a = app();
        keys(&mut a, prefix);
        assert_eq!(
            keys(&mut a, "<C-c>"),
            vec![Effect::Quit],
            "after {prefix:?}"
        );
        assert!(a.view.quit);
    }
}

#[test]
fn hints_offer_order_commands_only_where_the_api_has_them() {
    let mut a = app();
    let hints = |a: &otpdeck::app::App| -> Vec<&'static str> {
        a.keymap
            .hints(&otpdeck::app::key_layers(a), |c| {
                otpdeck::app::command_applies(a, c)
            })
            .into_iter()
            .map(|(_, h)| h)
            .collect()
    };
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    keys(&mut a, "<Tab>");
    assert_eq!(a.view.focus, Pane::Orders);
    let h = hints(&a);
    assert!(h.contains(&"cancel") && h.contains(&"resend") && h.contains(&"finish"));
    assert!(!h.contains(&"replace"), "GateOTP has no replace: {h:?}");
    a.update(Action::Book(BookAction::OrderChanged(order(
        2,
        "nex",
        ProviderKind::NexOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    // Newest first: the NEXOTP order is selected.
    let h = hints(&a);
    assert!(h.contains(&"cancel") && !h.contains(&"resend") && !h.contains(&"finish"));
    assert!(h.contains(&"copy OTP"));
}

#[test]
fn filter_narrows_the_tree_and_sort_cycles() {
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    let all = otpdeck::app::catalog::rows(&a).len();
    keys(&mut a, "/tele");
    let rows = otpdeck::app::catalog::rows(&a);
    assert!(rows.len() < all);
    assert!(rows.iter().any(|r| r.label == "Telegram"));
    assert!(!rows.iter().any(|r| r.label == "WhatsApp"));
    keys(&mut a, "<Esc>");
    assert_eq!(otpdeck::app::catalog::rows(&a).len(), all);
    // Sort: price → stock → name.
    keys(&mut a, "s");
    let labels: Vec<String> = otpdeck::app::catalog::rows(&a)
        .into_iter()
        .filter(|r| r.label.starts_with("Server"))
        .map(|r| r.label)
        .collect();
    assert_eq!(labels, vec!["Server 3", "Server 5", "Server 1"]);
    keys(&mut a, "s");
    let labels: Vec<String> = otpdeck::app::catalog::rows(&a)
        .into_iter()
        .filter(|r| r.label.starts_with("Server"))
        .map(|r| r.label)
        .collect();
    assert_eq!(labels, vec!["Server 1", "Server 3", "Server 5"]);
}

#[test]
fn load_errors_show_in_the_tree_and_retry() {
    let mut a = app();
    keys(&mut a, "<Enter>");
    a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Err(otpdeck::domain::ProviderError::Unavailable {
            status: 503,
            message: "unavailable".into(),
        }),
        now: t0(),
    });
    let rows = otpdeck::app::catalog::rows(&a);
    assert!(rows
        .iter()
        .any(|r| r.label.contains("unavailable (HTTP 503): unavailable")));
    assert_eq!(
        keys(&mut a, "j<Enter>"),
        vec![Effect::LoadServices {
            account: "gate".into()
        }]
    );
}

#[test]
fn auto_copy_and_bell_on_a_new_otp() {
    let (mut a, _) = app_with(AppSettings {
        auto_copy: true,
        bell: true,
        ..Default::default()
    });
    a.update(Action::Book(BookAction::OrderChanged(order(
        9,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    let mut o = order(
        9,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::OtpReceived,
        &["555111"],
    );
    o.updated_at = t0() + chrono::Duration::seconds(3);
    let fx = a.update(Action::Book(BookAction::OrderChanged(o)));
    assert!(fx.contains(&Effect::Copy {
        text: "555111".into(),
        what: "OTP".into()
    }));
    assert!(fx.contains(&Effect::Bell));
}

#[test]
fn auto_cancel_fires_once_before_expiry() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        11,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    assert!(a
        .update(Action::Tick(t0() + chrono::Duration::minutes(10)))
        .is_empty());
    let near = t0() + chrono::Duration::minutes(19) + chrono::Duration::seconds(5);
    assert_eq!(
        a.update(Action::Tick(near)),
        vec![Effect::Order {
            op: OrderOp::Cancel,
            order_id: 11,
        }]
    );
    assert!(
        a.update(Action::Tick(near + chrono::Duration::seconds(1)))
            .is_empty(),
        "only once"
    );
    // Not for APIs without cancel, nor when turned off.
    a.update(Action::Book(BookAction::OrderChanged(order(
        12,
        "pulsa",
        ProviderKind::GoTopUp,
        OrderStatus::Waiting,
        &[],
    ))));
    assert!(a.update(Action::Tick(near)).is_empty());
    let (mut off, _) = app_with(AppSettings {
        auto_cancel_before: Duration::ZERO,
        ..Default::default()
    });
    off.update(Action::Book(BookAction::OrderChanged(order(
        13,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    assert!(off.update(Action::Tick(near)).is_empty());
}

#[test]
fn needs_tick_only_while_something_counts_down() {
    let mut a = app();
    assert!(!a.needs_tick());
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    assert!(a.needs_tick());
    let mut o = order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Finished,
        &["1"],
    );
    o.updated_at = t0() + chrono::Duration::seconds(1);
    a.update(Action::Book(BookAction::OrderChanged(o)));
    a.update(Action::Tick(t0() + chrono::Duration::minutes(2)));
    assert!(!a.needs_tick(), "final and past its linger time");
    assert!(a.visible_orders().is_empty(), "final rows leave the pane");
}

#[test]
fn otp_history_notice_and_resize() {
    let mut a = app();
    a.update(Action::Book(BookAction::OtpHistory(vec![Otp {
        order_id: 1,
        account: "gate".into(),
        service: "WhatsApp".into(),
        number: "+62812".into(),
        code: "949708".into(),
        received_at: t0(),
    }])));
    assert_eq!(a.visible_otps().len(), 1);
    a.update(Action::Notice("hello".into()));
    assert_eq!(a.view.status.as_ref().map(|s| s.0.as_str()), Some("hello"));
    a.update(Action::Resize(60, 20));
    assert_eq!(a.view.size, (60, 20));
}

#[test]
fn focus_help_and_quit_keys() {
    let mut a = app();
    assert_eq!(a.view.focus, Pane::Catalog);
    keys(&mut a, "<Tab>");
    assert_eq!(a.view.focus, Pane::Orders);
    keys(&mut a, "<S-Tab><S-Tab>");
    assert_eq!(a.view.focus, Pane::Balance);
    keys(&mut a, "?");
    assert!(matches!(a.popup(), Some(Popup::Help(Help { .. }))));
    keys(&mut a, "<Esc>");
    assert!(a.popup().is_none());
    assert_eq!(keys(&mut a, "<C-c>"), vec![Effect::Quit]);
}

#[test]
fn a_topup_asks_for_the_customer_number() {
    let mut a = app();
    keys(&mut a, "jjj<Enter>");
    a.update(Action::ServicesLoaded {
        account: "pulsa".into(),
        result: Ok(vec![Service {
            id: "pulsa:telkomsel".into(),
            name: "Pulsa Telkomsel".into(),
            category: None,
            path: Vec::new(),
        }]),
        now: t0(),
    });
    keys(&mut a, "j<Enter>");
    let offer = Offer {
        id: "TELKOMSEL10".into(),
        service_id: "pulsa:telkomsel".into(),
        country_id: None,
        label: "Pulsa Telkomsel 10.000".into(),
        price: Rupiah(10_500),
        stock: None,
        success_rate: None,
        operators: vec![],
        available: true,
    };
    a.update(Action::OffersLoaded {
        account: "pulsa".into(),
        service_id: "pulsa:telkomsel".into(),
        country_id: None,
        result: Ok(vec![offer]),
        now: t0(),
    });
    keys(&mut a, "j<Enter>");
    assert!(matches!(
        a.popup(),
        Some(Popup::ConfirmBuy(ConfirmBuy {
            customer: Some(_),
            ..
        }))
    ));
    assert!(keys(&mut a, "<Enter>").is_empty(), "no number yet");
    // Issue 11: an XL number for a Telkomsel product is refused before
    // sending, with the reason in the status bar (domain::customer_number).
    assert!(keys(&mut a, "081734567890<Enter>").is_empty());
    assert!(
        a.view
            .status
            .as_ref()
            .is_some_and(|(s, _)| s.contains("xl") && s.contains("telkomsel")),
        "{:?}",
        a.view.status
    );
    keys(&mut a, &"<BS>".repeat(12));
    match keys(&mut a, "0812-3456-7890<Enter>").pop() {
        Some(Effect::Buy { request, .. }) => {
            assert_eq!(request.customer_number.as_deref(), Some("081234567890"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn mouse_click_focuses_and_selects() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    a.update(Action::Book(BookAction::OrderChanged(order(
        2,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    let l = otpdeck::app::layout::compute(ratatui::layout::Rect::new(0, 0, 120, 40), 4)
        .expect("layout");
    let click = |x, y| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    };
    // Border, header row, then the second order.
    a.update(Action::Mouse(click(l.orders.x + 3, l.orders.y + 3), t0()));
    assert_eq!(a.view.focus, Pane::Orders);
    assert_eq!(a.sel(Pane::Orders), 1);
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: l.orders.x + 3,
        row: l.orders.y + 3,
        modifiers: KeyModifiers::NONE,
    };
    a.update(Action::Mouse(wheel, t0()));
    assert_eq!(a.sel(Pane::Orders), 0);
}

#[test]
fn key_overrides_and_their_problems() {
    let mut keys_map = std::collections::BTreeMap::new();
    keys_map.insert("cancel".to_string(), vec!["ctrl-x".to_string()]);
    keys_map.insert("warp".to_string(), vec!["w".to_string()]);
    let (mut a, _) = app_with(AppSettings {
        keys: keys_map,
        ..Default::default()
    });
    assert!(a.key_problems.iter().any(|p| p.contains("warp")));
    assert!(
        a.view
            .status
            .as_ref()
            .is_some_and(|(s, _)| s.contains("warp")),
        "problems are shown at start"
    );
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    a.view.focus = Pane::Orders;
    assert!(keys(&mut a, "x").is_empty());
    assert!(a.popup().is_none(), "x no longer cancels");
    a.update(Action::Key(
        KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL),
        t0(),
    ));
    assert!(matches!(
        a.popup(),
        Some(Popup::ConfirmCancel(ConfirmCancel { order_id: 1 }))
    ));
}

proptest! {
    // OTPDECK_FUZZ_CASES raises the count for the long runs in the README.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("OTPDECK_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
    ))]
    #[test]
    fn any_key_sequence_never_panics(seq in proptest::collection::vec(0usize..40, 0..60)) {
        let mut a = app();
        open_gate_whatsapp_indonesia(&mut a);
        a.update(Action::Book(BookAction::OrderChanged(order(1, "zap", ProviderKind::OtpZap, OrderStatus::OtpReceived, &["1"]))));
        let alphabet = ["j", "k", "h", "l", "<Enter>", "<Esc>", "<Tab>", "<S-Tab>", "/", "s", "c", "n", "x", "r", "f", "R", "]", "[", "a", ":", "?", "y", "<Up>", "<Down>", "<Left>", "<Right>", "<BS>", "g", "w", "1", "q", "z", "<lt>", " ", "0", "Q", "-", "#", "%", "é"];
        for i in seq {
            let k = alphabet[i % alphabet.len()];
            for ev in parse_keys(k) {
                step(&mut a, ev);
            }
            let backend = ratatui::backend::TestBackend::new(80, 24);
            let mut term = ratatui::Terminal::new(backend).expect("terminal");
            term.draw(|f| otpdeck::ui::draw(f, &a)).expect("draw");
        }
    }
}

/// Every key of a keyboard, with every modifier combination.
fn every_key() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
    codes.extend(['é', 'ß', '€', '中', '\u{0}', '\u{7f}'].map(KeyCode::Char));
    codes.extend((1..=24).map(KeyCode::F));
    codes.extend([
        KeyCode::Backspace,
        KeyCode::Enter,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::Null,
        KeyCode::CapsLock,
        KeyCode::ScrollLock,
        KeyCode::NumLock,
        KeyCode::PrintScreen,
        KeyCode::Pause,
        KeyCode::Menu,
        KeyCode::KeypadBegin,
    ]);
    let mods = [
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::SUPER,
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        KeyModifiers::ALT | KeyModifiers::SHIFT,
        KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT,
    ];
    codes
        .iter()
        .flat_map(|c| mods.iter().map(move |m| KeyEvent::new(*c, *m)))
        .collect()
}

/// What must hold after every step, whatever the input: every selection
/// is on a row (or 0 in an empty list), the focus is on a drawn pane, and
/// the popups are a stack whose top takes the keys.
fn check_invariants(a: &otpdeck::app::App) {
    for p in Pane::ALL {
        let len = otpdeck::app::panes::pane_len(a, p);
        let sel = a.sel(p);
        assert!(sel < len.max(1), "{p:?}: selection {sel} of {len} rows");
    }
    let area = ratatui::layout::Rect::new(0, 0, a.view.size.0, a.view.size.1);
    if let Some(l) = otpdeck::app::layout::compute(area, a.accounts.len()) {
        let r = l.pane(a.view.focus);
        assert!(
            r.width > 0 && r.height > 0,
            "focus on {:?}, not drawn",
            a.view.focus
        );
    }
    assert!(
        a.view.popups.len() <= 8,
        "popups pile up: {}",
        a.view.popups.len()
    );
}

/// Sends one key and checks the invariants, and that Esc (the default
/// dismiss key) closed exactly the top popup.
fn step(a: &mut otpdeck::app::App, k: KeyEvent) {
    let before = a.view.popups.len();
    let filtering = a.view.filtering;
    a.update(Action::Key(k, t0()));
    if k.code == KeyCode::Esc && k.modifiers.is_empty() && before > 0 {
        assert_eq!(
            a.view.popups.len(),
            before - 1,
            "Esc closes the top popup only"
        );
    }
    if k.code == KeyCode::Esc && k.modifiers.is_empty() && before == 0 && filtering {
        assert!(!a.view.filtering, "Esc leaves the filter");
    }
    check_invariants(a);
}

fn draw_at(a: &otpdeck::app::App, w: u16, h: u16) {
    let backend = ratatui::backend::TestBackend::new(w, h);
    let mut term = ratatui::Terminal::new(backend).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, a)).expect("draw");
}

/// Every key on the keyboard in every pane and every popup, each followed by
/// a frame at a normal, a stacked and a too-small size: never a panic.
#[test]
fn every_key_in_every_pane_and_popup() {
    let setups = [
        "",
        "<Tab>",
        "<Tab><Tab>",
        "<Tab><Tab><Tab>",
        "/",
        "?",
        ":",
        "a",
        "jj<Enter>",
        "<Tab>jx",
        "<Tab>u",
        "<Tab>u12",
    ];
    let keys_all = every_key();
    for setup in setups {
        for (n, k) in keys_all.iter().enumerate() {
            let mut a = app();
            open_gate_whatsapp_indonesia(&mut a);
            a.update(Action::Book(BookAction::OrderChanged(order(
                1,
                "zap",
                ProviderKind::OtpZap,
                OrderStatus::OtpReceived,
                &["1"],
            ))));
            // An UNKNOWN order, newest first, for the settle popup.
            let mut lost = order(2, "gate", ProviderKind::GateOtp, OrderStatus::Unknown, &[]);
            lost.provider_order_id = None;
            a.update(Action::Book(BookAction::OrderChanged(lost)));
            a.update(Action::Book(BookAction::OtpHistory(vec![Otp {
                order_id: 1,
                account: "zap".into(),
                service: "WhatsApp".into(),
                number: "+62812".into(),
                code: "1".into(),
                received_at: t0(),
            }])));
            keys(&mut a, setup);
            step(&mut a, *k);
            // Drawing every combination at three sizes costs too much in a
            // debug build; every 7th covers each key at some size.
            if n % 7 == 0 {
                for (w, h) in [(80, 24), (39, 12), (1, 1)] {
                    draw_at(&a, w, h);
                }
            } else {
                draw_at(&a, 60, 20);
            }
        }
    }
}

fn arb_key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        (1u8..=24).prop_map(KeyCode::F),
        (0usize..every_key().len()).prop_map(|i| every_key()[i].code),
    ];
    let mods = (0u8..16).prop_map(KeyModifiers::from_bits_truncate);
    (code, mods).prop_map(|(c, m)| KeyEvent::new(c, m))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("OTPDECK_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(100)
    ))]
    /// Arbitrary keys (any char, any modifiers), mouse events and resizes.
    #[test]
    fn any_input_at_any_size_never_panics(
        seq in proptest::collection::vec(arb_key(), 0..40),
        mouse in proptest::collection::vec((0u16..130, 0u16..45, 0u8..3), 0..10),
        size in (1u16..140, 1u16..50),
    ) {
        let mut a = app();
        open_gate_whatsapp_indonesia(&mut a);
        a.update(Action::Resize(size.0, size.1));
        for k in seq {
            step(&mut a, k);
            draw_at(&a, size.0, size.1);
        }
        for (x, y, k) in mouse {
            let kind = [
                MouseEventKind::Down(MouseButton::Left),
                MouseEventKind::ScrollDown,
                MouseEventKind::ScrollUp,
            ][k as usize];
            a.update(Action::Mouse(
                MouseEvent { kind, column: x, row: y, modifiers: KeyModifiers::NONE },
                t0(),
            ));
            check_invariants(&a);
            draw_at(&a, size.0, size.1);
        }
    }
}

#[test]
fn resend_waits_for_the_lock_the_api_gave() {
    let mut a = app();
    let mut o = order(
        1,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::OtpReceived,
        &["1"],
    );
    o.resend_count = Some(1);
    o.resend_locked_until = Some(t0() + chrono::Duration::seconds(45));
    a.update(Action::Book(BookAction::OrderChanged(o)));
    keys(&mut a, "<Tab>");
    assert!(keys(&mut a, "r").is_empty());
    let (text, _) = a.view.status.clone().expect("status");
    assert!(text.contains("another SMS in 45s"), "{text}");
    a.update(Action::Tick(t0() + chrono::Duration::seconds(46)));
    // The lock has passed but the resend's OTP has not come: OTPZap gates
    // per OTP, so still refused, with the reason.
    assert!(keys(&mut a, "r").is_empty());
    let (text, _) = a.view.status.clone().expect("status");
    assert!(text.contains("has not arrived yet"), "{text}");
    let mut o = order(
        1,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::OtpReceived,
        &["1", "2"],
    );
    o.resend_count = Some(1);
    a.update(Action::Book(BookAction::OrderChanged(o)));
    assert_eq!(
        keys(&mut a, "r"),
        vec![Effect::Order {
            op: OrderOp::Resend,
            order_id: 1,
        }]
    );
}

#[test]
fn otpzap_cancel_waits_out_its_two_minutes_before_asking() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::Waiting,
        &[],
    ))));
    keys(&mut a, "<Tab>");
    a.update(Action::Tick(t0() + chrono::Duration::seconds(30)));
    assert!(keys(&mut a, "x").is_empty());
    assert!(a.popup().is_none(), "no confirmation inside the cooldown");
    let (text, _) = a.view.status.clone().expect("status");
    assert!(text.contains("allows cancelling in 90s"), "{text}");
    a.update(Action::Tick(t0() + chrono::Duration::seconds(121)));
    keys(&mut a, "x");
    assert!(matches!(
        a.popup(),
        Some(Popup::ConfirmCancel(ConfirmCancel { order_id: 1 }))
    ));
}

#[test]
fn buy_and_completion_take_names_with_spaces() {
    let mut a = app();
    keys(&mut a, "]]]"); // zap
    assert_eq!(a.active_name(), Some("zap"));
    keys(&mut a, "<Enter>");
    let svc = |id: &str, name: &str| Service {
        id: id.into(),
        name: name.into(),
        category: None,
        path: Vec::new(),
    };
    a.update(Action::ServicesLoaded {
        account: "zap".into(),
        result: Ok(vec![
            svc("s1:1", "WhatsApp"),
            svc("s2:509", "WhatsApp + Telegram (multiservice)"),
            svc("sp:901", "WhatsApp Special ID (special)"),
        ]),
        now: t0(),
    });
    // Three names share "whatsapp": Tab completes that far and lists them;
    // a second Tab takes the exact name.
    keys(&mut a, ":buy wh<Tab>");
    match a.popup() {
        Some(Popup::CommandLine(CommandLine(i))) => assert_eq!(i.value(), "buy whatsapp"),
        other => panic!("{other:?}"),
    }
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("whatsapp special id (special)")));
    keys(&mut a, "<Tab>");
    match a.popup() {
        Some(Popup::CommandLine(CommandLine(i))) => assert_eq!(i.value(), "buy whatsapp "),
        other => panic!("{other:?}"),
    }
    keys(&mut a, "<Esc>");
    // A service whose name has spaces, then a country.
    let e = keys(
        &mut a,
        ":buy whatsapp special id (special) indonesia<Enter>",
    );
    assert_eq!(
        e,
        vec![Effect::LoadCountries {
            account: "zap".into(),
            service_id: "sp:901".into()
        }]
    );
    a.update(Action::CountriesLoaded {
        account: "zap".into(),
        service_id: "sp:901".into(),
        result: Ok(countries()),
        now: t0(),
    });
    // Completion now offers that service's countries.
    assert_eq!(
        otpdeck::app::complete_command(&a, "buy whatsapp special id (special) ma"),
        "buy whatsapp special id (special) malaysia "
    );
}

#[test]
fn tab_loads_countries_and_a_country_may_be_a_unique_prefix() {
    let mut a = app();
    keys(&mut a, "]<Enter>");
    a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Ok(services()),
        now: t0(),
    });
    assert_eq!(
        keys(&mut a, ":buy whatsapp <Tab>"),
        vec![Effect::LoadCountries {
            account: "gate".into(),
            service_id: "14".into()
        }]
    );
    a.update(Action::CountriesLoaded {
        account: "gate".into(),
        service_id: "14".into(),
        result: Ok(countries()),
        now: t0(),
    });
    keys(&mut a, "<Esc>");
    assert_eq!(
        keys(&mut a, ":buy whatsapp indo<Enter>"),
        vec![Effect::LoadOffers {
            account: "gate".into(),
            service_id: "14".into(),
            country_id: Some("340437".into()),
        }]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("OTPDECK_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200)
    ))]
    /// Any text on the command line (any Unicode, names with odd case
    /// folding), completed with Tab and run with Enter, never panics.
    #[test]
    fn any_command_line_never_panics(
        head in prop_oneof![Just("buy "), Just("account "), Just("theme "), Just("")],
        text in "\\PC{0,24}",
        tabs in 0usize..3,
    ) {
        let mut a = app();
        keys(&mut a, "]");
        open_gate_whatsapp_indonesia(&mut a);
        keys(&mut a, ":");
        for c in format!("{head}{text}").chars() {
            a.update(Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), t0()));
        }
        for _ in 0..tabs {
            keys(&mut a, "<Tab>");
        }
        let _ = otpdeck::app::complete_command(&a, &format!("buy whatsapp {text}"));
        keys(&mut a, "<Enter>");
        draw_at(&a, 80, 24);
    }
}

/// Issue 11: `c` on a finished top-up copies its SN (a PLN token), even
/// when the SN came without an OTP entry.
#[test]
fn c_on_a_finished_topup_copies_the_sn() {
    let mut a = app();
    let mut o = order(
        9,
        "pulsa",
        ProviderKind::GoTopUp,
        OrderStatus::Finished,
        &[],
    );
    o.sn = Some("12345678901234567890".into());
    a.update(Action::Book(BookAction::OrderChanged(o)));
    a.view.focus = Pane::Orders;
    assert_eq!(
        keys(&mut a, "c"),
        vec![Effect::Copy {
            text: "12345678901234567890".into(),
            what: "SN".into()
        }]
    );
    // A top-up whose SN arrives as its code is announced as an SN.
    let mut o = order(
        10,
        "pulsa",
        ProviderKind::GoTopUp,
        OrderStatus::Waiting,
        &[],
    );
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    o.status = OrderStatus::Finished;
    o.otps = vec!["5555".into()];
    o.updated_at = t0() + chrono::Duration::seconds(3);
    a.update(Action::Book(BookAction::OrderChanged(o)));
    let text = a.view.status.clone().map(|(t, _)| t).unwrap_or_default();
    assert!(text.starts_with("SN 5555"), "{text}");
}

/// A message goes once it is old: news after 30 s, a failure after 5
/// minutes, so neither sits under later screens.
#[test]
fn status_messages_leave_once_old() {
    let mut a = app();
    a.update(Action::Copied {
        what: "OTP".into(),
        how: "OSC 52".into(),
    });
    a.update(Action::Tick(t0() + chrono::Duration::seconds(20)));
    assert!(a.view.status.is_some(), "still news at 20 s");
    a.update(Action::Tick(t0() + chrono::Duration::seconds(40)));
    assert!(a.view.status.is_none(), "gone at 40 s");
    a.update(Action::CopyFailed("no clipboard".into()));
    a.update(Action::Tick(t0() + chrono::Duration::seconds(200)));
    assert!(a.view.status.is_some(), "a failure stays longer");
    a.update(Action::Tick(t0() + chrono::Duration::seconds(400)));
    assert!(a.view.status.is_none(), "but not for ever");
}

/// Home, End, PageDown/Ctrl-d and PageUp/Ctrl-u move through a pane's
/// list as in lazygit, a page being the 17 rows the orders pane shows at
/// 120×40.
#[test]
fn lists_page_and_jump() {
    let mut a = app();
    for id in 1..=25 {
        a.update(Action::Book(BookAction::OrderChanged(order(
            id,
            "nex",
            ProviderKind::NexOtp,
            OrderStatus::Waiting,
            &[],
        ))));
    }
    a.view.focus = Pane::Orders;
    keys(&mut a, "<End>");
    assert_eq!(a.sel(Pane::Orders), 24);
    keys(&mut a, "<Home>");
    assert_eq!(a.sel(Pane::Orders), 0);
    keys(&mut a, "<PageDown>");
    assert_eq!(a.sel(Pane::Orders), 17);
    keys(&mut a, "<C-d>");
    assert_eq!(a.sel(Pane::Orders), 24, "stops at the last row");
    keys(&mut a, "<C-u>");
    assert_eq!(a.sel(Pane::Orders), 7);
    keys(&mut a, "<PageUp>");
    assert_eq!(a.sel(Pane::Orders), 0, "stops at the first row");
}

/// `/` in another pane starts the catalog filter: the letters typed next
/// filter, they do not run the orders pane's commands (x would cancel).
#[test]
fn slash_anywhere_filters_and_never_drops_the_letters() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "nex",
        ProviderKind::NexOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    a.view.focus = Pane::Orders;
    let fx = keys(&mut a, "/x");
    assert!(a.view.filtering && a.view.focus == Pane::Catalog);
    assert_eq!(a.view.filter.value(), "x");
    assert!(a.view.popups.is_empty(), "no cancel confirmation opened");
    assert!(!fx.iter().any(|e| matches!(e, Effect::Order { .. })));
}

/// The OTP log's header names only the columns its rows show: where the
/// account gives way to a whole number (80×24), the header has no
/// "account" over the number; where there is room (140×40), both.
#[test]
fn the_otp_log_header_names_the_columns_its_rows_show() {
    for (w, h, account_shown) in [(80, 24, false), (140, 40, true)] {
        let mut a = app();
        a.update(Action::Book(BookAction::OrderChanged(order(
            1,
            "gate",
            ProviderKind::GateOtp,
            OrderStatus::OtpReceived,
            &["157583"],
        ))));
        let s = screen(&mut a, w, h);
        let lines: Vec<&str> = s.lines().collect();
        let head_at = lines
            .iter()
            .position(|l| l.contains("time     code"))
            .unwrap_or_else(|| panic!("no log header:\n{s}"));
        let (head, row) = (lines[head_at], lines[head_at + 1]);
        assert!(
            row.contains("157583") && row.contains("+6281234567890"),
            "{s}"
        );
        assert_eq!(
            head.contains("account"),
            account_shown,
            "{w}×{h}:\n{head}\n{row}"
        );
        assert_eq!(
            row.contains("gate"),
            account_shown,
            "{w}×{h}:\n{head}\n{row}"
        );
        // The number starts under its title.
        let x = |l: &str, t: &str| l.find(t).map(|b| l[..b].chars().count());
        assert_eq!(x(head, "number"), x(row, "+62"), "{w}×{h}:\n{head}\n{row}");
    }
}

/// A status message wider than the screen is never cut: it goes on over
/// the hints line, which keeps `? help` and `q quit`.
#[test]
fn a_long_status_message_wraps_onto_the_hints_line() {
    let mut a = app();
    let text = "Bought WhatsApp +62 812 5443 5761 for Rp 3.300 on gateotp-main; \
                waiting for the SMS";
    a.set_status(text, otpdeck::app::Level::Ok);
    let s = screen(&mut a, 80, 24);
    let lines: Vec<&str> = s.lines().collect();
    let (one, two) = (lines[22], lines[23]);
    let shown = format!("{} {}", one.trim(), two.trim());
    assert!(shown.starts_with(text), "cut:\n{one}\n{two}");
    assert!(two.contains("? help") && two.contains("q quit"), "{two}");
    // A short one leaves the hints line to the hints.
    a.set_status("Sorted by price", otpdeck::app::Level::Info);
    let s = screen(&mut a, 80, 24);
    assert!(s.lines().nth(23).is_some_and(|l| l.contains("Tab")), "{s}");
}

/// The empty orders pane's hint reads whole at 80×24 (wrapped, not cut).
#[test]
fn the_empty_orders_hint_is_whole_at_80x24() {
    let mut a = app();
    let s = screen(&mut a, 80, 24);
    let words: String = s
        .lines()
        .filter_map(|l| l.split('│').nth(3))
        .map(|l| l.trim().to_string() + " ")
        .collect();
    assert!(
        words.contains("No active orders. Pick an offer in the catalog and press Enter."),
        "{s}"
    );
}

/// A top-up's 20-digit token in the OTP log: the code column is as wide
/// as the token, so the number still starts under its title.
#[test]
fn a_long_token_widens_the_log_code_column() {
    let mut a = app();
    let mut o = order(
        3,
        "pulsa",
        ProviderKind::GoTopUp,
        OrderStatus::Finished,
        &[],
    );
    o.otps = vec!["93231984852568911860".into()];
    o.number = Some("532100012345".into());
    a.update(Action::Book(BookAction::OrderChanged(o)));
    for (w, h) in [(80, 24), (140, 40)] {
        let s = screen(&mut a, w, h);
        let lines: Vec<&str> = s.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains("time     code"))
            .expect("log header");
        let (head, row) = (lines[at], lines[at + 1]);
        assert!(
            row.contains("93231984852568911860"),
            "{w}×{h}\n{head}\n{row}"
        );
        let x = |l: &str, t: &str| l.find(t).map(|b| l[..b].chars().count());
        assert_eq!(
            x(head, "number"),
            x(row, "532100012345"),
            "{w}×{h}\n{head}\n{row}"
        );
    }
}

/// Where the OTP log has the room (140×40), an account name longer than
/// ten columns is whole, not cut in the middle.
#[test]
fn the_otp_log_shows_a_long_account_name_whole_where_it_fits() {
    let (mut a, _) = otpdeck::app::App::new(
        vec![otpdeck::app::AccountInfo {
            name: "gotopup-main".into(),
            kind: ProviderKind::OtpZap,
            caps: caps(ProviderKind::OtpZap),
            seller: false,
        }],
        AppSettings::default(),
        t0(),
    );
    a.update(Action::Book(BookAction::OrderChanged(order(
        1,
        "gotopup-main",
        ProviderKind::OtpZap,
        OrderStatus::OtpReceived,
        &["157583"],
    ))));
    let s = screen(&mut a, 140, 40);
    let row = s
        .lines()
        .find(|l| l.contains("157583") && l.contains("09:00:00"))
        .unwrap_or_else(|| panic!("no log row:\n{s}"));
    assert!(row.contains("gotopup-main"), "{row}");
}

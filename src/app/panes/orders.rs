//! The orders pane's keys: copy the selected order's OTP or number, and
//! the order operations (cancel asks first), offered only where the
//! order's API has them.

use crate::app::keymap::Cmd;
use crate::app::panes::Pane;
use crate::app::popups::ConfirmCancel;
use crate::app::popups::DepositQr;
use crate::app::popups::Popup;
use crate::app::popups::Settle;
use crate::app::{App, Effect, Level};
use crate::domain::{Order, OrderOp, OrderStatus};

pub fn run(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    match cmd {
        Cmd::CopyOtp => copy(app, true),
        Cmd::CopyNumber => copy(app, false),
        Cmd::Settle => settle(app),
        Cmd::EmailDetail => {
            let sel = selected_order(app).map(|o| (o.id, crate::app::email::is_email(o)));
            app.open_email_detail(sel)
        }
        _ => match op_of(cmd) {
            Some(op) => order_op(app, op),
            None => Vec::new(),
        },
    }
}

/// The order operation a command stands for.
pub fn op_of(cmd: Cmd) -> Option<OrderOp> {
    match cmd {
        Cmd::Order(op) => Some(op),
        _ => None,
    }
}

/// The order under the cursor in the orders pane (pending rows come first
/// and have no order yet).
pub fn selected_order(app: &App) -> Option<&Order> {
    let i = app
        .sel(Pane::Orders)
        .checked_sub(app.visible_pending().len())?;
    app.visible_orders().get(i).copied()
}

/// Whether `cmd` can do anything for the selection: the order commands
/// only on an active order whose account's API has them. Other commands
/// always.
pub fn applies(app: &App, cmd: Cmd) -> bool {
    if cmd == Cmd::Webhook {
        return crate::app::popups::webhook::applies(app);
    }
    if let Some(on_tab) = crate::app::views::seller::applies(app, cmd) {
        return on_tab;
    }
    if cmd == Cmd::CancelDeposit {
        return crate::app::popups::deposits::cancel_applies(app);
    }
    if cmd == Cmd::Settle {
        return selected_order(app).is_some_and(|o| o.status == OrderStatus::Unknown);
    }
    if cmd == Cmd::EmailDetail {
        return selected_order(app).is_some_and(crate::app::email::is_email);
    }
    let Some(op) = op_of(cmd) else {
        return true;
    };
    selected_order(app)
        .filter(|o| o.status.is_active())
        // Email rows: cancel before a message, finish and reorder after.
        .filter(|o| !crate::app::email::is_email(o) || crate::app::email::refuse(o, op).is_none())
        .is_some_and(|o| {
            app.account_of(&o.account)
                .is_some_and(|a| op.offered_for(&a.info.caps, o))
        })
}

/// The status-bar word for a hinted command on the selection: `r` on an
/// email row buys a fresh inbox ("reorder"), not another SMS.
pub fn hint_word(app: &App, hint: &'static str) -> &'static str {
    if hint == "resend" && selected_order(app).is_some_and(crate::app::email::is_email) {
        return "reorder";
    }
    if hint == "copy OTP"
        && matches!(
            app.view.popups.last(),
            Some(Popup::DepositQr(DepositQr { .. }))
        )
    {
        return "copy payment code";
    }
    // A sale's code in the seller view is its SN.
    if hint == "copy OTP" && matches!(app.view.popups.last(), Some(Popup::Seller(_))) {
        return "copy SN";
    }
    // A top-up's result is its SN (a PLN token), not an OTP.
    if hint == "copy OTP"
        && app.view.popups.is_empty()
        && app.view.focus == crate::app::Pane::Orders
        && selected_order(app).is_some_and(|o| crate::domain::order_ops::code_name(o) == "SN")
    {
        return "copy SN";
    }
    // `w` opens a GoTopUp account's API settings, not a webhook form.
    if hint == "webhook"
        && crate::app::popups::webhook::chosen_kind(app)
            == Some(crate::domain::ProviderKind::GoTopUp)
    {
        return "API settings";
    }
    hint
}

/// "I checked the provider" on an UNKNOWN order: the popup asks which.
fn settle(app: &mut App) -> Vec<Effect> {
    match selected_order(app) {
        Some(o) if o.status == OrderStatus::Unknown => {
            let order_id = o.id;
            app.open(Popup::Settle(Settle {
                order_id,
                number: tui_input::Input::default(),
            }));
        }
        Some(o) => {
            let (id, status) = (o.id, o.status);
            app.set_status(
                format!("Order #{id} is {status}: only an UNKNOWN order needs settling"),
                Level::Warn,
            );
        }
        None => app.set_status("Select an UNKNOWN order first", Level::Warn),
    }
    Vec::new()
}

fn copy(app: &mut App, otp: bool) -> Vec<Effect> {
    // A top-up's SN (a PLN token) is what the customer needs: copied when
    // the row has no OTP of its own.
    let order = selected_order(app);
    let name = order.map_or("OTP", crate::domain::order_ops::code_name);
    let found = order.map(|o| {
        (
            o.latest_otp().map(str::to_string).or_else(|| o.sn.clone()),
            o.number.clone(),
        )
    });
    let fx = copy_effect(app, found, otp);
    // The copy is named for what it is: a top-up's SN, not an OTP.
    fx.into_iter()
        .map(|e| match e {
            Effect::Copy { text, what } if otp => Effect::Copy {
                text,
                what: if what == "OTP" { name.into() } else { what },
            },
            other => other,
        })
        .collect()
}

/// Copies the OTP (or the number) of the selected row, or says why not.
/// `found` is the row's code and number; None: no row is selected.
pub fn copy_effect(
    app: &mut App,
    found: Option<(Option<String>, Option<String>)>,
    otp: bool,
) -> Vec<Effect> {
    let Some((code, number)) = found else {
        app.set_status("Nothing selected to copy", Level::Warn);
        return Vec::new();
    };
    let (text, what) = if otp {
        (code, "OTP")
    } else {
        (number, "number")
    };
    match text.filter(|t| !t.is_empty()) {
        Some(text) => vec![Effect::Copy {
            text,
            what: what.into(),
        }],
        None => {
            app.set_status(format!("No {what} yet for this order"), Level::Warn);
            Vec::new()
        }
    }
}

fn order_op(app: &mut App, op: OrderOp) -> Vec<Effect> {
    let Some(o) = selected_order(app) else {
        app.set_status("Select an order first", Level::Warn);
        return Vec::new();
    };
    let (id, status) = (o.id, o.status);
    let gate = crate::domain::order_ops::resend_gate(o, app.now);
    let Some(acc) = app.account_of(&o.account) else {
        return Vec::new();
    };
    if !op.offered_by(&acc.info.caps) {
        let kind = acc.info.kind.display_name();
        app.set_status(format!("{kind} has no {op} for orders"), Level::Warn);
        return Vec::new();
    }
    if !op.offered_for(&acc.info.caps, o) {
        app.set_status(
            format!("#{id}: {op} is for Server 1 orders only (OTPZap)"),
            Level::Warn,
        );
        return Vec::new();
    }
    if status.is_final() || matches!(status, OrderStatus::Buying | OrderStatus::Unknown) {
        app.set_status(
            format!("Order #{id} is {status}: nothing to {op}"),
            Level::Warn,
        );
        return Vec::new();
    }
    let email_refusal = selected_order(app)
        .filter(|o| crate::app::email::is_email(o))
        .and_then(|o| crate::app::email::refuse(o, op));
    if let Some(why) = email_refusal {
        app.set_status(why, Level::Warn);
        return Vec::new();
    }
    match op {
        OrderOp::Cancel => {
            if let Some(until) = app.cancel_allowed_at(id).filter(|t| *t > app.now) {
                let left = (until - app.now).num_seconds().max(1);
                app.set_status(
                    format!("#{id}: the provider allows cancelling in {left}s"),
                    Level::Warn,
                );
                return Vec::new();
            }
            app.open(Popup::ConfirmCancel(ConfirmCancel { order_id: id }));
            Vec::new()
        }
        OrderOp::Resend => {
            if let Err(why) = gate {
                app.set_status(why, Level::Warn);
                return Vec::new();
            }
            vec![Effect::Order { op, order_id: id }]
        }
        OrderOp::Finish | OrderOp::Replace => vec![Effect::Order { op, order_id: id }],
    }
}

//! The deposits list and a deposit's QR code: Enter shows the code of a
//! pending deposit, `x` cancels one where the API allows it.

use crate::domain::Deposit;
use crate::app::keymap::Cmd;
use crate::app::popups::DepositQr;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect, Level};
use crate::domain::{deposit_rules, DepositStatus};

#[derive(Debug, Clone)]
pub struct Deposits {
    pub selected: usize,
}

/// Deposits newest first, of the account shown (all with "All").
pub fn visible(app: &App) -> Vec<&Deposit> {
    app.book
        .deposits
        .values()
        .rev()
        .filter(|d| app.active_name().is_none_or(|n| n == d.account))
        .collect()
}

/// Whether `x` can cancel the deposit the top popup is about (the QR's,
/// or the list's selected one): pending, on an API that cancels. The
/// hints offer `x` only then.
pub fn cancel_applies(app: &App) -> bool {
    let id = match app.view.popups.last() {
        Some(Popup::DepositQr(DepositQr { id })) => Some(*id),
        Some(Popup::Deposits(Deposits { selected })) => {
            visible(app).get(*selected).map(|d| d.id)
        }
        _ => None,
    };
    id.and_then(|id| app.book.deposits.get(&id)).is_some_and(|d| {
        d.status == DepositStatus::Pending && deposit_rules(d.provider).is_some_and(|r| r.cancel)
    })
}

/// The list's box on a screen `screen_h` rows high, for `len` deposits:
/// its height and how many rows it shows (the header, the keys line and the
/// borders take four).
pub fn list_height(len: usize, screen_h: u16) -> (u16, usize) {
    let h = (len as u16).saturating_add(4).clamp(5, screen_h.max(5));
    (h, (h as usize).saturating_sub(4).max(1))
}

pub fn list_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let ids: Vec<i64> = visible(app).iter().map(|d| d.id).collect();
    let (_, page) = list_height(ids.len(), app.view.size.1);
    let Some(Popup::Deposits(Deposits { selected })) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    if let Some(to) = list_move(cmd, *selected, ids.len(), page) {
        *selected = to;
        return Vec::new();
    }
    match cmd {
        Some(Cmd::Confirm) => {
            let Some(id) = ids.get(*selected).copied() else {
                return Vec::new();
            };
            let has_code = app
                .book
                .deposits
                .get(&id)
                .is_some_and(|d| d.payment.is_some());
            if has_code {
                app.open(Popup::DepositQr(DepositQr { id }));
            } else {
                app.set_status(
                    format!("Deposit #{id} has no code to pay with"),
                    Level::Info,
                );
            }
        }
        Some(Cmd::CancelDeposit) => {
            if let Some(id) = ids.get(*selected).copied() {
                return cancel(app, id);
            }
        }
        _ => {}
    }
    Vec::new()
}

pub fn qr_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    match (cmd, app.view.popups.last()) {
        (Some(Cmd::CancelDeposit), Some(Popup::DepositQr(DepositQr { id }))) => {
            let id = *id;
            cancel(app, id)
        }
        // The code as text (a payment page's address, a QRIS payload, a
        // wallet address): one line on the clipboard, where the screen may
        // have wrapped it.
        (Some(Cmd::CopyOtp), Some(Popup::DepositQr(DepositQr { id }))) => {
            match app.book.deposits.get(id).and_then(|d| d.payment.clone()) {
                Some(text) => vec![Effect::Copy {
                    text,
                    what: "payment code".into(),
                }],
                None => {
                    app.set_status("This deposit has no payment code", Level::Info);
                    Vec::new()
                }
            }
        }
        _ => Vec::new(),
    }
}

fn cancel(app: &mut App, id: i64) -> Vec<Effect> {
    let Some(d) = app.book.deposits.get(&id) else {
        return Vec::new();
    };
    if !deposit_rules(d.provider).is_some_and(|r| r.cancel) {
        let name = d.provider.display_name();
        app.set_status(
            format!("{name} deposits cannot be cancelled through its API"),
            Level::Warn,
        );
        return Vec::new();
    }
    if d.status != DepositStatus::Pending {
        let status = d.status;
        app.set_status(
            format!("Deposit #{id} is {status}: nothing to cancel"),
            Level::Warn,
        );
        return Vec::new();
    }
    // Asked first: a cancelled invoice cannot be paid any more.
    app.open(Popup::ConfirmDepositCancel(
        super::confirm_deposit_cancel::ConfirmDepositCancel { deposit_id: id },
    ));
    Vec::new()
}

impl crate::app::popups::PopupState for Deposits {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        list_key(app, cmd)
    }
}

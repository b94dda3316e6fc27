//! The deposits list and a deposit's QR code: Enter shows the code of a
//! pending deposit, `x` cancels one where the API allows it.

use crate::domain::Deposit;
use crate::app::keymap::Cmd;
use crate::app::popups::DepositQr;
use crate::app::popups::Popup;
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

pub fn list_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let ids: Vec<i64> = visible(app).iter().map(|d| d.id).collect();
    let Some(Popup::Deposits(Deposits { selected })) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    let n = ids.len().max(1);
    match cmd {
        Some(Cmd::Down) => *selected = (*selected + 1).min(n - 1),
        Some(Cmd::Up) => *selected = selected.saturating_sub(1),
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

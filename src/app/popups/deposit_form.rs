//! "New deposit": the amount (digits, or Tab through presets) and the
//! method where the API has a choice (↑/↓). Enter opens the confirmation
//! on top; checks that need nothing sent (the minimum) happen here.

use crate::app::keymap::Cmd;
use crate::app::popups::ConfirmDeposit;
use crate::app::popups::Popup;
use crate::app::panes::Pane;
use crate::app::{App, Effect, Level};
use crate::domain::ProviderKind;
use crate::domain::{check_deposit, deposit_rules, DepositRequest};
use crate::money::Rupiah;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug, Clone)]
pub struct DepositForm {
    pub account: String,
    pub kind: ProviderKind,
    pub amount: Input,
    /// Index into the API's deposit methods.
    pub method: usize,
}

/// Amounts Tab cycles through in the form, in rupiah.
pub const PRESETS: [i64; 4] = [50_000, 100_000, 200_000, 500_000];

/// `d`: the deposit form for the account shown, or the balance row
/// selected, or the first account that takes deposits.
pub fn open(app: &mut App) {
    let chosen = app
        .view
        .active
        .or_else(|| (app.view.focus == Pane::Balance).then(|| app.sel(Pane::Balance)))
        .filter(|i| {
            app.accounts
                .get(*i)
                .is_some_and(|a| deposit_rules(a.info.kind).is_some())
        })
        .or_else(|| {
            app.accounts
                .iter()
                .position(|a| deposit_rules(a.info.kind).is_some())
        });
    let Some(acc) = chosen.and_then(|i| app.accounts.get(i)) else {
        app.set_status(
            "No account here takes deposits through its API",
            Level::Warn,
        );
        return;
    };
    let Some(rules) = deposit_rules(acc.info.kind) else {
        return;
    };
    let start = PRESETS
        .iter()
        .copied()
        .find(|p| *p >= rules.min.map_or(0, |m| m.0))
        .unwrap_or(PRESETS[0]);
    app.open(Popup::DepositForm(DepositForm {
        account: acc.info.name.clone(),
        kind: acc.info.kind,
        amount: Input::new(start.to_string()),
        method: 0,
    }));
}

/// The amount typed, ignoring thousands separators.
pub fn amount_of(input: &Input) -> Option<i64> {
    let digits: String = input
        .value()
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '_'))
        .collect();
    digits.parse().ok()
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let Some(Popup::DepositForm(DepositForm {
        account,
        kind,
        amount,
        method,
    })) = app.view.popups.last_mut()
    else {
        return Vec::new();
    };
    let methods = deposit_rules(*kind).map(|r| r.methods).unwrap_or(&[]);
    match cmd {
        Some(Cmd::NextPreset) => {
            let now = amount_of(amount).unwrap_or(0);
            let next = PRESETS
                .iter()
                .copied()
                .find(|p| *p > now)
                .unwrap_or(PRESETS[0]);
            *amount = Input::new(next.to_string());
        }
        Some(Cmd::Up) | Some(Cmd::Down) if !methods.is_empty() => {
            let n = methods.len();
            *method = if cmd == Some(Cmd::Down) {
                (*method + 1) % n
            } else {
                (*method + n - 1) % n
            };
        }
        Some(Cmd::Confirm) => {
            let (account, kind) = (account.clone(), *kind);
            let chosen = methods.get(*method).copied();
            let Some(value) = amount_of(amount) else {
                app.set_status("Type the amount in rupiah (digits)", Level::Warn);
                return Vec::new();
            };
            match check_deposit(kind, Rupiah(value), chosen) {
                Ok(method) => {
                    let key = app.next_key(app.now);
                    app.open(Popup::ConfirmDeposit(ConfirmDeposit {
                        account,
                        kind,
                        request: DepositRequest {
                            amount: Rupiah(value),
                            method,
                            key,
                        },
                    }));
                }
                Err(why) => app.set_status(why, Level::Warn),
            }
        }
        _ => {
            // Digits and editing keys only: an amount is a number.
            let ok = match k.code {
                KeyCode::Char(c) => c.is_ascii_digit() || matches!(c, '.' | ','),
                _ => true,
            };
            if ok {
                amount.handle_event(&Event::Key(k));
            }
        }
    }
    Vec::new()
}

impl crate::app::popups::PopupState for DepositForm {
    fn takes_text(&self) -> bool {
        true
    }

    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        on_key(app, cmd, k)
    }
}

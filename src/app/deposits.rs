//! Deposits as the dashboard holds them: the journal's rows, which are
//! polled, what the status bar says when one is paid, and opening the
//! deposit form for the account the user is on.

use super::panes::Pane;
use super::popups::Popup;
use super::{App, Effect, Level};
use crate::app::popups::DepositForm;
use crate::app::popups::DepositQr;
use crate::domain::{deposit_rules, Deposit, DepositStatus};
use tui_input::Input;

/// Amounts Tab cycles through in the form, in rupiah.
pub const PRESETS: [i64; 4] = [50_000, 100_000, 200_000, 500_000];

impl App {
    /// Deposits newest first, of the account shown (all with "All").
    pub fn visible_deposits(&self) -> Vec<&Deposit> {
        self.book
            .deposits
            .values()
            .rev()
            .filter(|d| self.active_name().is_none_or(|n| n == d.account))
            .collect()
    }

    fn watch_deposit(&mut self, d: &Deposit) -> Vec<Effect> {
        if d.pollable() && self.book.deposits_watched.insert(d.id) {
            return vec![Effect::WatchDeposit(d.clone())];
        }
        Vec::new()
    }

    pub(super) fn on_deposits_restored(&mut self, list: Vec<Deposit>) -> Vec<Effect> {
        let mut effects = Vec::new();
        for d in list {
            effects.extend(self.watch_deposit(&d));
            self.book.deposits.insert(d.id, d);
        }
        effects
    }

    pub(super) fn on_deposit(&mut self, d: Deposit) -> Vec<Effect> {
        let before = self.book.deposits.get(&d.id).map(|p| p.status);
        let mut effects = self.watch_deposit(&d);
        if before != Some(d.status) {
            match d.status {
                DepositStatus::Success => {
                    let credited = d.credited.unwrap_or(d.amount);
                    let via = d
                        .paid_with
                        .as_deref()
                        .map(|p| format!(" via {p}"))
                        .unwrap_or_default();
                    self.set_status(
                        format!("Deposit #{} paid: {credited} credited to {}{via}", d.id, d.account),
                        Level::Ok,
                    );
                    effects.push(Effect::LoadBalance {
                        account: d.account.clone(),
                    });
                }
                DepositStatus::Unknown => self.set_status(
                    format!(
                        "Deposit #{}: no clear reply; an invoice may exist. Check the provider before creating another",
                        d.id
                    ),
                    Level::Error,
                ),
                DepositStatus::Cancelled => {
                    self.set_status(format!("Deposit #{} cancelled", d.id), Level::Ok)
                }
                DepositStatus::Expired => self.set_status(
                    format!("Deposit #{} expired unpaid", d.id),
                    Level::Warn,
                ),
                DepositStatus::Pending if before.is_none() => self.set_status(
                    format!("Deposit #{} created: scan the QR code to pay", d.id),
                    Level::Info,
                ),
                _ => {}
            }
        }
        // The deposit the user just asked for opens its QR code.
        if self.view.deposit_to_show.as_deref() == Some(d.key.as_str()) && d.payment.is_some() {
            self.view.deposit_to_show = None;
            self.open(Popup::DepositQr(DepositQr { id: d.id }));
        }
        if d.status.is_final() {
            self.book.deposits_watched.remove(&d.id);
        }
        self.book.deposits.insert(d.id, d);
        effects
    }

    /// `d`: the deposit form for the account shown, or the balance row
    /// selected, or the first account that takes deposits.
    pub fn open_deposit_form(&mut self) {
        let chosen = self
            .view
            .active
            .or_else(|| (self.view.focus == Pane::Balance).then(|| self.sel(Pane::Balance)))
            .filter(|i| {
                self.accounts
                    .get(*i)
                    .is_some_and(|a| deposit_rules(a.info.kind).is_some())
            })
            .or_else(|| {
                self.accounts
                    .iter()
                    .position(|a| deposit_rules(a.info.kind).is_some())
            });
        let Some(acc) = chosen.and_then(|i| self.accounts.get(i)) else {
            self.set_status(
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
        self.open(Popup::DepositForm(DepositForm {
            account: acc.info.name.clone(),
            kind: acc.info.kind,
            amount: Input::new(start.to_string()),
            method: 0,
        }));
    }
}

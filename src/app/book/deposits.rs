//! Deposits in the book: the journal's rows, which are polled, and what
//! the book says when one is paid, cancelled or unclear.

use super::BookCx;
use crate::app::{Effect, Level};
use crate::domain::{Deposit, DepositStatus};

impl BookCx<'_> {
    fn watch_deposit(&mut self, d: &Deposit) -> Vec<Effect> {
        if d.pollable() && self.book.deposits_watched.insert(d.id) {
            return vec![Effect::WatchDeposit(d.clone())];
        }
        Vec::new()
    }

    pub(crate) fn on_deposits_restored(&mut self, list: Vec<Deposit>) -> Vec<Effect> {
        let mut effects = Vec::new();
        for d in list {
            effects.extend(self.watch_deposit(&d));
            self.book.deposits.insert(d.id, d);
        }
        effects
    }

    pub(crate) fn on_deposit(&mut self, d: Deposit) -> Vec<Effect> {
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
                    self.book.say(
                        format!("Deposit #{} paid: {credited} credited to {}{via}", d.id, d.account),
                        Level::Ok,
                    );
                    effects.push(Effect::LoadBalance {
                        account: d.account.clone(),
                    });
                }
                DepositStatus::Unknown => self.book.say(
                    format!(
                        "Deposit #{}: no clear reply; an invoice may exist. Check the provider before creating another",
                        d.id
                    ),
                    Level::Error,
                ),
                DepositStatus::Cancelled => {
                    self.book.say(format!("Deposit #{} cancelled", d.id), Level::Ok)
                }
                DepositStatus::Expired => self.book.say(
                    format!("Deposit #{} expired unpaid", d.id),
                    Level::Warn,
                ),
                DepositStatus::Pending if before.is_none() => self.book.say(
                    format!("Deposit #{} created: scan the QR code to pay", d.id),
                    Level::Info,
                ),
                _ => {}
            }
        }
        if d.status.is_final() {
            self.book.deposits_watched.remove(&d.id);
        }
        self.book.deposits.insert(d.id, d);
        effects
    }
}

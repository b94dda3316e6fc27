//! The book's own update: the actions that are the book's (journal news,
//! replies to buys and order operations, deposits, the clock) and what it
//! does with each. `App::update` hands these over and adds only what the
//! screen does about them (a popup reloading, the status line).

use super::BookAction;
use super::BookCx;
use crate::app::{Effect, Level};

impl BookCx<'_> {
    /// Applies one of the book's actions.
    pub fn update(&mut self, action: BookAction) -> Vec<Effect> {
        match action {
            BookAction::OrderNote { order_id, note } => {
                self.on_order_note(order_id, note);
                Vec::new()
            }
            BookAction::OrderChanged(order) => {
                self.forget_stale_note(&order);
                self.on_order(order)
            }
            BookAction::Restored(list) => self.on_restored(list),
            BookAction::StartBuys {
                account, requests, ..
            } => self.start_buys(account, requests),
            BookAction::OtpHistory(list) => {
                self.book.otp_log = list;
                Vec::new()
            }
            BookAction::ClueBalance {
                account,
                order_id,
                result,
                ..
            } => self.on_clue_balance(&account, order_id, result),
            BookAction::SettleFailed { order_id, error } => {
                if let Some(c) = self.book.clues.get_mut(&order_id) {
                    c.settling = false;
                }
                self.book
                    .say(format!("#{order_id}: not settled: {error}"), Level::Error);
                Vec::new()
            }
            BookAction::BuyFailed {
                account,
                idempotency_key,
                error,
            } => {
                self.book.baselines.remove(&idempotency_key);
                self.book
                    .pending
                    .retain(|p| p.idempotency_key != idempotency_key);
                self.book
                    .say(format!("{account}: buy failed: {error}"), Level::Error);
                let mut effects = self.replace_buy_failed(&idempotency_key, &error);
                effects.push(Effect::LoadBalance { account });
                effects
            }
            BookAction::BuyUnclear {
                account,
                request,
                order_id,
                now,
            } => {
                self.on_buy_unclear(account, request, order_id, now);
                Vec::new()
            }
            BookAction::ReplayDone {
                order_id,
                refused,
                now,
            } => self.on_replay_done(order_id, refused, now),
            BookAction::ActionFailed {
                order_id,
                op,
                error,
                retry_after,
                now,
            } => {
                self.on_action_failed(order_id, op, error, retry_after, now);
                self.replace_cancel_failed(order_id, op);
                Vec::new()
            }
            BookAction::PollStopped { order_id } => {
                self.book.watched.remove(&order_id);
                Vec::new()
            }
            BookAction::DepositChanged(d) => self.on_deposit(d),
            BookAction::DepositsRestored(list) => self.on_deposits_restored(list),
            BookAction::DepositPollStopped { deposit_id } => {
                self.book.deposits_watched.remove(&deposit_id);
                Vec::new()
            }
            BookAction::LinksRestored(links) => self.on_links_restored(links),
        }
    }
}

//! What a screen adds when the book takes one of its actions: the account
//! figure a clue balance brings, an open email popup reloading, the QR code
//! of a fresh invoice. The book decides; this only shows.

use super::book::BookAction;
use super::popups;
use super::{App, Effect};

impl App {
    pub(super) fn book_action(&mut self, action: BookAction) -> Vec<Effect> {
        match &action {
            BookAction::BuyUnclear { now, .. }
            | BookAction::ReplayDone { now, .. }
            | BookAction::ActionFailed { now, .. } => self.now = *now,
            // The figure is the account's (shown by every screen); the clue
            // is the book's.
            BookAction::ClueBalance {
                account,
                result,
                now,
                ..
            } => self.balance_loaded(&account.clone(), result.clone(), *now),
            _ => {}
        }
        match action {
            BookAction::OrderChanged(ref order) => {
                let id = order.id;
                let mut fx = self.cx().update(action);
                fx.extend(self.email_detail_reload(id));
                fx
            }
            BookAction::DepositChanged(ref d) => {
                let shown = d.clone();
                let fx = self.cx().update(action);
                popups::deposit_qr::show_if_asked(self, &shown);
                fx
            }
            action => self.cx().update(action),
        }
    }
}

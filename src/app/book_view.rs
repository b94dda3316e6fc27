//! What a screen adds when the book takes one of its actions: the account
//! figure a clue balance brings, an open email popup reloading, the QR code
//! of a fresh invoice. The book decides; this only shows.

use super::book::BookAction;
use super::popups;
use super::{App, Effect};

impl App {
    pub(super) fn book_action(&mut self, action: BookAction) -> Vec<Effect> {
        let (mut book, screen) = self.book_and_screen(action);
        book.extend(screen);
        book
    }

    /// A screen's copy of the engine's book takes the action as the
    /// engine's did; what the book would do about it (poll, replay, send)
    /// and say is the engine's to do and say (its news comes as
    /// `Action::Told`). What the screen adds (a popup reloading) stays.
    pub(super) fn mirror(&mut self, action: BookAction) -> Vec<Effect> {
        let said = self.book.news.len();
        let (_, screen) = self.book_and_screen(action);
        self.book.news.truncate(said);
        screen
    }

    /// The book's effects of the action, and the screen's.
    fn book_and_screen(&mut self, action: BookAction) -> (Vec<Effect>, Vec<Effect>) {
        match &action {
            BookAction::BuyUnclear { now, .. }
            | BookAction::StartBuys { now, .. }
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
                let fx = self.cx().update(action);
                (fx, self.email_detail_reload(id).into_iter().collect())
            }
            BookAction::DepositChanged(ref d) => {
                let shown = d.clone();
                let fx = self.cx().update(action);
                popups::deposit_qr::show_if_asked(self, &shown);
                (fx, Vec::new())
            }
            action => (self.cx().update(action), Vec::new()),
        }
    }
}

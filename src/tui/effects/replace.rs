//! Carries out the auto-replace effects: the link journaled before the
//! cancel, the replacement's request journaled before its buy (then the
//! buy, the same path as any other), and a chain's end. The decisions are
//! `app/auto_replace.rs`'s.

use crate::app::Action;
use crate::app::BookAction;
use crate::domain::{BuyRequest, ReplaceLink};
use crate::tui::runtime::{send, Runtime};
use chrono::Utc;

/// Links older than this are not resumed at start: the need they served
/// is likely gone (a number bought then would have expired by now).
pub(in crate::tui) const RESUME_WINDOW: chrono::Duration = chrono::Duration::minutes(30);

impl Runtime {
    pub(super) fn replace_begin(&self, link: &ReplaceLink) {
        if let Err(e) = self.journal.begin_link(link, Utc::now()) {
            // The cancel still goes (it only refunds); the buy will find
            // no link and is not sent.
            send(
                &self.tx,
                Action::Notice(format!(
                    "#{}: the replace link was not journaled ({e}); it will not be replaced",
                    link.from_order
                )),
            );
        }
    }

    /// Journals the request on the link first; buys what the link then
    /// holds (an earlier run's choice wins), never without a link.
    pub(super) fn replace_buy(&self, from_order: i64, account: String, request: BuyRequest) {
        let key = request.idempotency_key.clone();
        match self
            .journal
            .link_buying(from_order, &account, &request, Utc::now())
        {
            Ok(Some(ReplaceLink {
                account: Some(a),
                request: Some(r),
                ..
            })) => self.buy(a, r),
            Ok(_) => send(
                &self.tx,
                Action::Book(BookAction::BuyFailed {
                    account,
                    idempotency_key: key,
                    error: format!("no replace link for #{from_order} in the journal"),
                }),
            ),
            Err(e) => send(
                &self.tx,
                Action::Book(BookAction::BuyFailed {
                    account,
                    idempotency_key: key,
                    error: format!("the replace link could not be journaled: {e}"),
                }),
            ),
        }
    }

    pub(super) fn replace_ended(&self, from_order: i64, note: &str) {
        if let Err(e) = self.journal.link_ended(from_order, note, Utc::now()) {
            tracing::warn!(order = from_order, error = %e, "replace link end not journaled");
        }
    }
}

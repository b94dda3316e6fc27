//! The runtime's part in settling UNKNOWN orders: the balance read for a
//! clue, journaling clues, and settling by hand or by clues through the
//! engine's one rule (the CLI's `resolve` calls the same).

use crate::app::Action;
use crate::app::BookAction;
use crate::engine::orders::{self, Verdict};
use crate::tui::runtime::{send, Runtime};
use chrono::Utc;

impl Runtime {
    pub(super) fn check_balance(&self, account: String, order_id: i64) {
        let tx = self.tx.clone();
        let Some(p) = self.providers.get(&account).cloned() else {
            return;
        };
        tokio::spawn(async move {
            let result = p.balance().await;
            send(
                &tx,
                Action::Book(BookAction::ClueBalance {
                    account,
                    order_id,
                    result,
                    now: Utc::now(),
                }),
            );
        });
    }

    pub(super) fn note_clue(&self, order_id: i64, clue: &str) {
        if let Err(e) = orders::note_clue(&self.journal, order_id, clue, Utc::now()) {
            tracing::warn!(order = order_id, error = %e, "clue not journaled");
        }
    }

    /// By hand (`clues` None) or by agreeing clues.
    pub(super) fn settle(
        &self,
        order_id: i64,
        verdict: Verdict,
        number: Option<String>,
        clues: Option<Vec<String>>,
    ) {
        let now = Utc::now();
        let result = match self.journal.order(order_id) {
            Ok(Some(order)) => match &clues {
                Some(c) => orders::settle_by_clues(&self.journal, &order, verdict, c, now),
                None => {
                    orders::settle_by_hand(&self.journal, &order, verdict, number.as_deref(), now)
                }
            },
            Ok(None) => Err(orders::EngineError::Refused(format!(
                "no order #{order_id} in the journal"
            ))),
            Err(e) => Err(e.into()),
        };
        match result {
            Ok(order) => send(&self.tx, Action::Book(BookAction::OrderChanged(order))),
            Err(e) => send(
                &self.tx,
                Action::Book(BookAction::SettleFailed {
                    order_id,
                    error: e.to_string(),
                }),
            ),
        }
    }
}

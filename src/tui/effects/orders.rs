//! Placed orders: polling each until it is final, the operations on one
//! (cancel, finish, resend, replace), a lost buy's replay and the
//! reconcile of UNKNOWN orders at start.

use crate::app::Action;
use crate::app::BookAction;
use crate::domain::{BuyRequest, Order, OrderOp};
use crate::engine::journal::OrderFilter;
use crate::engine::orders::{self, EngineError};
use crate::engine::poller;
use crate::tui::runtime::{send, Runtime};
use chrono::Utc;

impl Runtime {
    /// Polls `order` until it is final; the app asks once per order.
    pub(super) fn watch(&mut self, order: Order) {
        self.pollers.retain(|_, h| !h.is_finished());
        let Some(p) = self.provider(&order.account) else {
            send(
                &self.tx,
                Action::Book(BookAction::PollStopped { order_id: order.id }),
            );
            return;
        };
        let tx = self.tx.clone();
        let id = order.id;
        let handle = poller::spawn(p, self.journal.clone(), order, self.timing, move |ev| {
            super::poll_events::to_actions(&tx, ev)
        });
        if let Some(old) = self.pollers.insert(id, handle) {
            old.abort();
        }
    }

    pub(super) fn order_op(&self, op: OrderOp, order_id: i64) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(order) = self.order(order_id) else {
            return;
        };
        let Some(p) = self.provider(&order.account) else {
            return;
        };
        tokio::spawn(async move {
            match orders::run_op(op, p.as_ref(), &journal, &order).await {
                Ok(done) => {
                    if let Some(old) = done.replaced {
                        send(&tx, Action::Book(BookAction::OrderChanged(old)));
                    }
                    if op == OrderOp::Resend {
                        let text = crate::domain::order_ops::resend_done(&done.order);
                        send(&tx, Action::Notice(text));
                    }
                    send(&tx, Action::Book(BookAction::OrderChanged(done.order)));
                }
                Err(e) => {
                    let retry_after = match &e {
                        EngineError::Provider(pe) => pe.retry_after(),
                        _ => None,
                    };
                    send(
                        &tx,
                        Action::Book(BookAction::ActionFailed {
                            order_id,
                            op: Some(op),
                            error: e.to_string(),
                            retry_after,
                            now: Utc::now(),
                        }),
                    );
                }
            }
        });
    }

    pub(super) fn reconcile(&self, account: String) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(p) = self.provider(&account) else {
            return;
        };
        tokio::spawn(async move {
            let active = OrderFilter {
                account: Some(account.clone()),
                active_only: true,
                limit: None,
            };
            // Orders the reconcile may settle (replayed, or closed by the
            // balance window) are sent again whatever they became.
            let before: Vec<i64> = journal
                .orders(&active)
                .map(|l| l.iter().map(|o| o.id).collect())
                .unwrap_or_default();
            if let Ok(still) = orders::reconcile_unknown(p.as_ref(), &journal, &account).await {
                for o in still {
                    send(&tx, Action::Book(BookAction::OrderChanged(o)));
                }
            }
            for id in before {
                if let Ok(Some(o)) = journal.order(id) {
                    if o.status.is_final() {
                        send(&tx, Action::Book(BookAction::OrderChanged(o)));
                    }
                }
            }
            if let Ok(list) = journal.orders(&active) {
                for o in list {
                    send(&tx, Action::Book(BookAction::OrderChanged(o)));
                }
            }
        });
    }

    /// Sends a lost buy again with its key; the journal row says what
    /// happened, and the app decides whether to try again.
    pub(super) fn replay(&self, account: String, request: BuyRequest, order_id: i64) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(p) = self.provider(&account) else {
            return send(
                &tx,
                Action::Book(BookAction::ReplayDone {
                    order_id,
                    refused: false,
                    now: Utc::now(),
                }),
            );
        };
        tokio::spawn(async move {
            // The outcome is in the journal either way: a clear answer
            // settles the row, another unclear one leaves it Unknown.
            let _ = orders::buy(p.as_ref(), &journal, &account, &request).await;
            if let Ok(Some(order)) = journal.order(order_id) {
                send(&tx, Action::Book(BookAction::OrderChanged(order)));
            }
            let refused = orders::replay_refused(&journal, order_id).unwrap_or(false);
            send(
                &tx,
                Action::Book(BookAction::ReplayDone {
                    order_id,
                    refused,
                    now: Utc::now(),
                }),
            );
        });
    }
}

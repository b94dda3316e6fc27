//! What a poller's events become on the dashboard: the Actions `update`
//! reads, one or two per event.

use crate::app::Action;
use crate::engine::poller::{PollEvent, UNSAVED_RETRY};
use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::BookAction;
use crate::tui::runtime::send;

/// Sends the Actions for one poll event.
pub(super) fn to_actions(tx: &UnboundedSender<Action>, ev: PollEvent) {
    match ev {
        PollEvent::Changed(c) => {
            let order_id = c.order.id;
            send(tx, Action::Book(BookAction::OrderChanged(c.order)));
            send(
                tx,
                Action::Book(BookAction::OrderNote {
                    order_id,
                    note: c.note,
                }),
            );
        }
        PollEvent::Failed {
            order_id,
            error,
            retry_after,
        } => send(
            tx,
            Action::Book(BookAction::ActionFailed {
                order_id,
                op: None,
                error: format!("{error} (retrying)"),
                retry_after,
                now: Utc::now(),
            }),
        ),
        PollEvent::Stopped { order_id } => {
            send(tx, Action::Book(BookAction::PollStopped { order_id }))
        }
        PollEvent::Unsaved { order, error } => {
            let order_id = order.id;
            send(tx, Action::Book(BookAction::OrderChanged(*order)));
            send(
                tx,
                Action::Book(BookAction::ActionFailed {
                    order_id,
                    op: None,
                    error: format!(
                        "the journal cannot save this order's news ({error}); it is shown, NOT SAVED, saving again every {}s",
                        UNSAVED_RETRY.as_secs()
                    ),
                    retry_after: None,
                    now: Utc::now(),
                }),
            );
        }
    }
}

//! A provider's word on a still-pending order whose status did not move
//! (an Otomax order without a history key: "pending, waiting for the
//! provider's callback"). It comes with each poll, lives only in memory
//! and is shown on the order's row; the journal keeps statuses, not this,
//! so a poll that brings only the note writes nothing.

use super::{Book, BookCx};
use crate::domain::Order;

impl BookCx<'_> {
    /// A poll's note: Some sets it, None (the provider said nothing more)
    /// clears it.
    pub(crate) fn on_order_note(&mut self, order_id: i64, note: Option<String>) {
        match note {
            Some(n) if !n.trim().is_empty() => {
                self.book.order_notes.insert(order_id, n);
            }
            _ => {
                self.book.order_notes.remove(&order_id);
            }
        }
    }

    /// An order's status moved or ended: an old note no longer holds.
    pub(crate) fn forget_stale_note(&mut self, order: &Order) {
        if order.status.is_final() {
            self.book.order_notes.remove(&order.id);
        }
    }
}

impl Book {
    /// The note shown on an order's row, while the order is not final.
    pub fn order_note(&self, order_id: i64) -> Option<&str> {
        self.order_notes.get(&order_id).map(String::as_str)
    }
}

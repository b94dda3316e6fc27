//! An unsigned push's news on an order (`engine::webhook::unsigned`): the
//! status it names, forward only, with the SN, and a note saying how it
//! came, all in one transaction, so no reader ever sees the order moved
//! without the note.

use super::order_changes::insert_event;
use super::orders::load_order;
use super::otps::append_otps;
use super::{ms, Change, Journal, Result};
use crate::domain::OrderUpdate;
use chrono::{DateTime, Utc};
use rusqlite::params;

/// The journal event of a move made by an unsigned push.
pub const PUSH_UNSIGNED: &str = "push_unsigned";

impl Journal {
    /// Moves an active order to `update.status` (never back, never out of
    /// a final state) with `update.sn` and codes, and sets its note to
    /// `note`. Nothing is written when the status would not move.
    pub fn record_pushed(
        &self,
        id: i64,
        update: &OrderUpdate,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        let status = match update.status {
            Some(s) if before.status.is_active() => before.status.advance(s),
            _ => before.status,
        };
        if status == before.status {
            return Ok(Change {
                status_changed: false,
                order: before,
                new_otps: Vec::new(),
                note: None,
            });
        }
        tx.execute(
            "UPDATE orders SET status = ?2, sn = COALESCE(sn, ?3), updated_at = ?4, note = ?5 \
             WHERE id = ?1",
            params![id, status.as_str(), update.sn, ms(now), note],
        )?;
        insert_event(&tx, id, now, PUSH_UNSIGNED, status, Some(note))?;
        let new_otps = append_otps(&tx, id, &before.otps, &update.otps, now)?;
        tx.commit()?;
        let order = load_order(&conn, id)?;
        Ok(Change {
            status_changed: true,
            order,
            new_otps,
            note: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{new_order, placed};
    use super::*;
    use crate::domain::OrderStatus;

    #[test]
    fn moves_an_active_order_once_with_its_note_and_never_a_final_one() {
        let j = Journal::open_in_memory().expect("journal");
        let now = Utc::now();
        let o = j.begin_order(&new_order("k1"), now).expect("row");
        j.record_placed(o.id, &placed(&[]), now).expect("placed");
        let done = OrderUpdate {
            status: Some(OrderStatus::Finished),
            sn: Some("5512".into()),
            otps: vec!["5512".into()],
            ..Default::default()
        };
        let c = j
            .record_pushed(o.id, &done, "by callback", now)
            .expect("push");
        assert!(c.status_changed);
        assert_eq!(c.order.status, OrderStatus::Finished);
        assert_eq!(c.order.sn.as_deref(), Some("5512"));
        assert_eq!(c.order.note.as_deref(), Some("by callback"));
        let events = j.events(o.id).expect("events").len();
        // Final stays final: a later "failed" writes nothing.
        let failed = OrderUpdate {
            status: Some(OrderStatus::Failed),
            ..Default::default()
        };
        let c = j.record_pushed(o.id, &failed, "other", now).expect("push");
        assert!(!c.status_changed);
        assert_eq!(c.order.status, OrderStatus::Finished);
        assert_eq!(c.order.note.as_deref(), Some("by callback"));
        assert_eq!(j.events(o.id).expect("events").len(), events);
        // A row whose buy has no reply yet is not moved.
        let b = j.begin_order(&new_order("k2"), now).expect("row");
        let c = j
            .record_pushed(b.id, &done, "by callback", now)
            .expect("push");
        assert_eq!(c.order.status, OrderStatus::Buying);
        assert!(c.order.sn.is_none());
    }
}

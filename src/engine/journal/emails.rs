//! The messages of email orders (OTPZap Server 3): each one journaled once,
//! as an `email_message` event whose detail is the message as JSON, so the
//! timeline survives a restart without a table of its own.

use super::order_changes::insert_event;
use super::{Journal, Result};
use crate::domain::{EmailMessage, OrderStatus};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

const KIND: &str = "email_message";

impl Journal {
    /// An email order's messages, oldest first.
    pub fn email_messages(&self, order_id: i64) -> Result<Vec<EmailMessage>> {
        let conn = self.conn();
        load(&conn, order_id)
    }
}

fn load(conn: &Connection, id: i64) -> Result<Vec<EmailMessage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT detail FROM order_events WHERE order_id = ?1 AND kind = ?2 ORDER BY id",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![id, KIND], |r| {
            r.get::<_, Option<String>>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A detail that does not parse (hand-edited file) is skipped, not fatal.
    Ok(rows
        .into_iter()
        .flatten()
        .filter_map(|d| serde_json::from_str(&d).ok())
        .collect())
}

/// Appends the messages of `incoming` past those already journaled (the
/// API sends the whole timeline, oldest first, on every check).
pub(super) fn append_messages(
    conn: &Connection,
    id: i64,
    status: OrderStatus,
    incoming: &[EmailMessage],
    now: DateTime<Utc>,
) -> Result<usize> {
    if incoming.is_empty() {
        return Ok(0);
    }
    let known = count(conn, id)?;
    let mut added = 0;
    for m in incoming.iter().skip(known) {
        let detail = serde_json::to_string(m).unwrap_or_default();
        insert_event(conn, id, now, KIND, status, Some(&detail))?;
        added += 1;
    }
    Ok(added)
}

/// How many messages the journal holds for an order.
pub(super) fn count(conn: &Connection, id: i64) -> Result<usize> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM order_events WHERE order_id = ?1 AND kind = ?2")?
        .query_row(rusqlite::params![id, KIND], |r| r.get(0))?;
    Ok(n.max(0) as usize)
}

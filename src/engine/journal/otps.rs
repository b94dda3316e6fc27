//! The OTPs an order received, in the order they came.

use super::record::insert_event;
use super::{from_ms, ms, Journal, Result};
use crate::domain::{OrderStatus, Otp};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

impl Journal {
    /// Every OTP, newest first.
    pub fn otp_log(&self, limit: usize) -> Result<Vec<Otp>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT o.order_id, r.account, r.service, COALESCE(r.number, ''), o.code, o.received_at \
             FROM otps o JOIN orders r ON r.id = o.order_id ORDER BY o.received_at DESC, o.id DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok(Otp {
                    order_id: r.get(0)?,
                    account: r.get(1)?,
                    service: r.get(2)?,
                    number: r.get(3)?,
                    code: r.get(4)?,
                    received_at: from_ms(r.get(5)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

pub(super) fn load_otps(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT code FROM otps WHERE order_id = ?1 ORDER BY seq")?;
    let codes = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(codes)
}

/// Appends the codes of `incoming` not yet known. Some APIs send the whole
/// timeline, others only the latest code, so a code already journaled is
/// never added twice (a resend that repeats a code is not a new OTP).
pub(super) fn append_otps(
    conn: &Connection,
    id: i64,
    known: &[String],
    incoming: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let mut all: Vec<String> = known.to_vec();
    let mut added = Vec::new();
    for code in incoming {
        let code = code.trim();
        if code.is_empty() || all.iter().any(|k| k == code) {
            continue;
        }
        conn.prepare_cached(
            "INSERT INTO otps (order_id, seq, code, received_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, all.len() as i64, code, ms(now)])?;
        insert_event(conn, id, now, "otp", OrderStatus::OtpReceived, Some(code))?;
        all.push(code.to_string());
        added.push(code.to_string());
    }
    Ok(added)
}

//! The OTPs an order received, in the order they came.

use super::order_changes::insert_event;
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

/// Sorted by the caller, not by `ORDER BY seq`: with that clause the
/// bundled SQLite (STAT4) re-prepared the statement on every run, whatever
/// the cache, and every poll with news loads its order's OTPs twice.
const LOAD_OTPS: &str = "SELECT seq, code FROM otps WHERE order_id = ?1";

pub(super) fn load_otps(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(LOAD_OTPS)?;
    let mut rows = stmt
        .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<(i64, String)>>>()?;
    rows.sort_unstable_by_key(|(seq, _)| *seq);
    Ok(rows.into_iter().map(|(_, code)| code).collect())
}

/// Appends the codes of `incoming` not yet known. Some APIs send the whole
/// timeline, others only the latest code, so a code already journaled is
/// never added twice (a resend that repeats a code is not a new OTP).
/// Codes an order keeps at most.
pub const MAX_OTPS: usize = 50;
/// Characters of one code kept at most (a whole SMS is a few hundred).
const MAX_OTP_CHARS: usize = 1000;

fn cut(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

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
        // Cut first, so the same long code is the same code next poll.
        let code = cut(code.trim(), MAX_OTP_CHARS);
        if code.is_empty() || all.iter().any(|k| k == code) {
            continue;
        }
        // A provider that sends codes without end fills no disk: an
        // order keeps its first MAX_OTPS (a real one gets a handful).
        if all.len() >= MAX_OTPS {
            tracing::warn!(
                order = id,
                "order already holds {MAX_OTPS} codes; later ones are not kept"
            );
            break;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::journal::Journal;

    fn order_row(conn: &rusqlite::Connection, id: i64) {
        conn.execute(
            "INSERT INTO orders (id, account, provider, idempotency_key, service_id, service, \
             offer_id, price, status, created_at, updated_at) \
             VALUES (?1, 'a', 'nexotp', 'k' || ?1, 's', 's', 'o', 1000, 'waiting', 0, 0)",
            [id],
        )
        .expect("order row");
    }

    /// The OTPs come back in the order they arrived, and loading them does
    /// not make SQLite prepare the statement again (it did, with
    /// `ORDER BY seq`, on every run).
    #[test]
    fn otps_load_in_order_without_a_re_prepare() {
        let j = Journal::open_in_memory().expect("journal");
        let conn = j.conn();
        order_row(&conn, 1);
        conn.execute_batch(
            "INSERT INTO otps (order_id, seq, code, received_at) VALUES (1, 2, 'third', 3);
             INSERT INTO otps (order_id, seq, code, received_at) VALUES (1, 0, 'first', 1);
             INSERT INTO otps (order_id, seq, code, received_at) VALUES (1, 1, 'second', 2);",
        )
        .expect("rows");
        for _ in 0..3 {
            assert_eq!(
                load_otps(&conn, 1).expect("load"),
                ["first", "second", "third"]
            );
            assert!(load_otps(&conn, 2).expect("load").is_empty());
        }
        let st = conn.prepare_cached(LOAD_OTPS).expect("cached");
        assert_eq!(st.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }

    #[test]
    fn an_order_keeps_a_bounded_list_of_distinct_codes() {
        let j = Journal::open_in_memory().expect("journal");
        let conn = j.conn();
        order_row(&conn, 1);
        let flood: Vec<String> = (0..200).map(|i| format!("{i:06}")).collect();
        let mut twice = flood.clone();
        twice.extend(flood.iter().cloned());
        let added = append_otps(&conn, 1, &[], &twice, chrono::Utc::now()).expect("append");
        assert_eq!(added.len(), MAX_OTPS);
        assert_eq!(load_otps(&conn, 1).expect("load"), flood[..MAX_OTPS]);
        let long = "9".repeat(5000);
        order_row(&conn, 2);
        let added = append_otps(
            &conn,
            2,
            &[],
            std::slice::from_ref(&long),
            chrono::Utc::now(),
        )
        .expect("append");
        assert_eq!(added[0].len(), MAX_OTP_CHARS);
        // Polled again, the same long code is not news.
        let known = load_otps(&conn, 2).expect("load");
        assert!(append_otps(&conn, 2, &known, &[long], chrono::Utc::now())
            .expect("append")
            .is_empty());
    }
}

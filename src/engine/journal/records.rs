//! The user's own delivery record for an offer, from the journal: how many
//! orders, how many got an OTP, and how long the first OTP took.

use super::{ms, Journal, Result};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

/// An offer's record over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OwnRecord {
    pub orders: u32,
    pub with_otp: u32,
    /// Median seconds from the buy to the first OTP, of those that got one.
    pub median_secs: Option<i64>,
}

impl OwnRecord {
    /// Share of orders that got an OTP, in percent.
    pub fn otp_rate(&self) -> Option<f64> {
        (self.orders > 0).then(|| 100.0 * self.with_otp as f64 / self.orders as f64)
    }
}

impl Journal {
    /// The record of `offer_id` on `account` for orders placed since
    /// `since` (buys that never got a provider id do not count).
    pub fn offer_record(
        &self,
        account: &str,
        offer_id: &str,
        since: DateTime<Utc>,
    ) -> Result<OwnRecord> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT (SELECT MIN(t.received_at) FROM otps t WHERE t.order_id = o.id) - o.created_at \
             FROM orders o WHERE o.account = ?1 AND o.offer_id = ?2 AND o.created_at >= ?3 \
             AND o.provider_order_id IS NOT NULL",
        )?;
        let waits: Vec<Option<i64>> = stmt
            .query_map(params![account, offer_id, ms(since)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut got: Vec<i64> = waits.iter().flatten().map(|w| (*w).max(0) / 1000).collect();
        got.sort_unstable();
        Ok(OwnRecord {
            orders: waits.len() as u32,
            with_otp: got.len() as u32,
            median_secs: (!got.is_empty()).then(|| got[got.len() / 2]),
        })
    }
}

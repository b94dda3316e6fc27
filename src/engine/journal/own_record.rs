//! The user's own delivery record for an offer, from the journal: how many
//! orders, how many got an OTP, and how long the first OTP took.

use super::{ms, Journal, Result};
use chrono::{DateTime, Utc};
use rusqlite::params;

pub use crate::domain::compare::OwnRecord;

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

/// What the statistics need of one placed order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFact {
    pub account: String,
    pub provider: crate::domain::ProviderKind,
    pub offer_id: String,
    pub service: String,
    pub country: Option<String>,
    pub price: crate::money::Rupiah,
    pub refunded: Option<crate::money::Rupiah>,
    pub status: crate::domain::OrderStatus,
    pub created_at: DateTime<Utc>,
    pub first_otp_at: Option<DateTime<Utc>>,
}

impl Journal {
    /// Every order the provider placed (it has a provider id) since `since`.
    pub fn order_facts(&self, since: DateTime<Utc>) -> Result<Vec<OrderFact>> {
        self.order_facts_where(
            "o.created_at >= ?1 AND o.provider_order_id IS NOT NULL",
            since,
        )
    }

    fn order_facts_where(&self, filter: &str, since: DateTime<Utc>) -> Result<Vec<OrderFact>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT o.account, o.provider, o.offer_id, o.service, COALESCE(o.country_name, o.country), \
             o.price, o.refunded, o.status, o.created_at, \
             (SELECT MIN(t.received_at) FROM otps t WHERE t.order_id = o.id) \
             FROM orders o WHERE {filter} ORDER BY o.id"
        ))?;
        let rows = stmt.query_map(params![ms(since)], |r| {
            let provider: String = r.get(1)?;
            let status: String = r.get(7)?;
            Ok(OrderFact {
                account: r.get(0)?,
                provider: provider
                    .parse()
                    .unwrap_or(crate::domain::ProviderKind::GateOtp),
                offer_id: r.get(2)?,
                service: r.get(3)?,
                country: r.get(4)?,
                price: crate::money::Rupiah(r.get(5)?),
                refunded: r.get::<_, Option<i64>>(6)?.map(crate::money::Rupiah),
                status: crate::domain::OrderStatus::parse(&status)
                    .unwrap_or(crate::domain::OrderStatus::Unknown),
                created_at: super::from_ms(r.get(8)?),
                first_otp_at: r.get::<_, Option<i64>>(9)?.map(super::from_ms),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

impl Journal {
    /// Orders that may have cost money since `since` (of `account`, or all):
    /// placed ones, and unclear ones (counted as charged until settled);
    /// buys the provider refused cost nothing and are left out.
    pub fn spend_facts(
        &self,
        account: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<Vec<OrderFact>> {
        let all = self.order_facts_where(
            "o.created_at >= ?1 AND NOT (o.provider_order_id IS NULL AND o.status = 'failed')",
            since,
        )?;
        Ok(all
            .into_iter()
            .filter(|f| account.is_none_or(|a| f.account == a))
            .collect())
    }
}

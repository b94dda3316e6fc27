//! Reading order rows back: one order, by key, by id of either side, the
//! list, and an order's events.

use super::otps::load_otps;
use super::{from_ms, Journal, JournalError, OrderFilter, Result};
use crate::domain::{Order, OrderStatus, ProviderKind};
use crate::money::Rupiah;
use rusqlite::{params, Connection, OptionalExtension, Row};

const ORDER_COLUMNS: &str =
    "id, account, provider, idempotency_key, provider_order_id, service_id, \
     service, country, offer_id, operator, number, customer_number, price, status, created_at, \
     updated_at, expires_at, sn, refunded, note, country_name, resend_count, \
     resend_locked_until";

fn order_from_row(row: &Row<'_>) -> rusqlite::Result<Order> {
    let provider: String = row.get(2)?;
    let status: String = row.get(13)?;
    Ok(Order {
        id: row.get(0)?,
        account: row.get(1)?,
        provider: provider.parse().unwrap_or(ProviderKind::GateOtp),
        idempotency_key: row.get(3)?,
        provider_order_id: row.get(4)?,
        service_id: row.get(5)?,
        service: row.get(6)?,
        country: row.get(7)?,
        offer_id: row.get(8)?,
        operator: row.get(9)?,
        number: row.get(10)?,
        customer_number: row.get(11)?,
        price: Rupiah(row.get(12)?),
        status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Unknown),
        created_at: from_ms(row.get(14)?),
        updated_at: from_ms(row.get(15)?),
        expires_at: row.get::<_, Option<i64>>(16)?.map(from_ms),
        otps: Vec::new(),
        sn: row.get(17)?,
        refunded: row.get::<_, Option<i64>>(18)?.map(Rupiah),
        note: row.get(19)?,
        country_name: row.get(20)?,
        resend_count: row.get(21)?,
        resend_locked_until: row.get::<_, Option<i64>>(22)?.map(from_ms),
    })
}

impl Journal {
    pub fn order(&self, id: i64) -> Result<Option<Order>> {
        let conn = self.conn();
        match load_order(&conn, id) {
            Ok(o) => Ok(Some(o)),
            Err(JournalError::NoSuchOrder(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn find_by_key(&self, account: &str, key: &str) -> Result<Option<Order>> {
        let conn = self.conn();
        let id: Option<i64> = conn
            .prepare_cached("SELECT id FROM orders WHERE account = ?1 AND idempotency_key = ?2")?
            .query_row(params![account, key], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => load_order(&conn, id).map(Some),
            None => Ok(None),
        }
    }

    /// Finds an order by local id or by the provider's id, optionally within
    /// one account. The provider's id wins when both could match.
    pub fn find(&self, account: Option<&str>, id: &str) -> Result<Option<Order>> {
        let conn = self.conn();
        let by_provider: Option<i64> = conn
            .query_row(
                "SELECT id FROM orders WHERE provider_order_id = ?1 AND (?2 IS NULL OR account = ?2) \
                 ORDER BY id DESC LIMIT 1",
                params![id, account],
                |r| r.get(0),
            )
            .optional()?;
        let local = match by_provider {
            Some(i) => Some(i),
            None => match id.trim_start_matches('#').parse::<i64>() {
                Ok(n) => conn
                    .query_row(
                        "SELECT id FROM orders WHERE id = ?1 AND (?2 IS NULL OR account = ?2)",
                        params![n, account],
                        |r| r.get(0),
                    )
                    .optional()?,
                Err(_) => None,
            },
        };
        match local {
            Some(i) => load_order(&conn, i).map(Some),
            None => Ok(None),
        }
    }

    /// Orders, newest first.
    pub fn orders(&self, filter: &OrderFilter) -> Result<Vec<Order>> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE (?1 IS NULL OR account = ?1) AND \
             (?2 = 0 OR status IN ('buying', 'waiting', 'otp_received', 'unknown')) \
             ORDER BY id DESC LIMIT ?3"
        );
        let limit = filter.limit.map(|l| l as i64).unwrap_or(-1);
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut orders = stmt
            .query_map(
                params![filter.account, filter.active_only as i64, limit],
                order_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        for o in &mut orders {
            o.otps = load_otps(&conn, o.id)?;
        }
        Ok(orders)
    }

    /// (kind, status, detail) of an order's events, oldest first.
    pub fn events(&self, id: i64) -> Result<Vec<(String, String, Option<String>)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT kind, status, detail FROM order_events WHERE order_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

pub(super) fn load_order(conn: &Connection, id: i64) -> Result<Order> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1");
    // Cached: every poll loads its order, and parsing the SQL each time
    // was a quarter of the timing soak's instructions (callgrind).
    let mut order = conn
        .prepare_cached(&sql)?
        .query_row([id], order_from_row)
        .optional()?
        .ok_or(JournalError::NoSuchOrder(id))?;
    order.otps = load_otps(conn, id)?;
    Ok(order)
}

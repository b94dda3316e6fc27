//! The order journal: SQLite in WAL mode. A row is written before a buy is
//! sent and updated with the reply; every status change and OTP is appended.
//! Nothing else in otpdeck writes order state, so after any crash the journal
//! says what may have been charged.

use crate::domain::{
    CancelOutcome, Order, OrderStatus, OrderUpdate, Otp, PlacedOrder, ProviderKind,
};
use crate::money::Rupiah;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum JournalError {
    #[error("journal database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("journal is newer (schema {found}) than this otpdeck understands ({known})")]
    TooNew { found: i64, known: i64 },
    #[error("no order {0} in the journal")]
    NoSuchOrder(i64),
    #[error("cannot create the journal folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, JournalError>;

/// Schema migrations, applied in order; `user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,
    account           TEXT NOT NULL,
    provider          TEXT NOT NULL,
    idempotency_key   TEXT NOT NULL,
    provider_order_id TEXT,
    service_id        TEXT NOT NULL,
    service           TEXT NOT NULL,
    country           TEXT,
    offer_id          TEXT NOT NULL,
    operator          TEXT,
    number            TEXT,
    customer_number   TEXT,
    price             INTEGER NOT NULL,
    status            TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    expires_at        INTEGER,
    sn                TEXT,
    refunded          INTEGER,
    note              TEXT,
    UNIQUE (account, idempotency_key)
);
CREATE INDEX orders_by_status ON orders (status);
CREATE INDEX orders_by_provider_id ON orders (account, provider_order_id);
CREATE TABLE order_events (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    at       INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    status   TEXT NOT NULL,
    detail   TEXT
);
CREATE INDEX order_events_by_order ON order_events (order_id);
CREATE TABLE otps (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    seq         INTEGER NOT NULL,
    code        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (order_id, seq)
);
CREATE INDEX otps_by_time ON otps (received_at);
"#,
    // The country's name beside its id: GateOTP's ids are opaque numbers.
    "ALTER TABLE orders ADD COLUMN country_name TEXT;",
    // OTPZap's resend gating, kept so a restart still knows it.
    "ALTER TABLE orders ADD COLUMN resend_count INTEGER; \
     ALTER TABLE orders ADD COLUMN resend_locked_until INTEGER;",
];

/// The first event of a row written by `Journal::begin_replacement`.
pub const REPLACE_SENT: &str = "replace_sent";

/// A buy about to be sent.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub account: String,
    pub provider: ProviderKind,
    pub idempotency_key: String,
    pub service_id: String,
    pub service: String,
    pub country: Option<String>,
    pub country_name: Option<String>,
    pub offer_id: String,
    pub operator: Option<String>,
    pub customer_number: Option<String>,
    pub price: Rupiah,
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub account: Option<String>,
    pub active_only: bool,
    pub limit: Option<usize>,
}

/// An order after a change, with the OTPs that change brought.
#[derive(Debug, Clone)]
pub struct Change {
    pub order: Order,
    pub new_otps: Vec<String>,
    /// The status moved.
    pub status_changed: bool,
}

pub struct Journal {
    conn: Mutex<Connection>,
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(v).single().unwrap_or_default()
}

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
    /// Opens (creating if needed) the journal at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Journal> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|source| JournalError::Folder {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
        }
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    pub fn open_in_memory() -> Result<Journal> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Journal> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL lets the TUI and a scripting command share the file; FULL sync
        // because a lost order row may mean money the user cannot trace.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(JournalError::TooNew {
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(Journal {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each
        // change is one transaction), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes the order row before its buy request is sent.
    pub fn begin_order(&self, new: &NewOrder, now: DateTime<Utc>) -> Result<Order> {
        self.insert_order(new, now, "buy_sent")
    }

    /// Writes the row of the new order an OTPZap replace will create, before
    /// the replace is sent. Its key was never sent to the provider (replace
    /// carries no Idempotency-Key), so the row is marked, in the same
    /// transaction, as one that must never be replayed as a buy.
    pub fn begin_replacement(&self, new: &NewOrder, now: DateTime<Utc>) -> Result<Order> {
        self.insert_order(new, now, REPLACE_SENT)
    }

    /// Whether the order was journaled as the new half of a replace (see
    /// `begin_replacement`): replaying its key as a buy would buy afresh.
    pub fn is_replacement(&self, id: i64) -> Result<bool> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM order_events WHERE order_id = ?1 AND kind = ?2",
            params![id, REPLACE_SENT],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    fn insert_order(&self, new: &NewOrder, now: DateTime<Utc>, event: &str) -> Result<Order> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO orders (account, provider, idempotency_key, service_id, service, country, \
             offer_id, operator, customer_number, number, price, status, created_at, updated_at, \
             country_name) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, 'buying', ?11, ?11, ?12)",
            params![
                new.account,
                new.provider.as_str(),
                new.idempotency_key,
                new.service_id,
                new.service,
                new.country,
                new.offer_id,
                new.operator,
                new.customer_number,
                new.price.0,
                ms(now),
                new.country_name
            ],
        )?;
        let id = tx.last_insert_rowid();
        insert_event(&tx, id, now, event, OrderStatus::Buying, None)?;
        tx.commit()?;
        drop(conn);
        self.order(id)?.ok_or(JournalError::NoSuchOrder(id))
    }

    /// Records the provider's reply to a buy (or to a replay of it).
    pub fn record_placed(
        &self,
        id: i64,
        placed: &PlacedOrder,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        let status = before.status.advance(placed.status);
        tx.execute(
            "UPDATE orders SET provider_order_id = ?2, number = ?3, price = ?4, status = ?5, \
             expires_at = COALESCE(?6, expires_at), sn = COALESCE(?7, sn), updated_at = ?8, \
             note = NULL WHERE id = ?1",
            params![
                id,
                placed.provider_order_id,
                placed.number,
                placed.price.0,
                status.as_str(),
                placed.expires_at.map(ms),
                placed.sn,
                ms(now)
            ],
        )?;
        insert_event(
            &tx,
            id,
            now,
            "placed",
            status,
            Some(&placed.provider_order_id),
        )?;
        let new_otps = append_otps(&tx, id, &before.otps, &placed.otps, now)?;
        tx.commit()?;
        drop(conn);
        let order = self.order(id)?.ok_or(JournalError::NoSuchOrder(id))?;
        Ok(Change {
            status_changed: order.status != before.status,
            order,
            new_otps,
        })
    }

    /// The provider said no before charging: the order never existed.
    pub fn record_buy_failed(&self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<Order> {
        self.set_status(id, OrderStatus::Failed, "buy_failed", Some(reason), now)
    }

    /// The buy may or may not have gone through: keep it, with its amount.
    pub fn record_unknown(&self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<Order> {
        self.set_status(id, OrderStatus::Unknown, "reply_lost", Some(reason), now)
    }

    /// Applies a status poll. Stale replies never move an order backwards.
    pub fn record_update(
        &self,
        id: i64,
        update: &OrderUpdate,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        let mut status = match update.status {
            Some(s) => before.status.advance(s),
            None => before.status,
        };
        if !update.otps.is_empty() && status == OrderStatus::Waiting {
            status = OrderStatus::OtpReceived;
        }
        tx.execute(
            "UPDATE orders SET status = ?2, number = COALESCE(number, ?3), \
             expires_at = COALESCE(?4, expires_at), sn = COALESCE(?5, sn), updated_at = ?6, \
             resend_count = COALESCE(?7, resend_count), resend_locked_until = ?8 \
             WHERE id = ?1",
            params![
                id,
                status.as_str(),
                update.number,
                update.expires_at.map(ms),
                update.sn,
                ms(now),
                update.resend_count,
                update.resend_locked_until.map(ms)
            ],
        )?;
        if status != before.status {
            insert_event(&tx, id, now, "status", status, update.message.as_deref())?;
        }
        let new_otps = append_otps(&tx, id, &before.otps, &update.otps, now)?;
        tx.commit()?;
        drop(conn);
        let order = self.order(id)?.ok_or(JournalError::NoSuchOrder(id))?;
        Ok(Change {
            status_changed: order.status != before.status,
            order,
            new_otps,
        })
    }

    /// A cancel the provider confirmed.
    pub fn record_cancelled(
        &self,
        id: i64,
        outcome: &CancelOutcome,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        let status = before.status.advance(OrderStatus::Cancelled);
        tx.execute(
            "UPDATE orders SET status = ?2, refunded = COALESCE(?3, refunded), updated_at = ?4 WHERE id = ?1",
            params![id, status.as_str(), outcome.refunded.map(|r| r.0), ms(now)],
        )?;
        insert_event(
            &tx,
            id,
            now,
            "cancelled",
            status,
            outcome.message.as_deref(),
        )?;
        tx.commit()?;
        drop(conn);
        self.order(id)?.ok_or(JournalError::NoSuchOrder(id))
    }

    /// Moves an order to `status` (finish, expiry seen locally, …).
    pub fn set_status(
        &self,
        id: i64,
        status: OrderStatus,
        kind: &str,
        detail: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        // Buy outcomes may overwrite Buying/Unknown; otherwise only advance.
        let next = match (before.status, status) {
            (OrderStatus::Buying | OrderStatus::Unknown, s) => s,
            (b, s) => b.advance(s),
        };
        tx.execute(
            "UPDATE orders SET status = ?2, updated_at = ?3, note = COALESCE(?4, note) WHERE id = ?1",
            params![id, next.as_str(), ms(now), detail],
        )?;
        insert_event(&tx, id, now, kind, next, detail)?;
        tx.commit()?;
        drop(conn);
        self.order(id)?.ok_or(JournalError::NoSuchOrder(id))
    }

    /// Appends an event that does not change the status (cancel asked,
    /// rate-limited, resend asked).
    pub fn note_event(
        &self,
        id: i64,
        kind: &str,
        detail: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn();
        let status: String = conn
            .query_row("SELECT status FROM orders WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(JournalError::NoSuchOrder(id))?;
        conn.execute(
            "INSERT INTO order_events (order_id, at, kind, status, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, ms(now), kind, status, detail],
        )?;
        Ok(())
    }

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
            .query_row(
                "SELECT id FROM orders WHERE account = ?1 AND idempotency_key = ?2",
                params![account, key],
                |r| r.get(0),
            )
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
        let mut stmt = conn.prepare(&sql)?;
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

    /// `PRAGMA integrity_check` said "ok".
    pub fn integrity_ok(&self) -> Result<bool> {
        let conn = self.conn();
        let s: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(s == "ok")
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

fn load_order(conn: &Connection, id: i64) -> Result<Order> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1");
    let mut order = conn
        .query_row(&sql, [id], order_from_row)
        .optional()?
        .ok_or(JournalError::NoSuchOrder(id))?;
    order.otps = load_otps(conn, id)?;
    Ok(order)
}

fn load_otps(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT code FROM otps WHERE order_id = ?1 ORDER BY seq")?;
    let codes = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(codes)
}

fn insert_event(
    conn: &Connection,
    id: i64,
    now: DateTime<Utc>,
    kind: &str,
    status: OrderStatus,
    detail: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO order_events (order_id, at, kind, status, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, ms(now), kind, status.as_str(), detail],
    )?;
    Ok(())
}

/// Appends the codes of `incoming` not yet known. Some APIs send the whole
/// timeline, others only the latest code, so a code already journaled is
/// never added twice (a resend that repeats a code is not a new OTP).
fn append_otps(
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
        conn.execute(
            "INSERT INTO otps (order_id, seq, code, received_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, all.len() as i64, code, ms(now)],
        )?;
        insert_event(conn, id, now, "otp", OrderStatus::OtpReceived, Some(code))?;
        all.push(code.to_string());
        added.push(code.to_string());
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OTPZap's resend gating survives in the journal and is cleared when
    /// the API says it is over.
    #[test]
    fn resend_count_and_lock_are_kept() {
        let j = Journal::open_in_memory().expect("journal");
        let o = j.begin_order(&new_order("k1"), Utc::now()).expect("row");
        j.record_placed(o.id, &placed(&[]), Utc::now())
            .expect("placed");
        let until = Utc::now() + chrono::Duration::seconds(40);
        let upd = OrderUpdate {
            resend_count: Some(2),
            resend_locked_until: Some(until),
            ..Default::default()
        };
        let c = j.record_update(o.id, &upd, Utc::now()).expect("update");
        assert_eq!(c.order.resend_count, Some(2));
        assert_eq!(
            c.order.resend_locked_until.map(|t| t.timestamp_millis()),
            Some(until.timestamp_millis())
        );
        let c = j
            .record_update(o.id, &OrderUpdate::default(), Utc::now())
            .expect("update");
        assert_eq!(c.order.resend_count, Some(2), "a poll without it keeps it");
        assert_eq!(c.order.resend_locked_until, None, "unlocked");
    }

    /// A journal written by the first schema opens, migrates, and keeps
    /// its orders (country_name is new and empty for them).
    #[test]
    fn an_old_journal_migrates_and_keeps_its_orders() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("old.sqlite3");
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(MIGRATIONS[0]).expect("v1 schema");
            conn.pragma_update(None, "user_version", 1)
                .expect("version");
            conn.execute(
                "INSERT INTO orders (account, provider, idempotency_key, service_id, service, \
                 country, offer_id, price, status, created_at, updated_at) \
                 VALUES ('acc', 'nexotp', 'k1', 'wa', 'WhatsApp', 'id', 'any', 6500, 'waiting', 1, 1)",
                [],
            )
            .expect("old row");
        }
        let j = Journal::open(&path).expect("migrates");
        let o = j
            .find_by_key("acc", "k1")
            .expect("query")
            .expect("row kept");
        assert_eq!(o.price, Rupiah(6500));
        assert_eq!(o.country.as_deref(), Some("id"));
        assert_eq!(o.country_name, None);
        let mut n = new_order("k2");
        n.country_name = Some("Indonesia".into());
        let o2 = j.begin_order(&n, Utc::now()).expect("new row");
        assert_eq!(o2.country_name.as_deref(), Some("Indonesia"));
        drop(j);
        let again = Journal::open(&path).expect("reopens at the same version");
        assert!(again.find_by_key("acc", "k2").expect("query").is_some());
    }

    fn new_order(key: &str) -> NewOrder {
        NewOrder {
            account: "acc".into(),
            provider: ProviderKind::NexOtp,
            idempotency_key: key.into(),
            service_id: "whatsapp".into(),
            service: "WhatsApp".into(),
            country: Some("id".into()),
            country_name: None,
            offer_id: "any".into(),
            operator: None,
            customer_number: None,
            price: Rupiah(6500),
        }
    }

    fn placed(otps: &[&str]) -> PlacedOrder {
        PlacedOrder {
            provider_order_id: "ord_1".into(),
            number: "+62812".into(),
            price: Rupiah(6500),
            status: OrderStatus::Waiting,
            expires_at: None,
            otps: otps.iter().map(|s| s.to_string()).collect(),
            sn: None,
        }
    }

    #[test]
    fn order_lifecycle_is_journaled() {
        let j = Journal::open_in_memory().unwrap();
        let now = Utc::now();
        let o = j.begin_order(&new_order("k1"), now).unwrap();
        assert_eq!(o.status, OrderStatus::Buying);
        let c = j.record_placed(o.id, &placed(&[]), now).unwrap();
        assert_eq!(c.order.status, OrderStatus::Waiting);
        assert_eq!(c.order.provider_order_id.as_deref(), Some("ord_1"));
        let upd = OrderUpdate {
            status: Some(OrderStatus::OtpReceived),
            otps: vec!["111111".into()],
            ..Default::default()
        };
        let c = j.record_update(o.id, &upd, now).unwrap();
        assert_eq!(c.new_otps, vec!["111111"]);
        // The same timeline again adds nothing; a longer one adds the new code.
        assert!(j
            .record_update(o.id, &upd, now)
            .unwrap()
            .new_otps
            .is_empty());
        let upd2 = OrderUpdate {
            otps: vec!["111111".into(), "222222".into()],
            ..Default::default()
        };
        assert_eq!(
            j.record_update(o.id, &upd2, now).unwrap().new_otps,
            vec!["222222"]
        );
        // A latest-only API that sends just the newest code adds nothing new.
        let latest = OrderUpdate {
            otps: vec!["222222".into()],
            ..Default::default()
        };
        assert!(j
            .record_update(o.id, &latest, now)
            .unwrap()
            .new_otps
            .is_empty());
        let o2 = j.order(o.id).unwrap().unwrap();
        assert_eq!(o2.otps, vec!["111111", "222222"]);
        assert_eq!(j.otp_log(10).unwrap().len(), 2);
        assert_eq!(j.find(None, "ord_1").unwrap().unwrap().id, o.id);
        assert_eq!(
            j.find(Some("acc"), &o.id.to_string()).unwrap().unwrap().id,
            o.id
        );
        assert!(j.find(Some("other"), "ord_1").unwrap().is_none());
    }

    #[test]
    fn stale_updates_do_not_move_back() {
        let j = Journal::open_in_memory().unwrap();
        let now = Utc::now();
        let o = j.begin_order(&new_order("k2"), now).unwrap();
        j.record_placed(o.id, &placed(&[]), now).unwrap();
        j.record_cancelled(
            o.id,
            &CancelOutcome {
                refunded: Some(Rupiah(6500)),
                message: None,
            },
            now,
        )
        .unwrap();
        let upd = OrderUpdate {
            status: Some(OrderStatus::Waiting),
            ..Default::default()
        };
        let c = j.record_update(o.id, &upd, now).unwrap();
        assert_eq!(c.order.status, OrderStatus::Cancelled);
        assert_eq!(c.order.refunded, Some(Rupiah(6500)));
        assert!(!c.status_changed);
    }

    #[test]
    fn idempotency_key_is_unique_per_account() {
        let j = Journal::open_in_memory().unwrap();
        let now = Utc::now();
        j.begin_order(&new_order("dup"), now).unwrap();
        assert!(j.begin_order(&new_order("dup"), now).is_err());
        assert!(j.find_by_key("acc", "dup").unwrap().is_some());
    }

    #[test]
    fn survives_reopen_and_passes_integrity_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite3");
        let now = Utc::now();
        {
            let j = Journal::open(&path).unwrap();
            let o = j.begin_order(&new_order("k3"), now).unwrap();
            j.record_unknown(o.id, "timeout", now).unwrap();
        }
        let j = Journal::open(&path).unwrap();
        let orders = j
            .orders(&OrderFilter {
                active_only: true,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].status, OrderStatus::Unknown);
        assert_eq!(orders[0].price, Rupiah(6500));
        assert!(j.integrity_ok().unwrap());
        let kinds: Vec<String> = j
            .events(orders[0].id)
            .unwrap()
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(kinds, vec!["buy_sent", "reply_lost"]);
    }
}

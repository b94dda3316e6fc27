//! The journal's tables and how an older file is brought up to date.

use super::{JournalError, Result};
use rusqlite::Connection;

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
    // Deposits: written before the create request, updated with every reply.
    r#"
CREATE TABLE deposits (
    id          INTEGER PRIMARY KEY,
    account     TEXT NOT NULL,
    provider    TEXT NOT NULL,
    key         TEXT NOT NULL,
    provider_id TEXT,
    amount      INTEGER NOT NULL,
    method      TEXT NOT NULL,
    status      TEXT NOT NULL,
    total       INTEGER,
    fee         INTEGER,
    credited    INTEGER,
    payment     TEXT,
    paid_with   TEXT,
    note        TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    UNIQUE (account, key)
);
CREATE INDEX deposits_by_status ON deposits (status);
CREATE TABLE deposit_events (
    id         INTEGER PRIMARY KEY,
    deposit_id INTEGER NOT NULL REFERENCES deposits (id),
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL,
    detail     TEXT
);
"#,
    // Balances read when an account was quiet: the start of a window whose
    // balance change the journal must explain (the clue for lost buys).
    "CREATE TABLE balance_checkpoints ( \
         id      INTEGER PRIMARY KEY, \
         account TEXT NOT NULL, \
         at      INTEGER NOT NULL, \
         balance INTEGER NOT NULL); \
     CREATE INDEX balance_checkpoints_by_account ON balance_checkpoints (account, at);",
    // Issue 14, auto_replace_after: one row per order the rule replaces,
    // written before its cancel and given the replacement's account and
    // request before that buy is sent (see journal/replace_links.rs).
    "CREATE TABLE replace_links ( \
         from_order INTEGER PRIMARY KEY REFERENCES orders (id), \
         root_order INTEGER NOT NULL, \
         attempt    INTEGER NOT NULL, \
         key        TEXT NOT NULL, \
         step       TEXT NOT NULL, \
         account    TEXT, \
         request    TEXT, \
         note       TEXT, \
         created_at INTEGER NOT NULL, \
         updated_at INTEGER NOT NULL, \
         UNIQUE (root_order, attempt));",
    // seller: GoTopUp settlement requests, written before the request is
    // sent and after its reply (journal/settlements.rs).
    "CREATE TABLE settlements ( \
         id            INTEGER PRIMARY KEY, \
         account       TEXT NOT NULL, \
         ref_id        TEXT NOT NULL, \
         amount        INTEGER NOT NULL, \
         bank_code     TEXT NOT NULL, \
         account_number TEXT NOT NULL, \
         account_name  TEXT NOT NULL, \
         settlement_id TEXT, \
         fee           INTEGER, \
         net_amount    INTEGER, \
         status        TEXT NOT NULL, \
         note          TEXT, \
         created_at    INTEGER NOT NULL, \
         updated_at    INTEGER NOT NULL, \
         UNIQUE (account, ref_id));",
    // A deposit reply's fields beyond the documented ones (a USDT
    // invoice's address and amount), as a JSON list of [key, value].
    "ALTER TABLE deposits ADD COLUMN extras TEXT;",
];

/// Sets the connection up and applies the migrations this file lacks; a
/// file migrated by a newer otpdeck is refused rather than misread.
pub(super) fn prepare(conn: &Connection) -> Result<()> {
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
    Ok(())
}

/// The second connection of a journal file, which commits only a poll's
/// news: `synchronous = NORMAL` (see `record.rs` for why that is safe).
/// The file is already in WAL mode and migrated by the first.
pub(super) fn prepare_polls(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::new_order;
    use super::super::Journal;
    use super::*;
    use crate::money::Rupiah;
    use chrono::Utc;

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
}

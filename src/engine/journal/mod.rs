//! The order journal: SQLite in WAL mode. A row is written before a buy is
//! sent and updated with the reply; every status change and OTP is appended.
//! Nothing else in otpdeck writes order state, so after any crash the journal
//! says what may have been charged.

mod balances;
mod deposits;
mod emails;
mod identity;
pub use balances::Checkpoint;
mod orders;
mod otps;
mod pushed;
pub use pushed::PUSH_UNSIGNED;
mod order_changes;
pub use order_changes::may_be_news;
mod own_record;
mod replace_links;
mod schema;
mod settlements;
pub use settlements::SettlementRow;

pub use deposits::NewDeposit;
pub use own_record::{OrderFact, OwnRecord};

use crate::domain::{Order, ProviderKind};
use crate::money::Rupiah;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;
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
    #[error("no deposit {0} in the journal")]
    NoSuchDeposit(i64),
    #[error("order #{0} is {1}, not unknown: only a buy that got no clear reply can be settled")]
    NotUnknown(i64, &'static str),
    #[error("the journal {path} was {how}: restart otpdeck (nothing more is bought or recorded into a file no later start would read)")]
    Replaced { path: String, how: &'static str },
    #[error("the journal {path} cannot be read ({message}); move it aside (otpdeck then starts a new one) or restore it from a backup")]
    Unreadable { path: String, message: String },
    #[error("cannot create the journal folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, JournalError>;

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
    /// What the provider said about a still-active order whose status did
    /// not move (e.g. Otomax "waiting for the provider's callback"). Shown
    /// on the row, never journaled: writing it would commit on every poll.
    pub note: Option<String>,
}

pub struct Journal {
    conn: Mutex<Conns>,
    /// The file opened; None in memory.
    identity: Option<identity::FileIdentity>,
}

/// The journal's connections, behind one lock so they never write at
/// once: `main` (`synchronous = FULL`) for everything, and for a file a
/// second one at `NORMAL` that only commits a poll's news
/// (`record_update`). NORMAL in WAL mode is safe if otpdeck crashes,
/// though a power cut may lose the last few polls' commits; nothing that
/// matters is lost: the order stays active in the journal, so the next
/// start polls the provider again and records the same news, and the
/// next buy, cancel or deposit commits with FULL and makes everything
/// before it durable too. With 1,000 orders the news is 2,000 commits a
/// minute: at FULL their fsyncs were half the timing soak's CPU, and
/// switching one connection between the two settings cost SQLite a
/// re-prepare of the pragma each time (the second connection's reason).
struct Conns {
    main: Connection,
    polls: Option<Connection>,
}

impl std::ops::Deref for Conns {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.main
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(v).single().unwrap_or_default()
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
        let unreadable = |e: JournalError| match e {
            JournalError::Db(db) => JournalError::Unreadable {
                path: path.display().to_string(),
                message: db.to_string(),
            },
            other => other,
        };
        let conn = Connection::open(path).map_err(|e| unreadable(e.into()))?;
        schema::prepare(&conn).map_err(unreadable)?;
        let polls = Connection::open(path).map_err(|e| unreadable(e.into()))?;
        schema::prepare_polls(&polls).map_err(unreadable)?;
        Ok(Journal {
            conn: Mutex::new(Conns {
                main: conn,
                polls: Some(polls),
            }),
            identity: identity::FileIdentity::of(path),
        })
    }

    /// One connection: nothing in memory waits for a disk.
    pub fn open_in_memory() -> Result<Journal> {
        let conn = Connection::open_in_memory()?;
        schema::prepare(&conn)?;
        Ok(Journal {
            conn: Mutex::new(Conns {
                main: conn,
                polls: None,
            }),
            identity: None,
        })
    }

    fn conn(&self) -> MutexGuard<'_, Conns> {
        // A panic while holding the lock leaves SQLite consistent (each
        // change is one transaction), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `PRAGMA integrity_check` said "ok".
    pub fn integrity_ok(&self) -> Result<bool> {
        let conn = self.conn();
        let s: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(s == "ok")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderStatus, PlacedOrder};

    pub(super) fn new_order(key: &str) -> NewOrder {
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

    pub(super) fn placed(otps: &[&str]) -> PlacedOrder {
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

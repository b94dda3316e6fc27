//! Deposits in the journal: the row written before the create request, and
//! every reply after it (status, QR payload, credited amount), each with an
//! event, one transaction each.

use super::{from_ms, ms, Journal, JournalError, Result};
use crate::domain::{Deposit, DepositMethod, DepositStatus, DepositUpdate, ProviderKind};
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

/// A deposit about to be requested.
#[derive(Debug, Clone)]
pub struct NewDeposit {
    pub account: String,
    pub provider: ProviderKind,
    pub key: String,
    pub amount: Rupiah,
    pub method: DepositMethod,
}

const COLUMNS: &str = "id, account, provider, key, provider_id, amount, method, status, total, \
     fee, credited, payment, paid_with, note, created_at, updated_at, expires_at, extras";

fn deposit_of(r: &Row) -> rusqlite::Result<Deposit> {
    let provider: String = r.get(2)?;
    let method: String = r.get(6)?;
    let status: String = r.get(7)?;
    let money = |i: usize| -> rusqlite::Result<Option<Rupiah>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(Rupiah))
    };
    Ok(Deposit {
        id: r.get(0)?,
        account: r.get(1)?,
        provider: provider.parse().unwrap_or(ProviderKind::GateOtp),
        key: r.get(3)?,
        provider_id: r.get(4)?,
        amount: Rupiah(r.get(5)?),
        method: DepositMethod::parse(&method).unwrap_or(DepositMethod::Qris),
        status: DepositStatus::parse(&status).unwrap_or(DepositStatus::Unknown),
        total: money(8)?,
        fee: money(9)?,
        credited: money(10)?,
        payment: r.get(11)?,
        paid_with: r.get(12)?,
        note: r.get(13)?,
        created_at: from_ms(r.get(14)?),
        updated_at: from_ms(r.get(15)?),
        expires_at: r.get::<_, Option<i64>>(16)?.map(from_ms),
        // Written by otpdeck itself; an unreadable one shows as none.
        extras: r
            .get::<_, Option<String>>(17)?
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default(),
    })
}

fn load(conn: &Connection, id: i64) -> Result<Deposit> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM deposits WHERE id = ?1"),
        params![id],
        deposit_of,
    )
    .optional()?
    .ok_or(JournalError::NoSuchDeposit(id))
}

fn event(
    conn: &Connection,
    id: i64,
    at: DateTime<Utc>,
    kind: &str,
    status: DepositStatus,
    detail: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO deposit_events (deposit_id, at, kind, status, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, ms(at), kind, status.as_str(), detail],
    )?;
    Ok(())
}

impl Journal {
    /// Writes the deposit row before its create request is sent.
    pub fn begin_deposit(&self, new: &NewDeposit, now: DateTime<Utc>) -> Result<Deposit> {
        self.check_file()?;
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO deposits (account, provider, key, amount, method, status, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'creating', ?6, ?6)",
            params![
                new.account,
                new.provider.as_str(),
                new.key,
                new.amount.0,
                new.method.as_str(),
                ms(now)
            ],
        )?;
        let id = tx.last_insert_rowid();
        event(&tx, id, now, "create_sent", DepositStatus::Creating, None)?;
        tx.commit()?;
        load(&conn, id)
    }

    /// Records what the provider said about a deposit. A final status is
    /// never undone by a later, older reply.
    pub fn record_deposit(
        &self,
        id: i64,
        kind: &str,
        u: &DepositUpdate,
        now: DateTime<Utc>,
    ) -> Result<Deposit> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load(&tx, id)?;
        let status = match u.status {
            Some(s) if !before.status.is_final() => s,
            _ => before.status,
        };
        tx.execute(
            "UPDATE deposits SET provider_id = COALESCE(?2, provider_id), status = ?3, \
             total = COALESCE(?4, total), fee = COALESCE(?5, fee), credited = COALESCE(?6, credited), \
             payment = COALESCE(?7, payment), paid_with = COALESCE(?8, paid_with), \
             note = COALESCE(?9, note), expires_at = COALESCE(?10, expires_at), updated_at = ?11, \
             extras = COALESCE(?12, extras) \
             WHERE id = ?1",
            params![
                id,
                u.provider_id,
                status.as_str(),
                u.total.map(|r| r.0),
                u.fee.map(|r| r.0),
                u.credited.map(|r| r.0),
                u.payment,
                u.paid_with,
                u.note,
                u.expires_at.map(ms),
                ms(now),
                // A reply with none keeps those an earlier one gave.
                (!u.extras.is_empty())
                    .then(|| serde_json::to_string(&u.extras).unwrap_or_default()),
            ],
        )?;
        if status != before.status || kind != "poll" {
            event(&tx, id, now, kind, status, u.note.as_deref())?;
        }
        tx.commit()?;
        load(&conn, id)
    }

    /// Marks a deposit whose create got no clear reply, or that failed.
    pub fn mark_deposit(
        &self,
        id: i64,
        status: DepositStatus,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Deposit> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE deposits SET status = ?2, note = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, status.as_str(), note, ms(now)],
        )?;
        event(&tx, id, now, "marked", status, Some(note))?;
        tx.commit()?;
        load(&conn, id)
    }

    pub fn deposit(&self, id: i64) -> Result<Option<Deposit>> {
        let conn = self.conn();
        match load(&conn, id) {
            Ok(d) => Ok(Some(d)),
            Err(JournalError::NoSuchDeposit(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The deposit created under `key` for `account`, if any.
    pub fn deposit_by_key(&self, account: &str, key: &str) -> Result<Option<Deposit>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM deposits WHERE account = ?1 AND key = ?2"),
                params![account, key],
                deposit_of,
            )
            .optional()?)
    }

    /// A deposit by its local number or the provider's id.
    pub fn find_deposit(&self, account: &str, id: &str) -> Result<Option<Deposit>> {
        let local = id.trim_start_matches('#').parse::<i64>().ok();
        let conn = self.conn();
        let found = conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM deposits WHERE account = ?1 AND (id = ?2 OR provider_id = ?3) \
                     ORDER BY id DESC LIMIT 1"
                ),
                params![account, local.unwrap_or(-1), id],
                deposit_of,
            )
            .optional()?;
        Ok(found)
    }

    /// Deposits, newest first; only those not over with `open_only`.
    pub fn deposits(
        &self,
        account: Option<&str>,
        open_only: bool,
        limit: usize,
    ) -> Result<Vec<Deposit>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM deposits WHERE (?1 IS NULL OR account = ?1) \
             AND (?2 = 0 OR status IN ('creating', 'pending', 'unknown')) ORDER BY id DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![account, open_only as i64, limit as i64], deposit_of)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deposit_is_journaled_before_and_after_and_survives_reopening() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("j.sqlite");
        let now = Utc::now();
        let id = {
            let j = Journal::open(&path).expect("open");
            let d = j
                .begin_deposit(
                    &NewDeposit {
                        account: "gate".into(),
                        provider: ProviderKind::GateOtp,
                        key: "k1".into(),
                        amount: Rupiah(50_000),
                        method: DepositMethod::Qris,
                    },
                    now,
                )
                .expect("begin");
            assert_eq!(d.status, DepositStatus::Creating);
            let u = DepositUpdate {
                provider_id: Some("WN1".into()),
                status: Some(DepositStatus::Pending),
                total: Some(Rupiah(50_200)),
                payment: Some("000201".into()),
                ..Default::default()
            };
            let d = j.record_deposit(d.id, "created", &u, now).expect("record");
            assert!(d.pollable());
            d.id
        };
        let j = Journal::open(&path).expect("reopen");
        let d = j.deposit(id).expect("read").expect("there");
        assert_eq!(d.total, Some(Rupiah(50_200)));
        assert_eq!(j.deposits(None, true, 10).expect("list").len(), 1);
        let paid = DepositUpdate {
            status: Some(DepositStatus::Success),
            credited: Some(Rupiah(50_000)),
            ..Default::default()
        };
        let d = j.record_deposit(id, "poll", &paid, now).expect("paid");
        assert_eq!(d.credited, Some(Rupiah(50_000)));
        // A final deposit does not go back to pending.
        let late = DepositUpdate {
            status: Some(DepositStatus::Pending),
            ..Default::default()
        };
        let d = j.record_deposit(id, "poll", &late, now).expect("late");
        assert_eq!(d.status, DepositStatus::Success);
        assert!(j.deposits(None, true, 10).expect("list").is_empty());
        assert_eq!(
            j.find_deposit("gate", "WN1").expect("find").map(|d| d.id),
            Some(id)
        );
        assert_eq!(
            j.find_deposit("gate", "#1").expect("find").map(|d| d.id),
            Some(id)
        );
    }
}

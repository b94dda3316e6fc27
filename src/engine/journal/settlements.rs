//! GoTopUp seller settlements (withdrawals): a row is written before the
//! request is sent ("sending") and updated from the reply, so a crash or a
//! timeout leaves a trace that can only be replayed with the same ref_id.

use super::{from_ms, ms, Journal, Result};
use crate::domain::seller::{BankAccount, Settlement, SettlementRequest};
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

pub use crate::domain::seller::SettlementRow;

const COLS: &str = "id, account, ref_id, amount, bank_code, account_number, account_name, \
     settlement_id, fee, net_amount, status, note, created_at, updated_at";

fn row_of(r: &Row) -> rusqlite::Result<SettlementRow> {
    Ok(SettlementRow {
        id: r.get(0)?,
        account: r.get(1)?,
        ref_id: r.get(2)?,
        amount: Rupiah(r.get(3)?),
        bank: BankAccount {
            bank_code: r.get(4)?,
            account_number: r.get(5)?,
            account_name: r.get(6)?,
        },
        settlement_id: r.get(7)?,
        fee: r.get::<_, Option<i64>>(8)?.map(Rupiah),
        net_amount: r.get::<_, Option<i64>>(9)?.map(Rupiah),
        status: r.get(10)?,
        note: r.get(11)?,
        created_at: from_ms(r.get(12)?),
        updated_at: from_ms(r.get(13)?),
    })
}

/// A final status is never undone by a later reply; "completed" or
/// "failed" may follow any other.
fn may_replace(old: &str, new: &str) -> bool {
    !matches!(old, "completed" | "failed" | "refused") || old == new
}

impl Journal {
    /// Writes the settlement before it is sent. The same (account, ref_id)
    /// returns the row already there, untouched: the caller decides whether
    /// it may be replayed.
    pub fn begin_settlement(
        &self,
        account: &str,
        r: &SettlementRequest,
        now: DateTime<Utc>,
    ) -> Result<(SettlementRow, bool)> {
        self.check_file()?;
        if let Some(old) = self.settlement(account, &r.ref_id)? {
            return Ok((old, false));
        }
        let conn = self.conn();
        conn.execute(
            "INSERT INTO settlements (account, ref_id, amount, bank_code, account_number, \
             account_name, status, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sending', ?7, ?7)",
            params![
                account,
                r.ref_id,
                r.amount.0,
                r.bank.bank_code,
                r.bank.account_number,
                r.bank.account_name,
                ms(now)
            ],
        )?;
        drop(conn);
        let row = self
            .settlement(account, &r.ref_id)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        Ok((row, true))
    }

    /// Records the API's reply: id, fee, net and status.
    pub fn record_settlement(
        &self,
        account: &str,
        ref_id: &str,
        s: &Settlement,
        now: DateTime<Utc>,
    ) -> Result<Option<SettlementRow>> {
        let Some(old) = self.settlement(account, ref_id)? else {
            return Ok(None);
        };
        if may_replace(&old.status, &s.status) {
            self.conn().execute(
                "UPDATE settlements SET settlement_id = COALESCE(?3, settlement_id), \
                 fee = COALESCE(?4, fee), net_amount = COALESCE(?5, net_amount), status = ?6, \
                 note = NULL, updated_at = ?7 WHERE account = ?1 AND ref_id = ?2",
                params![
                    account,
                    ref_id,
                    s.settlement_id,
                    s.fee.map(|f| f.0),
                    s.net_amount.map(|f| f.0),
                    s.status,
                    ms(now)
                ],
            )?;
        }
        self.settlement(account, ref_id)
    }

    /// Sets a status we decided ("unclear", "refused") or one a webhook
    /// brought ("completed"), with a note; final statuses stay.
    pub fn mark_settlement(
        &self,
        account: &str,
        ref_id: &str,
        status: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<SettlementRow>> {
        if let Some(old) = self.settlement(account, ref_id)? {
            if may_replace(&old.status, status) {
                self.conn().execute(
                    "UPDATE settlements SET status = ?3, note = ?4, updated_at = ?5 \
                     WHERE account = ?1 AND ref_id = ?2",
                    params![account, ref_id, status, note, ms(now)],
                )?;
            }
        }
        self.settlement(account, ref_id)
    }

    pub fn settlement(&self, account: &str, ref_id: &str) -> Result<Option<SettlementRow>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("SELECT {COLS} FROM settlements WHERE account = ?1 AND ref_id = ?2"),
                params![account, ref_id],
                row_of,
            )
            .optional()?)
    }

    /// An account's settlements (all accounts when `None`), newest first.
    pub fn settlements(&self, account: Option<&str>) -> Result<Vec<SettlementRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLS} FROM settlements WHERE ?1 IS NULL OR account = ?1 ORDER BY id DESC"
        ))?;
        let rows = stmt
            .query_map(params![account], row_of)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_before_updated_after_and_final_stays() {
        let j = Journal::open_in_memory().expect("journal");
        let r = SettlementRequest {
            amount: Rupiah(100_000),
            bank: BankAccount {
                bank_code: "BCA".into(),
                account_number: "123".into(),
                account_name: "N".into(),
            },
            ref_id: "S1".into(),
        };
        let now = Utc::now();
        let (row, new) = j.begin_settlement("s", &r, now).expect("begin");
        assert!(new);
        assert_eq!(row.status, "sending");
        let (again, new) = j.begin_settlement("s", &r, now).expect("again");
        assert!(!new);
        assert_eq!(again.id, row.id);
        let s = Settlement {
            settlement_id: Some("SETT1".into()),
            amount: Rupiah(100_000),
            fee: Some(Rupiah(1_000)),
            net_amount: Some(Rupiah(99_000)),
            status: "completed".into(),
            estimated_completion: None,
        };
        let done = j.record_settlement("s", "S1", &s, now).unwrap().unwrap();
        assert_eq!(done.net_amount, Some(Rupiah(99_000)));
        let after = j
            .mark_settlement("s", "S1", "unclear", None, now)
            .unwrap()
            .unwrap();
        assert_eq!(after.status, "completed");
        assert_eq!(j.settlements(Some("s")).unwrap().len(), 1);
        assert!(j.settlements(Some("other")).unwrap().is_empty());
    }
}

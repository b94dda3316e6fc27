//! Balance checkpoints: an account's balance read at a quiet moment, the
//! start of a window whose balance change the journal must explain.

use super::{from_ms, ms, Journal, Result};
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Checkpoint {
    /// Taken before the balance was asked: every order created from here
    /// on is inside the window.
    pub at: DateTime<Utc>,
    pub balance: Rupiah,
}

impl Journal {
    pub fn record_checkpoint(&self, account: &str, cp: Checkpoint) -> Result<()> {
        self.conn().execute(
            "INSERT INTO balance_checkpoints (account, at, balance) VALUES (?1, ?2, ?3)",
            params![account, ms(cp.at), cp.balance.0],
        )?;
        Ok(())
    }

    /// When the order was first journaled as placed (its provider id
    /// known), if it was.
    pub fn placed_at(&self, id: i64) -> Result<Option<DateTime<Utc>>> {
        let at: Option<i64> = self.conn().query_row(
            "SELECT MIN(at) FROM order_events WHERE order_id = ?1 AND kind = 'placed'",
            [id],
            |r| r.get(0),
        )?;
        Ok(at.map(from_ms))
    }

    /// The account's latest checkpoint.
    pub fn last_checkpoint(&self, account: &str) -> Result<Option<Checkpoint>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT at, balance FROM balance_checkpoints WHERE account = ?1 \
                 ORDER BY at DESC, id DESC LIMIT 1",
                [account],
                |r| {
                    Ok(Checkpoint {
                        at: from_ms(r.get(0)?),
                        balance: Rupiah(r.get(1)?),
                    })
                },
            )
            .optional()?)
    }
}

//! A settlement, journaled before and after its request: the one path the
//! CLI and the dashboard share. The spending table says nothing makes a
//! repeat safe (the doc never says a used ref_id is refused or returns the
//! first), so a ref_id already journaled is sent again only when its
//! request never left (`not_sent`), always with the journaled amount and
//! bank. One that may have gone out stays UNCLEAR until the provider's own
//! record (its `settlement.completed` push) settles it.

use crate::domain::seller::{check_settlement, SettlementRequest};
use crate::domain::spending::{verdict, Failure, SpendingCall, Verdict};
use crate::engine::journal::{Journal, SettlementRow};
use crate::providers::gotopup::GoTopUpSeller;
use chrono::Utc;

pub use crate::domain::seller::{replayable, SettleOutcome};

/// Statuses that may have paid out and are not settled yet: `sending` was
/// cut off around its request, `unclear` got no readable reply.
pub fn unsettled(status: &str) -> bool {
    matches!(status, "sending" | "unclear")
}

/// A journaled row that is not sent again, as the outcome it stands for.
/// One cut off around its request (`sending`) is unclear from now on.
fn standing(journal: &Journal, account: &str, row: SettlementRow) -> Result<SettleOutcome, String> {
    if row.status == "sending" {
        let note = "otpdeck stopped around this request before its reply was journaled: it may have paid out";
        let row = journal
            .mark_settlement(account, &row.ref_id, "unclear", Some(note), Utc::now())
            .map_err(journal_err)?
            .unwrap_or(row);
        return Ok(SettleOutcome::Unclear(row));
    }
    Ok(if unsettled(&row.status) {
        SettleOutcome::Unclear(row)
    } else {
        SettleOutcome::Already(row)
    })
}

fn journal_err(e: impl std::fmt::Display) -> String {
    format!("journal: {e}")
}

/// Checks, journals, sends once, journals the reply.
pub async fn settle(
    journal: &Journal,
    seller: &GoTopUpSeller,
    account: &str,
    req: &SettlementRequest,
) -> Result<SettleOutcome, String> {
    check_settlement(req).map_err(|e| format!("not sent: {e}"))?;
    let (row, new) = journal
        .begin_settlement(account, req, Utc::now())
        .map_err(journal_err)?;
    if !new {
        if row.amount != req.amount || row.bank != req.bank {
            return Err(format!(
                "not sent: ref_id {} was already used for {} to {} {}; use another ref_id",
                row.ref_id, row.amount, row.bank.bank_code, row.bank.account_number
            ));
        }
        if !replayable(&row.status) {
            return standing(journal, account, row);
        }
    }
    send(journal, seller, account, &row).await
}

/// Replays a journaled settlement whose outcome is unknown, same ref_id,
/// same amount and bank.
pub async fn resume(
    journal: &Journal,
    seller: &GoTopUpSeller,
    account: &str,
    ref_id: &str,
) -> Result<SettleOutcome, String> {
    let row = journal
        .settlement(account, ref_id)
        .map_err(journal_err)?
        .ok_or_else(|| format!("no settlement {ref_id} in the journal for '{account}'"))?;
    if !replayable(&row.status) {
        return standing(journal, account, row);
    }
    send(journal, seller, account, &row).await
}

async fn send(
    journal: &Journal,
    seller: &GoTopUpSeller,
    account: &str,
    row: &SettlementRow,
) -> Result<SettleOutcome, String> {
    // A payout recorded into a deleted or replaced journal is one no
    // later start would know of.
    journal.check_file().map_err(journal_err)?;
    let reply = seller.request_settlement(&row.request()).await;
    let now = Utc::now();
    let missing = || format!("settlement {} vanished from the journal", row.ref_id);
    match reply {
        Ok(s) => journal
            .record_settlement(account, &row.ref_id, &s, now)
            .map_err(journal_err)?
            .map(SettleOutcome::Sent)
            .ok_or_else(missing),
        Err(e) => {
            let call = SpendingCall::SettlementRequest;
            let (status, wrap): (&str, fn(SettlementRow) -> SettleOutcome) =
                match verdict(call, e.failure(), false) {
                    Verdict::Unclear | Verdict::Done => ("unclear", SettleOutcome::Unclear),
                    // Never reached the provider, or refused before it was
                    // looked at: the same ref_id may go again.
                    Verdict::NotDone
                        if matches!(e.failure(), Failure::NotSent | Failure::Status(429)) =>
                    {
                        ("not_sent", SettleOutcome::Refused)
                    }
                    Verdict::NotDone => ("refused", SettleOutcome::Refused),
                };
            journal
                .mark_settlement(account, &row.ref_id, status, Some(&e.to_string()), now)
                .map_err(journal_err)?
                .map(wrap)
                .ok_or_else(missing)
        }
    }
}

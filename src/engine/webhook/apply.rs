//! Applying a pushed event to the journal, exactly like a poll: the same
//! `record_update` (orders), `record_deposit` and `record_settlement`, so a
//! delivery repeated (providers retry) or one that tells what a poll
//! already told changes nothing.

use super::inbox::{Inbox, Kept};
use crate::domain::{Deposit, DepositUpdate, Order, OrderUpdate};
use crate::engine::journal::{Journal, JournalError, SettlementRow};
use crate::providers::push::{PushAbout, PushEvent};
use chrono::{DateTime, Utc};

/// What a delivery changed, to show like a poll's result.
#[derive(Debug, Clone)]
pub enum Pushed {
    Order(Order),
    Deposit(Deposit),
    Settlement(SettlementRow),
    /// Not applied (nothing in the journal it is about), kept for the
    /// user; sent once per distinct delivery.
    Kept(Kept),
}

#[derive(Debug, Clone)]
pub enum Applied {
    Changed(Box<Pushed>),
    /// Known, nothing new (a duplicate delivery, or already final).
    Unchanged,
    /// Kept in the inbox; None when this delivery was kept before.
    Kept(Option<Kept>),
}

/// The order an event is about: our idempotency key first (GoTopUp
/// `ref_id`), else the provider's id. Never the local number, which a
/// provider id like "12" could otherwise be mistaken for.
pub(super) fn find(
    journal: &Journal,
    account: &str,
    provider_id: Option<&str>,
    key: Option<&str>,
) -> Result<Option<Order>, JournalError> {
    if let Some(k) = key {
        if let Some(o) = journal.find_by_key(account, k)? {
            return Ok(Some(o));
        }
    }
    if let Some(id) = provider_id {
        if let Some(o) = journal.find(Some(account), id)? {
            if o.provider_order_id.as_deref() == Some(id) {
                return Ok(Some(o));
            }
        }
    }
    // Otomax and GoTopUp may name the order by ref_id alone, which is also
    // what otpdeck records as the provider id when none came back.
    if let Some(k) = key {
        if let Some(o) = journal.find(Some(account), k)? {
            if o.provider_order_id.as_deref() == Some(k) {
                return Ok(Some(o));
            }
        }
    }
    Ok(None)
}

/// The code a kept order event carries (latest OTP, else SN), so the user
/// can still use it.
fn code_of(u: &OrderUpdate) -> Option<String> {
    u.otps.last().cloned().or_else(|| u.sn.clone())
}

pub fn apply(
    journal: &Journal,
    inbox: &Inbox,
    account: &str,
    event: &PushEvent,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Applied, JournalError> {
    let keep = |why: String, code: Option<String>| {
        tracing::warn!(account, event = %event.event, "webhook kept: {why}");
        Applied::Kept(inbox.keep(account, &event.event, &why, code, body, now))
    };
    match &event.about {
        PushAbout::Order {
            provider_id,
            key,
            update,
        } => {
            let Some(before) = find(journal, account, provider_id.as_deref(), key.as_deref())?
            else {
                let id = provider_id.as_deref().or(key.as_deref()).unwrap_or("?");
                return Ok(keep(
                    format!("no order in the journal for {id}"),
                    code_of(update),
                ));
            };
            let change = journal.record_update(before.id, update, now)?;
            if change.order.updated_at != before.updated_at
                || change.status_changed
                || !change.new_otps.is_empty()
            {
                Ok(Applied::Changed(Box::new(Pushed::Order(change.order))))
            } else {
                Ok(Applied::Unchanged)
            }
        }
        PushAbout::Deposit { update } => deposit(journal, account, update, now, keep),
        PushAbout::Settlement { ref_id, settlement } => {
            let row = match ref_id {
                Some(r) => journal.settlement(account, r)?,
                None => None,
            };
            let row = match (row, &settlement.settlement_id) {
                (Some(r), _) => Some(r),
                (None, Some(id)) => journal
                    .settlements(Some(account))?
                    .into_iter()
                    .find(|s| s.settlement_id.as_deref() == Some(id)),
                (None, None) => None,
            };
            let Some(before) = row else {
                let id = ref_id.as_deref().or(settlement.settlement_id.as_deref());
                return Ok(keep(
                    format!("no settlement in the journal for {}", id.unwrap_or("?")),
                    None,
                ));
            };
            if before.is_final() {
                return Ok(Applied::Unchanged);
            }
            match journal.record_settlement(account, &before.ref_id, settlement, now)? {
                Some(after) if after.status != before.status => {
                    Ok(Applied::Changed(Box::new(Pushed::Settlement(after))))
                }
                _ => Ok(Applied::Unchanged),
            }
        }
    }
}

fn deposit(
    journal: &Journal,
    account: &str,
    update: &DepositUpdate,
    now: DateTime<Utc>,
    keep: impl Fn(String, Option<String>) -> Applied,
) -> Result<Applied, JournalError> {
    let id = update.provider_id.as_deref().unwrap_or("?");
    let Some(before) = journal.find_deposit(account, id)? else {
        return Ok(keep(format!("no deposit in the journal for {id}"), None));
    };
    // Only the provider's id names a deposit here, never our local number.
    if before.provider_id.as_deref() != Some(id) {
        return Ok(keep(format!("no deposit in the journal for {id}"), None));
    }
    if before.status.is_final() {
        return Ok(Applied::Unchanged);
    }
    let after = journal.record_deposit(before.id, "push", update, now)?;
    if after.status != before.status {
        Ok(Applied::Changed(Box::new(Pushed::Deposit(after))))
    } else {
        Ok(Applied::Unchanged)
    }
}

//! Applying a pushed event to the journal, exactly like a poll: the same
//! `record_update`, so a delivery repeated (providers retry) or one that
//! tells what a poll already told changes nothing.

use super::inbox::Inbox;
use crate::domain::Order;
use crate::engine::journal::{Journal, JournalError};
use crate::providers::push::{PushAbout, PushEvent};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
pub enum Applied {
    /// The order moved (status, OTP, SN ...): show it like a poll result.
    Changed(Order),
    /// Known order, nothing new (a duplicate delivery).
    Unchanged(Order),
    /// Not applied: kept in the inbox for the user, with why.
    Kept(String),
}

/// The order an event is about: our idempotency key first (GoTopUp
/// `ref_id`), else the provider's id. Never the local number, which a
/// provider id like "12" could otherwise be mistaken for.
fn find(
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

pub fn apply(
    journal: &Journal,
    inbox: &Inbox,
    account: &str,
    event: &PushEvent,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Applied, JournalError> {
    let PushAbout::Order {
        provider_id,
        key,
        update,
    } = &event.about
    else {
        let why = "not applied to the journal (kept for you)".to_string();
        inbox.keep(account, &event.event, &why, body, now);
        return Ok(Applied::Kept(why));
    };
    let Some(before) = find(journal, account, provider_id.as_deref(), key.as_deref())? else {
        let why = format!(
            "no order in the journal for {}",
            provider_id.as_deref().or(key.as_deref()).unwrap_or("?")
        );
        tracing::warn!(account, event = %event.event, "webhook for an unknown order kept");
        inbox.keep(account, &event.event, &why, body, now);
        return Ok(Applied::Kept(why));
    };
    let change = journal.record_update(before.id, update, now)?;
    if change.order.updated_at != before.updated_at
        || change.status_changed
        || !change.new_otps.is_empty()
    {
        Ok(Applied::Changed(change.order))
    } else {
        Ok(Applied::Unchanged(change.order))
    }
}

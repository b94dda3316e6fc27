//! Deliveries that carry no signature, on an account set to
//! `webhook_signature = "none"` (GoTopUp: the Otomax callback signs
//! nothing). Anyone who can reach the receiver can send one, so it may do
//! little: move an order the journal already knows, and is still waiting,
//! to the end it names (success with an SN: finished; failed: failed;
//! pending: nothing). It never creates an order, never touches a deposit
//! or a settlement, and a final order stays as it is.
//!
//! Where the account has a Bearer key, the end is first confirmed by one
//! history lookup (`/api/buyer/transactions` filtered by that status from
//! the order's day): only what the history says is written, and when it
//! disagrees or the lookup fails nothing is, and the poller goes on.
//! Without a key nothing can be asked, so the order is moved and its note
//! says "by callback, unverified" (the row and `otpdeck orders` show it).

use super::apply::find;
use crate::domain::history::HistoryQuery;
use crate::domain::{Order, OrderStatus, OrderUpdate, Transaction};
use crate::engine::journal::{Journal, JournalError};
use crate::providers::push::{PushAbout, PushEvent};
use crate::providers::{offered, SharedProvider};
use chrono::{DateTime, Utc};

pub use crate::domain::webhook::{CONFIRMED_NOTE as CONFIRMED, UNVERIFIED_NOTE as UNVERIFIED};

/// What an account set to `webhook_signature = "none"` may do.
#[derive(Clone, Default)]
pub struct Unsigned {
    /// The account's adapter, to confirm by history; None: no Bearer key.
    pub confirm: Option<SharedProvider>,
}

impl std::fmt::Debug for Unsigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unsigned")
            .field("confirm", &self.confirm.is_some())
            .finish()
    }
}

#[derive(Debug)]
pub enum Verdict {
    /// The order moved: shown like a poll's result.
    Moved(Box<Order>),
    /// Answered, nothing changed, for this reason (logged).
    Nothing(String),
    /// Not for an unsigned delivery to say (answered 401).
    Refused(&'static str),
}

/// The end an unsigned delivery names, if it names one it may bring.
fn claimed(u: &OrderUpdate) -> Result<OrderUpdate, String> {
    match u.status {
        Some(OrderStatus::Finished) => {
            let sn =
                u.sn.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .ok_or("success without an SN moves nothing")?;
            Ok(end(OrderStatus::Finished, Some(sn.to_string())))
        }
        Some(OrderStatus::Failed) => Ok(end(OrderStatus::Failed, None)),
        Some(s) => Err(format!("'{s}' moves nothing")),
        None => Err("no status".into()),
    }
}

/// Only the status and the SN (also the order's code, as a poll has it):
/// nothing else an unsigned body says is taken.
fn end(status: OrderStatus, sn: Option<String>) -> OrderUpdate {
    OrderUpdate {
        status: Some(status),
        otps: sn.iter().cloned().collect(),
        sn,
        ..Default::default()
    }
}

fn word(s: OrderStatus) -> &'static str {
    if s == OrderStatus::Finished {
        "success"
    } else {
        "failed"
    }
}

/// The history's row for `order`, filtered by the claimed status.
async fn look_up(
    provider: &SharedProvider,
    order: &Order,
    status: OrderStatus,
) -> Result<Option<Transaction>, String> {
    let q = HistoryQuery {
        status: Some(word(status).into()),
        // A day early: the API's day may be in another time zone.
        from: order.created_at.date_naive().pred_opt(),
        to: None,
        page: 1,
        limit: crate::domain::history::HISTORY_MAX_LIMIT,
    };
    let history = offered(provider.history(), "transaction history").map_err(|e| e.to_string())?;
    let page = history.page(&q).await.map_err(|e| e.to_string())?;
    Ok(page
        .transactions
        .into_iter()
        .find(|t| t.reference == order.idempotency_key))
}

/// What the history says of the claim: the update to write, or why not.
fn agreed(claim: &OrderUpdate, row: Option<Transaction>) -> Result<OrderUpdate, String> {
    let want = claim.status.unwrap_or(OrderStatus::Waiting);
    let Some(t) = row else {
        return Err(format!(
            "the history does not show it as {} (yet)",
            word(want)
        ));
    };
    if t.status != want {
        return Err(format!("the history says {}", t.status));
    }
    if want == OrderStatus::Finished && t.sn.as_deref().map(str::trim) != claim.sn.as_deref() {
        return Err("the history's SN is another".into());
    }
    Ok(end(t.status, t.sn.map(|s| s.trim().to_string())))
}

pub async fn apply(
    journal: &Journal,
    account: &str,
    policy: &Unsigned,
    event: &PushEvent,
    now: DateTime<Utc>,
) -> Result<Verdict, JournalError> {
    let PushAbout::Order {
        provider_id,
        key,
        update,
    } = &event.about
    else {
        return Ok(Verdict::Refused(
            "an unsigned delivery may only move an order",
        ));
    };
    let claim = match claimed(update) {
        Ok(c) => c,
        Err(why) => return Ok(Verdict::Nothing(why)),
    };
    let Some(before) = find(journal, account, provider_id.as_deref(), key.as_deref())? else {
        let id = key.as_deref().or(provider_id.as_deref()).unwrap_or("?");
        return Ok(Verdict::Nothing(format!(
            "no order in the journal for {id}"
        )));
    };
    if !before.status.is_active() {
        return Ok(Verdict::Nothing(format!(
            "order #{} is {}, not waiting",
            before.id, before.status
        )));
    }
    let (write, note) = match &policy.confirm {
        None => (claim, UNVERIFIED),
        Some(p) => match look_up(p, &before, claim.status.unwrap_or(OrderStatus::Waiting))
            .await
            .and_then(|row| agreed(&claim, row))
        {
            Ok(u) => (u, CONFIRMED),
            Err(why) => {
                return Ok(Verdict::Nothing(format!(
                    "order #{} not ended by the push: {why}; polling goes on",
                    before.id
                )))
            }
        },
    };
    let change = journal.record_pushed(before.id, &write, note, now)?;
    if change.status_changed {
        Ok(Verdict::Moved(Box::new(change.order)))
    } else {
        Ok(Verdict::Nothing(format!(
            "order #{} is already {}",
            before.id, change.order.status
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(status: OrderStatus, sn: Option<&str>) -> Transaction {
        Transaction {
            reference: "R1".into(),
            provider_id: None,
            product: None,
            customer_number: None,
            price: None,
            status,
            sn: sn.map(str::to_string),
            message: None,
            at: None,
        }
    }

    #[test]
    fn only_an_end_with_what_it_needs_is_claimed() {
        let u = |status, sn: Option<&str>| OrderUpdate {
            status: Some(status),
            sn: sn.map(str::to_string),
            number: Some("0812".into()),
            ..Default::default()
        };
        let done = claimed(&u(OrderStatus::Finished, Some(" 5512 "))).unwrap();
        assert_eq!(done.sn.as_deref(), Some("5512"));
        assert_eq!(done.otps, vec!["5512".to_string()]);
        assert!(done.number.is_none(), "nothing else is taken");
        assert!(claimed(&u(OrderStatus::Finished, None)).is_err());
        assert!(claimed(&u(OrderStatus::Finished, Some(" "))).is_err());
        assert!(claimed(&u(OrderStatus::Waiting, None)).is_err());
        let failed = claimed(&u(OrderStatus::Failed, None)).unwrap();
        assert_eq!(failed.status, Some(OrderStatus::Failed));
    }

    #[test]
    fn the_history_must_say_the_same() {
        let claim = end(OrderStatus::Finished, Some("5512".into()));
        let ok = agreed(&claim, Some(tx(OrderStatus::Finished, Some("5512")))).unwrap();
        assert_eq!(ok.sn.as_deref(), Some("5512"));
        assert!(agreed(&claim, None).is_err());
        assert!(agreed(&claim, Some(tx(OrderStatus::Finished, Some("9999")))).is_err());
        assert!(agreed(&claim, Some(tx(OrderStatus::Failed, None))).is_err());
        let fail = end(OrderStatus::Failed, None);
        assert!(agreed(&fail, Some(tx(OrderStatus::Failed, None))).is_ok());
        assert!(agreed(&fail, Some(tx(OrderStatus::Finished, Some("1")))).is_err());
    }
}

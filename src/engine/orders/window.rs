//! The balance window: the engine's balance clue, for lost buys settled at
//! start (`reconcile_unknown`, when no buy of this process is in flight).
//!
//! A checkpoint is the account's balance read at a quiet moment. Later,
//! at another quiet moment, the balance is read again; the orders created
//! since the checkpoint whose outcome the journal knows explain part of the
//! change. When what is left is exactly zero, none of the lost buys since
//! the checkpoint was charged; when it is exactly their sum, all were.
//! Either is journaled as a clue on each of them; "not charged" settles an
//! order only where a second clue agrees (a replay with its key was
//! refused). Anything in between says nothing.
//!
//! Quiet means the journal can explain every movement: no deposit open or
//! ended inside the window, no buy in flight
//! (`Buying`), no cancel whose outcome is unknown, no waiting order near
//! or past its expiry (the provider may have refunded it unseen), no lost
//! replace, and no order from before the window that changed inside it.

use super::ops::CANCEL_UNCLEAR;
use super::settle::{settle_by_clues, Verdict, CLUE, REPLAY_REFUSED};
use super::EngineError;
use crate::domain::{Order, OrderStatus};
use crate::engine::journal::{Checkpoint, Journal, OrderFilter};
use crate::money::Rupiah;
use crate::providers::Provider;
use chrono::{DateTime, Duration, Utc};

/// Waiting orders closer than this to their expiry make the account
/// unquiet: the provider may refund them any moment.
const EXPIRY_MARGIN: Duration = Duration::seconds(60);

fn refunded(o: &Order) -> bool {
    matches!(o.status, OrderStatus::Cancelled | OrderStatus::Expired)
        || (o.status == OrderStatus::Failed && o.provider_order_id.is_some())
}

/// What the journal says order `o` charged, when it is known.
fn known_charge(o: &Order) -> Option<Rupiah> {
    match o.status {
        OrderStatus::Buying | OrderStatus::Unknown => None,
        // A refund the API reported may be short of the price (OTPZap's
        // email cancellation fee): the rest was charged. One it did not
        // report is the whole price only where a doc promises that.
        _ if refunded(o) => match o.refunded {
            Some(r) => Some(Rupiah((o.price.0 - r.0).max(0))),
            None if crate::domain::spending::refund_promised(o.provider, &o.offer_id, o.status) => {
                Some(Rupiah(0))
            }
            None => None,
        },
        // Closed by hand or by clues without a provider id: Finished was
        // charged, Failed was not.
        OrderStatus::Failed => Some(Rupiah(0)),
        _ => Some(o.price),
    }
}

/// Whether every movement of the account's balance is one the journal
/// can explain at `now` (see the module notes).
fn quiet(journal: &Journal, orders: &[Order], now: DateTime<Utc>) -> Result<bool, EngineError> {
    for o in orders {
        match o.status {
            OrderStatus::Buying => return Ok(false),
            OrderStatus::Waiting if o.expires_at.is_none_or(|e| e - EXPIRY_MARGIN <= now) => {
                return Ok(false)
            }
            OrderStatus::Unknown if journal.is_replacement(o.id)? => return Ok(false),
            _ => {}
        }
        if o.status.is_active() {
            // A cancel that may have refunded the order unseen: its reply
            // was lost, or none was journaled. (A lost replace leaves its
            // new half UNKNOWN and a replacement: checked above.)
            let events = journal.events(o.id)?;
            let last_cancel = events.iter().rev().find(|e| {
                matches!(
                    e.0.as_str(),
                    "cancel_sent" | "cancel_failed" | "cancel_cooldown" | CANCEL_UNCLEAR
                )
            });
            let unclear = last_cancel.is_some_and(|e| e.0 == "cancel_sent")
                || events.iter().any(|e| e.0 == CANCEL_UNCLEAR);
            if unclear {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

fn account_orders(journal: &Journal, account: &str) -> Result<Vec<Order>, EngineError> {
    Ok(journal.orders(&OrderFilter {
        account: Some(account.to_string()),
        active_only: false,
        limit: None,
    })?)
}

/// Deposits move the balance too: one still open (creating, pending or
/// unclear) may be credited any moment, and one that ended after `since`
/// may have been; either leaves the window without a clue rather than
/// with a wrong one.
fn deposits_quiet(
    journal: &Journal,
    account: &str,
    since: DateTime<Utc>,
) -> Result<bool, EngineError> {
    let recent = journal.deposits(Some(account), false, 500)?;
    Ok(!recent
        .iter()
        .any(|d| !d.status.is_final() || d.updated_at >= since))
}

/// Reads the balance and keeps it as a checkpoint, when the account is
/// quiet. Returns it.
pub async fn balance_checkpoint(
    provider: &dyn Provider,
    journal: &Journal,
    account: &str,
) -> Result<Option<Checkpoint>, EngineError> {
    let at = Utc::now();
    if !quiet(journal, &account_orders(journal, account)?, at)?
        || !deposits_quiet(journal, account, at)?
    {
        return Ok(None);
    }
    let balance = provider.balance().await?;
    let cp = Checkpoint { at, balance };
    journal.record_checkpoint(account, cp)?;
    Ok(Some(cp))
}

/// The window clue for the account's lost buys since its last checkpoint
/// (see the module notes); then a new checkpoint. Returns the orders it
/// settled.
pub async fn settle_by_balance_window(
    provider: &dyn Provider,
    journal: &Journal,
    account: &str,
) -> Result<Vec<Order>, EngineError> {
    let Some(cp) = journal.last_checkpoint(account)? else {
        balance_checkpoint(provider, journal, account).await?;
        return Ok(Vec::new());
    };
    let now = Utc::now();
    let orders = account_orders(journal, account)?;
    if !quiet(journal, &orders, now)? || !deposits_quiet(journal, account, cp.at)? {
        return Ok(Vec::new());
    }
    let (inside, before): (Vec<&Order>, Vec<&Order>) =
        orders.iter().partition(|o| o.created_at >= cp.at);
    // An order from before the window that was refunded inside it cannot
    // be placed on either side of the checkpoint.
    if before.iter().any(|o| refunded(o) && o.updated_at >= cp.at) {
        return Ok(Vec::new());
    }
    // Nor one that was unclear at the checkpoint and placed inside the
    // window (by a replay): its charge may fall on either side.
    for o in &before {
        if o.provider_order_id.is_some() && journal.placed_at(o.id)?.is_some_and(|t| t >= cp.at) {
            return Ok(Vec::new());
        }
    }
    let unclear: Vec<&Order> = inside
        .iter()
        .copied()
        .filter(|o| o.status == OrderStatus::Unknown && o.provider_order_id.is_none())
        .collect();
    if unclear.is_empty() {
        // Nothing to learn; move the window on.
        balance_checkpoint(provider, journal, account).await?;
        return Ok(Vec::new());
    }
    let mut known = 0i64;
    for o in &inside {
        if matches!(o.status, OrderStatus::Buying | OrderStatus::Unknown) {
            continue;
        }
        match known_charge(o) {
            Some(r) => known += r.0,
            // A refund nobody stated: the balance cannot be explained.
            None => return Ok(Vec::new()),
        }
    }
    let at_risk: i64 = unclear.iter().map(|o| o.price.0).sum();
    let read_at = Utc::now();
    let after = provider.balance().await?;
    let unexplained = cp.balance.0 - after.0 - known;
    let verdict = if unexplained == 0 {
        Some(Verdict::NotCharged)
    } else if unexplained == at_risk {
        Some(Verdict::Charged)
    } else {
        None
    };
    let Some(verdict) = verdict else {
        return Ok(Vec::new());
    };
    let clue = format!(
        "balance since {}: {} then {}, the journal's known charges {}, so the {} unclear buy(s) since were {} (likely {})",
        cp.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        cp.balance,
        after,
        Rupiah(known),
        unclear.len(),
        if verdict.charged() { "all charged" } else { "none charged" },
        verdict.as_str()
    );
    let mut settled = Vec::new();
    for o in unclear {
        journal.note_event(o.id, CLUE, Some(&clue), read_at)?;
        let refused = journal.events(o.id)?.iter().any(|e| e.0 == REPLAY_REFUSED);
        if verdict == Verdict::NotCharged && refused {
            let clues = vec![clue.clone(), super::settle::REPLAY_REFUSED_CLUE.to_string()];
            settled.push(settle_by_clues(journal, o, verdict, &clues, read_at)?);
        }
    }
    // The orders still unclear were charged (or not) before this read:
    // the next window starts here.
    journal.record_checkpoint(
        account,
        Checkpoint {
            at: read_at,
            balance: after,
        },
    )?;
    Ok(settled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProviderKind;

    fn order(status: OrderStatus, refunded: Option<i64>) -> Order {
        let t = Utc::now();
        Order {
            id: 1,
            account: "zap".into(),
            provider: ProviderKind::OtpZap,
            idempotency_key: "k".into(),
            provider_order_id: Some("APIE-3-1".into()),
            service_id: "email".into(),
            service: "Email OTP".into(),
            country: None,
            country_name: None,
            resend_count: None,
            resend_locked_until: None,
            offer_id: "email:{}".into(),
            operator: None,
            number: None,
            customer_number: None,
            price: Rupiah(3000),
            status,
            created_at: t,
            updated_at: t,
            expires_at: None,
            otps: Vec::new(),
            sn: None,
            refunded: refunded.map(Rupiah),
            note: None,
        }
    }

    #[test]
    fn a_refund_short_of_the_price_leaves_the_fee_charged() {
        // An email cancel refunds the price less the cancellation fee.
        let fee = known_charge(&order(OrderStatus::Cancelled, Some(2500)));
        assert_eq!(fee, Some(Rupiah(500)));
        // An email cancel that named no refund may have kept a fee: the
        // balance cannot be explained by it.
        assert_eq!(known_charge(&order(OrderStatus::Cancelled, None)), None);
        assert_eq!(
            known_charge(&order(OrderStatus::Expired, Some(3000))),
            Some(Rupiah(0))
        );
        assert_eq!(
            known_charge(&order(OrderStatus::Finished, None)),
            Some(Rupiah(3000))
        );
    }
}

//! What is done to a placed order: poll, cancel, finish, resend, replace.

use super::{order_ref, EngineError};
use crate::domain::{CancelOutcome, Order, OrderOp, OrderStatus, OrderUpdate};
use crate::engine::journal::{may_be_news, Change, Journal, NewOrder};
use crate::providers::{Provider, ProviderError};
use chrono::Utc;

/// The event of a cancel whose reply was lost.
pub const CANCEL_UNCLEAR: &str = "cancel_unclear";

/// One status poll, journaled when it brings news.
pub async fn poll(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Change, EngineError> {
    let r = order_ref(order)?;
    let update = provider.status(&r).await?;
    let mut change = if may_be_news(order, &update) {
        match journal.record_update(order.id, &update, Utc::now()) {
            Ok(c) => c,
            Err(error) => {
                return Err(EngineError::Unsaved {
                    update: Box::new(update),
                    error,
                })
            }
        }
    } else {
        Change {
            order: order.clone(),
            new_otps: Vec::new(),
            status_changed: false,
            note: None,
        }
    };
    if !change.status_changed && !change.order.status.is_final() {
        change.note = update.message;
    }
    Ok(change)
}

/// Cancels; the order is shown cancelled only once the API confirms it.
/// A cooldown (OTPZap's 2 minutes: 429 with Retry-After) is a state, not a
/// failure: it is journaled as `cancel_cooldown` with the seconds left, and
/// the `RateLimited` error is handed back so the caller can say when.
pub async fn cancel(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Order, EngineError> {
    let r = order_ref(order)?;
    journal.note_event(order.id, "cancel_sent", None, Utc::now())?;
    match provider.cancel(&r).await {
        Ok(outcome) => Ok(journal.record_cancelled(order.id, &outcome, Utc::now())?),
        Err(
            e @ ProviderError::RateLimited {
                retry_after: Some(d),
                ..
            },
        ) => {
            let secs = d.as_secs().max(1);
            tracing::info!(order = order.id, secs, "cancel in cooldown");
            journal.note_event(
                order.id,
                "cancel_cooldown",
                Some(&secs.to_string()),
                Utc::now(),
            )?;
            Err(e.into())
        }
        Err(e) => {
            // A cancel that may have been carried out (reply lost) may
            // have refunded the order: the balance window must know.
            let kind = if e.is_ambiguous() {
                CANCEL_UNCLEAR
            } else {
                "cancel_failed"
            };
            journal.note_event(order.id, kind, Some(&e.to_string()), Utc::now())?;
            Err(e.into())
        }
    }
}

pub async fn finish(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Order, EngineError> {
    let r = order_ref(order)?;
    provider.finish(&r).await?;
    Ok(journal.set_status(
        order.id,
        OrderStatus::Finished,
        "finished",
        None,
        Utc::now(),
    )?)
}

pub async fn resend(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Order, EngineError> {
    let r = order_ref(order)?;
    provider.resend(&r).await?;
    journal.note_event(order.id, "resend", None, Utc::now())?;
    // Counted at once, so the per-OTP gate holds before the next poll
    // brings the API's own count.
    if let Some(n) = order.resend_count {
        let bump = OrderUpdate {
            resend_count: Some(n + 1),
            resend_locked_until: order.resend_locked_until,
            ..Default::default()
        };
        journal.record_update(order.id, &bump, Utc::now())?;
    }
    Ok(journal.order(order.id)?.unwrap_or_else(|| order.clone()))
}

/// OTPZap S1 replace: the old order is cancelled (refunded) and a new one
/// journaled under a derived key, both in the journal.
pub async fn replace(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Change, EngineError> {
    let r = order_ref(order)?;
    let key = format!(
        "{}-r{}",
        order.idempotency_key,
        Utc::now().timestamp_millis()
    );
    // Marked as a replacement in the same write: its key is never sent (a
    // replace carries none), so a lost reply must not be replayed as a buy.
    let new = journal.begin_replacement(
        &NewOrder {
            account: order.account.clone(),
            provider: order.provider,
            idempotency_key: key,
            service_id: order.service_id.clone(),
            service: order.service.clone(),
            country: order.country.clone(),
            country_name: order.country_name.clone(),
            offer_id: order.offer_id.clone(),
            operator: order.operator.clone(),
            customer_number: order.customer_number.clone(),
            price: order.price,
        },
        Utc::now(),
    )?;
    match provider.replace_reported(&r).await {
        Ok((placed, refunded)) => {
            // Refunded by what the reply says, never assumed.
            let message = match refunded {
                Some(_) => format!("replaced by #{}", new.id),
                None => format!("replaced by #{}; the reply named no refund", new.id),
            };
            journal.record_cancelled(
                order.id,
                &CancelOutcome {
                    refunded,
                    message: Some(message),
                },
                Utc::now(),
            )?;
            Ok(journal.record_placed(new.id, &placed, Utc::now())?)
        }
        Err(e) if e.unclear_for(crate::domain::spending::SpendingCall::SmsReplace, false) => {
            let unknown = journal.record_unknown(new.id, &e.to_string(), Utc::now())?;
            Err(EngineError::Ambiguous {
                order: Box::new(unknown),
                reason: e.to_string(),
            })
        }
        Err(e) => {
            journal.record_buy_failed(new.id, &e.to_string(), Utc::now())?;
            Err(e.into())
        }
    }
}

/// What an order operation did.
#[derive(Debug, Clone, PartialEq)]
pub struct OpDone {
    pub op: OrderOp,
    /// The order as it now stands; after a replace, the new order.
    pub order: Order,
    /// After a replace: the old order, now cancelled (refunded).
    pub replaced: Option<Order>,
}

/// Runs `op` on `order`: the one entry point for callers that hold an
/// `OrderOp` (the CLI's cancel / finish / resend, the dashboard's effects),
/// so none of them matches on names. An operation the API does not offer
/// is refused before anything is sent.
pub async fn run_op(
    op: OrderOp,
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<OpDone, EngineError> {
    if !op.offered_by(&provider.capabilities()) {
        return Err(EngineError::Refused(format!(
            "{} orders cannot be {} through its API",
            provider.kind().display_name(),
            op.past_tense()
        )));
    }
    if !op.offered_for(&provider.capabilities(), order) {
        return Err(EngineError::Refused(format!(
            "order #{} cannot be {}: {} does that for Server 1 orders only",
            order.id,
            op.past_tense(),
            provider.kind().display_name()
        )));
    }
    if op == OrderOp::Resend {
        crate::domain::order_ops::resend_gate(order, Utc::now()).map_err(EngineError::Refused)?;
    }
    let (order, replaced) = match op {
        OrderOp::Cancel => (cancel(provider, journal, order).await?, None),
        OrderOp::Finish => (finish(provider, journal, order).await?, None),
        OrderOp::Resend => (resend(provider, journal, order).await?, None),
        OrderOp::Replace => {
            let new = replace(provider, journal, order).await?.order;
            let old = journal.order(order.id)?.unwrap_or_else(|| order.clone());
            (new, Some(old))
        }
    };
    Ok(OpDone {
        op,
        order,
        replaced,
    })
}

//! Buy, poll, cancel, finish, resend and replace, each journaled before and
//! after its request. These are the only paths that change order state; the
//! CLI and the TUI runtime both go through them.

use super::journal::{Change, Journal, JournalError, NewOrder};
use crate::domain::{BuyRequest, Order, OrderStatus};
use crate::providers::{OrderRef, Provider, ProviderError};
use chrono::Utc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The buy may have gone through; the order is kept as Unknown.
    #[error("no clear reply to the buy ({reason}); order #{} for {} is kept as UNKNOWN: check the provider before buying again", .order.id, .order.price)]
    Ambiguous { order: Box<Order>, reason: String },
    #[error("{0}")]
    Refused(String),
}

/// A fresh idempotency key (also GoTopUp's ref_id): short, unique, safe in
/// URLs and JSON.
pub fn new_idempotency_key() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("otpd-{}", &id[..20])
}

pub fn order_ref(order: &Order) -> Result<OrderRef, EngineError> {
    let provider_order_id = order.provider_order_id.clone().ok_or_else(|| {
        EngineError::Refused(format!(
            "order #{} has no provider id yet (status {}), so the provider cannot be asked about it",
            order.id, order.status
        ))
    })?;
    Ok(OrderRef {
        provider_order_id,
        idempotency_key: order.idempotency_key.clone(),
        created_at: Some(order.created_at),
        offer_id: Some(order.offer_id.clone()),
        customer_number: order.customer_number.clone(),
    })
}

/// Buys once. The journal row is written first; the reply (or its absence)
/// is written after. A key already in the journal is never bought blindly
/// again: a placed order is returned as is, an Unknown one is replayed only
/// where the API deduplicates on the key.
pub async fn buy(
    provider: &dyn Provider,
    journal: &Journal,
    account: &str,
    req: &BuyRequest,
) -> Result<Change, EngineError> {
    let idempotent = provider.capabilities().idempotent_buy;
    let existing = journal.find_by_key(account, &req.idempotency_key)?;
    let order = match existing {
        Some(o) if o.provider_order_id.is_some() => {
            return Ok(Change {
                order: o,
                new_otps: Vec::new(),
                status_changed: false,
            })
        }
        Some(o) if o.status == OrderStatus::Failed => {
            return Err(EngineError::Refused(format!(
                "key {} was already used for order #{}, which the provider refused; use a new key",
                req.idempotency_key, o.id
            )))
        }
        Some(o) if !idempotent => {
            return Err(EngineError::Ambiguous {
                reason: "an earlier attempt with this key got no clear reply, and this API cannot deduplicate a retry".into(),
                order: Box::new(o),
            })
        }
        Some(o) => o,
        None => journal.begin_order(
            &NewOrder {
                account: account.to_string(),
                provider: provider.kind(),
                idempotency_key: req.idempotency_key.clone(),
                service_id: req.service_id.clone(),
                service: req.service_name.clone(),
                country: req.country_id.clone(),
                offer_id: req.offer_id.clone(),
                operator: req.operator.clone(),
                customer_number: req.customer_number.clone(),
                price: req.price,
            },
            Utc::now(),
        )?,
    };
    tracing::info!(order = order.id, account, provider = %provider.kind(), "buy sent");
    match provider.buy(req).await {
        Ok(placed) => {
            tracing::info!(order = order.id, status = %placed.status, "buy placed");
            Ok(journal.record_placed(order.id, &placed, Utc::now())?)
        }
        Err(e) if e.is_ambiguous() => {
            tracing::warn!(order = order.id, error = %e, "buy reply lost");
            let order = journal.record_unknown(order.id, &e.to_string(), Utc::now())?;
            Err(EngineError::Ambiguous {
                order: Box::new(order),
                reason: e.to_string(),
            })
        }
        Err(e) => {
            tracing::info!(order = order.id, error = %e, "buy refused");
            journal.record_buy_failed(order.id, &e.to_string(), Utc::now())?;
            Err(e.into())
        }
    }
}

/// Replays Unknown buys of `account` where the API deduplicates on the key,
/// so a lost reply becomes a known order (or a known non-order). Returns the
/// orders that are still Unknown.
pub async fn reconcile_unknown(
    provider: &dyn Provider,
    journal: &Journal,
    account: &str,
) -> Result<Vec<Order>, EngineError> {
    let mut still_unknown = Vec::new();
    let candidates: Vec<Order> = journal
        .orders(&super::journal::OrderFilter {
            account: Some(account.to_string()),
            active_only: true,
            limit: None,
        })?
        .into_iter()
        .filter(|o| {
            matches!(o.status, OrderStatus::Unknown | OrderStatus::Buying)
                && o.provider_order_id.is_none()
        })
        .collect();
    for o in candidates {
        if !provider.capabilities().idempotent_buy {
            still_unknown.push(o);
            continue;
        }
        let req = BuyRequest {
            service_id: o.service_id.clone(),
            service_name: o.service.clone(),
            country_id: o.country.clone(),
            offer_id: o.offer_id.clone(),
            price: o.price,
            operator: o.operator.clone(),
            idempotency_key: o.idempotency_key.clone(),
            customer_number: o.customer_number.clone(),
        };
        match buy(provider, journal, account, &req).await {
            Ok(_) => {}
            Err(EngineError::Ambiguous { order, .. }) => still_unknown.push(*order),
            Err(EngineError::Provider(e)) => {
                tracing::info!(order = o.id, error = %e, "reconcile: provider refused the replay");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(still_unknown)
}

/// One status poll, journaled.
pub async fn poll(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Change, EngineError> {
    let r = order_ref(order)?;
    let update = provider.status(&r).await?;
    Ok(journal.record_update(order.id, &update, Utc::now())?)
}

/// Cancels; the order is shown cancelled only once the API confirms it.
pub async fn cancel(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Order, EngineError> {
    let r = order_ref(order)?;
    journal.note_event(order.id, "cancel_sent", None, Utc::now())?;
    match provider.cancel(&r).await {
        Ok(outcome) => Ok(journal.record_cancelled(order.id, &outcome, Utc::now())?),
        Err(e) => {
            journal.note_event(order.id, "cancel_failed", Some(&e.to_string()), Utc::now())?;
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
    let new = journal.begin_order(
        &NewOrder {
            account: order.account.clone(),
            provider: order.provider,
            idempotency_key: key,
            service_id: order.service_id.clone(),
            service: order.service.clone(),
            country: order.country.clone(),
            offer_id: order.offer_id.clone(),
            operator: order.operator.clone(),
            customer_number: order.customer_number.clone(),
            price: order.price,
        },
        Utc::now(),
    )?;
    match provider.replace(&r).await {
        Ok(placed) => {
            journal.record_cancelled(
                order.id,
                &crate::domain::CancelOutcome {
                    refunded: Some(order.price),
                    message: Some(format!("replaced by #{}", new.id)),
                },
                Utc::now(),
            )?;
            Ok(journal.record_placed(new.id, &placed, Utc::now())?)
        }
        Err(e) if e.is_ambiguous() => {
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

/// Whether an order of this provider should be polled.
pub fn pollable(order: &Order) -> bool {
    order.provider_order_id.is_some() && order.status.is_active()
}

//! Buying once, and replaying buys whose reply was lost.

use super::EngineError;
use crate::domain::spending::Repeat;
use crate::domain::{BuyRequest, Order, OrderStatus, ProviderKind};
use crate::engine::journal::{Change, Journal, NewOrder, OrderFilter};
use crate::providers::Provider;
use chrono::Utc;

/// Buys once. The journal row is written first; the reply (or its absence)
/// is written after. A key already in the journal is never bought blindly
/// again: a placed order is returned as is, an Unknown one is replayed only
/// where the API deduplicates on the key (and never when the key was not
/// sent as a buy: the new half of an OTPZap replace).
///
/// A replay that is answered with an error keeps the order Unknown. The
/// first attempt may have been carried out, and none of the three APIs that
/// deduplicate documents that it checks the key before anything else: a
/// refusal (no balance, 429, 503, bad request, even 401) or a connection
/// failure on the replay speaks of the replay only, not of the first try.
/// Only a clear reply about the key itself (the order, or its failed state)
/// settles it.
pub async fn buy(
    provider: &dyn Provider,
    journal: &Journal,
    account: &str,
    req: &BuyRequest,
) -> Result<Change, EngineError> {
    // A replay spends too: never into a deleted or replaced journal.
    journal.check_file()?;
    // The spending table decides what may be sent again (email buys,
    // GateOTP and Otomax: never).
    let call = provider
        .capabilities()
        .buy_call(provider.kind(), &req.service_id, &req.offer_id);
    let idempotent = call.replayable();
    let existing = journal.find_by_key(account, &req.idempotency_key)?;
    let replay = existing.is_some();
    let order = match existing {
        Some(o) if o.provider_order_id.is_some() => {
            return Ok(Change {
                order: o,
                new_otps: Vec::new(),
                status_changed: false,
                note: None,
            })
        }
        Some(o) if o.status == OrderStatus::Failed => {
            return Err(EngineError::Refused(format!(
                "key {} was already used for order #{}, which the provider refused; use a new key",
                req.idempotency_key, o.id
            )))
        }
        Some(o) if !idempotent => {
            let reason = "an earlier attempt with this key got no clear reply, and this API cannot deduplicate a retry";
            // Cut off before its reply was journaled: its amount is at
            // risk (a buy of another process still in flight overrides).
            let o = if o.status == OrderStatus::Buying {
                journal.record_unknown(o.id, reason, Utc::now())?
            } else {
                o
            };
            return Err(EngineError::Ambiguous {
                reason: reason.into(),
                order: Box::new(o),
            });
        }
        Some(o) if is_replacement(journal, &o)? => {
            return Err(EngineError::Ambiguous {
                reason: "this order is the new number of a replace whose reply was lost; a replace carries no idempotency key, so it cannot be replayed as a buy".into(),
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
                country_name: req.country_name.clone(),
                offer_id: req.offer_id.clone(),
                operator: req.operator.clone(),
                customer_number: req.customer_number.clone(),
                // The offer's price is what the buy charges (GateOTP's
                // carries the markup), so a lost reply shows the true
                // amount at risk.
                price: req.price,
            },
            Utc::now(),
        )?,
    };
    if replay && call.repeat() == Repeat::LookupFirst {
        // Ask the provider's record by the key first: a repeat is sent only
        // where the record says the key was never used.
        match provider.lookup_buy(req, order.created_at).await {
            Ok(Some(placed)) => {
                tracing::info!(order = order.id, "lost buy found by its reference");
                return Ok(journal.record_placed(order.id, &placed, Utc::now())?);
            }
            Ok(None) => {
                tracing::info!(order = order.id, "reference unused: buy sent again");
            }
            Err(e) => {
                let reason = format!(
                    "the provider's record could not be read ({e}), so the buy was not sent again"
                );
                return Err(keep_unknown(journal, order.id, reason)?);
            }
        }
    }
    tracing::info!(order = order.id, account, provider = %provider.kind(), "buy sent");
    match provider.buy(req).await {
        Ok(placed) => {
            tracing::info!(order = order.id, status = %placed.status, "buy placed");
            Ok(journal.record_placed(order.id, &placed, Utc::now())?)
        }
        Err(e) if e.unclear_for(call, false) => {
            tracing::warn!(order = order.id, error = %e, "buy reply lost");
            let order = journal.record_unknown(order.id, &e.to_string(), Utc::now())?;
            Err(EngineError::Ambiguous {
                order: Box::new(order),
                reason: e.to_string(),
            })
        }
        Err(e) if replay => {
            let reason = format!(
                "a replay of this buy got \"{e}\", which does not show whether an earlier attempt went through"
            );
            tracing::warn!(order = order.id, error = %e, "buy replay unsettled; kept as unknown");
            let unsettled = keep_unknown(journal, order.id, reason)?;
            // A refusal that means "no order under this key now" (no
            // balance, no number, a bad request) is a clue that agrees with
            // "not charged", journaled as such; never enough on its own.
            if super::settle::refusal_is_a_clue(&e) {
                journal.note_event(
                    order.id,
                    super::settle::REPLAY_REFUSED,
                    Some(&e.to_string()),
                    Utc::now(),
                )?;
            }
            Err(unsettled)
        }
        Err(e) => {
            tracing::info!(order = order.id, error = %e, "buy refused");
            journal.record_buy_failed(order.id, &e.to_string(), Utc::now())?;
            Err(e.into())
        }
    }
}

/// Keeps a replayed buy UNKNOWN with `reason`; gives the error to return.
fn keep_unknown(journal: &Journal, id: i64, reason: String) -> Result<EngineError, EngineError> {
    let order = journal.set_status(
        id,
        OrderStatus::Unknown,
        super::settle::REPLAY_UNSETTLED,
        Some(&reason),
        Utc::now(),
    )?;
    Ok(EngineError::Ambiguous {
        order: Box::new(order),
        reason,
    })
}

/// Whether `order` is the new half of an OTPZap replace: journaled by
/// `replace` (marked when written), or, in journals written before that
/// mark existed, a key of the form `<key of an order in the journal>-r<ms>`.
fn is_replacement(journal: &Journal, order: &Order) -> Result<bool, EngineError> {
    if journal.is_replacement(order.id)? {
        return Ok(true);
    }
    if order.provider != ProviderKind::OtpZap {
        return Ok(false);
    }
    let Some((base, stamp)) = order.idempotency_key.rsplit_once("-r") else {
        return Ok(false);
    };
    if stamp.len() < 10 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(false);
    }
    Ok(journal
        .find_by_key(&order.account, base)?
        .is_some_and(|b| b.id != order.id))
}

/// Replays Unknown buys of `account` where the API deduplicates on the key,
/// so a lost reply becomes a known order (or a known non-order), then
/// looks at the balance window (`window.rs`). Returns the orders that are
/// still Unknown.
///
/// Runs at startup (and after a chaos run), when no buy of this process is
/// in flight: a row still Buying was cut off before its reply was journaled.
/// Where it cannot be replayed (no idempotency key, or the new half of a
/// replace) it is promoted to Unknown so its amount shows as at risk. Should
/// another process's buy still be in flight, its reply overrides this.
pub async fn reconcile_unknown(
    provider: &dyn Provider,
    journal: &Journal,
    account: &str,
) -> Result<Vec<Order>, EngineError> {
    let mut still_unknown = Vec::new();
    let candidates: Vec<Order> = journal
        .orders(&OrderFilter {
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
        let replayable = provider
            .capabilities()
            .buy_call(provider.kind(), &o.service_id, &o.offer_id)
            .replayable()
            && !is_replacement(journal, &o)?;
        let req = BuyRequest {
            service_id: o.service_id.clone(),
            service_name: o.service.clone(),
            country_id: o.country.clone(),
            country_name: o.country_name.clone(),
            offer_id: o.offer_id.clone(),
            price: o.price,
            operator: o.operator.clone(),
            idempotency_key: o.idempotency_key.clone(),
            customer_number: o.customer_number.clone(),
        };
        // Never sent again, but the provider's own record may name it (an
        // Otomax account's Bearer history): found, it is a placed order.
        if !replayable {
            if let Ok(Some(placed)) = provider.lookup_buy(&req, o.created_at).await {
                tracing::info!(order = o.id, "lost buy found in the provider's record");
                journal.record_placed(o.id, &placed, Utc::now())?;
                continue;
            }
        }
        if !replayable {
            let o = if o.status == OrderStatus::Buying {
                tracing::warn!(
                    order = o.id,
                    "buy cut off before its reply; kept as unknown"
                );
                journal.record_unknown(
                    o.id,
                    &format!(
                        "otpdeck stopped before the reply to this buy was journaled, and {} cannot be asked about it by key: it may have been charged; check the provider's order list before buying again",
                        o.provider
                    ),
                    Utc::now(),
                )?
            } else {
                o
            };
            still_unknown.push(o);
            continue;
        }
        match buy(provider, journal, account, &req).await {
            Ok(_) => {}
            Err(EngineError::Ambiguous { order, .. }) => still_unknown.push(*order),
            Err(EngineError::Provider(e)) => {
                tracing::info!(order = o.id, error = %e, "reconcile: provider refused the replay");
            }
            Err(e) => return Err(e),
        }
    }
    // The balance window: a clue for all of them at once (and the
    // checkpoint the next start measures from). A failed read settles
    // nothing and stops nothing.
    match super::window::settle_by_balance_window(provider, journal, account).await {
        Ok(settled) => still_unknown.retain(|o| !settled.iter().any(|s| s.id == o.id)),
        Err(e) => tracing::info!(account, error = %e, "balance window: no clue"),
    }
    Ok(still_unknown)
}

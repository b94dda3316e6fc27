//! Buy, poll, cancel, finish, resend and replace, each journaled before and
//! after its request. These are the only paths that change order state; the
//! CLI and the TUI runtime both go through them.
//!
//! `buy` holds buying and replaying lost buys; `ops` what is done to a
//! placed order (`run_op` is the one entry point for an `OrderOp`).

mod buy;
mod ops;
mod settle;
#[cfg(test)]
mod tests;
mod window;

pub use buy::{buy, reconcile_unknown};
pub use ops::{cancel, finish, poll, replace, resend, run_op, OpDone};
pub use settle::{
    balance_clue, note_clue, replay_refused, settle_by_clues, settle_by_hand, Verdict, CLUE,
    SETTLED_BY_CLUES, SETTLED_BY_HAND,
};
pub use window::{balance_checkpoint, settle_by_balance_window};

use super::journal::JournalError;
use crate::domain::Order;
use crate::providers::{OrderRef, ProviderError};
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
    /// The provider answered but the journal could not write it (disk
    /// full, journal gone): what it said is here so it can still be shown;
    /// the next poll asks again and writes it.
    #[error("the journal could not record the provider's answer ({error}); not saved yet")]
    Unsaved {
        update: Box<crate::domain::OrderUpdate>,
        error: JournalError,
    },
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

pub use crate::domain::pollable;

//! What a pushed event (webhook or Otomax callback) says, once an adapter
//! has read its wire shape: the same `OrderUpdate` a poll yields, and how
//! to find the order it is about.

use crate::domain::seller::Settlement;
use crate::domain::DepositUpdate;
use crate::domain::OrderUpdate;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct PushEvent {
    /// The event name as delivered (`order.otp_received`, `otomax`, ..).
    pub event: String,
    /// When the delivery was sent, where the payload carries a timestamp
    /// known to mean that (OTPZap); None where it may be the
    /// transaction's own time (GoTopUp). Older than 5 minutes: refused.
    pub sent_at: Option<DateTime<Utc>>,
    pub about: PushAbout,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PushAbout {
    /// An order change: found by the provider's id, else by our
    /// idempotency key (GoTopUp `ref_id`).
    Order {
        provider_id: Option<String>,
        key: Option<String>,
        update: OrderUpdate,
    },
    /// A top-up that was paid (OTPZap `deposit.success`): found by the
    /// provider's id in `update.provider_id`.
    Deposit { update: DepositUpdate },
    /// A seller's settlement that ended (GoTopUp `settlement.completed`):
    /// found by our `ref_id`, else by the provider's `settlement_id`.
    Settlement {
        ref_id: Option<String>,
        settlement: Settlement,
    },
}

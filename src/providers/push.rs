//! What a pushed event (webhook or Otomax callback) says, once an adapter
//! has read its wire shape: the same `OrderUpdate` a poll yields, and how
//! to find the order it is about.

use crate::domain::OrderUpdate;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct PushEvent {
    /// The event name as delivered (`order.otp_received`, `otomax`, ..).
    pub event: String,
    /// The delivery's own timestamp, where the payload carries one.
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
    /// Deposits and settlements: not applied to the journal yet; kept for
    /// the user in the webhook inbox.
    Other { id: Option<String> },
}

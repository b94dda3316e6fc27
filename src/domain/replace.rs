//! One link of an auto-replace chain (`[rules] auto_replace_after`): the
//! order that got no SMS, the attempt its replacement is, and the key that
//! replacement is bought with. Written to the journal when the rule decides
//! to cancel, and given its account and request BEFORE the buy is sent, so
//! a restart resumes the chain without buying twice.

use super::BuyRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReplaceStep {
    /// The cancel of the order is asked (or waits for its cooldown).
    Cancelling,
    /// The replacement's offer is chosen and its buy sent (or about to be).
    Buying,
    /// The chain stopped here without a replacement (an SMS came after
    /// all, no offer was left, the buy was refused).
    Ended,
}

impl ReplaceStep {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplaceStep::Cancelling => "cancelling",
            ReplaceStep::Buying => "buying",
            ReplaceStep::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<ReplaceStep> {
        match s {
            "cancelling" => Some(ReplaceStep::Cancelling),
            "buying" => Some(ReplaceStep::Buying),
            "ended" => Some(ReplaceStep::Ended),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReplaceLink {
    /// The order being replaced.
    pub from_order: i64,
    /// The first order of the chain.
    pub root_order: i64,
    /// The replacement's attempt number: 2 for the first replacement.
    pub attempt: u32,
    /// The replacement's idempotency key (`replacement_key`).
    pub idempotency_key: String,
    pub step: ReplaceStep,
    /// Where and what the replacement buys, once chosen.
    pub account: Option<String>,
    pub request: Option<BuyRequest>,
    /// The replacement's journal row, when it has one.
    pub replacement: Option<i64>,
    pub note: Option<String>,
}

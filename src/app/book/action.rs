//! The book's own actions: what the journal, the pollers and the replies
//! to buys and order operations tell the money book. Serde types, so an
//! engine process can hold the book and send these to it.

use crate::domain::BuyRequest;
use crate::domain::{Deposit, Order, OrderOp, Otp, ProviderError, ReplaceLink};
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BookAction {
    /// A poll's note on a pending order whose status did not move (None
    /// clears it); shown on the row, never journaled.
    OrderNote { order_id: i64, note: Option<String> },
    /// The journal's view of an order after any change.
    OrderChanged(Order),
    /// The journal's orders at start: shown as they are, without the
    /// balance refreshes and messages a live change brings.
    Restored(Vec<Order>),
    /// The journal's OTP history, newest first (at start).
    OtpHistory(Vec<Otp>),
    /// The balance read for the clue of an UNKNOWN order (asked after its
    /// unclear reply); it also updates the account's figure.
    ClueBalance {
        account: String,
        order_id: i64,
        result: Result<Rupiah, ProviderError>,
        now: DateTime<Utc>,
    },
    /// Settling an UNKNOWN order (by hand or by clues) was refused.
    SettleFailed { order_id: i64, error: String },
    /// A buy that the provider refused (nothing charged).
    BuyFailed {
        account: String,
        idempotency_key: String,
        error: String,
    },
    /// A buy whose reply was lost (its order, journaled as Unknown, arrives
    /// as OrderChanged too). Where the API deduplicates on the key, the app
    /// schedules replays with the same request.
    BuyUnclear {
        account: String,
        request: BuyRequest,
        order_id: i64,
        now: DateTime<Utc>,
    },
    /// A replay of a lost buy came back (its order arrives as OrderChanged).
    /// `refused`: the provider answered it with a refusal (no order under
    /// the key now), a clue that agrees with "not charged".
    ReplayDone {
        order_id: i64,
        refused: bool,
        now: DateTime<Utc>,
    },
    /// An order operation (None: a status check) failed.
    ActionFailed {
        order_id: i64,
        op: Option<OrderOp>,
        error: String,
        retry_after: Option<Duration>,
        now: DateTime<Utc>,
    },
    /// The poller of an order ended (final status, or it gave up).
    PollStopped { order_id: i64 },
    /// The journal's view of a deposit after any change.
    DepositChanged(Deposit),
    /// The journal's recent deposits at start.
    DepositsRestored(Vec<Deposit>),
    /// The poller of a deposit ended.
    DepositPollStopped { deposit_id: i64 },
    /// The journal's auto-replace links at start (`auto_replace.rs` resumes
    /// each chain from them).
    LinksRestored(Vec<ReplaceLink>),
    /// The user confirmed buys on an account (a quantity is one request
    /// each, under its own key): shown as "buying…", sent, and each
    /// balance figure kept as a clue should the reply be lost.
    StartBuys {
        account: String,
        requests: Vec<BuyRequest>,
        now: DateTime<Utc>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderStatus, ProviderKind};

    /// Every kind of book action survives a trip through JSON unchanged,
    /// errors and durations included: what an engine and its screens send.
    #[test]
    fn book_actions_go_through_json_unchanged() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 7, 9, 0, 0).unwrap();
        let order = Order {
            id: 7,
            account: "gate".into(),
            provider: ProviderKind::GateOtp,
            provider_order_id: Some("G-1".into()),
            idempotency_key: "k".into(),
            service_id: "wa".into(),
            service: "WhatsApp".into(),
            resend_count: None,
            resend_locked_until: None,
            operator: None,
            sn: None,
            country: Some("id".into()),
            country_name: Some("Indonesia".into()),
            offer_id: "o".into(),
            price: Rupiah(3_300),
            number: Some("+6281".into()),
            status: OrderStatus::Waiting,
            otps: vec!["123456".into()],
            created_at: now,
            updated_at: now,
            expires_at: None,
            refunded: None,
            note: None,
            customer_number: None,
        };
        let all = vec![
            BookAction::OrderChanged(order.clone()),
            BookAction::Restored(vec![order]),
            BookAction::ClueBalance {
                account: "gate".into(),
                order_id: 7,
                result: Err(ProviderError::RateLimited {
                    message: "slow down".into(),
                    retry_after: Some(Duration::from_secs(3)),
                }),
                now,
            },
            BookAction::ActionFailed {
                order_id: 7,
                op: Some(OrderOp::Cancel),
                error: "conflict".into(),
                retry_after: Some(Duration::from_millis(1500)),
                now,
            },
            BookAction::PollStopped { order_id: 7 },
        ];
        for a in all {
            let json = serde_json::to_string(&a).expect("serialises");
            let back: BookAction = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, a, "{json}");
        }
    }
}

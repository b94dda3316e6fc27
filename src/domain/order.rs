//! An order's life: the request, its status, what the API said at each
//! step, the OTPs kept, and the operations a placed order allows.

use super::{Capabilities, EmailMessage, ProviderKind};
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What can be done to a placed order. One enum for the command table, the
/// effects, the failure actions and the CLI, so no operation is ever named
/// by a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderOp {
    Cancel,
    Finish,
    Resend,
    Replace,
}

impl OrderOp {
    pub const ALL: [OrderOp; 4] = [
        OrderOp::Cancel,
        OrderOp::Finish,
        OrderOp::Resend,
        OrderOp::Replace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderOp::Cancel => "cancel",
            OrderOp::Finish => "finish",
            OrderOp::Resend => "resend",
            OrderOp::Replace => "replace",
        }
    }

    /// The word for an order this was done to ("cannot be cancelled").
    pub fn past_tense(self) -> &'static str {
        match self {
            OrderOp::Cancel => "cancelled",
            OrderOp::Finish => "finished",
            OrderOp::Resend => "resent",
            OrderOp::Replace => "replaced",
        }
    }

    /// Whether an API with `caps` offers this operation.
    pub fn offered_by(self, caps: &Capabilities) -> bool {
        match self {
            OrderOp::Cancel => caps.cancel,
            OrderOp::Finish => caps.finish,
            OrderOp::Resend => caps.resend,
            OrderOp::Replace => caps.replace,
        }
    }
}

impl std::fmt::Display for OrderOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyRequest {
    pub service_id: String,
    pub service_name: String,
    pub country_id: Option<String>,
    /// The country's name as the catalog showed it (for people; the id is
    /// what the API gets).
    pub country_name: Option<String>,
    pub offer_id: String,
    /// The offer's price, which is what the buy charges (GateOTP's offers
    /// carry the account's markup; it is sent as price_jual).
    pub price: Rupiah,
    pub operator: Option<String>,
    /// Sent as idempotencyKey / Idempotency-Key / ref_id where the API has one.
    pub idempotency_key: String,
    /// GoTopUp: the phone or meter number to top up.
    pub customer_number: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Row written, request not yet answered.
    Buying,
    Waiting,
    OtpReceived,
    Finished,
    Cancelled,
    Expired,
    Failed,
    /// The buy request may or may not have gone through (reply lost).
    Unknown,
}

impl OrderStatus {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Finished
                | OrderStatus::Cancelled
                | OrderStatus::Expired
                | OrderStatus::Failed
        )
    }

    pub fn is_active(self) -> bool {
        matches!(self, OrderStatus::Waiting | OrderStatus::OtpReceived)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Buying => "buying",
            OrderStatus::Waiting => "waiting",
            OrderStatus::OtpReceived => "otp_received",
            OrderStatus::Finished => "finished",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Expired => "expired",
            OrderStatus::Failed => "failed",
            OrderStatus::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        Some(match s {
            "buying" => OrderStatus::Buying,
            "waiting" => OrderStatus::Waiting,
            "otp_received" => OrderStatus::OtpReceived,
            "finished" => OrderStatus::Finished,
            "cancelled" => OrderStatus::Cancelled,
            "expired" => OrderStatus::Expired,
            "failed" => OrderStatus::Failed,
            "unknown" => OrderStatus::Unknown,
            _ => return None,
        })
    }

    /// Order of rank when merging updates: a final state never goes back.
    fn rank(self) -> u8 {
        match self {
            OrderStatus::Buying | OrderStatus::Unknown => 0,
            OrderStatus::Waiting => 1,
            OrderStatus::OtpReceived => 2,
            _ => 3,
        }
    }

    /// The status after `next` arrives, ignoring stale replies that would
    /// move an order backwards (polls can complete out of order).
    pub fn advance(self, next: OrderStatus) -> OrderStatus {
        if self.is_final() {
            self
        } else if next.rank() >= self.rank() {
            next
        } else {
            self
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the API said when an order was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacedOrder {
    pub provider_order_id: String,
    /// Phone number (OTP) or customer number (top-up).
    pub number: String,
    pub price: Rupiah,
    pub status: OrderStatus,
    pub expires_at: Option<DateTime<Utc>>,
    pub otps: Vec<String>,
    /// GoTopUp serial number, once the top-up succeeded.
    pub sn: Option<String>,
}

/// What a status poll said.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OrderUpdate {
    pub status: Option<OrderStatus>,
    /// Every OTP known so far, oldest first.
    pub otps: Vec<String>,
    pub number: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub sn: Option<String>,
    /// When resend unlocks again, where the API says.
    pub resend_locked_until: Option<DateTime<Utc>>,
    /// How many times the SMS was resent, where the API says.
    pub resend_count: Option<u32>,
    /// A provider message worth showing (failure reason).
    pub message: Option<String>,
    /// Email orders: the whole message timeline, oldest first.
    #[serde(default)]
    pub messages: Vec<EmailMessage>,
}

/// What a cancel did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancelOutcome {
    pub refunded: Option<Rupiah>,
    pub message: Option<String>,
}

/// An OTP as kept in the journal and shown in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Otp {
    pub order_id: i64,
    pub account: String,
    pub service: String,
    pub number: String,
    pub code: String,
    pub received_at: DateTime<Utc>,
}

/// A purchase as a provider's history lists it (GoTopUp top-ups and bill
/// payments), mapped onto the order lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    /// The reference the buy was sent with (GoTopUp `ref_id`).
    pub reference: String,
    /// The provider's own id, where it gives one.
    pub provider_id: Option<String>,
    /// Product code.
    pub product: Option<String>,
    pub customer_number: Option<String>,
    pub price: Option<Rupiah>,
    pub status: OrderStatus,
    /// Serial number of a successful top-up.
    pub sn: Option<String>,
    pub message: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

/// An order as the journal knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Local id (journal row).
    pub id: i64,
    pub account: String,
    pub provider: ProviderKind,
    pub idempotency_key: String,
    pub provider_order_id: Option<String>,
    pub service_id: String,
    pub service: String,
    /// The country's id as the API knows it.
    pub country: Option<String>,
    /// Its name, where the buy knew it.
    pub country_name: Option<String>,
    /// Resends so far and when the next one is allowed (OTPZap).
    pub resend_count: Option<u32>,
    pub resend_locked_until: Option<DateTime<Utc>>,
    pub offer_id: String,
    pub operator: Option<String>,
    pub number: Option<String>,
    pub customer_number: Option<String>,
    pub price: Rupiah,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub otps: Vec<String>,
    pub sn: Option<String>,
    pub refunded: Option<Rupiah>,
    pub note: Option<String>,
}

impl Order {
    pub fn latest_otp(&self) -> Option<&str> {
        self.otps.last().map(String::as_str)
    }
}

/// `now` plus `d`, or None when that is past the calendar's end: lifetimes
/// and remaining seconds come from configs and providers, and adding them
/// must never panic.
pub fn expiry_after(now: DateTime<Utc>, d: std::time::Duration) -> Option<DateTime<Utc>> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
}

/// A provider's OTP-extraction: OTP APIs sometimes give the whole SMS; keep
/// the code itself (first run of 4-8 digits) when the text is longer.
pub fn extract_code(text: &str) -> String {
    let t = text.trim();
    if t.len() <= 10 {
        return t.to_string();
    }
    let bytes: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if (4..=8).contains(&(i - start)) {
                return bytes[start..i].iter().collect();
            }
        } else {
            i += 1;
        }
    }
    t.to_string()
}

/// Whether an order should be polled: it has a provider id and is active.
pub fn pollable(order: &Order) -> bool {
    order.provider_order_id.is_some() && order.status.is_active()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_states_do_not_go_back() {
        assert_eq!(
            OrderStatus::Cancelled.advance(OrderStatus::Waiting),
            OrderStatus::Cancelled
        );
        assert_eq!(
            OrderStatus::OtpReceived.advance(OrderStatus::Waiting),
            OrderStatus::OtpReceived
        );
        assert_eq!(
            OrderStatus::Waiting.advance(OrderStatus::OtpReceived),
            OrderStatus::OtpReceived
        );
        assert_eq!(
            OrderStatus::Unknown.advance(OrderStatus::Waiting),
            OrderStatus::Waiting
        );
    }

    #[test]
    fn huge_lifetimes_do_not_panic() {
        let now = Utc::now();
        assert!(expiry_after(now, std::time::Duration::from_secs(60)).is_some());
        assert_eq!(
            expiry_after(now, std::time::Duration::from_secs(u64::MAX)),
            None
        );
    }

    #[test]
    fn provider_kind_parses_any_case() {
        assert_eq!(
            "GateOTP".parse::<ProviderKind>().unwrap(),
            ProviderKind::GateOtp
        );
        assert!("foo".parse::<ProviderKind>().is_err());
    }

    #[test]
    fn extracts_code_from_sms_text() {
        assert_eq!(extract_code("949708"), "949708");
        assert_eq!(
            extract_code("Kode WhatsApp Anda: 123-456? no: 4821 jangan"),
            "4821"
        );
        assert_eq!(
            extract_code("Your Telegram code is 55012. Do not share"),
            "55012"
        );
    }
}

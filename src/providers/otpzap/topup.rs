//! OTPZap QRIS top-ups (`/topup/create`, `/topup/check?order_id=`).
//!
//! The doc names the paths, the `payment_url`, the 30-minute validity, the
//! Idempotency-Key header and the states (pending | success | expired |
//! failed); it shows no bodies, so we assume (the simulator serves this):
//! * `POST /topup/create` with `{"amount": 50000}` and `Idempotency-Key` →
//!   `data: {"order_id": "APIDEP-3-…", "amount": 50000, "payment_url":
//!   "https://…", "status": "pending", "expires_at": …}`; a missing expiry
//!   is creation + 30 minutes.
//! * `GET /topup/check?order_id=` → `data: {"order_id", "amount", "status",
//!   "paid_at"}`. On success the amount is what was credited.
//!
//! Create is sent once here (`Retry::Never`); the engine replays a lost
//! reply once with the same key, which OTPZap deduplicates.

use super::wire::time;
use super::{OtpZap, Retry};
use crate::domain::{DepositRequest, DepositStatus, DepositUpdate};
use crate::money::Rupiah;
use crate::providers::lenient;
use crate::providers::{Deposits, ProviderError};
use async_trait::async_trait;
use serde_json::{json, Value};

/// How long an invoice is valid (the doc: 30 minutes).
const VALID_FOR: chrono::Duration = chrono::Duration::minutes(30);

fn status_word(word: &str) -> Result<DepositStatus, ProviderError> {
    Ok(match lenient::norm(word).as_str() {
        "pending" | "unpaid" | "waiting" => DepositStatus::Pending,
        "success" | "paid" | "settled" => DepositStatus::Success,
        "expired" => DepositStatus::Expired,
        "failed" | "cancelled" | "canceled" => DepositStatus::Failed,
        other => {
            return Err(ProviderError::Malformed(format!(
                "unknown top-up status '{other}'"
            )))
        }
    })
}

fn text(v: &Value, field: &str) -> Option<String> {
    match v.get(field)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn amount(v: &Value, field: &str) -> Option<Rupiah> {
    match v.get(field)? {
        Value::Number(n) => n.as_i64().map(Rupiah),
        Value::String(s) => s.trim().parse().ok().map(Rupiah),
        _ => None,
    }
}

/// Reads a top-up object (create's or check's reply).
pub(super) fn update_of(v: &Value) -> Result<DepositUpdate, ProviderError> {
    let id = text(v, "order_id")
        .or_else(|| text(v, "id"))
        .ok_or_else(|| ProviderError::Malformed("top-up: no order_id".into()))?;
    let status = match text(v, "status") {
        Some(s) => status_word(&s)?,
        None => DepositStatus::Pending,
    };
    let amount = amount(v, "amount");
    Ok(DepositUpdate {
        provider_id: Some(id),
        status: Some(status),
        total: amount,
        credited: (status == DepositStatus::Success)
            .then_some(amount)
            .flatten(),
        payment: text(v, "payment_url"),
        expires_at: v
            .get("expires_at")
            .or_else(|| v.get("expired_at"))
            .and_then(time),
        ..Default::default()
    })
}

/// No `cancel`: the doc has no call for it (the trait's default).
#[async_trait]
impl Deposits for OtpZap {
    async fn create(&self, req: &DepositRequest) -> Result<DepositUpdate, ProviderError> {
        let v = self
            .post(
                "/topup/create",
                json!({"amount": req.amount.0}),
                // Keyed, but replayed by the engine (once, journaled), not
                // behind its back here.
                Retry::Never,
                Some(&req.key),
            )
            .await?;
        let mut u = update_of(&v)?;
        if u.expires_at.is_none() {
            u.expires_at = Some(chrono::Utc::now() + VALID_FOR);
        }
        Ok(u)
    }

    async fn status(&self, id: &str) -> Result<DepositUpdate, ProviderError> {
        let v = self.get("/topup/check", &[("order_id", id)]).await?;
        update_of(&v)
    }
}

#[cfg(test)]
mod tests {
    use super::super::wire;
    use super::*;
    use crate::providers::http::Reply;

    #[test]
    fn create_and_check_replies_parse() {
        let reply = Reply {
            status: 200,
            retry_after: None,
            body: r#"{"success": true, "data": {"order_id": "APIDEP-3-abc", "amount": 50000, "payment_url": "https://pay.example/i/abc", "status": "pending", "expires_at": "2026-12-02 18:30:00"}}"#.into(),
        };
        let u = update_of(&wire::payload(&reply).unwrap()).unwrap();
        assert_eq!(u.provider_id.as_deref(), Some("APIDEP-3-abc"));
        assert_eq!(u.status, Some(DepositStatus::Pending));
        assert_eq!(u.payment.as_deref(), Some("https://pay.example/i/abc"));
        assert!(u.expires_at.is_some());
        assert_eq!(u.credited, None);
        let paid =
            update_of(&json!({"order_id": "APIDEP-3-abc", "amount": "50000", "status": "SUCCESS"}))
                .unwrap();
        assert_eq!(paid.credited, Some(Rupiah(50_000)));
        assert!(update_of(&json!({"status": "pending"})).is_err());
        assert!(update_of(&json!({"order_id": 1, "status": "refunded?"})).is_err());
    }
}

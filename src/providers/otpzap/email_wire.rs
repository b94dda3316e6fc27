//! Server 3 (email OTP) wire shapes. The doc names the endpoints and the
//! fields but shows no bodies; what we assume (and the simulator sends) is
//! written beside each parser. Lookups go through `wire::Obj`, so numbers
//! may come as strings and fields under a few likely names.

use super::wire::{self, status_word, Obj};
use crate::domain::{extract_code, EmailMessage, OrderStatus};
use crate::money::Rupiah;
use crate::providers::ProviderError;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// `GET /s3/sites` → `data: [{"site": "openai.com", "name": "OpenAI"}]`
/// (a bare string per site is accepted too).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WSite {
    pub site: String,
    pub name: String,
}

pub(super) fn site(v: &Value) -> Result<WSite, ProviderError> {
    if let Value::String(s) = v {
        return Ok(WSite {
            site: s.trim().to_string(),
            name: s.trim().to_string(),
        });
    }
    let o = Obj::new(v, "email site")?;
    let site = o.string(&["site", "domain", "id", "host"])?;
    let name = o
        .opt_string(&["name", "label", "title"])?
        .unwrap_or_else(|| site.clone());
    Ok(WSite { site, name })
}

/// `GET /s3/domains?site=openai.com` → `data: [{"domain": "gmail.com",
/// "price": 3000, "stock": 25, "activation_rate": 91.5, "cancel_fee":
/// 500}]`. The doc's words are "stock, price, activation rate, and
/// cancellation fee preview"; the fee may also come as `cancellation_fee`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WDomain {
    pub domain: String,
    pub price: Rupiah,
    pub stock: Option<u64>,
    pub activation_rate: Option<f32>,
    pub cancel_fee: Option<Rupiah>,
    pub available: bool,
}

pub(super) fn domain(v: &Value) -> Result<WDomain, ProviderError> {
    let o = Obj::new(v, "email domain")?;
    Ok(WDomain {
        domain: o.string(&["domain", "name", "id"])?,
        price: o.rupiah(&["price", "amount", "cost"])?,
        stock: o.opt_u64(&["stock", "available_stock", "count"])?,
        activation_rate: o.opt_f32(&["activation_rate", "success_rate", "rate"]),
        cancel_fee: o.opt_rupiah(&[
            "cancel_fee",
            "cancellation_fee",
            "cancel_fee_preview",
            "fee",
        ])?,
        available: o.opt_bool(&["available", "is_active", "active"]) != Some(false),
    })
}

/// An email order as `/order/email-create`, `/order/email-check` and the
/// other email actions return it (each with as much as it knows):
/// `data: {"ref": "APIE-3-1001", "email": "kira1001@gmail.com", "site":
/// "openai.com", "domain": "gmail.com", "price": 3000, "status":
/// "pending", "expires_at": "2026-12-03T08:20:00Z", "otp_code": null,
/// "headline": null, "otps": [], "messages": [{"from", "subject",
/// "received_at", "preview", "otp_code"}]}`. Status words assumed:
/// pending/waiting → Waiting, received → OtpReceived, finished/success →
/// Finished, cancelled, expired (no mail in the window; OTPZap refunds).
/// `expires_at` may be RFC 3339 or naive WIB like the SMS side.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WEmailOrder {
    pub reference: String,
    pub address: Option<String>,
    pub price: Option<Rupiah>,
    pub status: Option<OrderStatus>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Latest extracted OTP (or headline), where the reply names one.
    pub otp_code: Option<String>,
    /// `otps[]`: every extracted OTP, oldest first.
    pub otps: Vec<String>,
    pub messages: Vec<EmailMessage>,
    pub refund: Option<Rupiah>,
    pub fee: Option<Rupiah>,
    pub message: Option<String>,
}

pub(super) fn email_order(v: &Value) -> Result<WEmailOrder, ProviderError> {
    // A qty reply may hold a list; the first order is the one asked for.
    let v = match v {
        Value::Array(a) => a
            .first()
            .ok_or_else(|| ProviderError::Malformed("email order: empty list".into()))?,
        other => other,
    };
    let o = Obj::new(v, "email order")?;
    let status = match o.opt_string(&["status", "order_status", "state"])? {
        Some(word) => Some(status_word(&word)?),
        None => None,
    };
    let messages: Vec<EmailMessage> = match o.value(&["messages", "timeline", "inbox"]) {
        Some(Value::Array(a)) => a.iter().filter_map(message).collect(),
        _ => Vec::new(),
    };
    let otps = match o.value(&["otps"]) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                Value::Object(_) => Obj::new(x, "otp")
                    .ok()?
                    .opt_string(&["code", "otp", "otp_code"])
                    .ok()
                    .flatten(),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    Ok(WEmailOrder {
        reference: o.string(&["ref", "reference", "order_ref", "order_id", "id"])?,
        address: o.opt_string(&["email", "address", "email_address", "inbox"])?,
        price: o.opt_rupiah(&["price", "amount", "cost"])?,
        status,
        expires_at: o.value(&["expires_at", "expired_at"]).and_then(wire::time),
        otp_code: o
            .opt_string(&["otp_code", "otp", "code"])?
            .or(o.opt_string(&["headline"])?),
        otps,
        messages,
        refund: o.opt_rupiah(&["refund", "refunded", "refund_amount"])?,
        fee: o.opt_rupiah(&["cancel_fee", "cancellation_fee", "fee"])?,
        message: o.opt_string(&["message", "note"])?,
    })
}

/// One timeline entry: `{"from", "subject", "received_at", "preview",
/// "otp_code" | "headline"}`. A message without an extracted OTP shows
/// its headline (else subject) in the OTP column.
fn message(v: &Value) -> Option<EmailMessage> {
    let o = Obj::new(v, "email message").ok()?;
    let s = |keys: &[&str]| o.opt_string(keys).ok().flatten();
    let preview = s(&["preview", "snippet", "body", "text"]).unwrap_or_default();
    let otp = s(&["otp_code", "otp", "code"])
        .map(|c| extract_code(&c))
        .or_else(|| s(&["headline"]));
    Some(EmailMessage {
        from: s(&["from", "sender", "from_email"]).unwrap_or_default(),
        subject: s(&["subject", "title"]).unwrap_or_default(),
        received_at: o
            .value(&["received_at", "date", "time", "created_at"])
            .and_then(wire::time),
        preview,
        otp,
    })
}

impl WEmailOrder {
    /// What goes in the OTP column and log, oldest first: each message's
    /// OTP or headline, then `otp_code` when it is newer than them all.
    pub(super) fn codes(&self) -> Vec<String> {
        let mut out: Vec<String> = if self.messages.is_empty() {
            self.otps.clone()
        } else {
            self.messages.iter().map(EmailMessage::headline).collect()
        };
        out.retain(|c| !c.trim().is_empty());
        if let Some(c) = &self.otp_code {
            if !c.trim().is_empty() && !out.iter().any(|k| k == c) {
                out.push(c.trim().to_string());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_check_reply_keeps_every_named_field() {
        let v = json!({"ref": "APIE-3-9", "email": "a@gmail.com", "price": "3000",
            "status": "received", "expires_at": "2026-12-03 15:20:00",
            "otp_code": "481516", "otps": ["481516"],
            "messages": [{"from": "noreply@openai.com", "subject": "Your code",
                "received_at": "2026-12-03T08:01:00Z", "preview": "Code 481516", "otp_code": "481516"}]});
        let o = email_order(&v).expect("parses");
        assert_eq!(o.reference, "APIE-3-9");
        assert_eq!(o.address.as_deref(), Some("a@gmail.com"));
        assert_eq!(o.price, Some(Rupiah(3000)));
        assert_eq!(o.status, Some(OrderStatus::OtpReceived));
        // Naive times are WIB (UTC+7).
        assert_eq!(
            o.expires_at.map(|t| t.to_rfc3339()),
            Some("2026-12-03T08:20:00+00:00".into())
        );
        assert_eq!(o.messages.len(), 1);
        assert_eq!(o.messages[0].subject, "Your code");
        assert_eq!(o.codes(), vec!["481516".to_string()]);
    }

    #[test]
    fn a_message_without_otp_shows_its_headline() {
        let v = json!({"ref": "R", "status": "received", "headline": "Confirm your email",
            "messages": [{"from": "x@y", "subject": "Confirm your email", "preview": "click"}]});
        let o = email_order(&v).expect("parses");
        assert_eq!(o.codes(), vec!["Confirm your email".to_string()]);
    }

    #[test]
    fn odd_replies_are_errors_not_panics() {
        assert!(email_order(&json!([])).is_err());
        assert!(email_order(&json!({"status": "pending"})).is_err());
        assert!(email_order(&json!({"ref": "R", "status": "zzz"})).is_err());
        assert!(domain(&json!({"domain": "gmail.com"})).is_err());
        assert!(site(&json!(5)).is_err());
    }
}

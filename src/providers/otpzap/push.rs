//! OTPZap webhook deliveries. The doc lists the events and is cut short
//! before the payload, so this is the shape we assume (the same envelope
//! GoTopUp documents, with `data` shaped like an `/order/check` reply):
//!
//! ```text
//! {"event": "order.otp_received",
//!  "data": {"order_id": "OZ123", "status": "otp_received", "otp_code": "123456",
//!           "otps": [..], "number": "62812..", "resend_count": 0},
//!  "timestamp": "2026-12-03T08:00:00Z"}     // RFC 3339, WIB naive or Unix
//! ```
//!
//! `order.replaced`: `data.order_id` is the old order, which ends cancelled
//! (OTPZap refunds it); the new number is its own order, which otpdeck
//! learns of through the replace it sent. `deposit.success`: `data`
//! shaped like a `/topup/check` reply (`order_id`, `amount`, `status`), the
//! id also read from `deposit_id`, `id` or `reference`.

use super::wire;
use crate::domain::{DepositStatus, DepositUpdate};
use crate::domain::{OrderStatus, OrderUpdate};
use crate::providers::push::{PushAbout, PushEvent};
use serde_json::Value;

/// Reads one delivery; an error names what is wrong (never the body).
pub fn parse_webhook(body: &[u8]) -> Result<PushEvent, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let event = v
        .get("event")
        .and_then(Value::as_str)
        .ok_or("no \"event\"")?
        .trim()
        .to_string();
    let data = v.get("data").unwrap_or(&Value::Null);
    // No timestamp: judged by arrival and repeats. One that is there but
    // cannot be read is refused rather than taken as fresh.
    let stamp = v
        .get("timestamp")
        .or_else(|| data.get("timestamp"))
        .filter(|t| !t.is_null());
    let sent_at = match stamp {
        Some(t) => Some(wire::time(t).ok_or("a \"timestamp\" that is not a time")?),
        None => None,
    };
    let about = match event.as_str() {
        "order.otp_received" | "order.cancelled" | "order.finished" | "order.replaced" => {
            let o = wire::order(data).map_err(|e| e.to_string())?;
            let implied = match event.as_str() {
                "order.otp_received" => OrderStatus::OtpReceived,
                "order.finished" => OrderStatus::Finished,
                _ => OrderStatus::Cancelled,
            };
            // The event name is the news; a status in the body that says
            // otherwise (stale copy) does not move the order backwards
            // anyway, so the event wins.
            let status = if event == "order.otp_received" {
                o.status
                    .filter(|s| *s != OrderStatus::Waiting)
                    .or(Some(implied))
            } else {
                Some(implied)
            };
            let message = match event.as_str() {
                "order.replaced" => Some(match data.get("new_order_id") {
                    Some(n) => format!("replaced by {}", n.to_string().trim_matches('"')),
                    None => "replaced".to_string(),
                }),
                _ => o.message,
            };
            PushAbout::Order {
                provider_id: Some(o.order_id),
                key: None,
                update: OrderUpdate {
                    status,
                    otps: o.otps,
                    number: o.number,
                    expires_at: o.expires_at,
                    resend_locked_until: o.resend_locked_until,
                    resend_count: o.resend_count,
                    message,
                    ..Default::default()
                },
            }
        }
        "deposit.success" => PushAbout::Deposit {
            update: paid_topup(data)?,
        },
        other => return Err(format!("unknown OTPZap event '{other}'")),
    };
    Ok(PushEvent {
        event,
        sent_at,
        about,
    })
}

/// `deposit.success`'s `data`: read like a `/topup/check` reply, the id
/// also taken from `deposit_id` or `reference`; the event says it is paid.
fn paid_topup(data: &Value) -> Result<DepositUpdate, String> {
    let id = ["order_id", "deposit_id", "id", "reference"]
        .iter()
        .find_map(|k| match data.get(*k)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .ok_or("deposit.success without an id")?;
    let mut u = super::topup::update_of(data).unwrap_or_default();
    u.provider_id = Some(id);
    u.status = Some(DepositStatus::Success);
    u.credited = u.credited.or(u.total);
    u.payment = None;
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otp_received_carries_the_code_and_the_order_id() {
        let e = parse_webhook(
            br#"{"event":"order.otp_received","data":{"order_id":77,"otp_code":"Your code 482913"},"timestamp":1700000000}"#,
        )
        .unwrap();
        let PushAbout::Order {
            provider_id,
            update,
            ..
        } = e.about
        else {
            panic!("{e:?}")
        };
        assert_eq!(provider_id.as_deref(), Some("77"));
        assert_eq!(update.otps, vec!["482913".to_string()]);
        assert_eq!(update.status, Some(OrderStatus::OtpReceived));
        assert!(e.sent_at.is_some());
    }

    #[test]
    fn bad_deliveries_are_errors_not_panics() {
        for body in [
            &b"nope"[..],
            br#"{"data":{}}"#,
            br#"{"event":"order.finished"}"#,
            br#"{"event":"x.y","data":{}}"#,
            br#"{"event":"order.finished","data":{"order_id":7},"timestamp":"kemarin"}"#,
        ] {
            assert!(parse_webhook(body).is_err());
        }
    }
}

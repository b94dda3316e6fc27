//! GoTopUp pushes: the seller webhook (`{"event", "data", "timestamp"}`,
//! `data` shaped like a transaction) and the Otomax callback (a bare
//! `{"ref_id", "code", "customer_number", "status", "sn", "message"}`).
//! Both are answered with `{"status": "received"}` (the doc).
//!
//! Assumed where the doc is silent: `transaction.pending` carries the same
//! `data` as the others; `settlement.completed` carries the settlement as
//! `/api/seller/settlement/request` answers it (`settlement_id`, `amount`,
//! `fee`, `net_amount`, `status`) plus our `ref_id`; without a `status`
//! the event name says "completed". A body without
//! `event` but with `ref_id` is the Otomax callback.
//!
//! The envelope's `timestamp` is not taken as the sending time: in the
//! doc's example it equals `data.timestamp`, the transaction's own time,
//! so a `transaction.success` delivered (or retried) minutes after the buy
//! carries an old one. `sent_at` stays None and the receiver judges a
//! repeat by what the delivery says (`engine::webhook::seen`).

use super::buyer;
use super::wire;
use crate::providers::lenient::parse;
use crate::providers::push::{PushAbout, PushEvent};
use serde_json::Value;

pub fn parse_webhook(body: &[u8]) -> Result<PushEvent, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let Some(event) = v.get("event").and_then(Value::as_str) else {
        if v.get("ref_id").is_some() {
            return transaction("otomax".into(), v.clone());
        }
        return Err("neither \"event\" nor \"ref_id\"".into());
    };
    let data = v.get("data").cloned().unwrap_or(Value::Null);
    match event.trim() {
        e @ ("transaction.success" | "transaction.failed" | "transaction.pending") => {
            transaction(e.to_string(), data)
        }
        "settlement.completed" => settlement(data),
        other => Err(format!("unknown GoTopUp event '{other}'")),
    }
}

fn transaction(event: String, data: Value) -> Result<PushEvent, String> {
    let t: wire::Transaction = parse(data, "transaction").map_err(|e| e.to_string())?;
    let t = buyer::transaction_of(t).map_err(|e| e.to_string())?;
    Ok(PushEvent {
        event,
        sent_at: None,
        about: PushAbout::Order {
            provider_id: t.provider_id.clone(),
            key: Some(t.reference.clone()),
            update: buyer::update_of(&t),
        },
    })
}

fn settlement(mut data: Value) -> Result<PushEvent, String> {
    if let Value::Object(m) = &mut data {
        m.entry("status").or_insert_with(|| "completed".into());
    }
    let ref_id = data
        .get("ref_id")
        .and_then(Value::as_str)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let s: super::seller_wire::Settlement = parse(data, "settlement").map_err(|e| e.to_string())?;
    if ref_id.is_none() && s.settlement_id.is_none() {
        return Err("settlement.completed names no settlement".into());
    }
    Ok(PushEvent {
        event: "settlement.completed".into(),
        sent_at: None,
        about: PushAbout::Settlement {
            ref_id,
            settlement: crate::domain::seller::Settlement {
                settlement_id: s.settlement_id,
                amount: s.amount.unwrap_or_default(),
                fee: s.fee,
                net_amount: s.net_amount,
                status: crate::providers::lenient::norm(&s.status),
                estimated_completion: s.estimated_completion,
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrderStatus;

    #[test]
    fn otomax_callback_ends_with_the_sn() {
        let e = parse_webhook(
            br#"{"ref_id":"TXN-001","code":"TELKOMSEL5","customer_number":"081234567890","status":"success","sn":"1234567890123456","message":"Transaksi berhasil"}"#,
        )
        .unwrap();
        let PushAbout::Order { key, update, .. } = e.about else {
            panic!()
        };
        assert_eq!(key.as_deref(), Some("TXN-001"));
        assert_eq!(update.status, Some(OrderStatus::Finished));
        assert_eq!(update.sn.as_deref(), Some("1234567890123456"));
    }

    #[test]
    fn seller_webhook_from_the_doc() {
        let e = parse_webhook(br#"{"event":"transaction.success","data":{"ref_id":"TXN-001","transaction_id":"TXN123456","code":"TELKOMSEL5","customer_number":"081234567890","status":"success","sn":"1234567890123456","price":5500,"timestamp":"2025-01-15T10:30:00Z"},"timestamp":"2025-01-15T10:30:00Z"}"#).unwrap();
        // The transaction's own time, not the delivery's: never judged stale.
        assert!(e.sent_at.is_none());
        assert!(
            matches!(e.about, PushAbout::Order { provider_id: Some(ref p), .. } if p == "TXN123456")
        );
        assert!(
            parse_webhook(br#"{"event":"transaction.success","data":{"status":"success"}}"#)
                .is_err()
        );
    }
}

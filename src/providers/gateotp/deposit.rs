//! GateOTP deposits (`/api/deposit/create`, `/status/:trxId`, `/cancel`).
//!
//! Shapes follow the doc's examples; where it is silent we assume:
//! * Create answers at the top level (`trxId`, `qr_string`, `qr_image`,
//!   `total`, `expired_at` as a millisecond epoch), or inside `data`.
//! * Status words: pending, success, cancel ("cancelled", "expired",
//!   "failed" accepted). `detail.diterima` is what was credited.
//! * A refusal (under the minimum, more than 3 pending) is `success:false`
//!   with a message, shown as the API wrote it.
//! * A USDT TRC-20 invoice (`method: usdt-trc-20`): the doc shows only the
//!   QRIS reply. We assume the same shape plus fields it does not name
//!   (an address, a USDT amount, a network, under keys we cannot know), at
//!   the top level or inside `detail`. Every string or number field the
//!   structs below do not read is kept as (its key, its value), one level
//!   of nested object as `key.inner`, and shown whole, labelled by its key
//!   (`DepositUpdate::extras`): never guessed into a known meaning.
//!
//! Create carries no idempotency key, so it is never retried
//! (`Retry::Never`): a lost reply is "unclear, check the provider", never a
//! second invoice.

use super::{lenient, parse, path_part, GateOtp, Retry};
use crate::domain::{DepositRequest, DepositStatus, DepositUpdate};
use crate::money::Rupiah;
use crate::providers::{Deposits, ProviderError};
use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Fields the structs below read (or, `success`/`message`/`amount`, the
/// doc names): the rest of a reply is kept as extras.
const KNOWN: &[&str] = &[
    "success",
    "message",
    "trxId",
    "qr_string",
    "qr_image",
    "total",
    "expired_at",
    "status",
    "amount",
    "detail",
    "data",
    "created_at",
    "fee",
    "diterima",
    "brand_name",
    "buyer_reff",
];

/// The string and number fields of `rest` no struct reads, as (key, value)
/// in key order; one level of nested object as `key.inner`. Arrays, bools
/// and nulls say nothing to pay with and are left out.
fn extras(rest: &Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in rest.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())) {
        match v {
            Value::Object(inner) => {
                for (ik, iv) in inner {
                    if let Some(s) = scalar(iv) {
                        out.push((format!("{k}.{ik}"), s));
                    }
                }
            }
            other => out.extend(scalar(other).map(|s| (k.clone(), s))),
        }
    }
    out
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Deserialize)]
struct Created {
    #[serde(rename = "trxId", deserialize_with = "lenient::string")]
    trx_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    qr_string: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    qr_image: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    total: Option<Rupiah>,
    /// Milliseconds since the epoch.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    expired_at: Option<String>,
    /// What the doc does not name (a USDT invoice's details).
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Deserialize, Default)]
struct Detail {
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    total: Option<Rupiah>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    fee: Option<Rupiah>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    diterima: Option<Rupiah>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    brand_name: Option<String>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Deserialize)]
struct Status {
    status: String,
    #[serde(default)]
    detail: Option<Detail>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Deserialize)]
struct Cancelled {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    detail: Option<Detail>,
}

fn status_word(word: &str) -> Result<DepositStatus, ProviderError> {
    Ok(match lenient::norm(word).as_str() {
        "pending" | "waiting" | "unpaid" => DepositStatus::Pending,
        "success" | "paid" | "completed" => DepositStatus::Success,
        "cancel" | "canceled" | "cancelled" => DepositStatus::Cancelled,
        "expired" => DepositStatus::Expired,
        "failed" => DepositStatus::Failed,
        other => {
            return Err(ProviderError::Malformed(format!(
                "unknown deposit status '{other}'"
            )))
        }
    })
}

fn epoch_ms(s: &str) -> Option<DateTime<Utc>> {
    let ms: i64 = s.trim().parse().ok()?;
    Utc.timestamp_millis_opt(ms).single()
}

fn with_detail(mut u: DepositUpdate, d: Option<Detail>) -> DepositUpdate {
    if let Some(d) = d {
        u.extras.extend(extras(&d.rest));
        u.total = d.total.or(u.total);
        u.fee = d.fee.or(u.fee);
        u.paid_with = d.brand_name.filter(|b| !b.trim().is_empty() && b != "-");
        if u.status == Some(DepositStatus::Success) {
            u.credited = d.diterima;
        }
    }
    u
}

#[async_trait]
impl Deposits for GateOtp {
    async fn create(&self, req: &DepositRequest) -> Result<DepositUpdate, ProviderError> {
        let body = json!({"amount": req.amount.0, "method": req.method.as_str()});
        let v = self.post("/api/deposit/create", body, Retry::Never).await?;
        let c: Created = parse(v, "deposit")?;
        Ok(DepositUpdate {
            provider_id: Some(c.trx_id),
            status: Some(DepositStatus::Pending),
            fee: c.total.map(|t| t - req.amount),
            total: c.total,
            payment: c.qr_string.or(c.qr_image),
            expires_at: c.expired_at.as_deref().and_then(epoch_ms),
            extras: extras(&c.rest),
            ..Default::default()
        })
    }

    async fn status(&self, id: &str) -> Result<DepositUpdate, ProviderError> {
        let v = self
            .get(&format!("/api/deposit/status/{}", path_part(id)))
            .await?;
        let s: Status = parse(v, "deposit status")?;
        let u = DepositUpdate {
            provider_id: Some(id.to_string()),
            status: Some(status_word(&s.status)?),
            extras: extras(&s.rest),
            ..Default::default()
        };
        Ok(with_detail(u, s.detail))
    }

    async fn cancel(&self, id: &str) -> Result<DepositUpdate, ProviderError> {
        let v: Value = self
            .post("/api/deposit/cancel", json!({"trxId": id}), Retry::Never)
            .await?;
        let c: Cancelled = parse(v, "deposit cancel")?;
        let u = DepositUpdate {
            provider_id: Some(id.to_string()),
            status: Some(DepositStatus::Cancelled),
            note: c.message,
            ..Default::default()
        };
        Ok(with_detail(u, c.detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::http::Reply;

    fn body(status: u16, s: &str) -> Value {
        super::super::payload(&Reply {
            status,
            retry_after: None,
            body: s.to_string(),
        })
        .unwrap()
    }

    #[test]
    fn doc_examples_parse() {
        let c: Created = parse(
            body(200, r#"{"success": true, "trxId": "WN0000000050", "qr_string": "00020101021126600015...", "qr_image": "https://qris.url/img.png", "total": 50200, "expired_at": 1775022865340}"#),
            "c",
        )
        .unwrap();
        assert_eq!(c.trx_id, "WN0000000050");
        assert_eq!(c.total, Some(Rupiah(50_200)));
        let at = epoch_ms(c.expired_at.as_deref().unwrap()).unwrap();
        assert_eq!(at.timestamp_millis(), 1_775_022_865_340);
        let s: Status = parse(
            body(200, r#"{"success": true, "status": "success", "amount": 50000, "detail": {"created_at": "2026-04-02 12:34:25", "total": 50200, "fee": 200, "diterima": 50000, "brand_name": "DANA", "buyer_reff": "1js8mUeShBIw"}}"#),
            "s",
        )
        .unwrap();
        let u = with_detail(
            DepositUpdate {
                status: Some(status_word(&s.status).unwrap()),
                ..Default::default()
            },
            s.detail,
        );
        assert_eq!(u.credited, Some(Rupiah(50_000)));
        assert_eq!(u.paid_with.as_deref(), Some("DANA"));
        assert_eq!(u.fee, Some(Rupiah(200)));
        let c: Cancelled = parse(
            body(200, r#"{"success": true, "message": "Deposit dibatalkan", "detail": {"created_at": "2026-04-02 12:34:25", "total": 50200, "fee": 200, "diterima": 50000, "brand_name": "QRIS", "buyer_reff": "-"}}"#),
            "c",
        )
        .unwrap();
        assert_eq!(c.message.as_deref(), Some("Deposit dibatalkan"));
        assert!(status_word("weird").is_err());
        assert!(
            with_detail(DepositUpdate::default(), Some(Detail::default()))
                .extras
                .is_empty(),
            "the documented fields are no extras"
        );
        assert_eq!(status_word("cancel").unwrap(), DepositStatus::Cancelled);
    }

    /// A USDT reply with fields the doc does not name: each string or
    /// number kept under its key, a nested object's as `key.inner`; the
    /// documented ones, bools, nulls and arrays left out.
    #[test]
    fn a_usdt_reply_keeps_what_the_doc_does_not_name() {
        let c: Created = parse(
            body(200, r#"{"success": true, "trxId": "WN1", "qr_string": "TAddr", "total": 51000, "expired_at": 1775022865340, "address": "TXYZ123", "amount_usdt": 3.138462, "network": "TRC-20", "paid": false, "chain": {"name": "TRON", "confirmations": 19}, "tags": ["a"], "memo": null}"#),
            "c",
        )
        .unwrap();
        assert_eq!(
            extras(&c.rest),
            vec![
                ("address".to_string(), "TXYZ123".to_string()),
                ("amount_usdt".into(), "3.138462".into()),
                ("chain.confirmations".into(), "19".into()),
                ("chain.name".into(), "TRON".into()),
                ("network".into(), "TRC-20".into()),
            ]
        );
        let s: Status = parse(
            body(200, r#"{"success": true, "status": "pending", "amount": 50000, "usdt": "3.14", "detail": {"total": 51000, "wallet_address": "TXYZ123"}}"#),
            "s",
        )
        .unwrap();
        let u = with_detail(
            DepositUpdate {
                extras: extras(&s.rest),
                ..Default::default()
            },
            s.detail,
        );
        assert_eq!(
            u.extras,
            vec![
                ("usdt".to_string(), "3.14".to_string()),
                ("wallet_address".into(), "TXYZ123".into()),
            ]
        );
    }
}

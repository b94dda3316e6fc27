//! OTPZap wire shapes and their tolerant parsing. The doc shows no bodies, so
//! every shape here is assumed (see the module comment of `otpzap`); fields
//! are looked up under a few likely names, ids and amounts may be numbers or
//! strings, and a missing required field is a `Malformed` error naming it.

use crate::domain::{extract_code, OrderStatus};
use crate::money::Rupiah;
use crate::providers::http::Reply;
use crate::providers::{lenient, ProviderError};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use serde_json::{Map, Value};

/// WIB, the zone OTPZap writes naive timestamps in.
fn wib() -> FixedOffset {
    // 7 h is always a valid offset; fall back to UTC rather than panic.
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Turns a reply into its payload: non-2xx and `success:false` /
/// `status:false` / `status:"error"` become errors with the API's message,
/// and a `data` envelope is removed when there is one.
pub(super) fn payload(reply: &Reply) -> Result<Value, ProviderError> {
    if !reply.is_success() {
        return Err(http_error(reply));
    }
    let v = reply.value()?;
    if let Value::Object(m) = &v {
        let failed = matches!(m.get("success"), Some(Value::Bool(false)))
            || matches!(m.get("status"), Some(Value::Bool(false)))
            || matches!(m.get("status"), Some(Value::String(s)) if lenient::norm(s) == "error");
        if failed {
            return Err(classify(reply.status, reply.message()));
        }
    }
    // A paginated list keeps its envelope so `last_page` can read the meta;
    // `rows` finds the list under `data`.
    if v.get("meta").is_some() || v.get("pagination").is_some() {
        return Ok(v);
    }
    Ok(lenient::unwrap_data(v))
}

/// Error for a non-2xx reply; 400/422 get a closer look at the message.
pub(super) fn http_error(reply: &Reply) -> ProviderError {
    match reply.status {
        400 | 422 => classify(reply.status, reply.message()),
        _ => reply.status_error(),
    }
}

/// Maps an error message that came without a telling HTTP status.
fn classify(status: u16, message: String) -> ProviderError {
    let m = message.to_ascii_lowercase();
    if ["balance", "saldo"].iter().any(|w| m.contains(w)) {
        ProviderError::InsufficientBalance(message)
    } else if m.contains("api key") || m.contains("unauthor") || m.contains("token") {
        ProviderError::Unauthorized(message)
    } else if m.contains("not found") || m.contains("tidak ditemukan") {
        ProviderError::NotFound(message)
    } else {
        ProviderError::Rejected { status, message }
    }
}

/// One JSON object with lookups under alternative names.
pub(super) struct Obj<'a> {
    m: &'a Map<String, Value>,
    what: &'static str,
}

impl<'a> Obj<'a> {
    pub(super) fn new(v: &'a Value, what: &'static str) -> Result<Obj<'a>, ProviderError> {
        match v {
            Value::Object(m) => Ok(Obj { m, what }),
            other => Err(ProviderError::Malformed(format!(
                "{what}: expected an object, got {}",
                kind_of(other)
            ))),
        }
    }

    fn get(&self, keys: &[&str]) -> Option<&'a Value> {
        keys.iter()
            .filter_map(|k| self.m.get(*k))
            .find(|v| !v.is_null() && !matches!(v, Value::String(s) if s.trim().is_empty()))
    }

    fn missing(&self, keys: &[&str]) -> ProviderError {
        ProviderError::Malformed(format!("{}: missing '{}'", self.what, keys[0]))
    }

    fn bad(&self, key: &str, e: serde_json::Error) -> ProviderError {
        ProviderError::Malformed(format!("{}: '{key}': {e}", self.what))
    }

    pub(super) fn string(&self, keys: &[&str]) -> Result<String, ProviderError> {
        self.opt_string(keys)?.ok_or_else(|| self.missing(keys))
    }

    pub(super) fn opt_string(&self, keys: &[&str]) -> Result<Option<String>, ProviderError> {
        match self.get(keys) {
            None => Ok(None),
            Some(v) => lenient::opt_string(v.clone()).map_err(|e| self.bad(keys[0], e)),
        }
    }

    pub(super) fn opt_int(&self, keys: &[&str]) -> Result<Option<i64>, ProviderError> {
        match self.get(keys) {
            None => Ok(None),
            Some(v) => lenient::opt_int(v.clone()).map_err(|e| self.bad(keys[0], e)),
        }
    }

    pub(super) fn rupiah(&self, keys: &[&str]) -> Result<Rupiah, ProviderError> {
        self.opt_rupiah(keys)?.ok_or_else(|| self.missing(keys))
    }

    pub(super) fn opt_rupiah(&self, keys: &[&str]) -> Result<Option<Rupiah>, ProviderError> {
        Ok(self.opt_int(keys)?.map(Rupiah))
    }

    pub(super) fn opt_u64(&self, keys: &[&str]) -> Result<Option<u64>, ProviderError> {
        Ok(self.opt_int(keys)?.map(|n| n.max(0) as u64))
    }

    pub(super) fn opt_f32(&self, keys: &[&str]) -> Option<f32> {
        self.get(keys)
            .and_then(|v| lenient::opt_f32(v.clone()).ok().flatten())
    }

    pub(super) fn opt_bool(&self, keys: &[&str]) -> Option<bool> {
        self.get(keys)
            .and_then(|v| lenient::opt_bool(v.clone()).ok().flatten())
    }

    pub(super) fn value(&self, keys: &[&str]) -> Option<&'a Value> {
        self.get(keys)
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The rows of a list reply: a bare array, or an object holding one under a
/// usual name (paginated replies nest `data` again or use `items`).
pub(super) fn rows(v: Value, what: &'static str) -> Result<Vec<Value>, ProviderError> {
    match v {
        Value::Array(a) => Ok(a),
        Value::Object(mut m) => {
            for k in [
                "items",
                "data",
                "list",
                "results",
                "rows",
                "products",
                "services",
                "countries",
                "operators",
            ] {
                if let Some(Value::Array(_)) = m.get(k) {
                    if let Some(Value::Array(a)) = m.remove(k) {
                        return Ok(a);
                    }
                }
            }
            Err(ProviderError::Malformed(format!(
                "{what}: expected a list in the reply"
            )))
        }
        other => Err(ProviderError::Malformed(format!(
            "{what}: expected a list, got {}",
            kind_of(&other)
        ))),
    }
}

/// Last page number of a paginated reply, read before the rows are taken.
pub(super) fn last_page(v: &Value) -> Option<i64> {
    let meta = v.get("meta").or_else(|| v.get("pagination")).unwrap_or(v);
    let o = Obj::new(meta, "pagination").ok()?;
    o.opt_int(&["last_page", "total_pages", "pages"])
        .ok()
        .flatten()
}

pub(super) fn balance(v: &Value) -> Result<Rupiah, ProviderError> {
    if let Ok(n) = lenient::int(v.clone()) {
        return Ok(Rupiah(n));
    }
    Obj::new(v, "balance")?.rupiah(&["balance", "saldo", "amount"])
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct WCountry {
    pub id: String,
    pub name: String,
    pub prefix: Option<String>,
}

pub(super) fn country(v: &Value) -> Result<WCountry, ProviderError> {
    let o = Obj::new(v, "country")?;
    let id = o.string(&["id", "country_id"])?;
    let name = o
        .opt_string(&["name", "country_name", "country"])?
        .unwrap_or_else(|| id.clone());
    let prefix = o
        .opt_string(&["prefix", "phone_code", "dial_code", "calling_code"])?
        .map(|p| {
            if p.starts_with('+') {
                p
            } else {
                format!("+{p}")
            }
        });
    Ok(WCountry { id, name, prefix })
}

/// An S1 platform (`/services`) or an S2 service entry (`/s2/services`,
/// `/s2/special`): both are id + name, the S2 ones with price and stock.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WService {
    pub id: String,
    pub name: String,
    pub category: Option<String>,
    pub price: Option<Rupiah>,
    pub stock: Option<u64>,
    pub success_rate: Option<f32>,
    pub available: bool,
}

pub(super) fn service(v: &Value) -> Result<WService, ProviderError> {
    let o = Obj::new(v, "service")?;
    Ok(WService {
        id: o.string(&["id", "service_id", "platform_id"])?,
        name: o.string(&["name", "service_name", "platform_name"])?,
        category: o.opt_string(&["category", "type"])?,
        price: o.opt_rupiah(&["price", "harga", "cost"])?,
        stock: o.opt_u64(&["stock", "count", "available_count"])?,
        success_rate: o.opt_f32(&["success_rate", "rate", "activation_rate"]),
        available: o
            .opt_bool(&["available", "active", "is_active"])
            .unwrap_or(true),
    })
}

/// An S1 product (`/products`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WProduct {
    pub id: String,
    pub name: Option<String>,
    pub country_id: Option<String>,
    pub price: Rupiah,
    pub stock: Option<u64>,
    pub success_rate: Option<f32>,
    pub available: bool,
}

pub(super) fn product(v: &Value) -> Result<WProduct, ProviderError> {
    let o = Obj::new(v, "product")?;
    Ok(WProduct {
        id: o.string(&["id", "product_id"])?,
        name: o.opt_string(&["name", "product_name"])?,
        country_id: o.opt_string(&["country_id"])?,
        price: o.rupiah(&["price", "harga", "cost"])?,
        stock: o.opt_u64(&["stock", "count", "available_count"])?,
        success_rate: o.opt_f32(&["success_rate", "rate", "activation_rate"]),
        available: o
            .opt_bool(&["available", "active", "is_active"])
            .unwrap_or(true),
    })
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct WOperator {
    pub id: String,
    pub name: String,
}

pub(super) fn operator(v: &Value) -> Result<WOperator, ProviderError> {
    // Some APIs list operators as bare strings.
    if let Value::String(s) = v {
        return Ok(WOperator {
            id: s.clone(),
            name: s.clone(),
        });
    }
    let o = Obj::new(v, "operator")?;
    let id = o.string(&["id", "operator_id", "code"])?;
    let name = o
        .opt_string(&["name", "operator_name"])?
        .unwrap_or_else(|| id.clone());
    Ok(WOperator { id, name })
}

/// `/order/create`, `/order/replace` and `/order/check` replies.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WOrder {
    pub order_id: String,
    pub number: Option<String>,
    pub price: Option<Rupiah>,
    pub status: Option<OrderStatus>,
    pub otps: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub resend_locked_until: Option<DateTime<Utc>>,
    pub resend_count: Option<u32>,
    pub message: Option<String>,
}

pub(super) fn order(v: &Value) -> Result<WOrder, ProviderError> {
    let o = Obj::new(v, "order")?;
    let status = match o.opt_string(&["status", "order_status", "state"])? {
        Some(word) => Some(status_word(&word)?),
        None => None,
    };
    let mut otps = match o.value(&["otps", "otp_list", "messages"]) {
        Some(Value::Array(a)) => a.iter().filter_map(otp_entry).collect(),
        _ => Vec::new(),
    };
    // otp_code is the latest: make sure the timeline ends with it.
    if let Some(code) = o.opt_string(&["otp_code", "otp", "code"])? {
        let code = extract_code(&code);
        if !code.is_empty() && otps.last() != Some(&code) {
            otps.push(code);
        }
    }
    Ok(WOrder {
        order_id: o.string(&["order_id", "id"])?,
        number: o.opt_string(&["number", "phone_number", "phone", "msisdn"])?,
        price: o.opt_rupiah(&["price", "amount", "cost"])?,
        status,
        otps,
        expires_at: o.value(&["expires_at", "expired_at"]).and_then(time),
        resend_locked_until: o.value(&["resend_locked_until"]).and_then(time),
        resend_count: o
            .opt_u64(&["resend_count"])?
            .map(|n| n.min(u32::MAX as u64) as u32),
        message: o.opt_string(&["message", "note"])?,
    })
}

/// One entry of `otps[]`: a bare code, or an object with the code (or
/// the SMS text it can be read from).
fn otp_entry(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Object(_) => {
            let o = Obj::new(v, "otp").ok()?;
            o.opt_string(&["code", "otp", "otp_code"])
                .ok()
                .flatten()
                .or_else(|| o.opt_string(&["sms", "message", "text"]).ok().flatten())?
        }
        _ => return None,
    };
    let code = extract_code(&text);
    (!code.is_empty()).then_some(code)
}

/// OTPZap's status words onto the shared lifecycle. `failed` orders are
/// refunded by OTPZap (the doc), which is what expiry without an SMS does.
pub(super) fn status_word(word: &str) -> Result<OrderStatus, ProviderError> {
    Ok(match lenient::norm(word).as_str() {
        "pending" | "waiting" | "active" | "processing" => OrderStatus::Waiting,
        "otp_received" | "received" => OrderStatus::OtpReceived,
        "success" | "finished" | "completed" | "done" => OrderStatus::Finished,
        "cancelled" | "canceled" | "cancel" => OrderStatus::Cancelled,
        "expired" | "timeout" => OrderStatus::Expired,
        "failed" | "refunded" => OrderStatus::Failed,
        _ => {
            return Err(ProviderError::Malformed(format!(
                "unknown order status '{word}'"
            )))
        }
    })
}

/// The refund a cancel reply reports, if any.
pub(super) fn refund(v: &Value) -> Option<Rupiah> {
    let o = Obj::new(v, "cancel").ok()?;
    o.opt_rupiah(&["refund", "refunded", "refund_amount", "amount"])
        .ok()
        .flatten()
}

/// A timestamp: RFC 3339 with its own offset, a naive `YYYY-MM-DD
/// HH:MM:SS` (read as WIB, UTC+7, as the doc says of resend_locked_until),
/// or Unix seconds / milliseconds.
pub(super) fn time(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::Number(n) => epoch(n.as_i64()?),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(n) = s.parse::<i64>() {
                return epoch(n);
            }
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                return Some(t.with_timezone(&Utc));
            }
            for f in [
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%d %H:%M",
            ] {
                if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
                    return wib()
                        .from_local_datetime(&n)
                        .single()
                        .map(|t| t.with_timezone(&Utc));
                }
            }
            None
        }
        _ => None,
    }
}

fn epoch(n: i64) -> Option<DateTime<Utc>> {
    if n > 100_000_000_000 {
        DateTime::from_timestamp_millis(n)
    } else {
        DateTime::from_timestamp(n, 0)
    }
}

/// Formats a time the way the simulator writes it: naive WIB.
#[cfg(test)]
fn format_wib(t: DateTime<Utc>) -> String {
    t.with_timezone(&wib())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: body.to_string(),
        }
    }

    fn fixture(name: &str) -> Reply {
        let path = format!(
            "{}/tests/fixtures/otpzap/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let body = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        reply(200, &body)
    }

    fn order_of(name: &str) -> Result<WOrder, ProviderError> {
        order(&payload(&fixture(name))?)
    }

    #[test]
    fn balance_with_and_without_envelope() {
        assert_eq!(
            balance(&payload(&fixture("balance.json")).unwrap()).unwrap(),
            Rupiah(125_500)
        );
        assert_eq!(
            balance(&payload(&fixture("balance_drift.json")).unwrap()).unwrap(),
            Rupiah(98_000)
        );
        assert_eq!(
            balance(&payload(&reply(200, r#"{"data":"7500"}"#)).unwrap()).unwrap(),
            Rupiah(7_500)
        );
    }

    #[test]
    fn products_parse_and_paginate() {
        let v = payload(&fixture("products.json")).unwrap();
        assert_eq!(last_page(&v), Some(2));
        let items: Vec<WProduct> = rows(v, "products")
            .unwrap()
            .iter()
            .map(product)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].id, "101");
        assert_eq!(items[0].price, Rupiah(3_500));
        assert_eq!(items[0].stock, Some(120));
        assert_eq!(items[0].country_id.as_deref(), Some("7"));
        assert_eq!(items[1].stock, Some(0));
        assert_eq!(items[1].success_rate, Some(71.5));
    }

    #[test]
    fn drifted_products_string_ids_and_amounts() {
        let v = payload(&fixture("products_drift.json")).unwrap();
        assert_eq!(last_page(&v), None);
        let items: Vec<WProduct> = rows(v, "products")
            .unwrap()
            .iter()
            .map(product)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(items[0].id, "A-77");
        assert_eq!(items[0].price, Rupiah(4_250));
        assert_eq!(items[0].stock, Some(15));
        assert!(!items[1].available);
    }

    #[test]
    fn product_without_price_is_an_error() {
        let v = payload(&reply(200, r#"[{"id": 5, "name": "x"}]"#)).unwrap();
        let err = product(&rows(v, "products").unwrap()[0]).unwrap_err();
        assert!(
            matches!(&err, ProviderError::Malformed(m) if m.contains("price")),
            "{err:?}"
        );
    }

    #[test]
    fn countries_services_operators() {
        let cs = rows(payload(&fixture("countries.json")).unwrap(), "c").unwrap();
        let c = country(&cs[0]).unwrap();
        assert_eq!(
            c,
            WCountry {
                id: "7".into(),
                name: "Indonesia".into(),
                prefix: Some("+62".into())
            }
        );
        let ss = rows(payload(&fixture("s2_services.json")).unwrap(), "s").unwrap();
        let s = service(&ss[0]).unwrap();
        assert_eq!(
            (s.id.as_str(), s.name.as_str(), s.price, s.stock),
            ("501", "WhatsApp", Some(Rupiah(4_000)), Some(42))
        );
        let ops = rows(payload(&fixture("s2_operators.json")).unwrap(), "o").unwrap();
        let ops: Vec<WOperator> = ops.iter().map(operator).collect::<Result<_, _>>().unwrap();
        assert_eq!(ops[0].id, "any");
        assert_eq!(ops[1].name, "Telkomsel");
        assert_eq!(ops[2].id, "indosat");
    }

    #[test]
    fn created_order() {
        let o = order_of("order_create.json").unwrap();
        assert_eq!(o.order_id, "65");
        assert_eq!(o.number.as_deref(), Some("6281234567890"));
        assert_eq!(o.price, Some(Rupiah(3_500)));
        assert_eq!(o.status, Some(OrderStatus::Waiting));
        assert!(o.otps.is_empty());
        assert_eq!(o.expires_at, None);
    }

    #[test]
    fn check_with_timeline_keeps_order_and_latest() {
        let o = order_of("order_check_resent.json").unwrap();
        assert_eq!(o.status, Some(OrderStatus::OtpReceived));
        assert_eq!(o.otps, vec!["111111", "222222", "333333"]);
        assert_eq!(o.otps.last().map(String::as_str), Some("333333"));
        // 2026-11-22 14:05:30 WIB is 07:05:30 UTC.
        assert_eq!(
            o.resend_locked_until.map(|t| t.to_rfc3339()),
            Some("2026-11-22T07:05:30+00:00".to_string())
        );
    }

    #[test]
    fn otp_code_is_appended_when_the_timeline_lags() {
        let o = order_of("order_check_drift.json").unwrap();
        assert_eq!(o.order_id, "66");
        assert_eq!(o.status, Some(OrderStatus::Finished));
        assert_eq!(o.otps, vec!["4821", "909090"]);
        assert_eq!(o.resend_locked_until, None);
        assert_eq!(
            o.expires_at.map(|t| t.to_rfc3339()),
            Some("2026-11-22T08:00:00+00:00".to_string())
        );
    }

    #[test]
    fn status_words_any_case_and_unknown() {
        assert_eq!(
            status_word("OTP_RECEIVED").unwrap(),
            OrderStatus::OtpReceived
        );
        assert_eq!(status_word(" Pending ").unwrap(), OrderStatus::Waiting);
        assert_eq!(status_word("Canceled").unwrap(), OrderStatus::Cancelled);
        assert_eq!(status_word("failed").unwrap(), OrderStatus::Failed);
        let err = order_of("order_check_unknown.json").unwrap_err();
        assert!(
            matches!(&err, ProviderError::Malformed(m) if m.contains("quantum_flux")),
            "{err:?}"
        );
    }

    #[test]
    fn missing_order_id_is_an_error() {
        let err =
            order(&payload(&reply(200, r#"{"data":{"status":"pending"}}"#)).unwrap()).unwrap_err();
        assert!(matches!(&err, ProviderError::Malformed(m) if m.contains("order_id")));
    }

    #[test]
    fn success_false_at_200_is_an_error_with_the_message() {
        let err = payload(&fixture("error_200.json")).unwrap_err();
        assert_eq!(
            err,
            ProviderError::InsufficientBalance("Saldo tidak mencukupi".into())
        );
        let err = payload(&reply(
            200,
            r#"{"status":false,"message":"Produk nonaktif"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            err,
            ProviderError::Rejected {
                status: 200,
                message: "Produk nonaktif".into()
            }
        );
        // An order whose status is "failed" is not an error envelope.
        assert!(payload(&reply(200, r#"{"order_id":1,"status":"failed"}"#)).is_ok());
    }

    #[test]
    fn http_errors_keep_their_meaning() {
        let r = Reply {
            status: 429,
            retry_after: Some(std::time::Duration::from_secs(90)),
            body: r#"{"success":false,"message":"Cooldown"}"#.into(),
        };
        assert_eq!(
            payload(&r).unwrap_err().retry_after(),
            Some(std::time::Duration::from_secs(90))
        );
        let r = reply(400, r#"{"success":false,"message":"Insufficient balance"}"#);
        assert!(matches!(
            payload(&r),
            Err(ProviderError::InsufficientBalance(_))
        ));
        let r = reply(409, r#"{"success":false,"message":"Order is not pending"}"#);
        assert!(matches!(payload(&r), Err(ProviderError::Conflict(_))));
        let r = reply(
            502,
            r#"{"success":false,"message":"Provider rejected cancel"}"#,
        );
        assert!(matches!(
            payload(&r),
            Err(ProviderError::Unavailable { status: 502, .. })
        ));
    }

    #[test]
    fn times_in_every_shape() {
        let utc = |s: &str| time(&Value::String(s.into())).map(|t| t.to_rfc3339());
        assert_eq!(
            utc("2026-01-01 06:30:00"),
            Some("2025-12-31T23:30:00+00:00".into())
        );
        assert_eq!(
            utc("2026-01-01T10:00:00+00:00"),
            Some("2026-01-01T10:00:00+00:00".into())
        );
        assert_eq!(utc("nonsense"), None);
        assert_eq!(
            time(&Value::from(1_767_225_600)).map(|t| t.to_rfc3339()),
            Some("2026-01-01T00:00:00+00:00".into())
        );
        let t = DateTime::from_timestamp(1_767_225_600, 0).unwrap();
        assert_eq!(format_wib(t), "2026-01-01 07:00:00");
        assert_eq!(time(&Value::String(format_wib(t))), Some(t));
    }
}

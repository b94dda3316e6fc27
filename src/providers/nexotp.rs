//! NEXOTP API v1 adapter. Auth `Authorization: Bearer`.
//!
//! Shapes follow `api-docs/nexotp.txt`; where it is silent we assume:
//! * Errors are `{"success": false, "error": {"code", "message"}}` (or a
//!   top-level `message`) with the documented statuses: 401 bad key, 402 no
//!   balance, 409 idempotency key reused with another payload, 503 no
//!   number, 400 bad request / not cancellable, 403 the order belongs to
//!   another account (the key is fine, so that is `Rejected`, not
//!   `Unauthorized`), 404 no such order.
//! * The `data` envelope may be missing.
//! * Order status words: waiting, received, success, expired, cancelled (any
//!   case; "canceled" accepted).
//!
//! Buys carry `idempotencyKey` and are retried only with that same key.

use super::http::{encode, Http, Reply, Retry};
use super::lenient::{self, parse};
use super::{Auth, OrderRef, Provider, ProviderError, ProviderSettings};
use crate::domain::spending::SpendingCall;
use crate::domain::*;
use crate::money::Rupiah;
use crate::secret::Secret;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::time::Duration;

pub struct NexOtp {
    http: Http,
    key: Secret,
    lifetime: Duration,
}

mod wire {
    use super::lenient;
    use crate::money::Rupiah;
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Balance {
        #[serde(deserialize_with = "lenient::rupiah")]
        pub balance: Rupiah,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Service {
        #[serde(deserialize_with = "lenient::string")]
        pub service_code: String,
        pub name: String,
        #[serde(default)]
        pub category: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")]
        pub available: Option<bool>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Country {
        #[serde(deserialize_with = "lenient::string")]
        pub country_code: String,
        pub name: String,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        pub prefix: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")]
        pub available: Option<bool>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Provider {
        #[serde(deserialize_with = "lenient::string")]
        pub provider_code: String,
        #[serde(default)]
        pub name: Option<String>,
        #[serde(deserialize_with = "lenient::rupiah")]
        pub price: Rupiah,
        #[serde(default, deserialize_with = "lenient::opt_int")]
        pub stock: Option<i64>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Order {
        #[serde(deserialize_with = "lenient::string")]
        pub order_id: String,
        pub status: String,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        pub phone_number: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_rupiah")]
        pub price: Option<Rupiah>,
        #[serde(default)]
        pub expires_at: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        pub otp: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_int")]
        pub remaining_seconds: Option<i64>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Cancel {
        #[serde(default)]
        pub status: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_bool")]
        pub refunded: Option<bool>,
        #[serde(default, deserialize_with = "lenient::opt_rupiah")]
        pub refund_amount: Option<Rupiah>,
    }
}

fn payload(reply: &Reply) -> Result<Value, ProviderError> {
    let v: Option<Value> = serde_json::from_str(&reply.body).ok();
    let failed = v
        .as_ref()
        .and_then(|v| v.get("success"))
        .and_then(Value::as_bool)
        == Some(false);
    if reply.status == 403 {
        return Err(ProviderError::Rejected {
            status: 403,
            message: reply.message(),
        });
    }
    if !reply.is_success() {
        return Err(reply.status_error());
    }
    if failed {
        return Err(ProviderError::Rejected {
            status: reply.status,
            message: reply.message(),
        });
    }
    let v = v.ok_or_else(|| ProviderError::Malformed("reply is not JSON".into()))?;
    Ok(lenient::unwrap_data(v))
}

fn status_word(word: &str) -> Result<OrderStatus, ProviderError> {
    Ok(match lenient::norm(word).as_str() {
        "waiting" | "pending" => OrderStatus::Waiting,
        "received" => OrderStatus::OtpReceived,
        "success" | "completed" | "finished" => OrderStatus::Finished,
        "expired" => OrderStatus::Expired,
        "cancelled" | "canceled" => OrderStatus::Cancelled,
        "failed" => OrderStatus::Failed,
        other => {
            return Err(ProviderError::Malformed(format!(
                "unknown order status '{other}'"
            )))
        }
    })
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl NexOtp {
    pub fn new(settings: &ProviderSettings) -> Result<Self, ProviderError> {
        let Auth::ApiKey(key) = &settings.auth else {
            return Err(ProviderError::Unauthorized(
                "NEXOTP accounts need an api_key".into(),
            ));
        };
        Ok(NexOtp {
            http: Http::new(&settings.base_url, settings.http, vec![key.clone()])?,
            key: key.clone(),
            lifetime: settings.order_lifetime,
        })
    }

    /// `GET /api/v1/services` with or without `q`/`limit`; unavailable
    /// services are left out.
    async fn services_query(&self, path: &str) -> Result<Vec<Service>, ProviderError> {
        let list: Vec<wire::Service> = parse(self.get(path).await?, "services")?;
        Ok(list
            .into_iter()
            .filter(|s| s.available != Some(false))
            .map(|s| Service {
                id: s.service_code,
                name: s.name,
                category: s.category,
                path: Vec::new(),
            })
            .collect())
    }

    async fn get(&self, path: &str) -> Result<Value, ProviderError> {
        let url = self.http.url(path);
        let reply = self
            .http
            .send(Retry::Safe, |c| c.get(&url).bearer_auth(self.key.expose()))
            .await?;
        payload(&reply)
    }

    async fn post(&self, path: &str, body: Value, retry: Retry) -> Result<Value, ProviderError> {
        let url = self.http.url(path);
        let reply = self
            .http
            .send(retry, |c| {
                c.post(&url).bearer_auth(self.key.expose()).json(&body)
            })
            .await?;
        payload(&reply)
    }

    fn update_of(&self, o: &wire::Order) -> Result<OrderUpdate, ProviderError> {
        let status = status_word(&o.status)?;
        let expires_at = o.expires_at.as_deref().and_then(parse_time).or_else(|| {
            o.remaining_seconds.and_then(|s| {
                expiry_after(Utc::now(), std::time::Duration::from_secs(s.max(0) as u64))
            })
        });
        Ok(OrderUpdate {
            status: Some(status),
            otps: o
                .otp
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .map(|c| vec![extract_code(c)])
                .unwrap_or_default(),
            number: o.phone_number.clone(),
            expires_at,
            ..Default::default()
        })
    }
}

#[async_trait]
impl Provider for NexOtp {
    fn kind(&self) -> ProviderKind {
        ProviderKind::NexOtp
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            countries: true,
            cancel: true,
            ..Default::default()
        }
    }

    async fn balance(&self) -> Result<Rupiah, ProviderError> {
        let b: wire::Balance = parse(self.get("/api/v1/balance").await?, "balance")?;
        Ok(b.balance)
    }

    async fn services(&self) -> Result<Vec<Service>, ProviderError> {
        self.services_query("/api/v1/services").await
    }

    async fn search_services(
        &self,
        query: &str,
        limit: Option<usize>,
    ) -> Result<Vec<Service>, ProviderError> {
        let mut path = format!("/api/v1/services?q={}", encode(query));
        if let Some(n) = limit {
            path.push_str(&format!("&limit={n}"));
        }
        self.services_query(&path).await
    }

    async fn countries(&self, service_id: &str) -> Result<Vec<Country>, ProviderError> {
        let v = self
            .get(&format!("/api/v1/countries?service={}", encode(service_id)))
            .await?;
        let list: Vec<wire::Country> = parse(v, "countries")?;
        Ok(list
            .into_iter()
            .filter(|c| c.available != Some(false))
            .map(|c| Country {
                id: c.country_code,
                name: c.name,
                prefix: c.prefix,
                stock: None,
            })
            .collect())
    }

    async fn offers(
        &self,
        service_id: &str,
        country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError> {
        let country = country_id.unwrap_or("");
        let v = self
            .get(&format!(
                "/api/v1/providers?service={}&country={}",
                encode(service_id),
                encode(country)
            ))
            .await?;
        let list: Vec<wire::Provider> = parse(v, "providers")?;
        Ok(list
            .into_iter()
            .map(|p| Offer {
                label: p.name.unwrap_or_else(|| p.provider_code.clone()),
                id: p.provider_code,
                service_id: service_id.to_string(),
                country_id: country_id.map(str::to_string),
                price: p.price,
                stock: p.stock.map(|s| s.max(0) as u64),
                success_rate: None,
                operators: Vec::new(),
                available: true,
            })
            .collect())
    }

    async fn buy(&self, req: &BuyRequest) -> Result<PlacedOrder, ProviderError> {
        let body = json!({
            "service": req.service_id,
            "country": req.country_id,
            "provider": req.offer_id,
            "idempotencyKey": req.idempotency_key,
        });
        let v = self
            .post(
                "/api/v1/order",
                body,
                Retry::for_call(SpendingCall::SmsBuy(ProviderKind::NexOtp)),
            )
            .await?;
        let o: wire::Order = parse(v, "order")?;
        let u = self.update_of(&o)?;
        Ok(PlacedOrder {
            provider_order_id: o.order_id,
            number: o.phone_number.unwrap_or_default(),
            price: o.price.unwrap_or(req.price),
            status: u.status.unwrap_or(OrderStatus::Waiting),
            expires_at: u
                .expires_at
                .or_else(|| expiry_after(Utc::now(), self.lifetime)),
            otps: u.otps,
            sn: None,
        })
    }

    async fn status(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        let v = self
            .get(&format!(
                "/api/v1/order/{}",
                encode(&order.provider_order_id)
            ))
            .await?;
        let o: wire::Order = parse(v, "order")?;
        self.update_of(&o)
    }

    async fn cancel(&self, order: &OrderRef) -> Result<CancelOutcome, ProviderError> {
        let v = self
            .post(
                &format!("/api/v1/order/{}/cancel", encode(&order.provider_order_id)),
                json!({"reason": "user_requested"}),
                Retry::Never,
            )
            .await?;
        let c: wire::Cancel = parse(v, "cancel")?;
        if let Some(s) = &c.status {
            let st = status_word(s)?;
            if st != OrderStatus::Cancelled {
                return Err(ProviderError::Rejected {
                    status: 200,
                    message: format!("cancel answered with status '{s}'"),
                });
            }
        }
        Ok(CancelOutcome {
            // `refunded: false` is a stated "nothing back", not an unknown.
            refunded: if c.refunded == Some(false) {
                Some(Rupiah::ZERO)
            } else {
                c.refund_amount
            },
            message: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: body.to_string(),
        }
    }

    fn ok<T: DeserializeOwned>(body: &str) -> T {
        parse(payload(&reply(200, body)).unwrap(), "t").unwrap()
    }

    #[test]
    fn every_doc_example_parses() {
        let b: wire::Balance = ok(
            r#"{"success": true, "data": {"balance": 2450000, "currency": "IDR", "updatedAt": "2026-06-22T06:00:00.000Z"}, "requestId": "req_01HX..."}"#,
        );
        assert_eq!(b.balance, Rupiah(2_450_000));
        let s: Vec<wire::Service> = ok(
            r#"{"success": true, "data": [{"serviceCode": "whatsapp", "name": "WhatsApp", "category": "messaging", "available": true}], "requestId": "req_01HX..."}"#,
        );
        assert_eq!(s[0].service_code, "whatsapp");
        let c: Vec<wire::Country> = ok(
            r#"{"success": true, "data": [{"countryCode": "id", "name": "Indonesia", "prefix": "+62", "available": true}], "requestId": "req_01HX..."}"#,
        );
        assert_eq!(c[0].country_code, "id");
        let p: Vec<wire::Provider> = ok(
            r#"{"success": true, "data": [{"providerCode": "any", "name": "Any Provider", "price": 6500, "stock": 120}], "requestId": "req_01HX..."}"#,
        );
        assert_eq!((p[0].price, p[0].stock), (Rupiah(6500), Some(120)));
        let o: wire::Order = ok(
            r#"{"success": true, "data": {"orderId": "ord_01HX...", "status": "waiting", "phoneNumber": "+62812xxxxxxx", "price": 6500, "expiresAt": "2026-06-22T06:15:00.000Z"}, "requestId": "req_01HX..."}"#,
        );
        assert_eq!(o.order_id, "ord_01HX...");
        assert_eq!(
            o.expires_at
                .as_deref()
                .and_then(parse_time)
                .map(|t| t.timestamp()),
            Some(1_782_108_900)
        );
        let d: wire::Order = ok(
            r#"{"success": true, "data": {"orderId": "ord_01HX...", "status": "received", "phoneNumber": "+62812xxxxxxx", "otp": "123456", "remainingSeconds": 420}, "requestId": "req_01HX..."}"#,
        );
        assert_eq!(status_word(&d.status).unwrap(), OrderStatus::OtpReceived);
        assert_eq!(
            (d.otp.as_deref(), d.remaining_seconds),
            (Some("123456"), Some(420))
        );
        let x: wire::Cancel = ok(
            r#"{"success": true, "data": {"orderId": "ord_01HX...", "status": "cancelled", "refunded": true, "refundAmount": 6500}, "requestId": "req_01HX..."}"#,
        );
        assert_eq!(x.refund_amount, Some(Rupiah(6500)));
    }

    #[test]
    fn drift_and_errors() {
        let b: wire::Balance = ok(r#"{"balance": "2450000"}"#);
        assert_eq!(b.balance, Rupiah(2_450_000));
        let o: wire::Order = ok(r#"{"data": {"orderId": 991, "status": "EXPIRED"}}"#);
        assert_eq!(
            (o.order_id.as_str(), status_word(&o.status).unwrap()),
            ("991", OrderStatus::Expired)
        );
        assert!(
            matches!(status_word("vanished"), Err(ProviderError::Malformed(m)) if m.contains("vanished"))
        );
        assert!(parse::<wire::Order>(json!({"status": "waiting"}), "order").is_err());
        let e = payload(&reply(
            402,
            r#"{"success":false,"error":{"code":"INSUFFICIENT_BALANCE","message":"Saldo tidak cukup"}}"#,
        ));
        assert!(
            matches!(e, Err(ProviderError::InsufficientBalance(m)) if m == "Saldo tidak cukup")
        );
        assert!(matches!(
            payload(&reply(409, "{}")),
            Err(ProviderError::Conflict(_))
        ));
        assert!(matches!(
            payload(&reply(503, "{}")),
            Err(ProviderError::Unavailable { .. })
        ));
        assert!(matches!(
            payload(&reply(403, "{}")),
            Err(ProviderError::Rejected { status: 403, .. })
        ));
        assert!(matches!(
            payload(&reply(200, r#"{"success":false,"message":"nope"}"#)),
            Err(ProviderError::Rejected { .. })
        ));
    }
}

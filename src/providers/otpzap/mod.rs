//! OTPZap adapter: SMS numbers on Server 1 (products) and Server 2
//! (service + country + operator, and "special" services), and QRIS
//! top-ups (`topup`), webhook settings (`webhook`), pushed events (`push`),
//! and Server 3 email OTP (`email`: the "Email" service, sites as its
//! countries, domains as its offers).
//!
//! The doc names paths but no HTTP methods and shows no bodies, so this is
//! what we assume (the simulator in `sim::otpzap` produces exactly these):
//!
//! * Auth `Authorization: Bearer KEY`. Reads are `GET` with query strings;
//!   state changes are `POST` with a JSON body. Ids go on the wire as JSON
//!   numbers when they are all digits, else as strings.
//! * Every reply may be wrapped as `{"success": true, "message": .., "data":
//!   ..}` or come bare. `success:false`, `status:false` or `status:"error"`
//!   at HTTP 200 is an error carrying the API's `message`.
//! * `GET /balance` → `data: {"balance": 125500, "currency": "IDR"}`.
//! * `GET /countries`, `GET /s2/countries` → `data: [{"id": 7, "name":
//!   "Indonesia", "code": "ID", "prefix": "+62"}]`. S1 and S2 share country
//!   ids (the doc uses `country_id=7` for both), so they are merged by id.
//! * `GET /services[?country_id=]` (S1 platforms) → `data: [{"id": 1,
//!   "name": "WhatsApp", "category": "Chat"}]`.
//! * `GET /products?platform_id=&country_id=&page=&limit=` → `data:
//!   [{"id": 101, "platform_id": 1, "platform_name", "country_id": 7,
//!   "country_name", "name", "price": 3500, "stock": 120, "success_rate":
//!   92.5}], "meta": {"page", "limit", "total", "last_page"}`. We page with
//!   limit=100 and `sort=price` (value assumed):
//!   one page at a time for the dashboard's offers (`offers_page`, more on
//!   demand), up to 10 pages for country lists and the scripting commands;
//!   we sort by price again ourselves.
//! * `GET /s2/services?country_id=` → `data: [{"id": 501, "name":
//!   "WhatsApp", "country_id": 7, "price": 4000, "stock": 42}]`; S2 service
//!   ids are the same in every country. `GET /s2/operators?country_id=` →
//!   `data: [{"id": "any", "name": "Any operator"}, ..]`. `GET /s2/special`
//!   → `data: [{"id": 901, "name": "WhatsApp Special", "price", "stock"}]`.
//! * `POST /order/create` with header `Idempotency-Key` and body
//!   `{"product_id"}` (S1), `{"service_id", "country_id", "operator_id"}`
//!   (S2; operator defaults to `"any"`), or `{"service_id"}` alone (special:
//!   no country/operator, as the doc says of its listing). `service_name` is
//!   optional and must match exactly, so we never send it. Reply `data:
//!   {"order_id": 65, "number": "6281..", "price": 3500, "status":
//!   "pending", "otp_code": null, "otps": [], "resend_count": 0,
//!   "resend_locked_until": null}`. No lifetime is documented: an
//!   `expires_at`/`expired_at` is used when present, else now +
//!   `settings.order_lifetime`.
//! * `GET /order/check?order_id=` → the same order object with `otp_code`
//!   (latest OTP), `otps: [{"code", "message", "received_at"}]` oldest
//!   first (bare strings accepted too), `resend_count`, and
//!   `resend_locked_until` as naive WIB (UTC+7) `YYYY-MM-DD HH:MM:SS` or null.
//!   Status words, any case: pending → Waiting, otp_received → OtpReceived,
//!   success → Finished (S2 goes pending → success directly), failed
//!   (auto-refunded, which is also what an order that got no SMS in time
//!   becomes) → Failed, and the undocumented cancelled/canceled →
//!   Cancelled, expired → Expired. Anything else is `Malformed`.
//! * `POST /order/cancel|finish|resend|replace` with `{"order_id": 65}`.
//!   cancel: 409 not pending → Conflict, 429 + Retry-After (cooldown) →
//!   RateLimited, 502 → Unavailable; reply `data: {"order_id", "status":
//!   "cancelled", "refund": 3500}`. resend: 429 until the new OTP arrives →
//!   RateLimited. replace (S1 only): reply is a new order like create's,
//!   plus `replaced_order_id` and, we assume, the old order's `refund`
//!   (journaled as refunded only when the reply names it).
//! * Errors: `{"success": false, "message": ".."}` with 401 (bad key), 402
//!   or 400 with a balance/saldo message (insufficient balance), 404
//!   (unknown order), 409, 429.
//!
//! The catalog mapping (ours is service → country → offer; OTPZap is
//! country-first with two servers) is in `catalog`; its reads go at most
//! `CATALOG_IN_FLIGHT` at a time per account.
//!
//! Retries: reads and create (deduplicated by Idempotency-Key) and finish
//! are `Retry::Safe`; cancel, resend and replace are `Retry::Never` (a 429
//! there is a cooldown for the UI, and replace has no idempotency key).

mod catalog;
mod email;
mod email_wire;
/// Pushed events (deliveries to the receiver), beside `webhook` (settings).
mod push;
mod topup;
mod webhook;
mod wire;
pub use push::parse_webhook;

use super::extensions as ext;
use super::http::{encode, Http, Retry};
use super::{Auth, OrderRef, Provider, ProviderError, ProviderSettings};
use crate::domain::spending::SpendingCall;
use crate::domain::*;
use crate::money::Rupiah;
use crate::secret::Secret;
use async_trait::async_trait;
use catalog::OfferIds;
use serde_json::{json, Value};
use std::time::Duration;

pub struct OtpZap {
    http: Http,
    key: Secret,
    lifetime: Duration,
    /// Catalog reads in flight at once for this account, so opening the
    /// tree never bursts the API into 429s.
    catalog_gate: tokio::sync::Semaphore,
}

/// How many catalog reads one account sends at once.
const CATALOG_IN_FLIGHT: usize = 3;

impl OtpZap {
    pub fn new(settings: &ProviderSettings) -> Result<Self, ProviderError> {
        let key = match &settings.auth {
            Auth::ApiKey(k) => k.clone(),
            Auth::Otomax { .. } => {
                return Err(ProviderError::Unauthorized(
                    "OTPZap accounts need an api_key".into(),
                ))
            }
        };
        Ok(OtpZap {
            http: Http::new(&settings.base_url, settings.http, vec![key.clone()])?,
            key,
            lifetime: settings.order_lifetime,
            catalog_gate: tokio::sync::Semaphore::new(CATALOG_IN_FLIGHT),
        })
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, ProviderError> {
        let url = format!("{}{}", self.http.url(path), query_string(query));
        let reply = self
            .http
            .send(Retry::Safe, |c| c.get(&url).bearer_auth(self.key.expose()))
            .await?;
        wire::payload(&reply)
    }

    async fn post(
        &self,
        path: &str,
        body: Value,
        retry: Retry,
        idempotency_key: Option<&str>,
    ) -> Result<Value, ProviderError> {
        let url = self.http.url(path);
        let reply = self
            .http
            .send(retry, |c| {
                let rb = c.post(&url).bearer_auth(self.key.expose()).json(&body);
                match idempotency_key {
                    Some(k) => rb.header("Idempotency-Key", k),
                    None => rb,
                }
            })
            .await?;
        wire::payload(&reply)
    }

    async fn list<T>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &'static str,
        parse: fn(&Value) -> Result<T, ProviderError>,
    ) -> Result<Vec<T>, ProviderError> {
        let v = self.catalog_get(path, query).await?;
        wire::rows(v, what)?.iter().map(parse).collect()
    }

    /// A catalog read, waiting for one of the account's few slots.
    async fn catalog_get(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, ProviderError> {
        // The gate is never closed, so acquire cannot fail; go on if it did.
        let _permit = self.catalog_gate.acquire().await.ok();
        self.get(path, query).await
    }

    fn placed(
        &self,
        o: wire::WOrder,
        fallback_price: Option<Rupiah>,
    ) -> Result<PlacedOrder, ProviderError> {
        let price = o
            .price
            .or(fallback_price)
            .ok_or_else(|| ProviderError::Malformed("order: missing 'price'".into()))?;
        let number = o
            .number
            .ok_or_else(|| ProviderError::Malformed("order: missing 'number'".into()))?;
        Ok(PlacedOrder {
            provider_order_id: o.order_id,
            number,
            price,
            status: o.status.unwrap_or(OrderStatus::Waiting),
            expires_at: o
                .expires_at
                .or_else(|| expiry_after(chrono::Utc::now(), self.lifetime)),
            otps: o.otps,
            sn: None,
        })
    }

    async fn order_action(
        &self,
        path: &str,
        order: &OrderRef,
        retry: Retry,
    ) -> Result<Value, ProviderError> {
        let body = json!({ "order_id": id_value(&order.provider_order_id) });
        self.post(path, body, retry, None).await
    }
}

/// An id as JSON: a number when it is one, else the string.
fn id_value(id: &str) -> Value {
    match id.parse::<i64>() {
        Ok(n) if n.to_string() == id => Value::from(n),
        _ => Value::from(id),
    }
}

fn query_string(q: &[(&str, &str)]) -> String {
    if q.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = q
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("?{}", parts.join("&"))
}

#[async_trait]
impl Provider for OtpZap {
    fn kind(&self) -> ProviderKind {
        ProviderKind::OtpZap
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            countries: true,
            operators: true,
            cancel: true,
            finish: true,
            resend: true,
            replace: true,
            topup: false,
            otomax: None,
            // "A 2-minute cooldown applies to all orders" (cancel).
            cancel_after_secs: Some(120),
        }
    }

    // Webhook settings (`webhook.rs`) and QRIS top-ups (`topup.rs`).
    fn webhooks(&self) -> Option<&dyn ext::Webhooks> {
        Some(self)
    }
    fn deposits(&self) -> Option<&dyn ext::Deposits> {
        Some(self)
    }

    async fn balance(&self) -> Result<Rupiah, ProviderError> {
        wire::balance(&self.get("/balance", &[]).await?)
    }

    async fn services(&self) -> Result<Vec<Service>, ProviderError> {
        let mut all = self.catalog_services().await?;
        all.push(email::email_service());
        Ok(all)
    }

    async fn countries(&self, service_id: &str) -> Result<Vec<Country>, ProviderError> {
        if service_id == email::EMAIL_SERVICE_ID {
            return self.email_sites().await;
        }
        self.catalog_countries(service_id).await
    }

    async fn offers(
        &self,
        service_id: &str,
        country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError> {
        if service_id == email::EMAIL_SERVICE_ID {
            return self.email_domains(country_id.unwrap_or_default()).await;
        }
        self.catalog_offers(service_id, country_id).await
    }

    async fn offers_by_name(
        &self,
        service: &str,
        country: &str,
    ) -> Result<Vec<(Service, Country, Offer)>, ProviderError> {
        self.s2_offers_by_name(service, country).await
    }

    async fn offers_page(
        &self,
        service_id: &str,
        country_id: Option<&str>,
        page: u32,
    ) -> Result<(Vec<Offer>, bool), ProviderError> {
        // A site's domains are one listing, like every non-S1 level.
        if service_id == email::EMAIL_SERVICE_ID {
            return match page {
                1 => Ok((self.offers(service_id, country_id).await?, false)),
                _ => Ok((Vec::new(), false)),
            };
        }
        self.catalog_offers_page(service_id, country_id, page).await
    }

    async fn buy(&self, req: &BuyRequest) -> Result<PlacedOrder, ProviderError> {
        if email::is_email_offer(&req.offer_id) {
            return self.email_create(req).await;
        }
        let body = match OfferIds::parse(&req.offer_id)? {
            OfferIds::S1 { product } => json!({ "product_id": id_value(&product) }),
            OfferIds::S2 { service, country } => json!({
                "service_id": id_value(&service),
                "country_id": id_value(&country),
                "operator_id": id_value(req.operator.as_deref().unwrap_or("any")),
            }),
            OfferIds::Special { service } => json!({ "service_id": id_value(&service) }),
        };
        let v = self
            .post(
                "/order/create",
                body,
                Retry::for_call(SpendingCall::SmsBuy(ProviderKind::OtpZap)),
                Some(&req.idempotency_key),
            )
            .await?;
        self.placed(wire::order(&v)?, Some(req.price))
    }

    async fn status(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        if email::is_email(order) {
            return self.email_check(order).await;
        }
        let v = self
            .get("/order/check", &[("order_id", &order.provider_order_id)])
            .await?;
        let o = wire::order(&v)?;
        let status = o
            .status
            .ok_or_else(|| ProviderError::Malformed("order: missing 'status'".into()))?;
        let message = o.message.or_else(|| {
            (status == OrderStatus::Failed).then(|| "failed; OTPZap refunds the balance".into())
        });
        Ok(OrderUpdate {
            status: Some(status),
            otps: o.otps,
            number: o.number,
            expires_at: o.expires_at,
            sn: None,
            resend_locked_until: o.resend_locked_until,
            resend_count: o.resend_count,
            message,
            messages: Vec::new(),
        })
    }

    async fn cancel(&self, order: &OrderRef) -> Result<CancelOutcome, ProviderError> {
        if email::is_email(order) {
            return self.email_cancel(order).await;
        }
        let v = self
            .order_action("/order/cancel", order, Retry::Never)
            .await?;
        Ok(CancelOutcome {
            refunded: wire::refund(&v),
            message: Some("cancelled; OTPZap refunds the balance".into()),
        })
    }

    async fn finish(&self, order: &OrderRef) -> Result<(), ProviderError> {
        if email::is_email(order) {
            return self.email_finish(order).await;
        }
        self.order_action("/order/finish", order, Retry::Safe)
            .await
            .map(|_| ())
    }

    /// On an email order, resend is the reorder (a new message, same inbox).
    async fn resend(&self, order: &OrderRef) -> Result<(), ProviderError> {
        if email::is_email(order) {
            return self.email_reorder(order).await;
        }
        self.order_action("/order/resend", order, Retry::Never)
            .await
            .map(|_| ())
    }

    async fn replace(&self, order: &OrderRef) -> Result<PlacedOrder, ProviderError> {
        if email::is_email(order) {
            return Err(ProviderError::Unsupported(
                "replace on an email order".into(),
            ));
        }
        self.replace_reported(order).await.map(|(p, _)| p)
    }

    async fn replace_reported(
        &self,
        order: &OrderRef,
    ) -> Result<(PlacedOrder, Option<Rupiah>), ProviderError> {
        let v = self
            .order_action(
                "/order/replace",
                order,
                Retry::for_call(SpendingCall::SmsReplace),
            )
            .await?;
        // Not `amount`: on a replace that may be the new order's price.
        let refund = wire::Obj::new(&v, "replace")?.opt_rupiah(&[
            "refund",
            "refunded",
            "refund_amount",
            "old_refund",
        ])?;
        Ok((self.placed(wire::order(&v)?, None)?, refund))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_go_out_as_numbers_when_they_are() {
        assert_eq!(id_value("65"), json!(65));
        assert_eq!(id_value("065"), json!("065"));
        assert_eq!(id_value("any"), json!("any"));
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            query_string(&[("order_id", "a b&c"), ("x", "7")]),
            "?order_id=a%20b%26c&x=7"
        );
    }
}

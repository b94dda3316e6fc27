//! OTPZap adapter: SMS numbers on Server 1 (products) and Server 2
//! (service + country + operator, and "special" services). Server 3 (email
//! OTP), top-ups and webhooks are not wired here.
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
//!   limit=100 up to 10 pages and sort by price ourselves (no `sort`).
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
//!   plus `replaced_order_id`.
//! * Errors: `{"success": false, "message": ".."}` with 401 (bad key), 402
//!   or 400 with a balance/saldo message (insufficient balance), 404
//!   (unknown order), 409, 429.
//!
//! Catalog mapping (ours is service → country → offer; OTPZap is
//! country-first with two servers):
//! * services = S1 `/services` (all platforms) merged by name (case and
//!   punctuation ignored) with the S2 services of every S2 country, plus one
//!   service per `/s2/special` entry. Ids: `s1:<platform>`, `s2:<service>`,
//!   `s1:<platform>,s2:<service>` when merged, `sp:<special id>`.
//! * countries = where the service has S1 products and/or S2 entries; a
//!   special service has one synthetic country `special`.
//! * offers = S1 products for (platform, country) as `s1:<product_id>`, and
//!   the S2 entry for that country as `s2:<service_id>:<country_id>` with the
//!   country's operators; specials as `sp:<id>`.
//!
//! Retries: reads and create (deduplicated by Idempotency-Key) and finish
//! are `Retry::Safe`; cancel, resend and replace are `Retry::Never` (a 429
//! there is a cooldown for the UI, and replace has no idempotency key).

mod wire;

use super::http::{Http, Retry};
use super::{Auth, OrderRef, Provider, ProviderError, ProviderSettings};
use crate::domain::*;
use crate::money::Rupiah;
use crate::secret::Secret;
use async_trait::async_trait;
use futures::future::try_join_all;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// Pages of `/products` fetched at most per listing.
const MAX_PAGES: i64 = 10;
const PAGE_LIMIT: usize = 100;
/// Synthetic country under which special services are offered.
const SPECIAL_COUNTRY: &str = "special";

pub struct OtpZap {
    http: Http,
    key: Secret,
    lifetime: Duration,
}

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
        let v = self.get(path, query).await?;
        wire::rows(v, what)?.iter().map(parse).collect()
    }

    async fn s1_countries(&self) -> Result<Vec<wire::WCountry>, ProviderError> {
        self.list("/countries", &[], "countries", wire::country)
            .await
    }

    async fn s2_countries(&self) -> Result<Vec<wire::WCountry>, ProviderError> {
        self.list("/s2/countries", &[], "S2 countries", wire::country)
            .await
    }

    async fn s2_services(&self, country: &str) -> Result<Vec<wire::WService>, ProviderError> {
        self.list(
            "/s2/services",
            &[("country_id", country)],
            "S2 services",
            wire::service,
        )
        .await
    }

    async fn s2_operators(&self, country: &str) -> Result<Vec<wire::WOperator>, ProviderError> {
        self.list(
            "/s2/operators",
            &[("country_id", country)],
            "S2 operators",
            wire::operator,
        )
        .await
    }

    async fn s2_special(&self) -> Result<Vec<wire::WService>, ProviderError> {
        self.list("/s2/special", &[], "special services", wire::service)
            .await
    }

    /// S2 services of every S2 country, fetched side by side.
    async fn s2_by_country(
        &self,
    ) -> Result<Vec<(wire::WCountry, Vec<wire::WService>)>, ProviderError> {
        let countries = self.s2_countries().await?;
        let lists = try_join_all(countries.iter().map(|c| self.s2_services(&c.id))).await?;
        Ok(countries.into_iter().zip(lists).collect())
    }

    /// Every product of a platform (optionally in one country), all pages.
    async fn products(
        &self,
        platform: &str,
        country: Option<&str>,
    ) -> Result<Vec<wire::WProduct>, ProviderError> {
        let mut out = Vec::new();
        let limit = PAGE_LIMIT.to_string();
        let mut page = 1i64;
        loop {
            let page_s = page.to_string();
            let mut q = vec![("platform_id", platform)];
            if let Some(c) = country {
                q.push(("country_id", c));
            }
            q.push(("page", &page_s));
            q.push(("limit", &limit));
            let v = self.get("/products", &q).await?;
            let last = wire::last_page(&v);
            let rows = wire::rows(v, "products")?;
            let n = rows.len();
            for r in &rows {
                out.push(wire::product(r)?);
            }
            let more = match last {
                Some(last) => page < last,
                None => n >= PAGE_LIMIT,
            };
            if !more || n == 0 || page >= MAX_PAGES {
                return Ok(out);
            }
            page += 1;
        }
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

/// Which OTPZap ids a catalog service stands for.
#[derive(Debug, Default, PartialEq)]
struct ServiceIds {
    s1: Option<String>,
    s2: Option<String>,
    special: Option<String>,
}

impl ServiceIds {
    fn parse(id: &str) -> Result<ServiceIds, ProviderError> {
        let mut out = ServiceIds::default();
        for part in id.split(',') {
            match part.split_once(':') {
                Some(("s1", v)) if !v.is_empty() => out.s1 = Some(v.to_string()),
                Some(("s2", v)) if !v.is_empty() => out.s2 = Some(v.to_string()),
                Some(("sp", v)) if !v.is_empty() => out.special = Some(v.to_string()),
                _ => {
                    return Err(ProviderError::Rejected {
                        status: 0,
                        message: format!("'{id}' is not an OTPZap service id"),
                    })
                }
            }
        }
        Ok(out)
    }

    fn encode(&self) -> String {
        let parts: Vec<String> = [("s1", &self.s1), ("s2", &self.s2), ("sp", &self.special)]
            .iter()
            .filter_map(|(p, v)| v.as_ref().map(|v| format!("{p}:{v}")))
            .collect();
        parts.join(",")
    }
}

/// What a buy sends, rebuilt from an offer id.
#[derive(Debug, PartialEq)]
enum OfferIds {
    S1 { product: String },
    S2 { service: String, country: String },
    Special { service: String },
}

impl OfferIds {
    fn parse(id: &str) -> Result<OfferIds, ProviderError> {
        let bad = || ProviderError::Rejected {
            status: 0,
            message: format!("'{id}' is not an OTPZap offer id"),
        };
        match id.split_once(':') {
            Some(("s1", p)) if !p.is_empty() => Ok(OfferIds::S1 {
                product: p.to_string(),
            }),
            Some(("sp", s)) if !s.is_empty() => Ok(OfferIds::Special {
                service: s.to_string(),
            }),
            Some(("s2", rest)) => match rest.rsplit_once(':') {
                Some((s, c)) if !s.is_empty() && !c.is_empty() => Ok(OfferIds::S2 {
                    service: s.to_string(),
                    country: c.to_string(),
                }),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

/// Services compare by name without case or punctuation when merging
/// S1 platforms with S2 services.
fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
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

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn add_stock(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    }
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
            idempotent_buy: true,
            // "A 2-minute cooldown applies to all orders" (cancel).
            cancel_after_secs: Some(120),
        }
    }

    async fn balance(&self) -> Result<Rupiah, ProviderError> {
        wire::balance(&self.get("/balance", &[]).await?)
    }

    async fn services(&self) -> Result<Vec<Service>, ProviderError> {
        let (platforms, s2, special) = futures::try_join!(
            self.list("/services", &[], "services", wire::service),
            self.s2_by_country(),
            self.s2_special(),
        )?;
        // (ids, name, category) in S1 order, then S2-only names.
        let mut merged: Vec<(ServiceIds, String, Option<String>)> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for p in platforms {
            let key = name_key(&p.name);
            match by_name.get(&key).copied() {
                Some(i) if merged[i].0.s1.is_none() => merged[i].0.s1 = Some(p.id),
                _ => {
                    by_name.insert(key, merged.len());
                    let ids = ServiceIds {
                        s1: Some(p.id),
                        ..Default::default()
                    };
                    merged.push((ids, p.name, p.category));
                }
            }
        }
        for s in s2.into_iter().flat_map(|(_, list)| list) {
            let key = name_key(&s.name);
            match by_name.get(&key).copied() {
                Some(i) if merged[i].0.s2.is_none() => merged[i].0.s2 = Some(s.id),
                // The same S2 service again, from another country.
                Some(i) if merged[i].0.s2.as_ref() == Some(&s.id) => {}
                _ => {
                    by_name.insert(key, merged.len());
                    let ids = ServiceIds {
                        s2: Some(s.id),
                        ..Default::default()
                    };
                    merged.push((ids, s.name, Some("Server 2".into())));
                }
            }
        }
        let mut out: Vec<Service> = merged
            .into_iter()
            .map(|(ids, name, category)| Service {
                id: ids.encode(),
                name,
                category,
            })
            .collect();
        out.extend(special.into_iter().map(|s| Service {
            id: format!("sp:{}", s.id),
            name: format!("{} (special)", s.name),
            category: Some("Special".into()),
        }));
        Ok(out)
    }

    async fn countries(&self, service_id: &str) -> Result<Vec<Country>, ProviderError> {
        let ids = ServiceIds::parse(service_id)?;
        let mut out: Vec<Country> = Vec::new();
        if let Some(sp) = &ids.special {
            let stock = self
                .s2_special()
                .await?
                .into_iter()
                .find(|s| s.id == *sp)
                .and_then(|s| s.stock);
            out.push(Country {
                id: SPECIAL_COUNTRY.into(),
                name: "Special (pre-allocated numbers)".into(),
                prefix: None,
                stock,
            });
        }
        let add = |out: &mut Vec<Country>, c: &wire::WCountry, stock: Option<u64>| match out
            .iter_mut()
            .find(|x| x.id == c.id)
        {
            Some(x) => x.stock = add_stock(x.stock, stock),
            None => out.push(Country {
                id: c.id.clone(),
                name: c.name.clone(),
                prefix: c.prefix.clone(),
                stock,
            }),
        };
        if let Some(platform) = &ids.s1 {
            let (countries, products) =
                futures::try_join!(self.s1_countries(), self.products(platform, None))?;
            for c in &countries {
                let mine: Vec<_> = products
                    .iter()
                    .filter(|p| p.country_id.as_deref() == Some(c.id.as_str()))
                    .collect();
                if !mine.is_empty() {
                    let stock = mine.iter().fold(None, |acc, p| add_stock(acc, p.stock));
                    add(&mut out, c, stock);
                }
            }
        }
        if let Some(service) = &ids.s2 {
            for (c, list) in self.s2_by_country().await? {
                if let Some(s) = list.iter().find(|s| s.id == *service) {
                    add(&mut out, &c, s.stock);
                }
            }
        }
        Ok(out)
    }

    async fn offers(
        &self,
        service_id: &str,
        country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError> {
        let ids = ServiceIds::parse(service_id)?;
        let mut out = Vec::new();
        if let Some(sp) = &ids.special {
            if country_id.is_none_or(|c| c == SPECIAL_COUNTRY) {
                for s in self.s2_special().await?.into_iter().filter(|s| s.id == *sp) {
                    let price = s.price.ok_or_else(|| {
                        ProviderError::Malformed("special service: missing 'price'".into())
                    })?;
                    out.push(Offer {
                        id: format!("sp:{}", s.id),
                        service_id: service_id.to_string(),
                        country_id: Some(SPECIAL_COUNTRY.into()),
                        label: format!("S2 special · {}", s.name),
                        price,
                        stock: s.stock,
                        success_rate: s.success_rate,
                        operators: Vec::new(),
                        available: s.available,
                    });
                }
            }
        }
        let country = country_id.filter(|c| *c != SPECIAL_COUNTRY);
        if let Some(platform) = &ids.s1 {
            if country_id != Some(SPECIAL_COUNTRY) {
                for p in self.products(platform, country).await? {
                    out.push(Offer {
                        id: format!("s1:{}", p.id),
                        service_id: service_id.to_string(),
                        country_id: p.country_id.clone().or_else(|| country.map(str::to_string)),
                        label: format!("S1 · {}", p.name.as_deref().unwrap_or(&p.id)),
                        price: p.price,
                        stock: p.stock,
                        success_rate: p.success_rate,
                        operators: Vec::new(),
                        available: p.available,
                    });
                }
            }
        }
        // S2 entries exist per country only.
        if let (Some(service), Some(c)) = (&ids.s2, country) {
            let (services, operators) =
                futures::try_join!(self.s2_services(c), self.s2_operators(c),)?;
            for s in services.into_iter().filter(|s| s.id == *service) {
                let price = s.price.ok_or_else(|| {
                    ProviderError::Malformed("S2 service: missing 'price'".into())
                })?;
                out.push(Offer {
                    id: format!("s2:{}:{c}", s.id),
                    service_id: service_id.to_string(),
                    country_id: Some(c.to_string()),
                    label: format!("S2 · {}", s.name),
                    price,
                    stock: s.stock,
                    success_rate: s.success_rate,
                    operators: operators
                        .iter()
                        .map(|o| Operator {
                            id: o.id.clone(),
                            name: o.name.clone(),
                        })
                        .collect(),
                    available: s.available,
                });
            }
        }
        out.sort_by_key(|o| o.price);
        Ok(out)
    }

    async fn buy(&self, req: &BuyRequest) -> Result<PlacedOrder, ProviderError> {
        let body = match OfferIds::parse(&req.offer_id)? {
            OfferIds::S1 { product } => json!({ "product_id": id_value(&product) }),
            OfferIds::S2 { service, country } => json!({
                "service_id": id_value(&service),
                "country_id": id_value(&country),
                "operator_id": id_value(req.operator.as_deref().unwrap_or("any")),
            }),
            OfferIds::Special { service } => json!({ "service_id": id_value(&service) }),
        };
        // Safe to retry: OTPZap deduplicates on the Idempotency-Key.
        let v = self
            .post(
                "/order/create",
                body,
                Retry::Safe,
                Some(&req.idempotency_key),
            )
            .await?;
        self.placed(wire::order(&v)?, Some(req.price))
    }

    async fn status(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
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
        })
    }

    async fn cancel(&self, order: &OrderRef) -> Result<CancelOutcome, ProviderError> {
        let v = self
            .order_action("/order/cancel", order, Retry::Never)
            .await?;
        Ok(CancelOutcome {
            refunded: wire::refund(&v),
            message: Some("cancelled; OTPZap refunds the balance".into()),
        })
    }

    async fn finish(&self, order: &OrderRef) -> Result<(), ProviderError> {
        self.order_action("/order/finish", order, Retry::Safe)
            .await
            .map(|_| ())
    }

    async fn resend(&self, order: &OrderRef) -> Result<(), ProviderError> {
        self.order_action("/order/resend", order, Retry::Never)
            .await
            .map(|_| ())
    }

    async fn replace(&self, order: &OrderRef) -> Result<PlacedOrder, ProviderError> {
        let v = self
            .order_action("/order/replace", order, Retry::Never)
            .await?;
        self.placed(wire::order(&v)?, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_ids_round_trip() {
        let ids = ServiceIds::parse("s1:1,s2:501").unwrap();
        assert_eq!(ids.s1.as_deref(), Some("1"));
        assert_eq!(ids.s2.as_deref(), Some("501"));
        assert_eq!(ids.encode(), "s1:1,s2:501");
        assert_eq!(
            ServiceIds::parse("sp:901").unwrap().special.as_deref(),
            Some("901")
        );
        assert!(ServiceIds::parse("whatsapp").is_err());
        assert!(ServiceIds::parse("s1:").is_err());
    }

    #[test]
    fn offer_ids_rebuild_the_body() {
        assert_eq!(
            OfferIds::parse("s1:101").unwrap(),
            OfferIds::S1 {
                product: "101".into()
            }
        );
        assert_eq!(
            OfferIds::parse("s2:wa:x:7").unwrap(),
            OfferIds::S2 {
                service: "wa:x".into(),
                country: "7".into()
            }
        );
        assert!(OfferIds::parse("s2:501").is_err());
        assert!(OfferIds::parse("101").is_err());
    }

    #[test]
    fn ids_go_out_as_numbers_when_they_are() {
        assert_eq!(id_value("65"), json!(65));
        assert_eq!(id_value("065"), json!("065"));
        assert_eq!(id_value("any"), json!("any"));
    }

    #[test]
    fn names_merge_without_case_or_punctuation() {
        assert_eq!(name_key("Whats App"), name_key("whatsapp"));
        assert_eq!(name_key("Go-Jek"), "gojek");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            query_string(&[("order_id", "a b&c"), ("x", "7")]),
            "?order_id=a%20b%26c&x=7"
        );
    }
}

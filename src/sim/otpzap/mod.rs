//! Simulator of the OTPZap API, Servers 1 and 2, in exactly the shapes the
//! adapter's module comment (`providers::otpzap`) assumes: reads are GET,
//! state changes POST with a JSON body, replies are `{"success": true,
//! "data": ..}` or `{"success": false, "message": ..}`.
//!
//! Orders are computed lazily from their creation `Instant`: the first OTP
//! appears after `otp_delay`; S1 orders go pending → otp_received → success
//! (on finish), S2 and special orders go pending → success when the OTP
//! arrives. A resend schedules another OTP `otp_delay` later and locks
//! further resends (429, `resend_locked_until` in WIB) until it arrives.
//! Cancel: 409 unless pending, 429 + Retry-After during `cancel_cooldown`,
//! else `cancelled` with a refund. Orders still pending after
//! `order_lifetime` become `failed` and are refunded (OTPZap's word for an
//! auto-refunded order); S1 orders that got an OTP become `success` then.
//! Replaced orders read `cancelled`. Insufficient balance is HTTP 402.
//! Product 1999 (WhatsApp Indonesia, "SIMULASI") never gets an OTP.

mod catalog;

pub use catalog::NEVER_OTP_PRODUCT;

use super::wallets::SimCharge;
use super::{bearer, key_is_valid, otp_code, SimOptions};
use crate::money::Rupiah;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use catalog::Catalog;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub struct SimState {
    opts: SimOptions,
    catalog: Catalog,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    wallets: HashMap<String, Wallet>,
    orders: Vec<SimOrder>,
    /// (API key, Idempotency-Key) → (request body, order id).
    idempotency: HashMap<(String, String), (String, u64)>,
    delivered: Vec<(String, String)>,
    /// Every charge, with the order it paid for.
    ledger: Vec<SimCharge>,
}

struct Wallet {
    balance: Rupiah,
    charged: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    S1 { product: u32 },
    S2 { service: u32, country: u32 },
    Special { service: u32 },
}

#[derive(Clone, Copy, PartialEq)]
enum Final {
    Cancelled,
    Finished,
    Failed,
}

struct SimOrder {
    id: u64,
    owner: String,
    kind: Kind,
    operator: Option<String>,
    service_name: String,
    price: Rupiah,
    number: String,
    created: Instant,
    created_wall: DateTime<Utc>,
    /// When each OTP arrives, as time since creation (first, then resends).
    otp_at: Vec<Duration>,
    resend_count: u32,
    /// Final state and when it was reached.
    ended: Option<(Final, Duration)>,
    delivered: usize,
}

impl SimOrder {
    fn s1(&self) -> bool {
        matches!(self.kind, Kind::S1 { .. })
    }

    /// OTPs visible at `at` (none arrive after the order ended).
    fn visible(&self, at: Duration) -> usize {
        let cutoff = self.ended.map_or(at, |(_, t)| t.min(at));
        self.otp_at.iter().filter(|t| **t <= cutoff).count()
    }

    fn word(&self, at: Duration) -> &'static str {
        match self.ended {
            Some((Final::Cancelled, _)) => "cancelled",
            Some((Final::Finished, _)) => "success",
            Some((Final::Failed, _)) => "failed",
            None if self.visible(at) == 0 => "pending",
            None if self.s1() => "otp_received",
            None => "success",
        }
    }

    /// When the outstanding resent OTP arrives, while one is outstanding.
    fn resend_lock(&self, at: Duration) -> Option<Duration> {
        if self.ended.is_some() || self.resend_count == 0 {
            return None;
        }
        self.otp_at.last().copied().filter(|t| *t > at)
    }

    fn wall(&self, offset: Duration) -> DateTime<Utc> {
        self.created_wall + chrono::Duration::from_std(offset).unwrap_or_default()
    }

    fn view(&self, at: Duration) -> Value {
        let n = self.visible(at);
        let otps: Vec<Value> = self.otp_at[..n.min(self.otp_at.len())]
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let code = otp_code(self.id, i as u32);
                json!({
                    "code": code,
                    "message": format!("<#> Kode verifikasi {} Anda: {code}. JANGAN berikan kode ini ke siapa pun.", self.service_name),
                    "received_at": wib(self.wall(*t)),
                })
            })
            .collect();
        let latest = n.checked_sub(1).map(|i| otp_code(self.id, i as u32));
        let mut v = json!({
            "order_id": self.id,
            "number": self.number,
            "price": self.price.amount(),
            "service_name": self.service_name,
            "status": self.word(at),
            "otp_code": latest,
            "otps": otps,
            "resend_count": self.resend_count,
            "resend_locked_until": self.resend_lock(at).map(|t| wib(self.wall(t))),
            "created_at": wib(self.created_wall),
        });
        if let Value::Object(m) = &mut v {
            match self.kind {
                Kind::S1 { product } => {
                    m.insert("server".into(), json!(1));
                    m.insert("product_id".into(), json!(product));
                }
                Kind::S2 { service, country } => {
                    m.insert("server".into(), json!(2));
                    m.insert("service_id".into(), json!(service));
                    m.insert("country_id".into(), json!(country));
                    m.insert("operator_id".into(), json!(self.operator));
                }
                Kind::Special { service } => {
                    m.insert("server".into(), json!(2));
                    m.insert("service_id".into(), json!(service));
                    m.insert("special".into(), json!(true));
                }
            }
        }
        v
    }
}

/// Naive WIB (UTC+7) timestamp, as OTPZap writes them.
fn wib(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(7))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

struct Resp {
    status: StatusCode,
    retry_after: Option<u64>,
    body: Value,
}

impl IntoResponse for Resp {
    fn into_response(self) -> Response {
        let mut r = (self.status, axum::Json(self.body)).into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        r
    }
}

fn ok(data: Value) -> Resp {
    Resp {
        status: StatusCode::OK,
        retry_after: None,
        body: json!({"success": true, "data": data}),
    }
}

fn ok_msg(message: &str, data: Value) -> Resp {
    Resp {
        status: StatusCode::OK,
        retry_after: None,
        body: json!({"success": true, "message": message, "data": data}),
    }
}

fn fail(status: StatusCode, message: impl Into<String>) -> Resp {
    Resp {
        status,
        retry_after: None,
        body: json!({"success": false, "message": message.into()}),
    }
}

fn bad(message: &str) -> Resp {
    fail(StatusCode::BAD_REQUEST, message)
}

/// A resolved create request.
struct Wanted {
    kind: Kind,
    price: Rupiah,
    name: String,
    operator: Option<String>,
    number_prefix: String,
}

fn too_soon(left: Duration, message: &str) -> Resp {
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    Resp {
        retry_after: Some(secs.max(1)),
        ..fail(StatusCode::TOO_MANY_REQUESTS, message)
    }
}

#[derive(Clone, Copy)]
enum Route {
    Balance,
    Countries,
    Services,
    Products,
    S2Countries,
    S2Services,
    S2Operators,
    S2Special,
    Create,
    Check,
    Cancel,
    Finish,
    Resend,
    Replace,
}

/// An id from the query or body, given as a number or a numeric string.
fn num(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn q_num(q: &HashMap<String, String>, key: &str) -> Option<u32> {
    q.get(key).and_then(|s| s.trim().parse().ok())
}

impl SimState {
    pub fn new(opts: SimOptions) -> Self {
        SimState {
            opts,
            catalog: Catalog::build(),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock still holds consistent data for a simulator.
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        self.settle(&mut g, Instant::now());
        g
    }

    /// Applies what time did since the last look: expiry and its refund,
    /// and the record of OTPs that became visible.
    fn settle(&self, inner: &mut Inner, now: Instant) {
        let Inner {
            wallets,
            orders,
            delivered,
            ..
        } = inner;
        for o in orders.iter_mut() {
            let at = now.saturating_duration_since(o.created);
            if o.ended.is_none() && at >= self.opts.order_lifetime {
                let end = self.opts.order_lifetime;
                if o.visible(end) > 0 {
                    o.ended = Some((Final::Finished, end));
                } else {
                    o.ended = Some((Final::Failed, end));
                    if let Some(w) = wallets.get_mut(&o.owner) {
                        w.balance += o.price;
                    }
                }
            }
            let n = o.visible(at);
            while o.delivered < n {
                delivered.push((o.id.to_string(), otp_code(o.id, o.delivered as u32)));
                o.delivered += 1;
            }
        }
    }

    /// A key's balance (None before the key's first request).
    pub fn balance(&self, key: &str) -> Option<Rupiah> {
        self.lock().wallets.get(key).map(|w| w.balance)
    }

    /// How many orders a key was charged for (replacements included).
    pub fn orders_charged(&self, key: &str) -> usize {
        self.lock().wallets.get(key).map_or(0, |w| w.charged)
    }

    /// Every charge taken from `key` (replacements included), oldest first.
    pub fn charges(&self, key: &str) -> Vec<SimCharge> {
        self.lock()
            .ledger
            .iter()
            .filter(|c| c.wallet == key)
            .cloned()
            .collect()
    }

    /// Every OTP made visible so far: (order id, code).
    pub fn delivered_otps(&self) -> Vec<(String, String)> {
        self.lock().delivered.clone()
    }

    fn dispatch(
        &self,
        route: Route,
        headers: &HeaderMap,
        q: &HashMap<String, String>,
        body: &[u8],
    ) -> Resp {
        let key = match bearer(headers) {
            Some(k) if key_is_valid(&k) => k,
            _ => return fail(StatusCode::UNAUTHORIZED, "Invalid or missing API key"),
        };
        let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(_) => return fail(StatusCode::BAD_REQUEST, "Request body is not valid JSON"),
            }
        };
        let mut inner = self.lock();
        let initial = self.opts.initial_balance;
        inner.wallets.entry(key.clone()).or_insert(Wallet {
            balance: initial,
            charged: 0,
        });
        let order_id = num(body.get("order_id"))
            .or_else(|| q.get("order_id").and_then(|s| s.trim().parse().ok()));
        match route {
            Route::Balance => {
                let b = inner.wallets.get(&key).map_or(initial, |w| w.balance);
                ok(json!({"balance": b.amount(), "currency": "IDR"}))
            }
            Route::Countries => ok(self.countries_json(None)),
            Route::S2Countries => ok(self.countries_json(Some(&self.catalog.s2_countries))),
            Route::Services => ok(self.platforms_json(q_num(q, "country_id"))),
            Route::Products => self.products(q),
            Route::S2Services => self.s2_services(q),
            Route::S2Operators => match q_num(q, "country_id") {
                Some(c) => ok(self
                    .catalog
                    .operators(c)
                    .iter()
                    .map(|(id, name)| json!({"id": id, "name": name}))
                    .collect()),
                None => fail(StatusCode::BAD_REQUEST, "country_id is required"),
            },
            Route::S2Special => ok(self
                .catalog
                .specials
                .iter()
                .map(|s| json!({"id": s.id, "name": s.name, "price": s.price, "stock": s.stock}))
                .collect()),
            Route::Create => self.create(&mut inner, &key, headers, &body),
            Route::Check => self.with_order(&mut inner, &key, order_id, |o, at, _| ok(o.view(at))),
            Route::Cancel => self.with_order(&mut inner, &key, order_id, |o, at, opts| {
                let word = o.word(at);
                if word != "pending" {
                    return fail(
                        StatusCode::CONFLICT,
                        format!("Order status is {word}; only pending orders can be cancelled"),
                    );
                }
                if at < opts.cancel_cooldown {
                    return too_soon(
                        opts.cancel_cooldown - at,
                        "Cancel is available 2 minutes after ordering",
                    );
                }
                o.ended = Some((Final::Cancelled, at));
                ok_msg(
                    "Order cancelled, balance refunded",
                    json!({"order_id": o.id, "status": "cancelled", "refund": o.price.amount()}),
                )
            }),
            Route::Finish => self.with_order(&mut inner, &key, order_id, |o, at, _| {
                match o.word(at) {
                    "success" => {}
                    "otp_received" => o.ended = Some((Final::Finished, at)),
                    word => {
                        return fail(
                            StatusCode::CONFLICT,
                            format!("Order status is {word}; finish needs a received OTP"),
                        )
                    }
                }
                ok_msg(
                    "Order finished",
                    json!({"order_id": o.id, "status": "success"}),
                )
            }),
            Route::Resend => self.with_order(&mut inner, &key, order_id, |o, at, opts| {
                let word = o.word(at);
                if word != "otp_received" {
                    return fail(
                        StatusCode::CONFLICT,
                        format!(
                            "Order status is {word}; resend needs an active number with an OTP"
                        ),
                    );
                }
                if let Some(t) = o.resend_lock(at) {
                    return too_soon(t - at, "Wait for the new OTP before resending again");
                }
                o.resend_count += 1;
                o.otp_at.push(at + opts.otp_delay);
                ok_msg(
                    "Resend requested",
                    json!({
                        "order_id": o.id,
                        "resend_count": o.resend_count,
                        "resend_locked_until": o.resend_lock(at).map(|t| wib(o.wall(t))),
                    }),
                )
            }),
            Route::Replace => self.replace(&mut inner, &key, order_id),
        }
    }

    fn countries_json(&self, only: Option<&[u32]>) -> Value {
        self.catalog
            .countries
            .iter()
            .filter(|c| only.is_none_or(|o| o.contains(&c.id)))
            .map(|c| json!({"id": c.id, "name": c.name, "code": c.code, "prefix": c.prefix}))
            .collect()
    }

    fn platforms_json(&self, country: Option<u32>) -> Value {
        self.catalog
            .platforms
            .iter()
            .filter(|p| {
                country.is_none_or(|c| {
                    self.catalog
                        .products
                        .iter()
                        .any(|x| x.platform == p.id && x.country == c)
                })
            })
            .map(|p| json!({"id": p.id, "name": p.name, "category": p.category}))
            .collect()
    }

    fn products(&self, q: &HashMap<String, String>) -> Resp {
        let platform = q_num(q, "platform_id");
        let country = q_num(q, "country_id");
        let mut rows: Vec<_> = self
            .catalog
            .products
            .iter()
            .filter(|p| platform.is_none_or(|x| p.platform == x))
            .filter(|p| country.is_none_or(|x| p.country == x))
            .collect();
        match q.get("sort").map(String::as_str) {
            Some("price" | "price_asc") => rows.sort_by_key(|p| p.price),
            Some("price_desc") => rows.sort_by_key(|p| -p.price),
            Some("stock") => rows.sort_by_key(|p| std::cmp::Reverse(p.stock)),
            _ => {}
        }
        let limit = q_num(q, "limit").unwrap_or(50).clamp(1, 100) as usize;
        let page = q_num(q, "page").unwrap_or(1).max(1) as usize;
        let total = rows.len();
        let last_page = total.div_ceil(limit).max(1);
        let data: Vec<Value> = rows
            .iter()
            .skip((page - 1) * limit)
            .take(limit)
            .map(|p| {
                json!({
                    "id": p.id,
                    "platform_id": p.platform,
                    "platform_name": self.catalog.platform(p.platform).map(|x| x.name),
                    "country_id": p.country,
                    "country_name": self.catalog.country(p.country).map(|x| x.name),
                    "name": p.name,
                    "price": p.price,
                    "stock": p.stock,
                    "success_rate": p.success_rate,
                })
            })
            .collect();
        Resp {
            body: json!({
                "success": true,
                "data": data,
                "meta": {"page": page, "limit": limit, "total": total, "last_page": last_page},
            }),
            ..ok(Value::Null)
        }
    }

    fn s2_services(&self, q: &HashMap<String, String>) -> Resp {
        let Some(country) = q_num(q, "country_id") else {
            return fail(StatusCode::BAD_REQUEST, "country_id is required");
        };
        ok(self
            .catalog
            .s2_entries
            .iter()
            .filter(|e| e.country == country)
            .filter_map(|e| {
                let s = self.catalog.s2_service(e.service)?;
                Some(json!({
                    "id": s.id,
                    "name": s.name,
                    "country_id": e.country,
                    "price": e.price,
                    "stock": e.stock,
                    "success_rate": e.success_rate,
                }))
            })
            .collect())
    }

    /// Runs `f` on one of the key's orders, after settling.
    fn with_order(
        &self,
        inner: &mut Inner,
        key: &str,
        id: Option<u64>,
        f: impl FnOnce(&mut SimOrder, Duration, &SimOptions) -> Resp,
    ) -> Resp {
        let Some(id) = id else {
            return fail(StatusCode::BAD_REQUEST, "order_id is required");
        };
        let Some(o) = inner
            .orders
            .iter_mut()
            .find(|o| o.id == id && o.owner == key)
        else {
            return fail(StatusCode::NOT_FOUND, "Order not found");
        };
        let at = o.created.elapsed();
        let was_ended = o.ended.is_some();
        let resp = f(o, at, &self.opts);
        // A cancel refunds; nothing else ends an order with money back here.
        let refund =
            (!was_ended && matches!(o.ended, Some((Final::Cancelled, _)))).then_some(o.price);
        let owner = o.owner.clone();
        if let Some(r) = refund {
            if let Some(w) = inner.wallets.get_mut(&owner) {
                w.balance += r;
            }
        }
        resp
    }

    /// What a create body asks for.
    fn resolve(&self, body: &Value) -> Result<Wanted, Resp> {
        let wanted = if let Some(pid) = num(body.get("product_id")) {
            self.resolve_s1(pid)?
        } else if let Some(sid) = num(body.get("service_id")) {
            let sid = u32::try_from(sid).unwrap_or(0);
            match num(body.get("country_id")) {
                None => self.resolve_special(sid)?,
                Some(cid) => self.resolve_s2(sid, u32::try_from(cid).unwrap_or(0), body)?,
            }
        } else {
            return Err(bad("Send product_id (Server 1) or service_id (Server 2)"));
        };
        if let Some(sent) = body.get("service_name").and_then(Value::as_str) {
            if !sent.trim().eq_ignore_ascii_case(&wanted.name) {
                return Err(bad("service_name does not match the selected service"));
            }
        }
        Ok(wanted)
    }

    fn resolve_s1(&self, pid: u64) -> Result<Wanted, Resp> {
        let product = u32::try_from(pid)
            .ok()
            .and_then(|id| self.catalog.product(id));
        let Some(p) = product else {
            return Err(bad("Unknown product_id"));
        };
        if p.stock == 0 {
            return Err(bad("Product is out of stock"));
        }
        let name = self.catalog.platform(p.platform).map_or("OTP", |x| x.name);
        Ok(Wanted {
            kind: Kind::S1 { product: p.id },
            price: Rupiah(p.price),
            name: name.to_string(),
            operator: None,
            number_prefix: self.number_prefix(p.country),
        })
    }

    fn resolve_special(&self, sid: u32) -> Result<Wanted, Resp> {
        let Some(s) = self.catalog.special(sid) else {
            return Err(bad(
                "Unknown special service_id (send country_id for Server 2 services)",
            ));
        };
        if s.stock == 0 {
            return Err(bad("Special service is out of stock"));
        }
        Ok(Wanted {
            kind: Kind::Special { service: s.id },
            price: Rupiah(s.price),
            name: s.name.to_string(),
            operator: None,
            number_prefix: "62811".into(),
        })
    }

    fn resolve_s2(&self, sid: u32, cid: u32, body: &Value) -> Result<Wanted, Resp> {
        let service = self.catalog.s2_service(sid);
        let entry = self.catalog.s2_entry(sid, cid);
        let (Some(s), Some(e)) = (service, entry) else {
            return Err(bad("Unknown service_id for this country_id"));
        };
        if e.stock == 0 {
            return Err(bad("Service is out of stock in this country"));
        }
        let op = match body.get("operator_id") {
            None | Some(Value::Null) => "any".to_string(),
            Some(Value::String(s)) => s.trim().to_ascii_lowercase(),
            Some(other) => other.to_string(),
        };
        if !self.catalog.operators(cid).iter().any(|(id, _)| *id == op) {
            return Err(bad("Unknown operator_id for this country"));
        }
        Ok(Wanted {
            kind: Kind::S2 {
                service: sid,
                country: cid,
            },
            price: Rupiah(e.price),
            name: s.name.to_string(),
            operator: Some(op),
            number_prefix: self.number_prefix(cid),
        })
    }

    fn number_prefix(&self, country: u32) -> String {
        self.catalog
            .country(country)
            .map_or("62812", |c| c.number_prefix)
            .to_string()
    }

    fn create(&self, inner: &mut Inner, key: &str, headers: &HeaderMap, body: &Value) -> Resp {
        let idem = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let fingerprint = body.to_string();
        if let Some(k) = &idem {
            if let Some((fp, id)) = inner.idempotency.get(&(key.to_string(), k.clone())) {
                if *fp != fingerprint {
                    return fail(
                        StatusCode::CONFLICT,
                        "Idempotency-Key was already used with a different request",
                    );
                }
                let id = *id;
                return match inner.orders.iter().find(|o| o.id == id) {
                    Some(o) => ok_msg("Order already created", o.view(o.created.elapsed())),
                    None => fail(StatusCode::NOT_FOUND, "Order not found"),
                };
            }
        }
        let wanted = match self.resolve(body) {
            Ok(w) => w,
            Err(resp) => return resp,
        };
        let view = match self.place(inner, key, idem.as_deref(), wanted) {
            Ok(v) => v,
            Err(resp) => return resp,
        };
        if let Some(k) = idem {
            if let Some(id) = num(view.get("order_id")) {
                inner
                    .idempotency
                    .insert((key.to_string(), k), (fingerprint, id));
            }
        }
        ok_msg("Order created", view)
    }

    /// Charges the wallet and opens an order; returns its view.
    fn place(
        &self,
        inner: &mut Inner,
        key: &str,
        client_key: Option<&str>,
        wanted: Wanted,
    ) -> Result<Value, Resp> {
        let Wanted {
            kind,
            price,
            name: service_name,
            operator,
            number_prefix,
        } = wanted;
        let Some(w) = inner.wallets.get_mut(key) else {
            return Err(fail(StatusCode::UNAUTHORIZED, "Invalid or missing API key"));
        };
        if w.balance < price {
            return Err(fail(
                StatusCode::PAYMENT_REQUIRED,
                format!(
                    "Insufficient balance: this order costs {price}, your balance is {}",
                    w.balance
                ),
            ));
        }
        w.balance -= price;
        w.charged += 1;
        let id = 65 + inner.orders.len() as u64;
        inner.ledger.push(SimCharge {
            wallet: key.to_string(),
            order_id: id.to_string(),
            client_key: client_key.map(str::to_string),
            amount: price,
        });
        let never = match kind {
            Kind::S1 { product } => self.catalog.product(product).is_some_and(|p| p.never_otp),
            _ => false,
        };
        let digits = (id.wrapping_mul(7_919).wrapping_add(1_234_567)) % 10_000_000;
        let order = SimOrder {
            id,
            owner: key.to_string(),
            kind,
            operator,
            service_name,
            price,
            number: format!("{number_prefix}{digits:07}"),
            created: Instant::now(),
            created_wall: Utc::now(),
            otp_at: if never {
                Vec::new()
            } else {
                vec![self.opts.otp_delay]
            },
            resend_count: 0,
            ended: None,
            delivered: 0,
        };
        let view = order.view(Duration::ZERO);
        inner.orders.push(order);
        Ok(view)
    }

    fn replace(&self, inner: &mut Inner, key: &str, id: Option<u64>) -> Resp {
        let Some(id) = id else {
            return fail(StatusCode::BAD_REQUEST, "order_id is required");
        };
        let Some(idx) = inner
            .orders
            .iter()
            .position(|o| o.id == id && o.owner == key)
        else {
            return fail(StatusCode::NOT_FOUND, "Order not found");
        };
        let (kind, price, name, number_prefix, at, word) = {
            let o = &inner.orders[idx];
            let at = o.created.elapsed();
            let prefix: String = o
                .number
                .chars()
                .take(o.number.len().saturating_sub(7))
                .collect();
            (
                o.kind,
                o.price,
                o.service_name.clone(),
                prefix,
                at,
                o.word(at),
            )
        };
        let Kind::S1 { product } = kind else {
            return fail(
                StatusCode::BAD_REQUEST,
                "Replace is only available for Server 1 orders",
            );
        };
        if word != "pending" {
            return fail(
                StatusCode::CONFLICT,
                format!("Order status is {word}; only pending orders can be replaced"),
            );
        }
        if self.catalog.product(product).is_none_or(|p| p.stock == 0) {
            return fail(StatusCode::BAD_REQUEST, "Product is out of stock");
        }
        // One transaction: refund, then charge the same price (cannot fail
        // for lack of balance, the refund covers it).
        if let Some(w) = inner.wallets.get_mut(key) {
            w.balance += price;
        }
        inner.orders[idx].ended = Some((Final::Cancelled, at));
        let wanted = Wanted {
            kind,
            price,
            name,
            operator: None,
            number_prefix,
        };
        // A replace carries no Idempotency-Key.
        match self.place(inner, key, None, wanted) {
            Ok(mut view) => {
                if let Value::Object(m) = &mut view {
                    m.insert("replaced_order_id".into(), json!(id));
                }
                ok_msg("Order replaced with a new number", view)
            }
            Err(resp) => resp,
        }
    }
}

fn endpoint(route: Route, is_post: bool) -> MethodRouter<Arc<SimState>> {
    let handler = move |State(st): State<Arc<SimState>>,
                        headers: HeaderMap,
                        Query(q): Query<HashMap<String, String>>,
                        body: Bytes| async move {
        st.dispatch(route, &headers, &q, &body).into_response()
    };
    if is_post {
        post(handler)
    } else {
        get(handler)
    }
}

pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/balance", endpoint(Route::Balance, false))
        .route("/countries", endpoint(Route::Countries, false))
        .route("/services", endpoint(Route::Services, false))
        .route("/products", endpoint(Route::Products, false))
        .route("/s2/countries", endpoint(Route::S2Countries, false))
        .route("/s2/services", endpoint(Route::S2Services, false))
        .route("/s2/operators", endpoint(Route::S2Operators, false))
        .route("/s2/special", endpoint(Route::S2Special, false))
        .route("/order/create", endpoint(Route::Create, true))
        .route("/order/check", endpoint(Route::Check, false))
        .route("/order/cancel", endpoint(Route::Cancel, true))
        .route("/order/finish", endpoint(Route::Finish, true))
        .route("/order/resend", endpoint(Route::Resend, true))
        .route("/order/replace", endpoint(Route::Replace, true))
        .with_state(state)
}

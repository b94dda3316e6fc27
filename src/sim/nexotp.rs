//! Simulator of NEXOTP API v1 (Bearer). Errors are
//! `{"success": false, "error": {"code", "message"}, "requestId"}` with
//! 400/401/402/403/404/409/503 as the doc lists. Provider `never` (WhatsApp,
//! Indonesia, "Never Delivers") never gets an SMS. Waiting orders past the
//! lifetime become `expired` and refund; received ones become `success`.
//! State is computed lazily from each order's creation time.

// Handlers bail out with a ready axum Response; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

use super::wallets::{phone, Books, SimBooks};
use super::{bearer, key_is_valid, otp_code, SimOptions};
use crate::money::Rupiah;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const NEVER_PROVIDER: &str = "never";

const SERVICES: &[(&str, &str, &str)] = &[
    ("whatsapp", "WhatsApp", "messaging"),
    ("telegram", "Telegram", "messaging"),
    ("shopee", "Shopee", "ecommerce"),
    ("gojek", "Gojek", "transport"),
    ("grab", "Grab", "transport"),
    ("tokopedia", "Tokopedia", "ecommerce"),
    ("tiktok", "TikTok", "social"),
    ("facebook", "Facebook", "social"),
    ("google", "Google", "email"),
    ("instagram", "Instagram", "social"),
];

const COUNTRIES: &[(&str, &str, &str)] = &[
    ("id", "Indonesia", "+62"),
    ("my", "Malaysia", "+60"),
    ("ph", "Philippines", "+63"),
    ("vn", "Vietnam", "+84"),
    ("th", "Thailand", "+66"),
    ("in", "India", "+91"),
    ("us", "United States", "+1"),
];

/// (code, name, price, stock) for a service in a country.
fn providers_for(service: &str, country: &str) -> Vec<(&'static str, &'static str, i64, i64)> {
    let seed = service.bytes().map(|b| b as i64).sum::<i64>()
        + country.bytes().map(|b| b as i64).sum::<i64>();
    let base = 2500 + (seed % 30) * 150;
    let mut v = vec![
        ("any", "Any Provider", base + 500, 120),
        ("virtual21", "Virtual 21", base, 64),
        ("premium", "Premium Route", base + 2400, 35),
        ("lowcost", "Low Cost", base - 400, 0),
    ];
    if service == "whatsapp" && country == "id" {
        v.push((NEVER_PROVIDER, "Never Delivers (test)", base + 4000, 999));
    }
    v
}

struct Order {
    key: String,
    seq: u64,
    id: String,
    number: String,
    price: Rupiah,
    provider: String,
    created: Instant,
    /// The payload an idempotency key was first used with.
    payload: (String, String, String),
    cancelled: bool,
    expired_refunded: bool,
}

#[derive(Default)]
struct Inner {
    books: Books,
    orders: HashMap<String, Order>,
    by_key: HashMap<(String, String), String>,
    stock: HashMap<(String, String, String), i64>,
    seq: u64,
    /// OTPs arrive `otp_delay` plus up to this much after a buy, spread
    /// evenly by order (the timing soak's "OTPs at random times").
    spread: Duration,
    /// Status requests per order, when the timing soak asks for them.
    traces: Option<HashMap<String, PollTrace>>,
}

/// What the simulator saw of one order's polling (timing soak only).
#[derive(Debug, Clone, Default)]
pub struct PollTrace {
    /// When each status request arrived.
    pub polls: Vec<Instant>,
    /// Index in `polls` of the first reply that gave a final status.
    pub first_final: Option<usize>,
    /// When the order's OTP became available (None: it never gets one).
    pub otp_at: Option<Instant>,
}

impl PollTrace {
    /// Status requests after the order's final status had been answered.
    pub fn after_final(&self) -> usize {
        self.first_final
            .map_or(0, |i| self.polls.len().saturating_sub(i + 1))
    }
}

/// The OTP delay of order `seq`: `otp_delay` plus a share of `spread`
/// drawn from the sequence number (reproducible, evenly spread).
fn delay_of(seq: u64, opts: &SimOptions, spread: Duration) -> Duration {
    let ms = spread.as_millis() as u64;
    let base = opts.otp_delay_for(super::faults::Api::NexOtp);
    if ms == 0 {
        return base;
    }
    let mut x = seq.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    base + Duration::from_millis(x % (ms + 1))
}

pub struct SimState {
    opts: SimOptions,
    inner: Mutex<Inner>,
}

#[derive(Clone, Copy, PartialEq)]
enum St {
    Waiting,
    Received,
    Success,
    Expired,
    Cancelled,
}

impl St {
    fn word(self) -> &'static str {
        match self {
            St::Waiting => "waiting",
            St::Received => "received",
            St::Success => "success",
            St::Expired => "expired",
            St::Cancelled => "cancelled",
        }
    }
}

impl SimState {
    pub fn new(opts: SimOptions) -> Self {
        SimState {
            opts,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// For the timing soak: spread OTP arrival over `otp_delay ..
    /// otp_delay + spread` and record every status request.
    pub fn trace_polls(&self, spread: Duration) {
        let mut g = self.lock();
        g.spread = spread;
        g.traces = Some(HashMap::new());
    }

    /// Each order's poll trace by the API's order id (empty unless
    /// `trace_polls` was called).
    pub fn poll_traces(&self) -> HashMap<String, PollTrace> {
        let g = self.lock();
        let mut out = g.traces.clone().unwrap_or_default();
        for (id, o) in &g.orders {
            let t = out.entry(id.clone()).or_default();
            t.otp_at = (o.provider != NEVER_PROVIDER)
                .then(|| o.created + delay_of(o.seq, &self.opts, g.spread));
        }
        out
    }
}

impl SimBooks for SimState {
    fn with_books<R>(&self, f: impl FnOnce(&mut Books) -> R) -> R {
        f(&mut self.lock().books)
    }
}

/// Brings an order up to date with the clock: (status, visible code).
fn settle(g: &mut Inner, id: &str, opts: &SimOptions) -> Option<(St, Option<String>)> {
    let now = Instant::now();
    let spread = g.spread;
    let (st, code, refund) = {
        let o = g.orders.get_mut(id)?;
        let due = o.created + delay_of(o.seq, opts, spread);
        let code = (o.provider != NEVER_PROVIDER && !o.cancelled && now >= due)
            .then(|| otp_code(o.seq * 3 + 2, 0));
        let over = now >= o.created + opts.order_lifetime;
        let st = match (o.cancelled, &code, over) {
            (true, _, _) => St::Cancelled,
            (_, Some(_), true) => St::Success,
            (_, Some(_), false) => St::Received,
            (_, None, true) => St::Expired,
            _ => St::Waiting,
        };
        let refund = (st == St::Expired && !o.expired_refunded).then(|| {
            o.expired_refunded = true;
            (o.key.clone(), o.price)
        });
        (st, code, refund)
    };
    if let Some((k, p)) = refund {
        g.books.refund(&k, p, opts);
    }
    Some((st, code))
}

fn err(status: StatusCode, code: &str, msg: &str) -> Response {
    (
        status,
        Json(json!({"success": false, "error": {"code": code, "message": msg}, "requestId": "req_sim"})),
    )
        .into_response()
}

fn ok(data: Value) -> Response {
    Json(json!({"success": true, "data": data, "requestId": "req_sim"})).into_response()
}

fn auth(h: &HeaderMap) -> Result<String, Response> {
    match bearer(h) {
        Some(k) if key_is_valid(&k) => Ok(k),
        _ => Err(err(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "API key tidak valid atau tidak dikirim",
        )),
    }
}

async fn balance(State(s): State<Arc<SimState>>, h: HeaderMap) -> Response {
    match auth(&h) {
        Ok(k) => {
            let b = s.lock().books.balance(&k, &s.opts);
            ok(
                json!({"balance": b.0, "currency": "IDR", "updatedAt": chrono::Utc::now().to_rfc3339()}),
            )
        }
        Err(r) => r,
    }
}

async fn services(h: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Err(r) = auth(&h) {
        return r;
    }
    let filter = q.get("q").map(|s| s.to_lowercase());
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let data: Vec<Value> = SERVICES
        .iter()
        .filter(|(code, name, _)| filter.as_ref().is_none_or(|f| code.contains(f.as_str()) || name.to_lowercase().contains(f.as_str())))
        .take(limit)
        .map(|(code, name, cat)| json!({"serviceCode": code, "name": name, "category": cat, "available": true}))
        .collect();
    ok(json!(data))
}

async fn countries(h: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Err(r) = auth(&h) {
        return r;
    }
    if let Some(s) = q.get("service") {
        if !SERVICES.iter().any(|(c, _, _)| c == s) {
            return err(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "Filter service tidak dikenali",
            );
        }
    }
    let data: Vec<Value> = COUNTRIES
        .iter()
        .map(|(c, n, p)| json!({"countryCode": c, "name": n, "prefix": p, "available": true}))
        .collect();
    ok(json!(data))
}

async fn providers(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let (Some(service), Some(country)) = (q.get("service"), q.get("country")) else {
        return err(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Parameter service atau country tidak valid",
        );
    };
    if !SERVICES.iter().any(|(c, _, _)| c == service)
        || !COUNTRIES.iter().any(|(c, _, _)| c == country)
    {
        return err(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Parameter service atau country tidak valid",
        );
    }
    let g = s.lock();
    let data: Vec<Value> = providers_for(service, country)
        .into_iter()
        .map(|(code, name, price, stock)| {
            let stock = *g
                .stock
                .get(&(service.clone(), country.clone(), code.to_string()))
                .unwrap_or(&stock);
            let price = s.opts.price_for(&key, price);
            json!({"providerCode": code, "name": name, "price": price, "stock": stock})
        })
        .collect();
    ok(json!(data))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderBody {
    service: Option<String>,
    country: Option<String>,
    provider: Option<String>,
    idempotency_key: Option<String>,
}

fn order_json(o: &Order, st: St, code: Option<String>, opts: &SimOptions) -> Value {
    let left = (o.created + opts.order_lifetime).saturating_duration_since(Instant::now());
    let expires = chrono::Utc::now() + chrono::Duration::from_std(left).unwrap_or_default();
    json!({
        "orderId": o.id, "status": st.word(), "phoneNumber": o.number, "price": o.price.0,
        "expiresAt": expires.to_rfc3339(), "otp": code, "remainingSeconds": left.as_secs(),
    })
}

async fn create(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    body: Option<Json<OrderBody>>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let Some(Json(b)) = body else {
        return err(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Body request tidak lengkap",
        );
    };
    let (Some(service), Some(country)) = (b.service, b.country) else {
        return err(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Body request tidak lengkap",
        );
    };
    let provider = b.provider.unwrap_or_else(|| "any".into());
    let payload = (service.clone(), country.clone(), provider.clone());
    let mut g = s.lock();
    let seen = b
        .idempotency_key
        .as_ref()
        .and_then(|ik| g.by_key.get(&(key.clone(), ik.clone())).cloned());
    match s.opts.repeat {
        super::RepeatMode::RefusedAsUsed if seen.is_some() => {
            return err(
                StatusCode::CONFLICT,
                "IDEMPOTENCY_CONFLICT",
                "Idempotency key sudah dipakai",
            );
        }
        super::RepeatMode::BuysAgain => {}
        _ => {}
    }
    let seen = seen.filter(|_| s.opts.repeat != super::RepeatMode::BuysAgain);
    if b.idempotency_key.is_some() {
        if let Some(id) = seen {
            let same = g
                .orders
                .get(&id)
                .map(|o| o.payload == payload)
                .unwrap_or(false);
            if !same {
                return err(
                    StatusCode::CONFLICT,
                    "IDEMPOTENCY_CONFLICT",
                    "Idempotency key sudah dipakai untuk payload berbeda",
                );
            }
            let (st, code) = settle(&mut g, &id, &s.opts).unwrap_or((St::Waiting, None));
            if let Some(c) = &code {
                g.books.deliver(&id, c);
            }
            return match g.orders.get(&id) {
                Some(o) => ok(order_json(o, st, code, &s.opts)),
                None => err(StatusCode::NOT_FOUND, "NOT_FOUND", "Order tidak ditemukan"),
            };
        }
    }
    let Some((_, _, price, base_stock)) = providers_for(&service, &country)
        .into_iter()
        .find(|p| p.0 == provider)
    else {
        return err(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Service, country atau provider tidak valid",
        );
    };
    let price = s.opts.price_for(&key, price);
    let stock_key = (service.clone(), country.clone(), provider.clone());
    let stock = *g.stock.get(&stock_key).unwrap_or(&base_stock);
    if stock <= 0 {
        return err(
            StatusCode::SERVICE_UNAVAILABLE,
            "NO_NUMBER",
            "Nomor tidak tersedia",
        );
    }
    if !g.books.charge(&key, Rupiah(price), &s.opts) {
        return err(
            StatusCode::PAYMENT_REQUIRED,
            "INSUFFICIENT_BALANCE",
            "Saldo tidak cukup",
        );
    }
    g.stock.insert(stock_key, stock - 1);
    g.seq += 1;
    let seq = g.seq;
    let id = format!("ord_{:08X}", 0x5100_0000u64 + seq);
    g.books
        .record_charge(&key, &id, b.idempotency_key.as_deref(), Rupiah(price));
    let prefix = COUNTRIES
        .iter()
        .find(|c| c.0 == country)
        .map(|c| c.2)
        .unwrap_or("+62");
    let order = Order {
        key: key.clone(),
        seq,
        id: id.clone(),
        number: phone(prefix, seq + 7).replace(' ', ""),
        price: Rupiah(price),
        provider,
        created: Instant::now(),
        payload,
        cancelled: false,
        expired_refunded: false,
    };
    let body = order_json(&order, St::Waiting, None, &s.opts);
    g.orders.insert(id.clone(), order);
    if let Some(ik) = b.idempotency_key {
        g.by_key.insert((key, ik), id);
    }
    ok(body)
}

fn owned(g: &Inner, key: &str, id: &str) -> Result<(), Response> {
    match g.orders.get(id) {
        None => Err(err(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "Order tidak ditemukan",
        )),
        Some(o) if o.key != key => Err(err(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "Order bukan milik akun ini",
        )),
        Some(_) => Ok(()),
    }
}

async fn detail(State(s): State<Arc<SimState>>, h: HeaderMap, Path(id): Path<String>) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut g = s.lock();
    if let Err(r) = owned(&g, &key, &id) {
        return r;
    }
    let (st, code) = settle(&mut g, &id, &s.opts).unwrap_or((St::Waiting, None));
    if let Some(c) = &code {
        g.books.deliver(&id, c);
    }
    if let Some(traces) = &mut g.traces {
        let t = traces.entry(id.clone()).or_default();
        t.polls.push(Instant::now());
        if t.first_final.is_none() && matches!(st, St::Success | St::Expired | St::Cancelled) {
            t.first_final = Some(t.polls.len() - 1);
        }
    }
    match g.orders.get(&id) {
        Some(o) => {
            let mut v = order_json(o, st, code, &s.opts);
            if let Some(m) = v.as_object_mut() {
                m.remove("expiresAt");
                m.remove("price");
            }
            ok(v)
        }
        None => err(StatusCode::NOT_FOUND, "NOT_FOUND", "Order tidak ditemukan"),
    }
}

async fn cancel(State(s): State<Arc<SimState>>, h: HeaderMap, Path(id): Path<String>) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut g = s.lock();
    if let Err(r) = owned(&g, &key, &id) {
        return r;
    }
    let (st, _) = settle(&mut g, &id, &s.opts).unwrap_or((St::Waiting, None));
    if st != St::Waiting {
        return err(
            StatusCode::BAD_REQUEST,
            "NOT_CANCELLABLE",
            "Order tidak bisa dibatalkan pada status saat ini",
        );
    }
    let Some(o) = g.orders.get_mut(&id) else {
        return err(StatusCode::NOT_FOUND, "NOT_FOUND", "Order tidak ditemukan");
    };
    o.cancelled = true;
    let (k, p) = (o.key.clone(), o.price);
    g.books.refund(&k, p, &s.opts);
    ok(json!({"orderId": id, "status": "cancelled", "refunded": true, "refundAmount": p.0}))
}

pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/api/v1/balance", get(balance))
        .route("/api/v1/services", get(services))
        .route("/api/v1/countries", get(countries))
        .route("/api/v1/providers", get(providers))
        .route("/api/v1/order", post(create))
        .route("/api/v1/order/{id}", get(detail))
        .route("/api/v1/order/{id}/cancel", post(cancel))
        .with_state(state)
}

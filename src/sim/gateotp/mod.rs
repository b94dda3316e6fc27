//! Simulator of the GateOTP V2 API (`x-api-key`). Errors are
//! `{"success": false, "message": ".."}`: 401 bad key, 400 "Saldo tidak
//! cukup" / sold out / price_jual below the price, 404 unknown order.
//! Offer provider `9999` (WhatsApp, Indonesia, "never delivers") never gets
//! an SMS. Waiting orders past the lifetime turn `canceled` and refund.
//! State is computed lazily from each order's creation time.

// Handlers bail out with a ready axum Response; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

mod deposit;

use super::wallets::{phone, Books, SimBooks};
use super::{key_is_valid, otp_code, SimOptions};
use crate::money::Rupiah;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub const NEVER_PROVIDER: &str = "9999";

struct Offer {
    provider_id: &'static str,
    server: u32,
    price: i64,
    stock: i64,
    rate: f64,
}

struct CountryDef {
    number_id: u64,
    name: &'static str,
    prefix: &'static str,
}

const SERVICES: &[(u32, &str)] = &[
    (14, "WhatsApp"),
    (86, "Telegram"),
    (121, "Shopee"),
    (98, "Gojek"),
    (77, "Grab"),
    (133, "Tokopedia"),
    (104, "TikTok"),
    (21, "Facebook"),
    (3, "Google"),
    (45, "Instagram"),
];

const COUNTRIES: &[CountryDef] = &[
    CountryDef {
        number_id: 340437,
        name: "Indonesia",
        prefix: "+62",
    },
    CountryDef {
        number_id: 340452,
        name: "Malaysia",
        prefix: "+60",
    },
    CountryDef {
        number_id: 340461,
        name: "Philippines",
        prefix: "+63",
    },
    CountryDef {
        number_id: 340470,
        name: "Vietnam",
        prefix: "+84",
    },
    CountryDef {
        number_id: 340488,
        name: "Thailand",
        prefix: "+66",
    },
    CountryDef {
        number_id: 340491,
        name: "India",
        prefix: "+91",
    },
    CountryDef {
        number_id: 340400,
        name: "USA",
        prefix: "+1",
    },
];

/// Offers for (service, country): deterministic but varied prices.
fn offers_for(service: u32, country: &CountryDef) -> Vec<Offer> {
    let base = 1100 + ((service as i64 * 37 + country.number_id as i64 % 97) % 40) * 100;
    let mut v = vec![
        Offer {
            provider_id: "3837",
            server: 3,
            price: base,
            stock: 103,
            rate: 81.6,
        },
        Offer {
            provider_id: "4120",
            server: 5,
            price: base + 900,
            stock: 46,
            rate: 92.3,
        },
        Offer {
            provider_id: "2210",
            server: 1,
            price: base + 300,
            stock: 0,
            rate: 64.0,
        },
    ];
    if service == 14 && country.name == "Indonesia" {
        v.push(Offer {
            provider_id: NEVER_PROVIDER,
            server: 9,
            price: base + 2500,
            stock: 999,
            rate: 0.0,
        });
    }
    v
}

struct Order {
    key: String,
    seq: u64,
    price: Rupiah,
    provider_id: String,
    created: Instant,
    /// When the latest OTP (re)request was made.
    otp_from: Instant,
    /// How many codes have been asked for (1 + resends).
    codes_asked: u32,
    state: St,
}

#[derive(Clone, Copy, PartialEq)]
enum St {
    Waiting,
    Done,
    Canceled,
}

#[derive(Default)]
pub(super) struct Inner {
    pub(super) books: Books,
    pub(super) deposits: super::deposits::DepositBook,
    orders: HashMap<String, Order>,
    stock: HashMap<(u32, u64, &'static str), i64>,
    seq: u64,
}

pub struct SimState {
    opts: SimOptions,
    inner: Mutex<Inner>,
}

impl SimState {
    pub fn new(opts: SimOptions) -> Self {
        SimState {
            opts,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn opts(&self) -> &SimOptions {
        &self.opts
    }

    /// How many deposit invoices `key` has made, for tests.
    pub fn deposits_made(&self, key: &str) -> usize {
        self.lock().deposits.ids(key).len()
    }
}

impl SimBooks for SimState {
    fn with_books<R>(&self, f: impl FnOnce(&mut Books) -> R) -> R {
        f(&mut self.lock().books)
    }
}

/// Brings an order up to date with the clock; returns the visible code.
fn settle(g: &mut Inner, id: &str, opts: &SimOptions) -> Option<String> {
    let now = Instant::now();
    let (key, price, code, expired) = {
        let o = g.orders.get_mut(id)?;
        let delivers = o.provider_id != NEVER_PROVIDER;
        let code = (delivers
            && o.state != St::Canceled
            && now >= o.otp_from + opts.otp_delay_for(super::faults::Api::GateOtp))
        .then(|| otp_code(o.seq * 3 + 1, o.codes_asked - 1));
        let expired =
            o.state == St::Waiting && code.is_none() && now >= o.created + opts.order_lifetime;
        if expired {
            o.state = St::Canceled;
        }
        (o.key.clone(), o.price, code, expired)
    };
    if expired {
        g.books.refund(&key, price, opts);
    }
    code
}

pub(super) fn err(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({"success": false, "message": msg}))).into_response()
}

pub(super) fn auth(h: &HeaderMap) -> Result<String, Response> {
    let key = h
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if key_is_valid(key) {
        Ok(key.to_string())
    } else {
        Err(err(
            StatusCode::UNAUTHORIZED,
            "API Key tidak valid atau tidak ditemukan",
        ))
    }
}

async fn profile(State(s): State<Arc<SimState>>, h: HeaderMap) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let bal = s.lock().books.balance(&key, &s.opts);
    Json(json!({"success": true, "data": {"username": "sim_reseller", "email": "sim@otpdeck.local", "balance": bal.0, "referralCode": "SIM123"}})).into_response()
}

async fn services(h: HeaderMap) -> Response {
    if let Err(r) = auth(&h) {
        return r;
    }
    let data: Vec<Value> = SERVICES
        .iter()
        .map(|(id, name)| json!({"service_code": id, "service_name": name, "service_img": format!("https://img.sim/{id}.png")}))
        .collect();
    Json(json!({"success": true, "data": data})).into_response()
}

async fn countries(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Path(service): Path<String>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let Some((sid, _)) = SERVICES.iter().find(|(id, _)| id.to_string() == service) else {
        return err(StatusCode::NOT_FOUND, "Layanan tidak ditemukan");
    };
    let g = s.lock();
    let data: Vec<Value> = COUNTRIES
        .iter()
        .map(|c| {
            let list: Vec<Value> = offers_for(*sid, c)
                .iter()
                .map(|o| {
                    let stock = *g.stock.get(&(*sid, c.number_id, o.provider_id)).unwrap_or(&o.stock);
                    json!({"provider_id": o.provider_id, "server_id": o.server, "stock": stock, "rate": o.rate, "price": s.opts.price_for(&key, o.price)})
                })
                .collect();
            let total: i64 = list.iter().filter_map(|o| o["stock"].as_i64()).sum();
            json!({"number_id": c.number_id, "name": c.name, "prefix": c.prefix, "stock_total": total, "pricelist": list})
        })
        .collect();
    Json(json!({"success": true, "data": data})).into_response()
}

async fn operators(h: HeaderMap, Path((country, _provider)): Path<(String, String)>) -> Response {
    if let Err(r) = auth(&h) {
        return r;
    }
    let names: &[&str] = if country.eq_ignore_ascii_case("indonesia") {
        &[
            "any",
            "telkomsel",
            "indosat",
            "xl",
            "tri",
            "smartfren",
            "axis",
        ]
    } else {
        &["any"]
    };
    let data: Vec<Value> = names
        .iter()
        .map(|n| json!({"id": n, "name": n, "image": format!("https://img.sim/{n}.ico")}))
        .collect();
    Json(json!({"success": true, "data": data})).into_response()
}

#[derive(Deserialize)]
struct OrderBody {
    number_id: Value,
    provider_id: Value,
    #[serde(default)]
    operator_id: Option<Value>,
    price_jual: Value,
    #[serde(default)]
    service_name: Option<String>,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
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
            "Body tidak lengkap: number_id, provider_id, operator_id, price_jual wajib",
        );
    };
    let _ = b.operator_id;
    let number_id = text(&b.number_id);
    let provider_id = text(&b.provider_id);
    let Some(price_jual) = b
        .price_jual
        .as_i64()
        .or_else(|| text(&b.price_jual).parse().ok())
    else {
        return err(StatusCode::BAD_REQUEST, "price_jual harus berupa angka");
    };
    let Some(country) = COUNTRIES
        .iter()
        .find(|c| c.number_id.to_string() == number_id)
    else {
        return err(StatusCode::BAD_REQUEST, "number_id tidak valid");
    };
    // Which service: by name when given, else the first that has the offer.
    let service = b
        .service_name
        .as_deref()
        .and_then(|n| {
            SERVICES
                .iter()
                .find(|(_, name)| name.eq_ignore_ascii_case(n))
        })
        .or_else(|| SERVICES.first())
        .map(|(id, name)| (*id, *name));
    let Some((sid, sname)) = service else {
        return err(StatusCode::BAD_REQUEST, "Layanan tidak ditemukan");
    };
    let offers = offers_for(sid, country);
    let Some(offer) = offers.iter().find(|o| o.provider_id == provider_id) else {
        return err(StatusCode::BAD_REQUEST, "provider_id tidak valid");
    };
    if price_jual < s.opts.price_for(&key, offer.price) {
        return err(
            StatusCode::BAD_REQUEST,
            "price_jual lebih kecil dari harga modal",
        );
    }
    let mut g = s.lock();
    let stock_key = (sid, country.number_id, offer.provider_id);
    let stock = *g.stock.get(&stock_key).unwrap_or(&offer.stock);
    if stock <= 0 {
        return err(
            StatusCode::BAD_REQUEST,
            "Stok nomor habis, coba server lain",
        );
    }
    if !g.books.charge(&key, Rupiah(price_jual), &s.opts) {
        return err(StatusCode::BAD_REQUEST, "Saldo tidak cukup");
    }
    g.stock.insert(stock_key, stock - 1);
    g.seq += 1;
    let seq = g.seq;
    let trx = format!("WN{:010}", 100 + seq);
    g.books.record_charge(&key, &trx, None, Rupiah(price_jual));
    let now = Instant::now();
    let number = phone(country.prefix, seq);
    g.orders.insert(
        trx.clone(),
        Order {
            key,
            seq,
            price: Rupiah(price_jual),
            provider_id,
            created: now,
            otp_from: now,
            codes_asked: 1,
            state: St::Waiting,
        },
    );
    Json(json!({"success": true, "data": {"trxId": trx, "serviceName": sname, "phoneNumber": number, "amount": price_jual, "status": "waiting", "createdAt": chrono::Utc::now().to_rfc3339()}})).into_response()
}

fn own<'a>(g: &'a Inner, key: &str, id: &str) -> Result<&'a Order, Response> {
    match g.orders.get(id) {
        Some(o) if o.key == key => Ok(o),
        _ => Err(err(StatusCode::NOT_FOUND, "Order tidak ditemukan")),
    }
}

async fn status(State(s): State<Arc<SimState>>, h: HeaderMap, Path(id): Path<String>) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut g = s.lock();
    if let Err(r) = own(&g, &key, &id) {
        return r;
    }
    let code = settle(&mut g, &id, &s.opts);
    if let Some(c) = &code {
        g.books.deliver(&id, c);
    }
    let Some(o) = g.orders.get(&id) else {
        return err(StatusCode::NOT_FOUND, "Order tidak ditemukan");
    };
    let word = match (o.state, &code) {
        (St::Canceled, _) => "canceled",
        (_, Some(_)) => "completed",
        _ => "waiting",
    };
    Json(json!({"success": true, "status": word, "otp_code": code})).into_response()
}

#[derive(Deserialize)]
struct SetBody {
    #[serde(rename = "trxId")]
    trx_id: Value,
    action_status: String,
}

async fn set_status(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    body: Option<Json<SetBody>>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let Some(Json(b)) = body else {
        return err(StatusCode::BAD_REQUEST, "trxId dan action_status wajib");
    };
    let id = text(&b.trx_id);
    let mut g = s.lock();
    if let Err(r) = own(&g, &key, &id) {
        return r;
    }
    let code = settle(&mut g, &id, &s.opts);
    let opts = &s.opts;
    let action = b.action_status.to_ascii_lowercase();
    let Some(o) = g.orders.get_mut(&id) else {
        return err(StatusCode::NOT_FOUND, "Order tidak ditemukan");
    };
    match action.as_str() {
        "cancel" => {
            if o.state == St::Canceled {
                return err(StatusCode::BAD_REQUEST, "Order sudah dibatalkan");
            }
            if code.is_some() || o.state == St::Done {
                return err(
                    StatusCode::BAD_REQUEST,
                    "Order sudah menerima SMS, tidak bisa dibatalkan",
                );
            }
            o.state = St::Canceled;
            let (k, p) = (o.key.clone(), o.price);
            g.books.refund(&k, p, opts);
        }
        "done" => {
            if o.state == St::Canceled {
                return err(StatusCode::BAD_REQUEST, "Order sudah dibatalkan");
            }
            o.state = St::Done;
        }
        "resend" => {
            if o.state == St::Canceled || code.is_none() {
                return err(
                    StatusCode::BAD_REQUEST,
                    "Resend hanya untuk order yang sudah menerima SMS",
                );
            }
            o.codes_asked += 1;
            o.otp_from = Instant::now();
            o.state = St::Waiting;
        }
        _ => {
            return err(
                StatusCode::BAD_REQUEST,
                "action_status harus cancel, done atau resend",
            )
        }
    }
    Json(json!({"success": true, "message": format!("Status berhasil diubah menjadi {action}")}))
        .into_response()
}

pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/api/user/profile", get(profile))
        .route("/api/otp/services", get(services))
        .route("/api/otp/countries/{service}", get(countries))
        .route("/api/otp/operators/{country}/{provider}", get(operators))
        .route("/api/otp/order", post(create))
        .route("/api/otp/status/{id}", get(status))
        .route("/api/otp/set_status", post(set_status))
        .route("/api/deposit/create", post(deposit::create))
        .route("/api/deposit/status/{id}", get(deposit::status))
        .route("/api/deposit/cancel", post(deposit::cancel))
        .with_state(state)
}

//! Simulator of the GoTopUp buyer API (Bearer) and its Otomax endpoints
//! (username + sign in the query; the wallet is keyed by username). Errors
//! are `{"status": "error", "code", "message"}`: 401 bad key, 400 unknown or
//! inactive product, 402 "Saldo tidak cukup", 409 `ref_id` already used.
//! A transaction is pending until `otp_delay` has passed, then success with
//! an SN (PLN: a 20-digit token); product `GAGAL5` ("gagal" = fails) always
//! fails and refunds. Otomax: a repeated `ref_id` returns the current state
//! ("00" success, "68" pending, "40" failed) without buying again.

// Handlers bail out with a ready axum Response; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

use super::wallets::{Books, SimBooks};
use super::RepeatMode;
use super::{bearer, key_is_valid, SimOptions};
use crate::money::Rupiah;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

mod api_config;
mod bills;
mod otomax;
mod pushes;
mod reports;
mod seller;
pub use otomax::DupRefReply;

pub const FAILING_PRODUCT: &str = "GAGAL5";

struct Product {
    code: String,
    name: String,
    subcategory: &'static str,
    operator: &'static str,
    price: i64,
    active: bool,
}

fn catalog() -> Vec<Product> {
    let mut v = Vec::new();
    let pulsa: &[(&str, &str, i64)] = &[
        ("TELKOMSEL", "Telkomsel", 500),
        ("INDOSAT", "Indosat", 650),
        ("XL", "XL", 600),
        ("TRI", "Tri", 700),
        ("SMARTFREN", "Smartfren", 750),
        ("AXIS", "Axis", 600),
    ];
    for (code, op, fee) in pulsa {
        for nominal in [5, 10, 20, 25, 50, 100] {
            v.push(Product {
                code: format!("{code}{nominal}"),
                name: format!("Pulsa {op} {nominal}.000"),
                subcategory: "pulsa",
                operator: op,
                price: nominal * 1000 + fee + nominal * 10,
                active: !(*code == "AXIS" && nominal == 100),
            });
        }
    }
    v.iter_mut().for_each(|p| {
        if p.code == "TELKOMSEL5" {
            p.price = 5500;
        } else if p.code == "TELKOMSEL10" {
            p.price = 10500;
        }
    });
    for (code, name, price) in [
        ("TSELDATA1", "Data Telkomsel 1GB 7 hari", 12_500),
        ("TSELDATA5", "Data Telkomsel 5GB 30 hari", 48_000),
        ("XLDATA3", "Data XL 3GB 30 hari", 27_000),
    ] {
        let op = if code.starts_with("XL") {
            "XL"
        } else {
            "Telkomsel"
        };
        v.push(Product {
            code: code.into(),
            name: name.into(),
            subcategory: "data",
            operator: op,
            price,
            active: true,
        });
    }
    for nominal in [20, 50, 100] {
        v.push(Product {
            code: format!("PLN{nominal}"),
            name: format!("Token PLN {nominal}.000"),
            subcategory: "pln",
            operator: "PLN",
            price: nominal * 1000 + 1500,
            active: true,
        });
    }
    for (code, name, price, op) in [
        (
            "ML86",
            "Mobile Legends 86 Diamonds",
            21_000,
            "Mobile Legends",
        ),
        (
            "ML172",
            "Mobile Legends 172 Diamonds",
            41_500,
            "Mobile Legends",
        ),
        ("FF140", "Free Fire 140 Diamonds", 19_000, "Free Fire"),
    ] {
        v.push(Product {
            code: code.into(),
            name: name.into(),
            subcategory: "games",
            operator: op,
            price,
            active: true,
        });
    }
    // E-money: a fourth prepaid subcategory, one product per wallet off.
    for (code, op, active) in [
        ("OVO", "OVO", true),
        ("DANA", "DANA", true),
        ("GOPAY", "GoPay", false),
    ] {
        for nominal in [20, 50] {
            v.push(Product {
                code: format!("{code}{nominal}"),
                name: format!("Saldo {op} {nominal}.000"),
                subcategory: "e-money",
                operator: op,
                price: nominal * 1000 + 1_000,
                active: active || nominal == 20,
            });
        }
    }
    v.push(Product {
        code: FAILING_PRODUCT.into(),
        name: "Pulsa Uji GAGAL 5.000 (selalu gagal)".into(),
        subcategory: "pulsa",
        operator: "Telkomsel",
        price: 5_600,
        active: true,
    });
    v
}

struct Txn {
    wallet: String,
    seq: u64,
    ref_id: String,
    id: String,
    code: String,
    name: String,
    customer: String,
    price: Rupiah,
    created: Instant,
    stamp: chrono::DateTime<chrono::Utc>,
    refunded: bool,
    /// Placed through the Otomax GET: its push is the Otomax callback.
    otomax: bool,
}

#[derive(Default)]
struct Inner {
    books: Books,
    txns: Vec<Txn>,
    seq: u64,
    deposits: super::deposits::DepositBook,
    /// Transactions (by index) whose end was pushed (`pushes`).
    pushed: std::collections::HashSet<usize>,
}

pub struct SimState {
    opts: SimOptions,
    products: Vec<Product>,
    inner: Mutex<Inner>,
    switches: Mutex<otomax::Switches>,
    hits: Mutex<HashMap<String, u64>>,
    /// Every price-list request's (category, operator) filter, in order,
    /// so tests can see that a catalog level asks for its own slice.
    price_filters: Mutex<Vec<PriceFilter>>,
    limits: Mutex<api_config::Limits>,
    seller: Mutex<seller::SellerBook>,
}

#[derive(Clone, Copy, PartialEq)]
enum St {
    Pending,
    Success,
    Failed,
}

impl SimState {
    pub fn new(opts: SimOptions) -> Self {
        SimState {
            opts,
            products: catalog(),
            inner: Mutex::new(Inner::default()),
            switches: Mutex::new(otomax::Switches::default()),
            hits: Mutex::new(HashMap::new()),
            price_filters: Mutex::new(Vec::new()),
            limits: Mutex::new(api_config::Limits::default()),
            seller: Mutex::new(seller::SellerBook::default()),
        }
    }

    fn switches(&self) -> std::sync::MutexGuard<'_, otomax::Switches> {
        self.switches.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn limits(&self) -> std::sync::MutexGuard<'_, api_config::Limits> {
        self.limits.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn seller(&self) -> std::sync::MutexGuard<'_, seller::SellerBook> {
        self.seller.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn hits(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.hits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The (category, operator) filters of the price-list requests so far
    /// (Bearer and Otomax alike), oldest first.
    /// Deposits made for `key` (each a credit).
    pub fn deposits_made(&self, key: &str) -> usize {
        self.lock().deposits.ids(key).len()
    }

    pub fn price_list_filters(&self) -> Vec<PriceFilter> {
        self.price_filters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SimBooks for SimState {
    fn with_books<R>(&self, f: impl FnOnce(&mut Books) -> R) -> R {
        f(&mut self.lock().books)
    }
}

fn sn_of(t: &Txn) -> String {
    let x = t.seq.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    if t.code.starts_with("PLN") {
        format!(
            "{:010}{:010}",
            x % 10_000_000_000,
            (x >> 20) % 10_000_000_000
        )
    } else {
        format!("{:016}", x % 10_000_000_000_000_000)
    }
}

fn settle(g: &mut Inner, i: usize, opts: &SimOptions) -> St {
    let (st, refund) = {
        let Some(t) = g.txns.get_mut(i) else {
            return St::Failed;
        };
        if Instant::now() < t.created + opts.otp_delay {
            (St::Pending, None)
        } else if t.code == FAILING_PRODUCT {
            let r = (!t.refunded).then(|| (t.wallet.clone(), t.price));
            t.refunded = true;
            (St::Failed, r)
        } else {
            (St::Success, None)
        }
    };
    if let Some((w, p)) = refund {
        g.books.refund(&w, p, opts);
    }
    st
}

/// Records that a reply carried transaction `i`'s SN to the client.
fn deliver(g: &mut Inner, i: usize, st: St) {
    if st != St::Success {
        return;
    }
    if let Some((r, sn)) = g.txns.get(i).map(|t| (t.ref_id.clone(), sn_of(t))) {
        g.books.deliver(&r, &sn);
    }
}

fn word(st: St) -> &'static str {
    match st {
        St::Pending => "pending",
        St::Success => "success",
        St::Failed => "failed",
    }
}

fn err(status: StatusCode, code: &str, msg: &str) -> Response {
    (
        status,
        Json(json!({"status": "error", "code": code, "message": msg})),
    )
        .into_response()
}

fn ok(data: Value) -> Response {
    Json(json!({"status": "success", "code": "00", "data": data})).into_response()
}

fn auth(h: &HeaderMap) -> Result<String, Response> {
    match bearer(h) {
        Some(k) if key_is_valid(&k) => Ok(k),
        _ => Err(err(StatusCode::UNAUTHORIZED, "41", "API key tidak valid")),
    }
}

fn txn_json(t: &Txn, st: St) -> Value {
    json!({
        "ref_id": t.ref_id, "transaction_id": t.id, "code": t.code, "customer_number": t.customer,
        "product_name": t.name, "price": t.price.0, "status": word(st),
        "sn": (st == St::Success).then(|| sn_of(t)), "timestamp": t.stamp.to_rfc3339(),
    })
}

async fn balance(State(s): State<Arc<SimState>>, h: HeaderMap) -> Response {
    match auth(&h) {
        Ok(k) => ok(json!({"balance": s.lock().books.balance(&k, &s.opts).0, "currency": "IDR"})),
        Err(r) => r,
    }
}

/// `POST /api/buyer/deposit`: credited at once, as the doc's reply shows;
/// a ref_id used before gives back the first deposit without a second
/// credit.
async fn deposit(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let amount = body.get("amount").and_then(Value::as_i64).unwrap_or(0);
    let Some(ref_id) = body
        .get("ref_id")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
    else {
        return err(StatusCode::BAD_REQUEST, "40", "ref_id wajib diisi");
    };
    if amount < 50_000 {
        return err(StatusCode::BAD_REQUEST, "40", "Minimal deposit Rp 50.000");
    }
    let mut g = s.lock();
    let before = g.books.balance(&key, &s.opts);
    let seen = g.deposits.by_key(&key, ref_id);
    if seen.is_some() && s.opts.repeat == RepeatMode::RefusedAsUsed {
        return err(StatusCode::CONFLICT, "09", "ref_id sudah digunakan");
    }
    let seen = seen.filter(|_| s.opts.repeat != RepeatMode::BuysAgain);
    let d = match seen {
        Some(d) => d,
        None => {
            let d = g
                .deposits
                .open_fresh(&key, "DEP", Some(ref_id), Rupiah(amount), Rupiah::ZERO);
            g.deposits.mark_paid(&d.id);
            g.books.refund(&key, d.amount, &s.opts);
            d
        }
    };
    let after = g.books.balance(&key, &s.opts);
    Json(json!({"status": "success", "code": "00", "message": "Deposit berhasil", "data": {
        "ref_id": ref_id, "amount": d.amount.0, "balance_before": (after - d.amount).0.min(before.0),
        "balance_after": after.0, "timestamp": d.created_at.to_rfc3339(),
    }}))
    .into_response()
}

#[derive(Deserialize, Default)]
struct Filter {
    category: Option<String>,
    operator: Option<String>,
}

/// A price-list request's filter as received: (category, operator).
pub type PriceFilter = (Option<String>, Option<String>);

fn price_list(s: &SimState, f: &Filter) -> Vec<Value> {
    s.price_filters
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((f.category.clone(), f.operator.clone()));
    s.products
        .iter()
        .filter(|p| {
            f.category.as_deref().is_none_or(|c| {
                c.eq_ignore_ascii_case(p.subcategory) || c.eq_ignore_ascii_case("prabayar")
            })
        })
        .filter(|p| f.operator.as_deref().is_none_or(|o| o.eq_ignore_ascii_case(p.operator)))
        .map(|p| {
            json!({"code": p.code, "name": p.name, "category": "prabayar", "subcategory": p.subcategory,
                   "operator": p.operator, "price": p.price, "status": if p.active { "active" } else { "inactive" }})
        })
        .collect()
}

async fn prices(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    body: Option<Json<Filter>>,
) -> Response {
    if let Err(r) = auth(&h) {
        return r;
    }
    let f = body.map(|Json(f)| f).unwrap_or_default();
    let mut rows = price_list(&s, &f);
    rows.extend(bills::price_rows(
        f.category.as_deref(),
        f.operator.as_deref(),
    ));
    ok(json!(rows))
}

enum Outcome {
    Placed(usize),
    Existing(usize),
    Refused(StatusCode, &'static str, &'static str),
}

fn place(
    s: &SimState,
    g: &mut Inner,
    wallet: &str,
    code: &str,
    customer: &str,
    ref_id: &str,
) -> Outcome {
    if let Some(i) = g
        .txns
        .iter()
        .position(|t| t.wallet == wallet && t.ref_id == ref_id)
    {
        return Outcome::Existing(i);
    }
    place_new(s, g, wallet, code, customer, ref_id)
}

/// Places a transaction even when `ref_id` was used before (a server that
/// does not deduplicate).
fn place_new(
    s: &SimState,
    g: &mut Inner,
    wallet: &str,
    code: &str,
    customer: &str,
    ref_id: &str,
) -> Outcome {
    let Some(p) = s
        .products
        .iter()
        .find(|p| p.code.eq_ignore_ascii_case(code))
    else {
        return Outcome::Refused(StatusCode::BAD_REQUEST, "14", "Produk tidak ditemukan");
    };
    if !p.active {
        return Outcome::Refused(StatusCode::BAD_REQUEST, "13", "Produk sedang tidak aktif");
    }
    if customer.len() < 6 || !customer.chars().all(|c| c.is_ascii_digit()) {
        return Outcome::Refused(StatusCode::BAD_REQUEST, "15", "Nomor pelanggan tidak valid");
    }
    if !g.books.charge(wallet, Rupiah(p.price), &s.opts) {
        return Outcome::Refused(StatusCode::PAYMENT_REQUIRED, "51", "Saldo tidak cukup");
    }
    g.seq += 1;
    let seq = g.seq;
    let id = format!("TXN{:06}", 123_000 + seq);
    g.books
        .record_charge(wallet, &id, Some(ref_id), Rupiah(p.price));
    g.txns.push(Txn {
        wallet: wallet.to_string(),
        seq,
        ref_id: ref_id.to_string(),
        id,
        code: p.code.clone(),
        name: p.name.clone(),
        customer: customer.to_string(),
        price: Rupiah(p.price),
        created: Instant::now(),
        stamp: chrono::Utc::now(),
        refunded: false,
        otomax: false,
    });
    Outcome::Placed(g.txns.len() - 1)
}

#[derive(Deserialize)]
struct TxnBody {
    code: Option<String>,
    customer_number: Option<String>,
    ref_id: Option<String>,
}

async fn transaction(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    body: Option<Json<TxnBody>>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let Some(Json(TxnBody {
        code: Some(code),
        customer_number: Some(customer),
        ref_id: Some(ref_id),
    })) = body
    else {
        return err(
            StatusCode::BAD_REQUEST,
            "10",
            "code, customer_number dan ref_id wajib diisi",
        );
    };
    let mut g = s.lock();
    let outcome = match s.opts.repeat {
        RepeatMode::BuysAgain => place_new(&s, &mut g, &key, &code, &customer, &ref_id),
        _ => place(&s, &mut g, &key, &code, &customer, &ref_id),
    };
    match outcome {
        Outcome::Existing(i) if s.opts.repeat == RepeatMode::Original => {
            let st = settle(&mut g, i, &s.opts);
            match g.txns.get(i) {
                Some(t) => Json(json!({"status": "success", "code": "00", "message": "Transaksi diproses", "data": txn_json(t, st)})).into_response(),
                None => err(StatusCode::INTERNAL_SERVER_ERROR, "99", "internal"),
            }
        }
        Outcome::Existing(_) => match s.switches().dup_ref {
            DupRefReply::Conflict409 => err(StatusCode::CONFLICT, "09", "ref_id sudah digunakan"),
            DupRefReply::BadRequest400 => {
                err(StatusCode::BAD_REQUEST, "16", "Ref ID sudah pernah dipakai")
            }
            DupRefReply::Ok200Error => err(StatusCode::OK, "20", "Duplicate ref_id"),
        },
        Outcome::Refused(st, c, m) => err(st, c, m),
        Outcome::Placed(i) => {
            let st = settle(&mut g, i, &s.opts);
            deliver(&mut g, i, st);
            match g.txns.get(i) {
                Some(t) => Json(json!({"status": "success", "code": "00", "message": "Transaksi diproses", "data": txn_json(t, st)})).into_response(),
                None => err(StatusCode::INTERNAL_SERVER_ERROR, "99", "internal"),
            }
        }
    }
}

#[derive(Deserialize, Default)]
struct HistoryBody {
    status: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    page: Option<usize>,
    limit: Option<usize>,
}

async fn history(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    body: Option<Json<HistoryBody>>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let b = body.map(|Json(b)| b).unwrap_or_default();
    let limit = b.limit.unwrap_or(20).clamp(1, 100);
    let page = b.page.unwrap_or(1).max(1);
    let mut g = s.lock();
    let mine: Vec<usize> = (0..g.txns.len())
        .rev()
        .filter(|&i| g.txns[i].wallet == key)
        .collect();
    let mut rows = Vec::new();
    for i in mine {
        let st = settle(&mut g, i, &s.opts);
        let t = &g.txns[i];
        let day = t.stamp.format("%Y-%m-%d").to_string();
        if b.status.as_deref().is_some_and(|f| f != word(st))
            || b.start_date.as_deref().is_some_and(|d| day.as_str() < d)
            || b.end_date.as_deref().is_some_and(|d| day.as_str() > d)
        {
            continue;
        }
        rows.push((i, st, txn_json(t, st)));
    }
    let total = rows.len();
    let pages = total.div_ceil(limit).max(1);
    let mut slice = Vec::new();
    for (i, st, v) in rows.into_iter().skip((page - 1) * limit).take(limit) {
        deliver(&mut g, i, st);
        slice.push(v);
    }
    ok(
        json!({"transactions": slice, "pagination": {"page": page, "limit": limit, "total": total, "total_pages": pages}}),
    )
}

/// An Otomax reply for transaction `t` in state `st`.
fn otomax_json(t: &Txn, st: St) -> Value {
    let (status, msg) = match st {
        St::Success => ("00", "Success"),
        St::Pending => ("68", "Transaksi sedang diproses"),
        St::Failed => ("40", "Transaksi gagal, saldo dikembalikan"),
    };
    json!({"status": status, "message": msg, "ref_id": t.ref_id, "price": t.price.0,
            "sn": (st == St::Success).then(|| sn_of(t))})
}

/// Counts each request by its path (after the `/gotopup` prefix).
async fn count(
    State(s): State<Arc<SimState>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    let path = path.find("/api/").map_or(path, |i| &path[i..]).to_string();
    *s.hits().entry(path).or_default() += 1;
    // The per-key rate limit (Bearer key or Otomax username).
    let who = bearer(req.headers()).or_else(|| {
        req.uri().query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("username=").map(String::from))
        })
    });
    if let Some(k) = who {
        if !s.limits().admit(&k, Instant::now()) {
            return err(StatusCode::TOO_MANY_REQUESTS, "29", "Rate limit terlampaui");
        }
    }
    next.run(req).await
}

pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/api/buyer/balance", post(balance))
        .route("/api/buyer/deposit", post(deposit))
        .route("/api/buyer/price-list", post(prices))
        .route("/api/buyer/transaction", post(transaction))
        .route("/api/buyer/transactions", post(history))
        .route("/api/buyer/inquiry", post(bills::inquiry))
        .route("/api/buyer/payment", post(bills::payment))
        .route(
            "/api/buyer/api/config",
            get(api_config::get_config).post(api_config::set_config),
        )
        // The seller's settings: per key, like the buyer's (the doc shows
        // only the POST; the GET is the one otpdeck assumes).
        .route(
            "/api/seller/api/config",
            get(api_config::get_config).post(api_config::set_config),
        )
        .route(
            "/api/seller/products",
            get(seller::list).post(seller::create),
        )
        .route(
            "/api/seller/products/{code}",
            axum::routing::put(seller::update),
        )
        .route("/api/seller/settlement/request", post(seller::settlement))
        .route("/api/seller/transactions", post(seller::transactions))
        .route("/api/buyer/reports", post(reports::buyer))
        .route("/api/seller/reports", post(reports::seller))
        .route("/api/otomax/balance", get(otomax::otomax_balance))
        .route("/api/otomax/price-list", get(otomax::otomax_prices))
        .route("/api/otomax/request", get(otomax::otomax_request))
        .layer(axum::middleware::from_fn_with_state(state.clone(), count))
        .with_state(state)
}

//! The seller side of the GoTopUp simulator (`/api/seller/*`), per seller
//! key: its products, its settlements (pending, then completed after
//! `otp_delay`; an account number of all zeros fails) and its sales, which
//! are the buyer purchases of product codes the seller lists.
//! Fee: 1% of the amount, as in the doc's only example (5.000 on 500.000).
//! A ref_id sent again answers the settlement it made, with its status now,
//! and takes nothing a second time.

use super::{auth, err, ok, SimState};
use crate::money::Rupiah;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone)]
struct Listed {
    code: String,
    name: String,
    category: String,
    subcategory: String,
    operator: Option<String>,
    price: i64,
    status: String,
    description: Option<String>,
}

pub(super) struct Withdrawal {
    id: String,
    ref_id: String,
    amount: i64,
    fee: i64,
    fails: bool,
    created: Instant,
}

#[derive(Default)]
pub struct SellerBook {
    products: HashMap<String, Vec<Listed>>,
    pub(super) settlements: HashMap<String, Vec<Withdrawal>>,
    seq: u64,
    /// Requests to `/settlement/request` per key, replays included.
    pub settlement_requests: HashMap<String, u64>,
    /// The next settlement of these keys is recorded, then answered 502.
    lose_reply: HashMap<String, u32>,
    /// Settlement ids whose end was pushed (`pushes`).
    pub(super) pushed: std::collections::HashSet<String>,
}

impl SimState {
    /// The next `n` settlement replies of `key` are lost after the
    /// settlement is made (a 502 with an HTML body): the client cannot tell.
    pub fn lose_settlement_replies(&self, key: &str, n: u32) {
        self.seller().lose_reply.insert(key.to_string(), n);
    }

    pub fn settlement_requests(&self, key: &str) -> u64 {
        self.seller()
            .settlement_requests
            .get(key)
            .copied()
            .unwrap_or(0)
    }

    /// How many settlements `key` has (each one withdraws its amount).
    pub fn settlements_made(&self, key: &str) -> usize {
        self.seller().settlements.get(key).map_or(0, Vec::len)
    }

    /// What a seller may still withdraw: the starting balance plus sales,
    /// less every settlement that has not failed.
    pub fn seller_balance(&self, key: &str) -> Rupiah {
        let sales: i64 = self.seller_sales(key).iter().map(|t| t.1).sum();
        let out: i64 = self
            .seller()
            .settlements
            .get(key)
            .map(|v| v.iter().filter(|w| !w.fails).map(|w| w.amount).sum())
            .unwrap_or(0);
        Rupiah(self.opts.initial_balance.0 + sales - out)
    }

    /// Buyer purchases of `key`'s products: (row json, price).
    pub(super) fn seller_sales(&self, key: &str) -> Vec<(Value, i64)> {
        let codes: Vec<String> = self
            .seller()
            .products
            .get(key)
            .map(|v| v.iter().map(|p| p.code.clone()).collect())
            .unwrap_or_default();
        let n = self.lock().txns.len();
        (0..n)
            .filter_map(|i| {
                let mut g = self.lock();
                if !codes.contains(&g.txns.get(i)?.code) {
                    return None;
                }
                let st = super::settle(&mut g, i, &self.opts);
                let t = g.txns.get(i)?;
                Some((super::txn_json(t, st), t.price.0))
            })
            .collect()
    }

    /// `key`'s products as the API lists them (for reports.rs).
    pub(super) fn seller_products_json(&self, key: &str) -> Vec<Value> {
        self.seller()
            .products
            .get(key)
            .map(|v| v.iter().map(product_json).collect())
            .unwrap_or_default()
    }
}

fn product_json(p: &Listed) -> Value {
    json!({
        "code": p.code, "name": p.name, "category": p.category,
        "subcategory": p.subcategory, "operator": p.operator, "price": p.price,
        "status": p.status, "description": p.description,
    })
}

pub async fn list(State(s): State<Arc<SimState>>, h: HeaderMap) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let rows: Vec<Value> = s
        .seller()
        .products
        .get(&key)
        .map(|v| v.iter().map(product_json).collect())
        .unwrap_or_default();
    ok(json!(rows))
}

fn str_of(b: &Value, k: &str) -> Option<String> {
    b.get(k).and_then(Value::as_str).map(str::to_string)
}

pub async fn create(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let bad = |m: &str| err(StatusCode::BAD_REQUEST, "40", m);
    let (Some(code), Some(name), Some(category), Some(subcategory)) = (
        str_of(&b, "code"),
        str_of(&b, "name"),
        str_of(&b, "category"),
        str_of(&b, "subcategory"),
    ) else {
        return bad("code, name, category dan subcategory wajib diisi");
    };
    if !matches!(category.as_str(), "prabayar" | "pascabayar") {
        return bad("category tidak valid");
    }
    let Some(price) = b.get("price").and_then(Value::as_i64).filter(|p| *p >= 0) else {
        return bad("price tidak valid");
    };
    let status = str_of(&b, "status").unwrap_or_else(|| "active".into());
    if !matches!(status.as_str(), "active" | "inactive") {
        return bad("status tidak valid");
    }
    let mut g = s.seller();
    let list = g.products.entry(key).or_default();
    if list.iter().any(|p| p.code == code) {
        return err(StatusCode::CONFLICT, "49", "Kode produk sudah digunakan");
    }
    let p = Listed {
        code,
        name,
        category,
        subcategory,
        operator: str_of(&b, "operator"),
        price,
        status,
        description: None,
    };
    let body = product_json(&p);
    list.push(p);
    Json(json!({"status": "success", "code": "00", "message": "Product created successfully", "data": body}))
        .into_response()
}

pub async fn update(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Path(code): Path<String>,
    Json(b): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let price = match b.get("price") {
        None => None,
        Some(v) => match v.as_i64().filter(|p| *p >= 0) {
            Some(p) => Some(p),
            None => return err(StatusCode::BAD_REQUEST, "40", "price tidak valid"),
        },
    };
    let status = str_of(&b, "status");
    if status
        .as_deref()
        .is_some_and(|s| !matches!(s, "active" | "inactive" | "maintenance"))
    {
        return err(StatusCode::BAD_REQUEST, "40", "status tidak valid");
    }
    let mut g = s.seller();
    let Some(p) = g
        .products
        .get_mut(&key)
        .and_then(|v| v.iter_mut().find(|p| p.code == code))
    else {
        return err(StatusCode::NOT_FOUND, "44", "Produk tidak ditemukan");
    };
    if let Some(v) = price {
        p.price = v;
    }
    if let Some(v) = status {
        p.status = v;
    }
    if let Some(d) = str_of(&b, "description") {
        p.description = Some(d);
    }
    let body = json!({"code": p.code, "name": p.name, "price": p.price, "status": p.status});
    Json(json!({"status": "success", "code": "00", "message": "Product updated successfully", "data": body}))
        .into_response()
}

pub(super) fn settlement_json(w: &Withdrawal, opts: &crate::sim::SimOptions) -> Value {
    let done = Instant::now() >= w.created + opts.otp_delay;
    let status = match (done, w.fails) {
        (false, _) => "pending",
        (true, false) => "completed",
        (true, true) => "failed",
    };
    let eta = chrono::Utc::now()
        + chrono::Duration::from_std(opts.otp_delay.saturating_sub(w.created.elapsed()))
            .unwrap_or_default();
    json!({
        "settlement_id": w.id, "ref_id": w.ref_id, "amount": w.amount, "fee": w.fee,
        "net_amount": w.amount - w.fee, "status": status,
        "estimated_completion": eta.to_rfc3339(),
    })
}

pub async fn settlement(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    *s.seller()
        .settlement_requests
        .entry(key.clone())
        .or_default() += 1;
    let bad = |m: &str| err(StatusCode::BAD_REQUEST, "40", m);
    let Some(amount) = b.get("amount").and_then(Value::as_i64) else {
        return bad("amount wajib diisi");
    };
    if amount < 50_000 {
        return bad("Minimal settlement Rp 50.000");
    }
    let bank = b.get("bank_account").cloned().unwrap_or(Value::Null);
    let (Some(_), Some(number), Some(_)) = (
        str_of(&bank, "bank_code"),
        str_of(&bank, "account_number"),
        str_of(&bank, "account_name"),
    ) else {
        return bad("bank_account tidak lengkap");
    };
    let ref_id = str_of(&b, "ref_id");
    if let Some(r) = &ref_id {
        let g = s.seller();
        if let Some(w) = g
            .settlements
            .get(&key)
            .and_then(|v| v.iter().find(|w| &w.ref_id == r))
        {
            match s.opts.repeat {
                crate::sim::RepeatMode::BuysAgain => {}
                crate::sim::RepeatMode::RefusedAsUsed => {
                    return err(StatusCode::CONFLICT, "09", "ref_id sudah digunakan")
                }
                _ => return ok(settlement_json(w, &s.opts)),
            }
        }
    }
    if s.seller_balance(&key).0 < amount {
        return err(StatusCode::PAYMENT_REQUIRED, "42", "Saldo tidak cukup");
    }
    let mut g = s.seller();
    g.seq += 1;
    let w = Withdrawal {
        id: format!("SETT{:06}", g.seq),
        ref_id: ref_id.unwrap_or_else(|| format!("AUTO-{}", g.seq)),
        amount,
        fee: amount / 100,
        fails: number.chars().all(|c| c == '0'),
        created: Instant::now(),
    };
    let body = settlement_json(&w, &s.opts);
    g.settlements.entry(key.clone()).or_default().push(w);
    if let Some(n) = g.lose_reply.get_mut(&key).filter(|n| **n > 0) {
        *n -= 1;
        return (StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response();
    }
    Json(json!({"status": "success", "code": "00", "message": "Settlement request berhasil dibuat", "data": body}))
        .into_response()
}

pub async fn transactions(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let page = b.get("page").and_then(Value::as_u64).unwrap_or(1).max(1) as usize;
    let limit = b.get("limit").and_then(Value::as_u64).unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return err(StatusCode::BAD_REQUEST, "40", "limit maksimal 100");
    }
    let want = str_of(&b, "status");
    let day = |k: &str| str_of(&b, k).and_then(|d| d.get(..10).map(str::to_string));
    let (from, to) = (day("start_date"), day("end_date"));
    let mut rows: Vec<Value> = s
        .seller_sales(&key)
        .into_iter()
        .map(|r| r.0)
        .filter(|r| want.as_deref().is_none_or(|w| r["status"] == w))
        .filter(|r| {
            let d = r["timestamp"]
                .as_str()
                .and_then(|t| t.get(..10))
                .unwrap_or("");
            from.as_deref().is_none_or(|f| d >= f) && to.as_deref().is_none_or(|t| d <= t)
        })
        .collect();
    rows.reverse();
    let total = rows.len();
    let limit = limit as usize;
    let page_rows: Vec<Value> = rows
        .into_iter()
        .skip((page - 1) * limit)
        .take(limit)
        .collect();
    ok(json!({
        "transactions": page_rows,
        "pagination": {"page": page, "limit": limit, "total": total,
                       "total_pages": total.div_ceil(limit).max(1)},
    }))
}

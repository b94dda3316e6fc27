//! Postpaid bills: `/api/buyer/inquiry` and `/api/buyer/payment`, as the
//! doc shows them. A customer's bill is made up from the number (so runs
//! repeat): a name, this month's period, an amount, the product's admin
//! fee. A payment charges the total and then behaves like a top-up
//! (pending, then success with an SN; settled by the history).

use super::{auth, err, ok, txn_json, DupRefReply, Inner, SimState, St, Txn};
use crate::money::Rupiah;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

/// (code, name, subcategory, operator, admin fee, customer number digits)
type BillProduct = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    std::ops::RangeInclusive<usize>,
);

pub(super) const BILLS: &[BillProduct] = &[
    (
        "PLN-PASCABAYAR",
        "PLN Pascabayar",
        "pln",
        "PLN",
        2_500,
        11..=12,
    ),
    ("PDAM-KOTA", "PDAM Kota", "pdam", "PDAM", 2_000, 6..=15),
    ("BPJS-KES", "BPJS Kesehatan", "bpjs", "BPJS", 2_500, 11..=16),
];

const NAMES: [&str; 6] = [
    "John Doe",
    "Siti Rahmawati",
    "Budi Santoso",
    "Dewi Lestari",
    "Agus Pratama",
    "Rina Wulandari",
];

/// Price-list rows of the postpaid products (price = admin fee).
pub(super) fn price_rows(category: Option<&str>, operator: Option<&str>) -> Vec<Value> {
    BILLS
        .iter()
        .filter(|b| {
            category
                .is_none_or(|c| c.eq_ignore_ascii_case("pascabayar") || c.eq_ignore_ascii_case(b.2))
        })
        .filter(|b| operator.is_none_or(|o| o.eq_ignore_ascii_case(b.3)))
        .map(|b| {
            json!({"code": b.0, "name": b.1, "category": "pascabayar", "subcategory": b.2,
                   "operator": b.3, "price": b.4, "status": "active"})
        })
        .collect()
}

struct Owed {
    name: &'static str,
    product: &'static str,
    bill: i64,
    admin: i64,
}

fn owed(code: &str, customer: &str) -> Result<Owed, Response> {
    let Some(b) = BILLS.iter().find(|b| b.0.eq_ignore_ascii_case(code)) else {
        return Err(err(StatusCode::BAD_REQUEST, "14", "Produk tidak ditemukan"));
    };
    if !customer.chars().all(|c| c.is_ascii_digit()) || !b.5.contains(&customer.len()) {
        return Err(err(
            StatusCode::BAD_REQUEST,
            "15",
            "Nomor pelanggan tidak valid",
        ));
    }
    let h = customer
        .bytes()
        .fold(7u64, |h, c| h.wrapping_mul(31).wrapping_add(c as u64));
    Ok(Owed {
        name: NAMES[(h % NAMES.len() as u64) as usize],
        product: b.1,
        bill: 50_000 + ((h >> 8) % 200) as i64 * 1_000,
        admin: b.4,
    })
}

fn fields(body: &Value) -> (Option<&str>, Option<&str>, Option<&str>) {
    let f = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    (f("code"), f("customer_number"), f("ref_id"))
}

pub(super) async fn inquiry(
    State(_s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(r) = auth(&h) {
        return r;
    }
    let (Some(code), Some(customer), _) = fields(&body) else {
        return err(
            StatusCode::BAD_REQUEST,
            "10",
            "code dan customer_number wajib diisi",
        );
    };
    match owed(code, customer) {
        Ok(o) => ok(json!({
            "customer_number": customer, "customer_name": o.name,
            "bill_period": chrono::Utc::now().format("%Y-%m").to_string(),
            "total_bill": o.bill, "admin_fee": o.admin, "total_amount": o.bill + o.admin,
        })),
        Err(r) => r,
    }
}

pub(super) async fn payment(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let (Some(code), Some(customer), Some(ref_id)) = fields(&body) else {
        return err(
            StatusCode::BAD_REQUEST,
            "10",
            "code, customer_number dan ref_id wajib diisi",
        );
    };
    let dup = s.switches().dup_ref;
    let mut g = s.lock();
    let seen = g
        .txns
        .iter()
        .position(|t| t.wallet == key && t.ref_id == ref_id);
    match (seen, s.opts.repeat) {
        (_, crate::sim::RepeatMode::BuysAgain) | (None, _) => {}
        (Some(i), crate::sim::RepeatMode::Original) => {
            let v = txn_json(&g.txns[i], St::Pending);
            return Json(json!({"status": "success", "code": "00", "data": v})).into_response();
        }
        (Some(_), _) => {
            return match dup {
                DupRefReply::Conflict409 => {
                    err(StatusCode::CONFLICT, "09", "ref_id sudah digunakan")
                }
                DupRefReply::BadRequest400 => {
                    err(StatusCode::BAD_REQUEST, "16", "Ref ID sudah pernah dipakai")
                }
                DupRefReply::Ok200Error => err(StatusCode::OK, "20", "Duplicate ref_id"),
            }
        }
    }
    let o = match owed(code, customer) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let total = Rupiah(o.bill + o.admin);
    if !g.books.charge(&key, total, &s.opts) {
        return err(StatusCode::PAYMENT_REQUIRED, "51", "Saldo tidak cukup");
    }
    let i = push(&mut g, &key, code, o.product, customer, ref_id, total);
    let mut v = txn_json(&g.txns[i], St::Pending);
    if let Some(m) = v.as_object_mut() {
        m.remove("code");
        m.remove("sn");
        m.remove("timestamp");
    }
    Json(json!({"status": "success", "code": "00", "data": v})).into_response()
}

fn push(
    g: &mut Inner,
    wallet: &str,
    code: &str,
    name: &str,
    customer: &str,
    ref_id: &str,
    price: Rupiah,
) -> usize {
    g.seq += 1;
    let seq = g.seq;
    let id = format!("TXN{:06}", 123_000 + seq);
    g.books.record_charge(wallet, &id, Some(ref_id), price);
    g.txns.push(Txn {
        wallet: wallet.to_string(),
        seq,
        ref_id: ref_id.to_string(),
        id,
        code: code.to_uppercase(),
        name: name.to_string(),
        customer: customer.to_string(),
        price,
        created: Instant::now(),
        stamp: chrono::Utc::now(),
        refunded: false,
        otomax: false,
    });
    g.txns.len() - 1
}

//! `POST /api/buyer/reports` and `/api/seller/reports`, computed from the
//! simulator's own transactions, deposits, sales and products. Shapes
//! follow the doc's examples; where the doc shows `[...]` (the buyer's
//! rows) the rows are the history's transaction objects. `purchase` is
//! taken as the successful purchases, `deposit` as the key's deposits; the
//! seller's `sales` summary is the doc's, with a 5 % commission.

use super::{auth, err, ok, settle, txn_json, word, SimState, St};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

const COMMISSION: f64 = 0.05;

fn day_of(b: &Value, k: &str) -> Option<String> {
    b.get(k)
        .and_then(Value::as_str)
        .and_then(|d| d.get(..10))
        .map(str::to_string)
}

/// The key, the report type and the range a request asks for.
fn asked(
    h: &HeaderMap,
    b: &Value,
) -> Result<(String, String, Option<String>, Option<String>), Response> {
    let key = auth(h)?;
    let kind = b
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Ok((key, kind, day_of(b, "start_date"), day_of(b, "end_date")))
}

fn in_range(day: &str, from: &Option<String>, to: &Option<String>) -> bool {
    from.as_deref().is_none_or(|f| day >= f) && to.as_deref().is_none_or(|t| day <= t)
}

/// Transaction rows of `key` in the range, with their settled status.
fn txn_rows(
    s: &SimState,
    key: &str,
    from: &Option<String>,
    to: &Option<String>,
) -> Vec<(St, i64, Value)> {
    let mut g = s.lock();
    let mut out = Vec::new();
    for i in 0..g.txns.len() {
        if g.txns[i].wallet != key {
            continue;
        }
        let st = settle(&mut g, i, &s.opts);
        let t = &g.txns[i];
        if in_range(&t.stamp.format("%Y-%m-%d").to_string(), from, to) {
            out.push((st, t.price.0, txn_json(t, st)));
        }
    }
    out
}

fn counts(rows: &[(St, i64, Value)]) -> (usize, usize, usize, i64, i64) {
    let n = |w| rows.iter().filter(|r| r.0 == w).count();
    let amount = |only: Option<St>| {
        rows.iter()
            .filter(|r| only.is_none_or(|w| r.0 == w))
            .map(|r| r.1)
            .sum::<i64>()
    };
    (
        rows.len(),
        n(St::Success),
        n(St::Failed),
        amount(None),
        amount(Some(St::Success)),
    )
}

fn reply(
    kind: &str,
    from: Option<String>,
    to: Option<String>,
    summary: Value,
    rows: Option<(&str, Vec<Value>)>,
) -> Response {
    let mut data =
        json!({"type": kind, "period": {"start_date": from, "end_date": to}, "summary": summary});
    if let (Some((name, list)), Some(m)) = (rows, data.as_object_mut()) {
        m.insert(name.into(), Value::Array(list));
    }
    ok(data)
}

pub(super) async fn buyer(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    let (key, kind, from, to) = match asked(&h, &b) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let kind = kind.as_str();
    match kind {
        "transaction" => {
            let rows = txn_rows(&s, &key, &from, &to);
            let (total, ok_n, failed, amount, ok_amount) = counts(&rows);
            let summary = json!({"total_transactions": total, "success_transactions": ok_n,
                "failed_transactions": failed, "total_amount": amount, "success_amount": ok_amount});
            let list = rows.into_iter().map(|r| r.2).collect();
            reply(kind, from, to, summary, Some(("transactions", list)))
        }
        "purchase" => {
            let rows: Vec<_> = txn_rows(&s, &key, &from, &to)
                .into_iter()
                .filter(|r| r.0 == St::Success)
                .collect();
            let summary = json!({"total_purchases": rows.len(),
                "total_amount": rows.iter().map(|r| r.1).sum::<i64>()});
            let list = rows.into_iter().map(|r| r.2).collect();
            reply(kind, from, to, summary, Some(("transactions", list)))
        }
        "deposit" => {
            let g = s.lock();
            let list: Vec<Value> = g
                .deposits
                .of_wallet(&key)
                .into_iter()
                .filter(|d| in_range(&d.created_at.format("%Y-%m-%d").to_string(), &from, &to))
                .map(|d| {
                    json!({"deposit_id": d.id, "ref_id": d.client_key, "amount": d.amount.0,
                           "status": format!("{:?}", d.state).to_lowercase(),
                           "timestamp": d.created_at.to_rfc3339()})
                })
                .collect();
            let paid: i64 = list
                .iter()
                .filter(|d| d["status"] == "paid")
                .filter_map(|d| d["amount"].as_i64())
                .sum();
            let summary = json!({"total_deposits": list.len(), "total_amount": paid});
            reply(kind, from, to, summary, Some(("deposits", list)))
        }
        _ => err(
            StatusCode::BAD_REQUEST,
            "40",
            "type harus transaction, purchase atau deposit",
        ),
    }
}

/// The seller's: `sales` and `transaction` over the sales of the seller's
/// products, `product` over the products.
pub(super) async fn seller(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(b): Json<Value>,
) -> Response {
    let (key, kind, from, to) = match asked(&h, &b) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let kind = kind.as_str();
    match kind {
        "sales" | "transaction" => {
            let rows: Vec<(St, i64, Value)> = s
                .seller_sales(&key)
                .into_iter()
                .filter(|(v, _)| {
                    let d = v["timestamp"]
                        .as_str()
                        .and_then(|t| t.get(..10))
                        .unwrap_or("");
                    in_range(d, &from, &to)
                })
                .map(|(v, price)| {
                    let st = match v["status"].as_str() {
                        Some(w) if w == word(St::Success) => St::Success,
                        Some(w) if w == word(St::Failed) => St::Failed,
                        _ => St::Pending,
                    };
                    (st, price, v)
                })
                .collect();
            let (total, ok_n, failed, revenue, ok_revenue) = counts(&rows);
            let commission = (ok_revenue as f64 * COMMISSION).round() as i64;
            let summary = if kind == "sales" {
                json!({"total_transactions": total, "success_transactions": ok_n,
                    "failed_transactions": failed, "total_revenue": revenue, "success_revenue": ok_revenue,
                    "commission_rate": COMMISSION, "commission_amount": commission,
                    "net_revenue": ok_revenue - commission})
            } else {
                json!({"total_transactions": total, "success_transactions": ok_n,
                    "failed_transactions": failed, "total_amount": revenue})
            };
            let list = rows.into_iter().map(|r| r.2).collect();
            reply(kind, from, to, summary, Some(("transactions", list)))
        }
        "product" => {
            let list = s.seller_products_json(&key);
            let active = list.iter().filter(|p| p["status"] == "active").count();
            let summary = json!({"total_products": list.len(), "active_products": active});
            reply(kind, from, to, summary, Some(("products", list)))
        }
        _ => err(
            StatusCode::BAD_REQUEST,
            "40",
            "type harus transaction, sales atau product",
        ),
    }
}

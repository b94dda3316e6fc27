//! The simulated GateOTP deposit API: create (minimum 2,000, at most 3
//! pending), status (pending → success once paid, or expired), cancel.

use super::{auth, err, SimState};
use crate::money::Rupiah;
use crate::sim::deposits::{DepState, SimDeposit};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

const MIN: i64 = 2_000;
const MAX_PENDING: usize = 3;

/// A short QRIS-shaped payload (EMV tags) naming the invoice, so each code
/// drawn is distinct and decodes back to this text.
fn qris(d: &SimDeposit) -> String {
    let amount = (d.amount + d.fee).0.to_string();
    format!(
        "00020101021226{:02}{}5303360540{}{amount}5802ID6304SIMQ",
        d.id.len(),
        d.id,
        amount.len()
    )
}

fn detail(d: &SimDeposit) -> Value {
    json!({
        "created_at": d.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        "total": (d.amount + d.fee).0,
        "fee": d.fee.0,
        "diterima": d.amount.0,
        "brand_name": if d.state == DepState::Paid { "DANA" } else { "-" },
        "buyer_reff": "-",
    })
}

pub async fn create(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let amount = body.get("amount").and_then(Value::as_i64).unwrap_or(0);
    if amount < MIN {
        return err(StatusCode::BAD_REQUEST, "Minimal deposit Rp 2.000");
    }
    let method = body.get("method").and_then(Value::as_str).unwrap_or("qris");
    let fee = match method {
        "qris" => Rupiah(200),
        "usdt-trc-20" => Rupiah(1_000),
        _ => return err(StatusCode::BAD_REQUEST, "Metode pembayaran tidak dikenal"),
    };
    let opts = s.opts().clone();
    let mut g = s.lock();
    let pending = g
        .deposits
        .ids(&key)
        .iter()
        .filter_map(|id| g_settle(&mut g, &key, id, &opts))
        .filter(|d| d.state == DepState::Pending)
        .count();
    if pending >= MAX_PENDING {
        return err(
            StatusCode::BAD_REQUEST,
            "Maksimal 3 transaksi deposit pending. Selesaikan atau batalkan dulu.",
        );
    }
    let d = g.deposits.open(&key, "WN", None, Rupiah(amount), fee);
    let mut reply = json!({
        "success": true,
        "trxId": d.id,
        "qr_string": qris(&d),
        "qr_image": format!("https://qris.sim/img/{}.png", d.id),
        "total": (d.amount + d.fee).0,
        "expired_at": d.expires_at(&opts).timestamp_millis(),
    });
    if method == "usdt-trc-20" {
        usdt_invoice(&mut reply, &d);
    }
    Json(reply).into_response()
}

/// Rupiah to one USDT in the simulator (a fixed, made-up rate).
const IDR_PER_USDT: f64 = 16_250.0;

/// A USDT TRC-20 invoice's payment details. GateOTP's doc shows only the
/// QRIS reply ("Create Deposit (V2)"); it is silent on what a USDT invoice
/// carries. This is an assumption, so the demo has something to show: the
/// wallet address to send to (also the QR's payload, as a wallet app scans
/// an address), the USDT amount (the rupiah total at the rate above, six
/// decimals) and the network. The adapter keeps whatever such fields come.
fn usdt_invoice(reply: &mut Value, d: &SimDeposit) {
    let address = format!("TSimulatorUsdtAddress{}", d.id);
    let usdt = ((d.amount + d.fee).0 as f64 / IDR_PER_USDT * 1e6).round() / 1e6;
    reply["qr_string"] = json!(address);
    reply["address"] = json!(address);
    reply["amount_usdt"] = json!(usdt);
    reply["network"] = json!("TRC-20 (TRON)");
}

/// Settles deposit `id` and credits the wallet when it was paid just now.
fn g_settle(
    g: &mut super::Inner,
    key: &str,
    id: &str,
    opts: &crate::sim::SimOptions,
) -> Option<SimDeposit> {
    let (d, credit) = g.deposits.settle(key, id, opts)?;
    if let Some(c) = credit {
        g.books.refund(key, c, opts);
    }
    Some(d)
}

pub async fn status(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let opts = s.opts().clone();
    let mut g = s.lock();
    let Some(d) = g_settle(&mut g, &key, &id, &opts) else {
        return err(StatusCode::NOT_FOUND, "Deposit tidak ditemukan");
    };
    let word = match d.state {
        DepState::Pending => "pending",
        DepState::Paid => "success",
        DepState::Cancelled => "cancel",
        DepState::Expired => "expired",
    };
    Json(json!({"success": true, "status": word, "amount": d.amount.0, "detail": detail(&d)}))
        .into_response()
}

pub async fn cancel(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let id = match body.get("trxId") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => return err(StatusCode::BAD_REQUEST, "trxId wajib diisi"),
    };
    let opts = s.opts().clone();
    let mut g = s.lock();
    let Some((d, credit)) = g.deposits.cancel(&key, &id, &opts) else {
        return err(StatusCode::NOT_FOUND, "Deposit tidak ditemukan");
    };
    if let Some(c) = credit {
        g.books.refund(&key, c, &opts);
    }
    if d.state != DepState::Cancelled {
        return err(
            StatusCode::BAD_REQUEST,
            "Deposit tidak dalam status pending, tidak dapat dibatalkan",
        );
    }
    Json(json!({"success": true, "message": "Deposit dibatalkan", "detail": detail(&d)}))
        .into_response()
}

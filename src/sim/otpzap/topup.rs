//! Simulated OTPZap QRIS top-ups: `/topup/create` (Idempotency-Key gives
//! back the same invoice) and `/topup/check?order_id=`, pending until paid
//! (then credited once) or expired after 30 minutes.

use super::reply::{fail, ok, Resp};
use super::{Inner, SimState};
use crate::money::Rupiah;
use crate::sim::deposits::{DepState, SimDeposit};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) fn view(d: &SimDeposit, s: &SimState) -> Value {
    json!({
        "order_id": d.id,
        "amount": d.amount.0,
        "payment_url": format!("https://otpzap.sim/pay/{}", d.id),
        "status": match d.state {
            DepState::Pending => "pending",
            DepState::Paid => "success",
            DepState::Expired => "expired",
            DepState::Cancelled => "failed",
        },
        "expires_at": d.expires_at(&s.opts).to_rfc3339(),
    })
}

/// Settles a top-up and credits the wallet when it was paid just now.
pub(super) fn settle(s: &SimState, inner: &mut Inner, key: &str, id: &str) -> Option<SimDeposit> {
    let (d, credit) = inner.deposits.settle(key, id, &s.opts)?;
    if let (Some(c), Some(w)) = (credit, inner.wallets.get_mut(key)) {
        w.balance += c;
    }
    Some(d)
}

impl SimState {
    pub(super) fn topup_create(
        &self,
        inner: &mut Inner,
        key: &str,
        headers: &HeaderMap,
        body: &Value,
    ) -> Resp {
        let amount = body.get("amount").and_then(Value::as_i64).unwrap_or(0);
        if amount < 10_000 {
            return fail(StatusCode::BAD_REQUEST, "Minimum top-up is Rp 10,000");
        }
        let idem = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let seen = idem
            .as_deref()
            .and_then(|k| inner.deposits.by_key(key, k))
            .is_some();
        let d = match self.opts.repeat {
            crate::sim::RepeatMode::RefusedAsUsed if seen => {
                return fail(StatusCode::CONFLICT, "Idempotency-Key was already used");
            }
            crate::sim::RepeatMode::BuysAgain => inner.deposits.open_fresh(
                key,
                "APIDEP-3-",
                idem.as_deref(),
                Rupiah(amount),
                Rupiah::ZERO,
            ),
            _ => inner.deposits.open(
                key,
                "APIDEP-3-",
                idem.as_deref(),
                Rupiah(amount),
                Rupiah::ZERO,
            ),
        };
        ok(view(&d, self))
    }

    pub(super) fn topup_check(
        &self,
        inner: &mut Inner,
        key: &str,
        q: &HashMap<String, String>,
    ) -> Resp {
        let Some(id) = q.get("order_id") else {
            return fail(StatusCode::BAD_REQUEST, "order_id is required");
        };
        match settle(self, inner, key, id) {
            Some(d) => ok(view(&d, self)),
            None => fail(StatusCode::NOT_FOUND, "Top-up not found"),
        }
    }
}

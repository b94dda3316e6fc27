//! The simulator's Otomax endpoints, with the switches the docs leave open:
//! whether a repeated `ref_id` returns the transaction (the default) or
//! buys again, whether the `sign` is checked against a computed rule, and
//! how a used `ref_id` is refused on the Bearer API (409, 400, or a 200
//! carrying `status: error`), so the adapter's safe paths are tested against
//! every kind of server.

use super::{deliver, otomax_json, place, price_list, settle, Filter, Outcome, SimState};
use crate::providers::gotopup::{sign, SignRule};
use crate::secret::Secret;
use crate::sim::RepeatMode;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// How the Bearer API refuses a `ref_id` used before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DupRefReply {
    /// 409 `{"status":"error","code":"09","message":"ref_id sudah digunakan"}`.
    #[default]
    Conflict409,
    /// 400 with "Ref ID sudah pernah dipakai".
    BadRequest400,
    /// 200 `{"status":"error","code":"20","message":"Duplicate ref_id"}`.
    Ok200Error,
}

#[derive(Default)]
pub struct Switches {
    /// A repeated Otomax `ref_id` buys again (a server without dedup).
    pub otomax_repeat_buys_again: bool,
    /// When set, an Otomax `sign` must be this rule's hash of this password.
    pub otomax_sign: Option<(SignRule, String)>,
    pub dup_ref: DupRefReply,
}

impl SimState {
    pub fn set_otomax_repeat_buys_again(&self, on: bool) {
        self.switches().otomax_repeat_buys_again = on;
    }

    pub fn set_otomax_sign_rule(&self, rule: Option<(SignRule, String)>) {
        self.switches().otomax_sign = rule;
    }

    pub fn set_dup_ref_reply(&self, r: DupRefReply) {
        self.switches().dup_ref = r;
    }

    /// Requests seen on one path (e.g. "/api/otomax/request").
    pub fn requests_to(&self, path: &str) -> u64 {
        self.hits().get(path).copied().unwrap_or(0)
    }

    /// Requests to `/api/buyer/*` and `/api/otomax/*` in all.
    pub fn requests_total(&self) -> u64 {
        self.hits().values().sum()
    }
}

fn refused(code: &str, msg: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"status": code, "message": msg})),
    )
        .into_response()
}

/// The username, once the sign checks out.
fn otomax_auth(s: &SimState, q: &HashMap<String, String>) -> Result<String, Response> {
    let (Some(u), Some(sg)) = (q.get("username"), q.get("sign")) else {
        return Err(refused("41", "Username atau sign salah"));
    };
    if !super::super::key_is_valid(u) || sg.is_empty() {
        return Err(refused("41", "Username atau sign salah"));
    }
    if let Some((rule, password)) = &s.switches().otomax_sign {
        let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
        let want = sign::compute(
            rule,
            u,
            &Secret::new(password.clone()),
            &sign::SignInput {
                ref_id: get("ref_id"),
                code: get("code"),
                customer: get("customer"),
            },
        );
        if want.expose() != sg {
            return Err(refused("42", "Signature tidak valid"));
        }
    }
    Ok(u.clone())
}

pub(super) async fn otomax_balance(
    State(s): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match otomax_auth(&s, &q) {
        Ok(u) => Json(json!({"status": "00", "message": "Success", "balance": s.lock().books.balance(&u, &s.opts).0, "currency": "IDR"})).into_response(),
        Err(r) => r,
    }
}

pub(super) async fn otomax_prices(
    State(s): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = otomax_auth(&s, &q) {
        return r;
    }
    let f = Filter {
        category: q.get("category").cloned(),
        operator: q.get("operator").cloned(),
    };
    let data: Vec<serde_json::Value> = price_list(&s, &f)
        .into_iter()
        .map(|p| json!({"code": p["code"], "name": p["name"], "price": p["price"], "status": p["status"]}))
        .collect();
    Json(json!({"status": "00", "message": "Success", "data": data})).into_response()
}

pub(super) async fn otomax_request(
    State(s): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let user = match otomax_auth(&s, &q) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (Some(code), Some(customer), Some(ref_id)) =
        (q.get("code"), q.get("customer"), q.get("ref_id"))
    else {
        return Json(json!({"status": "10", "message": "code, customer dan ref_id wajib"}))
            .into_response();
    };
    let again = s.switches().otomax_repeat_buys_again || s.opts.repeat == RepeatMode::BuysAgain;
    let mut g = s.lock();
    if s.opts.repeat == RepeatMode::RefusedAsUsed
        && g.txns
            .iter()
            .any(|t| t.wallet == user && t.ref_id == *ref_id)
    {
        return Json(json!({"status": "20", "message": "Ref ID sudah pernah dipakai", "ref_id": ref_id, "sn": null}))
            .into_response();
    }
    let outcome = if again {
        super::place_new(&s, &mut g, &user, code, customer, ref_id)
    } else {
        place(&s, &mut g, &user, code, customer, ref_id)
    };
    let (i, new) = match outcome {
        Outcome::Placed(i) => {
            if let Some(t) = g.txns.get_mut(i) {
                t.otomax = true;
            }
            (i, true)
        }
        Outcome::Existing(i) => (i, false),
        Outcome::Refused(_, c, m) => {
            return Json(json!({"status": c, "message": m, "ref_id": ref_id, "sn": null}))
                .into_response()
        }
    };
    let st = settle(&mut g, i, &s.opts);
    deliver(&mut g, i, st);
    match g.txns.get(i) {
        // As the doc's example: a new request is answered "00" with no SN
        // yet (accepted); a repeat says "68" while it is pending.
        Some(t) if new && st == super::St::Pending => Json(
            json!({"status": "00", "message": "Success", "ref_id": t.ref_id, "price": t.price.0, "sn": null}),
        )
        .into_response(),
        Some(t) => Json(otomax_json(t, st)).into_response(),
        None => Json(json!({"status": "99", "message": "internal"})).into_response(),
    }
}

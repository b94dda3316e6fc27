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
//! Server 3 (email OTP) is in `email`. Webhook settings (GET /webhook/get,
//! PATCH /webhook/update) are in `webhook`; `requests_to` counts requests per
//! route for tests.

mod buying;
mod catalog;
mod email;
mod hits;
mod listings;
mod order;
mod pushes;
mod reply;
mod topup;
mod webhook;

pub use catalog::NEVER_OTP_PRODUCT;
pub use email::NEVER_MAIL_SITE;

use super::wallets::SimCharge;
use super::{bearer, key_is_valid, otp_code, SimOptions};
use crate::money::Rupiah;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use catalog::Catalog;
use order::{wib, Final, SimOrder};
use reply::{fail, ok, ok_msg, too_soon, Resp};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub struct SimState {
    opts: SimOptions,
    catalog: Catalog,
    inner: Mutex<Inner>,
    hits: hits::Hits,
    webhooks: webhook::Webhooks,
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
    deposits: crate::sim::deposits::DepositBook,
    /// Server 3 (email OTP) orders.
    email: email::EmailBook,
    /// What was pushed already (`pushes`).
    pushed: pushes::Pushed,
}

struct Wallet {
    balance: Rupiah,
    charged: usize,
}

#[derive(Clone, Copy, Debug)]
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
    TopupCreate,
    TopupCheck,
    WebhookGet,
    WebhookUpdate,
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
            hits: Default::default(),
            webhooks: Default::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock still holds consistent data for a simulator.
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        self.settle(&mut g, now);
        self.settle_email(&mut g, now);
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

    /// How many top-up invoices `key` has made, for tests.
    pub fn deposits_made(&self, key: &str) -> usize {
        self.lock().deposits.ids(key).len()
    }

    /// How many requests reached a route, by its name in `Route` (e.g.
    /// "S2Services"), authorised or not.
    pub fn requests_to(&self, route: &str) -> u64 {
        self.hits.get(route)
    }

    /// The operator an order was bought with (S2 only), for tests.
    pub fn order_operator(&self, key: &str, order_id: &str) -> Option<String> {
        let id: u64 = order_id.parse().ok()?;
        self.lock()
            .orders
            .iter()
            .find(|o| o.id == id && o.owner == key)
            .and_then(|o| o.operator.clone())
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
        self.hits.count(&format!("{route:?}"));
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
            Route::TopupCreate => self.topup_create(&mut inner, &key, headers, &body),
            Route::TopupCheck => self.topup_check(&mut inner, &key, q),
            Route::WebhookGet => self.webhook_get(&key),
            Route::WebhookUpdate => self.webhook_update(&key, &body),
        }
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
    email::routes(Router::new())
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
        .route("/topup/create", endpoint(Route::TopupCreate, true))
        .route("/topup/check", endpoint(Route::TopupCheck, false))
        .route("/webhook/get", endpoint(Route::WebhookGet, false))
        .route(
            "/webhook/update",
            webhook::patch_endpoint(Route::WebhookUpdate),
        )
        .with_state(state)
}

//! Server 3 (email OTP) of the OTPZap simulator, in the shapes the
//! adapter's `email_wire` assumes. Sites and their domains are fixed; any
//! other site with a dot gets the generic domains (the doc: suggestions are
//! only suggestions). Mail arrives `otp_delay` after the buy (or after a
//! reorder); `NEVER_MAIL_SITE` never gets any. The waiting window is
//! `order_lifetime` (20 minutes by default) from the buy or the last
//! reorder, extended to `order_lifetime` after the latest message. A
//! window that ends with no message at all expires the order and refunds
//! it in full; one that ends after mail finishes it. Cancel before any
//! message refunds the price less the domain's cancellation fee. Every
//! charge goes in the same ledger as SMS orders, keyed by the `ref`.

use super::reply::{bad, fail, ok, ok_msg, Resp};
use super::{Inner, SimState, Wallet};
use crate::money::Rupiah;
use crate::sim::wallets::SimCharge;
use crate::sim::{bearer, key_is_valid, otp_code};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A site whose mail never comes.
pub const NEVER_MAIL_SITE: &str = "never-mail.test";

/// Suggested sites: (site, name).
const SITES: &[(&str, &str)] = &[
    ("openai.com", "OpenAI"),
    ("google.com", "Google"),
    ("discord.com", "Discord"),
    (NEVER_MAIL_SITE, "Never mails (simulated)"),
];

/// (domain, price, stock, activation rate, cancellation fee).
type DomainRow = (&'static str, i64, u64, f32, i64);

fn domains(site: &str) -> Vec<DomainRow> {
    match site {
        "openai.com" => vec![
            ("gmail.com", 3000, 25, 91.5, 500),
            ("outlook.com", 2200, 40, 84.0, 300),
            ("hotmail.com", 1800, 0, 70.0, 300),
        ],
        "google.com" => vec![("outlook.com", 2500, 30, 88.0, 400)],
        "discord.com" => vec![
            ("gmail.com", 2000, 12, 93.0, 400),
            ("mailzap.id", 900, 200, 76.5, 100),
        ],
        _ => vec![("mailzap.id", 1000, 100, 80.0, 200)],
    }
}

#[derive(Default)]
pub(super) struct EmailBook {
    orders: Vec<EmailOrder>,
}

struct EmailOrder {
    seq: u64,
    reference: String,
    owner: String,
    site: String,
    domain: String,
    address: String,
    price: Rupiah,
    fee: Rupiah,
    created: Instant,
    created_wall: DateTime<Utc>,
    /// When the current waiting window opened (buy or last reorder).
    window_from: Duration,
    /// When each message arrives (or arrived), from `created`.
    arrivals: Vec<Duration>,
    ended: Option<(&'static str, Duration)>,
    delivered: usize,
}

impl EmailOrder {
    fn visible(&self, at: Duration) -> usize {
        self.arrivals.iter().filter(|t| **t <= at).count()
    }

    fn expires(&self, at: Duration, window: Duration) -> Duration {
        let last = self.arrivals.iter().filter(|t| **t <= at).max().copied();
        match last {
            Some(m) if m >= self.window_from => m + window,
            _ => self.window_from + window,
        }
    }

    fn word(&self, at: Duration) -> &'static str {
        match self.ended {
            Some((w, _)) => w,
            None if self.visible(at) == 0 => "pending",
            None => "received",
        }
    }

    fn wall(&self, d: Duration) -> DateTime<Utc> {
        self.created_wall + chrono::Duration::from_std(d).unwrap_or_default()
    }

    fn message(&self, n: usize, t: Duration) -> Value {
        let code = otp_code(self.seq, n as u32);
        json!({
            "from": format!("noreply@{}", self.site),
            "subject": format!("Your {} verification code", self.site),
            "received_at": self.wall(t).to_rfc3339(),
            "preview": format!("Your verification code is {code}. It expires in 10 minutes."),
            "otp_code": code,
        })
    }

    fn view(&self, at: Duration, window: Duration) -> Value {
        let seen: Vec<Duration> = self.arrivals.iter().copied().filter(|t| *t <= at).collect();
        let messages: Vec<Value> = seen
            .iter()
            .enumerate()
            .map(|(i, t)| self.message(i, *t))
            .collect();
        let otps: Vec<String> = (0..seen.len())
            .map(|i| otp_code(self.seq, i as u32))
            .collect();
        let end = match self.ended {
            Some((_, t)) => t,
            None => self.expires(at, window),
        };
        json!({
            "ref": self.reference,
            "email": self.address,
            "site": self.site,
            "domain": self.domain,
            "price": self.price.amount(),
            "cancel_fee": self.fee.amount(),
            "status": self.word(at),
            "expires_at": self.wall(end).to_rfc3339(),
            "otp_code": otps.last(),
            "headline": seen.last().map(|_| format!("Your {} verification code", self.site)),
            "otps": otps,
            "messages": messages,
        })
    }
}

#[derive(Clone, Copy)]
enum Route {
    Sites,
    Domains,
    Create,
    Check,
    Reorder,
    Cancel,
    Finish,
}

impl SimState {
    /// Expiry (and its refund) and delivery records for email orders.
    pub(super) fn settle_email(&self, inner: &mut Inner, now: Instant) {
        let window = self.opts.order_lifetime;
        let Inner {
            wallets,
            email,
            delivered,
            ..
        } = inner;
        for o in email.orders.iter_mut() {
            let at = now.saturating_duration_since(o.created);
            if o.ended.is_none() {
                let end = o.expires(at, window);
                if at >= end {
                    if o.visible(end) == 0 {
                        o.ended = Some(("expired", end));
                        if let Some(w) = wallets.get_mut(&o.owner) {
                            w.balance += o.price;
                        }
                    } else {
                        o.ended = Some(("finished", end));
                    }
                }
            }
            let cut = o.ended.map_or(at, |(_, t)| t.min(at));
            let n = o.visible(cut);
            while o.delivered < n {
                delivered.push((o.reference.clone(), otp_code(o.seq, o.delivered as u32)));
                o.delivered += 1;
            }
        }
    }

    /// How many email orders a key bought, for tests.
    pub fn email_orders(&self, key: &str) -> usize {
        self.lock()
            .email
            .orders
            .iter()
            .filter(|o| o.owner == key)
            .count()
    }

    fn email_dispatch(
        &self,
        route: Route,
        headers: &HeaderMap,
        q: &HashMap<String, String>,
        body: &[u8],
    ) -> Resp {
        let key = match bearer(headers) {
            Some(k) if key_is_valid(&k) => k,
            _ => return fail(StatusCode::UNAUTHORIZED, "Invalid or missing API key"),
        };
        let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(_) => return bad("Request body is not valid JSON"),
            }
        };
        let mut inner = self.lock();
        let initial = self.opts.initial_balance;
        inner.wallets.entry(key.clone()).or_insert(Wallet {
            balance: initial,
            charged: 0,
        });
        let reference = body
            .get("ref")
            .and_then(Value::as_str)
            .or_else(|| q.get("ref").map(String::as_str))
            .map(|s| s.trim().to_string());
        match route {
            Route::Sites => ok(SITES
                .iter()
                .map(|(s, n)| json!({"site": s, "name": n}))
                .collect()),
            Route::Domains => match q.get("site").map(|s| s.trim().to_ascii_lowercase()) {
                Some(site) if site.contains('.') => ok(domains(&site)
                    .iter()
                    .map(|(d, price, stock, rate, fee)| {
                        json!({"domain": d, "price": price, "stock": stock,
                               "activation_rate": rate, "cancel_fee": fee})
                    })
                    .collect()),
                _ => bad("site is required (a site domain, e.g. openai.com)"),
            },
            Route::Create => self.email_create(&mut inner, &key, headers, &body),
            Route::Check => self.with_email(&mut inner, &key, reference, |o, at, _| {
                (ok(o.view(at, self.opts.order_lifetime)), None)
            }),
            Route::Reorder => self.with_email(&mut inner, &key, reference, |o, at, delay| {
                let word = o.word(at);
                if word != "received" {
                    let why = format!("Order status is {word}; reorder needs a received message");
                    return (fail(StatusCode::CONFLICT, why), None);
                }
                if o.arrivals.iter().any(|t| *t > at) {
                    let why = "A new message is already requested for this inbox";
                    return (fail(StatusCode::TOO_MANY_REQUESTS, why), None);
                }
                o.arrivals.push(at + delay);
                o.window_from = at;
                let view = o.view(at, self.opts.order_lifetime);
                (ok_msg("New message requested; window reset", view), None)
            }),
            Route::Cancel => self.with_email(&mut inner, &key, reference, |o, at, _| {
                let word = o.word(at);
                if word != "pending" {
                    let why = format!(
                        "Order status is {word}; only orders without a message can be cancelled"
                    );
                    return (fail(StatusCode::CONFLICT, why), None);
                }
                o.ended = Some(("cancelled", at));
                let refund = Rupiah((o.price.amount() - o.fee.amount()).max(0));
                let mut view = o.view(at, self.opts.order_lifetime);
                view["refund"] = json!(refund.amount());
                (ok_msg("Email order cancelled", view), Some(refund))
            }),
            Route::Finish => self.with_email(&mut inner, &key, reference, |o, at, _| {
                match o.word(at) {
                    "finished" => {}
                    "received" => o.ended = Some(("finished", at)),
                    word => {
                        let why =
                            format!("Order status is {word}; finish needs a received message");
                        return (fail(StatusCode::CONFLICT, why), None);
                    }
                }
                (
                    ok_msg("Email order finished", o.view(at, self.opts.order_lifetime)),
                    None,
                )
            }),
        }
    }

    /// Runs `f` on one of the key's email orders; `f` returns the reply and
    /// any refund to credit.
    fn with_email(
        &self,
        inner: &mut Inner,
        key: &str,
        reference: Option<String>,
        f: impl FnOnce(&mut EmailOrder, Duration, Duration) -> (Resp, Option<Rupiah>),
    ) -> Resp {
        let Some(r) = reference.filter(|r| !r.is_empty()) else {
            return bad("ref is required");
        };
        let Some(o) = inner
            .email
            .orders
            .iter_mut()
            .find(|o| o.reference == r && o.owner == key)
        else {
            return fail(StatusCode::NOT_FOUND, "Email order not found");
        };
        let at = o.created.elapsed();
        let (resp, refund) = f(o, at, self.opts.otp_delay);
        if let Some(amount) = refund {
            if let Some(w) = inner.wallets.get_mut(key) {
                w.balance += amount;
            }
        }
        resp
    }

    fn email_create(
        &self,
        inner: &mut Inner,
        key: &str,
        headers: &HeaderMap,
        body: &Value,
    ) -> Resp {
        let Some(site) = body
            .get("site")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| s.contains('.'))
        else {
            return bad("site is required (a site domain, e.g. openai.com)");
        };
        let rows = domains(&site);
        let wanted: Vec<String> = match (body.get("domain"), body.get("domains")) {
            (Some(Value::String(d)), _) => vec![d.trim().to_ascii_lowercase()],
            (_, Some(Value::Array(a))) => a
                .iter()
                .filter_map(Value::as_str)
                .map(|d| d.trim().to_ascii_lowercase())
                .collect(),
            _ => rows.iter().map(|r| r.0.to_string()).collect(),
        };
        if let Some(unknown) = wanted.iter().find(|d| !rows.iter().any(|r| r.0 == *d)) {
            return bad(&format!("Domain {unknown} is not available for {site}"));
        }
        // Aggregator mode: the cheapest of the asked domains with stock.
        let Some(row) = rows
            .iter()
            .filter(|r| wanted.iter().any(|d| d == r.0) && r.2 > 0)
            .min_by_key(|r| r.1)
        else {
            return bad("No stock for the requested domain(s)");
        };
        let (domain, price, _, _, fee) = *row;
        let price = Rupiah(price);
        let Some(w) = inner.wallets.get_mut(key) else {
            return fail(StatusCode::UNAUTHORIZED, "Invalid or missing API key");
        };
        if w.balance < price {
            return fail(
                StatusCode::PAYMENT_REQUIRED,
                format!(
                    "Insufficient balance: this order costs {price}, your balance is {}",
                    w.balance
                ),
            );
        }
        w.balance -= price;
        w.charged += 1;
        let seq = 1001 + inner.email.orders.len() as u64;
        let reference = format!("APIE-3-{seq}");
        let client_key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        inner.ledger.push(SimCharge {
            wallet: key.to_string(),
            order_id: reference.clone(),
            client_key,
            amount: price,
        });
        let order = EmailOrder {
            seq,
            reference,
            owner: key.to_string(),
            address: format!("kira{seq}@{domain}"),
            site: site.clone(),
            domain: domain.to_string(),
            price,
            fee: Rupiah(fee),
            created: Instant::now(),
            created_wall: Utc::now(),
            window_from: Duration::ZERO,
            arrivals: if site == NEVER_MAIL_SITE {
                Vec::new()
            } else {
                vec![self.opts.otp_delay]
            },
            ended: None,
            delivered: 0,
        };
        let view = order.view(Duration::ZERO, self.opts.order_lifetime);
        inner.email.orders.push(order);
        ok_msg("Email order created", view)
    }
}

fn endpoint(route: Route, is_post: bool) -> MethodRouter<Arc<SimState>> {
    let handler = move |State(st): State<Arc<SimState>>,
                        headers: HeaderMap,
                        Query(q): Query<HashMap<String, String>>,
                        body: Bytes| async move {
        st.email_dispatch(route, &headers, &q, &body)
            .into_response()
    };
    if is_post {
        post(handler)
    } else {
        get(handler)
    }
}

/// Adds the Server 3 routes.
pub(super) fn routes(r: Router<Arc<SimState>>) -> Router<Arc<SimState>> {
    r.route("/s3/sites", endpoint(Route::Sites, false))
        .route("/s3/domains", endpoint(Route::Domains, false))
        .route("/order/email-create", endpoint(Route::Create, true))
        .route("/order/email-check", endpoint(Route::Check, false))
        .route("/order/email-reorder", endpoint(Route::Reorder, true))
        .route("/order/email-cancel", endpoint(Route::Cancel, true))
        .route("/order/email-finish", endpoint(Route::Finish, true))
}

//! Simulated webhook settings, as documented: `GET /webhook/get` (never the
//! secret) and `PATCH /webhook/update` (422 for a URL that is not HTTPS or
//! points at a private/loopback host, or an unknown event). The secret is
//! returned only when set at that call: the first time (generated, 48 hex
//! characters, unless a secret of 16+ characters was sent) or when a new
//! one is sent; an update without one keeps the old secret and shows none.
//! Nothing is delivered to the URL.

use super::reply::{fail, ok, Resp};
use super::{Route, SimState};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use rand::Rng;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const EVENTS: &[&str] = &[
    "order.otp_received",
    "order.cancelled",
    "order.finished",
    "order.replaced",
    "deposit.success",
    "*",
];

#[derive(Clone)]
struct Hook {
    url: String,
    events: Vec<String>,
    is_active: bool,
    secret: String,
}

/// Webhook settings per API key.
#[derive(Default)]
pub(super) struct Webhooks(Mutex<HashMap<String, Hook>>);

fn view(h: &Hook) -> Value {
    json!({"url": h.url, "events": h.events, "is_active": h.is_active})
}

/// A host the API refuses as private, loopback or local (anti-SSRF).
fn private_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').to_ascii_lowercase();
    let h = h.split([']', ':']).next().unwrap_or("");
    h == "localhost"
        || h.ends_with(".local")
        || h.ends_with(".internal")
        || h.starts_with("127.")
        || h.starts_with("10.")
        || h.starts_with("192.168.")
        || h.starts_with("169.254.")
        || h == "0.0.0.0"
        || h.is_empty()
        || (16..=31).any(|n| h.starts_with(&format!("172.{n}.")))
}

impl SimState {
    pub(super) fn webhook_get(&self, key: &str) -> Resp {
        let hooks = self.webhooks.0.lock().unwrap_or_else(|e| e.into_inner());
        match hooks.get(key) {
            Some(h) => ok(view(h)),
            None => ok(json!({"url": null, "events": [], "is_active": false})),
        }
    }

    pub(super) fn webhook_update(&self, key: &str, body: &Value) -> Resp {
        let unprocessable = |m: &str| fail(StatusCode::UNPROCESSABLE_ENTITY, m);
        let mut hooks = self.webhooks.0.lock().unwrap_or_else(|e| e.into_inner());
        let old = hooks.get(key).cloned();
        let url = match body.get("url").and_then(Value::as_str) {
            Some(u) => {
                let Some(rest) = u.trim().strip_prefix("https://") else {
                    return unprocessable("The url must be HTTPS");
                };
                if private_host(rest.split(['/', '?', '#']).next().unwrap_or("")) {
                    return unprocessable("The url resolves to a private or loopback IP");
                }
                u.trim().to_string()
            }
            None => match &old {
                Some(h) => h.url.clone(),
                None => return unprocessable("The url field is required"),
            },
        };
        let events = match body.get("events") {
            None => old
                .as_ref()
                .map_or_else(|| vec!["*".into()], |h| h.events.clone()),
            Some(Value::Array(a)) => {
                let mut out = Vec::new();
                for e in a {
                    match e.as_str() {
                        Some(s) if EVENTS.contains(&s) => out.push(s.to_string()),
                        _ => return unprocessable(&format!("Invalid event: {e}")),
                    }
                }
                out
            }
            Some(_) => return unprocessable("events must be a list"),
        };
        let is_active = match body.get("is_active") {
            None => old.as_ref().is_none_or(|h| h.is_active),
            Some(Value::Bool(b)) => *b,
            Some(_) => return unprocessable("is_active must be true or false"),
        };
        let sent = body.get("secret").and_then(Value::as_str);
        let new_secret = match (sent, &old) {
            (Some(s), _) if s.len() >= 16 => Some(s.to_string()),
            (Some(_), _) | (None, None) => Some(generate_secret()),
            (None, Some(_)) => None,
        };
        let hook = Hook {
            url,
            events,
            is_active,
            secret: new_secret
                .clone()
                .or_else(|| old.map(|h| h.secret))
                .unwrap_or_default(),
        };
        let mut data = view(&hook);
        if let (Some(s), Value::Object(m)) = (&new_secret, &mut data) {
            m.insert("secret".into(), json!(s));
        }
        hooks.insert(key.to_string(), hook);
        ok(data)
    }

    /// The secret the simulator signs with for `key`, for tests.
    pub fn webhook_secret(&self, key: &str) -> Option<String> {
        let hooks = self.webhooks.0.lock().unwrap_or_else(|e| e.into_inner());
        hooks.get(key).map(|h| h.secret.clone())
    }
}

fn generate_secret() -> String {
    let mut rng = rand::rng();
    (0..48)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// `PATCH` for `route` (the other endpoints are GET or POST).
pub(super) fn patch_endpoint(route: Route) -> MethodRouter<Arc<SimState>> {
    axum::routing::patch(
        move |State(st): State<Arc<SimState>>,
              headers: HeaderMap,
              Query(q): Query<HashMap<String, String>>,
              body: Bytes| async move {
            st.dispatch(route, &headers, &q, &body).into_response()
        },
    )
}

//! `GET`/`POST /api/buyer/api/config` and the per-key rate limit: each key
//! may make `rate_limit` requests per window (a minute unless a test
//! shrinks it); past that the simulator answers 429, so a test can see
//! that a client never went over.

use super::{auth, err, ok, SimState};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct KeyConfig {
    pub webhook_url: String,
    pub ip_whitelist: Vec<String>,
    pub rate_limit: u32,
}

impl Default for KeyConfig {
    fn default() -> Self {
        KeyConfig {
            webhook_url: String::new(),
            ip_whitelist: Vec::new(),
            rate_limit: 100,
        }
    }
}

pub struct Limits {
    pub window: Duration,
    pub configs: HashMap<String, KeyConfig>,
    sent: HashMap<String, Vec<Instant>>,
    /// Requests refused with 429, per key.
    pub refused: HashMap<String, u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            window: Duration::from_secs(60),
            configs: HashMap::new(),
            sent: HashMap::new(),
            refused: HashMap::new(),
        }
    }
}

impl Limits {
    /// Counts a request of `key`; false when it is over the limit.
    pub fn admit(&mut self, key: &str, now: Instant) -> bool {
        let limit = self.configs.get(key).map_or(100, |c| c.rate_limit) as usize;
        let window = self.window;
        let sent = self.sent.entry(key.to_string()).or_default();
        sent.retain(|t| now.duration_since(*t) < window);
        if sent.len() >= limit {
            *self.refused.entry(key.to_string()).or_default() += 1;
            return false;
        }
        sent.push(now);
        true
    }
}

impl SimState {
    /// Sets `key`'s rate limit and the window it counts over.
    pub fn set_rate_limit(&self, key: &str, per_window: u32, window: Duration) {
        let mut l = self.limits();
        l.window = window;
        l.configs.entry(key.to_string()).or_default().rate_limit = per_window;
    }

    /// How many requests of `key` were refused for the rate limit.
    pub fn rate_refusals(&self, key: &str) -> u64 {
        self.limits().refused.get(key).copied().unwrap_or(0)
    }
}

fn config_json(key: &str, c: &KeyConfig) -> Value {
    json!({"api_key": key, "webhook_url": c.webhook_url, "ip_whitelist": c.ip_whitelist,
           "rate_limit": c.rate_limit, "is_active": true})
}

pub(super) async fn get_config(State(s): State<Arc<SimState>>, h: HeaderMap) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut l = s.limits();
    let c = l.configs.entry(key.clone()).or_default();
    ok(config_json(&key, c))
}

pub(super) async fn set_config(
    State(s): State<Arc<SimState>>,
    h: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let key = match auth(&h) {
        Ok(k) => k,
        Err(r) => return r,
    };
    if let Some(r) = body.get("rate_limit") {
        match r.as_u64() {
            Some(n) if (1..=1000).contains(&n) => {}
            _ => return err(StatusCode::BAD_REQUEST, "40", "rate_limit harus 1-1000"),
        }
    }
    if let Some(u) = body.get("webhook_url") {
        let ok_url = u
            .as_str()
            .is_some_and(|u| u.starts_with("https://") || u.starts_with("http://"));
        if !ok_url {
            return err(StatusCode::BAD_REQUEST, "40", "webhook_url tidak valid");
        }
    }
    let mut l = s.limits();
    let c = l.configs.entry(key.clone()).or_default();
    if let Some(n) = body.get("rate_limit").and_then(Value::as_u64) {
        c.rate_limit = n as u32;
    }
    if let Some(u) = body.get("webhook_url").and_then(Value::as_str) {
        c.webhook_url = u.to_string();
    }
    if let Some(list) = body.get("ip_whitelist").and_then(Value::as_array) {
        c.ip_whitelist = list
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
    }
    let v = config_json(&key, c);
    drop(l);
    axum::response::IntoResponse::into_response(Json(
        json!({"status": "success", "code": "00", "message": "API config berhasil diupdate", "data": v}),
    ))
}

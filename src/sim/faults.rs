//! Fault injection for the simulator: tests (and `otpdeck sim --faults`)
//! make chosen requests fail in the ways real providers do. Applied as a
//! middleware on each API's router, so the API modules know nothing of it.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    GateOtp,
    NexOtp,
    OtpZap,
    GoTopUp,
}

impl Api {
    pub fn parse(s: &str) -> Option<Api> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gateotp" => Some(Api::GateOtp),
            "nexotp" => Some(Api::NexOtp),
            "otpzap" => Some(Api::OtpZap),
            "gotopup" => Some(Api::GoTopUp),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Reply with this HTTP status and a JSON error body; nothing is done.
    Status(u16),
    /// 429 with `Retry-After: secs`; nothing is done.
    RateLimit(u64),
    /// Wait this long before handling (longer than the client timeout:
    /// the client gives up, and the dropped request is not carried out).
    Slow(Duration),
    /// Carry the request out, then reply with a body that is not JSON.
    Malformed,
    /// Carry the request out, then cut the JSON reply in half.
    Truncated,
    /// Carry the request out, then replace every "status" word with one no
    /// API documents.
    WeirdStatus,
    /// Carry the request out, then break the connection before the reply:
    /// the client cannot know it went through.
    LoseReply,
    /// Break the connection without doing anything.
    Reset,
    /// Carry the request out, then reply with this HTTP status (a gateway
    /// that gave up after the provider had done the work).
    StatusAfter(u16),
    /// Carry the request out, then hold the reply this long (past the
    /// client's timeout: it gives up on work that was done).
    SlowAfter(Duration),
}

#[derive(Debug, Clone)]
pub struct FaultRule {
    pub api: Option<Api>,
    /// Only requests whose path contains this (e.g. "/order").
    pub path_contains: Option<String>,
    pub fault: Fault,
    /// Chance per matching request, 0.0..=1.0.
    pub probability: f64,
    /// How many more times it may fire (None: no limit).
    pub remaining: Option<u32>,
}

impl FaultRule {
    /// Fires on the next matching request only.
    pub fn once(api: Api, path_contains: &str, fault: Fault) -> Self {
        FaultRule {
            api: Some(api),
            path_contains: Some(path_contains.to_string()),
            fault,
            probability: 1.0,
            remaining: Some(1),
        }
    }

    /// Fires on every matching request with the given chance.
    pub fn random(
        api: Option<Api>,
        path_contains: Option<&str>,
        fault: Fault,
        probability: f64,
    ) -> Self {
        FaultRule {
            api,
            path_contains: path_contains.map(str::to_string),
            fault,
            probability,
            remaining: None,
        }
    }
}

#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    injected: AtomicU64,
}

impl Faults {
    pub fn push(&self, rule: FaultRule) {
        if let Ok(mut r) = self.rules.lock() {
            r.push(rule);
        }
    }

    pub fn clear(&self) {
        if let Ok(mut r) = self.rules.lock() {
            r.clear();
        }
    }

    /// How many faults have fired so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::Relaxed)
    }

    fn pick(&self, api: Api, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().ok()?;
        let mut rng = rand::rng();
        let mut chosen = None;
        for rule in rules.iter_mut() {
            if rule.api.is_some_and(|a| a != api) {
                continue;
            }
            if rule
                .path_contains
                .as_deref()
                .is_some_and(|p| !path.contains(p))
            {
                continue;
            }
            if rule.remaining == Some(0) {
                continue;
            }
            if rule.probability < 1.0 && !rng.random_bool(rule.probability.clamp(0.0, 1.0)) {
                continue;
            }
            if let Some(n) = rule.remaining.as_mut() {
                *n -= 1;
            }
            chosen = Some(rule.fault.clone());
            break;
        }
        rules.retain(|r| r.remaining != Some(0));
        if chosen.is_some() {
            self.injected.fetch_add(1, Ordering::Relaxed);
        }
        chosen
    }

    /// Parses a spec such as
    /// `otpzap:/order/create:lose=0.1,*:*:503=0.05,gateotp:*:slow20=0.02`:
    /// comma-separated `API:PATH:FAULT[=PROBABILITY]`, `*` for any API or
    /// path. Faults: a status number, `429` (Retry-After 2 s) or `429rN`
    /// (N s), `slowN` (N seconds), `malformed`, `truncated`, `weird`, `lose`,
    /// `reset`; after the work is done: `afterN` (HTTP N), `lateslowN` (a
    /// reply held N seconds).
    pub fn parse_spec(spec: &str) -> Result<Vec<FaultRule>, String> {
        let mut out = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let fields: Vec<&str> = part.splitn(3, ':').collect();
            if fields.len() != 3 {
                return Err(format!("fault '{part}' is not API:PATH:FAULT[=P]"));
            }
            let api = match fields[0] {
                "*" => None,
                a => Some(
                    Api::parse(a).ok_or_else(|| format!("unknown API '{a}' in fault '{part}'"))?,
                ),
            };
            let path = match fields[1] {
                "*" | "" => None,
                p => Some(p),
            };
            let (fault_s, prob) = match fields[2].split_once('=') {
                Some((f, p)) => (
                    f,
                    p.parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                        .ok_or_else(|| {
                            format!("probability '{p}' in fault '{part}' is not between 0 and 1")
                        })?,
                ),
                None => (fields[2], 1.0),
            };
            let fault = match fault_s {
                "malformed" => Fault::Malformed,
                "truncated" => Fault::Truncated,
                "weird" => Fault::WeirdStatus,
                "lose" => Fault::LoseReply,
                "reset" => Fault::Reset,
                s if s.starts_with("after") => Fault::StatusAfter(
                    s[5..]
                        .parse()
                        .ok()
                        .filter(|c| (400..600).contains(c))
                        .ok_or_else(|| format!("bad status in fault '{part}'"))?,
                ),
                s if s.starts_with("lateslow") => Fault::SlowAfter(Duration::from_secs(
                    s[8..]
                        .parse()
                        .map_err(|_| format!("bad delay in fault '{part}'"))?,
                )),
                "429" => Fault::RateLimit(2),
                s if s.starts_with("429r") => Fault::RateLimit(
                    s[4..]
                        .parse()
                        .map_err(|_| format!("bad Retry-After in fault '{part}'"))?,
                ),
                s if s.starts_with("slow") => Fault::Slow(Duration::from_secs(
                    s[4..]
                        .parse()
                        .map_err(|_| format!("bad delay in fault '{part}'"))?,
                )),
                s => match s.parse::<u16>() {
                    Ok(code) if (400..600).contains(&code) => Fault::Status(code),
                    _ => return Err(format!("unknown fault '{s}' in '{part}'")),
                },
            };
            out.push(FaultRule::random(api, path, fault, prob));
        }
        Ok(out)
    }
}

/// A body that fails after its first bytes: hyper then aborts the
/// connection, which the client sees as a broken reply.
fn broken_body(prefix: Bytes) -> Body {
    let stream = futures::stream::iter(vec![
        Ok::<Bytes, std::io::Error>(prefix),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected",
        )),
    ]);
    Body::from_stream(stream)
}

fn broken_response() -> Response {
    let mut r = Response::new(broken_body(Bytes::new()));
    // A declared length that is never met makes the client see the cut.
    r.headers_mut().insert(
        axum::http::header::CONTENT_LENGTH,
        HeaderValue::from_static("64"),
    );
    r
}

async fn body_of(resp: Response) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 4 << 20)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

fn rewrite_status_words(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if k == "status" && val.is_string() {
                    *val = serde_json::Value::String("quantum_flux".into());
                } else {
                    rewrite_status_words(val);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(rewrite_status_words),
        _ => {}
    }
}

#[derive(Clone)]
pub struct FaultLayerState {
    pub api: Api,
    pub faults: Arc<Faults>,
    pub counter: Arc<AtomicU64>,
    /// Print each request on stderr.
    pub log: bool,
}

pub async fn middleware(State(st): State<FaultLayerState>, req: Request, next: Next) -> Response {
    st.counter.fetch_add(1, Ordering::Relaxed);
    let path = req.uri().path().to_string();
    if st.log {
        eprintln!("request {:?} {} {path}", st.api, req.method());
    }
    let Some(fault) = st.faults.pick(st.api, &path) else {
        return next.run(req).await;
    };
    tracing::debug!(?fault, path, "injecting fault");
    match fault {
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({"success": false, "status": "error", "message": format!("injected HTTP {code}")});
            (status, axum::Json(body)).into_response()
        }
        Fault::RateLimit(secs) => {
            let body = serde_json::json!({"success": false, "status": "error", "message": "Too many requests"});
            let mut r = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            r
        }
        Fault::Slow(d) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        Fault::StatusAfter(code) => {
            let _ = next.run(req).await;
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({"success": false, "status": "error", "message": format!("injected HTTP {code} after the work")});
            (status, axum::Json(body)).into_response()
        }
        Fault::SlowAfter(d) => {
            let r = next.run(req).await;
            tokio::time::sleep(d).await;
            r
        }
        // The connection drops before any reply: unwinding out of the
        // connection's task closes the socket with no status line at all
        // (resume_unwind skips the panic hook, so nothing is printed).
        Fault::Reset => std::panic::resume_unwind(Box::new("injected connection reset")),
        Fault::LoseReply => {
            let _ = next.run(req).await;
            broken_response()
        }
        Fault::Malformed => {
            let (parts, _) = body_of(next.run(req).await).await;
            Response::from_parts(
                parts,
                Body::from("<html><body>502 Bad Gateway</body></html>"),
            )
        }
        Fault::Truncated => {
            let (mut parts, bytes) = body_of(next.run(req).await).await;
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            let half = bytes.slice(..bytes.len() / 2);
            Response::from_parts(parts, Body::from(half))
        }
        Fault::WeirdStatus => {
            let (mut parts, bytes) = body_of(next.run(req).await).await;
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            let out = match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(mut v) => {
                    rewrite_status_words(&mut v);
                    Bytes::from(v.to_string())
                }
                Err(_) => bytes,
            };
            Response::from_parts(parts, Body::from(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let rules = Faults::parse_spec(
            "otpzap:/order/create:lose=0.1,*:*:503=0.05,gateotp:*:slow20,nexotp:*:429r7",
        )
        .unwrap();
        assert_eq!(rules.len(), 4);
        assert_eq!(rules[0].fault, Fault::LoseReply);
        assert_eq!(rules[0].api, Some(Api::OtpZap));
        assert_eq!(rules[1].fault, Fault::Status(503));
        assert_eq!(rules[1].api, None);
        assert_eq!(rules[2].fault, Fault::Slow(Duration::from_secs(20)));
        assert_eq!(rules[3].fault, Fault::RateLimit(7));
        assert!(Faults::parse_spec("x:*:503").is_err());
        assert!(Faults::parse_spec("*:*:teapot").is_err());
        assert!(Faults::parse_spec("*:*:503=2").is_err());
    }

    #[test]
    fn once_rules_fire_once() {
        let f = Faults::default();
        f.push(FaultRule::once(
            Api::GateOtp,
            "/api/otp/order",
            Fault::Status(503),
        ));
        assert_eq!(f.pick(Api::NexOtp, "/api/otp/order"), None);
        assert_eq!(f.pick(Api::GateOtp, "/api/otp/status/1"), None);
        assert_eq!(
            f.pick(Api::GateOtp, "/api/otp/order"),
            Some(Fault::Status(503))
        );
        assert_eq!(f.pick(Api::GateOtp, "/api/otp/order"), None);
        assert_eq!(f.injected(), 1);
    }
}

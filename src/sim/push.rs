//! The simulator's pushes: for each API key (or Otomax username) given a
//! target, the events its orders, top-ups and settlements go through are
//! POSTed to the target's URL, signed the way otpdeck's receiver checks by
//! default (`X-Signature: <hex HMAC-SHA256 of the body>`), so the demo and
//! the tests exercise push end to end. The Otomax callback goes unsigned,
//! as the GoTopUp doc shows it (no signature at all). A delivery that fails (nothing
//! listening yet, a 5xx) is tried again after 0.5, 1 and 2 s, as providers
//! retry; a 4xx is an answer and is not retried.
//!
//! The real providers deliver only to public HTTPS URLs; the simulator
//! delivers to whatever it is told, which stands in for the reverse proxy.

use super::SimStates;
use crate::engine::webhook::signature::{sign, Scheme, DEFAULT_HEADER};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the simulator looks for new events to push.
const LOOK_EVERY: Duration = Duration::from_millis(50);
/// Waits before each retry of a failed delivery.
const RETRIES: [Duration; 3] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// Where `key`'s events go, and the secret they are signed with.
#[derive(Debug, Clone)]
pub struct PushTarget {
    pub key: String,
    pub url: String,
    pub secret: String,
}

/// One event due for a key, as an API state found it.
#[derive(Debug, Clone)]
pub struct Due {
    pub key: String,
    pub event: String,
    /// The whole body (envelope included) as it is sent.
    pub body: Value,
    /// False for what the real API sends without a signature.
    pub signed: bool,
}

/// The envelope both APIs use: `{"event", "data", "timestamp"}`.
pub fn envelope(event: &str, data: Value) -> Value {
    json!({"event": event, "data": data, "timestamp": chrono::Utc::now().to_rfc3339()})
}

/// A delivery made: when the request left (tests and the latency bench
/// measure from here) and what came back.
#[derive(Debug, Clone)]
pub struct Sent {
    pub at: Instant,
    pub key: String,
    pub event: String,
    pub body: String,
    /// HTTP status of the last try; None when no try got an answer.
    pub status: Option<u16>,
    pub tries: u32,
}

/// Every delivery so far, oldest first.
#[derive(Debug, Default)]
pub struct PushLog(Mutex<Vec<Sent>>);

impl PushLog {
    pub fn sent(&self) -> Vec<Sent> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn record(&self, s: Sent) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(s);
    }
}

/// Looks for due events every 50 ms and delivers them, until aborted.
pub fn spawn(
    states: SimStates,
    targets: Vec<PushTarget>,
    log: Arc<PushLog>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let keys: HashSet<String> = targets.iter().map(|t| t.key.clone()).collect();
        let client = crate::providers::http::client_builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        let mut tick = tokio::time::interval(LOOK_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let mut due = states.otpzap.due_pushes(&keys);
            due.extend(states.gotopup.due_pushes(&keys));
            for d in due {
                let Some(t) = targets.iter().find(|t| t.key == d.key) else {
                    continue;
                };
                tokio::spawn(deliver(client.clone(), t.clone(), d, log.clone()));
            }
        }
    })
}

async fn deliver(client: reqwest::Client, t: PushTarget, d: Due, log: Arc<PushLog>) {
    let body = d.body.to_string();
    let signature = d
        .signed
        .then(|| sign(t.secret.as_bytes(), Scheme::Hex, body.as_bytes()));
    let mut tries = 0;
    let mut waits = RETRIES.iter();
    loop {
        tries += 1;
        let at = Instant::now();
        let mut req = client.post(&t.url);
        if let Some(sig) = &signature {
            req = req.header(DEFAULT_HEADER, sig);
        }
        let status = req
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16());
        let answered = matches!(status, Some(s) if s < 500);
        let wait = waits.next();
        if answered || wait.is_none() {
            log.record(Sent {
                at,
                key: d.key,
                event: d.event,
                body,
                status,
                tries,
            });
            return;
        }
        if let Some(w) = wait {
            tokio::time::sleep(*w).await;
        }
    }
}

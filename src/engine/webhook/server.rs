//! The receiver: `POST /webhook/<account-name>`, signature first, then the
//! adapter reads the body, then the journal. Whatever it refuses changes
//! nothing. Changed orders go out through `emit`, as a poller's do. A
//! repeat of a delivery already answered (`seen`) is answered again and
//! changes nothing.

use super::apply::{apply, Applied, Pushed};
use super::inbox::Inbox;
use super::seen::{self, Seen};
use super::signature::{self, Scheme};
use crate::domain::ProviderKind;
use crate::engine::journal::Journal;
use crate::providers::push::PushEvent;
use crate::secret::Secret;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Utc;
use serde_json::json;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// Default address: loopback only; anything else must be configured.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// One account that takes pushes.
#[derive(Debug, Clone)]
pub struct HookAccount {
    pub name: String,
    pub provider: ProviderKind,
    pub secret: Secret,
    pub header: String,
    pub scheme: Scheme,
}

/// Where what a delivery changed goes (the dashboard's Action channel,
/// `watch`'s wait).
pub type Emit = Arc<dyn Fn(Pushed) + Send + Sync>;

pub struct Receiver {
    accounts: HashMap<String, HookAccount>,
    journal: Arc<Journal>,
    pub inbox: Arc<Inbox>,
    seen: Seen,
    emit: Emit,
}

impl Receiver {
    pub fn new(
        accounts: Vec<HookAccount>,
        journal: Arc<Journal>,
        inbox: Arc<Inbox>,
        emit: Emit,
    ) -> Receiver {
        Receiver {
            accounts: accounts.into_iter().map(|a| (a.name.clone(), a)).collect(),
            journal,
            inbox,
            seen: Seen::default(),
            emit,
        }
    }
}

/// The path to register with the provider for `account`.
pub fn path_for(account: &str) -> String {
    crate::domain::webhook::receiver_path(account)
}

pub fn router(rx: Arc<Receiver>) -> Router {
    Router::new()
        .route("/webhook/{account}", post(deliver))
        .with_state(rx)
}

/// Binds and serves until the task is dropped; the bound address comes
/// back first (port 0 in tests). A port already held is an error the
/// caller reports.
pub async fn start(
    listen: SocketAddr,
    rx: Arc<Receiver>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router(rx)).await {
            tracing::warn!("webhook receiver stopped: {e}");
        }
    });
    Ok((addr, handle))
}

fn refuse(code: StatusCode, why: &str) -> Response {
    (code, Json(json!({ "error": why }))).into_response()
}

fn parse(provider: ProviderKind, body: &[u8]) -> Result<PushEvent, String> {
    match provider {
        ProviderKind::OtpZap => crate::providers::otpzap::parse_webhook(body),
        ProviderKind::GoTopUp => crate::providers::gotopup::parse_webhook(body),
        other => Err(format!("{} does not push events", other.as_str())),
    }
}

async fn deliver(
    State(rx): State<Arc<Receiver>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(acc) = rx.accounts.get(&account) else {
        return refuse(StatusCode::NOT_FOUND, "no such account takes webhooks");
    };
    let given = headers
        .get(acc.header.as_str())
        .and_then(|v| v.to_str().ok());
    if let Err(r) = signature::verify(acc.secret.expose().as_bytes(), acc.scheme, given, &body) {
        tracing::warn!(account, "webhook refused: {r}");
        return refuse(StatusCode::UNAUTHORIZED, &r.to_string());
    }
    let now = Utc::now();
    let event = match parse(acc.provider, &body) {
        Ok(e) => e,
        Err(why) => {
            // Signed, so it is the provider's: kept for the user to read.
            tracing::warn!(account, "webhook not understood: {why}");
            if let Some(k) = rx.inbox.keep(&account, "?", &why, None, &body, now) {
                (rx.emit)(Pushed::Kept(k));
            }
            return refuse(StatusCode::BAD_REQUEST, &why);
        }
    };
    // Only where the adapter knows the timestamp is the sending time
    // (OTPZap); GoTopUp's is the transaction's own, which a late but
    // first delivery carries too.
    if let Err(r) = signature::check_fresh(event.sent_at, now) {
        tracing::warn!(account, event = %event.event, "webhook refused: {r}");
        return refuse(StatusCode::UNAUTHORIZED, &r.to_string());
    }
    let key = seen::key_of(&account, true, &event);
    if rx.seen.contains(&key) {
        tracing::info!(account, event = %event.event, "webhook repeated: answered, nothing applied");
        return (StatusCode::OK, Json(json!({ "status": "received" }))).into_response();
    }
    match apply(&rx.journal, &rx.inbox, &account, &event, &body, now) {
        Ok(Applied::Changed(p)) => {
            tracing::info!(account, event = %event.event, "webhook applied");
            (rx.emit)(*p);
        }
        Ok(Applied::Kept(Some(k))) => (rx.emit)(Pushed::Kept(k)),
        Ok(Applied::Unchanged) | Ok(Applied::Kept(None)) => {}
        Err(e) => {
            // Not acknowledged: the provider retries, the poller goes on.
            tracing::warn!(account, "webhook not journaled: {e}");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "journal error");
        }
    }
    rx.seen.insert(key);
    (StatusCode::OK, Json(json!({ "status": "received" }))).into_response()
}

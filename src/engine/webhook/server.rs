//! The receiver: `POST /webhook/<account-name>`, signature first, then the
//! adapter reads the body, then the journal. Whatever it refuses changes
//! nothing. Changed orders go out through `emit`, as a poller's do.
//!
//! A delivery with no signature is refused, unless the account is set to
//! `webhook_signature = "none"`: then it goes to `unsigned`, which may do
//! far less. A signature that is present is always checked. A repeat of a
//! delivery already answered (`seen`) is answered again and changes
//! nothing.

use super::apply::{apply, Applied, Pushed};
use super::inbox::Inbox;
use super::listener::{self, Counters, Limits};
use super::seen::{self, Seen};
use super::signature::{self, Refusal, Scheme};
use super::unsigned::{self, Unsigned, Verdict};
use crate::domain::ProviderKind;
use crate::engine::journal::Journal;
use crate::providers::push::PushEvent;
use crate::secret::Secret;
use axum::body::Body;
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

use crate::domain::webhook::HookSettings;
pub use crate::domain::webhook::DEFAULT_LISTEN;

/// One account that takes pushes.
#[derive(Debug, Clone)]
pub struct HookAccount {
    pub name: String,
    pub provider: ProviderKind,
    /// Checks deliveries that carry a signature; None only on an account
    /// that takes unsigned ones.
    pub secret: Option<Secret>,
    pub header: String,
    pub scheme: Scheme,
    /// `webhook_signature = "none"`: unsigned deliveries are taken, for
    /// what `unsigned` lets them do. None: every delivery must be signed.
    pub unsigned: Option<Unsigned>,
}

impl From<HookSettings> for HookAccount {
    /// An unsigned account comes without its history lookup, which the
    /// caller adds (it needs the account's adapter).
    fn from(s: HookSettings) -> HookAccount {
        HookAccount {
            name: s.name,
            provider: s.provider,
            secret: s.secret,
            header: s.header,
            scheme: s.scheme,
            unsigned: s.unsigned.then(Unsigned::default),
        }
    }
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
        for a in accounts.iter().filter(|a| a.unsigned.is_some()) {
            let how = match a.unsigned.as_ref().and_then(|u| u.confirm.as_ref()) {
                Some(_) => "each confirmed by a history lookup before an order ends",
                None => "orders they end are marked unverified (no Bearer key to check them)",
            };
            tracing::warn!(
                account = %a.name,
                "webhook_signature = \"none\": UNSIGNED deliveries are taken; anyone who can reach the receiver can send one; {how}"
            );
        }
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
    if !addr.ip().is_loopback() {
        tracing::warn!("webhook receiver listens on {addr}, reachable beyond this machine");
    }
    let limits = Limits::default();
    let handle = tokio::spawn(listener::serve(
        listener,
        router(rx),
        limits,
        Arc::new(Counters::default()),
    ));
    Ok((addr, handle))
}

/// What the dashboard and `watch` say when the receiver is up: loud when
/// anything but this machine can reach it.
pub fn listening_notice(addr: SocketAddr) -> String {
    if addr.ip().is_loopback() {
        format!("Webhooks: listening on http://{addr}/webhook/<account>")
    } else {
        format!(
            "WARNING Webhooks: listening on http://{addr}/webhook/<account>, reachable from other machines; \
             only signed deliveries are taken, but prefer 127.0.0.1 behind a TLS proxy"
        )
    }
}

/// A delivery is a few kilobytes; anything near this is not one.
const MAX_BODY: usize = 2 << 20;

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

fn received() -> Response {
    (StatusCode::OK, Json(json!({ "status": "received" }))).into_response()
}

async fn deliver(
    State(rx): State<Arc<Receiver>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(acc) = rx.accounts.get(&account) else {
        return refuse(StatusCode::NOT_FOUND, "no such account takes webhooks");
    };
    // The body within its time and size, or nothing: a sender that
    // trickles it keeps no slot for long.
    let body = match tokio::time::timeout(
        Limits::default().body_timeout,
        axum::body::to_bytes(body, MAX_BODY),
    )
    .await
    {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, "body too large or cut off"),
        Err(_) => return refuse(StatusCode::REQUEST_TIMEOUT, "body too slow"),
    };
    let given = headers
        .get(acc.header.as_str())
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty());
    let signed = match (given, &acc.secret) {
        (Some(_), Some(secret)) => {
            let checked = signature::verify(secret.expose().as_bytes(), acc.scheme, given, &body);
            if let Err(r) = checked {
                tracing::warn!(account, "webhook refused: {r}");
                return refuse(StatusCode::UNAUTHORIZED, &r.to_string());
            }
            true
        }
        _ if acc.unsigned.is_some() => false,
        _ => {
            tracing::warn!(account, "webhook refused: {}", Refusal::Missing);
            return refuse(StatusCode::UNAUTHORIZED, &Refusal::Missing.to_string());
        }
    };
    let now = Utc::now();
    let event = match parse(acc.provider, &body) {
        Ok(e) => e,
        Err(why) => {
            tracing::warn!(account, signed, "webhook not understood: {why}");
            // Signed, so it is the provider's: kept for the user to read.
            // An unsigned one could be anyone's and is not written down.
            if signed {
                if let Some(k) = rx.inbox.keep(&account, "?", &why, None, &body, now) {
                    (rx.emit)(Pushed::Kept(k));
                }
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
    let key = seen::key_of(&account, signed, &event);
    if rx.seen.contains(&key) {
        tracing::info!(account, event = %event.event, "webhook repeated: answered, nothing applied");
        return received();
    }
    let answer = match &acc.unsigned {
        Some(policy) if !signed => deliver_unsigned(&rx, &account, policy, &event, now).await,
        _ => deliver_signed(&rx, &account, &event, &body, now),
    };
    if answer.status() == StatusCode::OK {
        rx.seen.insert(key);
    }
    answer
}

fn deliver_signed(
    rx: &Receiver,
    account: &str,
    event: &PushEvent,
    body: &[u8],
    now: chrono::DateTime<Utc>,
) -> Response {
    match apply(&rx.journal, &rx.inbox, account, event, body, now) {
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
    received()
}

/// The same answer whether or not the order exists, so an unsigned
/// sender cannot probe for ref_ids.
async fn deliver_unsigned(
    rx: &Receiver,
    account: &str,
    policy: &Unsigned,
    event: &PushEvent,
    now: chrono::DateTime<Utc>,
) -> Response {
    match unsigned::apply(&rx.journal, account, policy, event, now).await {
        Ok(Verdict::Moved(o)) => {
            tracing::info!(account, event = %event.event, order = o.id, status = %o.status, note = o.note.as_deref().unwrap_or(""), "unsigned webhook applied");
            (rx.emit)(Pushed::Order(*o));
            received()
        }
        Ok(Verdict::Nothing(why)) => {
            tracing::warn!(account, event = %event.event, "unsigned webhook applied nothing: {why}");
            received()
        }
        Ok(Verdict::Refused(why)) => {
            tracing::warn!(account, event = %event.event, "unsigned webhook refused: {why}");
            refuse(StatusCode::UNAUTHORIZED, why)
        }
        Err(e) => {
            tracing::warn!(account, "webhook not journaled: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "journal error")
        }
    }
}

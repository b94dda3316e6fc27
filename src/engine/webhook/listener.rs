//! The receiver's socket side: what `axum::serve` leaves open. A client
//! that connects and sends nothing, or headers a byte a minute, or a body
//! that never ends, would otherwise hold its connection (and a file
//! descriptor) for ever; a thousand of them starved the process of
//! descriptors, and then every provider call failed too.
//!
//! Here: at most `max_connections` open at once, and when a new one comes
//! with all of them taken, one is closed to make room: an idle one (no
//! request in progress) of the client holding the most, so a flood of idle
//! sockets delays an honest delivery by one accept; a request once its
//! headers are in is not cut off (unless its client holds more than half
//! the slots with requests it never finishes). Headers must arrive within
//! `header_timeout`, a body within `body_timeout` (the handler's read),
//! and no connection lives past `max_lifetime`. A provider's delivery is
//! one small POST answered in milliseconds: none of these touch it.

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_lifetime: Duration,
}

impl Default for Limits {
    /// 128 connections leave most of a default 1024-descriptor limit to
    /// the provider calls, the journal and the terminal.
    fn default() -> Self {
        Limits {
            max_connections: 128,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_lifetime: Duration::from_secs(60),
        }
    }
}

/// Set while a request is in progress (from its headers to its answer):
/// such a connection is not the one closed to make room.
#[derive(Clone, Default)]
pub struct Busy(Arc<AtomicBool>);

impl Busy {
    /// Marks the connection busy until the guard drops.
    pub fn hold(&self) -> BusyGuard {
        self.0.store(true, Ordering::Relaxed);
        BusyGuard(self.0.clone())
    }
}

pub struct BusyGuard(Arc<AtomicBool>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

struct Conn {
    task: JoinHandle<()>,
    busy: Busy,
    peer: std::net::IpAddr,
}

/// What the listener did, for the log and the tests.
#[derive(Debug, Default)]
pub struct Counters {
    pub accepted: AtomicU64,
    /// Closed to make room for a newer one.
    pub evicted: AtomicU64,
    /// Closed at once: every slot was busy inside the handler.
    pub turned_away: AtomicU64,
}

/// Accepts on `listener` and serves `app` under `limits` until the task
/// is dropped.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, counters: Arc<Counters>) {
    let conns: Arc<Mutex<VecDeque<Conn>>> = Arc::default();
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok((s, a)) => (s, a.ip()),
            Err(e) => {
                // Out of descriptors (EMFILE) or a connection reset in the
                // backlog: wait a little rather than spin.
                tracing::warn!("webhook receiver cannot accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        counters.accepted.fetch_add(1, Ordering::Relaxed);
        if !make_room(&conns, limits.max_connections, &counters) {
            drop(stream);
            continue;
        }
        let busy = Busy::default();
        let app = app.clone();
        let b = busy.clone();
        // Busy from a request's headers until its answer is made: such a
        // connection is never the one closed to make room.
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let guard = b.hold();
            let answer = app.clone().oneshot(req.map(axum::body::Body::new));
            async move {
                let r = answer.await;
                drop(guard);
                r
            }
        });
        let task = tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            // Past its lifetime the connection is dropped, mid-read or not.
            let _ = tokio::time::timeout(limits.max_lifetime, conn).await;
        });
        conns
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(Conn { task, busy, peer });
    }
}

/// Forgets finished connections and, at the cap, closes one to make
/// room: the oldest idle one of the client holding the most connections,
/// else the oldest idle one, else (a client holding more than half the
/// slots with requests it never finishes) that client's oldest. False
/// when every connection is busy and no client hogs them.
fn make_room(conns: &Mutex<VecDeque<Conn>>, max: usize, counters: &Counters) -> bool {
    let mut c = conns.lock().unwrap_or_else(|p| p.into_inner());
    c.retain(|x| !x.task.is_finished());
    if c.len() < max.max(1) {
        return true;
    }
    let mut per_peer: std::collections::HashMap<std::net::IpAddr, usize> =
        std::collections::HashMap::new();
    for x in c.iter() {
        *per_peer.entry(x.peer).or_default() += 1;
    }
    let (top, held) = per_peer
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .unwrap_or((std::net::IpAddr::from([0, 0, 0, 0]), 0));
    let idle = |x: &Conn| !x.busy.0.load(Ordering::Relaxed);
    let victim = c
        .iter()
        .position(|x| x.peer == top && idle(x))
        .or_else(|| c.iter().position(idle))
        .or_else(|| {
            (held * 2 > max)
                .then(|| c.iter().position(|x| x.peer == top))
                .flatten()
        });
    match victim {
        Some(i) => {
            if let Some(old) = c.remove(i) {
                old.task.abort();
            }
            counters.evicted.fetch_add(1, Ordering::Relaxed);
            true
        }
        None => {
            counters.turned_away.fetch_add(1, Ordering::Relaxed);
            false
        }
    }
}

//! The built-in simulator of all four provider APIs (axum, loopback only).
//! One listener serves every API under its own path prefix, so each account's
//! `base_url` is simply `http://127.0.0.1:PORT/<api prefix>`.
//!
//! Auth: any API key (or Otomax username) that starts with `sim-` is valid and
//! gets its own wallet, created on first use with `initial_balance`; any other
//! key is refused with the API's 401. This lets tests use many independent
//! accounts, and check the 401 path, with no set-up.

pub mod deposits;
pub mod faults;
pub mod gateotp;
pub mod gotopup;
pub mod hostile;
pub mod nexotp;
pub mod otpzap;
pub mod push;
pub mod soak;
pub mod wallets;

pub use wallets::SimBooks;

use crate::money::Rupiah;
use axum::http::HeaderMap;
use axum::Router;
use faults::Api;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Time from a buy to its (first) OTP / top-up SN.
    pub otp_delay: Duration,
    /// Lifetime of an OTP order; past it, waiting orders expire and refund.
    pub order_lifetime: Duration,
    /// OTPZap's cancel cooldown (2 minutes in production).
    pub cancel_cooldown: Duration,
    pub initial_balance: Rupiah,
    /// A deposit invoice is paid this long after it was made.
    pub deposit_paid_after: Duration,
    /// An unpaid invoice expires after this long (OTPZap: 30 minutes).
    pub deposit_lifetime: Duration,
    /// Per API key: percent added to (negative: taken off) every price that
    /// account is quoted and charged, so two accounts of one API can differ
    /// (NEXOTP and GateOTP; the demo's compare table has something to show).
    pub price_percent: Vec<(String, i64)>,
    /// Extra time to the OTP per API: the demo's slower provider (NEXOTP).
    pub slower: Vec<(Api, Duration)>,
    /// Keys whose events are pushed, signed, to a URL (`push`).
    pub push: Vec<push::PushTarget>,
    /// What a spending request repeated under a used key or ref_id does,
    /// on every API that takes one (the docs rarely say).
    pub repeat: RepeatMode,
    /// Every name, message and OTP carries terminal escapes (`hostile`).
    pub hostile: bool,
    /// Each request's API, method and path on stderr (`sim --log-requests`).
    pub log_requests: bool,
}

/// How a server answers a spending request sent again under a key (or
/// ref_id) it has seen. `Documented` is each API as the simulator always
/// answered (NEXOTP and OTPZap return the original; GoTopUp's Bearer API
/// refuses a used ref_id, see `DupRefReply`; Otomax and settlements return
/// the original); the other three are the same for every API, so the
/// spending table's answers are tried against each kind of server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RepeatMode {
    #[default]
    Documented,
    /// The original request's result comes back; nothing new is charged.
    Original,
    /// The key is refused as used (409, "already used").
    RefusedAsUsed,
    /// The key is ignored: the request is carried out again.
    BuysAgain,
}

impl SimOptions {
    /// What `key` is quoted and charged for an offer priced `price`.
    pub fn price_for(&self, key: &str, price: i64) -> i64 {
        match self.price_percent.iter().find(|(k, _)| k == key) {
            Some((_, pct)) => (price * (100 + pct) / 100).max(1),
            None => price,
        }
    }

    /// The time from a buy to its OTP on `api`.
    pub fn otp_delay_for(&self, api: Api) -> Duration {
        self.otp_delay
            + self
                .slower
                .iter()
                .find(|(a, _)| *a == api)
                .map_or(Duration::ZERO, |(_, d)| *d)
    }
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            otp_delay: Duration::from_secs(6),
            order_lifetime: Duration::from_secs(20 * 60),
            cancel_cooldown: Duration::from_secs(120),
            initial_balance: Rupiah(500_000),
            deposit_paid_after: Duration::from_secs(8),
            deposit_lifetime: Duration::from_secs(30 * 60),
            price_percent: Vec::new(),
            slower: Vec::new(),
            push: Vec::new(),
            repeat: RepeatMode::Documented,
            hostile: false,
            log_requests: false,
        }
    }
}

/// Whether a key is one the simulator accepts.
pub fn key_is_valid(key: &str) -> bool {
    key.starts_with("sim-") && key.len() > 4
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let t = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))?;
    Some(t.trim().to_string())
}

/// A 6-digit OTP code derived from an order number and a sequence, so runs
/// are reproducible but codes differ between orders.
pub fn otp_code(order_seq: u64, nth: u32) -> String {
    // splitmix64: small sequence numbers still give well-spread codes.
    let mut x = order_seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ ((nth as u64 + 1) << 32);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    format!("{:06}", x % 1_000_000)
}

/// Base URLs of the four simulated APIs.
#[derive(Debug, Clone, Serialize)]
pub struct SimUrls {
    pub gateotp: String,
    pub nexotp: String,
    pub otpzap: String,
    pub gotopup: String,
}

impl SimUrls {
    /// The base URL of the simulated `kind` API.
    pub fn for_kind(&self, kind: crate::domain::ProviderKind) -> &str {
        use crate::domain::ProviderKind::*;
        match kind {
            GateOtp => &self.gateotp,
            NexOtp => &self.nexotp,
            OtpZap => &self.otpzap,
            GoTopUp => &self.gotopup,
        }
    }
}

/// Per-API state handles, so tests can inspect wallets and orders.
#[derive(Clone)]
pub struct SimStates {
    /// Faults to inject; see `faults::Faults`.
    pub faults: Arc<faults::Faults>,
    /// Requests seen per API (gateotp, nexotp, otpzap, gotopup).
    pub requests: [Arc<AtomicU64>; 4],
    pub gateotp: Arc<gateotp::SimState>,
    pub nexotp: Arc<nexotp::SimState>,
    pub otpzap: Arc<otpzap::SimState>,
    pub gotopup: Arc<gotopup::SimState>,
    /// Every push delivered (`SimOptions::push`).
    pub pushes: Arc<push::PushLog>,
}

pub struct SimHandle {
    pub addr: SocketAddr,
    pub urls: SimUrls,
    pub states: SimStates,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    pusher: Option<tokio::task::JoinHandle<()>>,
}

impl SimHandle {
    pub async fn stop(mut self) {
        if let Some(p) = self.pusher.take() {
            p.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(p) = self.pusher.take() {
            p.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn router(opts: &SimOptions) -> (Router, SimStates) {
    let states = SimStates {
        faults: Arc::new(faults::Faults::default()),
        requests: Default::default(),
        gateotp: Arc::new(gateotp::SimState::new(opts.clone())),
        nexotp: Arc::new(nexotp::SimState::new(opts.clone())),
        otpzap: Arc::new(otpzap::SimState::new(opts.clone())),
        gotopup: Arc::new(gotopup::SimState::new(opts.clone())),
        pushes: Arc::default(),
    };
    let layer = |api: Api, i: usize| {
        axum::middleware::from_fn_with_state(
            faults::FaultLayerState {
                api,
                faults: states.faults.clone(),
                counter: states.requests[i].clone(),
                log: opts.log_requests,
            },
            faults::middleware,
        )
    };
    let app = Router::new();
    // Outermost on each API: the fault layer's own error bodies are
    // poisoned too.
    let hostile = |r: Router| {
        if opts.hostile {
            r.layer(axum::middleware::from_fn(hostile::middleware))
        } else {
            r
        }
    };
    let app = app
        .nest(
            "/gateotp",
            hostile(gateotp::router(states.gateotp.clone()).layer(layer(Api::GateOtp, 0))),
        )
        .nest(
            "/nexotp",
            hostile(nexotp::router(states.nexotp.clone()).layer(layer(Api::NexOtp, 1))),
        )
        .nest(
            "/otpzap/api/v1",
            hostile(otpzap::router(states.otpzap.clone()).layer(layer(Api::OtpZap, 2))),
        )
        .nest(
            "/gotopup",
            hostile(gotopup::router(states.gotopup.clone()).layer(layer(Api::GoTopUp, 3))),
        );
    (app, states)
}

/// Starts the simulator on `listen` (must be a loopback address; port 0
/// picks a free one) inside the current tokio runtime.
pub async fn start(listen: SocketAddr, opts: SimOptions) -> std::io::Result<SimHandle> {
    if !listen.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the simulator only binds to loopback, not {listen}"),
        ));
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (app, states) = router(&opts);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    let pusher = (!opts.push.is_empty())
        .then(|| push::spawn(states.clone(), opts.push.clone(), states.pushes.clone()));
    let base = format!("http://{addr}");
    Ok(SimHandle {
        addr,
        urls: SimUrls {
            gateotp: format!("{base}/gateotp"),
            nexotp: format!("{base}/nexotp"),
            otpzap: format!("{base}/otpzap/api/v1"),
            gotopup: format!("{base}/gotopup"),
        },
        states,
        shutdown: Some(tx),
        task: Some(task),
        pusher,
    })
}

/// Starts on 127.0.0.1 with a free port.
pub async fn start_local(opts: SimOptions) -> std::io::Result<SimHandle> {
    start(SocketAddr::from(([127, 0, 0, 1], 0)), opts).await
}

//! One engine, many screens: screens attached over the engine's Unix
//! socket share its book and its pollers; a screen that stops reading is
//! dropped without slowing the others; nothing a screen receives holds a
//! key.

use crate::common;

use common::driver::{press, wait_for, Keys};
use common::shared_backend::SharedBackend;
use futures::channel::mpsc::unbounded;
use otpdeck::app::AppSettings;
use otpdeck::domain::ProviderKind;
use otpdeck::engine::journal::Journal;
use otpdeck::providers::{Auth, ProviderSettings};
use otpdeck::secret::Secret;
use otpdeck::sim::{self, SimOptions};
use otpdeck::tui::clipboard::Recorder;
use otpdeck::tui::link::{self, socket, ToEngine, ToScreen};
use otpdeck::tui::{self, Io, RuntimeAccount, RuntimeOptions};
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

const KEY: &str = "sim-engine-test-key";

fn options(handle: &sim::SimHandle, journal: Arc<Journal>) -> RuntimeOptions {
    let kind = ProviderKind::GateOtp;
    let settings = ProviderSettings::new(
        kind,
        handle.urls.for_kind(kind),
        Auth::ApiKey(Secret::new(KEY)),
    );
    RuntimeOptions {
        accounts: vec![RuntimeAccount::new("gate".into(), kind, Ok(settings))],
        settings: AppSettings::default(),
        journal,
        clipboard: Default::default(),
        osc52_passthrough: false,
        balance_refresh: Duration::from_secs(600),
        notices: Vec::new(),
        rules: Default::default(),
        webhook: None,
    }
}

/// A screen on a `TestBackend`: its keys, its screen, its clipboard, and
/// its run (ends when it quits).
struct TestScreen {
    keys: Keys,
    screen: SharedBackend,
    copied: Recorder,
    run: tokio::task::JoinHandle<Result<(), String>>,
}

fn screen_on(path: PathBuf) -> TestScreen {
    let backend = SharedBackend::new(120, 40);
    let screen = backend.clone();
    let copied = Recorder::default();
    let io = Io {
        clipboard: Box::new(copied.clone()),
        out: Box::new(std::io::sink()),
    };
    let (keys, rx) = unbounded();
    let run = tokio::spawn(async move {
        let mut terminal = Terminal::new(backend).expect("terminal");
        let settings = AppSettings {
            key_salt: rand_salt(),
            ..Default::default()
        };
        tui::run_screen(
            &mut terminal,
            rx,
            socket::connector(path),
            settings,
            io,
            None,
        )
        .await
    });
    TestScreen {
        keys,
        screen,
        copied,
        run,
    }
}

fn rand_salt() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7)
}

/// Requests the simulator's GateOTP answered during `window`.
async fn gate_requests(handle: &sim::SimHandle, window: Duration) -> u64 {
    let before = handle.states.requests[0].load(Ordering::SeqCst);
    tokio::time::sleep(window).await;
    handle.states.requests[0].load(Ordering::SeqCst) - before
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_screens_share_one_engine_and_its_pollers() {
    std::env::set_var("OTPDECK_POLL_INTERVAL_MS", "200");
    let handle = sim::start_local(SimOptions {
        otp_delay: Duration::from_secs(8),
        ..Default::default()
    })
    .await
    .expect("simulator");
    let journal = Arc::new(Journal::open_in_memory().expect("journal"));
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("engine.sock");
    let listener = socket::bind(&path).expect("socket");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path)
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the socket is the user's alone");
    let (joins_tx, joins_rx) = mpsc::channel(16);
    tokio::spawn(socket::accept(listener, joins_tx));
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let engine = tokio::spawn(tui::run_engine(
        options(&handle, journal.clone()),
        joins_rx,
        async {
            let _ = stop_rx.await;
        },
    ));

    let spy = tokio::spawn(everything_sent_to_a_screen(path.clone()));
    let a = screen_on(path.clone());
    let b = screen_on(path.clone());
    wait_for(&a.screen, "A's balance", |s| s.contains("Rp 500.000")).await;
    wait_for(&b.screen, "B's balance", |s| s.contains("Rp 500.000")).await;
    // Buy on A: `:buy` picks the cheapest offer on the account shown.
    press(&a.keys, "<Enter>");
    wait_for(&a.screen, "the services", |s| s.contains("WhatsApp")).await;
    press(&a.keys, ":buy whatsapp id<Enter>");
    wait_for(&a.screen, "the confirmation", |s| s.contains("Buy?")).await;
    press(&a.keys, "y");
    wait_for(&a.screen, "the order on A", |s| s.contains("waiting")).await;
    wait_for(&b.screen, "the order on B", |s| s.contains("waiting")).await;

    // Two screens poll no more than one: the engine polls once.
    let two = gate_requests(&handle, Duration::from_secs(2)).await;
    press(&b.keys, "q");
    b.run.await.expect("B's task").expect("B ends cleanly");
    let one = gate_requests(&handle, Duration::from_secs(2)).await;
    eprintln!("GateOTP requests in 2 s: {two} with two screens, {one} with one");
    assert!(one >= 3, "the order is polled: {one} requests in 2 s");
    assert!(
        two <= one + 3,
        "a second screen adds no polls: {two} requests in 2 s with two screens, {one} with one"
    );

    // A screen gone stops nothing: the OTP reaches A, which copies it on
    // its own side.
    let s = wait_for(&a.screen, "the OTP on A", |s| {
        s.contains("OTP ") && s.contains("for WhatsApp")
    })
    .await;
    assert!(s.contains("otp"), "{s}");
    press(&a.keys, "c");
    let copied = loop {
        if let Some(c) = a.copied.copied().last().cloned() {
            break c;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(copied.chars().all(|c| c.is_ascii_digit()), "{copied:?}");
    assert!(b.copied.copied().is_empty(), "B, gone, copied nothing");
    press(&a.keys, "q");
    a.run.await.expect("A's task").expect("A ends cleanly");
    let _ = stop_tx.send(());
    engine.await.expect("the engine ends");
    let orders = journal.orders(&Default::default()).expect("orders");
    assert_eq!(orders.len(), 1, "one buy, one order");
    let bytes = spy.await.expect("the spy's task");
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("WhatsApp"),
        "the spy saw the book: {} bytes",
        bytes.len()
    );
    assert!(!text.contains(KEY), "a screen was sent the API key");
    handle.stop().await;
}

/// A screen's raw bytes, from its hello to the engine's end.
async fn everything_sent_to_a_screen(path: PathBuf) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::UnixStream::connect(&path)
        .await
        .expect("connect");
    let hello = serde_json::to_vec(&link::hello()).expect("hello");
    s.write_all(&(hello.len() as u32).to_be_bytes())
        .await
        .expect("write");
    s.write_all(&hello).await.expect("write");
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all).await;
    all
}

/// A screen that never reads fills its queue and is dropped; the engine
/// and the other screen go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_that_stops_reading_is_dropped_alone() {
    let handle = sim::start_local(SimOptions::default())
        .await
        .expect("simulator");
    let journal = Arc::new(Journal::open_in_memory().expect("journal"));
    let (joins_tx, joins_rx) = mpsc::channel(16);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let engine = tokio::spawn(tui::run_engine(
        options(&handle, journal),
        joins_rx,
        async {
            let _ = stop_rx.await;
        },
    ));
    let (mut stuck, joined) = link::in_process();
    joins_tx.send(joined).await.expect("join");
    let (mut reader, joined) = link::in_process();
    joins_tx.send(joined).await.expect("join");
    // Each balance read is a figure every screen is sent (an account with
    // no adapter answers at once, without a request).
    let n = link::SCREEN_QUEUE + 100;
    for _ in 0..n {
        let ask = otpdeck::app::Effect::LoadBalance {
            account: "nobody".into(),
        };
        reader
            .tx
            .send(ToEngine::Effect(ask))
            .expect("engine listening");
    }
    let mut figures = 0;
    while figures < n {
        match tokio::time::timeout(Duration::from_secs(30), reader.rx.recv()).await {
            Ok(Some(ToScreen::Action(otpdeck::app::Action::BalanceLoaded { account, .. })))
                if account == "nobody" =>
            {
                figures += 1
            }
            Ok(Some(_)) => {}
            other => panic!("the reading screen was cut off after {figures} figures: {other:?}"),
        }
    }
    // The stuck screen got what fitted in its queue, then its link closed.
    let mut got = 0;
    while let Some(_m) = stuck.rx.recv().await {
        got += 1;
    }
    assert!(got <= link::SCREEN_QUEUE, "{got}");
    let _ = stop_tx.send(());
    engine.await.expect("the engine ends");
    handle.stop().await;
}

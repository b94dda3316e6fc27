//! `cargo bench --bench push [-- push|attach]`: the time from the simulator's push to the
//! OTP on the dashboard's screen and on the clipboard, over loopback.
//!
//! The real runtime (`run_observed`: receiver, journal, `update`, drawing)
//! runs headless with `auto_copy` on against the in-process simulator,
//! which pushes each OTPZap order's OTP, signed, to the receiver. Polls
//! are ten minutes apart, so every OTP arrives by push. For each order it
//! measures from the push request leaving the simulator to (a) the frame
//! that shows the code being flushed and (b) the clipboard being written.
//! Prints the figures; the README quotes them.
//!
//! Then the same with the engine and the screen apart, joined by the
//! engine's Unix socket (`otpdeck serve` and an attached dashboard, in one
//! process here): push → engine → JSON frames on the socket → screen's
//! frame. And the attach: a screen connecting to an engine whose journal
//! holds 10,000 orders, from the connect to the first frame with the book.

use otpdeck::app::{Action, App, AppSettings};
use otpdeck::domain::{BuyRequest, ProviderKind};
use otpdeck::engine::journal::Journal;
use otpdeck::engine::webhook::server::HookAccount;
use otpdeck::engine::webhook::signature::{Scheme, DEFAULT_HEADER};
use otpdeck::providers::{self, Auth, ProviderSettings};
use otpdeck::secret::Secret;
use otpdeck::sim::push::PushTarget;
use otpdeck::sim::{self, SimOptions};
use otpdeck::tui::clipboard::CopyTarget;
use otpdeck::tui::webhook::WebhookRun;
use otpdeck::tui::{run_observed, Io, RuntimeAccount, RuntimeOptions};
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Size};
use ratatui::Terminal;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ORDERS: usize = 30;
const KEY: &str = "sim-bench-push";
const SECRET: &str = "sim-bench-push-secret";
/// Between buys, so pushes come one at a time.
const GAP: Duration = Duration::from_millis(150);
const OTP_DELAY: Duration = Duration::from_secs(6);

type Seen = Arc<Mutex<HashMap<String, Instant>>>;

/// Records when each text was copied.
struct Recorder(Seen);

impl CopyTarget for Recorder {
    fn copy(&mut self, text: &str, _: &mut dyn std::io::Write) -> Result<&'static str, String> {
        self.0
            .lock()
            .unwrap()
            .entry(text.to_string())
            .or_insert_with(Instant::now);
        Ok("recorder")
    }
}

/// What a `Timed` backend does with each flushed frame and its time.
type OnFlush = Box<dyn FnMut(&str, Instant) + Send>;

/// A `TestBackend` that hands each flushed frame's text, and the time it
/// went out, to its `OnFlush`.
struct Timed(TestBackend, OnFlush);

type R<T> = Result<T, std::convert::Infallible>;

impl Backend for Timed {
    type Error = std::convert::Infallible;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(&mut self, content: I) -> R<()> {
        self.0.draw(content)
    }
    fn hide_cursor(&mut self) -> R<()> {
        self.0.hide_cursor()
    }
    fn show_cursor(&mut self) -> R<()> {
        self.0.show_cursor()
    }
    fn get_cursor_position(&mut self) -> R<Position> {
        self.0.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> R<()> {
        self.0.set_cursor_position(position)
    }
    fn clear(&mut self) -> R<()> {
        self.0.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> R<()> {
        self.0.clear_region(clear_type)
    }
    fn size(&self) -> R<Size> {
        self.0.size()
    }
    fn window_size(&mut self) -> R<WindowSize> {
        self.0.window_size()
    }
    fn flush(&mut self) -> R<()> {
        self.0.flush()?;
        let now = Instant::now();
        let buf = self.0.buffer();
        let mut text = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                text.push_str(buf[(x, y)].symbol());
            }
            text.push('\n');
        }
        (self.1)(&text, now);
        Ok(())
    }
}

/// Notes when each 6-digit code was first on a flushed frame.
fn codes_into(seen: Seen) -> OnFlush {
    Box::new(move |text, now| {
        let mut seen = seen.lock().unwrap();
        for w in text.split_whitespace() {
            if w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()) {
                seen.entry(w.to_string()).or_insert(now);
            }
        }
    })
}

fn main() {
    // Before any thread exists: polls ten minutes apart.
    unsafe { std::env::set_var("OTPDECK_POLL_INTERVAL_MS", "600000") };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // `cargo bench --bench push -- attach` (or `-- push`) runs one part.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |part: &str| only.is_empty() || only.iter().any(|o| o == part);
    if wants("push") {
        rt.block_on(run(false));
        rt.block_on(run(true));
    }
    if wants("attach") {
        rt.block_on(attach_figures());
    }
}

fn quantile(v: &[Duration], q: f64) -> Duration {
    let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}

fn report(what: &str, mut v: Vec<Duration>) {
    v.sort();
    if v.is_empty() {
        println!("{what}: nothing measured");
        return;
    }
    println!(
        "{what}: n {}, median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        v.len(),
        quantile(&v, 0.5).as_secs_f64() * 1e3,
        quantile(&v, 0.9).as_secs_f64() * 1e3,
        quantile(&v, 0.99).as_secs_f64() * 1e3,
        v.last().unwrap().as_secs_f64() * 1e3
    );
}

/// One measurement: the dashboard in one process (`socket` false) or the
/// engine and a screen over the engine's socket.
async fn run(socket: bool) {
    let listen = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap();
    let handle = sim::start_local(SimOptions {
        otp_delay: OTP_DELAY,
        push: vec![PushTarget {
            key: KEY.into(),
            url: format!("http://{listen}/webhook/zap"),
            secret: SECRET.into(),
        }],
        ..Default::default()
    })
    .await
    .unwrap();
    let settings = ProviderSettings::new(
        ProviderKind::OtpZap,
        handle.urls.otpzap.clone(),
        Auth::ApiKey(Secret::new(KEY)),
    );
    let provider = providers::build(&settings).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(&dir.path().join("journal.db")).unwrap());

    // One in-stock Server 1 offer that delivers.
    let svc = provider.services().await.unwrap().remove(0);
    let country = provider.countries(&svc.id).await.unwrap().remove(0);
    let offer = provider
        .offers(&svc.id, Some(&country.id))
        .await
        .unwrap()
        .into_iter()
        .find(|o| {
            o.in_stock()
                && !o
                    .id
                    .contains(&otpdeck::sim::otpzap::NEVER_OTP_PRODUCT.to_string())
        })
        .expect("an offer");
    for i in 0..ORDERS {
        let req = BuyRequest {
            service_id: svc.id.clone(),
            service_name: svc.name.clone(),
            country_id: Some(country.id.clone()),
            country_name: Some(country.name.clone()),
            offer_id: offer.id.clone(),
            price: offer.price,
            operator: None,
            idempotency_key: format!("bench-push-{i:04}-{}", std::process::id()),
            customer_number: None,
        };
        otpdeck::engine::orders::buy(provider.as_ref(), &journal, "zap", &req)
            .await
            .unwrap();
        tokio::time::sleep(GAP).await;
    }

    let copied: Seen = Arc::default();
    let on_screen: Seen = Arc::default();
    let mut terminal = Terminal::new(Timed(
        TestBackend::new(200, 50),
        codes_into(on_screen.clone()),
    ))
    .unwrap();
    let runtime = RuntimeOptions {
        accounts: vec![RuntimeAccount::new(
            "zap".into(),
            ProviderKind::OtpZap,
            Ok(settings),
        )],
        settings: AppSettings {
            auto_copy: true,
            auto_cancel_before: Duration::ZERO,
            ..Default::default()
        },
        journal: journal.clone(),
        clipboard: otpdeck::config::ClipboardMode::Off,
        osc52_passthrough: false,
        balance_refresh: Duration::from_secs(600),
        notices: Vec::new(),
        rules: Default::default(),
        webhook: Some(WebhookRun {
            listen,
            accounts: vec![HookAccount {
                name: "zap".into(),
                provider: ProviderKind::OtpZap,
                secret: Some(Secret::new(SECRET)),
                header: DEFAULT_HEADER.into(),
                scheme: Scheme::Hex,
                unsigned: None,
            }],
            inbox: None,
        }),
    };
    let io = Io {
        clipboard: Box::new(Recorder(copied.clone())),
        out: Box::new(std::io::sink()),
    };
    let mut observe = |_: &Action, _: &App| {};
    let wait = OTP_DELAY + GAP * ORDERS as u32 + Duration::from_secs(3);
    let quit = async move {
        tokio::time::sleep(wait).await;
        Ok(Event::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        )))
    };
    use futures::StreamExt;
    let events = Box::pin(futures::stream::once(quit).chain(futures::stream::pending()));
    if socket {
        let screen_settings = runtime.settings.clone();
        let (stop, engine) = engine_on_socket(runtime, &dir.path().join("engine.sock"));
        let connect = otpdeck::tui::link::socket::connector(dir.path().join("engine.sock"));
        otpdeck::tui::run_screen(&mut terminal, events, connect, screen_settings, io, None)
            .await
            .unwrap();
        let _ = stop.send(());
        engine.await.unwrap();
    } else {
        run_observed(&mut terminal, events, runtime, io, Some(&mut observe))
            .await
            .unwrap();
    }

    let sent = handle.states.pushes.sent();
    let (mut screen, mut clip, mut missed) = (Vec::new(), Vec::new(), 0);
    for s in sent.iter().filter(|s| s.event == "order.otp_received") {
        let body: serde_json::Value = serde_json::from_str(&s.body).unwrap();
        let code = body["data"]["otp_code"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        match on_screen.lock().unwrap().get(&code) {
            Some(t) => screen.push(t.saturating_duration_since(s.at)),
            None => missed += 1,
        }
        if let Some(t) = copied.lock().unwrap().get(&code) {
            clip.push(t.saturating_duration_since(s.at));
        }
    }
    println!(
        "push → screen/clipboard, {} pushes over loopback ({} OTPs not seen on screen), {}",
        sent.len(),
        missed,
        if socket {
            "engine and screen over the engine's Unix socket"
        } else {
            "engine and screen in one process"
        }
    );
    report("push to screen (frame flushed)", screen);
    report("push to clipboard (auto_copy)", clip);
    handle.stop().await;
}

/// An engine on a Unix socket at `path`; stopped by the sender.
fn engine_on_socket(
    opts: RuntimeOptions,
    path: &std::path::Path,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = otpdeck::tui::link::socket::bind(path).unwrap();
    let (joins_tx, joins_rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(otpdeck::tui::link::socket::accept(listener, joins_tx));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let engine = tokio::spawn(otpdeck::tui::run_engine(opts, joins_rx, async {
        let _ = stop_rx.await;
    }));
    (stop_tx, engine)
}

/// A journal of 10,000 orders (the newest 100 active), an engine on it,
/// and screens attaching one after another: connect → first frame with
/// the newest order on it.
async fn attach_figures() {
    use otpdeck::domain::OrderStatus;
    use otpdeck::domain::PlacedOrder;
    use otpdeck::engine::journal::NewOrder;
    // On tmpfs where there is one: the set-up's 20,000 writes are not the
    // figure.
    let shm = std::path::Path::new("/dev/shm");
    let dir = match shm.is_dir() {
        true => tempfile::tempdir_in(shm).unwrap(),
        false => tempfile::tempdir().unwrap(),
    };
    let journal = Arc::new(Journal::open(&dir.path().join("journal.db")).unwrap());
    let t0 = chrono::Utc::now();
    for i in 0..10_000 {
        let o = journal
            .begin_order(
                &NewOrder {
                    account: "zap".into(),
                    provider: ProviderKind::OtpZap,
                    idempotency_key: format!("k{i}"),
                    service_id: "s0".into(),
                    service: "WhatsApp".into(),
                    country: Some("c0".into()),
                    country_name: Some("Indonesia".into()),
                    offer_id: "o".into(),
                    operator: None,
                    customer_number: None,
                    price: otpdeck::money::Rupiah(3300),
                },
                t0,
            )
            .unwrap();
        let status = if i < 9_900 {
            OrderStatus::Finished
        } else {
            OrderStatus::Waiting
        };
        journal
            .record_placed(
                o.id,
                &PlacedOrder {
                    provider_order_id: format!("P{i}"),
                    number: format!("+62812{i:07}"),
                    price: otpdeck::money::Rupiah(3300),
                    status,
                    expires_at: Some(t0 + chrono::Duration::minutes(20)),
                    otps: vec![format!("{i:06}")],
                    sn: None,
                },
                t0,
            )
            .unwrap();
    }
    // An account with no adapter: the engine never asks anyone, so the
    // figure is the engine's book, the socket and the screen.
    let opts = RuntimeOptions {
        accounts: vec![RuntimeAccount::new(
            "zap".into(),
            ProviderKind::OtpZap,
            Err("bench".into()),
        )],
        settings: AppSettings {
            auto_cancel_before: Duration::ZERO,
            ..Default::default()
        },
        journal,
        clipboard: otpdeck::config::ClipboardMode::Off,
        osc52_passthrough: false,
        balance_refresh: Duration::from_secs(600),
        notices: Vec::new(),
        rules: Default::default(),
        webhook: None,
    };
    let path = dir.path().join("engine.sock");
    let (stop, engine) = engine_on_socket(opts, &path);
    // Let the engine read its journal first.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut took = Vec::new();
    for _ in 0..30 {
        let seen = Arc::new(Mutex::new(None));
        // An active order's row: ids 9901 to 10000 are the active ones.
        let first = seen.clone();
        let backend = Timed(
            TestBackend::new(200, 50),
            Box::new(move |text, now| {
                let mut first = first.lock().unwrap();
                if first.is_none() && text.contains("#99") {
                    *first = Some(now);
                }
            }),
        );
        let mut terminal = Terminal::new(backend).unwrap();
        let (keys, events) = futures::channel::mpsc::unbounded();
        let connect = otpdeck::tui::link::socket::connector(path.clone());
        let started = Instant::now();
        let screen = otpdeck::tui::run_screen(
            &mut terminal,
            events,
            connect,
            AppSettings::default(),
            Io {
                clipboard: Box::new(Recorder(Arc::default())),
                out: Box::new(std::io::sink()),
            },
            None,
        );
        let watch = async {
            while started.elapsed() < Duration::from_secs(10) {
                if let Some(t) = *seen.lock().unwrap() {
                    took.push(t - started);
                    break;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
            keys.unbounded_send(Ok(Event::Key(q))).unwrap();
        };
        let (r, ()) = tokio::join!(screen, watch);
        r.unwrap();
    }
    println!("attach to an engine with a 10,000-order journal → first frame with the book, over its socket");
    report("attach to first frame", took);
    let _ = stop.send(());
    engine.await.unwrap();
}

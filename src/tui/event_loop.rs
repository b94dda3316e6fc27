//! The dashboard's loop: terminal events, ticks, the balance timer, poller
//! updates and API replies become `Action`s for the pure `App::update`;
//! its effects are carried out; one frame is drawn after each batch. The
//! event source and the backend are parameters, so a test drives the whole
//! loop on ratatui's `TestBackend` with a scripted stream.

use super::clipboard::Clipboard;
use super::clipboard::CopyTarget;
use super::runtime::{send, Runtime, RuntimeOptions};
use crate::app::BookAction;
use crate::app::{Action, App};
use crate::engine::journal::OrderFilter;
use crate::engine::poller::PollTiming;
use chrono::Utc;
use futures::Stream;
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use ratatui::Terminal;
use std::collections::HashMap;
use std::io::Write;
use tokio::sync::mpsc::unbounded_channel;

/// Where the loop's side effects go besides the API: the clipboard, and
/// the terminal's own output (bell, OSC 52).
pub struct Io {
    pub clipboard: Box<dyn CopyTarget>,
    pub out: Box<dyn Write + Send>,
}

/// Runs the dashboard on the real terminal until the user quits. The
/// terminal is restored on every way out (the panic hook restores too).
pub async fn run_terminal(opts: RuntimeOptions) -> Result<(), String> {
    let mut terminal = super::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let _guard = super::Guard;
    let (clipboard, note) = Clipboard::new(opts.clipboard, opts.osc52_passthrough);
    tracing::info!(note = %note, "clipboard chosen");
    let io = Io {
        clipboard: Box::new(clipboard),
        out: Box::new(std::io::stdout()),
    };
    let events = crossterm::event::EventStream::new();
    run(&mut terminal, events, opts, io).await
}

/// Runs the loop until the app quits.
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    events: S,
    opts: RuntimeOptions,
    io: Io,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    run_observed(terminal, events, opts, io, None).await
}

/// Sees each action with the app's state just after `update` took it (the
/// timing soak measures with it; the dashboard passes none).
pub type Observer<'a> = &'a mut (dyn FnMut(&Action, &App) + Send);

/// [`run`], calling `observe` after every action of the screen's app. The
/// dashboard is an engine in this process and a screen attached to it, as
/// a screen attaches to `otpdeck serve`: one way through, tested as one.
pub async fn run_observed<B, S>(
    terminal: &mut Terminal<B>,
    events: S,
    opts: RuntimeOptions,
    io: Io,
    observe: Option<Observer<'_>>,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let (screen_link, joined) = super::link::in_process();
    let (joins_tx, joins_rx) = tokio::sync::mpsc::channel(1);
    let _ = joins_tx.try_send(joined);
    let mut settings = opts.settings.clone();
    // The screen's keys never meet the engine's.
    settings.key_salt = settings.key_salt.wrapping_add(1 << 32);
    let once = std::sync::Mutex::new(Some(screen_link));
    let connect: super::screen::Connect = std::sync::Arc::new(move || {
        let link = once.lock().ok().and_then(|mut l| l.take());
        Box::pin(
            async move { link.ok_or_else(|| "the engine in this process stopped".to_string()) },
        )
    });
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let screen = async {
        let r = super::screen::run_screen(terminal, events, connect, settings, io, observe).await;
        let _ = stop_tx.send(());
        r
    };
    let engine = super::serve::run_engine(opts, joins_rx, async {
        let _ = stop_rx.await;
    });
    let (result, ()) = tokio::join!(screen, engine);
    drop(joins_tx);
    result
}

/// The runtime and the app, started: adapters built, the journal's book
/// sent in, the first effects carried out, the webhook receiver up.
pub(super) struct Started {
    pub rt: Runtime,
    pub app: App,
    pub rx: tokio::sync::mpsc::UnboundedReceiver<Action>,
    pub tx: tokio::sync::mpsc::UnboundedSender<Action>,
    pub webhook: Option<tokio::task::JoinHandle<()>>,
}

pub(super) async fn start(
    accounts: Vec<super::RuntimeAccount>,
    mut settings: crate::app::AppSettings,
    journal: &std::sync::Arc<crate::engine::journal::Journal>,
    rules: crate::domain::Rules,
    clipboard: Box<dyn CopyTarget>,
    webhook: Option<super::webhook::WebhookRun>,
) -> Started {
    let (tx, rx) = unbounded_channel::<Action>();
    let mut rt = Runtime {
        tx: tx.clone(),
        providers: HashMap::new(),
        journal: journal.clone(),
        pollers: HashMap::new(),
        deposit_pollers: HashMap::new(),
        timing: PollTiming::from_env(),
        clipboard,
        quitting: false,
        rules,
        sellers: HashMap::new(),
    };
    let mut infos = Vec::new();
    let mut broken = Vec::new();
    for a in accounts {
        match (a.provider, a.seller) {
            (_, Some(Ok(c))) => {
                rt.sellers.insert(a.info.name.clone(), c);
            }
            (_, Some(Err(e))) | (Err(e), None) => broken.push((a.info.name.clone(), e)),
            (Ok(p), None) => {
                rt.providers.insert(a.info.name.clone(), p);
            }
        }
        infos.push(a.info);
    }
    settings.webhook_receiver = webhook.is_some();
    let (app, effects) = App::new(infos, settings, Utc::now());
    // The journal's view first, so the reconciliation's news lands on it.
    resume(&rt, &tx);
    // An engine has no terminal: nothing it runs writes one.
    let mut sink = std::io::sink();
    for e in effects {
        rt.exec(e, &mut sink);
    }
    for (account, e) in broken {
        let now = Utc::now();
        send(
            &tx,
            Action::BalanceLoaded {
                account,
                result: Err(crate::domain::ProviderError::NoAdapter(e)),
                now,
            },
        );
    }
    // The receiver's word first, so the last notice (the demo's hint, a
    // config warning) is the one left in the status bar.
    let webhook = match webhook {
        Some(w) => super::webhook::start(w, journal.clone(), tx.clone()).await,
        None => None,
    };
    Started {
        rt,
        app,
        rx,
        tx,
        webhook,
    }
}

/// At start: the journal's OTPs and orders. The app asks for each
/// account's reconciliation and starts pollers as orders arrive.
fn resume(rt: &Runtime, tx: &tokio::sync::mpsc::UnboundedSender<Action>) {
    if let Ok(list) = rt.journal.otp_log(500) {
        send(tx, Action::Book(BookAction::OtpHistory(list)));
    }
    if let Ok(list) = rt.journal.orders(&OrderFilter {
        limit: Some(200),
        ..Default::default()
    }) {
        send(tx, Action::Book(BookAction::Restored(list)));
    }
    // After the orders: the app resumes each chain against them.
    let since = Utc::now() - super::effects::replace::RESUME_WINDOW;
    if let Ok(links) = rt.journal.links_since(since) {
        if !links.is_empty() {
            send(tx, Action::Book(BookAction::LinksRestored(links)));
        }
    }
    if let Ok(list) = rt.journal.deposits(None, false, 100) {
        send(tx, Action::Book(BookAction::DepositsRestored(list)));
    }
}

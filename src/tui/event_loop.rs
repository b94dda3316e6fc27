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
use futures::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use ratatui::Terminal;
use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};
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

fn to_action(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => Some(Action::Key(k, Utc::now())),
        Event::Mouse(m) => Some(Action::Mouse(m, Utc::now())),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
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
pub type Observer<'a> = &'a mut dyn FnMut(&Action, &App);

/// Shortest gap between frames after a key, a click or a resize.
const INPUT_FRAME_GAP: Duration = Duration::from_millis(10);
/// Shortest gap between frames after an order's news (an OTP, pushed or
/// polled; an end): what the user waits for, so an isolated OTP is drawn
/// at once, but a thousand orders' news (30 a second in the timing soak)
/// make at most 20 frames a second, not one each.
const NEWS_FRAME_GAP: Duration = Duration::from_millis(50);
/// Shortest gap between frames that only background news (poll replies,
/// ticks, balances) asked for: a thousand pollers answer ~200 times a
/// second, and the screen needs none of that faster than this.
const BACKGROUND_FRAME_GAP: Duration = Duration::from_millis(200);

/// [`run`], calling `observe` after every action.
pub async fn run_observed<B, S>(
    terminal: &mut Terminal<B>,
    mut events: S,
    opts: RuntimeOptions,
    mut io: Io,
    mut observe: Option<Observer<'_>>,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let (tx, mut rx) = unbounded_channel::<Action>();
    let mut rt = Runtime {
        tx: tx.clone(),
        providers: HashMap::new(),
        journal: opts.journal.clone(),
        pollers: HashMap::new(),
        deposit_pollers: HashMap::new(),
        timing: PollTiming::from_env(),
        clipboard: io.clipboard,
        quitting: false,
        rules: opts.rules.clone(),
        sellers: HashMap::new(),
    };
    let mut infos = Vec::new();
    let mut broken = Vec::new();
    for a in opts.accounts {
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
    let mut settings = opts.settings;
    settings.webhook_receiver = opts.webhook.is_some();
    let (mut app, effects) = App::new(infos, settings, Utc::now());
    if let Ok(size) = terminal.size() {
        app.update(Action::Resize(size.width, size.height));
    }
    // The journal's view first, so the reconciliation's news lands on it.
    resume(&rt, &tx);
    for e in effects {
        rt.exec(e, &mut io.out);
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
    let webhook = match opts.webhook {
        Some(w) => super::webhook::start(w, opts.journal.clone(), tx.clone()).await,
        None => None,
    };
    for n in opts.notices {
        send(&tx, Action::Notice(n));
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Idle (nothing counts down): one wake a minute keeps the clock the
    // screen shows, a balance's age included, true to the minute.
    let mut idle_tick = tokio::time::interval(Duration::from_secs(60));
    idle_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut refresh = tokio::time::interval(opts.balance_refresh.max(Duration::from_secs(10)));
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    refresh.tick().await;
    // A journal deleted or replaced under the dashboard is said at the
    // balance timer even when nothing is bought or polled (a buy or a
    // poll's write refuses on its own).
    let journal = opts.journal.clone();
    let mut journal_gone_said = false;
    let mut last_draw = Instant::now() - Duration::from_secs(1);
    let mut dirty = true;
    // How soon the next frame may follow the last: the user's own input
    // soonest, an order's news next, other background news last.
    let mut gap = INPUT_FRAME_GAP;
    let mut events_open = true;
    loop {
        let draw_at = last_draw + gap;
        if dirty && Instant::now() >= draw_at {
            terminal
                .draw(|f| crate::ui::draw(f, &app))
                .map_err(|e| format!("cannot draw: {e}"))?;
            last_draw = Instant::now();
            dirty = false;
            gap = BACKGROUND_FRAME_GAP;
        }
        let first = tokio::select! {
            _ = tokio::time::sleep_until(draw_at.into()), if dirty => continue,
            a = rx.recv() => a,
            ev = events.next(), if events_open => match ev {
                Some(Ok(ev)) => match to_action(ev) {
                    Some(a) => Some(a),
                    None => continue,
                },
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "terminal event error");
                    events_open = false;
                    continue;
                }
                None => {
                    events_open = false;
                    continue;
                }
            },
            _ = tick.tick(), if app.needs_tick() => Some(Action::Tick(Utc::now())),
            _ = idle_tick.tick(), if !app.needs_tick() => Some(Action::Tick(Utc::now())),
            _ = refresh.tick() => {
                if let (false, Err(e)) = (journal_gone_said, journal.check_file()) {
                    journal_gone_said = true;
                    tracing::error!("{e}");
                    send(&tx, Action::Notice(format!("WARNING {e}")));
                }
                Some(Action::RefreshDue(Utc::now()))
            }
        };
        let Some(first) = first else {
            break;
        };
        let mut batch = vec![first];
        while let Ok(a) = rx.try_recv() {
            batch.push(a);
        }
        for action in batch {
            gap = gap.min(match action {
                Action::Key(..) | Action::Mouse(..) | Action::Resize(..) => INPUT_FRAME_GAP,
                Action::Book(BookAction::OrderChanged(_)) => NEWS_FRAME_GAP,
                _ => BACKGROUND_FRAME_GAP,
            });
            let seen = observe.as_ref().map(|_| action.clone());
            for e in app.update(action) {
                rt.exec(e, &mut io.out);
            }
            if let (Some(f), Some(a)) = (observe.as_mut(), seen) {
                f(&a, &app);
            }
        }
        dirty = true;
        if rt.quitting {
            break;
        }
    }
    rt.stop_all();
    if let Some(h) = webhook {
        h.abort();
    }
    Ok(())
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

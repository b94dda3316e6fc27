//! A screen: the dashboard drawn from an engine's book. Keys, mouse and
//! resizes go to this screen's app (role `Screen`); what it asks of the
//! engine goes over the link; copy, bell and notifications happen here,
//! on the user's own machine. When the engine goes (killed, restarted, an
//! ssh link dropped) the screen says so, keeps drawing, and attaches again
//! as soon as an engine answers.

use super::clipboard::CopyTarget;
use super::effects::local;
use super::event_loop::{Io, Observer};
use super::link::{check_welcome, ScreenLink, ToEngine, ToScreen, Welcome};
use crate::app::{Action, App, AppSettings, BookAction, Effect};
use chrono::Utc;
use futures::future::BoxFuture;
use futures::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use ratatui::Terminal;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How a screen reaches an engine (the socket, a remote command, an
/// engine in this process); tried again after the engine is gone.
pub type Connect = Arc<dyn Fn() -> BoxFuture<'static, Result<ScreenLink, String>> + Send + Sync>;

/// How long a screen waits for the engine's welcome.
const WELCOME_WAIT: Duration = Duration::from_secs(15);
/// Between tries to attach again.
const RETRY: Duration = Duration::from_secs(1);

/// Shortest gap between frames after a key, a click, a resize (or the
/// book on attaching).
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

/// Connects and waits for the welcome.
async fn attach(connect: &Connect) -> Result<(ScreenLink, Welcome), String> {
    let mut link = connect().await?;
    let first = tokio::time::timeout(WELCOME_WAIT, link.rx.recv())
        .await
        .map_err(|_| "the engine did not answer within 15 s".to_string())?
        .ok_or_else(|| "the engine closed the link".to_string())?;
    let welcome = check_welcome(first)?;
    Ok((link, welcome))
}

/// Tries to attach every second until it does; sends the link once.
fn reattach(connect: Connect) -> mpsc::Receiver<(ScreenLink, Welcome)> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(RETRY).await;
            if tx.is_closed() {
                return;
            }
            match attach(&connect).await {
                Ok(l) => {
                    let _ = tx.send(l).await;
                    return;
                }
                Err(e) => tracing::debug!("not attached yet: {e}"),
            }
        }
    });
    rx
}

fn to_action(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => Some(Action::Key(k, Utc::now())),
        Event::Mouse(m) => Some(Action::Mouse(m, Utc::now())),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

/// Runs the screen until the user quits. The first attach must work (its
/// error is returned); later losses are said on screen and mended.
pub async fn run_screen<B, S>(
    terminal: &mut Terminal<B>,
    mut events: S,
    connect: Connect,
    settings: AppSettings,
    mut io: Io,
    mut observe: Option<Observer<'_>>,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let (mut first_link, welcome) = attach(&connect).await?;
    // The book follows the welcome: taken before the first frame, so the
    // first frame shows it.
    let book = tokio::time::timeout(WELCOME_WAIT, first_link.rx.recv()).await;
    let mut link = Some(first_link);
    let mut settings = settings;
    welcome.money.clone().apply(&mut settings);
    let (mut app, _) = App::new(welcome.accounts.clone(), settings, Utc::now());
    if let Ok(size) = terminal.size() {
        app.update(Action::Resize(size.width, size.height));
    }
    match book {
        Ok(Some(ToScreen::Action(a))) => {
            app.update(a);
        }
        _ => tracing::warn!("the engine's book did not follow its welcome"),
    }
    let mut local: VecDeque<Action> = welcome.notices.into_iter().map(Action::Notice).collect();
    let mut engine_pid = welcome.pid;
    let mut reattaching: Option<mpsc::Receiver<(ScreenLink, Welcome)>> = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut idle_tick = tokio::time::interval(Duration::from_secs(60));
    idle_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_draw = Instant::now() - Duration::from_secs(1);
    let mut dirty = true;
    let mut gap = INPUT_FRAME_GAP;
    let mut events_open = true;
    let mut quitting = false;
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
        let first = if let Some(a) = local.pop_front() {
            a
        } else {
            tokio::select! {
                _ = tokio::time::sleep_until(draw_at.into()), if dirty => continue,
                m = recv(&mut link) => match m {
                    Some(ToScreen::Action(a) | ToScreen::Reply(a)) => a,
                    Some(ToScreen::Welcome(_)) => continue,
                    Some(ToScreen::Refused(why)) => {
                        gone(&mut link, &mut reattaching, &connect, &mut local, &why);
                        continue;
                    }
                    None => {
                        gone(&mut link, &mut reattaching, &connect, &mut local, "it closed the link");
                        continue;
                    }
                },
                Some((l, w)) = recv_reattach(&mut reattaching) => {
                    reattaching = None;
                    link = Some(l);
                    let again = if w.pid == engine_pid { "again " } else { "" };
                    engine_pid = w.pid;
                    Action::Notice(if w.pid == std::process::id() {
                        format!("This dashboard now runs the engine (PID {}); other screens attach to it", w.pid)
                    } else {
                        format!("Attached {again}to the engine (PID {})", w.pid)
                    })
                }
                ev = events.next(), if events_open => match ev {
                    Some(Ok(ev)) => match to_action(ev) {
                        Some(a) => a,
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
                _ = tick.tick(), if app.needs_tick() => Action::Tick(Utc::now()),
                _ = idle_tick.tick(), if !app.needs_tick() => Action::Tick(Utc::now()),
            }
        };
        let mut batch = vec![first];
        if let Some(l) = link.as_mut() {
            while let Ok(ToScreen::Action(a) | ToScreen::Reply(a)) = l.rx.try_recv() {
                batch.push(a);
            }
        }
        for action in batch {
            gap = gap.min(match action {
                // The user's input, and the book on attaching, come soonest.
                Action::Key(..) | Action::Mouse(..) | Action::Resize(..) | Action::Attached(_) => {
                    INPUT_FRAME_GAP
                }
                Action::Book(BookAction::OrderChanged(_)) => NEWS_FRAME_GAP,
                _ => BACKGROUND_FRAME_GAP,
            });
            let seen = observe.as_ref().map(|_| action.clone());
            for e in app.update(action) {
                match e {
                    Effect::Quit => quitting = true,
                    Effect::Bell => local::bell(&mut io.out),
                    Effect::Notify(n) => local::notify(&n, &mut io.out),
                    Effect::Copy { text, what } => local.push_back(local::copy(
                        io.clipboard.as_mut() as &mut dyn CopyTarget,
                        text,
                        what,
                        &mut io.out,
                    )),
                    Effect::Tell(_) => {}
                    Effect::Book(a) => ask(&link, ToEngine::Book(a), &mut local),
                    e => ask(&link, ToEngine::Effect(e), &mut local),
                }
            }
            if let (Some(f), Some(a)) = (observe.as_mut(), seen) {
                f(&a, &app);
            }
        }
        dirty = true;
        if quitting {
            break;
        }
    }
    Ok(())
}

async fn recv(link: &mut Option<ScreenLink>) -> Option<ToScreen> {
    match link {
        Some(l) => l.rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn recv_reattach(
    r: &mut Option<mpsc::Receiver<(ScreenLink, Welcome)>>,
) -> Option<(ScreenLink, Welcome)> {
    match r {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// The engine went: said, and attaching again starts.
fn gone(
    link: &mut Option<ScreenLink>,
    reattaching: &mut Option<mpsc::Receiver<(ScreenLink, Welcome)>>,
    connect: &Connect,
    local: &mut VecDeque<Action>,
    why: &str,
) {
    *link = None;
    tracing::warn!("engine gone: {why}");
    local.push_back(Action::Notice(format!(
        "WARNING the engine is gone ({why}); attaching again… nothing is lost: the journal has it"
    )));
    *reattaching = Some(reattach(connect.clone()));
}

/// Sends an intent to the engine, or says it was not sent.
fn ask(link: &Option<ScreenLink>, msg: ToEngine, local: &mut VecDeque<Action>) {
    let sent = link.as_ref().is_some_and(|l| l.tx.send(msg).is_ok());
    if !sent {
        local.push_back(Action::Notice(
            "Not sent: no engine attached (attaching again…)".into(),
        ));
    }
}

/// Runs a screen on the real terminal until the user quits; the terminal
/// is restored on every way out.
pub async fn run_screen_terminal(
    connect: Connect,
    settings: AppSettings,
    io: Io,
) -> Result<(), String> {
    let mut terminal = super::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let _guard = super::Guard;
    let events = crossterm::event::EventStream::new();
    run_screen(&mut terminal, events, connect, settings, io, None).await
}

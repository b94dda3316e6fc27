//! The dashboard in one process: an engine (`serve.rs`) and a screen
//! (`screen.rs`) joined by in-process channels, as `otpdeck demo`, the soak
//! and the tests run it. The event source and the backend are parameters,
//! so a test drives the whole thing on ratatui's `TestBackend` with a
//! scripted stream.

use super::clipboard::Clipboard;
use super::clipboard::CopyTarget;
use super::runtime::RuntimeOptions;
use crate::app::{Action, App};
use futures::Stream;
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use ratatui::Terminal;
use std::io::Write;

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

//! The dashboard's runtime: turns terminal events, ticks, poller updates and
//! API replies into `Action`s, feeds them to the pure `App::update`, carries
//! out the `Effect`s it returns (each API call in its own task, so the UI
//! never waits on the network), and draws once after each batch.

use crate::app::{AccountInfo, Action, App, AppSettings, Effect};
use crate::domain::{BuyRequest, Order, OrderStatus};
use crate::engine::clipboard::{Clipboard, ClipboardMode};
use crate::engine::journal::{Journal, OrderFilter};
use crate::engine::orders::{self, EngineError};
use crate::engine::poller::{self, PollEvent, PollTiming};
use crate::providers::SharedProvider;
use chrono::Utc;
use futures::StreamExt;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::JoinHandle;

/// One account ready for the dashboard: its adapter, or why it has none.
pub struct RuntimeAccount {
    pub info: AccountInfo,
    pub provider: Result<SharedProvider, String>,
}

pub struct RuntimeOptions {
    pub accounts: Vec<RuntimeAccount>,
    pub settings: AppSettings,
    pub journal: Arc<Journal>,
    pub clipboard: ClipboardMode,
    pub osc52_passthrough: bool,
    pub balance_refresh: Duration,
    /// Said in the status bar at start (config warnings, demo hints).
    pub notices: Vec<String>,
}

struct Runtime {
    tx: UnboundedSender<Action>,
    providers: HashMap<String, SharedProvider>,
    journal: Arc<Journal>,
    pollers: HashMap<i64, JoinHandle<()>>,
    timing: PollTiming,
    clipboard: Clipboard,
}

fn send(tx: &UnboundedSender<Action>, a: Action) {
    // The loop is gone only while quitting; nothing left to tell it then.
    let _ = tx.send(a);
}

impl Runtime {
    fn provider(&self, account: &str) -> Option<SharedProvider> {
        self.providers.get(account).cloned()
    }

    fn order(&self, id: i64) -> Option<Order> {
        self.journal.order(id).ok().flatten()
    }

    /// Starts polling an active order once.
    fn watch(&mut self, order: &Order) {
        self.pollers.retain(|_, h| !h.is_finished());
        if !orders::pollable(order) || self.pollers.contains_key(&order.id) {
            return;
        }
        let Some(p) = self.provider(&order.account) else {
            return;
        };
        let tx = self.tx.clone();
        let handle = poller::spawn(
            p,
            self.journal.clone(),
            order.clone(),
            self.timing,
            move |ev| match ev {
                PollEvent::Changed(c) => send(&tx, Action::OrderChanged(c.order)),
                PollEvent::Failed {
                    order_id,
                    error,
                    retry_after,
                } => send(
                    &tx,
                    Action::ActionFailed {
                        order_id,
                        what: "status check".into(),
                        error: format!("{error} (retrying)"),
                        retry_after,
                        now: Utc::now(),
                    },
                ),
                PollEvent::Stopped { .. } => {}
            },
        );
        self.pollers.insert(order.id, handle);
    }

    fn exec(&mut self, effect: Effect, out: &mut impl Write) {
        let tx = self.tx.clone();
        let journal = self.journal.clone();
        match effect {
            Effect::Quit | Effect::SetTheme(_) => {}
            Effect::Bell => {
                let _ = out.write_all(b"\x07").and_then(|_| out.flush());
            }
            Effect::Copy { text, what } => match self.clipboard.copy(&text, out) {
                Ok(how) => send(
                    &tx,
                    Action::Copied {
                        what,
                        how: how.into(),
                    },
                ),
                Err(e) => send(&tx, Action::CopyFailed(e)),
            },
            Effect::LoadBalance { account } => {
                let Some(p) = self.provider(&account) else {
                    return;
                };
                tokio::spawn(async move {
                    let result = p.balance().await.map_err(|e| e.to_string());
                    send(
                        &tx,
                        Action::BalanceLoaded {
                            account,
                            result,
                            now: Utc::now(),
                        },
                    );
                });
            }
            Effect::LoadServices { account } => {
                let Some(p) = self.provider(&account) else {
                    send(
                        &tx,
                        Action::ServicesLoaded {
                            account,
                            result: Err("no provider for this account".into()),
                            now: Utc::now(),
                        },
                    );
                    return;
                };
                tokio::spawn(async move {
                    let result = p.services().await.map_err(|e| e.to_string());
                    send(
                        &tx,
                        Action::ServicesLoaded {
                            account,
                            result,
                            now: Utc::now(),
                        },
                    );
                });
            }
            Effect::LoadCountries {
                account,
                service_id,
            } => {
                let Some(p) = self.provider(&account) else {
                    return;
                };
                tokio::spawn(async move {
                    let result = p.countries(&service_id).await.map_err(|e| e.to_string());
                    send(
                        &tx,
                        Action::CountriesLoaded {
                            account,
                            service_id,
                            result,
                            now: Utc::now(),
                        },
                    );
                });
            }
            Effect::LoadOffers {
                account,
                service_id,
                country_id,
            } => {
                let Some(p) = self.provider(&account) else {
                    return;
                };
                tokio::spawn(async move {
                    let result = p
                        .offers(&service_id, country_id.as_deref())
                        .await
                        .map_err(|e| e.to_string());
                    send(
                        &tx,
                        Action::OffersLoaded {
                            account,
                            service_id,
                            country_id,
                            result,
                            now: Utc::now(),
                        },
                    );
                });
            }
            Effect::Buy { account, request } => {
                let Some(p) = self.provider(&account) else {
                    send(
                        &tx,
                        Action::BuyFailed {
                            account,
                            idempotency_key: request.idempotency_key,
                            error: "no provider for this account".into(),
                        },
                    );
                    return;
                };
                tokio::spawn(async move {
                    match orders::buy(p.as_ref(), &journal, &account, &request).await {
                        Ok(change) => send(&tx, Action::OrderChanged(change.order)),
                        Err(EngineError::Ambiguous { order, .. }) => {
                            let id = order.id;
                            send(&tx, Action::OrderChanged(*order));
                            if p.capabilities().idempotent_buy {
                                replay_lost_buy(p, journal, account, request, id, tx).await;
                            }
                        }
                        Err(e) => send(
                            &tx,
                            Action::BuyFailed {
                                account,
                                idempotency_key: request.idempotency_key,
                                error: e.to_string(),
                            },
                        ),
                    }
                });
            }
            Effect::Cancel { order_id }
            | Effect::Finish { order_id }
            | Effect::Resend { order_id }
            | Effect::Replace { order_id } => {
                let what = match &effect {
                    Effect::Cancel { .. } => "cancel",
                    Effect::Finish { .. } => "finish",
                    Effect::Resend { .. } => "resend",
                    _ => "replace",
                };
                let Some(order) = self.order(order_id) else {
                    return;
                };
                let Some(p) = self.provider(&order.account) else {
                    return;
                };
                tokio::spawn(async move {
                    let result = match what {
                        "cancel" => orders::cancel(p.as_ref(), &journal, &order).await,
                        "finish" => orders::finish(p.as_ref(), &journal, &order).await,
                        "resend" => orders::resend(p.as_ref(), &journal, &order).await,
                        _ => orders::replace(p.as_ref(), &journal, &order)
                            .await
                            .map(|c| c.order),
                    };
                    match result {
                        Ok(o) => {
                            if what == "replace" {
                                if let Ok(Some(old)) = journal.order(order_id) {
                                    send(&tx, Action::OrderChanged(old));
                                }
                            }
                            if what == "resend" {
                                send(
                                    &tx,
                                    Action::Notice(format!("Asked for another SMS on #{order_id}")),
                                );
                            }
                            send(&tx, Action::OrderChanged(o));
                        }
                        Err(e) => {
                            let retry_after = match &e {
                                EngineError::Provider(pe) => pe.retry_after(),
                                _ => None,
                            };
                            send(
                                &tx,
                                Action::ActionFailed {
                                    order_id,
                                    what: what.into(),
                                    error: e.to_string(),
                                    retry_after,
                                    now: Utc::now(),
                                },
                            );
                        }
                    }
                });
            }
        }
    }
}

/// A buy whose reply was lost, on an API that deduplicates on the key, is
/// sent again with the same key after a pause, a few times, until the
/// provider answers clearly; the journal row says what happened. Without a
/// clear answer the order stays Unknown (the next start tries again).
async fn replay_lost_buy(
    p: SharedProvider,
    journal: Arc<Journal>,
    account: String,
    request: BuyRequest,
    order_id: i64,
    tx: UnboundedSender<Action>,
) {
    for pause in [3u64, 10, 30, 60] {
        tokio::time::sleep(Duration::from_secs(pause)).await;
        let result = orders::buy(p.as_ref(), &journal, &account, &request).await;
        let settled = result.is_ok();
        if let Ok(Some(order)) = journal.order(order_id) {
            let still_unknown = order.status == OrderStatus::Unknown;
            send(&tx, Action::OrderChanged(order));
            if settled || !still_unknown {
                return;
            }
        }
    }
}

/// Runs the dashboard until the user quits. The terminal is restored on
/// every way out (the caller holds the panic hook; `tui::Guard` restores on
/// return).
pub async fn run(opts: RuntimeOptions) -> Result<(), String> {
    let mut terminal =
        crate::tui::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let _guard = crate::tui::Guard;
    let (tx, mut rx) = unbounded_channel::<Action>();
    let (clipboard, clip_note) = Clipboard::new(opts.clipboard, opts.osc52_passthrough);
    tracing::info!(note = %clip_note, "clipboard chosen");
    let mut rt = Runtime {
        tx: tx.clone(),
        providers: HashMap::new(),
        journal: opts.journal.clone(),
        pollers: HashMap::new(),
        timing: PollTiming::from_env(),
        clipboard,
    };
    let mut infos = Vec::new();
    let mut broken = Vec::new();
    for a in opts.accounts {
        match a.provider {
            Ok(p) => {
                rt.providers.insert(a.info.name.clone(), p);
            }
            Err(e) => broken.push((a.info.name.clone(), e)),
        }
        infos.push(a.info);
    }
    let (mut app, effects) = App::new(infos, opts.settings, Utc::now());
    if let Ok(size) = terminal.size() {
        app.update(Action::Resize(size.width, size.height));
    }
    let mut stdout = std::io::stdout();
    for e in effects {
        rt.exec(e, &mut stdout);
    }
    for (account, e) in broken {
        send(
            &tx,
            Action::BalanceLoaded {
                account,
                result: Err(e),
                now: Utc::now(),
            },
        );
    }
    for n in opts.notices {
        send(&tx, Action::Notice(n));
    }
    // Resume: the journal's orders and OTPs, and pollers for active orders.
    if let Ok(list) = rt.journal.otp_log(500) {
        send(&tx, Action::OtpHistory(list));
    }
    if let Ok(list) = rt.journal.orders(&OrderFilter {
        limit: Some(200),
        ..Default::default()
    }) {
        send(&tx, Action::Restored(list));
    }
    // Lost buys are replayed where the API deduplicates on the key.
    for (name, p) in rt.providers.clone() {
        let (journal, tx) = (rt.journal.clone(), tx.clone());
        tokio::spawn(async move {
            if let Ok(still) = orders::reconcile_unknown(p.as_ref(), &journal, &name).await {
                for o in still {
                    send(&tx, Action::OrderChanged(o));
                }
            }
            if let Ok(list) = journal.orders(&OrderFilter {
                account: Some(name),
                active_only: true,
                limit: None,
            }) {
                for o in list {
                    send(&tx, Action::OrderChanged(o));
                }
            }
        });
    }
    // Terminal events.
    let input_tx = tx.clone();
    let input = tokio::spawn(async move {
        let mut events = crossterm::event::EventStream::new();
        while let Some(ev) = events.next().await {
            let action = match ev {
                Ok(crossterm::event::Event::Key(k)) => Action::Key(k, Utc::now()),
                Ok(crossterm::event::Event::Mouse(m)) => Action::Mouse(m, Utc::now()),
                Ok(crossterm::event::Event::Resize(w, h)) => Action::Resize(w, h),
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "terminal event error");
                    break;
                }
            };
            if input_tx.send(action).is_err() {
                break;
            }
        }
    });
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut refresh = tokio::time::interval(opts.balance_refresh.max(Duration::from_secs(10)));
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    refresh.tick().await;
    let mut last_draw = Instant::now() - Duration::from_secs(1);
    let mut dirty = true;
    loop {
        if dirty {
            // Redraw on change only, at most every ~10 ms.
            let since = last_draw.elapsed();
            if since < Duration::from_millis(10) {
                tokio::time::sleep(Duration::from_millis(10) - since).await;
            }
            terminal
                .draw(|f| crate::ui::draw(f, &app))
                .map_err(|e| format!("cannot draw: {e}"))?;
            last_draw = Instant::now();
            dirty = false;
        }
        let first = tokio::select! {
            a = rx.recv() => a,
            _ = tick.tick(), if app.needs_tick() => Some(Action::Tick(Utc::now())),
            _ = refresh.tick() => {
                for a in &app.accounts {
                    rt.exec(Effect::LoadBalance { account: a.info.name.clone() }, &mut stdout);
                }
                continue;
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
            match &action {
                Action::OrderChanged(o) => rt.watch(o),
                Action::Restored(list) => list.iter().for_each(|o| rt.watch(o)),
                _ => {}
            }
            for e in app.update(action) {
                rt.exec(e, &mut stdout);
            }
        }
        dirty = true;
        if app.quit {
            break;
        }
    }
    input.abort();
    for (_, h) in rt.pollers.drain() {
        h.abort();
    }
    drop(terminal);
    Ok(())
}

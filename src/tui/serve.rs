//! The engine: the one writer of money decisions for a data dir. It holds
//! the journal, the adapters, the pollers, replays, auto-cancel and
//! auto-replace, deposit watches, the balance refresh and the webhook
//! receiver, with an app in the `Engine` role taking every decision. Screens
//! join through links (`link/`): each gets a welcome and the book, then
//! every book action and figure; what a screen asks is carried out here and
//! its replies go back to that screen alone.

use super::link::{self, Joined, ToEngine, ToScreen, Welcome};
use super::runtime::{send, Runtime, RuntimeOptions};
use crate::app::role::Role;
use crate::app::BookAction;
use crate::app::{Action, App, Effect};
use crate::engine::journal::OrderFilter;
use crate::engine::poller::PollTiming;
use chrono::Utc;
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::sync::mpsc::unbounded_channel;

/// One screen joined.
struct Screen {
    out: mpsc::Sender<ToScreen>,
    /// Where the runtime sends the replies to this screen's requests.
    replies: mpsc::UnboundedSender<Action>,
    from: String,
}

/// Who asked for an effect: the engine's own app, or a screen.
type Origin = Option<u64>;

struct Engine {
    app: App,
    rt: Runtime,
    /// The runtime's own sender (replies to the engine's app).
    tx: mpsc::UnboundedSender<Action>,
    screens: HashMap<u64, Screen>,
    next_id: u64,
    notices: Vec<String>,
    /// Replies to screens' requests, tagged with the screen.
    replies_tx: mpsc::UnboundedSender<(u64, Action)>,
    /// Screens' messages; None when a screen's link closed.
    intents_tx: mpsc::UnboundedSender<(u64, Option<ToEngine>)>,
}

/// Runs the engine until `stop` completes; screens arrive on `joins`.
pub async fn run_engine(
    opts: RuntimeOptions,
    mut joins: mpsc::Receiver<Joined>,
    stop: impl Future<Output = ()>,
) {
    let mut settings = opts.settings;
    settings.role = Role::Engine;
    let Started {
        rt,
        app,
        mut rx,
        tx,
        webhook,
    } = start(
        opts.accounts,
        settings,
        &opts.journal,
        opts.rules,
        opts.webhook,
    )
    .await;
    let (replies_tx, mut replies_rx) = mpsc::unbounded_channel();
    let (intents_tx, mut intents_rx) = mpsc::unbounded_channel();
    let mut e = Engine {
        app,
        rt,
        tx,
        screens: HashMap::new(),
        next_id: 1,
        notices: opts.notices,
        replies_tx,
        intents_tx,
    };
    // What was said while starting (the webhook receiver's address) comes
    // before the config's words in each welcome, so the last is the one
    // a screen leaves in its status bar.
    let mut said = Vec::new();
    while let Ok(a) = rx.try_recv() {
        match a {
            Action::Notice(n) => said.push(n),
            a => e.route(None, a),
        }
    }
    said.append(&mut e.notices);
    e.notices = said;
    for n in &e.notices {
        tracing::info!("{n}");
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut idle_tick = tokio::time::interval(Duration::from_secs(60));
    idle_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut refresh = tokio::time::interval(opts.balance_refresh.max(Duration::from_secs(10)));
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    refresh.tick().await;
    let journal = opts.journal.clone();
    let mut journal_gone_said = false;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(a) = rx.recv() => e.route(None, a),
            Some((id, a)) = replies_rx.recv() => e.route(Some(id), a),
            Some((id, m)) = intents_rx.recv() => e.intent(id, m),
            Some(j) = joins.recv() => e.join(j),
            _ = tick.tick(), if e.app.needs_tick() => e.route(None, Action::Tick(Utc::now())),
            _ = idle_tick.tick(), if !e.app.needs_tick() => e.route(None, Action::Tick(Utc::now())),
            _ = refresh.tick() => {
                if let (false, Err(err)) = (journal_gone_said, journal.check_file()) {
                    journal_gone_said = true;
                    tracing::error!("{err}");
                    e.route(None, Action::Notice(format!("WARNING {err}")));
                }
                e.route(None, Action::RefreshDue(Utc::now()));
            }
        }
    }
    e.rt.stop_all();
    if let Some(h) = webhook {
        h.abort();
    }
    tracing::info!("engine stopped");
}

/// Actions every screen sees whoever caused them: the book's, account
/// figures, pushes kept. Other replies go to whoever asked.
fn shared(a: &Action, origin: Origin) -> bool {
    match a {
        Action::Book(_) | Action::BalanceLoaded { .. } | Action::WebhookKept(_) => true,
        Action::Notice(_) => origin.is_none(),
        _ => false,
    }
}

impl Engine {
    fn route(&mut self, origin: Origin, action: Action) {
        let shared = shared(&action, origin);
        if shared {
            // Before the engine's app takes it, so its news follows.
            self.broadcast(ToScreen::Action(action.clone()));
        }
        match origin {
            Some(id) if !shared => self.send_to(id, ToScreen::Reply(action)),
            _ => {
                let effects = self.app.update(action);
                self.exec(effects, None);
            }
        }
    }

    fn exec(&mut self, effects: Vec<Effect>, origin: Origin) {
        for effect in effects {
            match effect {
                // A screen's own: the engine has no terminal or clipboard.
                Effect::Copy { .. } | Effect::Bell | Effect::Notify(_) | Effect::Quit => {}
                Effect::Tell(news) => self.broadcast(ToScreen::Action(Action::Told(news))),
                effect => {
                    let replies = origin.and_then(|id| self.screens.get(&id));
                    match replies {
                        Some(s) => {
                            self.rt.tx = s.replies.clone();
                            self.rt.exec(effect);
                            self.rt.tx = self.tx.clone();
                        }
                        None if origin.is_some() => {}
                        None => self.rt.exec(effect),
                    }
                }
            }
        }
    }

    fn intent(&mut self, id: u64, msg: Option<ToEngine>) {
        if let Some(m) = msg.as_ref().filter(|m| !link::screen_may_ask(m)) {
            tracing::warn!(screen = id, "refused from a screen: {m:?}");
            self.send_to(
                id,
                ToScreen::Reply(Action::Notice(
                    "The engine refused a request only it may make".into(),
                )),
            );
            return;
        }
        match msg {
            None => {
                if let Some(s) = self.screens.remove(&id) {
                    tracing::info!(screen = id, from = %s.from, "screen left");
                }
            }
            Some(ToEngine::Effect(effect)) => self.exec(vec![effect], Some(id)),
            Some(ToEngine::Book(a)) => self.route(None, Action::Book(a)),
            Some(ToEngine::Hello { .. }) => {}
        }
    }

    fn join(&mut self, j: Joined) {
        let id = self.next_id;
        self.next_id += 1;
        let welcome = ToScreen::Welcome(Welcome {
            protocol: link::PROTOCOL,
            version: env!("CARGO_PKG_VERSION").into(),
            pid: std::process::id(),
            accounts: self.app.accounts.iter().map(|a| a.info.clone()).collect(),
            money: link::MoneySettings::of(&self.app.settings),
            notices: self.notices.clone(),
        });
        if j.out.try_send(welcome).is_err()
            || j.out.try_send(link::attached(self.app.snapshot())).is_err()
        {
            return;
        }
        // The screen's messages and its replies, tagged with its id.
        let intents = self.intents_tx.clone();
        let mut inbox = j.inbox;
        tokio::spawn(async move {
            while let Some(m) = inbox.recv().await {
                if intents.send((id, Some(m))).is_err() {
                    return;
                }
            }
            let _ = intents.send((id, None));
        });
        let (replies, mut replies_rx) = mpsc::unbounded_channel();
        let tagged = self.replies_tx.clone();
        tokio::spawn(async move {
            while let Some(a) = replies_rx.recv().await {
                if tagged.send((id, a)).is_err() {
                    return;
                }
            }
        });
        tracing::info!(screen = id, from = %j.from, "screen joined");
        self.screens.insert(
            id,
            Screen {
                out: j.out,
                replies,
                from: j.from,
            },
        );
    }

    fn send_to(&mut self, id: u64, msg: ToScreen) {
        let Some(s) = self.screens.get(&id) else {
            return;
        };
        if let Err(e) = s.out.try_send(msg) {
            self.drop_screen(id, e);
        }
    }

    fn broadcast(&mut self, msg: ToScreen) {
        let mut gone = Vec::new();
        for (id, s) in &self.screens {
            if let Err(e) = s.out.try_send(msg.clone()) {
                gone.push((*id, e));
            }
        }
        for (id, e) in gone {
            self.drop_screen(id, e);
        }
    }

    /// A screen whose queue is full stopped reading: it is dropped so it
    /// slows neither the engine nor the other screens.
    fn drop_screen(&mut self, id: u64, e: mpsc::error::TrySendError<ToScreen>) {
        if let Some(s) = self.screens.remove(&id) {
            match e {
                mpsc::error::TrySendError::Full(_) => {
                    tracing::warn!(screen = id, from = %s.from, "screen stopped reading: dropped")
                }
                mpsc::error::TrySendError::Closed(_) => {
                    tracing::info!(screen = id, from = %s.from, "screen gone")
                }
            }
        }
    }
}

/// The runtime and the app, started: adapters built, the journal's book
/// sent in, the first effects carried out, the webhook receiver up.
struct Started {
    pub rt: Runtime,
    pub app: App,
    pub rx: tokio::sync::mpsc::UnboundedReceiver<Action>,
    pub tx: tokio::sync::mpsc::UnboundedSender<Action>,
    pub webhook: Option<tokio::task::JoinHandle<()>>,
}

async fn start(
    accounts: Vec<super::RuntimeAccount>,
    mut settings: crate::app::AppSettings,
    journal: &std::sync::Arc<crate::engine::journal::Journal>,
    rules: crate::domain::Rules,
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
    for e in effects {
        rt.exec(e);
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

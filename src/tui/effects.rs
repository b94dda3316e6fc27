//! Carries out the effects `App::update` returns: each API call in its own
//! task (the UI never waits on the network), pollers started and stopped
//! when the app says, copies and the bell. Results come back as actions.

use super::clipboard::CopyTarget;
use crate::app::{AccountInfo, Action, AppSettings, Effect};
use crate::domain::{BuyRequest, Order, OrderOp, ProviderKind};
use crate::engine::journal::{Journal, OrderFilter};
use crate::engine::orders::{self, EngineError};
use crate::engine::poller::{self, PollTiming};
use crate::providers::{ProviderSettings, SharedProvider};
use chrono::Utc;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// One account ready for the dashboard: its adapter, or why it has none.
pub struct RuntimeAccount {
    pub info: AccountInfo,
    pub provider: Result<SharedProvider, String>,
    /// A seller key's clients (the seller view), or why there are none.
    pub seller: Option<Result<Arc<super::seller_effects::SellerClients>, String>>,
}

impl RuntimeAccount {
    /// Builds the adapter from resolved settings (or carries why there are
    /// none); the account's capabilities come from its adapter.
    pub fn new(
        name: String,
        kind: ProviderKind,
        settings: Result<ProviderSettings, String>,
    ) -> RuntimeAccount {
        let provider =
            settings.and_then(|s| crate::providers::build(&s).map_err(|e| e.to_string()));
        let caps = provider
            .as_ref()
            .map(|p| p.capabilities())
            .unwrap_or_default();
        RuntimeAccount {
            info: AccountInfo {
                name,
                kind,
                caps,
                seller: false,
            },
            provider,
            seller: None,
        }
    }

    /// A GoTopUp seller account: no buyer adapter, its seller clients
    /// from its settings (or why not, said in the accounts pane).
    pub fn seller_account(
        name: String,
        settings: Result<ProviderSettings, String>,
    ) -> RuntimeAccount {
        let clients = settings
            .and_then(|s| super::seller_effects::SellerClients::new(&s))
            .map(Arc::new);
        RuntimeAccount {
            info: AccountInfo {
                name,
                kind: ProviderKind::GoTopUp,
                caps: Default::default(),
                seller: true,
            },
            provider: Err("a seller key answers the seller calls only".into()),
            seller: Some(clients),
        }
    }
}

pub struct RuntimeOptions {
    pub accounts: Vec<RuntimeAccount>,
    pub settings: AppSettings,
    pub journal: Arc<Journal>,
    pub clipboard: crate::config::ClipboardMode,
    pub osc52_passthrough: bool,
    pub balance_refresh: Duration,
    /// Said in the status bar at start (config warnings, demo hints).
    pub notices: Vec<String>,
    /// Rules on spending, checked before every buy is sent.
    pub rules: crate::domain::Rules,
    /// The webhook receiver, when configured.
    pub webhook: Option<super::webhook::WebhookRun>,
}

pub(super) struct Runtime {
    pub tx: UnboundedSender<Action>,
    pub providers: HashMap<String, SharedProvider>,
    pub journal: Arc<Journal>,
    pub pollers: HashMap<i64, JoinHandle<()>>,
    pub deposit_pollers: HashMap<i64, JoinHandle<()>>,
    pub timing: PollTiming,
    pub clipboard: Box<dyn CopyTarget>,
    /// Set once the app asked to quit.
    pub quitting: bool,
    pub rules: crate::domain::Rules,
    /// Seller keys' clients by account name.
    pub sellers: HashMap<String, Arc<super::seller_effects::SellerClients>>,
}

pub(super) fn send(tx: &UnboundedSender<Action>, a: Action) {
    // The loop is gone only while quitting; nothing left to tell it then.
    let _ = tx.send(a);
}

impl Runtime {
    pub(super) fn provider(&self, account: &str) -> Option<SharedProvider> {
        self.providers.get(account).cloned()
    }

    fn order(&self, id: i64) -> Option<Order> {
        self.journal.order(id).ok().flatten()
    }

    /// Polls `order` until it is final; the app asks once per order.
    fn watch(&mut self, order: Order) {
        self.pollers.retain(|_, h| !h.is_finished());
        let Some(p) = self.provider(&order.account) else {
            send(&self.tx, Action::PollStopped { order_id: order.id });
            return;
        };
        let tx = self.tx.clone();
        let id = order.id;
        let handle = poller::spawn(p, self.journal.clone(), order, self.timing, move |ev| {
            super::poll_events::to_actions(&tx, ev)
        });
        if let Some(old) = self.pollers.insert(id, handle) {
            old.abort();
        }
    }

    pub fn stop_all(&mut self) {
        for (_, h) in self.pollers.drain().chain(self.deposit_pollers.drain()) {
            h.abort();
        }
    }

    pub fn exec(&mut self, effect: Effect, out: &mut dyn Write) {
        let tx = self.tx.clone();
        match effect {
            Effect::Quit => self.quitting = true,
            Effect::Bell => {
                let _ = out.write_all(b"\x07").and_then(|_| out.flush());
            }
            Effect::Notify(n) => {
                let bytes = super::notify::escapes(&n);
                let _ = out.write_all(&bytes).and_then(|_| out.flush());
                if n.desktop {
                    super::notify::desktop(&n);
                }
            }
            Effect::Copy { text, what } => match super::clipboard::copyable(&text, &what)
                .ok_or_else(|| format!("the {what} holds nothing that can be copied"))
                .and_then(|t| self.clipboard.copy(&t, out))
            {
                Ok(how) => send(
                    &tx,
                    Action::Copied {
                        what,
                        how: how.into(),
                    },
                ),
                Err(e) => send(&tx, Action::CopyFailed(e)),
            },
            Effect::Watch(order) => self.watch(order),
            Effect::Unwatch { order_id } => {
                if let Some(h) = self.pollers.remove(&order_id) {
                    h.abort();
                }
            }
            Effect::LoadBalance { account } => self.load_balance(account),
            Effect::LoadServices { account } => self.load_services(account),
            Effect::LoadCountries {
                account,
                service_id,
            } => self.load_countries(account, service_id),
            Effect::LoadOffers {
                account,
                service_id,
                country_id,
            } => self.load_offers(account, service_id, country_id),
            Effect::Buy { account, request } => self.buy(account, request),
            Effect::BuyBatch { account, requests } => self.buy_batch(account, requests),
            Effect::ReplayBuy {
                account,
                request,
                order_id,
            } => self.replay(account, request, order_id),
            Effect::Order { op, order_id } => self.order_op(op, order_id),
            Effect::Reconcile { account } => self.reconcile(account),
            Effect::LoadEmailMessages { order_id } => {
                let result = self
                    .journal
                    .email_messages(order_id)
                    .map_err(|e| e.to_string());
                send(&tx, Action::EmailMessages { order_id, result });
            }
            Effect::LoadMoreOffers {
                account,
                service_id,
                country_id,
                page,
            } => self.load_more_offers(account, service_id, country_id, page),
            Effect::WebhookGet { account } => self.webhook_get(account),
            Effect::HistoryLoad { account, query } => self.history_load(account, query),
            Effect::BillInquiry {
                account,
                product,
                customer,
            } => self.bill_inquiry(account, product, customer),
            Effect::WebhookSet { account, change } => self.webhook_set(account, change),
            Effect::ReportLoad { account, query } => self.report(account, query),
            Effect::Seller { account, call } => self.seller_call(account, call),
            Effect::ApiSettingsGet { account } => self.api_settings(account, None),
            Effect::ApiSettingsSet { account, change } => self.api_settings(account, Some(change)),
            Effect::LoadStats { days } => {
                // The journal is local and quick; the view asks once.
                let since = Utc::now() - chrono::Duration::days(days as i64);
                let offset = *chrono::Local::now().offset();
                let today = Utc::now().with_timezone(&offset).date_naive();
                let figures = self
                    .journal
                    .order_facts(since)
                    .map(|f| {
                        let by = crate::engine::stats::GroupBy::Offer;
                        crate::engine::stats::overview(&f, by, days, today, offset)
                    })
                    .map_err(|e| e.to_string());
                send(&tx, Action::StatsLoaded(figures));
            }
            Effect::Compare {
                ticket,
                service,
                country,
            } => self.compare(ticket, service, country),
            Effect::CreateDeposit { account, request } => self.create_deposit(account, request),
            Effect::CancelDeposit { deposit_id } => self.cancel_deposit(deposit_id),
            Effect::WatchDeposit(d) => self.watch_deposit(d),
            Effect::ReplaceBegin(link) => self.replace_begin(&link),
            Effect::ReplaceBuy {
                from_order,
                account,
                request,
            } => self.replace_buy(from_order, account, request),
            Effect::ReplaceEnded { from_order, note } => self.replace_ended(from_order, &note),
            Effect::CheckBalance { account, order_id } => self.check_balance(account, order_id),
            Effect::NoteClue { order_id, clue } => self.note_clue(order_id, &clue),
            Effect::Settle {
                order_id,
                verdict,
                number,
            } => self.settle(order_id, verdict, number, None),
            Effect::SettleByClues {
                order_id,
                verdict,
                clues,
            } => self.settle(order_id, verdict, None, Some(clues)),
        }
    }

    /// Asks every account that sells numbers by country, each in its own
    /// task, so the view fills in as they answer.
    fn compare(&self, ticket: u64, service: String, country: String) {
        for (account, p) in self.providers.clone() {
            if !p.capabilities().countries {
                continue;
            }
            let (tx, journal) = (self.tx.clone(), self.journal.clone());
            let (service, country) = (service.clone(), country.clone());
            tokio::spawn(async move {
                let now = Utc::now();
                let result = crate::engine::compare::account_rows(
                    p.as_ref(),
                    &journal,
                    &account,
                    &service,
                    &country,
                    now,
                )
                .await;
                send(
                    &tx,
                    Action::CompareLoaded {
                        ticket,
                        account,
                        result,
                    },
                );
            });
        }
    }

    fn reconcile(&self, account: String) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(p) = self.provider(&account) else {
            return;
        };
        tokio::spawn(async move {
            let active = OrderFilter {
                account: Some(account.clone()),
                active_only: true,
                limit: None,
            };
            // Orders the reconcile may settle (replayed, or closed by the
            // balance window) are sent again whatever they became.
            let before: Vec<i64> = journal
                .orders(&active)
                .map(|l| l.iter().map(|o| o.id).collect())
                .unwrap_or_default();
            if let Ok(still) = orders::reconcile_unknown(p.as_ref(), &journal, &account).await {
                for o in still {
                    send(&tx, Action::OrderChanged(o));
                }
            }
            for id in before {
                if let Ok(Some(o)) = journal.order(id) {
                    if o.status.is_final() {
                        send(&tx, Action::OrderChanged(o));
                    }
                }
            }
            if let Ok(list) = journal.orders(&active) {
                for o in list {
                    send(&tx, Action::OrderChanged(o));
                }
            }
        });
    }

    fn bill_inquiry(&self, account: String, product: String, customer: String) {
        let tx = self.tx.clone();
        let Some(p) = self.provider(&account) else {
            let result = Err("no provider for this account".into());
            return send(&tx, Action::BillInquired { account, result });
        };
        tokio::spawn(async move {
            let result = p
                .bill_inquiry(&product, &customer)
                .await
                .map_err(|e| e.to_string());
            send(&tx, Action::BillInquired { account, result });
        });
    }

    fn history_load(&self, account: String, query: crate::domain::history::HistoryQuery) {
        let tx = self.tx.clone();
        let Some(p) = self.provider(&account) else {
            let result = Err("no provider for this account".into());
            return send(
                &tx,
                Action::HistoryLoaded {
                    account,
                    query,
                    result,
                },
            );
        };
        tokio::spawn(async move {
            let result = p.history(&query).await.map_err(|e| e.to_string());
            send(
                &tx,
                Action::HistoryLoaded {
                    account,
                    query,
                    result,
                },
            );
        });
    }

    fn webhook_get(&self, account: String) {
        let tx = self.tx.clone();
        let Some(p) = self.provider(&account) else {
            let result = Err("no provider for this account".into());
            return send(&tx, Action::WebhookLoaded { account, result });
        };
        tokio::spawn(async move {
            let result = p.webhook_get().await.map_err(|e| e.to_string());
            send(&tx, Action::WebhookLoaded { account, result });
        });
    }

    fn webhook_set(&self, account: String, change: crate::domain::webhook::WebhookChange) {
        let tx = self.tx.clone();
        let Some(p) = self.provider(&account) else {
            let result = Err("no provider for this account".into());
            return send(&tx, Action::WebhookSaved { account, result });
        };
        tokio::spawn(async move {
            let result = p
                .webhook_update(&change)
                .await
                .map(|s| (s.config, s.secret))
                .map_err(|e| e.to_string());
            send(&tx, Action::WebhookSaved { account, result });
        });
    }

    fn report(&self, account: String, query: crate::domain::report::ReportQuery) {
        let tx = self.tx.clone();
        let p = self.provider(&account);
        // A seller key's report is at its own path.
        let seller = self.sellers.get(&account).cloned();
        tokio::spawn(async move {
            let result = match (seller, p) {
                (Some(c), _) => c.keys.report(&query).await.map_err(|e| e.to_string()),
                (None, Some(p)) => p.report(&query).await.map_err(|e| e.to_string()),
                (None, None) => Err("no provider for this account".to_string()),
            };
            send(
                &tx,
                Action::ReportLoaded {
                    account,
                    query,
                    result,
                },
            );
        });
    }

    /// Reads (None) or changes the API settings of a GoTopUp account.
    fn api_settings(
        &self,
        account: String,
        change: Option<crate::domain::api_config::ApiSettingsChange>,
    ) {
        let tx = self.tx.clone();
        let p = self.provider(&account);
        // A seller key's own settings (`/api/seller/api/config`).
        let seller = self.sellers.get(&account).cloned();
        tokio::spawn(async move {
            let keys = seller.as_ref().map(|c| &c.keys);
            let result = match (keys, &p, &change) {
                (Some(k), _, None) => k.get().await.map_err(|e| e.to_string()),
                (Some(k), _, Some(c)) => k.set(c).await.map_err(|e| e.to_string()),
                (None, None, _) => Err("no provider for this account".to_string()),
                (None, Some(p), None) => p.api_settings_get().await.map_err(|e| e.to_string()),
                (None, Some(p), Some(c)) => p.api_settings_set(c).await.map_err(|e| e.to_string()),
            };
            let action = match change {
                None => Action::ApiSettingsLoaded { account, result },
                Some(_) => Action::ApiSettingsSaved { account, result },
            };
            send(&tx, action);
        });
    }

    fn load_balance(&self, account: String) {
        let tx = self.tx.clone();
        let Some(p) = self.provider(&account) else {
            let result = Err("no provider for this account".into());
            let now = Utc::now();
            return send(
                &tx,
                Action::BalanceLoaded {
                    account,
                    result,
                    now,
                },
            );
        };
        tokio::spawn(async move {
            let result = p.balance().await.map_err(|e| e.to_string());
            let now = Utc::now();
            send(
                &tx,
                Action::BalanceLoaded {
                    account,
                    result,
                    now,
                },
            );
        });
    }

    fn load_services(&self, account: String) {
        let tx = self.tx.clone();
        let Some(p) = self.provider(&account) else {
            let result = Err("no provider for this account".into());
            let now = Utc::now();
            return send(
                &tx,
                Action::ServicesLoaded {
                    account,
                    result,
                    now,
                },
            );
        };
        tokio::spawn(async move {
            let result = p.services().await.map_err(|e| e.to_string());
            let now = Utc::now();
            send(
                &tx,
                Action::ServicesLoaded {
                    account,
                    result,
                    now,
                },
            );
        });
    }

    fn load_countries(&self, account: String, service_id: String) {
        let tx = self.tx.clone();
        let p = self.provider(&account);
        tokio::spawn(async move {
            let result = match p {
                Some(p) => p.countries(&service_id).await.map_err(|e| e.to_string()),
                None => Err("no provider for this account".into()),
            };
            let now = Utc::now();
            send(
                &tx,
                Action::CountriesLoaded {
                    account,
                    service_id,
                    result,
                    now,
                },
            );
        });
    }

    fn load_more_offers(&self, account: String, service_id: String, country_id: String, page: u32) {
        let tx = self.tx.clone();
        let p = self.provider(&account);
        tokio::spawn(async move {
            let result = match p {
                Some(p) => p
                    .offers_page(&service_id, Some(&country_id), page)
                    .await
                    .map_err(|e| e.to_string()),
                None => Err("no provider for this account".into()),
            };
            let now = Utc::now();
            send(
                &tx,
                Action::OffersPageLoaded {
                    account,
                    service_id,
                    country_id,
                    page,
                    result,
                    now,
                },
            );
        });
    }

    fn load_offers(&self, account: String, service_id: String, country_id: Option<String>) {
        let tx = self.tx.clone();
        let p = self.provider(&account);
        tokio::spawn(async move {
            // The first page; where the API pages on demand, it says
            // whether more follow.
            let (result, more) = match p {
                Some(p) => match p.offers_page(&service_id, country_id.as_deref(), 1).await {
                    Ok((list, more)) => (Ok(list), more),
                    Err(e) => (Err(e.to_string()), false),
                },
                None => (Err("no provider for this account".into()), false),
            };
            let more = match (more, &country_id) {
                (true, Some(c)) => Some(Action::OffersMore {
                    account: account.clone(),
                    service_id: service_id.clone(),
                    country_id: c.clone(),
                    next_page: 2,
                }),
                _ => None,
            };
            let now = Utc::now();
            send(
                &tx,
                Action::OffersLoaded {
                    account,
                    service_id,
                    country_id,
                    result,
                    now,
                },
            );
            // After the list: loading it forgets an older "more".
            if let Some(m) = more {
                send(&tx, m);
            }
        });
    }

    /// Sends a lost buy again with its key; the journal row says what
    /// happened, and the app decides whether to try again.
    fn replay(&self, account: String, request: BuyRequest, order_id: i64) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(p) = self.provider(&account) else {
            return send(
                &tx,
                Action::ReplayDone {
                    order_id,
                    refused: false,
                    now: Utc::now(),
                },
            );
        };
        tokio::spawn(async move {
            // The outcome is in the journal either way: a clear answer
            // settles the row, another unclear one leaves it Unknown.
            let _ = orders::buy(p.as_ref(), &journal, &account, &request).await;
            if let Ok(Some(order)) = journal.order(order_id) {
                send(&tx, Action::OrderChanged(order));
            }
            let refused = orders::replay_refused(&journal, order_id).unwrap_or(false);
            send(
                &tx,
                Action::ReplayDone {
                    order_id,
                    refused,
                    now: Utc::now(),
                },
            );
        });
    }

    fn order_op(&self, op: OrderOp, order_id: i64) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(order) = self.order(order_id) else {
            return;
        };
        let Some(p) = self.provider(&order.account) else {
            return;
        };
        tokio::spawn(async move {
            match orders::run_op(op, p.as_ref(), &journal, &order).await {
                Ok(done) => {
                    if let Some(old) = done.replaced {
                        send(&tx, Action::OrderChanged(old));
                    }
                    if op == OrderOp::Resend {
                        let text = crate::domain::order_rules::resend_done(&done.order);
                        send(&tx, Action::Notice(text));
                    }
                    send(&tx, Action::OrderChanged(done.order));
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
                            op: Some(op),
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

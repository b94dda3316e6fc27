//! The dashboard's state and its pure update function.
//!
//! Everything that happens becomes an [`Action`]: keys, mouse, resizes,
//! ticks, poller updates and API replies. [`App::update`] changes state and
//! returns [`Effect`]s for the runtime to carry out (API calls, journal
//! writes, clipboard); it never awaits, does I/O or reads a clock: time
//! arrives inside the actions. `ui::draw` reads the state only.

mod action;
pub mod book;
mod book_view;
mod buy_walk;
pub mod catalog;
pub mod email;
mod email_walk;
mod input;
pub mod keymap;
pub mod layout;
mod loads;
pub mod panes;
pub(crate) mod popup_list;
pub mod popups;
mod postpaid;
pub mod role;
mod settings;
mod status;
pub mod view;
pub mod views;

pub use action::{Action, Effect, Notification};
pub use book::Clues;
pub use book::Replay;
pub use book::{BookAction, Chain};
pub use input::layers as key_layers;
pub use panes::orders::{applies as command_applies, selected_order};
pub use panes::Pane;
pub use popups::{complete as complete_command, Popup};
pub use settings::AppSettings;

use crate::domain::ProviderError;
use crate::domain::{Capabilities, Order, OrderStatus, Otp, ProviderKind};
use crate::money::Rupiah;
use catalog::{Load, ServiceNode};
use chrono::{DateTime, Utc};
use keymap::KeyMap;

/// An account as the dashboard knows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AccountInfo {
    pub name: String,
    pub kind: ProviderKind,
    pub caps: Capabilities,
    /// A GoTopUp seller account (`role = "seller"`): no buyer calls, no
    /// catalog; shown as "seller" in the accounts pane.
    pub seller: bool,
}

impl AccountInfo {
    /// A GoTopUp buyer key: bills, history, reports, API settings.
    pub fn is_gotopup_buyer(&self) -> bool {
        self.kind == ProviderKind::GoTopUp && !self.seller
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountState {
    pub info: AccountInfo,
    pub balance: Option<Rupiah>,
    pub balance_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub loading: bool,
    pub services: Load<Vec<ServiceNode>>,
}

/// The account of that name (the view's and the book's one lookup).
pub fn account_in<'a>(accounts: &'a [AccountState], name: &str) -> Option<&'a AccountState> {
    accounts.iter().find(|a| a.info.name == name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Level {
    Info,
    Ok,
    Warn,
    Error,
}

/// A buy sent but not yet journaled as placed: shown as "buying…".
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PendingBuy {
    pub account: String,
    pub idempotency_key: String,
    pub service: String,
    pub country: Option<String>,
    pub price: Rupiah,
    pub since: DateTime<Utc>,
}

/// How long a final order stays in the orders pane.
pub const FINAL_LINGER: chrono::Duration = chrono::Duration::seconds(30);

/// The dashboard's state in parts: the accounts and settings every part
/// reads, the money book, the catalog and the view. The book never reads
/// the view or the catalog; a screen sends intents and draws what the book
/// says (see ARCHITECTURE.md).
pub struct App {
    pub accounts: Vec<AccountState>,
    pub settings: AppSettings,
    pub keymap: KeyMap,
    pub key_problems: Vec<String>,
    pub now: DateTime<Utc>,
    /// Orders, replays, clues, chains, deposits: every money decision.
    pub book: book::Book,
    /// The catalog tree's state: what is open, sorted, filtered, paged.
    pub catalog: catalog::CatalogState,
    /// Focus, selections, popups, the filter line and the status line.
    pub view: view::View,
}

impl App {
    pub fn new(
        accounts: Vec<AccountInfo>,
        settings: AppSettings,
        now: DateTime<Utc>,
    ) -> (App, Vec<Effect>) {
        let (keymap, key_problems) = KeyMap::with_overrides(&settings.keys);
        let effects: Vec<Effect> = accounts
            .iter()
            .filter(|a| !a.seller)
            .map(|a| Effect::LoadBalance {
                account: a.name.clone(),
            })
            .chain(accounts.iter().map(|a| Effect::Reconcile {
                account: a.name.clone(),
            }))
            .collect();
        let status = key_problems.first().map(|p| {
            (
                format!("{p} ({} key problem(s); see ?)", key_problems.len()),
                Level::Warn,
            )
        });
        // A screen's engine has read the balances and reconciled.
        let effects = match settings.role {
            role::Role::Screen => Vec::new(),
            role::Role::Alone | role::Role::Engine => effects,
        };
        let app = App {
            accounts: accounts
                .into_iter()
                .map(|info| AccountState {
                    info,
                    balance: None,
                    balance_at: None,
                    error: None,
                    loading: true,
                    services: Load::NotLoaded,
                })
                .collect(),
            settings,
            keymap,
            key_problems,
            now,
            book: book::Book::default(),
            catalog: catalog::CatalogState::default(),
            view: view::View::new(status, now),
        };
        (app, effects)
    }

    pub fn account_position(&self, name: &str) -> Option<usize> {
        self.accounts.iter().position(|a| a.info.name == name)
    }

    pub fn account_of(&self, name: &str) -> Option<&AccountState> {
        account_in(&self.accounts, name)
    }

    pub fn active_name(&self) -> Option<&str> {
        self.view
            .active
            .and_then(|i| self.accounts.get(i))
            .map(|a| a.info.name.as_str())
    }

    fn shows(&self, account: &str) -> bool {
        self.active_name().is_none_or(|n| n == account)
    }

    /// Orders shown in the pane: active ones, recent finals, newest first.
    pub fn visible_orders(&self) -> Vec<&Order> {
        // The map keeps them by id: newest first is its reverse, no sort.
        self.book
            .orders
            .values()
            .rev()
            .filter(|o| self.shows(&o.account))
            .filter(|o| match self.book.final_since.get(&o.id) {
                Some(t) => self.now - *t < FINAL_LINGER,
                None => true,
            })
            .collect()
    }

    pub fn visible_pending(&self) -> Vec<&PendingBuy> {
        self.book
            .pending
            .iter()
            .filter(|p| self.shows(&p.account))
            .collect()
    }

    pub fn visible_otps(&self) -> Vec<&Otp> {
        self.book
            .otp_log
            .iter()
            .filter(|o| self.shows(&o.account))
            .collect()
    }

    pub fn total_balance(&self) -> Rupiah {
        self.accounts.iter().filter_map(|a| a.balance).sum()
    }

    /// True while something counts down or spins: the runtime ticks then.
    pub fn needs_tick(&self) -> bool {
        !self.book.pending.is_empty()
            || !self.book.replays.is_empty()
            || self
                .book
                .deposits
                .values()
                .any(|d| d.status == crate::domain::DepositStatus::Pending)
            || self.accounts.iter().any(|a| a.loading)
            || self.book.orders.values().any(|o| {
                o.status.is_active()
                    || o.status == OrderStatus::Buying
                    || self
                        .book
                        .final_since
                        .get(&o.id)
                        .is_some_and(|t| self.now - *t < FINAL_LINGER)
            })
    }

    /// When the provider lets order `id` be cancelled (see
    /// `Book::cancel_allowed_at`).
    pub fn cancel_allowed_at(&self, id: i64) -> Option<DateTime<Utc>> {
        self.book.cancel_allowed_at(&self.accounts, id)
    }

    /// The book at work, with what it may read.
    pub(crate) fn cx(&mut self) -> book::BookCx<'_> {
        book::BookCx {
            book: &mut self.book,
            accounts: &self.accounts,
            settings: &self.settings,
            now: self.now,
        }
    }

    pub fn sel(&self, pane: Pane) -> usize {
        self.view.selected.get(&pane).copied().unwrap_or(0)
    }

    /// The idempotency key of the next buy: the shared rule, with this
    /// run's salt and a counter, so update stays deterministic.
    pub(crate) fn next_key(&mut self, now: DateTime<Utc>) -> String {
        self.book.counter += 1;
        crate::domain::idempotency_key(now, self.settings.key_salt.wrapping_add(self.book.counter))
    }

    /// The top popup, if any.
    pub fn popup(&self) -> Option<&Popup> {
        self.view.popups.last()
    }

    /// Opens `popup` over whatever is open.
    pub fn open(&mut self, popup: Popup) {
        self.view.popups.push(popup);
    }

    /// Closes the top popup and gives it back.
    pub fn close_top(&mut self) -> Option<Popup> {
        self.view.popups.pop()
    }

    pub fn quit(&mut self) -> Vec<Effect> {
        self.view.quit = true;
        vec![Effect::Quit]
    }

    pub fn switch_account(&mut self, to: Option<usize>) {
        self.catalog.pending_buy = None;
        self.view.active = to.filter(|i| *i < self.accounts.len());
        self.view.selected.clear();
        let label = self.active_name().unwrap_or("All accounts").to_string();
        self.set_status(format!("Showing {label}"), Level::Info);
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let loaded = match &action {
            Action::ServicesLoaded {
                account, result, ..
            } => Some((account.clone(), result.is_ok())),
            Action::CountriesLoaded {
                account, result, ..
            } => Some((account.clone(), result.is_ok())),
            Action::OffersLoaded {
                account, result, ..
            } => Some((account.clone(), result.is_ok())),
            _ => None,
        };
        let mut effects = self.apply(action);
        effects.extend(self.show_news());
        if let Some((account, ok)) = loaded {
            effects.extend(buy_walk::resume(self, &account, ok));
            effects.extend(email_walk::resume(self, &account, ok));
        }
        self.keep_selections_in_rows();
        effects
    }

    /// Lists shrink (a filter, a collapse, an order leaving): every
    /// selection stays on a row that exists.
    fn keep_selections_in_rows(&mut self) {
        for pane in Pane::ALL {
            let sel = self.sel(pane);
            // The first row needs no check, and counting the catalog's rows
            // filters every loaded offer: skip it for the common case.
            if sel == 0 {
                continue;
            }
            let len = panes::pane_len(self, pane);
            if sel >= len {
                self.view.selected.insert(pane, len.saturating_sub(1));
            }
        }
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Tick(now) => {
                self.now = now;
                self.age_status();
                match self.settings.role {
                    // The engine's clock runs the book's timers.
                    role::Role::Screen => Vec::new(),
                    role::Role::Alone | role::Role::Engine => self.cx().on_tick(),
                }
            }
            Action::Book(action) => match self.settings.role {
                role::Role::Screen => self.mirror(action),
                role::Role::Alone | role::Role::Engine => self.book_action(action),
            },
            Action::Attached(snapshot) => {
                self.attached(*snapshot);
                Vec::new()
            }
            Action::Told(news) => {
                self.told(news);
                Vec::new()
            }
            Action::Key(k, now) => {
                self.now = now;
                input::on_key(self, k)
            }
            Action::Mouse(m, now) => {
                self.now = now;
                input::on_mouse(self, m);
                Vec::new()
            }
            Action::Resize(w, h) => {
                self.view.size = (w, h);
                Vec::new()
            }
            Action::RefreshDue(now) => {
                self.now = now;
                panes::balance::refresh(self)
            }
            Action::BalanceLoaded {
                account,
                result,
                now,
            } => {
                self.balance_loaded(&account, result, now);
                Vec::new()
            }
            Action::ServicesLoaded {
                account,
                result,
                now,
            } => {
                self.on_services(account, result, now);
                Vec::new()
            }
            Action::CountriesLoaded {
                account,
                service_id,
                result,
                now,
            } => {
                self.on_countries(account, service_id, result, now);
                Vec::new()
            }
            Action::OffersLoaded {
                account,
                service_id,
                country_id,
                result,
                now,
            } => {
                self.on_offers(account, service_id, country_id, result, now);
                Vec::new()
            }
            Action::EmailMessages { order_id, result } => self.on_email_messages(order_id, result),
            Action::OffersMore {
                account,
                service_id,
                country_id,
                next_page,
            } => {
                catalog::more_offers::has_more(self, &account, &service_id, &country_id, next_page);
                Vec::new()
            }
            Action::OffersPageLoaded {
                account,
                service_id,
                country_id,
                page,
                result,
                now,
            } => {
                catalog::more_offers::loaded(
                    self,
                    &account,
                    &service_id,
                    &country_id,
                    page,
                    result,
                    now,
                );
                Vec::new()
            }
            Action::DepositFailed {
                account,
                deposit_id,
                error,
            } => {
                let what = deposit_id
                    .map(|id| format!("deposit #{id}"))
                    .unwrap_or_else(|| "deposit".into());
                self.set_status(format!("{account}: {what}: {error}"), Level::Error);
                if deposit_id.is_none() {
                    self.view.deposit_to_show = None;
                }
                Vec::new()
            }
            Action::BillInquired { account, result } => {
                popups::bill::inquired(self, &account, result);
                Vec::new()
            }
            Action::HistoryLoaded {
                account,
                query,
                result,
            } => {
                views::history::loaded(self, &account, query, result);
                Vec::new()
            }
            Action::WebhookKept(k) => {
                popups::inbox::arrived(self, k);
                Vec::new()
            }
            Action::Seller { account, reply } => {
                views::seller::on_reply(self, &account, reply);
                Vec::new()
            }
            Action::WebhookLoaded { account, result } => {
                popups::webhook::loaded(self, &account, result);
                Vec::new()
            }
            Action::WebhookSaved { account, result } => {
                popups::webhook::saved(self, &account, result);
                Vec::new()
            }
            Action::ReportLoaded {
                account,
                query,
                result,
            } => {
                views::report::loaded(self, &account, &query, result);
                Vec::new()
            }
            Action::ApiSettingsLoaded { account, result } => {
                popups::api_settings::loaded(self, &account, result);
                Vec::new()
            }
            Action::ApiSettingsSaved { account, result } => {
                popups::api_settings::saved(self, &account, result);
                Vec::new()
            }
            Action::StatsLoaded(figures) => {
                views::stats::loaded(self, figures);
                Vec::new()
            }
            Action::CompareLoaded {
                ticket,
                account,
                result,
            } => {
                if let Some(effects) = self.cx().replace_offers(ticket, &result) {
                    return effects;
                }
                views::compare::loaded(self, ticket, account, result);
                Vec::new()
            }
            Action::Notice(text) => {
                self.set_status(text, Level::Info);
                Vec::new()
            }
            Action::Copied { what, how } => {
                self.set_status(format!("Copied {what} ({how})"), Level::Ok);
                Vec::new()
            }
            Action::CopyFailed(e) => {
                self.set_status(format!("Copy failed: {e}"), Level::Error);
                Vec::new()
            }
        }
    }

    fn balance_loaded(
        &mut self,
        account: &str,
        result: Result<Rupiah, ProviderError>,
        now: DateTime<Utc>,
    ) {
        self.now = now;
        if let Some(a) = self.accounts.iter_mut().find(|a| a.info.name == account) {
            a.loading = false;
            match result {
                Ok(b) => {
                    a.balance = Some(b);
                    a.balance_at = Some(now);
                    a.error = None;
                }
                Err(e) => a.error = Some(e.to_string()),
            }
        }
    }

    pub(crate) fn service_mut(
        &mut self,
        account: &str,
        service_id: &str,
    ) -> Option<&mut ServiceNode> {
        let a = self.accounts.iter_mut().find(|a| a.info.name == account)?;
        catalog::service_mut(&mut a.services, service_id)
    }
}

/// The first list row drawn for `pane`, so the selection stays visible;
/// drawing and mouse hit-testing both use it. It scrolls as little as
/// possible from where the pane was (the catalog keeps where it scrolled
/// to, `View::catalog_top`; the other panes start from the top): the
/// selection (kept within the list) ends up on the last visible line when
/// it is below, and the list's last row never leaves space under it.
pub fn scroll_offset(app: &App, pane: Pane, height: u16) -> usize {
    let visible = panes::row_lines(pane, height);
    let len = panes::pane_len(app, pane);
    if pane == Pane::OtpLog {
        // An entry whose number does not fit beside its code takes more
        // than one line.
        let sel = app.sel(pane).min(len.saturating_sub(1));
        return panes::otp_log::first_shown(app, sel, visible);
    }
    let from = if pane == Pane::Catalog {
        app.view.catalog_top
    } else {
        0
    };
    first_row(from, app.sel(pane), len, visible)
}

/// The first of `visible` rows of a list of `len` shown when it was at
/// `from` and row `sel` is selected: `from`, moved as little as keeps the
/// selection in sight and the list's end at the bottom.
pub fn first_row(from: usize, sel: usize, len: usize, visible: usize) -> usize {
    let sel = sel.min(len.saturating_sub(1));
    let lowest = sel.saturating_sub(visible.max(1) - 1);
    let highest = sel.min(len.saturating_sub(visible));
    from.clamp(lowest, highest.max(lowest))
}

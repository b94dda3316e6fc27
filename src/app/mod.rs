//! The dashboard's state and its pure update function.
//!
//! Everything that happens becomes an [`Action`]: keys, mouse, resizes,
//! ticks, poller updates and API replies. [`App::update`] changes state and
//! returns [`Effect`]s for the runtime to carry out (API calls, journal
//! writes, clipboard); it never awaits, does I/O or reads a clock: time
//! arrives inside the actions. `ui::draw` reads the state only.

pub mod catalog;
pub mod commands;
mod keys;
pub use keys::{applies as command_applies, complete as complete_command};
pub mod layout;

use crate::domain::{
    BuyRequest, Capabilities, Country, Offer, Order, OrderStatus, Otp, ProviderKind, Service,
};
use crate::money::Rupiah;
use catalog::{CountryNode, Load, ServiceNode, Sort};
use chrono::{DateTime, Utc};
use commands::{KeyMap, Pane};
use ratatui::crossterm::event::{KeyEvent, MouseEvent};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;
use tui_input::Input;

/// An account as the dashboard knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountInfo {
    pub name: String,
    pub kind: ProviderKind,
    pub caps: Capabilities,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    pub theme: String,
    pub no_color: bool,
    pub auto_copy: bool,
    pub bell: bool,
    /// Cancel an order with no SMS this long before expiry (zero: off).
    pub auto_cancel_before: Duration,
    pub keys: BTreeMap<String, String>,
    /// The local time zone's offset, read once at start, so drawing the OTP
    /// log's times reads no clock or zone data of its own.
    pub utc_offset: chrono::FixedOffset,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            theme: "default".into(),
            no_color: false,
            auto_copy: false,
            bell: false,
            auto_cancel_before: Duration::from_secs(60),
            keys: BTreeMap::new(),
            utc_offset: chrono::Offset::fix(&Utc),
        }
    }
}

// Actions and popups are moved, not stored in bulk; boxing the big ones
// would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent, DateTime<Utc>),
    Mouse(MouseEvent, DateTime<Utc>),
    Resize(u16, u16),
    Tick(DateTime<Utc>),
    BalanceLoaded {
        account: String,
        result: Result<Rupiah, String>,
        now: DateTime<Utc>,
    },
    ServicesLoaded {
        account: String,
        result: Result<Vec<Service>, String>,
        now: DateTime<Utc>,
    },
    CountriesLoaded {
        account: String,
        service_id: String,
        result: Result<Vec<Country>, String>,
        now: DateTime<Utc>,
    },
    OffersLoaded {
        account: String,
        service_id: String,
        country_id: Option<String>,
        result: Result<Vec<Offer>, String>,
        now: DateTime<Utc>,
    },
    /// The journal's view of an order after any change.
    OrderChanged(Order),
    /// The journal's orders at start: shown as they are, without the
    /// balance refreshes and messages a live change brings.
    Restored(Vec<Order>),
    /// The journal's OTP history, newest first (at start).
    OtpHistory(Vec<Otp>),
    /// A buy that the provider refused (nothing charged) or whose reply was
    /// lost (the order, if journaled, arrives as OrderChanged too).
    BuyFailed {
        account: String,
        idempotency_key: String,
        error: String,
    },
    /// An order action or poll failed.
    ActionFailed {
        order_id: i64,
        what: String,
        error: String,
        retry_after: Option<Duration>,
        now: DateTime<Utc>,
    },
    Notice(String),
    Copied {
        what: String,
        how: String,
    },
    CopyFailed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadBalance {
        account: String,
    },
    LoadServices {
        account: String,
    },
    LoadCountries {
        account: String,
        service_id: String,
    },
    LoadOffers {
        account: String,
        service_id: String,
        country_id: Option<String>,
    },
    Buy {
        account: String,
        request: BuyRequest,
    },
    Cancel {
        order_id: i64,
    },
    Finish {
        order_id: i64,
    },
    Resend {
        order_id: i64,
    },
    Replace {
        order_id: i64,
    },
    Copy {
        text: String,
        what: String,
    },
    Bell,
    SetTheme(String),
    Quit,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Ok,
    Warn,
    Error,
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Popup {
    ConfirmBuy {
        account: String,
        /// What is bought, in words: service, country and offer.
        what: String,
        request: BuyRequest,
        balance_after: Option<Rupiah>,
        /// Top-ups ask for the customer number here.
        customer: Option<Input>,
    },
    ConfirmCancel {
        order_id: i64,
    },
    Help,
    AccountPicker {
        selected: usize,
    },
    CommandLine(Input),
}

/// A buy sent but not yet journaled as placed: shown as "buying…".
#[derive(Debug, Clone, PartialEq)]
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

pub struct App {
    pub accounts: Vec<AccountState>,
    /// None: all accounts.
    pub active: Option<usize>,
    pub focus: Pane,
    pub settings: AppSettings,
    pub keymap: KeyMap,
    pub key_problems: Vec<String>,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    pub orders: BTreeMap<i64, Order>,
    /// When each order became final (it leaves the pane after FINAL_LINGER).
    pub final_since: HashMap<i64, DateTime<Utc>>,
    pub pending: Vec<PendingBuy>,
    /// Cancel cooldowns and auto-cancels asked, per order.
    pub cooldown_until: HashMap<i64, DateTime<Utc>>,
    pub auto_cancelled: HashSet<i64>,
    pub otp_log: Vec<Otp>,
    pub expanded: HashSet<String>,
    pub sort: Sort,
    pub filter: Input,
    pub filtering: bool,
    pub selected: HashMap<Pane, usize>,
    pub popup: Option<Popup>,
    pub status: Option<(String, Level)>,
    /// A `:buy` waiting for a catalog level to load; it carries on then.
    pub pending_buy: Option<Vec<String>>,
    pub quit: bool,
    counter: u64,
}

impl App {
    pub fn new(
        accounts: Vec<AccountInfo>,
        settings: AppSettings,
        now: DateTime<Utc>,
    ) -> (App, Vec<Effect>) {
        let (keymap, key_problems) = KeyMap::with_overrides(&settings.keys);
        let effects = accounts
            .iter()
            .map(|a| Effect::LoadBalance {
                account: a.name.clone(),
            })
            .collect();
        let status = key_problems.first().map(|p| {
            (
                format!("{p} ({} key problem(s); see ?)", key_problems.len()),
                Level::Warn,
            )
        });
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
            active: None,
            focus: Pane::Catalog,
            settings,
            keymap,
            key_problems,
            now,
            size: (120, 40),
            orders: BTreeMap::new(),
            final_since: HashMap::new(),
            pending: Vec::new(),
            cooldown_until: HashMap::new(),
            auto_cancelled: HashSet::new(),
            otp_log: Vec::new(),
            expanded: HashSet::new(),
            sort: Sort::Price,
            filter: Input::default(),
            filtering: false,
            selected: HashMap::new(),
            popup: None,
            status,
            pending_buy: None,
            quit: false,
            counter: 0,
        };
        (app, effects)
    }

    pub fn account_index(&self, name: &str) -> Option<usize> {
        self.accounts.iter().position(|a| a.info.name == name)
    }

    pub fn account_of(&self, name: &str) -> Option<&AccountState> {
        self.accounts.iter().find(|a| a.info.name == name)
    }

    pub fn active_name(&self) -> Option<&str> {
        self.active
            .and_then(|i| self.accounts.get(i))
            .map(|a| a.info.name.as_str())
    }

    fn shows(&self, account: &str) -> bool {
        self.active_name().is_none_or(|n| n == account)
    }

    /// Orders shown in the pane: active ones, recent finals, newest first.
    pub fn visible_orders(&self) -> Vec<&Order> {
        let mut v: Vec<&Order> = self
            .orders
            .values()
            .filter(|o| self.shows(&o.account))
            .filter(|o| match self.final_since.get(&o.id) {
                Some(t) => self.now - *t < FINAL_LINGER,
                None => true,
            })
            .collect();
        v.sort_by_key(|o| std::cmp::Reverse(o.id));
        v
    }

    pub fn visible_pending(&self) -> Vec<&PendingBuy> {
        self.pending
            .iter()
            .filter(|p| self.shows(&p.account))
            .collect()
    }

    pub fn visible_otps(&self) -> Vec<&Otp> {
        self.otp_log
            .iter()
            .filter(|o| self.shows(&o.account))
            .collect()
    }

    pub fn total_balance(&self) -> Rupiah {
        self.accounts.iter().filter_map(|a| a.balance).sum()
    }

    /// True while something counts down or spins: the runtime ticks then.
    pub fn needs_tick(&self) -> bool {
        !self.pending.is_empty()
            || self.accounts.iter().any(|a| a.loading)
            || self.orders.values().any(|o| {
                o.status.is_active()
                    || o.status == OrderStatus::Buying
                    || self
                        .final_since
                        .get(&o.id)
                        .is_some_and(|t| self.now - *t < FINAL_LINGER)
            })
    }

    /// When the provider lets order `id` be cancelled: after a cooldown it
    /// announced (429 + Retry-After), or after the API's fixed wait from the
    /// buy (OTPZap's two minutes). None: no wait known.
    pub fn cancel_allowed_at(&self, id: i64) -> Option<DateTime<Utc>> {
        let announced = self.cooldown_until.get(&id).copied();
        let fixed = self.orders.get(&id).and_then(|o| {
            let secs = self.account_of(&o.account)?.info.caps.cancel_after_secs?;
            o.created_at
                .checked_add_signed(chrono::Duration::seconds(secs.min(86_400) as i64))
        });
        announced.max(fixed)
    }

    pub fn sel(&self, pane: Pane) -> usize {
        self.selected.get(&pane).copied().unwrap_or(0)
    }

    pub fn set_status(&mut self, text: impl Into<String>, level: Level) {
        self.status = Some((text.into(), level));
    }

    fn next_key(&mut self, now: DateTime<Utc>) -> String {
        self.counter += 1;
        format!("otpd-{}-{}", now.timestamp_millis(), self.counter)
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
        if let Some((account, ok)) = loaded {
            effects.extend(self.resume_buy(&account, ok));
        }
        effects
    }

    /// Carries a waiting `:buy` on once the level it needed has loaded.
    fn resume_buy(&mut self, account: &str, ok: bool) -> Vec<Effect> {
        let target = self.accounts.get(self.active.unwrap_or(0));
        if self.pending_buy.is_none() || target.is_none_or(|a| a.info.name != account) {
            return Vec::new();
        }
        let args = self.pending_buy.take().unwrap_or_default();
        if !ok {
            self.set_status(
                format!("{account}: the catalog did not load, so :buy stopped (Enter on the error retries)"),
                Level::Error,
            );
            return Vec::new();
        }
        keys::buy_command(self, &args)
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Key(k, now) => {
                self.now = now;
                keys::on_key(self, k)
            }
            Action::Mouse(m, now) => {
                self.now = now;
                keys::on_mouse(self, m);
                Vec::new()
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            Action::Tick(now) => {
                self.now = now;
                self.on_tick()
            }
            Action::BalanceLoaded {
                account,
                result,
                now,
            } => {
                self.now = now;
                if let Some(a) = self.accounts.iter_mut().find(|a| a.info.name == account) {
                    a.loading = false;
                    match result {
                        Ok(b) => {
                            a.balance = Some(b);
                            a.balance_at = Some(now);
                            a.error = None;
                        }
                        Err(e) => a.error = Some(e),
                    }
                }
                Vec::new()
            }
            Action::ServicesLoaded {
                account,
                result,
                now,
            } => {
                self.now = now;
                if let Some(a) = self.accounts.iter_mut().find(|a| a.info.name == account) {
                    a.services = match result {
                        Ok(list) => Load::Loaded(
                            list.into_iter()
                                .map(|service| ServiceNode {
                                    service,
                                    countries: Load::NotLoaded,
                                    offers: Load::NotLoaded,
                                })
                                .collect(),
                            now,
                        ),
                        Err(e) => Load::Failed(e),
                    };
                }
                Vec::new()
            }
            Action::CountriesLoaded {
                account,
                service_id,
                result,
                now,
            } => {
                self.now = now;
                if let Some(s) = self.service_mut(&account, &service_id) {
                    s.countries = match result {
                        Ok(list) => Load::Loaded(
                            list.into_iter()
                                .map(|country| CountryNode {
                                    country,
                                    offers: Load::NotLoaded,
                                })
                                .collect(),
                            now,
                        ),
                        Err(e) => Load::Failed(e),
                    };
                }
                Vec::new()
            }
            Action::OffersLoaded {
                account,
                service_id,
                country_id,
                result,
                now,
            } => {
                self.now = now;
                let load = match result {
                    Ok(list) => Load::Loaded(list, now),
                    Err(e) => Load::Failed(e),
                };
                if let Some(s) = self.service_mut(&account, &service_id) {
                    match &country_id {
                        None => s.offers = load,
                        Some(cid) => {
                            if let Load::Loaded(countries, _) = &mut s.countries {
                                if let Some(c) = countries.iter_mut().find(|c| &c.country.id == cid)
                                {
                                    c.offers = load;
                                }
                            }
                        }
                    }
                }
                Vec::new()
            }
            Action::OrderChanged(order) => self.on_order(order),
            Action::Restored(list) => {
                for order in list {
                    if order.status.is_final() {
                        // Old finals linger only for what is left of their time.
                        self.final_since.insert(order.id, order.updated_at);
                    }
                    self.clear_pending(&order);
                    self.orders.insert(order.id, order);
                }
                Vec::new()
            }
            Action::OtpHistory(list) => {
                self.otp_log = list;
                Vec::new()
            }
            Action::BuyFailed {
                account,
                idempotency_key,
                error,
            } => {
                self.pending
                    .retain(|p| p.idempotency_key != idempotency_key);
                self.set_status(format!("{account}: buy failed: {error}"), Level::Error);
                vec![Effect::LoadBalance { account }]
            }
            Action::ActionFailed {
                order_id,
                what,
                error,
                retry_after,
                now,
            } => {
                self.now = now;
                if let Some(d) = retry_after {
                    if what == "cancel" {
                        let until = now + chrono::Duration::from_std(d).unwrap_or_default();
                        self.cooldown_until.insert(order_id, until);
                        self.set_status(
                            format!(
                                "#{order_id}: the provider allows cancelling in {}s",
                                d.as_secs().max(1)
                            ),
                            Level::Warn,
                        );
                        return Vec::new();
                    }
                }
                self.set_status(format!("#{order_id}: {what} failed: {error}"), Level::Error);
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

    fn service_mut(&mut self, account: &str, service_id: &str) -> Option<&mut ServiceNode> {
        let a = self.accounts.iter_mut().find(|a| a.info.name == account)?;
        match &mut a.services {
            Load::Loaded(list, _) => list.iter_mut().find(|s| s.service.id == service_id),
            _ => None,
        }
    }

    /// The "buying…" row of `order`'s buy goes once the journal has it.
    fn clear_pending(&mut self, order: &Order) {
        self.pending.retain(|p| {
            !(p.idempotency_key == order.idempotency_key && p.account == order.account)
        });
    }

    fn on_order(&mut self, order: Order) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.clear_pending(&order);
        let previous = self.orders.get(&order.id).cloned();
        // Updates can arrive out of order: never go back in time or status.
        if let Some(prev) = &previous {
            if prev.updated_at > order.updated_at
                || (prev.status.is_final() && !order.status.is_final())
            {
                return effects;
            }
        }
        let old_otps = previous.as_ref().map(|p| p.otps.len()).unwrap_or(0);
        let was_final = previous.as_ref().is_some_and(|p| p.status.is_final());
        // Codes already in the log (loaded from the journal at start) are
        // not new, whatever this first sight of the order says.
        let new_codes: Vec<String> = order
            .otps
            .iter()
            .skip(old_otps)
            .filter(|c| {
                !self
                    .otp_log
                    .iter()
                    .any(|l| l.order_id == order.id && &l.code == *c)
            })
            .cloned()
            .collect();
        if !new_codes.is_empty() {
            for code in &new_codes {
                self.otp_log.insert(
                    0,
                    Otp {
                        order_id: order.id,
                        account: order.account.clone(),
                        service: order.service.clone(),
                        number: order.number.clone().unwrap_or_default(),
                        code: code.clone(),
                        received_at: order.updated_at,
                    },
                );
            }
            let latest = new_codes.last().cloned().unwrap_or_default();
            self.set_status(
                format!(
                    "OTP {latest} for {} {}",
                    order.service,
                    order.number.as_deref().unwrap_or("")
                ),
                Level::Ok,
            );
            if self.settings.auto_copy {
                effects.push(Effect::Copy {
                    text: latest,
                    what: "OTP".into(),
                });
            }
            if self.settings.bell {
                effects.push(Effect::Bell);
            }
        }
        if order.status.is_final() && !was_final {
            self.final_since
                .insert(order.id, order.updated_at.max(self.now));
            if matches!(
                order.status,
                OrderStatus::Cancelled | OrderStatus::Expired | OrderStatus::Failed
            ) {
                effects.push(Effect::LoadBalance {
                    account: order.account.clone(),
                });
            }
            if order.status == OrderStatus::Cancelled {
                let refund = order
                    .refunded
                    .map(|r| format!("; refunded {r}"))
                    .unwrap_or_default();
                self.set_status(format!("Order #{} cancelled{refund}", order.id), Level::Ok);
            }
        }
        if previous.is_none() && order.status != OrderStatus::Buying {
            effects.push(Effect::LoadBalance {
                account: order.account.clone(),
            });
            if order.status == OrderStatus::Waiting
                && order.created_at >= self.now - chrono::Duration::minutes(1)
            {
                self.set_status(
                    format!(
                        "Bought {} {} for {} on {}; waiting for the SMS",
                        order.service,
                        order.number.as_deref().unwrap_or(""),
                        order.price,
                        order.account
                    ),
                    Level::Ok,
                );
            }
            if order.status == OrderStatus::Unknown {
                self.set_status(
                    format!(
                        "Order #{}: no clear reply to the buy; {} may have been charged. Check the provider.",
                        order.id, order.price
                    ),
                    Level::Error,
                );
            }
        }
        self.orders.insert(order.id, order);
        effects
    }

    fn on_tick(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        let before =
            chrono::Duration::from_std(self.settings.auto_cancel_before).unwrap_or_default();
        if before.is_zero() {
            return effects;
        }
        let candidates: Vec<i64> = self
            .orders
            .values()
            .filter(|o| o.status == OrderStatus::Waiting && o.otps.is_empty())
            .filter(|o| o.expires_at.is_some_and(|e| e - self.now <= before))
            .filter(|o| {
                self.account_of(&o.account)
                    .is_some_and(|a| a.info.caps.cancel)
            })
            .filter(|o| !self.auto_cancelled.contains(&o.id))
            .filter(|o| self.cancel_allowed_at(o.id).is_none_or(|t| t <= self.now))
            .map(|o| o.id)
            .collect();
        for id in candidates {
            self.auto_cancelled.insert(id);
            self.set_status(
                format!("Order #{id} got no SMS before expiry: cancelling for a refund"),
                Level::Warn,
            );
            effects.push(Effect::Cancel { order_id: id });
        }
        // A rate-limited auto-cancel is tried again once its cooldown ends.
        let retry: Vec<i64> = self
            .cooldown_until
            .iter()
            .filter(|(id, t)| **t <= self.now && self.auto_cancelled.contains(id))
            .map(|(id, _)| *id)
            .collect();
        for id in retry {
            self.cooldown_until.remove(&id);
            if self
                .orders
                .get(&id)
                .is_some_and(|o| o.status == OrderStatus::Waiting)
            {
                effects.push(Effect::Cancel { order_id: id });
            }
        }
        effects
    }

    /// Starts a buy of `offer` for the confirm popup.
    pub fn buy_request(
        &mut self,
        account: usize,
        service: &Service,
        country: Option<&Country>,
        offer: &Offer,
    ) -> Option<Popup> {
        let key = self.next_key(self.now);
        let acc = self.accounts.get(account)?;
        let name = acc.info.name.clone();
        let balance_after = acc.balance.map(|b| b - offer.price);
        let what = [
            Some(service.name.as_str()),
            country.map(|c| c.name.as_str()),
            Some(offer.label.as_str()),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        Some(Popup::ConfirmBuy {
            account: name,
            what,
            request: BuyRequest {
                service_id: service.id.clone(),
                service_name: service.name.clone(),
                country_id: country.map(|c| c.id.clone()),
                country_name: country.map(|c| c.name.clone()),
                offer_id: offer.id.clone(),
                price: offer.price,
                operator: None,
                idempotency_key: key,
                customer_number: None,
            },
            balance_after,
            customer: acc.info.caps.topup.then(Input::default),
        })
    }
}

/// The first list row drawn for `pane`, so the selection stays visible;
/// drawing and mouse hit-testing both use it. It scrolls as little as
/// possible from the top: the selection (kept within the list) ends up on
/// the last visible line, which is also how the catalog's tree widget
/// scrolls a fresh `TreeState` to its selected item.
pub fn scroll_offset(app: &App, pane: Pane, height: u16) -> usize {
    let header = matches!(pane, Pane::Orders | Pane::OtpLog) as usize;
    let visible = (height as usize).saturating_sub(2 + header).max(1);
    let last = keys::pane_len(app, pane).saturating_sub(1);
    app.sel(pane).min(last).saturating_sub(visible - 1)
}

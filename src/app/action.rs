//! What comes into `App::update` (actions) and what goes out (effects).
//! Every action that moves time carries `now`; the runtime only turns
//! effects into API calls, journal work, pollers and terminal writes.

use crate::app::BookAction;
use crate::domain::clues::Verdict;
use crate::domain::ProviderError;
use crate::domain::{BuyRequest, Country, Deposit, DepositRequest, Offer, Order, OrderOp, Service};
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyEvent, MouseEvent};

// Actions are moved, not stored in bulk; boxing the big ones would only add
// noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// An action of the money book (`app/book/action.rs`).
    Book(BookAction),
    #[serde(skip)]
    Key(KeyEvent, DateTime<Utc>),
    #[serde(skip)]
    Mouse(MouseEvent, DateTime<Utc>),
    Resize(u16, u16),
    Tick(DateTime<Utc>),
    /// The periodic balance refresh is due.
    RefreshDue(DateTime<Utc>),
    BalanceLoaded {
        account: String,
        result: Result<Rupiah, ProviderError>,
        now: DateTime<Utc>,
    },
    ServicesLoaded {
        account: String,
        result: Result<Vec<Service>, ProviderError>,
        now: DateTime<Utc>,
    },
    CountriesLoaded {
        account: String,
        service_id: String,
        result: Result<Vec<Country>, ProviderError>,
        now: DateTime<Utc>,
    },
    OffersLoaded {
        account: String,
        service_id: String,
        country_id: Option<String>,
        result: Result<Vec<Offer>, ProviderError>,
        now: DateTime<Utc>,
    },
    /// A webhook delivery kept for the user (nothing in the journal it is
    /// about).
    WebhookKept(crate::domain::webhook::Kept),
    /// A deposit request or a deposit's status check failed.
    DepositFailed {
        account: String,
        deposit_id: Option<i64>,
        error: String,
    },
    /// One account's offers for the compare view (`ticket` names the
    /// request, so a late reply to an older one is dropped).
    CompareLoaded {
        ticket: u64,
        account: String,
        result: Result<Vec<crate::domain::compare::Row>, String>,
    },
    /// A country's offers have a next page (paged on demand).
    OffersMore {
        account: String,
        service_id: String,
        country_id: String,
        next_page: u32,
    },
    /// A further page of a country's offers, and whether one follows.
    OffersPageLoaded {
        account: String,
        service_id: String,
        country_id: String,
        page: u32,
        result: Result<(Vec<Offer>, bool), ProviderError>,
        now: DateTime<Utc>,
    },
    /// A bill inquiry's answer.
    BillInquired {
        account: String,
        result: Result<crate::domain::bill::Bill, ProviderError>,
    },
    /// A history page, for the query it was asked with.
    HistoryLoaded {
        account: String,
        query: crate::domain::history::HistoryQuery,
        result: Result<crate::domain::history::HistoryPage, ProviderError>,
    },
    /// An account's webhook settings (OTPZap), as read.
    WebhookLoaded {
        account: String,
        result: Result<crate::domain::webhook::WebhookConfig, ProviderError>,
    },
    /// A webhook change was saved: the settings and the secret, if the API
    /// returned one (shown once in the popup, kept nowhere).
    WebhookSaved {
        account: String,
        // A signing secret stays on the engine's machine: an attached
        // screen gets the settings without it.
        #[serde(with = "without_secret")]
        result: Result<
            (
                crate::domain::webhook::WebhookConfig,
                Option<crate::secret::Secret>,
            ),
            ProviderError,
        >,
    },
    /// A report (or why not) for the view that asked.
    ReportLoaded {
        account: String,
        query: crate::domain::report::ReportQuery,
        result: Result<crate::domain::report::Report, ProviderError>,
    },
    /// A GoTopUp account's API settings, as read.
    ApiSettingsLoaded {
        account: String,
        result: Result<crate::domain::api_config::ApiSettings, ProviderError>,
    },
    /// A change of API settings was saved (the settings now) or not.
    ApiSettingsSaved {
        account: String,
        result: Result<crate::domain::api_config::ApiSettings, ProviderError>,
    },
    /// The statistics view's figures, from the journal.
    StatsLoaded(Result<crate::domain::stats::Overview, String>),
    Notice(String),
    Copied {
        what: String,
        how: String,
    },
    CopyFailed(String),
    /// An email order's messages, read from the journal.
    EmailMessages {
        order_id: i64,
        result: Result<Vec<crate::domain::EmailMessage>, String>,
    },
    /// What a seller key's call answered.
    Seller {
        account: String,
        reply: crate::app::views::seller::SellerReply,
    },
    /// A screen attached to an engine: its book and figures.
    Attached(Box<crate::app::role::Snapshot>),
    /// What the engine's book said (a screen shows it as its own news).
    Told(Vec<crate::app::book::News>),
}

/// A notification and the escape kinds the user switched on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Notification {
    pub title: String,
    pub body: String,
    pub osc9: bool,
    pub osc777: bool,
    /// Also through the session bus (notify-rust).
    pub desktop: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// Several buys confirmed at once (email inboxes by quantity): the
    /// daily caps are checked against the whole batch first, then each
    /// goes as its own `Buy` in turn, stopping at the first that fails or
    /// is unclear.
    BuyBatch {
        account: String,
        requests: Vec<BuyRequest>,
    },
    /// Sends a lost buy again with the same key (keyed APIs only).
    ReplayBuy {
        account: String,
        request: BuyRequest,
        order_id: i64,
    },
    /// At start: settle the account's buys left Buying or Unknown by an
    /// earlier run (replayed with their key where the API allows), then
    /// report its active orders.
    Reconcile {
        account: String,
    },
    Order {
        op: OrderOp,
        order_id: i64,
    },
    /// The user checked the provider: settle the UNKNOWN order by hand
    /// (`engine::orders::settle_by_hand`, as `otpdeck resolve`).
    Settle {
        order_id: i64,
        verdict: Verdict,
        number: Option<String>,
    },
    /// Read the account's balance for the clue of an UNKNOWN order; the
    /// answer comes back as `Action::ClueBalance`.
    CheckBalance {
        account: String,
        order_id: i64,
    },
    /// Journal a clue about an UNKNOWN order (it settles nothing).
    NoteClue {
        order_id: i64,
        clue: String,
    },
    /// Two clues agree: settle the UNKNOWN order without the user.
    SettleByClues {
        order_id: i64,
        verdict: Verdict,
        clues: Vec<String>,
    },
    /// Start polling this order (once per order).
    Watch(Order),
    /// Stop polling this order.
    Unwatch {
        order_id: i64,
    },
    Copy {
        text: String,
        what: String,
    },
    /// Creates a deposit (journaled first, by the engine).
    CreateDeposit {
        account: String,
        request: DepositRequest,
    },
    CancelDeposit {
        deposit_id: i64,
    },
    /// Loads page `page` of a country's offers.
    LoadMoreOffers {
        account: String,
        service_id: String,
        country_id: String,
        page: u32,
    },
    /// Asks a GoTopUp postpaid bill (`/api/buyer/inquiry`).
    BillInquiry {
        account: String,
        product: String,
        customer: String,
    },
    /// Loads a page of GoTopUp's transaction history.
    HistoryLoad {
        account: String,
        query: crate::domain::history::HistoryQuery,
    },
    /// Reads an account's webhook settings.
    WebhookGet {
        account: String,
    },
    /// Sends a checked webhook change.
    WebhookSet {
        account: String,
        change: crate::domain::webhook::WebhookChange,
    },
    /// Asks a GoTopUp account for a report.
    ReportLoad {
        account: String,
        query: crate::domain::report::ReportQuery,
    },
    /// Reads a GoTopUp account's API settings.
    ApiSettingsGet {
        account: String,
    },
    /// Sends a checked change of API settings.
    ApiSettingsSet {
        account: String,
        change: crate::domain::api_config::ApiSettingsChange,
    },
    /// Reads the statistics of the last `days` days from the journal.
    LoadStats {
        days: usize,
    },
    /// Asks every OTP account for a service and country's offers.
    Compare {
        ticket: u64,
        service: String,
        country: String,
    },
    /// Journal the auto-replace link (before the cancel of its order).
    ReplaceBegin(crate::domain::ReplaceLink),
    /// Journal the replacement's account and request on the link of
    /// `from_order`, then buy what the link holds (the rules are checked as
    /// for every buy). A link that already had a request keeps it.
    ReplaceBuy {
        from_order: i64,
        account: String,
        request: BuyRequest,
    },
    /// Journal that the chain stops at `from_order` without a replacement.
    ReplaceEnded {
        from_order: i64,
        note: String,
    },
    /// Start polling this pending deposit (once per deposit).
    WatchDeposit(Deposit),
    Bell,
    /// A desktop notification through the terminal (OSC 9 / OSC 777).
    Notify(Notification),
    Quit,
    /// Read an email order's messages from the journal.
    LoadEmailMessages {
        order_id: i64,
    },
    /// A call of a GoTopUp seller key (`views::seller`).
    Seller {
        account: String,
        call: crate::app::views::seller::SellerCall,
    },
    /// A book action for the engine's book (a screen's buy).
    Book(BookAction),
    /// What the engine's book said, for the screens attached.
    Tell(Vec<crate::app::book::News>),
}

/// `WebhookSaved`'s result on the wire: the settings, never the secret.
mod without_secret {
    use crate::domain::webhook::WebhookConfig;
    use crate::domain::ProviderError;
    use crate::secret::Secret;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Saved = Result<(WebhookConfig, Option<Secret>), ProviderError>;

    pub fn serialize<S: Serializer>(r: &Saved, s: S) -> Result<S::Ok, S::Error> {
        r.as_ref().map(|(c, _)| c).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Saved, D::Error> {
        let r = Result::<WebhookConfig, ProviderError>::deserialize(d)?;
        Ok(r.map(|c| (c, None)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Effects go through JSON unchanged too: an engine carries out the
    /// book's, a screen its own.
    #[test]
    fn effects_go_through_json_unchanged() {
        let all = vec![
            Effect::Buy {
                account: "gate".into(),
                request: BuyRequest {
                    service_id: "wa".into(),
                    service_name: "WhatsApp".into(),
                    country_id: Some("id".into()),
                    country_name: Some("Indonesia".into()),
                    offer_id: "o".into(),
                    price: Rupiah(3_300),
                    operator: None,
                    idempotency_key: "k".into(),
                    customer_number: None,
                },
            },
            Effect::Order {
                op: OrderOp::Cancel,
                order_id: 7,
            },
            Effect::Settle {
                order_id: 7,
                verdict: Verdict::NotCharged,
                number: None,
            },
            Effect::Copy {
                text: "123456".into(),
                what: "OTP".into(),
            },
            Effect::Quit,
        ];
        for e in all {
            let json = serde_json::to_string(&e).expect("serialises");
            let back: Effect = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, e, "{json}");
        }
    }
}

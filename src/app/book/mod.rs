//! The money book: orders, buys in flight, replays, clues, auto-cancel and
//! auto-replace chains, deposits. Every money decision is made here, by
//! `BookCx` (the book with what it may read: accounts, settings, the
//! clock); nothing here reads the view or the catalog, and the book speaks
//! through `Book::say`. `update.rs` routes the book's own actions.

mod action;
mod auto_replace;
mod clues;
mod deposits;
mod order_notes;
mod orders;
mod replay;
mod update;

pub use action::BookAction;
pub use auto_replace::Chain;
pub use clues::Clues;
pub use replay::Replay;

use super::{AccountState, AppSettings, Level, PendingBuy};
use crate::domain::webhook::Kept;
use crate::domain::Deposit;
use crate::domain::{Order, Otp};
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The money book: every order, buy in flight, replay, clue, chain and
/// deposit of this run, and nothing about the screen. Its handlers live in
/// this file and in `replay.rs`, `clues.rs`, `auto_replace.rs`,
/// `deposits.rs` and `order_notes.rs`.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Book {
    pub orders: BTreeMap<i64, Order>,
    /// When each order became final (it leaves the pane after FINAL_LINGER).
    pub final_since: HashMap<i64, DateTime<Utc>>,
    /// Buys sent and not yet journaled as placed ("buying…").
    pub pending: Vec<PendingBuy>,
    /// Cancel cooldowns and auto-cancels asked, per order.
    pub cooldown_until: HashMap<i64, DateTime<Utc>>,
    pub auto_cancelled: HashSet<i64>,
    pub otp_log: Vec<Otp>,
    /// Orders being polled.
    pub watched: HashSet<i64>,
    /// Lost buys waiting for a replay, by order id.
    pub replays: BTreeMap<i64, Replay>,
    /// Deposits from the journal, by local id.
    pub deposits: BTreeMap<i64, Deposit>,
    /// Deposits being polled.
    pub deposits_watched: HashSet<i64>,
    /// Clues about UNKNOWN orders of this run, by order id.
    pub clues: BTreeMap<i64, Clues>,
    /// The balance before each buy in flight that can serve as a clue
    /// (by idempotency key) and when it was read.
    pub baselines: HashMap<String, (Rupiah, DateTime<Utc>)>,
    /// Auto-replace chains, by the order each link replaces.
    pub chains: BTreeMap<i64, Chain>,
    /// Orders whose replace waits for the provider's cancel wait (said once).
    pub replace_waits: HashSet<i64>,
    /// Provider notes on pending orders, shown on the row (order_notes.rs).
    pub order_notes: HashMap<i64, String>,
    /// Webhook deliveries kept this session, newest first (`:inbox`).
    pub kept: Vec<Kept>,
    /// Makes each idempotency key of this run unique (each screen its own).
    #[serde(skip)]
    pub(super) counter: u64,
    /// The last compare request's number (the compare view's and the
    /// auto-replace chains' share it, so replies never cross).
    #[serde(skip)]
    pub compare_tickets: u64,
    /// What the book has to say since the last update, oldest first: each
    /// screen shows it its own way (the book never writes a screen).
    #[serde(skip)]
    pub news: Vec<News>,
}

/// What the book tells whoever shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum News {
    /// A line for the status bar.
    Said(String, Level),
    /// A new code (OTP, SN or token) arrived on an order: said, and copied,
    /// rung or notified as the screen's own settings ask.
    Code {
        /// What the code is called for this order ("OTP", "SN", "token").
        name: String,
        code: String,
        service: String,
        number: String,
    },
}

impl News {
    /// The status line of this news.
    pub fn text(&self) -> String {
        match self {
            News::Said(text, _) => text.clone(),
            News::Code {
                name,
                code,
                service,
                number,
            } => format!("{name} {code} for {service} {number}"),
        }
    }

    pub fn level(&self) -> Level {
        match self {
            News::Said(_, level) => *level,
            News::Code { .. } => Level::Ok,
        }
    }
}

/// The book at work: the book itself, and what it may read of the rest
/// (the accounts, the settings, the clock). Every money handler is a
/// method of this type, so none can reach the view or the catalog.
pub struct BookCx<'a> {
    pub book: &'a mut Book,
    pub accounts: &'a [AccountState],
    pub settings: &'a AppSettings,
    pub now: DateTime<Utc>,
}

impl BookCx<'_> {
    pub fn account_of(&self, name: &str) -> Option<&AccountState> {
        super::account_in(self.accounts, name)
    }

    /// When the provider lets order `id` be cancelled (see
    /// `Book::cancel_allowed_at`).
    pub fn cancel_allowed_at(&self, id: i64) -> Option<DateTime<Utc>> {
        self.book.cancel_allowed_at(self.accounts, id)
    }
}

impl Book {
    /// When the provider lets order `id` be cancelled: after a cooldown it
    /// announced (429 + Retry-After), or after the API's fixed wait from the
    /// buy (OTPZap's two minutes). None: no wait known.
    pub fn cancel_allowed_at(&self, accounts: &[AccountState], id: i64) -> Option<DateTime<Utc>> {
        let announced = self.cooldown_until.get(&id).copied();
        let fixed = self.orders.get(&id).and_then(|o| {
            // The two minutes are documented for SMS orders, not email.
            if crate::domain::email::is_email_offer(&o.offer_id) {
                return None;
            }
            let secs = super::account_in(accounts, &o.account)?
                .info
                .caps
                .cancel_after_secs?;
            o.created_at
                .checked_add_signed(chrono::Duration::seconds(secs.min(86_400) as i64))
        });
        announced.max(fixed)
    }

    /// Tells whoever shows the book: a bought number, a new code, a
    /// settled order, a deposit paid.
    pub fn say(&mut self, text: impl Into<String>, level: Level) {
        self.news.push(News::Said(text.into(), level));
    }
}

#[cfg(test)]
mod tests {
    /// The book never reads or writes the view or the catalog: its files
    /// name neither part, nor the helpers that read them, and the book
    /// speaks through `Book::say` only. (The names are built at run time so
    /// this test does not find itself.)
    #[test]
    fn the_book_never_touches_the_view() {
        let files = [
            ("mod.rs", include_str!("mod.rs")),
            ("orders.rs", include_str!("orders.rs")),
            ("update.rs", include_str!("update.rs")),
            ("clues.rs", include_str!("clues.rs")),
            ("replay.rs", include_str!("replay.rs")),
            ("auto_replace.rs", include_str!("auto_replace.rs")),
            ("deposits.rs", include_str!("deposits.rs")),
            ("order_notes.rs", include_str!("order_notes.rs")),
        ];
        let mut banned = Vec::new();
        for who in ["self", "app"] {
            for part in ["view", "catalog"] {
                banned.push(format!("{who}.{part}"));
            }
            for helper in [
                "set_status",
                "open",
                "close_top",
                "sel",
                "shows",
                "active_name",
            ] {
                banned.push(format!("{who}.{helper}("));
            }
        }
        for (name, src) in files {
            for b in &banned {
                assert!(!src.contains(b.as_str()), "{name} reaches the view: {b}");
            }
        }
    }
}

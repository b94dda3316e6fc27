//! Who holds the money book. Alone, an app decides for itself (the CLI's
//! tests, the demo's engine before any screen). The engine's app is the one
//! writer of money decisions; a screen's app keeps a copy of the engine's
//! book, draws it, and sends what the user asks for to the engine.

use super::book::{Book, BookAction, News};
use super::{App, Effect};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// Decides and shows: one process, no engine apart.
    #[default]
    Alone,
    /// Decides, shows nothing: what the book says goes out as
    /// `Effect::Tell` for the screens attached.
    Engine,
    /// Shows a copy of an engine's book: the book's own work (replays,
    /// auto-cancel, polling, chains) is the engine's; the screen's intents
    /// go there (`Effect::Book`, and effects it forwards).
    Screen,
}

/// What a screen needs of the engine's state when it attaches: the book,
/// and each account's figure.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub book: Book,
    pub balances: Vec<Balance>,
}

/// An account's balance as the engine last read it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Balance {
    pub account: String,
    pub balance: Option<crate::money::Rupiah>,
    pub at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl App {
    /// A book action the user's key started (a buy): taken here when this
    /// app holds the book, sent to the engine when it is a screen's copy.
    pub(super) fn book_intent(&mut self, action: BookAction) -> Vec<Effect> {
        match self.settings.role {
            Role::Screen => vec![Effect::Book(action)],
            Role::Alone | Role::Engine => self.book_action(action),
        }
    }

    /// The engine's state for a screen attaching now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            book: Book {
                news: Vec::new(),
                ..self.book.clone()
            },
            balances: self
                .accounts
                .iter()
                .map(|a| Balance {
                    account: a.info.name.clone(),
                    balance: a.balance,
                    at: a.balance_at,
                    error: a.error.clone(),
                })
                .collect(),
        }
    }

    /// A screen takes the engine's book (keeping its own key counter and
    /// compare tickets, which are this screen's) and figures.
    pub(super) fn attached(&mut self, s: Snapshot) {
        let counter = self.book.counter;
        let tickets = self.book.compare_tickets;
        self.book = s.book;
        self.book.counter = counter;
        self.book.compare_tickets = tickets;
        for b in s.balances {
            if let Some(a) = self.accounts.iter_mut().find(|a| a.info.name == b.account) {
                a.balance = b.balance;
                a.balance_at = b.at;
                a.error = b.error;
                a.loading = false;
            }
        }
    }

    /// What the engine's book said, shown by this screen as its own.
    pub(super) fn told(&mut self, news: Vec<News>) {
        self.book.news.extend(news);
    }
}

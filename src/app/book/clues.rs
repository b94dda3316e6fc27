//! Clues about lost buys, decided here in `update` (the runtime reads the
//! balance and journals what it is told).
//!
//! The balance clue: when a buy is confirmed on a quiet account (its last
//! balance read came after every earlier order of the account had settled,
//! and nothing else of it is in flight), that balance is kept. If the buy's
//! reply is lost, the balance is read again; if the account stayed quiet in
//! between (no other buy, no refund, no order that could still be
//! refunded), a balance that did not move says "likely not charged" and one
//! that fell by exactly the amount says "likely charged". That is shown as
//! evidence and journaled, never acted on alone: it settles the order only
//! when a second clue agrees (a replay with the same key refused), or when
//! the user confirms it.

use super::{Book, BookCx};
use crate::app::{Effect, Level};
use crate::domain::clues::{balance_clue, Verdict};
use crate::domain::ProviderError;
use crate::domain::{Order, OrderStatus};
use crate::money::Rupiah;
use chrono::{DateTime, Utc};

/// What is known about one UNKNOWN order.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Clues {
    /// The account's balance before the buy, and when it was read.
    pub before: Option<(Rupiah, DateTime<Utc>)>,
    /// What the balance read after the unclear reply says.
    pub balance: Option<Verdict>,
    /// A replay with the same key was answered with a refusal.
    pub replay_refused: bool,
    /// A settlement by clues was asked of the runtime.
    pub settling: bool,
}

pub const REPLAY_REFUSED: &str = "a replay with the same key was refused";

impl BookCx<'_> {
    /// A buy is confirmed: keep the balance before it, when it can serve
    /// as a clue.
    pub(crate) fn note_baseline(&mut self, account: &str, key: &str) {
        let Some(a) = self.account_of(account) else {
            return;
        };
        let (Some(b), Some(at)) = (a.balance, a.balance_at) else {
            return;
        };
        if self.book.account_quiet(account, None, at) {
            self.book.baselines.insert(key.to_string(), (b, at));
        }
    }

    /// An order is first seen UNKNOWN after a buy of this run: its clues
    /// start, and the balance is read when there is one from before.
    pub(crate) fn on_unclear_order(&mut self, order: &Order) -> Vec<Effect> {
        let before = self.book.baselines.remove(&order.idempotency_key);
        self.book.clues.entry(order.id).or_insert(Clues {
            before,
            ..Default::default()
        });
        match before {
            Some(_) => vec![Effect::CheckBalance {
                account: order.account.clone(),
                order_id: order.id,
            }],
            None => Vec::new(),
        }
    }

    /// The balance read for an UNKNOWN order's clue.
    pub(crate) fn on_clue_balance(
        &mut self,
        account: &str,
        order_id: i64,
        result: Result<Rupiah, ProviderError>,
    ) -> Vec<Effect> {
        let Ok(after) = result else {
            return Vec::new();
        };
        let Some(o) = self
            .book
            .orders
            .get(&order_id)
            .filter(|o| o.status == OrderStatus::Unknown)
        else {
            return Vec::new();
        };
        let price = o.price;
        let Some((before, since)) = self.book.clues.get(&order_id).and_then(|c| c.before) else {
            return Vec::new();
        };
        let quiet = self.book.account_quiet(account, Some(order_id), since);
        let verdict = quiet.then(|| balance_clue(before, after, price)).flatten();
        let Some(c) = self.book.clues.get_mut(&order_id) else {
            return Vec::new();
        };
        let Some(v) = verdict else {
            // Another buy or refund moved in the window, or the balance
            // moved by something else: this clue is spent.
            c.before = None;
            let clue = if quiet {
                format!("balance moved from {before} to {after} since the buy, neither unchanged nor by the amount: no clue")
            } else {
                "another buy or refund of the account since the buy: the balance says nothing"
                    .into()
            };
            return vec![Effect::NoteClue { order_id, clue }];
        };
        let mut effects = Vec::new();
        if c.balance != Some(v) {
            c.balance = Some(v);
            effects.push(Effect::NoteClue {
                order_id,
                clue: format!("{} ({before} before, {after} after)", v.balance_evidence()),
            });
            self.book.say(
                format!("Order #{order_id}: {}", v.balance_evidence()),
                Level::Warn,
            );
        }
        effects.extend(self.settle_if_clues_agree(order_id));
        effects
    }

    /// A replay of an UNKNOWN order's buy was refused.
    pub(crate) fn on_replay_refused(&mut self, order_id: i64) -> Vec<Effect> {
        let Some(c) = self.book.clues.get_mut(&order_id) else {
            return Vec::new();
        };
        c.replay_refused = true;
        self.settle_if_clues_agree(order_id)
    }

    /// Two clues agree on "not charged": settle without the user.
    fn settle_if_clues_agree(&mut self, order_id: i64) -> Vec<Effect> {
        let Some(c) = self.book.clues.get_mut(&order_id) else {
            return Vec::new();
        };
        if c.settling || !(c.balance == Some(Verdict::NotCharged) && c.replay_refused) {
            return Vec::new();
        }
        c.settling = true;
        vec![Effect::SettleByClues {
            order_id,
            verdict: Verdict::NotCharged,
            clues: vec![
                Verdict::NotCharged.balance_evidence().to_string(),
                REPLAY_REFUSED.to_string(),
            ],
        }]
    }
}

impl Book {
    /// The evidence shown on an UNKNOWN row, if any.
    pub fn clue_text(&self, order_id: i64) -> Option<&'static str> {
        self.clues
            .get(&order_id)
            .and_then(|c| c.balance)
            .map(Verdict::balance_evidence)
    }

    /// Whether nothing of `account` but order `except` can have moved its
    /// balance since `since`: no deposit open or ended since, no buy in
    /// flight or unclear, no order that
    /// could still be refunded (waiting with no SMS), none created since and
    /// none cancelled or expired since.
    pub fn account_quiet(&self, account: &str, except: Option<i64>, since: DateTime<Utc>) -> bool {
        if self.pending.iter().any(|p| p.account == account) {
            return false;
        }
        // A deposit still open may be credited any moment; one that ended
        // since may have been.
        if self
            .deposits
            .values()
            .any(|d| d.account == account && (!d.status.is_final() || d.updated_at >= since))
        {
            return false;
        }
        self.orders
            .values()
            .filter(|o| o.account == account && Some(o.id) != except)
            .all(|o| {
                let in_flight = matches!(o.status, OrderStatus::Buying | OrderStatus::Unknown)
                    || (o.status == OrderStatus::Waiting && o.otps.is_empty());
                let refunded_since =
                    matches!(o.status, OrderStatus::Cancelled | OrderStatus::Expired)
                        && self.final_since.get(&o.id).is_none_or(|t| *t >= since);
                !in_flight && !refunded_since && o.created_at < since
            })
    }

    /// The amount of UNKNOWN orders: of `account`, or of all accounts.
    pub fn unclear_amount(&self, account: Option<&str>) -> Rupiah {
        self.orders
            .values()
            .filter(|o| o.status == OrderStatus::Unknown)
            .filter(|o| account.is_none_or(|a| a == o.account))
            .map(|o| o.price)
            .sum()
    }
}

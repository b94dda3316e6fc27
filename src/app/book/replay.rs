//! Lost buys on APIs that deduplicate on the key are sent again with the
//! same key, after 3, 10, 30 and 60 s and then every 60 s, until the
//! provider answers clearly or the order's lifetime has passed (its
//! `expires_at`, else `LIFETIME` from the buy); without a clear answer the
//! order stays Unknown (the next start tries again). A replay answered with
//! a refusal is a clue (see `clues.rs`). The schedule is decided here, in `update`; the runtime only
//! sends what `Effect::ReplayBuy` asks.

use super::BookCx;
use crate::app::Effect;
use crate::domain::{BuyRequest, OrderStatus};
use chrono::{DateTime, Duration, Utc};

/// Pauses before each replay, counted from the unclear reply (the first)
/// or from the previous replay's reply.
pub const PAUSES_SECS: [i64; 4] = [3, 10, 30, 60];

/// How long an order lives when the buy's reply did not say: past this, a
/// number bought by the lost request would have expired (and been
/// refunded) anyway, so replays stop.
pub const LIFETIME: Duration = Duration::minutes(20);

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Replay {
    pub account: String,
    pub request: BuyRequest,
    /// Replays sent so far.
    pub sent: usize,
    /// When the next one is due; None while one is in flight.
    pub due: Option<DateTime<Utc>>,
}

/// The pause before replay number `sent` (0-based): the schedule, then
/// its last step again and again.
pub fn pause(sent: usize) -> Duration {
    let last = PAUSES_SECS[PAUSES_SECS.len() - 1];
    Duration::seconds(PAUSES_SECS.get(sent).copied().unwrap_or(last))
}

/// When replays of `order` stop: its expiry, else `LIFETIME` after the buy.
pub fn replay_deadline(order: &crate::domain::Order) -> DateTime<Utc> {
    order
        .expires_at
        .unwrap_or_else(|| order.created_at + LIFETIME)
}

impl BookCx<'_> {
    /// A buy came back unclear: schedule its first replay where the API
    /// makes that safe.
    pub(crate) fn on_buy_unclear(
        &mut self,
        account: String,
        request: BuyRequest,
        order_id: i64,
        now: DateTime<Utc>,
    ) {
        let keyed = self.account_of(&account).is_some_and(|a| {
            a.info
                .caps
                .buy_call(a.info.kind, &request.service_id, &request.offer_id)
                .replayable()
        });
        if !keyed {
            return;
        }
        self.book.replays.insert(
            order_id,
            Replay {
                account,
                request,
                sent: 0,
                due: Some(now + pause(0)),
            },
        );
    }

    /// A replay came back: schedule the next one, unless the order is
    /// settled or its lifetime is over; a refusal is a clue.
    pub(crate) fn on_replay_done(
        &mut self,
        order_id: i64,
        refused: bool,
        now: DateTime<Utc>,
    ) -> Vec<Effect> {
        let unknown = self.still_unknown(order_id);
        let deadline = self.book.orders.get(&order_id).map(replay_deadline);
        match self.book.replays.get_mut(&order_id) {
            Some(r) if unknown => {
                let next = now + pause(r.sent);
                if deadline.is_some_and(|d| next > d) {
                    self.book.replays.remove(&order_id);
                } else {
                    r.due = Some(next);
                }
            }
            _ => {
                self.book.replays.remove(&order_id);
            }
        }
        if refused && unknown {
            self.on_replay_refused(order_id)
        } else {
            Vec::new()
        }
    }

    fn still_unknown(&self, order_id: i64) -> bool {
        self.book
            .orders
            .get(&order_id)
            .is_none_or(|o| o.status == OrderStatus::Unknown)
    }

    /// Replays that are due at `self.now`.
    pub(crate) fn due_replays(&mut self) -> Vec<Effect> {
        let settled: Vec<i64> = self
            .book
            .replays
            .keys()
            .copied()
            .filter(|id| !self.still_unknown(*id))
            .collect();
        for id in settled {
            self.book.replays.remove(&id);
        }
        let now = self.now;
        let mut effects = Vec::new();
        for (id, r) in self.book.replays.iter_mut() {
            if r.due.is_some_and(|d| d <= now) {
                r.due = None;
                r.sent += 1;
                effects.push(Effect::ReplayBuy {
                    account: r.account.clone(),
                    request: r.request.clone(),
                    order_id: *id,
                });
            }
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_three_ten_thirty_sixty_then_every_sixty() {
        let got: Vec<i64> = (0..7).map(pause).map(|d| d.num_seconds()).collect();
        assert_eq!(got, vec![3, 10, 30, 60, 60, 60, 60]);
    }
}

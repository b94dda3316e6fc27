//! Orders in the book: changes from the journal (new OTPs, finals,
//! balances to refresh), which orders are polled, and the timed rules
//! (auto-cancel before expiry, replays of lost buys).

use super::BookCx;
use crate::app::{Effect, Level};
use crate::domain::pollable;
use crate::domain::{BuyRequest, Order, OrderOp, OrderStatus, Otp};
use chrono::{DateTime, Utc};
use std::time::Duration;

impl BookCx<'_> {
    /// Polls a pollable order once; stops polling it once it is final.
    fn watch(&mut self, order: &Order) -> Vec<Effect> {
        if pollable(order) {
            if self.book.watched.insert(order.id) {
                return vec![Effect::Watch(order.clone())];
            }
        } else if order.status.is_final() && self.book.watched.remove(&order.id) {
            return vec![Effect::Unwatch { order_id: order.id }];
        }
        Vec::new()
    }

    /// The journal's orders at start.
    pub(crate) fn on_restored(&mut self, list: Vec<Order>) -> Vec<Effect> {
        let mut effects = Vec::new();
        for order in list {
            if order.status.is_final() {
                // Old finals linger only for what is left of their time.
                self.book.final_since.insert(order.id, order.updated_at);
            }
            self.clear_pending(&order);
            effects.extend(self.watch(&order));
            self.book.orders.insert(order.id, order);
        }
        effects
    }

    /// The "buying…" row of `order`'s buy goes once the journal has it.
    pub(crate) fn clear_pending(&mut self, order: &Order) {
        self.book.pending.retain(|p| {
            !(p.idempotency_key == order.idempotency_key && p.account == order.account)
        });
    }

    pub(crate) fn on_action_failed(
        &mut self,
        order_id: i64,
        op: Option<OrderOp>,
        error: String,
        retry_after: Option<Duration>,
        now: DateTime<Utc>,
    ) {
        if let (Some(d), Some(OrderOp::Cancel)) = (retry_after, op) {
            let until = now + chrono::Duration::from_std(d).unwrap_or_default();
            self.book.cooldown_until.insert(order_id, until);
            self.book.say(
                format!(
                    "#{order_id}: the provider allows cancelling in {}s",
                    d.as_secs().max(1)
                ),
                Level::Warn,
            );
            return;
        }
        let what = op.map(OrderOp::as_str).unwrap_or("status check");
        self.book
            .say(format!("#{order_id}: {what} failed: {error}"), Level::Error);
    }

    pub(crate) fn on_order(&mut self, order: Order) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.clear_pending(&order);
        let previous = self.book.orders.get(&order.id).cloned();
        // Updates can arrive out of order: never go back in time or status.
        if let Some(prev) = &previous {
            if prev.updated_at > order.updated_at
                || (prev.status.is_final() && !order.status.is_final())
            {
                return effects;
            }
        }
        if !matches!(order.status, OrderStatus::Buying | OrderStatus::Unknown) {
            self.book.baselines.remove(&order.idempotency_key);
        }
        let was_unknown = previous
            .as_ref()
            .is_some_and(|p| p.status == OrderStatus::Unknown);
        if order.status == OrderStatus::Unknown
            && !was_unknown
            && !self.book.clues.contains_key(&order.id)
        {
            effects.extend(self.on_unclear_order(&order));
        }
        if was_unknown && order.status != OrderStatus::Unknown {
            self.book.clues.remove(&order.id);
            if order.status.is_final() {
                self.book.say(
                    format!(
                        "Order #{}: {}",
                        order.id,
                        order.note.as_deref().unwrap_or("settled")
                    ),
                    Level::Ok,
                );
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
                    .book
                    .otp_log
                    .iter()
                    .any(|l| l.order_id == order.id && &l.code == *c)
            })
            .cloned()
            .collect();
        if !new_codes.is_empty() {
            for code in &new_codes {
                self.book.otp_log.insert(
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
            self.book.news.push(super::News::Code {
                name: crate::domain::order_ops::code_name(&order).into(),
                code: latest,
                service: order.service.clone(),
                number: order.number.clone().unwrap_or_default(),
            });
        }
        if order.status.is_final() && !was_final {
            self.book
                .final_since
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
                self.book
                    .say(format!("Order #{} cancelled{refund}", order.id), Level::Ok);
            }
        }
        if previous.is_none() && order.status != OrderStatus::Buying {
            effects.push(Effect::LoadBalance {
                account: order.account.clone(),
            });
            if order.status == OrderStatus::Waiting
                && order.created_at >= self.now - chrono::Duration::minutes(1)
            {
                self.book
                    .say(crate::domain::order_ops::placed_words(&order), Level::Ok);
            }
            if order.status == OrderStatus::Unknown {
                self.book.say(
                    format!(
                        "Order #{}: no clear reply to the buy; {} may have been charged. Check the provider.",
                        order.id, order.price
                    ),
                    Level::Error,
                );
            }
        }
        effects.extend(self.watch(&order));
        self.book.orders.insert(order.id, order.clone());
        effects.extend(self.chain_on_order(&order));
        effects
    }

    /// Buys the user confirmed: each "buying…" until its reply, its
    /// balance baseline noted, then sent (one request, or a batch).
    pub(crate) fn start_buys(&mut self, account: String, requests: Vec<BuyRequest>) -> Vec<Effect> {
        for r in &requests {
            self.note_baseline(&account, &r.idempotency_key);
            self.book.pending.push(crate::app::PendingBuy {
                account: account.clone(),
                idempotency_key: r.idempotency_key.clone(),
                service: r.service_name.clone(),
                country: r.country_name.clone().or_else(|| r.country_id.clone()),
                price: r.price,
                since: self.now,
            });
        }
        match <[BuyRequest; 1]>::try_from(requests) {
            Ok([request]) => vec![Effect::Buy { account, request }],
            Err(requests) if requests.is_empty() => Vec::new(),
            Err(requests) => vec![Effect::BuyBatch { account, requests }],
        }
    }

    pub(crate) fn on_tick(&mut self) -> Vec<Effect> {
        let mut effects = self.due_replays();
        effects.extend(self.auto_replace_due());
        let before =
            chrono::Duration::from_std(self.settings.auto_cancel_before).unwrap_or_default();
        let candidates: Vec<i64> = self
            .book
            .orders
            .values()
            .filter(|o| o.status == OrderStatus::Waiting && o.otps.is_empty())
            .filter(|_| !before.is_zero())
            .filter(|o| o.expires_at.is_some_and(|e| e - self.now <= before))
            .filter(|o| {
                self.account_of(&o.account)
                    .is_some_and(|a| a.info.caps.cancel)
            })
            .filter(|o| !self.book.auto_cancelled.contains(&o.id))
            .filter(|o| self.cancel_allowed_at(o.id).is_none_or(|t| t <= self.now))
            .filter(|o| self.settings.auto_cancel_email || !crate::app::email::is_email(o))
            .map(|o| o.id)
            .collect();
        for id in candidates {
            self.book.auto_cancelled.insert(id);
            let text = self.book.auto_cancel_text(id);
            self.book.say(text, Level::Warn);
            effects.push(Effect::Order {
                op: OrderOp::Cancel,
                order_id: id,
            });
        }
        // A rate-limited auto-cancel is tried again once its cooldown ends.
        let retry: Vec<i64> = self
            .book
            .cooldown_until
            .iter()
            .filter(|(id, t)| **t <= self.now && self.book.auto_cancelled.contains(id))
            .map(|(id, _)| *id)
            .collect();
        for id in retry {
            self.book.cooldown_until.remove(&id);
            if self
                .book
                .orders
                .get(&id)
                .is_some_and(|o| o.status == OrderStatus::Waiting)
            {
                effects.push(Effect::Order {
                    op: OrderOp::Cancel,
                    order_id: id,
                });
            }
        }
        effects
    }
}

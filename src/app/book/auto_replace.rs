//! `[rules] auto_replace_after`: an order with no SMS that long after its
//! buy is cancelled (once the provider allows it: OTPZap's two minutes),
//! and only once the provider confirmed the cancel, or the order ended
//! without an OTP some other way, the next best offer for the same service
//! and country is bought on any OTP account, through the compare rows and
//! the price rule (the runtime checks the daily caps as for every buy), up
//! to `max_attempts` orders in the chain.
//!
//! Every decision is made here; the runtime journals the link before the
//! cancel (`Effect::ReplaceBegin`) and the replacement's request before its
//! buy (`Effect::ReplaceBuy`), so a restart resumes from the journal
//! (`Action::LinksRestored`) and buys at most once per link: the key is
//! derived from the chain's root and the attempt, and once a request is
//! journaled it is the only one ever sent under that key.

use super::{Book, BookCx};
use crate::app::{Effect, Level, PendingBuy};
use crate::domain::compare::{self, Row, SortBy};
use crate::domain::{
    replacement_key, BuyRequest, Order, OrderOp, OrderStatus, ReplaceLink, ReplaceStep,
};

/// One link of a chain as the dashboard follows it, by the order it
/// replaces.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Chain {
    pub link: ReplaceLink,
    /// The compare asked for the replacement's offers.
    pub ticket: Option<u64>,
    /// Accounts not heard from yet, and the rows so far.
    pub waiting: usize,
    pub rows: Vec<Row>,
}

impl Chain {
    fn new(link: ReplaceLink) -> Chain {
        Chain {
            link,
            ticket: None,
            waiting: 0,
            rows: Vec::new(),
        }
    }
}

fn got_otp(o: &Order) -> bool {
    !o.otps.is_empty() || matches!(o.status, OrderStatus::OtpReceived | OrderStatus::Finished)
}

impl BookCx<'_> {
    /// The link whose replacement `order` is.
    fn link_to(&self, order: &Order) -> Option<&Chain> {
        self.book.chains.values().find(|c| {
            c.link.replacement == Some(order.id)
                || (c.link.idempotency_key == order.idempotency_key
                    && c.link.account.as_deref() == Some(order.account.as_str()))
        })
    }

    /// (root order, attempt) of `order`: 1 for an order no rule bought.
    fn attempt_of(&self, order: &Order) -> (i64, u32) {
        self.link_to(order)
            .map(|c| (c.link.root_order, c.link.attempt))
            .unwrap_or((order.id, 1))
    }

    /// Orders whose wait is over: cancel them (the first step of a link).
    pub(crate) fn auto_replace_due(&mut self) -> Vec<Effect> {
        let now = self.now;
        let rules = &self.settings.rules;
        let due: Vec<Order> = self
            .book
            .orders
            .values()
            .filter(|o| {
                o.status == OrderStatus::Waiting
                    && o.otps.is_empty()
                    && o.provider_order_id.is_some()
                    && o.country.is_some()
                    // An inbox has no "next best offer" for its service and
                    // country, and its cancel costs a fee: never the rule's.
                    && !crate::domain::email::is_email_offer(&o.offer_id)
            })
            .filter(|o| {
                !self.book.chains.contains_key(&o.id) && !self.book.auto_cancelled.contains(&o.id)
            })
            .filter(|o| {
                self.account_of(&o.account)
                    .is_some_and(|a| a.info.caps.cancel && a.info.caps.countries)
            })
            .filter(|o| {
                rules
                    .replace_after(&o.account)
                    .and_then(|d| chrono::Duration::from_std(d).ok())
                    .is_some_and(|d| now - o.created_at >= d)
            })
            .cloned()
            .collect();
        let mut effects = Vec::new();
        for o in due {
            // OTPZap's fixed wait, or a cooldown the API announced: said
            // once, then the rule steps in when it ends.
            match self.cancel_allowed_at(o.id).filter(|t| *t > now) {
                Some(t) => {
                    if self.book.replace_waits.insert(o.id) {
                        self.book.say(
                            format!(
                                "#{}: no SMS yet; {} allows cancelling in {} s, then it is replaced",
                                o.id,
                                o.provider.display_name(),
                                (t - now).num_seconds().max(1)
                            ),
                            Level::Info,
                        );
                    }
                }
                None => {
                    self.book.replace_waits.remove(&o.id);
                    effects.extend(self.begin_replace(&o));
                }
            }
        }
        effects
    }

    fn begin_replace(&mut self, o: &Order) -> Vec<Effect> {
        let after = self
            .settings
            .rules
            .replace_after(&o.account)
            .unwrap_or_default();
        let waited = humantime::format_duration(after);
        let (root, attempt) = self.attempt_of(o);
        let max = self.settings.rules.max_attempts();
        // Marked as the rule's cancel: a cooldown retries it, and
        // auto_cancel_before leaves it alone.
        self.book.auto_cancelled.insert(o.id);
        let cancel = Effect::Order {
            op: OrderOp::Cancel,
            order_id: o.id,
        };
        if attempt >= max {
            self.book.say(
                format!(
                    "#{}: no SMS after {waited} (attempt {attempt} of {max}): cancelling for a refund; max_attempts reached, not replaced",
                    o.id
                ),
                Level::Warn,
            );
            return vec![cancel];
        }
        let (root_key, root_at) = self
            .book
            .orders
            .get(&root)
            .map(|r| (r.idempotency_key.clone(), r.created_at))
            .unwrap_or_else(|| (o.idempotency_key.clone(), o.created_at));
        let link = ReplaceLink {
            from_order: o.id,
            root_order: root,
            attempt: attempt + 1,
            idempotency_key: replacement_key(&root_key, root_at, attempt + 1),
            step: ReplaceStep::Cancelling,
            account: None,
            request: None,
            replacement: None,
            note: None,
        };
        self.book.chains.insert(o.id, Chain::new(link.clone()));
        self.book.say(
            format!(
                "#{}: no SMS after {waited}: cancelling; the next best offer is bought once the cancel is confirmed (attempt {} of {max})",
                o.id,
                attempt + 1
            ),
            Level::Warn,
        );
        vec![Effect::ReplaceBegin(link), cancel]
    }

    /// An order changed: a replacement's row arrived, or a replaced order
    /// ended (cancel confirmed, expired, failed: buy the next; an SMS after
    /// all: stop).
    pub(crate) fn chain_on_order(&mut self, order: &Order) -> Vec<Effect> {
        let max = self.settings.rules.max_attempts();
        if let Some(from) = self.link_to(order).map(|c| c.link.from_order) {
            if let Some(c) = self.book.chains.get_mut(&from) {
                let first = c.link.replacement.is_none();
                c.link.replacement = Some(order.id);
                let attempt = c.link.attempt;
                if first && order.status.is_active() && order.status != OrderStatus::Buying {
                    self.book.say(
                        format!(
                            "Replaced #{from} → #{}: {} on {} for {} (attempt {attempt} of {max}); waiting for the SMS",
                            order.id, order.service, order.account, order.price
                        ),
                        Level::Ok,
                    );
                }
            }
        }
        let Some(c) = self.book.chains.get(&order.id) else {
            return Vec::new();
        };
        if c.link.step != ReplaceStep::Cancelling || c.ticket.is_some() {
            return Vec::new();
        }
        if got_otp(order) {
            return self.end_chain(order.id, "the SMS came after all: not replaced");
        }
        if order.status.is_final() {
            return self.look_for_replacement(order);
        }
        Vec::new()
    }

    fn end_chain(&mut self, from: i64, why: &str) -> Vec<Effect> {
        if let Some(c) = self.book.chains.get_mut(&from) {
            c.link.step = ReplaceStep::Ended;
            c.link.note = Some(why.to_string());
        }
        self.book.say(format!("#{from}: {why}"), Level::Warn);
        vec![Effect::ReplaceEnded {
            from_order: from,
            note: why.to_string(),
        }]
    }

    /// The replaced order ended without an OTP: ask every OTP account.
    fn look_for_replacement(&mut self, order: &Order) -> Vec<Effect> {
        let accounts = self
            .accounts
            .iter()
            .filter(|a| a.info.caps.countries)
            .count();
        let Some(country) = order.country_name.clone().or(order.country.clone()) else {
            return self.end_chain(order.id, "no country known: not replaced");
        };
        self.book.compare_tickets += 1;
        let ticket = self.book.compare_tickets;
        if let Some(c) = self.book.chains.get_mut(&order.id) {
            c.ticket = Some(ticket);
            c.waiting = accounts;
        }
        let refund = order
            .refunded
            .map(|r| format!(", refunded {r}"))
            .unwrap_or_default();
        self.book.say(
            format!(
                "#{} {}{refund}: looking for the next best {} {country} offer",
                order.id, order.status, order.service
            ),
            Level::Info,
        );
        vec![Effect::Compare {
            ticket,
            service: order.service.clone(),
            country,
        }]
    }

    /// Offers of every order in the chain that ends with `from` (never
    /// bought again by the rule).
    fn tried_offers(&self, from: i64) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut id = Some(from);
        for _ in 0..64 {
            let Some(i) = id else { break };
            if let Some(o) = self.book.orders.get(&i) {
                out.push((o.account.clone(), o.offer_id.clone()));
            }
            id = self
                .book
                .chains
                .values()
                .find(|c| c.link.replacement == Some(i))
                .map(|c| {
                    if let (Some(a), Some(r)) = (&c.link.account, &c.link.request) {
                        out.push((a.clone(), r.offer_id.clone()));
                    }
                    c.link.from_order
                });
        }
        out
    }

    /// An account's answer to a chain's compare; None when the ticket is
    /// not a chain's (the compare view's then).
    pub(crate) fn replace_offers(
        &mut self,
        ticket: u64,
        result: &Result<Vec<Row>, String>,
    ) -> Option<Vec<Effect>> {
        let from = *self
            .book
            .chains
            .iter()
            .find(|(_, c)| c.ticket == Some(ticket))?
            .0;
        let c = self.book.chains.get_mut(&from)?;
        if c.link.step != ReplaceStep::Cancelling {
            return Some(Vec::new());
        }
        c.waiting = c.waiting.saturating_sub(1);
        if let Ok(rows) = result {
            c.rows.extend(rows.iter().cloned());
        }
        if c.waiting > 0 {
            return Some(Vec::new());
        }
        let mut rows = std::mem::take(&mut c.rows);
        let tried = self.tried_offers(from);
        let rules = &self.settings.rules;
        rows.retain(|r| {
            !tried
                .iter()
                .any(|(a, o)| *a == r.account && *o == r.offer.id)
                && rules.check_price(&r.service.name, r.offer.price).is_ok()
                && self.account_of(&r.account).is_some()
        });
        compare::sort(&mut rows, SortBy::Price);
        let Some(best) = rows.first() else {
            return Some(self.end_chain(
                from,
                "no other offer in stock within the rules on any account: not replaced",
            ));
        };
        Some(self.buy_replacement(from, best.clone()))
    }

    fn buy_replacement(&mut self, from: i64, row: Row) -> Vec<Effect> {
        let max = self.settings.rules.max_attempts();
        let Some(c) = self.book.chains.get_mut(&from) else {
            return Vec::new();
        };
        let request = BuyRequest {
            service_id: row.service.id.clone(),
            service_name: row.service.name.clone(),
            country_id: Some(row.country.id.clone()),
            country_name: Some(row.country.name.clone()),
            offer_id: row.offer.id.clone(),
            price: row.offer.price,
            operator: None,
            idempotency_key: c.link.idempotency_key.clone(),
            customer_number: None,
        };
        c.link.step = ReplaceStep::Buying;
        c.link.account = Some(row.account.clone());
        c.link.request = Some(request.clone());
        let attempt = c.link.attempt;
        self.book.say(
            format!(
                "#{from}: buying the next best offer, {} {} on {} for {} (attempt {attempt} of {max})",
                row.service.name, row.offer.label, row.account, row.offer.price
            ),
            Level::Info,
        );
        self.replacement_effect(from, row.account, request)
    }

    fn replacement_effect(
        &mut self,
        from: i64,
        account: String,
        request: BuyRequest,
    ) -> Vec<Effect> {
        self.book.pending.push(PendingBuy {
            account: account.clone(),
            idempotency_key: request.idempotency_key.clone(),
            service: request.service_name.clone(),
            country: request.country_name.clone(),
            price: request.price,
            since: self.now,
        });
        vec![Effect::ReplaceBuy {
            from_order: from,
            account,
            request,
        }]
    }

    /// A replacement's buy was refused (by the rules or the provider):
    /// nothing was charged, and the chain stops there.
    pub(crate) fn replace_buy_failed(&mut self, key: &str, error: &str) -> Vec<Effect> {
        let Some(from) = self
            .book
            .chains
            .values()
            .find(|c| c.link.idempotency_key == key && c.link.step == ReplaceStep::Buying)
            .map(|c| c.link.from_order)
        else {
            return Vec::new();
        };
        self.end_chain(from, &format!("the replacement was not bought: {error}"))
    }

    /// The rule's cancel failed: nothing is bought unless the order still
    /// ends without an SMS (expiry refunds it).
    pub(crate) fn replace_cancel_failed(&mut self, order_id: i64, op: Option<OrderOp>) {
        let cancelling = self
            .book
            .chains
            .get(&order_id)
            .is_some_and(|c| c.link.step == ReplaceStep::Cancelling && c.ticket.is_none());
        if op == Some(OrderOp::Cancel)
            && cancelling
            && !self.book.cooldown_until.contains_key(&order_id)
        {
            if let Some(super::News::Said(text, _)) = self.book.news.last() {
                let text = format!("{text}; not replaced unless it ends without an SMS");
                self.book.say(text, Level::Error);
            }
        }
    }

    /// At start: the journal's links. A link whose request is journaled
    /// but whose buy never got a row is bought now, with that request and
    /// key; one still cancelling asks the cancel again (or goes on, when
    /// its order has ended meanwhile).
    pub(crate) fn on_links_restored(&mut self, links: Vec<ReplaceLink>) -> Vec<Effect> {
        let mut effects = Vec::new();
        for link in links {
            let from = link.from_order;
            if self.book.chains.contains_key(&from) {
                continue;
            }
            self.book.auto_cancelled.insert(from);
            let step = link.step;
            let buy = match (&link.replacement, &link.account, &link.request) {
                (None, Some(a), Some(r)) => Some((a.clone(), r.clone())),
                _ => None,
            };
            self.book.chains.insert(from, Chain::new(link));
            match step {
                ReplaceStep::Ended => {}
                ReplaceStep::Buying => {
                    if let Some((account, request)) = buy {
                        self.book.say(
                            format!(
                                "#{from}: resuming its replacement from the journal on {account}"
                            ),
                            Level::Info,
                        );
                        effects.extend(self.replacement_effect(from, account, request));
                    }
                }
                ReplaceStep::Cancelling => {
                    let Some(o) = self.book.orders.get(&from).cloned() else {
                        continue;
                    };
                    if got_otp(&o) {
                        effects
                            .extend(self.end_chain(from, "the SMS came after all: not replaced"));
                    } else if o.status.is_final() {
                        effects.extend(self.look_for_replacement(&o));
                    } else if self.cancel_allowed_at(from).is_none_or(|t| t <= self.now) {
                        effects.push(Effect::Order {
                            op: OrderOp::Cancel,
                            order_id: from,
                        });
                    } else if let Some(t) = self.cancel_allowed_at(from) {
                        // The cooldown retry in on_tick sends it then.
                        self.book.cooldown_until.insert(from, t);
                    }
                }
            }
        }
        effects
    }
}

impl Book {
    /// The chain an order is part of, as the orders pane shows it
    /// (`#12 → #13`, with `→ …` while a replacement is on its way).
    pub fn chain_text(&self, id: i64) -> Option<String> {
        let mut first = id;
        for _ in 0..64 {
            match self
                .chains
                .values()
                .find(|c| c.link.replacement == Some(first))
            {
                Some(c) => first = c.link.from_order,
                None => break,
            }
        }
        let mut ids = vec![format!("#{first}")];
        let mut cur = first;
        for _ in 0..64 {
            let Some(c) = self.chains.get(&cur) else {
                break;
            };
            match (c.link.replacement, c.link.step) {
                (Some(r), _) => {
                    ids.push(format!("#{r}"));
                    cur = r;
                }
                (None, ReplaceStep::Ended) => break,
                (None, _) => {
                    ids.push("…".into());
                    break;
                }
            }
        }
        (ids.len() > 1).then(|| ids.join(" → "))
    }
}

//! Status of pending transactions in rounds: every order of the account
//! that is asked about joins the round, and one history request
//! (`/api/buyer/transactions` filtered by `status` and `start_date`, 100
//! rows) answers all of them. A new round starts at most every
//! `Limiter::round_interval` and only when the request budget has room;
//! in between, callers read the last round's rows. So the number of
//! requests does not grow with the number of pending orders.
//!
//! The filter alternates between "success" and "failed" (a pending row
//! changes nothing); when an asked-for order is not on the page and there
//! are more pages, that filter's next round reads the next page.

use super::buyer::{status_word, transaction_of};
use super::{wire, GoTopUp};
use crate::domain::{OrderStatus, OrderUpdate, Transaction};
use crate::providers::lenient::parse;
use crate::providers::{OrderRef, ProviderError};
use crate::secret::Secret;
use chrono::NaiveDate;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// An order not asked about for this long leaves the round.
const FORGET_AFTER: Duration = Duration::from_secs(300);
const FILTERS: [&str; 2] = ["success", "failed"];

#[derive(Default)]
pub(super) struct RoundState {
    /// ref_id → (day the order was placed, last asked).
    asked: HashMap<String, (Option<NaiveDate>, Instant)>,
    /// Settled rows found for asked orders.
    seen: HashMap<String, Transaction>,
    last_round: Option<Instant>,
    turn: usize,
    page: [i64; 2],
}

/// What a poll says when the order is not (yet) among the settled rows.
fn no_news() -> OrderUpdate {
    OrderUpdate::default()
}

/// A settled row, handed to the order's own caller once: the order then
/// leaves the round (asked again, it joins the next one).
fn take(st: &mut RoundState, reference: &str) -> Option<Transaction> {
    let t = st.seen.remove(reference)?;
    st.asked.remove(reference);
    Some(t)
}

impl GoTopUp {
    /// The state of `order`, from the account's current round.
    pub(super) async fn round_status(
        &self,
        key: &Secret,
        order: &OrderRef,
    ) -> Result<OrderUpdate, ProviderError> {
        let now = Instant::now();
        let mut st = self.rounds.lock().await;
        let day = order.created_at.map(|t| t.date_naive());
        st.asked.insert(order.idempotency_key.clone(), (day, now));
        if let Some(t) = take(&mut st, &order.idempotency_key) {
            return Ok(super::buyer::update_of(&t));
        }
        let due = st
            .last_round
            .is_none_or(|t| now.duration_since(t) >= self.limiter.round_interval());
        if !due {
            return Ok(no_news());
        }
        self.load_rate_limit(key).await;
        if !self.limiter.try_acquire() {
            return Ok(no_news());
        }
        st.last_round = Some(now);
        st.asked
            .retain(|_, (_, asked)| now.duration_since(*asked) < FORGET_AFTER);
        let which = st.turn % FILTERS.len();
        st.turn += 1;
        let page = st.page[which].max(1);
        let mut body = json!({"status": FILTERS[which], "page": page, "limit": 100});
        let start = st.asked.values().filter_map(|(d, _)| *d).min();
        if let (Some(d), Some(m)) = (start, body.as_object_mut()) {
            // A day early: the API's day may be in another time zone.
            let d = d.pred_opt().unwrap_or(d);
            m.insert("start_date".into(), json!(d.format("%Y-%m-%d").to_string()));
        }
        let h: wire::History = parse(
            self.send_post("/api/buyer/transactions", body, key).await?,
            "history",
        )?;
        let last = h.pagination.and_then(|p| p.total_pages).unwrap_or(1);
        for t in h.transactions {
            if !st.asked.contains_key(&t.ref_id) || status_word(&t.status).is_err() {
                continue;
            }
            if let Ok(t) = transaction_of(t) {
                if t.status != OrderStatus::Waiting {
                    st.seen.insert(t.reference.clone(), t);
                }
            }
        }
        let missing = st.asked.keys().any(|r| !st.seen.contains_key(r));
        st.page[which] = if missing && page < last { page + 1 } else { 1 };
        let asked: Vec<String> = st.asked.keys().cloned().collect();
        st.seen.retain(|r, _| asked.contains(r));
        Ok(take(&mut st, &order.idempotency_key)
            .map(|t| super::buyer::update_of(&t))
            .unwrap_or_else(no_news))
    }

    /// Reads the account's `rate_limit` once (`GET /api/buyer/api/config`);
    /// on any failure the documented default stands.
    pub(super) async fn load_rate_limit(&self, key: &Secret) {
        self.rate_loaded
            .get_or_init(|| async {
                self.limiter.acquire().await;
                let url = self.http.url("/api/buyer/api/config");
                let reply = self
                    .http
                    .send(crate::providers::http::Retry::Never, |c| {
                        c.get(&url).bearer_auth(key.expose())
                    })
                    .await;
                let cfg = reply
                    .ok()
                    .and_then(|r| super::payload(&r).ok())
                    .and_then(|v| parse::<wire::ApiConfig>(v, "api config").ok());
                if let Some(n) = cfg.and_then(|c| c.rate_limit) {
                    self.limiter.set_limit(n.clamp(1, 1000) as u32);
                }
            })
            .await;
    }
}

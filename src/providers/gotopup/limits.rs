//! The account's request budget. GoTopUp limits each API key to its
//! `rate_limit` requests a minute (`/api/buyer/api/config`, 100 by default,
//! 1–1000). Every request this adapter sends takes a slot in a sliding
//! window first, so otpdeck stays under the limit whatever the number of
//! pending transactions: buys and reads wait for a slot, status polls skip
//! their round instead. A tenth of the limit is left for the account's
//! other users (the web dashboard, another machine).

use crate::secret::Secret;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::sign::SignRule;

/// The default `rate_limit` the docs show.
pub const DEFAULT_RATE_LIMIT: u32 = 100;

/// GoTopUp switches of one account (all off by default).
#[derive(Debug, Clone, PartialEq)]
pub struct GoTopUpSettings {
    /// Otomax: `None` sends the configured sign as it is.
    pub sign_rule: Option<SignRule>,
    /// Otomax: a Bearer key of the same GoTopUp account; status is then
    /// read from `/api/buyer/transactions` instead of re-sending.
    pub history_key: Option<Secret>,
    /// Otomax: the server answers a repeated `ref_id` with the
    /// transaction's state instead of buying again. Only then is the
    /// request re-sent to poll.
    pub resend_is_status: bool,
    /// The window `rate_limit` counts over: a minute (tests shrink it).
    pub rate_window: Duration,
}

impl Default for GoTopUpSettings {
    fn default() -> Self {
        GoTopUpSettings {
            sign_rule: None,
            history_key: None,
            resend_is_status: false,
            rate_window: Duration::from_secs(60),
        }
    }
}

pub(super) struct Limiter {
    window: Duration,
    limit: AtomicU32,
    sent: Mutex<VecDeque<Instant>>,
}

impl Limiter {
    pub fn new(window: Duration) -> Self {
        Limiter {
            window: window.max(Duration::from_millis(1)),
            limit: AtomicU32::new(DEFAULT_RATE_LIMIT),
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// Takes the account's limit as the API states it (kept within 1–1000).
    pub fn set_limit(&self, per_window: u32) {
        self.limit
            .store(per_window.clamp(1, 1000), Ordering::Relaxed);
    }

    pub fn limit(&self) -> u32 {
        self.limit.load(Ordering::Relaxed)
    }

    /// What otpdeck itself may send per window.
    fn budget(&self) -> usize {
        (self.limit() as usize * 9 / 10).max(1)
    }

    /// Takes a slot now if there is one, else says how long until one frees.
    fn take(&self, now: Instant) -> Result<(), Duration> {
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        while sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            sent.pop_front();
        }
        if sent.len() < self.budget() {
            sent.push_back(now);
            return Ok(());
        }
        let oldest = sent.front().copied().unwrap_or(now);
        Err((oldest + self.window).saturating_duration_since(now) + Duration::from_millis(1))
    }

    /// A slot for a request that must go out (a buy, a read the user asked
    /// for): waits for one.
    pub async fn acquire(&self) {
        while let Err(wait) = self.take(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
    }

    /// A slot for a request that can be skipped (a status round).
    pub fn try_acquire(&self) -> bool {
        self.take(Instant::now()).is_ok()
    }

    /// Shortest time between two status rounds of this account: polls use
    /// at most half of the budget, whatever the number of pending orders.
    pub fn round_interval(&self) -> Duration {
        let per = self.window.mul_f64(2.0 / self.limit().max(1) as f64);
        per.max(self.window / 60)
    }
}

impl super::GoTopUp {
    /// Sends with `send` once per attempt, each attempt taking a slot of
    /// the budget first: the HTTP layer's own retries would spend requests
    /// the limiter never counted. Only a `Safe` request is tried again,
    /// and only after an error worth trying again (as the HTTP layer would:
    /// a Retry-After longer than `max_retry_wait` goes back to the caller).
    pub(super) async fn with_slots<T, F, Fut>(
        &self,
        retry: crate::providers::http::Retry,
        send: F,
    ) -> Result<T, crate::providers::ProviderError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, crate::providers::ProviderError>>,
    {
        let policy = self.http.policy();
        let attempts = match retry {
            crate::providers::http::Retry::Safe => policy.max_attempts.max(1),
            crate::providers::http::Retry::Never => 1,
        };
        let mut backoff = policy.backoff;
        let mut attempt = 1;
        // Set once an attempt may have been carried out unanswered: a later
        // refusal then speaks of the later attempt only.
        let mut uncertain = false;
        loop {
            self.limiter.acquire().await;
            match send().await {
                Err(e) if uncertain && !e.is_ambiguous() => {
                    return Err(crate::providers::ProviderError::Network(format!(
                        "no clear reply: an earlier attempt may have gone through (last error: {e})"
                    )))
                }
                Err(e) if attempt < attempts && e.is_transient() => {
                    uncertain |= e.is_ambiguous();
                    let wait = e.retry_after().unwrap_or(backoff);
                    if wait > policy.max_retry_wait {
                        return Err(e);
                    }
                    tracing::debug!(error = %e, attempt, "GoTopUp read failed, retrying");
                    tokio::time::sleep(wait).await;
                    backoff *= 2;
                    attempt += 1;
                }
                r => return r,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_caps_what_is_sent() {
        let l = Limiter::new(Duration::from_secs(60));
        l.set_limit(10);
        let t0 = Instant::now();
        for _ in 0..9 {
            assert!(l.take(t0).is_ok());
        }
        let wait = l.take(t0).unwrap_err();
        assert!(wait > Duration::from_secs(59), "{wait:?}");
        assert!(l.take(t0 + Duration::from_secs(61)).is_ok());
        l.set_limit(0);
        assert_eq!(l.limit(), 1);
        l.set_limit(5000);
        assert_eq!(l.limit(), 1000);
        l.set_limit(100);
        assert_eq!(l.round_interval(), Duration::from_millis(1200));
    }
}

//! One task per active order: polls every 4–5 s with jitter, stops on a
//! final status, backs off on errors and honours Retry-After. Results go
//! back through a callback (the runtime turns them into Actions).

use super::journal::{Change, Journal};
use super::orders::{self, EngineError};
use crate::domain::Order;
use crate::providers::SharedProvider;
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub enum PollEvent {
    Changed(Box<Change>),
    Failed {
        order_id: i64,
        error: String,
        retry_after: Option<Duration>,
    },
    Stopped {
        order_id: i64,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct PollTiming {
    pub min: Duration,
    pub max: Duration,
    /// Longest wait between polls after repeated errors.
    pub max_backoff: Duration,
}

impl Default for PollTiming {
    fn default() -> Self {
        PollTiming {
            min: Duration::from_millis(4000),
            max: Duration::from_millis(5000),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl PollTiming {
    /// The default, or `OTPDECK_POLL_INTERVAL_MS` for tests.
    pub fn from_env() -> PollTiming {
        match std::env::var("OTPDECK_POLL_INTERVAL_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            Some(ms) => PollTiming {
                min: Duration::from_millis(ms.max(10)),
                max: Duration::from_millis(ms.max(10) * 5 / 4),
                max_backoff: Duration::from_secs(5),
            },
            None => PollTiming::default(),
        }
    }

    pub fn next(&self) -> Duration {
        if self.max <= self.min {
            return self.min;
        }
        rand::rng().random_range(self.min..=self.max)
    }
}

/// Polls `order` until it is final (or unknown to the provider for good).
pub fn spawn(
    provider: SharedProvider,
    journal: Arc<Journal>,
    order: Order,
    timing: PollTiming,
    emit: impl Fn(PollEvent) + Send + Sync + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut order = order;
        let mut backoff = timing.min;
        let mut wait = timing.next();
        let mut hard_failures = 0u32;
        loop {
            tokio::time::sleep(wait).await;
            match orders::poll(provider.as_ref(), &journal, &order).await {
                Ok(change) => {
                    order = change.order.clone();
                    hard_failures = 0;
                    backoff = timing.min;
                    let done = order.status.is_final();
                    emit(PollEvent::Changed(Box::new(change)));
                    if done {
                        break;
                    }
                    wait = timing.next();
                }
                Err(EngineError::Provider(e)) => {
                    let retry_after = e.retry_after();
                    if !e.is_transient() {
                        hard_failures += 1;
                    }
                    emit(PollEvent::Failed {
                        order_id: order.id,
                        error: e.to_string(),
                        retry_after,
                    });
                    // Not found or refused many times over: stop, the journal
                    // keeps the order for the user to check.
                    if hard_failures >= 5 {
                        break;
                    }
                    backoff = (backoff * 2).min(timing.max_backoff);
                    // Honour Retry-After, but a provider's absurd value must
                    // not park the poller for good.
                    wait = retry_after
                        .unwrap_or(backoff)
                        .max(timing.min)
                        .min(Duration::from_secs(600));
                }
                Err(e) => {
                    emit(PollEvent::Failed {
                        order_id: order.id,
                        error: e.to_string(),
                        retry_after: None,
                    });
                    break;
                }
            }
        }
        emit(PollEvent::Stopped { order_id: order.id });
    })
}

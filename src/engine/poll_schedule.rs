//! When a poller asks next: the 4–5 s jittered interval, the one back-off
//! every poller shares (the dashboard's and `watch`'s), and the process-wide
//! grid regular polls start on. Pure but for the grid's origin.

use crate::providers::ProviderError;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollTiming {
    pub min: Duration,
    pub max: Duration,
    /// Longest wait between polls after repeated errors.
    pub max_backoff: Duration,
}

impl Default for PollTiming {
    /// The documented 4–5 s, aimed 100 ms inside both ends: a reply that
    /// took a little longer than the one before, or a busy scheduler, then
    /// still leaves the provider's view of the gaps within 4–5 s (the
    /// timing soak measures them at the simulator).
    fn default() -> Self {
        PollTiming {
            min: Duration::from_millis(4100),
            max: Duration::from_millis(4900),
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

    /// A regular wait between polls: `min..=max`, placed by `jitter` (any
    /// u64, e.g. random bits) so many pollers do not ask in step.
    pub fn interval(&self, jitter: u64) -> Duration {
        if self.max <= self.min {
            return self.min;
        }
        let span = (self.max - self.min).as_millis() as u64;
        self.min + Duration::from_millis(jitter % (span + 1))
    }

    /// A regular wait, jittered from the thread's random source.
    pub fn next(&self) -> Duration {
        self.interval(rand::random())
    }
}

/// How a poll ended, as far as the schedule cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollOutcome {
    /// The provider answered.
    Answered,
    /// It did not; `retry_after` where it said when to come back (429,
    /// a 503 with Retry-After).
    Failed { retry_after: Option<Duration> },
}

impl PollOutcome {
    pub fn failed(e: &ProviderError) -> PollOutcome {
        PollOutcome::Failed {
            retry_after: e.retry_after(),
        }
    }
}

/// Longest a Retry-After may park a poller: a provider's absurd value must
/// not stop it for good.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// The one back-off for every poller: the dashboard's per-order tasks and
/// `otpdeck watch`. Pure: the outcome and the jitter come in, the next wait
/// goes out. Answers poll at the regular jittered interval; each failure in
/// a row doubles the wait from `min` up to `max_backoff`; a Retry-After is
/// honoured as given (never below `min`, never above `MAX_RETRY_AFTER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSchedule {
    timing: PollTiming,
    backoff: Duration,
}

impl PollSchedule {
    pub fn new(timing: PollTiming) -> PollSchedule {
        PollSchedule {
            timing,
            backoff: timing.min,
        }
    }

    /// The wait before the first poll.
    pub fn first(&self, jitter: u64) -> Duration {
        self.timing.interval(jitter)
    }

    /// The wait after a poll that ended with `outcome`.
    pub fn after(&mut self, outcome: PollOutcome, jitter: u64) -> Duration {
        match outcome {
            PollOutcome::Answered => {
                self.backoff = self.timing.min;
                self.timing.interval(jitter)
            }
            PollOutcome::Failed { retry_after } => {
                self.backoff = (self.backoff * 2).min(self.timing.max_backoff);
                retry_after
                    .unwrap_or(self.backoff)
                    .max(self.timing.min)
                    .min(MAX_RETRY_AFTER)
            }
        }
    }
}

/// Regular polls start on the ticks of one process-wide clock this far
/// apart: a thousand pollers then wake the runtime, and reach the
/// provider's connections, ten times a second in small groups rather than
/// 220 times one by one (each wake-up costs a scheduler turn, an epoll
/// call and a context switch; the timing soak's engine spent a tenth of
/// its time there). The 4–5 s window holds eight ticks, so the jitter
/// still spreads the orders over it.
pub const POLL_GRID: Duration = Duration::from_millis(100);

/// The tick of `grid` (counted from `origin`) nearest `target` within
/// `lo..=hi`, or `target` itself when no tick falls in that range (the
/// short intervals of tests). Pure: the runtime passes the clock in.
pub fn on_grid<T>(target: T, lo: T, hi: T, origin: T, grid: Duration) -> T
where
    T: Copy + Ord + std::ops::Add<Duration, Output = T> + std::ops::Sub<Duration, Output = T>,
    T: std::ops::Sub<T, Output = Duration>,
{
    let g = grid.as_nanos();
    if g == 0 || target < origin {
        return target;
    }
    let past = (target - origin).as_nanos() % g;
    let down = target - Duration::from_nanos(past as u64);
    let up = down + grid;
    let fits = |t: T| t >= lo && t <= hi;
    match (fits(down), fits(up)) {
        (true, true) if past * 2 < g => down,
        (_, true) => up,
        (true, false) => down,
        (false, false) => target,
    }
}

/// The clock `on_grid` counts from: the first poll of the process.
pub(super) fn grid_origin() -> tokio::time::Instant {
    static ORIGIN: std::sync::OnceLock<tokio::time::Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(tokio::time::Instant::now)
}

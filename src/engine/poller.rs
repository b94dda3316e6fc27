//! One task per active order: polls every 4–5 s with jitter, stops on a
//! final status, backs off on errors and honours Retry-After. Results go
//! back through a callback (the runtime turns them into Actions).

use super::journal::{Change, Journal};
use super::orders::{self, EngineError};
use crate::domain::Order;
use crate::providers::SharedProvider;
use std::sync::Arc;
use std::time::Duration;

use super::poll_schedule::grid_origin;
pub use super::poll_schedule::*;

#[derive(Debug, Clone)]
pub enum PollEvent {
    /// A poll that brought news (see `spawn`: "still waiting" is not).
    Changed(Box<Change>),
    Failed {
        order_id: i64,
        error: String,
        retry_after: Option<Duration>,
    },
    Stopped {
        order_id: i64,
    },
    /// The provider answered and the journal could not write it: the
    /// order as the answer makes it (for the screen, marked not saved),
    /// and why. The poller keeps asking until a write succeeds.
    Unsaved {
        order: Box<Order>,
        error: String,
    },
}

/// How soon a poll is asked again after its answer could not be written:
/// soon, so a disk that has room again gets the code within seconds.
pub const UNSAVED_RETRY: Duration = Duration::from_secs(5);

/// `order` with the provider's new codes and SN, for the screen only,
/// and a note that none of it is saved. The status stays the journal's: a
/// final status the journal has not got would end the poller (and start
/// an auto-replace or a balance read) on news that is not written.
pub fn unsaved_view(order: &Order, update: &crate::domain::OrderUpdate, error: &str) -> Order {
    let mut o = order.clone();
    for code in &update.otps {
        if !o.otps.contains(code) {
            o.otps.push(code.clone());
        }
    }
    if update.sn.is_some() {
        o.sn = update.sn.clone();
    }
    let said = update
        .status
        .filter(|st| *st != o.status)
        .map(|st| format!(", the provider says {st}"))
        .unwrap_or_default();
    o.note = Some(format!("NOT SAVED ({error}){said}: retrying"));
    o
}

/// Non-transient poll failures in a row after which a poller gives up.
pub const HARD_FAILURE_LIMIT: u32 = 5;

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
        let mut schedule = PollSchedule::new(timing);
        let mut wait = schedule.first(rand::random());
        // Non-transient failures in a row; any other outcome ends the run.
        let mut hard_failures = 0u32;
        let mut last_note: Option<String> = None;
        let mut failed_before = false;
        // Waits count from the start of the previous poll, so the time a
        // reply takes does not stretch the 4–5 s cadence.
        let mut last = tokio::time::Instant::now();
        // Whether `wait` is a regular interval (a back-off is not put on
        // the grid: its length is the point).
        let mut regular = true;
        loop {
            let due = if regular {
                on_grid(
                    last + wait,
                    last + timing.min,
                    last + timing.max,
                    grid_origin(),
                    POLL_GRID,
                )
            } else {
                last + wait
            };
            tokio::time::sleep_until(due).await;
            last = tokio::time::Instant::now();
            match orders::poll(provider.as_ref(), &journal, &order).await {
                Ok(change) => {
                    // "Still waiting" is not news: most polls tell the
                    // screen nothing (a thousand orders would wake it 200
                    // times a second). The first answer after a failure
                    // is, so the screen can see the poller recovered.
                    let news = change.order != order
                        || !change.new_otps.is_empty()
                        || change.note != last_note
                        || failed_before;
                    order = change.order.clone();
                    last_note = change.note.clone();
                    failed_before = false;
                    hard_failures = 0;
                    let done = order.status.is_final();
                    if news || done {
                        emit(PollEvent::Changed(Box::new(change)));
                    }
                    if done {
                        break;
                    }
                    wait = schedule.after(PollOutcome::Answered, rand::random());
                    regular = true;
                }
                Err(EngineError::Provider(e)) => {
                    failed_before = true;
                    let retry_after = e.retry_after();
                    if e.is_transient() {
                        hard_failures = 0;
                    } else {
                        hard_failures += 1;
                    }
                    emit(PollEvent::Failed {
                        order_id: order.id,
                        error: e.to_string(),
                        retry_after,
                    });
                    // Not found or refused five times in a row: stop, the
                    // journal keeps the order for the user to check.
                    if hard_failures >= HARD_FAILURE_LIMIT {
                        break;
                    }
                    wait = schedule.after(PollOutcome::failed(&e), rand::random());
                    regular = false;
                    // A back-off or a Retry-After counts from the reply.
                    last = tokio::time::Instant::now();
                }
                Err(EngineError::Unsaved { update, error }) => {
                    // Never the end of the poller: the provider keeps the
                    // answer, the next poll writes it once the disk can.
                    tracing::warn!(order = order.id, "poll answer not journaled: {error}");
                    let error = error.to_string();
                    emit(PollEvent::Unsaved {
                        order: Box::new(unsaved_view(&order, &update, &error)),
                        error,
                    });
                    failed_before = true;
                    wait = schedule.after(
                        PollOutcome::Failed {
                            retry_after: Some(UNSAVED_RETRY),
                        },
                        rand::random(),
                    );
                    regular = false;
                    last = tokio::time::Instant::now();
                }
                Err(e) => {
                    tracing::warn!(order = order.id, "poller stopped: {e}");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BuyRequest, OrderStatus, ProviderKind};
    use crate::providers::{self, Auth, HttpPolicy, ProviderError, ProviderSettings};
    use crate::secret::Secret;
    use crate::sim::faults::{Api, Fault, FaultRule};
    use crate::sim::{self, SimHandle, SimOptions};
    use std::sync::atomic::Ordering;
    use std::time::Instant;
    use tokio::sync::mpsc;

    const STATUS_PATH: &str = "/api/v1/order/";

    async fn sim_with(otp_delay: Duration, lifetime: Duration) -> SimHandle {
        sim::start_local(SimOptions {
            otp_delay,
            order_lifetime: lifetime,
            ..Default::default()
        })
        .await
        .expect("sim")
    }

    /// A NexOTP account with one attempt per request, so every injected
    /// fault reaches the poller.
    fn nexotp(sim: &SimHandle, key: &str) -> SharedProvider {
        let mut s = ProviderSettings::new(
            ProviderKind::NexOtp,
            sim.urls.nexotp.clone(),
            Auth::ApiKey(Secret::new(key)),
        );
        s.http = HttpPolicy {
            connect_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(2),
            max_attempts: 1,
            max_retry_wait: Duration::from_secs(5),
            backoff: Duration::from_millis(10),
        };
        providers::build(&s).expect("adapter")
    }

    async fn placed(p: &SharedProvider, journal: &Journal, key: &str) -> Order {
        let svc = p
            .services()
            .await
            .expect("services")
            .into_iter()
            .find(|s| s.name == "WhatsApp")
            .expect("WhatsApp");
        let c = p
            .countries(&svc.id)
            .await
            .expect("countries")
            .into_iter()
            .find(|c| c.name == "Indonesia")
            .expect("Indonesia");
        let o = p
            .offers(&svc.id, Some(&c.id))
            .await
            .expect("offers")
            .into_iter()
            .filter(|o| o.in_stock())
            .min_by_key(|o| o.price)
            .expect("offer");
        let req = BuyRequest {
            service_id: svc.id,
            service_name: svc.name,
            country_id: Some(c.id),
            country_name: None,
            offer_id: o.id,
            price: o.price,
            operator: None,
            idempotency_key: key.into(),
            customer_number: None,
        };
        orders::buy(p.as_ref(), journal, "nex", &req)
            .await
            .expect("buy")
            .order
    }

    fn timing(min_ms: u64, max_backoff_ms: u64) -> PollTiming {
        PollTiming {
            min: Duration::from_millis(min_ms),
            max: Duration::from_millis(min_ms),
            max_backoff: Duration::from_millis(max_backoff_ms),
        }
    }

    type Events = mpsc::UnboundedReceiver<(Instant, PollEvent)>;

    fn start(
        p: &SharedProvider,
        journal: &Arc<Journal>,
        order: Order,
        t: PollTiming,
    ) -> (Events, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let task = spawn(p.clone(), journal.clone(), order, t, move |e| {
            let _ = tx.send((Instant::now(), e));
        });
        (rx, task)
    }

    async fn next(rx: &mut Events) -> (Instant, PollEvent) {
        tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("an event within 10 s")
            .expect("poller alive")
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_interval_is_jittered_within_its_bounds() {
        let t = PollTiming::default();
        assert_eq!(t.interval(0), ms(4100));
        assert_eq!(t.interval(800), ms(4900));
        assert_eq!(t.interval(801), ms(4100));
        assert_eq!(t.interval(250), ms(4350));
        for j in [7, 999_999, u64::MAX] {
            let d = t.interval(j);
            assert!((ms(4000)..=ms(5000)).contains(&d), "{d:?}");
        }
        // No span: no jitter.
        assert_eq!(timing(20, 100).interval(u64::MAX), ms(20));
    }

    #[test]
    fn regular_polls_meet_on_the_grid_within_their_window() {
        let origin = Instant::now();
        let t = PollTiming::default();
        let mut ticks = std::collections::BTreeSet::new();
        // Pollers that last polled at scattered moments.
        for i in 0..500u64 {
            let last = origin + ms(i * 37 % 9_000);
            let target = last + t.interval(i * 7919);
            let due = on_grid(target, last + t.min, last + t.max, origin, POLL_GRID);
            assert!(due >= last + t.min && due <= last + t.max, "{i}");
            assert!(due.duration_since(target) <= ms(50) || target.duration_since(due) <= ms(50));
            assert_eq!(
                due.duration_since(origin).as_nanos() % POLL_GRID.as_nanos(),
                0
            );
            ticks.insert(due);
        }
        // 500 polls over ~14 s: on at most ~140 ticks, not 500 moments.
        assert!(ticks.len() <= 141, "{}", ticks.len());
        // A window narrower than the grid with no tick in it: unchanged.
        let last = origin + ms(1_010);
        let target = last + ms(30);
        assert_eq!(
            on_grid(target, last + ms(20), last + ms(60), origin, POLL_GRID),
            target
        );
        // The nearest tick, and the one inside the window when both are near.
        let last = origin + ms(10_000);
        assert_eq!(
            on_grid(
                last + ms(4_130),
                last + ms(4_100),
                last + ms(4_900),
                origin,
                POLL_GRID
            ),
            last + ms(4_100)
        );
        assert_eq!(
            on_grid(
                last + ms(4_170),
                last + ms(4_100),
                last + ms(4_900),
                origin,
                POLL_GRID
            ),
            last + ms(4_200)
        );
        let last = origin + ms(10_050);
        assert_eq!(
            on_grid(
                last + ms(4_860),
                last + ms(4_100),
                last + ms(4_900),
                origin,
                POLL_GRID
            ),
            last + ms(4_850)
        );
    }

    #[test]
    fn failures_double_the_wait_up_to_the_cap_and_an_answer_resets_it() {
        let mut s = PollSchedule::new(timing(20, 320));
        assert_eq!(s.first(0), ms(20));
        let failed = PollOutcome::Failed { retry_after: None };
        let waits: Vec<Duration> = (0..6).map(|_| s.after(failed, 0)).collect();
        assert_eq!(waits, [40, 80, 160, 320, 320, 320].map(ms));
        assert_eq!(s.after(PollOutcome::Answered, 0), ms(20));
        assert_eq!(s.after(failed, 0), ms(40), "starts over after an answer");
        // The defaults: 4.1-4.9 s, then 8.2, 16.4, 32.8, 60 s.
        let mut d = PollSchedule::new(PollTiming::default());
        assert_eq!(d.after(PollOutcome::Answered, 400), ms(4500));
        let waits: Vec<Duration> = (0..5).map(|_| d.after(failed, 0)).collect();
        assert_eq!(waits, [8_200, 16_400, 32_800, 60_000, 60_000].map(ms));
    }

    #[test]
    fn retry_after_is_honoured_within_reason() {
        let mut s = PollSchedule::new(timing(20, 320));
        let after = |secs: u64| PollOutcome::Failed {
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            s.after(after(3), 0),
            Duration::from_secs(3),
            "above the cap"
        );
        assert_eq!(s.after(after(0), 0), ms(20), "never below the interval");
        assert_eq!(s.after(after(86_400), 0), MAX_RETRY_AFTER, "never parked");
        let e = ProviderError::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
            message: "slow down".into(),
        };
        assert_eq!(
            PollOutcome::failed(&e),
            PollOutcome::Failed {
                retry_after: Some(Duration::from_secs(2))
            }
        );
    }

    #[tokio::test]
    async fn backs_off_on_errors_recovers_on_its_own_and_stops_when_final() {
        // The OTP comes at 300 ms; the order is final (success) at 2.5 s.
        let sim = sim_with(Duration::from_millis(300), Duration::from_millis(2500)).await;
        let p = nexotp(&sim, "sim-poll-1");
        let journal = Arc::new(Journal::open_in_memory().expect("journal"));
        let order = placed(&p, &journal, "poll-k1").await;
        // Every status request fails for a while.
        sim.states.faults.push(FaultRule::random(
            Some(Api::NexOtp),
            Some(STATUS_PATH),
            Fault::Status(503),
            1.0,
        ));
        let (mut rx, _task) = start(&p, &journal, order.clone(), timing(20, 320));
        let mut failures = Vec::new();
        while failures.len() < 6 {
            match next(&mut rx).await {
                (at, PollEvent::Failed { .. }) => failures.push(at),
                (_, e) => panic!("only failures while the API is down: {e:?}"),
            }
        }
        let gaps: Vec<Duration> = failures.windows(2).map(|w| w[1] - w[0]).collect();
        // The waits after each failure are 40, 80, 160, 320 ms, then stay
        // at the 320 ms cap (a sleep never ends early; it may end late).
        for (gap, wait) in gaps.iter().zip([40u64, 80, 160, 320, 320]) {
            assert!(
                *gap + Duration::from_millis(5) >= Duration::from_millis(wait),
                "the wait doubles on each error: {gaps:?}"
            );
        }
        assert!(
            gaps[4] < Duration::from_millis(600),
            "and stops doubling at the cap: {gaps:?}"
        );
        // The API comes back: the poller recovers with no help, gets the
        // OTP, then stops on the final status.
        sim.states.faults.clear();
        let mut otp = false;
        let mut last = None;
        loop {
            match next(&mut rx).await.1 {
                PollEvent::Changed(c) => {
                    otp |= !c.order.otps.is_empty();
                    last = Some(c.order.status);
                }
                PollEvent::Failed { error, .. } | PollEvent::Unsaved { error, .. } => {
                    panic!("recovered: {error}")
                }
                PollEvent::Stopped { order_id } => {
                    assert_eq!(order_id, order.id);
                    break;
                }
            }
        }
        assert!(otp, "the OTP arrived");
        assert_eq!(last, Some(OrderStatus::Finished));
        let o = journal.order(order.id).expect("order").expect("row");
        assert_eq!(o.status, OrderStatus::Finished);
        assert!(!o.otps.is_empty());
        // Stopped for good: no more requests.
        let sent = sim.states.requests[1].load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(sim.states.requests[1].load(Ordering::Relaxed), sent);
        assert!(rx.recv().await.is_none(), "the task ended");
    }

    #[tokio::test]
    async fn honours_retry_after() {
        let sim = sim_with(Duration::from_millis(100), Duration::from_secs(60)).await;
        let p = nexotp(&sim, "sim-poll-2");
        let journal = Arc::new(Journal::open_in_memory().expect("journal"));
        let order = placed(&p, &journal, "poll-k2").await;
        sim.states.faults.push(FaultRule::once(
            Api::NexOtp,
            STATUS_PATH,
            Fault::RateLimit(1),
        ));
        let (mut rx, _task) = start(&p, &journal, order, timing(20, 100));
        let (failed_at, e) = next(&mut rx).await;
        let PollEvent::Failed { retry_after, .. } = e else {
            panic!("the first poll is rate-limited: {e:?}");
        };
        assert_eq!(retry_after, Some(Duration::from_secs(1)));
        let (at, e) = next(&mut rx).await;
        assert!(matches!(e, PollEvent::Changed(_)), "{e:?}");
        assert!(
            at - failed_at >= Duration::from_millis(950),
            "waited out Retry-After (1 s), not the 20 ms interval: {:?}",
            at - failed_at
        );
    }

    #[tokio::test]
    async fn gives_up_only_after_five_hard_failures_in_a_row() {
        let sim = sim_with(Duration::from_secs(30), Duration::from_secs(60)).await;
        let p = nexotp(&sim, "sim-poll-3");
        let journal = Arc::new(Journal::open_in_memory().expect("journal"));
        let faults = &sim.states.faults;
        // Four "not found", a transient error, four more: never five in a
        // row, so the poller keeps going and sees the order again.
        let order = placed(&p, &journal, "poll-k3").await;
        for fault in [404, 404, 404, 404, 503, 404, 404, 404, 404] {
            faults.push(FaultRule::once(
                Api::NexOtp,
                STATUS_PATH,
                Fault::Status(fault),
            ));
        }
        let (mut rx, first) = start(&p, &journal, order, timing(10, 40));
        for i in 0..9 {
            let e = next(&mut rx).await.1;
            assert!(matches!(e, PollEvent::Failed { .. }), "failure {i}: {e:?}");
        }
        let e = next(&mut rx).await.1;
        assert!(matches!(e, PollEvent::Changed(_)), "kept polling: {e:?}");
        first.abort();
        let _ = first.await;

        // Five in a row: it stops and asks no more.
        let order = placed(&p, &journal, "poll-k4").await;
        for _ in 0..HARD_FAILURE_LIMIT {
            faults.push(FaultRule::once(
                Api::NexOtp,
                STATUS_PATH,
                Fault::Status(404),
            ));
        }
        let (mut rx, _task) = start(&p, &journal, order.clone(), timing(10, 40));
        for i in 0..HARD_FAILURE_LIMIT {
            let e = next(&mut rx).await.1;
            assert!(matches!(e, PollEvent::Failed { .. }), "failure {i}: {e:?}");
        }
        let e = next(&mut rx).await.1;
        assert!(
            matches!(e, PollEvent::Stopped { order_id } if order_id == order.id),
            "{e:?}"
        );
        assert!(rx.recv().await.is_none(), "the task ended");
    }
}

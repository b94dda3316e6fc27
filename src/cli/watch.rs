//! `watch`: poll an order until its OTP (or top-up SN) arrives, with the
//! dashboard's back-off.

use super::context::Context;
use super::orders::{find_order, print_order_result};
use super::output::{print_json, OrderJson};
use super::scripting::engine_err;
use super::watch_push::PushFeed;
use super::{exit, fail, CliResult};
use crate::domain::{Order, OrderStatus};
use crate::engine::orders::{self, EngineError};
use crate::engine::poller::{PollOutcome, PollSchedule, PollTiming};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many unsaved answers in a row `watch` waits through (a minute).
const UNSAVED_TRIES: u64 = 12;

pub(super) async fn watch(
    ctx: &Context,
    account: &str,
    id: &str,
    timeout: Option<Duration>,
) -> CliResult {
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let journal = Arc::new(ctx.journal()?);
    let mut order = find_order(&journal, &acc.name, id)?;
    if order.provider_order_id.is_none()
        && p.capabilities()
            .buy_call(p.kind(), &order.service_id, &order.offer_id)
            .replayable()
    {
        orders::reconcile_unknown(p.as_ref(), &journal, &acc.name)
            .await
            .map_err(engine_err)?;
        order = find_order(&journal, &acc.name, &order.id.to_string())?;
    }
    if order.provider_order_id.is_none() {
        return Err(fail(format!(
            "order #{} is {} with no provider id: it cannot be watched; check the provider",
            order.id, order.status
        )));
    }
    // An engine that polls the order sends its news: no polls of our own.
    if let Some((link, book)) = super::engine_client::engine_with_book(ctx).await {
        if book.watched.contains(&order.id) {
            // The newer of the journal's and the engine's view.
            let latest = match book.orders.get(&order.id) {
                Some(b) if b.updated_at >= order.updated_at => b.clone(),
                _ => order,
            };
            return watch_through(ctx, link, latest, timeout).await;
        }
    }
    let mut pushes = super::watch_push::start(ctx, journal.clone()).await;
    let started = Instant::now();
    // The dashboard's back-off: 4–5 s with jitter, doubling on errors,
    // Retry-After honoured (`OTPDECK_POLL_INTERVAL_MS` shortens it for tests).
    let mut schedule = PollSchedule::new(PollTiming::from_env());
    // Set when a push brought a verdict: judged without another poll.
    let mut skip_poll = false;
    // Polls in a row whose answer the journal could not write.
    let mut unsaved = 0u64;
    loop {
        let polls = !std::mem::take(&mut skip_poll);
        if polls && (order.status.is_active() || order.status == OrderStatus::Unknown) {
            match orders::poll(p.as_ref(), &journal, &order).await {
                Ok(change) => {
                    order = change.order;
                    unsaved = 0;
                }
                Err(EngineError::Provider(e)) if e.is_transient() => {
                    let wait = schedule.after(PollOutcome::failed(&e), rand::random());
                    say_err!("otpdeck: {e}; trying again in {}s", wait.as_secs().max(1));
                    match wait_within(wait, started, timeout, pushes.as_mut(), order.id).await {
                        Woke::TimedOut => return timed_out(ctx, &order),
                        Woke::Pushed(o) => order = *o,
                        Woke::Time => {}
                    }
                    continue;
                }
                Err(EngineError::Unsaved { update, error }) => {
                    // The code is said at once; the journal gets it when
                    // it can, and only then is it printed as the result.
                    let wait = crate::engine::poller::UNSAVED_RETRY;
                    let code = update.otps.last().or(update.sn.as_ref());
                    unsaved += 1;
                    if unsaved > UNSAVED_TRIES {
                        return Err(fail(format!(
                            "the journal has not recorded order #{}'s news for {}s ({error}){}; fix the disk, then `otpdeck watch` again",
                            order.id,
                            UNSAVED_TRIES * wait.as_secs(),
                            code.map(|c| format!("; the provider gave {c}")).unwrap_or_default()
                        )));
                    }
                    say_err!(
                        "otpdeck: the journal cannot record order #{}'s news ({error}){}; trying again in {}s",
                        order.id,
                        code.map(|c| format!(": it brought {c}, NOT SAVED")).unwrap_or_default(),
                        wait.as_secs()
                    );
                    match wait_within(wait, started, timeout, pushes.as_mut(), order.id).await {
                        Woke::TimedOut => return timed_out(ctx, &order),
                        Woke::Pushed(o) => order = *o,
                        Woke::Time => {}
                    }
                    continue;
                }
                Err(e) => return Err(engine_err(e)),
            }
        }
        if let Some(v) = verdict(&order, chrono::Utc::now(), timeout) {
            return conclude(ctx, &order, v);
        }
        let wait = schedule.after(PollOutcome::Answered, rand::random());
        match wait_within(wait, started, timeout, pushes.as_mut(), order.id).await {
            Woke::TimedOut => return timed_out(ctx, &order),
            // The push carried the news: judge it before polling again.
            Woke::Pushed(o) => {
                order = *o;
                skip_poll = verdict(&order, chrono::Utc::now(), timeout).is_some();
            }
            Woke::Time => {}
        }
    }
}

/// What `watch` prints and returns once the order has its verdict.
fn conclude(ctx: &Context, order: &Order, v: Verdict) -> CliResult {
    match v {
        Verdict::Code(code) => {
            print_order_result(ctx, order, code);
            Ok(exit::OK)
        }
        Verdict::FinishedWithoutCode => {
            // A top-up (or an order closed by hand) that succeeded
            // without an SN is still a success; stdout stays empty so a
            // script never mistakes the sentence for a code.
            if ctx.json {
                print_json(&OrderJson::from(order));
            }
            say_err!(
                "otpdeck: order #{} finished; the provider gave no {}",
                order.id,
                if order.provider == crate::domain::ProviderKind::GoTopUp {
                    "SN"
                } else {
                    "OTP"
                }
            );
            Ok(exit::OK)
        }
        Verdict::Ended => {
            print_order_result(
                ctx,
                order,
                format!("order #{} ended {} without an OTP", order.id, order.status),
            );
            if !ctx.json {
                say_err!(
                    "otpdeck: order #{} ended {} without an OTP",
                    order.id,
                    order.status
                );
            }
            Ok(exit::NO_OTP)
        }
        Verdict::PastExpiry => {
            say_err!(
                "otpdeck: order #{} is 5 minutes past its expiry and still has no OTP",
                order.id
            );
            Ok(exit::NO_OTP)
        }
    }
}

/// With an engine polling the order: its news, not polls of our own.
async fn watch_through(
    ctx: &Context,
    mut link: crate::tui::link::ScreenLink,
    mut order: Order,
    timeout: Option<Duration>,
) -> CliResult {
    use crate::app::{Action, BookAction};
    use crate::tui::link::ToScreen;
    let started = Instant::now();
    loop {
        if let Some(v) = verdict(&order, chrono::Utc::now(), timeout) {
            return conclude(ctx, &order, v);
        }
        // A wake at least every 30 s, to judge the expiry.
        let wait = Duration::from_secs(30);
        tokio::select! {
            m = link.rx.recv() => match m {
                Some(ToScreen::Action(Action::Book(BookAction::OrderChanged(o)))) if o.id == order.id => {
                    order = o;
                }
                Some(_) => {}
                None => {
                    return Err(fail(format!(
                        "the engine went while watching order #{}: `otpdeck watch` again",
                        order.id
                    )))
                }
            },
            slept = sleep_within(wait, started, timeout) => if !slept {
                return timed_out(ctx, &order);
            },
        }
    }
}

enum Woke {
    Time,
    Pushed(Box<Order>),
    TimedOut,
}

/// Waits `d` for the next poll, or less when a push about the order comes.
async fn wait_within(
    d: Duration,
    started: Instant,
    timeout: Option<Duration>,
    pushes: Option<&mut PushFeed>,
    id: i64,
) -> Woke {
    let pushed = async {
        match pushes {
            Some(p) => p.next_for(id).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        o = pushed => Woke::Pushed(Box::new(o)),
        slept = sleep_within(d, started, timeout) => if slept { Woke::Time } else { Woke::TimedOut },
    }
}

/// What `watch` does with an order as it now stands.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// The latest OTP (GoTopUp: the SN): print it, exit 0.
    Code(String),
    /// Finished, but the provider gave no code or SN: still a success.
    FinishedWithoutCode,
    /// Cancelled, expired or failed without a code: exit 3.
    Ended,
    /// No --timeout, and the order is well past its own expiry with no word
    /// from the provider: exit 3.
    PastExpiry,
}

/// None: keep polling. Without --timeout, watch never gives up before the
/// order's own expiry (plus 5 minutes for the provider to say so).
fn verdict(
    order: &Order,
    now: chrono::DateTime<chrono::Utc>,
    timeout: Option<Duration>,
) -> Option<Verdict> {
    if let Some(code) = order.latest_otp() {
        return Some(Verdict::Code(code.to_string()));
    }
    if order.status == OrderStatus::Finished {
        return Some(match order.sn.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(sn) => Verdict::Code(sn.to_string()),
            None => Verdict::FinishedWithoutCode,
        });
    }
    if order.status.is_final() {
        return Some(Verdict::Ended);
    }
    match order.expires_at {
        Some(exp) if timeout.is_none() && now > exp + chrono::Duration::minutes(5) => {
            Some(Verdict::PastExpiry)
        }
        _ => None,
    }
}

/// Sleeps, unless that would pass the timeout: then returns false.
async fn sleep_within(d: Duration, started: Instant, timeout: Option<Duration>) -> bool {
    match timeout {
        Some(t) => {
            let left = t.saturating_sub(started.elapsed());
            if left.is_zero() {
                return false;
            }
            tokio::time::sleep(d.min(left)).await;
            started.elapsed() < t
        }
        None => {
            tokio::time::sleep(d).await;
            true
        }
    }
}

fn timed_out(ctx: &Context, order: &Order) -> CliResult {
    if ctx.json {
        print_json(&OrderJson::from(order));
    }
    say_err!(
        "otpdeck: timed out waiting for order #{} (still {})",
        order.id,
        order.status
    );
    Ok(exit::TIMEOUT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProviderKind;
    use crate::money::Rupiah;
    use chrono::{TimeZone, Utc};

    fn order(status: OrderStatus) -> Order {
        let t = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        Order {
            id: 7,
            account: "topup".into(),
            provider: ProviderKind::GoTopUp,
            idempotency_key: "k".into(),
            provider_order_id: Some("TXN1".into()),
            service_id: "pulsa:telkomsel".into(),
            service: "Pulsa Telkomsel 5.000".into(),
            country: None,
            country_name: None,
            resend_count: None,
            resend_locked_until: None,
            offer_id: "TELKOMSEL5".into(),
            operator: None,
            number: Some("0812".into()),
            customer_number: Some("0812".into()),
            price: Rupiah(5550),
            status,
            created_at: t,
            updated_at: t,
            expires_at: Some(t + chrono::Duration::minutes(20)),
            otps: Vec::new(),
            sn: None,
            refunded: None,
            note: None,
        }
    }

    #[test]
    fn a_finished_order_without_a_code_is_a_success() {
        let now = Utc::now();
        let o = order(OrderStatus::Finished);
        assert_eq!(verdict(&o, now, None), Some(Verdict::FinishedWithoutCode));
        let mut with_sn = o.clone();
        with_sn.sn = Some("1234".into());
        assert_eq!(
            verdict(&with_sn, now, None),
            Some(Verdict::Code("1234".into()))
        );
        let mut with_otp = order(OrderStatus::OtpReceived);
        with_otp.otps = vec!["111".into(), "222".into()];
        assert_eq!(
            verdict(&with_otp, now, None),
            Some(Verdict::Code("222".into()))
        );
        for s in [
            OrderStatus::Cancelled,
            OrderStatus::Expired,
            OrderStatus::Failed,
        ] {
            assert_eq!(verdict(&order(s), now, None), Some(Verdict::Ended), "{s}");
        }
    }

    #[test]
    fn watch_never_gives_up_before_the_orders_expiry() {
        let o = order(OrderStatus::Waiting);
        let exp = o.expires_at.unwrap();
        for before in [
            o.created_at,
            exp - chrono::Duration::seconds(1),
            exp,
            exp + chrono::Duration::minutes(4),
        ] {
            assert_eq!(verdict(&o, before, None), None, "{before}");
        }
        assert_eq!(
            verdict(&o, exp + chrono::Duration::minutes(6), None),
            Some(Verdict::PastExpiry)
        );
        // With --timeout, the timeout alone decides.
        assert_eq!(
            verdict(
                &o,
                exp + chrono::Duration::minutes(6),
                Some(Duration::from_secs(3600))
            ),
            None
        );
        // No known expiry: keep waiting.
        let mut open = o.clone();
        open.expires_at = None;
        assert_eq!(verdict(&open, exp + chrono::Duration::days(2), None), None);
    }
}

//! Buy, poll, cancel, finish, resend and replace, each journaled before and
//! after its request. These are the only paths that change order state; the
//! CLI and the TUI runtime both go through them.

use super::journal::{Change, Journal, JournalError, NewOrder};
use crate::domain::{BuyRequest, Order, OrderStatus, ProviderKind};
use crate::providers::{OrderRef, Provider, ProviderError};
use chrono::Utc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The buy may have gone through; the order is kept as Unknown.
    #[error("no clear reply to the buy ({reason}); order #{} for {} is kept as UNKNOWN: check the provider before buying again", .order.id, .order.price)]
    Ambiguous { order: Box<Order>, reason: String },
    #[error("{0}")]
    Refused(String),
}

/// A fresh idempotency key (also GoTopUp's ref_id): short, unique, safe in
/// URLs and JSON.
pub fn new_idempotency_key() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("otpd-{}", &id[..20])
}

pub fn order_ref(order: &Order) -> Result<OrderRef, EngineError> {
    let provider_order_id = order.provider_order_id.clone().ok_or_else(|| {
        EngineError::Refused(format!(
            "order #{} has no provider id yet (status {}), so the provider cannot be asked about it",
            order.id, order.status
        ))
    })?;
    Ok(OrderRef {
        provider_order_id,
        idempotency_key: order.idempotency_key.clone(),
        created_at: Some(order.created_at),
        offer_id: Some(order.offer_id.clone()),
        customer_number: order.customer_number.clone(),
    })
}

/// Buys once. The journal row is written first; the reply (or its absence)
/// is written after. A key already in the journal is never bought blindly
/// again: a placed order is returned as is, an Unknown one is replayed only
/// where the API deduplicates on the key (and never when the key was not
/// sent as a buy: the new half of an OTPZap replace).
///
/// A replay that is answered with an error keeps the order Unknown. The
/// first attempt may have been carried out, and none of the three APIs that
/// deduplicate documents that it checks the key before anything else: a
/// refusal (no balance, 429, 503, bad request, even 401) or a connection
/// failure on the replay speaks of the replay only, not of the first try.
/// Only a clear reply about the key itself (the order, or its failed state)
/// settles it.
pub async fn buy(
    provider: &dyn Provider,
    journal: &Journal,
    account: &str,
    req: &BuyRequest,
) -> Result<Change, EngineError> {
    let idempotent = provider.capabilities().idempotent_buy;
    let existing = journal.find_by_key(account, &req.idempotency_key)?;
    let replay = existing.is_some();
    let order = match existing {
        Some(o) if o.provider_order_id.is_some() => {
            return Ok(Change {
                order: o,
                new_otps: Vec::new(),
                status_changed: false,
            })
        }
        Some(o) if o.status == OrderStatus::Failed => {
            return Err(EngineError::Refused(format!(
                "key {} was already used for order #{}, which the provider refused; use a new key",
                req.idempotency_key, o.id
            )))
        }
        Some(o) if !idempotent => {
            return Err(EngineError::Ambiguous {
                reason: "an earlier attempt with this key got no clear reply, and this API cannot deduplicate a retry".into(),
                order: Box::new(o),
            })
        }
        Some(o) if is_replacement(journal, &o)? => {
            return Err(EngineError::Ambiguous {
                reason: "this order is the new number of a replace whose reply was lost; a replace carries no idempotency key, so it cannot be replayed as a buy".into(),
                order: Box::new(o),
            })
        }
        Some(o) => o,
        None => journal.begin_order(
            &NewOrder {
                account: account.to_string(),
                provider: provider.kind(),
                idempotency_key: req.idempotency_key.clone(),
                service_id: req.service_id.clone(),
                service: req.service_name.clone(),
                country: req.country_id.clone(),
                country_name: req.country_name.clone(),
                offer_id: req.offer_id.clone(),
                operator: req.operator.clone(),
                customer_number: req.customer_number.clone(),
                // What the buy really charges (GateOTP adds the markup),
                // so a lost reply shows the true amount at risk.
                price: provider.charge_for(req),
            },
            Utc::now(),
        )?,
    };
    tracing::info!(order = order.id, account, provider = %provider.kind(), "buy sent");
    match provider.buy(req).await {
        Ok(placed) => {
            tracing::info!(order = order.id, status = %placed.status, "buy placed");
            Ok(journal.record_placed(order.id, &placed, Utc::now())?)
        }
        Err(e) if e.is_ambiguous() => {
            tracing::warn!(order = order.id, error = %e, "buy reply lost");
            let order = journal.record_unknown(order.id, &e.to_string(), Utc::now())?;
            Err(EngineError::Ambiguous {
                order: Box::new(order),
                reason: e.to_string(),
            })
        }
        Err(e) if replay => {
            let reason = format!(
                "a replay of this buy got \"{e}\", which does not show whether an earlier attempt went through"
            );
            tracing::warn!(order = order.id, error = %e, "buy replay unsettled; kept as unknown");
            let order = journal.set_status(
                order.id,
                OrderStatus::Unknown,
                "replay_unsettled",
                Some(&reason),
                Utc::now(),
            )?;
            Err(EngineError::Ambiguous {
                order: Box::new(order),
                reason,
            })
        }
        Err(e) => {
            tracing::info!(order = order.id, error = %e, "buy refused");
            journal.record_buy_failed(order.id, &e.to_string(), Utc::now())?;
            Err(e.into())
        }
    }
}

/// Whether `order` is the new half of an OTPZap replace: journaled by
/// `replace` (marked when written), or, in journals written before that
/// mark existed, a key of the form `<key of an order in the journal>-r<ms>`.
fn is_replacement(journal: &Journal, order: &Order) -> Result<bool, EngineError> {
    if journal.is_replacement(order.id)? {
        return Ok(true);
    }
    if order.provider != ProviderKind::OtpZap {
        return Ok(false);
    }
    let Some((base, stamp)) = order.idempotency_key.rsplit_once("-r") else {
        return Ok(false);
    };
    if stamp.len() < 10 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(false);
    }
    Ok(journal
        .find_by_key(&order.account, base)?
        .is_some_and(|b| b.id != order.id))
}

/// Replays Unknown buys of `account` where the API deduplicates on the key,
/// so a lost reply becomes a known order (or a known non-order). Returns the
/// orders that are still Unknown.
///
/// Runs at startup (and after a chaos run), when no buy of this process is
/// in flight: a row still Buying was cut off before its reply was journaled.
/// Where it cannot be replayed (no idempotency key, or the new half of a
/// replace) it is promoted to Unknown so its amount shows as at risk. Should
/// another process's buy still be in flight, its reply overrides this.
pub async fn reconcile_unknown(
    provider: &dyn Provider,
    journal: &Journal,
    account: &str,
) -> Result<Vec<Order>, EngineError> {
    let mut still_unknown = Vec::new();
    let candidates: Vec<Order> = journal
        .orders(&super::journal::OrderFilter {
            account: Some(account.to_string()),
            active_only: true,
            limit: None,
        })?
        .into_iter()
        .filter(|o| {
            matches!(o.status, OrderStatus::Unknown | OrderStatus::Buying)
                && o.provider_order_id.is_none()
        })
        .collect();
    for o in candidates {
        let replayable = provider.capabilities().idempotent_buy && !is_replacement(journal, &o)?;
        if !replayable {
            let o = if o.status == OrderStatus::Buying {
                tracing::warn!(
                    order = o.id,
                    "buy cut off before its reply; kept as unknown"
                );
                journal.record_unknown(
                    o.id,
                    &format!(
                        "otpdeck stopped before the reply to this buy was journaled, and {} cannot be asked about it by key: it may have been charged; check the provider's order list before buying again",
                        o.provider
                    ),
                    Utc::now(),
                )?
            } else {
                o
            };
            still_unknown.push(o);
            continue;
        }
        let req = BuyRequest {
            service_id: o.service_id.clone(),
            service_name: o.service.clone(),
            country_id: o.country.clone(),
            country_name: o.country_name.clone(),
            offer_id: o.offer_id.clone(),
            price: o.price,
            operator: o.operator.clone(),
            idempotency_key: o.idempotency_key.clone(),
            customer_number: o.customer_number.clone(),
        };
        match buy(provider, journal, account, &req).await {
            Ok(_) => {}
            Err(EngineError::Ambiguous { order, .. }) => still_unknown.push(*order),
            Err(EngineError::Provider(e)) => {
                tracing::info!(order = o.id, error = %e, "reconcile: provider refused the replay");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(still_unknown)
}

/// One status poll, journaled.
pub async fn poll(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Change, EngineError> {
    let r = order_ref(order)?;
    let update = provider.status(&r).await?;
    Ok(journal.record_update(order.id, &update, Utc::now())?)
}

/// Cancels; the order is shown cancelled only once the API confirms it.
/// A cooldown (OTPZap's 2 minutes: 429 with Retry-After) is a state, not a
/// failure: it is journaled as `cancel_cooldown` with the seconds left, and
/// the `RateLimited` error is handed back so the caller can say when.
pub async fn cancel(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Order, EngineError> {
    let r = order_ref(order)?;
    journal.note_event(order.id, "cancel_sent", None, Utc::now())?;
    match provider.cancel(&r).await {
        Ok(outcome) => Ok(journal.record_cancelled(order.id, &outcome, Utc::now())?),
        Err(
            e @ ProviderError::RateLimited {
                retry_after: Some(d),
                ..
            },
        ) => {
            let secs = d.as_secs().max(1);
            tracing::info!(order = order.id, secs, "cancel in cooldown");
            journal.note_event(
                order.id,
                "cancel_cooldown",
                Some(&secs.to_string()),
                Utc::now(),
            )?;
            Err(e.into())
        }
        Err(e) => {
            journal.note_event(order.id, "cancel_failed", Some(&e.to_string()), Utc::now())?;
            Err(e.into())
        }
    }
}

pub async fn finish(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Order, EngineError> {
    let r = order_ref(order)?;
    provider.finish(&r).await?;
    Ok(journal.set_status(
        order.id,
        OrderStatus::Finished,
        "finished",
        None,
        Utc::now(),
    )?)
}

pub async fn resend(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Order, EngineError> {
    let r = order_ref(order)?;
    provider.resend(&r).await?;
    journal.note_event(order.id, "resend", None, Utc::now())?;
    Ok(journal.order(order.id)?.unwrap_or_else(|| order.clone()))
}

/// OTPZap S1 replace: the old order is cancelled (refunded) and a new one
/// journaled under a derived key, both in the journal.
pub async fn replace(
    provider: &dyn Provider,
    journal: &Journal,
    order: &Order,
) -> Result<Change, EngineError> {
    let r = order_ref(order)?;
    let key = format!(
        "{}-r{}",
        order.idempotency_key,
        Utc::now().timestamp_millis()
    );
    // Marked as a replacement in the same write: its key is never sent (a
    // replace carries none), so a lost reply must not be replayed as a buy.
    let new = journal.begin_replacement(
        &NewOrder {
            account: order.account.clone(),
            provider: order.provider,
            idempotency_key: key,
            service_id: order.service_id.clone(),
            service: order.service.clone(),
            country: order.country.clone(),
            country_name: order.country_name.clone(),
            offer_id: order.offer_id.clone(),
            operator: order.operator.clone(),
            customer_number: order.customer_number.clone(),
            price: order.price,
        },
        Utc::now(),
    )?;
    match provider.replace(&r).await {
        Ok(placed) => {
            journal.record_cancelled(
                order.id,
                &crate::domain::CancelOutcome {
                    refunded: Some(order.price),
                    message: Some(format!("replaced by #{}", new.id)),
                },
                Utc::now(),
            )?;
            Ok(journal.record_placed(new.id, &placed, Utc::now())?)
        }
        Err(e) if e.is_ambiguous() => {
            let unknown = journal.record_unknown(new.id, &e.to_string(), Utc::now())?;
            Err(EngineError::Ambiguous {
                order: Box::new(unknown),
                reason: e.to_string(),
            })
        }
        Err(e) => {
            journal.record_buy_failed(new.id, &e.to_string(), Utc::now())?;
            Err(e.into())
        }
    }
}

/// Whether an order of this provider should be polled.
pub fn pollable(order: &Order) -> bool {
    order.provider_order_id.is_some() && order.status.is_active()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::journal::OrderFilter;
    use crate::providers::{self, Auth, HttpPolicy, ProviderSettings, SharedProvider};
    use crate::secret::Secret;
    use crate::sim::faults::{Api, Fault, FaultRule};
    use crate::sim::{self, SimBooks, SimHandle, SimOptions};
    use std::time::Duration;

    async fn sim_with(otp_delay: Duration) -> SimHandle {
        sim::start_local(SimOptions {
            otp_delay,
            ..Default::default()
        })
        .await
        .expect("sim starts")
    }

    /// One attempt per request, so an injected fault reaches the engine.
    fn provider(base_url: String, kind: ProviderKind, key: &str) -> SharedProvider {
        let mut s = ProviderSettings::new(kind, base_url, Auth::ApiKey(Secret::new(key)));
        s.http = HttpPolicy {
            connect_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(2),
            max_attempts: 1,
            max_retry_wait: Duration::from_secs(1),
            backoff: Duration::from_millis(20),
        };
        providers::build(&s).expect("adapter")
    }

    /// The cheapest in-stock WhatsApp offer in Indonesia that `keep` allows.
    async fn request(p: &SharedProvider, key: &str, keep: impl Fn(&str) -> bool) -> BuyRequest {
        let services = p.services().await.expect("services");
        let svc = services
            .iter()
            .find(|s| s.name == "WhatsApp")
            .expect("WhatsApp");
        let countries = p.countries(&svc.id).await.expect("countries");
        let c = countries
            .iter()
            .find(|c| c.name == "Indonesia")
            .expect("Indonesia");
        let offers = p.offers(&svc.id, Some(&c.id)).await.expect("offers");
        let o = offers
            .iter()
            .filter(|o| o.in_stock() && keep(&o.id))
            .min_by_key(|o| o.price)
            .expect("an offer in stock");
        BuyRequest {
            service_id: svc.id.clone(),
            service_name: svc.name.clone(),
            country_id: Some(c.id.clone()),
            country_name: None,
            offer_id: o.id.clone(),
            price: o.price,
            operator: None,
            idempotency_key: key.to_string(),
            customer_number: None,
        }
    }

    fn only(journal: &Journal, account: &str) -> Order {
        let mut all = journal
            .orders(&OrderFilter {
                account: Some(account.into()),
                ..Default::default()
            })
            .expect("orders");
        assert_eq!(all.len(), 1, "one order journaled");
        all.remove(0)
    }

    /// A URL where nothing listens: connecting fails at once.
    async fn dead_url() -> String {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = l.local_addr().expect("addr");
        drop(l);
        format!("http://{addr}/nexotp")
    }

    #[tokio::test]
    async fn unsettled_replays_keep_the_order_unknown_until_a_clean_one() {
        let sim = sim_with(Duration::from_millis(200)).await;
        let key = "sim-replay-1";
        let p = provider(sim.urls.nexotp.clone(), ProviderKind::NexOtp, key);
        let offline = provider(dead_url().await, ProviderKind::NexOtp, key);
        let journal = Journal::open_in_memory().expect("journal");
        let req = request(&p, "replay-k1", |_| true).await;
        let start = p.balance().await.expect("balance");
        let faults = &sim.states.faults;

        // The buy goes through but its reply is lost.
        faults.push(FaultRule::once(
            Api::NexOtp,
            "/api/v1/order",
            Fault::LoseReply,
        ));
        let e = buy(p.as_ref(), &journal, "nex", &req).await.unwrap_err();
        assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
        assert_eq!(only(&journal, "nex").status, OrderStatus::Unknown);
        assert_eq!(sim.states.nexotp.orders_charged(key), 1);

        // Reconciling offline: could not connect.
        let still = reconcile_unknown(offline.as_ref(), &journal, "nex")
            .await
            .expect("reconcile");
        assert_eq!(still.len(), 1);
        assert_eq!(still[0].status, OrderStatus::Unknown);
        // Rate-limited, then unavailable: answers about the replay only.
        for fault in [Fault::RateLimit(1), Fault::Status(503)] {
            faults.push(FaultRule::once(Api::NexOtp, "/api/v1/order", fault.clone()));
            let still = reconcile_unknown(p.as_ref(), &journal, "nex")
                .await
                .expect("reconcile");
            assert_eq!(still.len(), 1, "{fault:?}");
            let o = only(&journal, "nex");
            assert_eq!(o.status, OrderStatus::Unknown, "{fault:?}");
            assert!(o.provider_order_id.is_none());
        }
        // The same through a direct retry of the buy.
        faults.push(FaultRule::once(
            Api::NexOtp,
            "/api/v1/order",
            Fault::Status(503),
        ));
        let e = buy(p.as_ref(), &journal, "nex", &req).await.unwrap_err();
        assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
        assert_eq!(only(&journal, "nex").status, OrderStatus::Unknown);
        assert_eq!(faults.injected(), 4);

        // A clean replay finds the order the first try placed.
        let still = reconcile_unknown(p.as_ref(), &journal, "nex")
            .await
            .expect("reconcile");
        assert!(still.is_empty());
        let o = only(&journal, "nex");
        assert!(o.provider_order_id.is_some());
        assert_eq!(o.status, OrderStatus::Waiting);
        assert_eq!(sim.states.nexotp.orders_charged(key), 1, "charged once");
        assert_eq!(
            sim.states.nexotp.balance(key),
            Some(start - o.price),
            "to the rupiah"
        );
        let kinds: Vec<String> = journal
            .events(o.id)
            .expect("events")
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert!(!kinds.iter().any(|k| k == "buy_failed"), "{kinds:?}");
        assert_eq!(
            kinds.iter().filter(|k| *k == "replay_unsettled").count(),
            4,
            "{kinds:?}"
        );
    }

    #[tokio::test]
    async fn a_fresh_buy_refused_outright_is_failed() {
        let sim = sim_with(Duration::from_millis(200)).await;
        let p = provider(sim.urls.nexotp.clone(), ProviderKind::NexOtp, "sim-fresh-1");
        let journal = Journal::open_in_memory().expect("journal");
        let req = request(&p, "fresh-k1", |_| true).await;
        sim.states.faults.push(FaultRule::once(
            Api::NexOtp,
            "/api/v1/order",
            Fault::Status(503),
        ));
        let e = buy(p.as_ref(), &journal, "nex", &req).await.unwrap_err();
        assert!(matches!(e, EngineError::Provider(_)), "{e}");
        assert_eq!(only(&journal, "nex").status, OrderStatus::Failed);
        assert_eq!(sim.states.nexotp.orders_charged("sim-fresh-1"), 0);
    }

    #[tokio::test]
    async fn a_lost_replace_reply_is_never_bought_again() {
        // OTPs far off: the order stays pending, so it can be replaced.
        let sim = sim_with(Duration::from_secs(60)).await;
        let key = "sim-replace-1";
        let p = provider(sim.urls.otpzap.clone(), ProviderKind::OtpZap, key);
        let journal = Journal::open_in_memory().expect("journal");
        let req = request(&p, "rep-k1", |id| id.starts_with("s1:")).await;
        let placed = buy(p.as_ref(), &journal, "zap", &req)
            .await
            .expect("buy")
            .order;
        sim.states.faults.push(FaultRule::once(
            Api::OtpZap,
            "/order/replace",
            Fault::LoseReply,
        ));
        let e = replace(p.as_ref(), &journal, &placed).await.unwrap_err();
        let EngineError::Ambiguous { order: new, .. } = e else {
            panic!("replace with a lost reply is ambiguous: {e}");
        };
        assert_eq!(new.status, OrderStatus::Unknown);
        assert_eq!(new.price, placed.price, "the amount at risk is shown");
        assert!(journal.is_replacement(new.id).expect("mark"));
        // The replace went through: the old order refunded, a new one charged.
        assert_eq!(sim.states.otpzap.orders_charged(key), 2);

        // Startup reconcile and a retry of the key leave it Unknown and send
        // nothing: its key was never sent, a replay would be a fresh buy.
        let requests = || sim.states.requests[2].load(std::sync::atomic::Ordering::Relaxed);
        let before = requests();
        let still = reconcile_unknown(p.as_ref(), &journal, "zap")
            .await
            .expect("reconcile");
        assert_eq!(still.iter().map(|o| o.id).collect::<Vec<_>>(), vec![new.id]);
        assert_eq!(still[0].status, OrderStatus::Unknown);
        let mut again = req.clone();
        again.idempotency_key = new.idempotency_key.clone();
        let e = buy(p.as_ref(), &journal, "zap", &again).await.unwrap_err();
        assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
        assert_eq!(requests(), before, "nothing was sent");
        assert_eq!(sim.states.otpzap.orders_charged(key), 2);
        let new = journal.order(new.id).expect("order").expect("row");
        assert_eq!(new.status, OrderStatus::Unknown);
        assert!(new.provider_order_id.is_none());
    }

    #[tokio::test]
    async fn replacements_journaled_before_the_mark_are_not_replayed() {
        let sim = sim_with(Duration::from_secs(60)).await;
        let key = "sim-replace-2";
        let p = provider(sim.urls.otpzap.clone(), ProviderKind::OtpZap, key);
        let journal = Journal::open_in_memory().expect("journal");
        let req = request(&p, "old-k1", |id| id.starts_with("s1:")).await;
        buy(p.as_ref(), &journal, "zap", &req).await.expect("buy");
        // What `replace` wrote before replacements were marked.
        let legacy = journal
            .begin_order(
                &NewOrder {
                    account: "zap".into(),
                    provider: ProviderKind::OtpZap,
                    idempotency_key: "old-k1-r1767225600000".into(),
                    service_id: req.service_id.clone(),
                    service: req.service_name.clone(),
                    country: req.country_id.clone(),
                    country_name: req.country_name.clone(),
                    offer_id: req.offer_id.clone(),
                    operator: None,
                    customer_number: None,
                    price: req.price,
                },
                Utc::now(),
            )
            .expect("row");
        journal
            .record_unknown(legacy.id, "reply lost", Utc::now())
            .expect("unknown");
        let still = reconcile_unknown(p.as_ref(), &journal, "zap")
            .await
            .expect("reconcile");
        assert_eq!(still.len(), 1);
        assert_eq!(sim.states.otpzap.orders_charged(key), 1, "not bought again");
    }

    #[tokio::test]
    async fn a_buy_cut_off_by_a_crash_becomes_unknown_at_startup() {
        let sim = sim_with(Duration::from_millis(200)).await;
        let key = "sim-crash-g";
        let p = provider(sim.urls.gateotp.clone(), ProviderKind::GateOtp, key);
        let journal = Journal::open_in_memory().expect("journal");
        // The row written before the request; the process died before the
        // reply was journaled.
        let row = journal
            .begin_order(
                &NewOrder {
                    account: "gate".into(),
                    provider: ProviderKind::GateOtp,
                    idempotency_key: new_idempotency_key(),
                    service_id: "1".into(),
                    service: "WhatsApp".into(),
                    country: Some("6".into()),
                    country_name: None,
                    offer_id: "6:1".into(),
                    operator: None,
                    customer_number: None,
                    price: crate::money::Rupiah(5100),
                },
                Utc::now(),
            )
            .expect("row");
        assert_eq!(row.status, OrderStatus::Buying);
        let sent = sim.states.requests[0].load(std::sync::atomic::Ordering::Relaxed);
        let still = reconcile_unknown(p.as_ref(), &journal, "gate")
            .await
            .expect("reconcile");
        assert_eq!(still.len(), 1);
        assert_eq!(still[0].id, row.id);
        assert_eq!(still[0].status, OrderStatus::Unknown);
        assert_eq!(still[0].price, crate::money::Rupiah(5100));
        assert!(still[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("may have been charged")));
        assert_eq!(
            sim.states.requests[0].load(std::sync::atomic::Ordering::Relaxed),
            sent,
            "GateOTP is not asked: a retry could buy twice"
        );
        // A second startup keeps it as it is.
        let again = reconcile_unknown(p.as_ref(), &journal, "gate")
            .await
            .expect("reconcile");
        assert_eq!(again[0].status, OrderStatus::Unknown);
        // The reply, should it arrive late, still wins.
        let placed = crate::domain::PlacedOrder {
            provider_order_id: "g-1".into(),
            number: "+62 812".into(),
            price: crate::money::Rupiah(5100),
            status: OrderStatus::Waiting,
            expires_at: None,
            otps: Vec::new(),
            sn: None,
        };
        let c = journal
            .record_placed(row.id, &placed, Utc::now())
            .expect("placed");
        assert_eq!(c.order.status, OrderStatus::Waiting);
    }

    fn gotopup(base_url: String, auth: Auth) -> SharedProvider {
        let mut s = ProviderSettings::new(ProviderKind::GoTopUp, base_url, auth);
        s.http.max_attempts = 1;
        providers::build(&s).expect("adapter")
    }

    async fn topup(p: &SharedProvider, code: &str, key: &str, customer: &str) -> BuyRequest {
        let (svc, offer) = p
            .find_offer(code)
            .await
            .expect("price list")
            .expect("product");
        BuyRequest {
            service_id: svc.id,
            service_name: offer.label.clone(),
            country_id: None,
            country_name: None,
            offer_id: offer.id,
            price: offer.price,
            operator: None,
            idempotency_key: key.into(),
            customer_number: Some(customer.into()),
        }
    }

    #[tokio::test]
    async fn a_taken_ref_id_the_history_does_not_show_stays_unknown() {
        use axum::routing::post;
        use axum::Json;
        use serde_json::json;
        // A GoTopUp that says the ref_id is taken, and whose history (the
        // first and only page) does not list it.
        let app = axum::Router::new()
            .route(
                "/api/buyer/price-list",
                post(|| async {
                    Json(json!({"status": "success", "code": "00", "data": [{"code": "TELKOMSEL5", "name": "Pulsa Telkomsel 5.000", "category": "prabayar", "subcategory": "pulsa", "operator": "Telkomsel", "price": 5500, "status": "active"}]}))
                }),
            )
            .route(
                "/api/buyer/transaction",
                post(|| async {
                    (
                        axum::http::StatusCode::CONFLICT,
                        Json(json!({"status": "error", "code": "09", "message": "ref_id sudah digunakan"})),
                    )
                }),
            )
            .route(
                "/api/buyer/transactions",
                post(|| async {
                    Json(json!({"status": "success", "code": "00", "data": {"transactions": [], "pagination": {"page": 1, "limit": 100, "total": 0, "total_pages": 1}}}))
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let p = gotopup(
            format!("http://{addr}"),
            Auth::ApiKey(Secret::new("sim-stub")),
        );
        let journal = Journal::open_in_memory().expect("journal");
        let req = topup(&p, "TELKOMSEL5", "taken-1", "081234567890").await;
        let e = buy(p.as_ref(), &journal, "pulsa", &req).await.unwrap_err();
        assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
        let o = only(&journal, "pulsa");
        assert_eq!(o.status, OrderStatus::Unknown);
        assert_eq!(o.price, crate::money::Rupiah(5500));
        server.abort();
    }

    #[tokio::test]
    async fn a_ref_id_taken_for_another_top_up_stays_unknown() {
        let sim = sim_with(Duration::from_millis(100)).await;
        let p = gotopup(
            sim.urls.gotopup.clone(),
            Auth::ApiKey(Secret::new("sim-topup-dup")),
        );
        let journal = Journal::open_in_memory().expect("journal");
        let first = topup(&p, "TELKOMSEL5", "dup-1", "081234567890").await;
        buy(p.as_ref(), &journal, "a", &first).await.expect("buy");
        // Another account on the same wallet reuses the ref_id for another
        // number: the provider refuses, and what that ref_id paid for is
        // not this top-up; nothing proves this one was never charged.
        let mut other = first.clone();
        other.customer_number = Some("081298765432".into());
        let e = buy(p.as_ref(), &journal, "b", &other).await.unwrap_err();
        assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
        assert_eq!(only(&journal, "b").status, OrderStatus::Unknown);
        assert_eq!(sim.states.gotopup.orders_charged("sim-topup-dup"), 1);
    }

    #[tokio::test]
    async fn undocumented_otomax_codes_are_no_clear_reply() {
        let sim = sim_with(Duration::from_millis(100)).await;
        let p = gotopup(
            sim.urls.gotopup.clone(),
            Auth::Otomax {
                username: "sim-oto-codes".into(),
                sign: Secret::new("sign-1"),
            },
        );
        let journal = Journal::open_in_memory().expect("journal");
        // An undocumented refusal code on a buy: kept Unknown, not Failed.
        let bad = topup(&p, "TELKOMSEL5", "oto-1", "12").await;
        let e = buy(p.as_ref(), &journal, "oto", &bad).await.unwrap_err();
        assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
        assert_eq!(only(&journal, "oto").status, OrderStatus::Unknown);
        // An undocumented code on a status poll changes nothing.
        let failing = topup(
            &p,
            crate::sim::gotopup::FAILING_PRODUCT,
            "oto-2",
            "081234567890",
        )
        .await;
        let placed = buy(p.as_ref(), &journal, "oto2", &failing)
            .await
            .expect("placed")
            .order;
        assert_eq!(placed.status, OrderStatus::Waiting);
        tokio::time::sleep(Duration::from_millis(250)).await;
        let e = poll(p.as_ref(), &journal, &placed).await.unwrap_err();
        assert!(
            matches!(&e, EngineError::Provider(ProviderError::Malformed(m)) if m.contains("Otomax code")),
            "{e}"
        );
        assert_eq!(
            journal
                .order(placed.id)
                .expect("order")
                .expect("row")
                .status,
            OrderStatus::Waiting
        );
    }
}

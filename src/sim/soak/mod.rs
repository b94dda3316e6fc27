//! The chaos run: many orders across the four simulated APIs while a share
//! of all requests fail (429s, 5xx, slow replies, malformed and truncated
//! JSON, lost replies, resets). Afterwards faults stop, everything is
//! reconciled, and the journal is checked against the simulator's books,
//! charge by charge: no order charged twice, every charge and every
//! delivered OTP journaled, and the balance change equal to the journal's
//! charges minus refunds.

use crate::domain::{BuyRequest, Order, OrderStatus, ProviderKind};
use crate::engine::journal::{Journal, OrderFilter};
use crate::engine::orders::{self, EngineError};
use crate::money::Rupiah;
use crate::providers::{self, Auth, HttpPolicy, ProviderSettings, SharedProvider};
use crate::secret::Secret;
use crate::sim::faults::{Fault, FaultRule};
use crate::sim::wallets::SimCharge;
use crate::sim::{self, SimBooks, SimHandle, SimOptions};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

mod sim_thread;
mod timing;
pub use timing::{run_timing, Quantiles, TimingOptions, TimingReport};

#[derive(Debug, Clone)]
pub struct ChaosOptions {
    pub orders: usize,
    /// Share of requests that get a fault, 0.0..=1.0.
    pub fault_rate: f64,
    /// Orders in flight at once.
    pub concurrency: usize,
    /// Share of placed orders cancelled right away (exercises refunds).
    pub cancel_rate: f64,
}

impl Default for ChaosOptions {
    fn default() -> Self {
        ChaosOptions {
            orders: 200,
            fault_rate: 0.2,
            concurrency: 24,
            cancel_rate: 0.2,
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ApiFigures {
    pub api: String,
    pub orders: usize,
    pub placed: usize,
    pub failed_cleanly: usize,
    /// Buys with no clear reply that the API cannot reconcile (GateOTP).
    pub unknown: usize,
    pub unknown_amount: i64,
    pub cancelled: usize,
    /// Placed orders whose first reply was lost and a replay settled.
    pub replayed: usize,
    pub sim_charged_orders: usize,
    pub sim_balance_change: i64,
    /// Journal charges minus refunds of placed orders.
    pub journal_net_charge: i64,
    pub double_charges: usize,
    pub lost_orders: usize,
    pub lost_otps: usize,
    pub otps_delivered: usize,
    /// Balance change not explained by the journal, beyond unknown amounts.
    pub unexplained_rupiah: i64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ChaosReport {
    pub orders: usize,
    pub requests: u64,
    pub faults_injected: u64,
    /// Orders the provider placed (has its id in the journal).
    pub placed: usize,
    /// Lost buy replies settled by a replay with the same key.
    pub replayed_buys: usize,
    pub otps_delivered: usize,
    pub double_charges: usize,
    pub lost_orders: usize,
    pub lost_otps: usize,
    pub unexplained_rupiah: i64,
    pub unknown_orders: usize,
    pub seconds: f64,
    pub apis: Vec<ApiFigures>,
}

impl ChaosReport {
    /// Adds one API's (or account's) books to the totals.
    fn add(&mut self, f: ApiFigures) {
        self.double_charges += f.double_charges;
        self.lost_orders += f.lost_orders;
        self.lost_otps += f.lost_otps;
        self.unexplained_rupiah += f.unexplained_rupiah.abs();
        self.unknown_orders += f.unknown;
        self.placed += f.placed;
        self.replayed_buys += f.replayed;
        self.otps_delivered += f.otps_delivered;
        self.apis.push(f);
    }

    pub fn clean(&self) -> bool {
        self.double_charges == 0
            && self.lost_orders == 0
            && self.lost_otps == 0
            && self.unexplained_rupiah == 0
    }
}

struct Api {
    kind: ProviderKind,
    key: String,
    provider: SharedProvider,
    template: BuyRequest,
}

fn url(sim: &SimHandle, kind: ProviderKind) -> String {
    match kind {
        ProviderKind::GateOtp => sim.urls.gateotp.clone(),
        ProviderKind::NexOtp => sim.urls.nexotp.clone(),
        ProviderKind::OtpZap => sim.urls.otpzap.clone(),
        ProviderKind::GoTopUp => sim.urls.gotopup.clone(),
    }
}

/// A buy of `service` in Indonesia from the simulator's catalog (the offer
/// with most stock), or of a TELKOMSEL5 top-up on GoTopUp; the caller sets
/// the key. Tests use it too.
pub async fn buy_template(p: &SharedProvider, service: &str) -> Result<BuyRequest, String> {
    let caps = p.capabilities();
    if caps.topup {
        let (svc, offer) = p
            .find_offer("TELKOMSEL5")
            .await
            .map_err(|e| e.to_string())?
            .ok_or("no TELKOMSEL5 product")?;
        return Ok(BuyRequest {
            service_id: svc.id,
            service_name: offer.label.clone(),
            country_id: None,
            country_name: None,
            offer_id: offer.id,
            price: offer.price,
            operator: None,
            idempotency_key: String::new(),
            customer_number: Some("081234567890".into()),
        });
    }
    let services = p.services().await.map_err(|e| e.to_string())?;
    let svc = services
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(service))
        .ok_or_else(|| format!("no {service} service"))?;
    let countries = p.countries(&svc.id).await.map_err(|e| e.to_string())?;
    let c = countries
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case("indonesia"))
        .ok_or("no Indonesia")?;
    let offers = p
        .offers(&svc.id, Some(&c.id))
        .await
        .map_err(|e| e.to_string())?;
    let o = offers
        .iter()
        .filter(|o| o.in_stock())
        .max_by_key(|o| o.stock.unwrap_or(0))
        .ok_or("nothing in stock")?;
    Ok(BuyRequest {
        service_id: svc.id.clone(),
        service_name: svc.name.clone(),
        country_id: Some(c.id.clone()),
        country_name: Some(c.name.clone()),
        offer_id: o.id.clone(),
        price: o.price,
        operator: None,
        idempotency_key: String::new(),
        customer_number: None,
    })
}

fn fault_rules(rate: f64) -> Vec<FaultRule> {
    // Split the rate over the kinds of failure real providers show.
    let kinds = [
        (Fault::Status(503), 0.2),
        (Fault::Status(500), 0.1),
        (Fault::RateLimit(1), 0.15),
        (Fault::Slow(Duration::from_millis(2500)), 0.1),
        (Fault::Malformed, 0.1),
        (Fault::Truncated, 0.1),
        (Fault::WeirdStatus, 0.05),
        (Fault::LoseReply, 0.15),
        (Fault::Reset, 0.05),
    ];
    // Rules are tried in order, so each one's chance is taken of what the
    // earlier rules left.
    let mut left = 1.0;
    kinds
        .into_iter()
        .map(|(fault, share)| {
            let p = (rate * share / left).clamp(0.0, 1.0);
            left -= rate * share;
            FaultRule::random(None, None, fault, p)
        })
        .collect()
}

async fn one_order(
    api: &Api,
    journal: &Journal,
    account: &str,
    i: usize,
    cancel: bool,
) -> Option<Order> {
    let mut req = api.template.clone();
    req.idempotency_key = format!("chaos-{i}");
    let mut placed = None;
    for _ in 0..6 {
        match orders::buy(api.provider.as_ref(), journal, account, &req).await {
            Ok(c) => {
                placed = Some(c.order);
                break;
            }
            // Replaying is safe only where the API deduplicates; the engine
            // refuses it otherwise.
            Err(EngineError::Ambiguous { .. })
                if api
                    .provider
                    .capabilities()
                    .buy_call(api.provider.kind(), &req.service_id, &req.offer_id)
                    .replayable() =>
            {
                continue
            }
            Err(_) => return None,
        }
    }
    let mut order = placed?;
    if cancel && api.provider.capabilities().cancel {
        for _ in 0..4 {
            match orders::cancel(api.provider.as_ref(), journal, &order).await {
                Ok(o) => {
                    order = o;
                    break;
                }
                Err(EngineError::Provider(e)) if e.is_transient() => {
                    tokio::time::sleep(
                        e.retry_after()
                            .unwrap_or(Duration::from_millis(100))
                            .min(Duration::from_secs(2)),
                    )
                    .await;
                }
                Err(_) => break,
            }
        }
    }
    for _ in 0..60 {
        if order.status.is_final() || !order.otps.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Ok(c) = orders::poll(api.provider.as_ref(), journal, &order).await {
            order = c.order;
        }
    }
    Some(order)
}

/// Runs the chaos scenario on an in-process simulator, journaling into
/// `journal`.
pub async fn run_chaos(opts: &ChaosOptions, journal: Arc<Journal>) -> Result<ChaosReport, String> {
    let started = std::time::Instant::now();
    let sim = sim::start_local(SimOptions {
        otp_delay: Duration::from_millis(200),
        cancel_cooldown: Duration::ZERO,
        order_lifetime: Duration::from_secs(600),
        initial_balance: Rupiah(1_000_000_000),
        ..Default::default()
    })
    .await
    .map_err(|e| format!("cannot start the simulator: {e}"))?;
    let policy = HttpPolicy {
        connect_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(1),
        max_attempts: 3,
        max_retry_wait: Duration::from_secs(2),
        backoff: Duration::from_millis(50),
    };
    let mut apis = Vec::new();
    for kind in ProviderKind::ALL {
        let key = format!("sim-chaos-{kind}");
        let mut settings = ProviderSettings::new(
            kind,
            url(&sim, kind),
            Auth::ApiKey(Secret::new(key.clone())),
        );
        settings.http = policy;
        let provider = providers::build(&settings).map_err(|e| e.to_string())?;
        let template = buy_template(&provider, "telegram")
            .await
            .map_err(|e| format!("{kind}: {e}"))?;
        apis.push(Arc::new(Api {
            kind,
            key,
            provider,
            template,
        }));
    }
    let start_balances: Vec<i64> = apis.iter().map(|a| balance_of(&sim, a)).collect();
    // What a dashboard start leaves: the balance each account's window
    // starts from.
    for api in &apis {
        let account = format!("chaos-{}", api.kind);
        let _ = orders::balance_checkpoint(api.provider.as_ref(), &journal, &account).await;
    }
    let requests_before: u64 = sim
        .states
        .requests
        .iter()
        .map(|r| r.load(std::sync::atomic::Ordering::Relaxed))
        .sum();
    for rule in fault_rules(opts.fault_rate) {
        sim.states.faults.push(rule);
    }
    let sem = Arc::new(tokio::sync::Semaphore::new(opts.concurrency.max(1)));
    let mut tasks = Vec::new();
    for i in 0..opts.orders {
        let api = apis[i % apis.len()].clone();
        let journal = journal.clone();
        let sem = sem.clone();
        let cancel = (i * 7919 % 100) as f64 / 100.0 < opts.cancel_rate;
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.ok()?;
            let account = format!("chaos-{}", api.kind);
            one_order(&api, &journal, &account, i, cancel).await
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let faults_injected = sim.states.faults.injected();
    sim.states.faults.clear();
    // Reconcile: replay lost buys where the API allows, poll the rest home.
    for api in &apis {
        let account = format!("chaos-{}", api.kind);
        let _ = orders::reconcile_unknown(api.provider.as_ref(), &journal, &account).await;
    }
    drain(&apis, &journal).await?;
    let requests_after: u64 = sim
        .states
        .requests
        .iter()
        .map(|r| r.load(std::sync::atomic::Ordering::Relaxed))
        .sum();
    let mut report = ChaosReport {
        orders: opts.orders,
        requests: requests_after - requests_before,
        faults_injected,
        ..Default::default()
    };
    for (api, start) in apis.iter().zip(start_balances) {
        let account = format!("chaos-{}", api.kind);
        report.add(figures(&sim, api, &account, &journal, start)?);
    }
    report.seconds = started.elapsed().as_secs_f64();
    sim.stop().await;
    Ok(report)
}

/// Longest the end of a chaos run polls for: GoTopUp's budget (a tenth of
/// 100 requests a minute kept back) serves hundreds of waiting top-ups in
/// rounds of one history read each, a few rounds a minute.
const DRAIN_FOR: Duration = Duration::from_secs(600);

/// Polls every placed, unfinished order of every API, all at once (so a
/// GoTopUp round answers them together), until none is left or
/// `DRAIN_FOR` passes: a run ends with every SN and OTP the simulator sent
/// in the journal, not with whatever the per-order polls had reached.
async fn drain(apis: &[Arc<Api>], journal: &Journal) -> Result<(), String> {
    let until = std::time::Instant::now() + DRAIN_FOR;
    while std::time::Instant::now() < until {
        let mut polls = Vec::new();
        for api in apis {
            let active = journal
                .orders(&OrderFilter {
                    account: Some(format!("chaos-{}", api.kind)),
                    active_only: true,
                    limit: None,
                })
                .map_err(|e| e.to_string())?;
            for o in active
                .into_iter()
                .filter(|o| o.provider_order_id.is_some() && o.otps.is_empty())
                .filter(|o| !o.status.is_final())
            {
                polls.push(async move {
                    let _ = orders::poll(api.provider.as_ref(), journal, &o).await;
                });
            }
        }
        if polls.is_empty() {
            break;
        }
        futures::future::join_all(polls).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

fn balance_of(sim: &SimHandle, api: &Api) -> i64 {
    let b = match api.kind {
        ProviderKind::GateOtp => sim.states.gateotp.balance(&api.key),
        ProviderKind::NexOtp => sim.states.nexotp.balance(&api.key),
        ProviderKind::OtpZap => sim.states.otpzap.balance(&api.key),
        ProviderKind::GoTopUp => sim.states.gotopup.balance(&api.key),
    };
    b.map(|r| r.0).unwrap_or(1_000_000_000)
}

#[derive(Debug, Default, PartialEq, Eq)]
struct ChargeMatch {
    /// Charges beyond the first for one journal order.
    double_charges: usize,
    /// Charges no journal order accounts for.
    lost_orders: usize,
}

/// Matches each charge the simulator took to the journal order it paid
/// for: by the key the buy carried, else by the provider's order id. A
/// charge with no key and no journaled id (GateOTP) may be one of the
/// journal's Unknown orders, each explaining at most one charge.
fn match_charges(charges: &[SimCharge], orders: &[Order]) -> ChargeMatch {
    let by_key: HashMap<&str, &Order> = orders
        .iter()
        .map(|o| (o.idempotency_key.as_str(), o))
        .collect();
    let by_id: HashMap<&str, &Order> = orders
        .iter()
        .filter_map(|o| o.provider_order_id.as_deref().map(|id| (id, o)))
        .collect();
    let mut per_order: HashMap<i64, usize> = HashMap::new();
    let mut lost = 0usize;
    let mut keyless_unmatched = 0usize;
    for c in charges {
        let owner = c
            .client_key
            .as_deref()
            .and_then(|k| by_key.get(k))
            .or_else(|| by_id.get(c.order_id.as_str()));
        match owner {
            Some(o) => *per_order.entry(o.id).or_default() += 1,
            None if c.client_key.is_none() => keyless_unmatched += 1,
            None => lost += 1,
        }
    }
    let unknown_unexplained = orders
        .iter()
        .filter(|o| {
            o.provider_order_id.is_none()
                && matches!(o.status, OrderStatus::Unknown | OrderStatus::Buying)
                && !per_order.contains_key(&o.id)
        })
        .count();
    ChargeMatch {
        double_charges: per_order.values().map(|n| n.saturating_sub(1)).sum(),
        lost_orders: lost + keyless_unmatched.saturating_sub(unknown_unexplained),
    }
}

fn figures(
    sim: &SimHandle,
    api: &Api,
    account: &str,
    journal: &Journal,
    start: i64,
) -> Result<ApiFigures, String> {
    let orders = journal
        .orders(&OrderFilter {
            account: Some(account.to_string()),
            ..Default::default()
        })
        .map_err(|e| e.to_string())?;
    let (charges, delivered): (Vec<SimCharge>, _) = match api.kind {
        ProviderKind::GateOtp => (
            sim.states.gateotp.charges(&api.key),
            sim.states.gateotp.delivered_otps(),
        ),
        ProviderKind::NexOtp => (
            sim.states.nexotp.charges(&api.key),
            sim.states.nexotp.delivered_otps(),
        ),
        ProviderKind::OtpZap => (
            sim.states.otpzap.charges(&api.key),
            sim.states.otpzap.delivered_otps(),
        ),
        ProviderKind::GoTopUp => (
            sim.states.gotopup.charges(&api.key),
            sim.states.gotopup.delivered_otps(),
        ),
    };
    // The simulator's deliveries to this wallet only (several accounts
    // may share one API).
    let ours: HashSet<&str> = charges
        .iter()
        .flat_map(|c| std::iter::once(c.order_id.as_str()).chain(c.client_key.as_deref()))
        .collect();
    let delivered: Vec<(String, String)> = delivered
        .into_iter()
        .filter(|(id, _)| ours.contains(id.as_str()))
        .collect();
    let placed: Vec<&Order> = orders
        .iter()
        .filter(|o| o.provider_order_id.is_some())
        .collect();
    let unknown: Vec<&Order> = orders
        .iter()
        .filter(|o| {
            o.provider_order_id.is_none()
                && matches!(o.status, OrderStatus::Unknown | OrderStatus::Buying)
        })
        .collect();
    let refunded = |o: &&Order| {
        matches!(
            o.status,
            OrderStatus::Cancelled | OrderStatus::Expired | OrderStatus::Failed
        )
    };
    let net: i64 = placed
        .iter()
        .filter(|o| !refunded(o))
        .map(|o| o.price.0)
        .sum();
    let unknown_amount: i64 = unknown.iter().map(|o| o.price.0).sum();
    let change = start - balance_of(sim, api);
    let ChargeMatch {
        double_charges,
        lost_orders: lost,
    } = match_charges(&charges, &orders);
    let replayed = placed
        .iter()
        .filter(|o| {
            journal.events(o.id).is_ok_and(|ev| {
                ev.iter()
                    .any(|e| e.0 == "reply_lost" || e.0 == "replay_unsettled")
            })
        })
        .count();
    let journaled: HashSet<(String, String)> = orders
        .iter()
        .flat_map(|o| {
            let ids = [
                o.provider_order_id.clone().unwrap_or_default(),
                o.idempotency_key.clone(),
            ];
            o.otps
                .iter()
                .flat_map(move |c| ids.clone().into_iter().map(move |id| (id, c.clone())))
                .collect::<Vec<_>>()
        })
        .collect();
    let lost_otps = delivered.iter().filter(|d| !journaled.contains(*d)).count();
    let unexplained = if change >= net && change <= net + unknown_amount {
        0
    } else if change < net {
        change - net
    } else {
        change - net - unknown_amount
    };
    Ok(ApiFigures {
        api: api.kind.as_str().into(),
        orders: orders.len(),
        placed: placed.len(),
        failed_cleanly: orders
            .iter()
            .filter(|o| o.provider_order_id.is_none() && o.status == OrderStatus::Failed)
            .count(),
        unknown: unknown.len(),
        unknown_amount,
        cancelled: placed
            .iter()
            .filter(|o| o.status == OrderStatus::Cancelled)
            .count(),
        replayed,
        sim_charged_orders: charges.len(),
        sim_balance_change: change,
        journal_net_charge: net,
        double_charges,
        lost_orders: lost,
        lost_otps,
        otps_delivered: delivered.len(),
        unexplained_rupiah: unexplained,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProviderKind;

    fn order(id: i64, key: &str, provider_id: Option<&str>, status: OrderStatus) -> Order {
        Order {
            id,
            account: "a".into(),
            provider: ProviderKind::NexOtp,
            idempotency_key: key.into(),
            provider_order_id: provider_id.map(str::to_string),
            service_id: "s".into(),
            service: "S".into(),
            country: None,
            country_name: None,
            resend_count: None,
            resend_locked_until: None,
            offer_id: "o".into(),
            operator: None,
            number: None,
            customer_number: None,
            price: Rupiah(1000),
            status,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            expires_at: None,
            otps: Vec::new(),
            sn: None,
            refunded: None,
            note: None,
        }
    }

    fn charge(order_id: &str, key: Option<&str>) -> SimCharge {
        SimCharge {
            wallet: "w".into(),
            order_id: order_id.into(),
            client_key: key.map(str::to_string),
            amount: Rupiah(1000),
        }
    }

    #[test]
    fn charges_are_matched_order_by_order() {
        let orders = vec![
            order(1, "k1", Some("p1"), OrderStatus::Waiting),
            order(2, "k2", Some("p2"), OrderStatus::Waiting),
        ];
        let clean = [charge("p1", Some("k1")), charge("p2", Some("k2"))];
        assert_eq!(match_charges(&clean, &orders), ChargeMatch::default());
        // Same count as the journal's orders, but k1 paid twice and k2's
        // order was never charged: a count comparison would see nothing.
        let twice = [charge("p1", Some("k1")), charge("p9", Some("k1"))];
        assert_eq!(
            match_charges(&twice, &orders),
            ChargeMatch {
                double_charges: 1,
                lost_orders: 0
            }
        );
        // A charge for a key the journal does not have.
        let stray = [
            charge("p1", Some("k1")),
            charge("p2", Some("k2")),
            charge("p3", Some("k3")),
        ];
        assert_eq!(match_charges(&stray, &orders).lost_orders, 1);
    }

    #[test]
    fn keyless_charges_are_explained_by_unknown_orders_at_most_once_each() {
        let orders = vec![
            order(1, "g1", Some("t1"), OrderStatus::Waiting),
            order(2, "g2", None, OrderStatus::Unknown),
        ];
        let one = [charge("t1", None), charge("t2", None)];
        assert_eq!(match_charges(&one, &orders), ChargeMatch::default());
        let two = [charge("t1", None), charge("t2", None), charge("t3", None)];
        assert_eq!(match_charges(&two, &orders).lost_orders, 1);
        // The placed order charged again under another id is not its own.
        let again = [charge("t1", None), charge("t1", None)];
        assert_eq!(match_charges(&again, &orders).double_charges, 1);
    }
}

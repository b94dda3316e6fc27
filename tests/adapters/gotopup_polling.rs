//! Status polling within the account's rate limit (issue 11), counted
//! against the simulator, which enforces the limit itself (429 past it).
//! A minute is shrunk to two seconds on both sides so the test is quick:
//! the simulator allows 40 requests per 2 s window, the adapter reads that
//! limit from `/api/buyer/api/config` and counts over the same window.

use futures::future::join_all;
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, OrderRef, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::{self, SimBooks, SimOptions};
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(2);
const LIMIT: u32 = 40;

fn req(i: usize) -> BuyRequest {
    BuyRequest {
        service_id: "pulsa:telkomsel".into(),
        service_name: "Pulsa Telkomsel 5.000".into(),
        country_id: None,
        country_name: None,
        offer_id: "TELKOMSEL5".into(),
        price: Rupiah(5_500),
        operator: None,
        idempotency_key: format!("POLL-{i:03}"),
        customer_number: Some("081234567890".into()),
    }
}

fn adapter(url: &str, key: &str) -> SharedProvider {
    let mut s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        url.to_string(),
        Auth::ApiKey(Secret::new(key)),
    );
    s.gotopup.rate_window = WINDOW;
    providers::build(&s).expect("adapter")
}

#[tokio::test]
async fn fifty_pending_topups_settle_with_few_history_requests_under_the_limit() {
    let sim = sim::start_local(SimOptions {
        otp_delay: Duration::from_millis(1500),
        initial_balance: Rupiah(1_000_000),
        ..Default::default()
    })
    .await
    .expect("sim");
    let key = "sim-poll-50";
    let g = &sim.states.gotopup;
    g.set_rate_limit(key, LIMIT, WINDOW);
    let p = adapter(&sim.urls.gotopup, key);

    let started = Instant::now();
    let mut refs = Vec::new();
    for i in 0..50 {
        let r = req(i);
        let placed = p.buy(&r).await.expect("buy");
        assert_eq!(placed.status, OrderStatus::Waiting);
        refs.push(OrderRef {
            provider_order_id: placed.provider_order_id,
            idempotency_key: r.idempotency_key,
            created_at: Some(chrono::Utc::now()),
            offer_id: Some(r.offer_id),
            customer_number: r.customer_number,
        });
    }
    // 50 buys at 36 a window (the adapter keeps a tenth for others) had to
    // wait for the window to move on.
    assert!(started.elapsed() >= WINDOW, "{:?}", started.elapsed());

    let mut done: Vec<Option<String>> = vec![None; refs.len()];
    let mut status_calls = 0u64;
    let deadline = Instant::now() + Duration::from_secs(20);
    while done.iter().any(Option::is_none) && Instant::now() < deadline {
        // Every pending order polled every 50 ms: 1000 status calls a second.
        let updates = join_all(refs.iter().map(|r| p.status(r))).await;
        status_calls += updates.len() as u64;
        for (slot, u) in done.iter_mut().zip(updates) {
            let u = u.expect("status");
            if u.status == Some(OrderStatus::Finished) {
                *slot = u.sn.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(done.iter().all(Option::is_some), "every top-up got its SN");
    let history = g.requests_to("/api/buyer/transactions");
    eprintln!(
        "50 pending: {status_calls} status calls, {history} history requests, {} requests in all, {:?}",
        g.requests_total(),
        started.elapsed()
    );
    assert!(history >= 1);
    assert!(
        history * 50 < status_calls,
        "{history} history requests for {status_calls} status calls"
    );
    assert_eq!(g.rate_refusals(key), 0, "the limit was never exceeded");
    assert_eq!(g.requests_to("/api/buyer/api/config"), 1);
    assert_eq!(g.orders_charged(key), 50);
}

/// The simulator's limit is real: a client that ignores it is refused.
#[tokio::test]
async fn the_simulator_refuses_a_client_over_the_limit() {
    let sim = sim::start_local(SimOptions::default()).await.expect("sim");
    let key = "sim-poll-raw";
    sim.states.gotopup.set_rate_limit(key, 5, WINDOW);
    let client = otpdeck::providers::http::client_builder()
        .build()
        .expect("client");
    let url = format!("{}/api/buyer/balance", sim.urls.gotopup);
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let r = client
            .post(&url)
            .bearer_auth(key)
            .json(&serde_json::json!({}))
            .send()
            .await
            .expect("reply");
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 3);
    assert_eq!(sim.states.gotopup.rate_refusals(key), 3);
}

/// A read the adapter tries again (two 503s that the simulator counted)
/// takes a slot of the budget per attempt: the calls after it wait for the
/// window instead of being refused by the provider.
#[tokio::test]
async fn every_attempt_of_a_retried_read_takes_a_slot() {
    use otpdeck::sim::faults::{Api, Fault, FaultRule};
    let sim = sim::start_local(SimOptions::default()).await.expect("sim");
    let key = "sim-poll-retry";
    sim.states.gotopup.set_rate_limit(key, 5, WINDOW);
    let p = adapter(&sim.urls.gotopup, key);
    for _ in 0..2 {
        sim.states.faults.push(FaultRule::once(
            Api::GoTopUp,
            "/api/buyer/balance",
            Fault::StatusAfter(503),
        ));
    }
    let started = Instant::now();
    for _ in 0..4 {
        p.balance().await.expect("balance");
    }
    // 1 config read + 3 attempts + 3 reads = 7 requests against 5 a window
    // (less a tenth for the account's other users): one wait at least.
    assert!(started.elapsed() >= WINDOW / 2, "{:?}", started.elapsed());
    assert_eq!(sim.states.gotopup.rate_refusals(key), 0);
}

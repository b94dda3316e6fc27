//! 200 orders across the four APIs with about 20 % of requests faulted:
//! no order charged twice (the simulator's own ledger, charge by charge and
//! order by order), every charged order and every delivered OTP in the
//! journal, and the simulator's balance change equal to the journal's
//! charges minus refunds (GateOTP buys with no clear reply, which that API
//! cannot reconcile, are bounded by their amount at risk).
//!
//! No assertion is about elapsed time, so a busy machine cannot fail it:
//! the only limit is a generous one that catches a hang.

use otpdeck::engine::journal::Journal;
use otpdeck::sim::soak::{run_chaos, ChaosOptions};
use std::sync::Arc;
use std::time::Duration;

/// Far beyond any slow run (seconds on a quiet machine): only a run that
/// stopped making progress gets here.
const HANG: Duration = Duration::from_secs(15 * 60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_orders_under_faults_lose_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let journal = Arc::new(Journal::open(&dir.path().join("chaos.sqlite3")).expect("journal"));
    let report = tokio::time::timeout(HANG, run_chaos(&ChaosOptions::default(), journal.clone()))
        .await
        .expect("the chaos run hung")
        .expect("chaos run");
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    assert!(report.faults_injected > 0, "faults were injected");
    assert!(
        report.faults_injected as f64 >= report.requests as f64 * 0.15,
        "about a fifth of requests faulted: {} of {}",
        report.faults_injected,
        report.requests
    );
    assert!(
        report.placed >= report.orders * 4 / 5,
        "most orders were placed: {} of {}",
        report.placed,
        report.orders
    );
    assert!(report.otps_delivered > 0, "OTPs were delivered");
    assert!(
        report.replayed_buys > 0,
        "some lost buy replies were settled by a replay"
    );
    assert_eq!(report.double_charges, 0);
    assert_eq!(report.lost_orders, 0);
    assert_eq!(report.lost_otps, 0);
    assert_eq!(report.unexplained_rupiah, 0);
    for api in &report.apis {
        assert!(api.placed > 0, "{} placed some orders", api.api);
        assert!(api.otps_delivered > 0, "{} delivered some OTPs", api.api);
        assert!(
            api.sim_charged_orders >= api.placed,
            "{}: every placed order was charged",
            api.api
        );
        if api.api != "gateotp" {
            assert_eq!(
                api.unknown, 0,
                "{}: idempotent APIs reconcile every lost reply",
                api.api
            );
            assert_eq!(
                api.sim_balance_change, api.journal_net_charge,
                "{}: to the rupiah",
                api.api
            );
        }
    }
    assert!(journal.integrity_ok().expect("check"));
}

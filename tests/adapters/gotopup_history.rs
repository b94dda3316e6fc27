//! The provider's history (issue 11): more than 100 transactions paged
//! with the documented limit, filters sent to the API, newest first, and
//! purchases made elsewhere (another client) listed too.

use otpdeck::domain::history::HistoryQuery;
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::{self, SimOptions};
use std::time::Duration;

fn adapter(url: &str, key: &str) -> SharedProvider {
    let mut s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        url.to_string(),
        Auth::ApiKey(Secret::new(key)),
    );
    s.gotopup.rate_window = Duration::from_secs(1);
    providers::build(&s).expect("adapter")
}

fn req(i: usize, code: &str) -> BuyRequest {
    BuyRequest {
        service_id: "pulsa:telkomsel".into(),
        service_name: code.into(),
        country_id: None,
        country_name: None,
        offer_id: code.into(),
        price: Rupiah(5_500),
        operator: None,
        idempotency_key: format!("H-{i:03}"),
        customer_number: Some("081234567890".into()),
    }
}

#[tokio::test]
async fn history_pages_through_more_than_a_hundred_with_filters() {
    let sim = sim::start_local(SimOptions {
        otp_delay: Duration::from_millis(200),
        initial_balance: Rupiah(5_000_000),
        ..Default::default()
    })
    .await
    .expect("sim");
    let key = "sim-history-1";
    // Two clients share the account: room for both.
    sim.states
        .gotopup
        .set_rate_limit(key, 1000, Duration::from_secs(1));
    let ours = adapter(&sim.urls.gotopup, key);
    // "Another machine": a second client on the same account.
    let other = adapter(&sim.urls.gotopup, key);
    for i in 0..115 {
        let code = if i % 10 == 0 { "GAGAL5" } else { "TELKOMSEL5" };
        let p = if i % 2 == 0 { &ours } else { &other };
        p.buy(&req(i, code)).await.expect("buy");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let q = |page, limit, status: Option<&str>| HistoryQuery {
        status: status.map(String::from),
        from: Some(chrono::Utc::now().date_naive()),
        to: None,
        page,
        limit,
    };
    let ours = ours.history().expect("GoTopUp has history");
    let p1 = ours.page(&q(1, 100, None)).await.expect("page 1");
    assert_eq!(p1.transactions.len(), 100);
    assert_eq!((p1.total_pages, p1.total), (2, Some(115)));
    assert_eq!(p1.transactions[0].reference, "H-114", "newest first");
    assert!(p1.transactions.windows(2).all(|w| w[0].at >= w[1].at));
    let p2 = ours.page(&q(2, 100, None)).await.expect("page 2");
    assert_eq!(p2.transactions.len(), 15);
    assert!(p2.transactions.iter().any(|t| t.reference == "H-001"));
    let failed = ours.page(&q(1, 100, Some("failed"))).await.expect("failed");
    assert_eq!(failed.transactions.len(), 12);
    assert!(failed
        .transactions
        .iter()
        .all(|t| t.status == OrderStatus::Failed));
    let ok = ours.page(&q(1, 20, Some("success"))).await.expect("ok");
    assert_eq!(ok.transactions.len(), 20);
    assert_eq!(ok.total, Some(103));
    // A date range before today finds nothing.
    let mut old = q(1, 100, None);
    old.from = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    old.to = chrono::NaiveDate::from_ymd_opt(2020, 1, 31);
    assert!(ours.page(&old).await.expect("old").transactions.is_empty());
    // The limit the API documents is checked before sending.
    assert!(q(1, 101, None).check().is_err());
    assert!(q(1, 100, Some("done")).check().is_err());
}

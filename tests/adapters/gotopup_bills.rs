//! Postpaid bills (issue 11) against the simulator: a PLN bill goes
//! inquiry → (confirmed total) → payment journaled first → pending →
//! success with an SN; a replay with the same ref_id pays once; postpaid
//! products are not offered as top-ups.

use otpdeck::domain::bill::BILL_SERVICE_PREFIX;
use otpdeck::domain::*;
use otpdeck::engine::journal::Journal;
use otpdeck::engine::orders;
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::{self, SimBooks, SimOptions};
use std::time::Duration;

fn adapter(url: &str, key: &str) -> SharedProvider {
    let mut s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        url.to_string(),
        Auth::ApiKey(Secret::new(key)),
    );
    // Status rounds every 60 ms instead of 1.2 s, so the test is quick.
    s.gotopup.rate_window = Duration::from_secs(3);
    providers::build(&s).expect("adapter")
}

#[tokio::test]
async fn a_pln_bill_goes_inquiry_pay_pending_success_and_pays_once() {
    let sim = sim::start_local(SimOptions {
        otp_delay: Duration::from_millis(300),
        ..Default::default()
    })
    .await
    .expect("sim");
    let key = "sim-bills-1";
    let p = adapter(&sim.urls.gotopup, key);
    let before = p.balance().await.expect("balance");

    let bills = p.bills().expect("GoTopUp has bills");
    let bill = bills
        .inquiry("PLN-PASCABAYAR", "12345678901")
        .await
        .expect("inquiry");
    assert!(bill.customer_name.as_deref().is_some_and(|n| !n.is_empty()));
    assert!(bill.period.as_deref().is_some_and(|d| d.len() == 7));
    assert_eq!(bill.admin_fee, Rupiah(2_500));
    assert_eq!(bill.total, bill.bill + bill.admin_fee);
    // A number of the wrong length is refused by the inquiry.
    assert!(bills.inquiry("PLN-PASCABAYAR", "123").await.is_err());

    let req = BuyRequest {
        service_id: format!("{BILL_SERVICE_PREFIX}PLN-PASCABAYAR"),
        service_name: "PLN-PASCABAYAR".into(),
        country_id: None,
        country_name: None,
        offer_id: "PLN-PASCABAYAR".into(),
        price: bill.total,
        operator: None,
        idempotency_key: "PAY-0001".into(),
        customer_number: Some("12345678901".into()),
    };
    let journal = Journal::open_in_memory().expect("journal");
    let paid = orders::buy(p.as_ref(), &journal, "bills", &req)
        .await
        .expect("paid")
        .order;
    assert_eq!(paid.status, OrderStatus::Waiting);
    assert_eq!(paid.price, bill.total);
    assert_eq!(
        p.balance().await.expect("balance"),
        before - bill.total,
        "charged the confirmed total"
    );
    // Replayed with the same ref_id: the same payment, charged once.
    let again = p.buy(&req).await.expect("replay");
    assert_eq!(Some(again.provider_order_id), paid.provider_order_id);
    assert_eq!(sim.states.gotopup.orders_charged(key), 1);

    let mut order = paid;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        order = orders::poll(p.as_ref(), &journal, &order)
            .await
            .expect("poll")
            .order;
        if !order.status.is_active() {
            break;
        }
    }
    assert_eq!(order.status, OrderStatus::Finished);
    assert!(order.sn.as_deref().is_some_and(|s| !s.is_empty()));

    // Postpaid products are not offered as top-ups: they sit in bill
    // groups under "Pascabayar", apart from the prepaid tokens.
    let (svc, offer) = p
        .find_offer("PLN-PASCABAYAR")
        .await
        .expect("list")
        .expect("found");
    assert!(otpdeck::domain::bill::is_bill(&svc.id), "{svc:?}");
    assert_eq!(offer.id, "PLN-PASCABAYAR");
    let services = p.services().await.expect("services");
    let bill = services
        .iter()
        .find(|s| s.id == "bill:pln:pln")
        .expect("the postpaid PLN group");
    assert_eq!(bill.path, ["Pascabayar", "PLN"]);
    let token = services.iter().find(|s| s.id == "pln:pln").expect("tokens");
    assert_eq!(token.path, ["Prabayar", "PLN"]);
    let offers = p.offers("bill:pln:pln", None).await.expect("offers");
    assert_eq!(
        offers.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        ["PLN-PASCABAYAR"]
    );
    let tokens = p.offers("pln:pln", None).await.expect("offers");
    assert!(!tokens.is_empty() && tokens.iter().all(|o| o.id != "PLN-PASCABAYAR"));
}

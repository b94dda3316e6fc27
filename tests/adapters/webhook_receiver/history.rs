//! An unsigned Otomax callback on an account with a Bearer key: ended only
//! as one history lookup on the simulator says, the lookup counted.

use super::{otomax_body, place, rig_with, unsigned_account};
use chrono::Utc;
use otpdeck::domain::*;
use otpdeck::engine::journal::{Journal, NewOrder};
use otpdeck::engine::webhook::unsigned::CONFIRMED;
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;

const HISTORY: &str = "/api/buyer/transactions";

/// An Otomax account of the simulator whose Bearer key reads the same
/// wallet's history (the sim keys both by the same name).
fn otomax_with_key(base: &str, user: &str) -> SharedProvider {
    let mut s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        base,
        Auth::Otomax {
            username: user.into(),
            sign: Secret::new("SIGN-1"),
        },
    );
    s.gotopup.history_key = Some(Secret::new(user));
    s.http.backoff = std::time::Duration::from_millis(20);
    s.http.max_attempts = 1;
    providers::build(&s).expect("adapter")
}

/// Buys a top-up on the simulator and journals it as waiting.
async fn buy_waiting(j: &Journal, p: &SharedProvider, account: &str, ref_id: &str) -> Order {
    let req = BuyRequest {
        service_id: "pulsa:telkomsel".into(),
        service_name: "Pulsa Telkomsel 10.000".into(),
        country_id: None,
        country_name: None,
        offer_id: "TELKOMSEL10".into(),
        price: Rupiah(10_500),
        operator: None,
        idempotency_key: ref_id.into(),
        customer_number: Some("081234567890".into()),
    };
    let now = Utc::now();
    let o = j
        .begin_order(
            &NewOrder {
                account: account.into(),
                provider: ProviderKind::GoTopUp,
                idempotency_key: ref_id.into(),
                service_id: req.service_id.clone(),
                service: req.service_name.clone(),
                country: None,
                country_name: None,
                offer_id: req.offer_id.clone(),
                operator: None,
                customer_number: req.customer_number.clone(),
                price: req.price,
            },
            now,
        )
        .unwrap();
    let placed = p.buy(&req).await.expect("buy");
    assert_eq!(placed.status, OrderStatus::Waiting);
    j.record_placed(o.id, &placed, now).unwrap().order
}

#[tokio::test]
async fn with_a_bearer_key_an_unsigned_callback_ends_an_order_only_as_the_history_says() {
    let sim = otpdeck::sim::start_local(otpdeck::sim::SimOptions {
        otp_delay: std::time::Duration::from_millis(200),
        ..Default::default()
    })
    .await
    .expect("sim");
    let user = "sim-oto-confirm";
    let buyer = otomax_with_key(&sim.urls.gotopup, user);
    let down = otomax_with_key("http://127.0.0.1:9", "sim-oto-down");
    let r = rig_with(vec![
        unsigned_account(
            "oto-key",
            None,
            Some(otomax_with_key(&sim.urls.gotopup, user)),
        ),
        unsigned_account("oto-down", None, Some(down)),
    ])
    .await;
    let o = buy_waiting(&r.journal, &buyer, "oto-key", "OTO-K-1").await;
    // The true SN, as the history will have it once the top-up settles.
    let mut sn = None;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let page = buyer
            .history()
            .expect("GoTopUp has history")
            .page(&otpdeck::domain::history::HistoryQuery {
                status: Some("success".into()),
                page: 1,
                limit: 100,
                ..Default::default()
            })
            .await
            .expect("history");
        sn = page
            .transactions
            .into_iter()
            .find(|t| t.reference == "OTO-K-1")
            .and_then(|t| t.sn);
        if sn.is_some() {
            break;
        }
    }
    let sn = sn.expect("the top-up settles in the simulator");
    let lookups = || sim.states.gotopup.requests_to(HISTORY);
    let start = lookups();

    // A callback whose SN the history does not have: not finalised.
    let wrong = otomax_body("OTO-K-1", "success", Some("0000000000000000"));
    assert_eq!(r.post("oto-key", None, &wrong).await.0, 200);
    assert_eq!(lookups(), start + 1, "one history lookup");
    assert_eq!(r.journal.order(o.id).unwrap().unwrap(), o);
    // Sent again: recognised as a repeat, no second lookup.
    assert_eq!(r.post("oto-key", None, &wrong).await.0, 200);
    assert_eq!(lookups(), start + 1, "a repeat asks nothing");
    // One that claims it failed: the history says success, nothing moves.
    let failed = otomax_body("OTO-K-1", "failed", None);
    assert_eq!(r.post("oto-key", None, &failed).await.0, 200);
    assert_eq!(r.journal.order(o.id).unwrap().unwrap(), o);
    assert!(r.emitted.lock().unwrap().is_empty());

    // The true one: confirmed, finished with the SN.
    let body = otomax_body("OTO-K-1", "success", Some(&sn));
    assert_eq!(r.post("oto-key", None, &body).await.0, 200);
    let after = r.journal.order(o.id).unwrap().unwrap();
    assert_eq!(after.status, OrderStatus::Finished);
    assert_eq!(after.sn.as_deref(), Some(sn.as_str()));
    assert_eq!(after.note.as_deref(), Some(CONFIRMED));
    assert_eq!(r.orders().len(), 1);
    // Its repeat changes nothing.
    assert_eq!(r.post("oto-key", None, &body).await.0, 200);
    assert_eq!(r.journal.order(o.id).unwrap().unwrap(), after);
    assert!(r.emitted.lock().unwrap().is_empty());

    // A lookup that fails (nothing listening): not finalised.
    let d = place(
        &r.journal,
        "oto-down",
        ProviderKind::GoTopUp,
        "OTO-D-1",
        "OTO-D-1",
    );
    let body = otomax_body("OTO-D-1", "success", Some(&sn));
    assert_eq!(r.post("oto-down", None, &body).await.0, 200);
    assert_eq!(r.journal.order(d.id).unwrap().unwrap(), d);
    sim.stop().await;
}

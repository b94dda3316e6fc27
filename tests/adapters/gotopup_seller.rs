//! GoTopUp's seller side (issue 11): the adapter against the simulator.
//! Products are created, listed, repriced and deactivated; a settlement is
//! journaled before and after, a lost reply is unclear (never failed) and
//! its replay with the same ref_id withdraws once; amounts under the
//! minimum are refused before anything is sent.

use otpdeck::domain::seller::*;
use otpdeck::domain::ProviderKind;
use otpdeck::engine::journal::Journal;
use otpdeck::engine::seller::{resume, settle, SettleOutcome};
use otpdeck::money::Rupiah;
use otpdeck::providers::gotopup::GoTopUpSeller;
use otpdeck::providers::{Auth, ProviderSettings};
use otpdeck::secret::Secret;
use otpdeck::sim::{self, SimOptions};
use std::time::Duration;

fn seller(url: &str, key: &str) -> GoTopUpSeller {
    let s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        url.to_string(),
        Auth::ApiKey(Secret::new(key)),
    );
    GoTopUpSeller::new(&s).expect("seller client")
}

fn draft(code: &str, price: i64) -> ProductDraft {
    ProductDraft {
        code: code.into(),
        name: format!("Pulsa {code}"),
        category: "prabayar".into(),
        subcategory: "pulsa".into(),
        operator: Some("Telkomsel".into()),
        price: Rupiah(price),
        active: true,
    }
}

fn settlement(amount: i64, ref_id: &str) -> SettlementRequest {
    SettlementRequest {
        amount: Rupiah(amount),
        bank: BankAccount {
            bank_code: "BCA".into(),
            account_number: "1234567890".into(),
            account_name: "Nama Pemilik".into(),
        },
        ref_id: ref_id.into(),
    }
}

async fn sim(delay_ms: u64) -> sim::SimHandle {
    sim::start_local(SimOptions {
        otp_delay: Duration::from_millis(delay_ms),
        initial_balance: Rupiah(1_000_000),
        ..Default::default()
    })
    .await
    .expect("sim")
}

#[tokio::test]
async fn products_are_created_listed_repriced_and_deactivated() {
    let sim = sim(100).await;
    let s = seller(&sim.urls.gotopup, "sim-seller-p");
    assert!(s.products().await.expect("empty list").is_empty());
    let made = s
        .create_product(&draft("TELKOMSEL5", 5_500))
        .await
        .expect("create");
    assert_eq!(made.price, Rupiah(5_500));
    s.create_product(&draft("XL10", 10_800))
        .await
        .expect("create 2");
    // The code is unique: a second create is refused, not duplicated.
    let dup = s.create_product(&draft("XL10", 1)).await.unwrap_err();
    assert!(dup.to_string().contains("sudah"), "{dup}");
    let p = ProductPatch {
        price: Some(Rupiah(5_700)),
        ..Default::default()
    };
    assert_eq!(
        s.update_product("TELKOMSEL5", &p)
            .await
            .expect("reprice")
            .price,
        Rupiah(5_700)
    );
    let off = ProductPatch {
        status: Some("inactive".into()),
        ..Default::default()
    };
    s.update_product("TELKOMSEL5", &off)
        .await
        .expect("deactivate");
    let list = s.products().await.expect("list");
    assert_eq!(list.len(), 2);
    let t = list
        .iter()
        .find(|p| p.code == "TELKOMSEL5")
        .expect("listed");
    assert_eq!((t.price, t.status.as_str()), (Rupiah(5_700), "inactive"));
    assert_eq!(
        list.iter().find(|p| p.code == "XL10").unwrap().status,
        "active"
    );
    // Another seller key sees its own (empty) shop.
    assert!(seller(&sim.urls.gotopup, "sim-seller-q")
        .products()
        .await
        .unwrap()
        .is_empty());
    // Unknown product and a bad status.
    assert!(s.update_product("NOPE", &p).await.is_err());
    let bad = ProductPatch {
        status: Some("paused".into()),
        ..Default::default()
    };
    let e = s
        .update_product("XL10", &bad)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not sent"), "{e}");
    sim.stop().await;
}

#[tokio::test]
async fn a_settlement_is_journaled_and_a_lost_reply_is_never_sent_again() {
    let sim = sim(300).await;
    let key = "sim-seller-s";
    let s = seller(&sim.urls.gotopup, key);
    let j = Journal::open_in_memory().expect("journal");
    let start = sim.states.gotopup.seller_balance(key);

    // Under the minimum: refused before sending, nothing journaled.
    let e = settle(&j, &s, "shop", &settlement(49_999, "S-SMALL"))
        .await
        .unwrap_err();
    assert!(e.contains("not sent") && e.contains("50.000"), "{e}");
    assert_eq!(sim.states.gotopup.settlement_requests(key), 0);
    assert!(j.settlements(None).unwrap().is_empty());

    // A normal one: fee and net from the reply, pending.
    let out = settle(&j, &s, "shop", &settlement(200_000, "S-1"))
        .await
        .expect("settle");
    let SettleOutcome::Sent(row) = out else {
        panic!("{out:?}")
    };
    assert_eq!(row.status, "pending");
    assert_eq!(
        (row.fee, row.net_amount),
        (Some(Rupiah(2_000)), Some(Rupiah(198_000)))
    );
    assert!(row.settlement_id.is_some());
    // The same ref_id again: nothing is sent.
    let again = settle(&j, &s, "shop", &settlement(200_000, "S-1"))
        .await
        .expect("again");
    assert!(matches!(again, SettleOutcome::Already(_)), "{again:?}");
    assert_eq!(sim.states.gotopup.settlement_requests(key), 1);

    // The reply is lost after the settlement was made: unclear, not failed.
    sim.states.gotopup.lose_settlement_replies(key, 1);
    let out = settle(&j, &s, "shop", &settlement(100_000, "S-2"))
        .await
        .expect("sent");
    let SettleOutcome::Unclear(row) = out else {
        panic!("{out:?}")
    };
    assert_eq!(row.status, "unclear");
    assert_eq!(
        j.settlement("shop", "S-2").unwrap().unwrap().status,
        "unclear"
    );
    // Neither a resume nor the same settle again sends it: the doc never
    // says a used ref_id is harmless, so it stays unclear (one withdrawal).
    tokio::time::sleep(Duration::from_millis(400)).await;
    let out = resume(&j, &s, "shop", "S-2").await.expect("resume");
    assert!(matches!(out, SettleOutcome::Unclear(_)), "{out:?}");
    let out = settle(&j, &s, "shop", &settlement(100_000, "S-2"))
        .await
        .expect("again");
    assert!(matches!(out, SettleOutcome::Unclear(_)), "{out:?}");
    assert_eq!(sim.states.gotopup.settlements_made(key), 2);
    assert_eq!(sim.states.gotopup.settlement_requests(key), 2);
    assert_eq!(
        sim.states.gotopup.seller_balance(key),
        Rupiah(start.0 - 300_000)
    );
    // A ref_id reused for another amount is refused before sending.
    let e = settle(&j, &s, "shop", &settlement(60_000, "S-2"))
        .await
        .unwrap_err();
    assert!(e.contains("already used"), "{e}");
    assert_eq!(sim.states.gotopup.settlement_requests(key), 2);
    sim.stop().await;
}

#[tokio::test]
async fn sales_are_the_buyer_purchases_of_the_sellers_products() {
    use otpdeck::domain::BuyRequest;
    use otpdeck::providers;
    let sim = sim(50).await;
    let s = seller(&sim.urls.gotopup, "sim-seller-t");
    s.create_product(&draft("TELKOMSEL5", 5_500))
        .await
        .expect("create");
    let mut bs = ProviderSettings::new(
        ProviderKind::GoTopUp,
        sim.urls.gotopup.clone(),
        Auth::ApiKey(Secret::new("sim-buyer-t")),
    );
    bs.gotopup.rate_window = Duration::from_secs(1);
    let buyer = providers::build(&bs).expect("buyer");
    for (i, code) in ["TELKOMSEL5", "TELKOMSEL5", "XL10"].iter().enumerate() {
        buyer
            .buy(&BuyRequest {
                service_id: "pulsa:x".into(),
                service_name: code.to_string(),
                country_id: None,
                country_name: None,
                offer_id: code.to_string(),
                price: Rupiah(5_500),
                operator: None,
                idempotency_key: format!("T-{i}"),
                customer_number: Some("081234567890".into()),
            })
            .await
            .expect("buy");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let q = SalesQuery {
        page: 1,
        limit: 1,
        ..Default::default()
    };
    let page = s.sales(&q).await.expect("sales");
    assert_eq!((page.total, page.total_pages), (Some(2), 2));
    assert_eq!(page.transactions.len(), 1);
    assert_eq!(page.transactions[0].code.as_deref(), Some("TELKOMSEL5"));
    let failed = SalesQuery {
        status: Some("failed".into()),
        page: 1,
        limit: 20,
        ..Default::default()
    };
    assert!(s.sales(&failed).await.unwrap().transactions.is_empty());
    let bad = SalesQuery {
        limit: 101,
        page: 1,
        ..Default::default()
    };
    assert!(s.sales(&bad).await.is_err());
    sim.stop().await;
}

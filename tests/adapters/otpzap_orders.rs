//! OTPZap order operations through the engine (the path of the CLI and the
//! dashboard's effects): resend gated per OTP, replace for Server 1 orders
//! only, and the old order refunded by what the replace reply says.

use axum::routing::{get, post};
use axum::{Json, Router};
use otpdeck::domain::{BuyRequest, Order, OrderOp, OrderStatus, ProviderKind};
use otpdeck::engine::journal::Journal;
use otpdeck::engine::orders::{buy, poll, run_op, EngineError};
use otpdeck::money::Rupiah;
use otpdeck::providers::{build, Auth, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::{start_local, SimOptions};
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "sim-zap-ops";

fn provider(url: &str) -> SharedProvider {
    let mut s = ProviderSettings::new(
        ProviderKind::OtpZap,
        url.to_string(),
        Auth::ApiKey(Secret::new(KEY)),
    );
    s.http.backoff = Duration::from_millis(20);
    build(&s).expect("adapter")
}

fn req(offer_id: &str, price: i64, key: &str) -> BuyRequest {
    BuyRequest {
        service_id: "s1:1".into(),
        service_name: "WhatsApp".into(),
        country_id: Some("7".into()),
        country_name: None,
        offer_id: offer_id.into(),
        price: Rupiah(price),
        operator: None,
        idempotency_key: key.into(),
        customer_number: None,
    }
}

async fn poll_until(p: &SharedProvider, j: &Journal, o: &Order, otps: usize) -> Order {
    let start = Instant::now();
    loop {
        let now = poll(p.as_ref(), j, o).await.expect("poll").order;
        if now.otps.len() >= otps {
            return now;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "no OTP: {now:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn resend_waits_for_the_new_otp_and_replace_is_for_server_1() {
    let sim = start_local(SimOptions {
        otp_delay: Duration::from_millis(300),
        ..Default::default()
    })
    .await
    .expect("sim");
    let zap = &sim.states.otpzap;
    let p = provider(&sim.urls.otpzap);
    let j = Journal::open_in_memory().expect("journal");
    let offers = p.offers("s1:1", Some("7")).await.expect("offers");
    let s1 = offers.iter().find(|o| o.in_stock()).expect("S1 offer");
    let o = buy(p.as_ref(), &j, "zap", &req(&s1.id, s1.price.0, "ops-1"))
        .await
        .expect("buy")
        .order;
    let o = poll_until(&p, &j, &o, 1).await;
    assert_eq!(o.resend_count, Some(0));

    let o = run_op(OrderOp::Resend, p.as_ref(), &j, &o)
        .await
        .expect("first resend")
        .order;
    assert_eq!(o.resend_count, Some(1), "counted at once");
    // A second one before the new OTP is refused here, not sent.
    let before = zap.requests_to("Resend");
    match run_op(OrderOp::Resend, p.as_ref(), &j, &o).await {
        Err(EngineError::Refused(why)) => assert!(why.contains("has not arrived yet"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(zap.requests_to("Resend"), before, "nothing sent");
    let o = poll_until(&p, &j, &o, 2).await;
    run_op(OrderOp::Resend, p.as_ref(), &j, &o)
        .await
        .expect("allowed after the new OTP");

    // Replace on a Server 2 order is refused before sending.
    let s2 = p.offers("s2", Some("7")).await.expect("S2 offers");
    let s2 = s2.iter().find(|o| o.in_stock()).expect("S2 offer");
    let o2 = buy(p.as_ref(), &j, "zap", &req(&s2.id, s2.price.0, "ops-2"))
        .await
        .expect("buy S2")
        .order;
    match run_op(OrderOp::Replace, p.as_ref(), &j, &o2).await {
        Err(EngineError::Refused(why)) => assert!(why.contains("Server 1"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(zap.requests_to("Replace"), 0);

    // On Server 1 the simulator's reply names the refund: journaled so.
    let o3 = buy(p.as_ref(), &j, "zap", &req(&s1.id, s1.price.0, "ops-3"))
        .await
        .expect("buy")
        .order;
    let done = run_op(OrderOp::Replace, p.as_ref(), &j, &o3)
        .await
        .expect("replace");
    let old = done.replaced.expect("old order");
    assert_eq!(old.status, OrderStatus::Cancelled);
    assert_eq!(old.refunded, Some(s1.price));
}

/// A stand-in OTPZap whose replace reply names no refund.
async fn silent_refund_api() -> String {
    let order = |id: u64| {
        json!({"success": true, "data": {"order_id": id, "number": "6281200000", "price": 3500,
            "status": "pending", "otp_code": null, "otps": [], "resend_count": 0,
            "resend_locked_until": null}})
    };
    let app = Router::new()
        .route(
            "/order/create",
            post(move || async move { Json(order(65)) }),
        )
        .route(
            "/order/replace",
            post(move || async move { Json(order(66)) }),
        )
        .route(
            "/balance",
            get(|| async { Json(json!({"success": true, "data": {"balance": 1}})) }),
        );
    let url = serve(app).await;
    url
}

#[tokio::test]
async fn a_replace_reply_without_a_refund_journals_none() {
    let url = silent_refund_api().await;
    let p = provider(&url);
    let j = Journal::open_in_memory().expect("journal");
    let o = buy(p.as_ref(), &j, "zap", &req("s1:101", 3500, "silent-1"))
        .await
        .expect("buy")
        .order;
    let done = run_op(OrderOp::Replace, p.as_ref(), &j, &o)
        .await
        .expect("replace");
    let old = done.replaced.expect("old");
    assert_eq!(old.status, OrderStatus::Cancelled);
    assert_eq!(old.refunded, None, "not assumed");
    assert_eq!(done.order.provider_order_id.as_deref(), Some("66"));
}

/// A stand-in OTPZap with three pages of Server 1 products (two a page):
/// the adapter reads one page at a time and says whether more follow.
#[tokio::test]
async fn server_1_offers_page_on_demand() {
    use axum::extract::Query;
    use std::collections::HashMap;
    let app = Router::new().route(
        "/products",
        get(|Query(q): Query<HashMap<String, String>>| async move {
            let page: i64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            assert_eq!(q.get("sort").map(String::as_str), Some("price"));
            assert_eq!(q.get("country_id").map(String::as_str), Some("7"));
            let rows: Vec<_> = (0..2)
                .map(|i| {
                    let id = page * 10 + i;
                    json!({"id": id, "platform_id": 1, "country_id": 7,
                        "name": format!("P{id}"), "price": 1000 * page + i, "stock": 5})
                })
                .collect();
            Json(json!({"success": true, "data": rows,
                "meta": {"page": page, "limit": 2, "total": 6, "last_page": 3}}))
        }),
    );
    let url = serve(app).await;
    let p = provider(&url);
    let (first, more) = p.offers_page("s1:1", Some("7"), 1).await.expect("page 1");
    assert!(more);
    let ids: Vec<_> = first.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["s1:10", "s1:11"]);
    let (second, more) = p.offers_page("s1:1", Some("7"), 2).await.expect("page 2");
    assert!(more);
    assert_eq!(second[0].id, "s1:20");
    let (_, more) = p.offers_page("s1:1", Some("7"), 3).await.expect("page 3");
    assert!(!more, "the last page says so");
}

/// A stand-in OTPZap whose platform has 12 pages of products: the country
/// list and the scripting listing read every page (they stopped after 10,
/// silently hiding the countries and offers further on), and a server that
/// answers page 1 to every page is refused rather than read forever.
#[tokio::test]
async fn listings_read_every_page_and_refuse_a_server_that_repeats_one() {
    use axum::extract::Query;
    use std::collections::HashMap;
    let page_of = |q: &HashMap<String, String>| -> i64 {
        q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1)
    };
    let product = |page: i64, i: i64| {
        // Country 7 on pages 1–11; the last page alone holds country 9.
        let country = if page == 12 { 9 } else { 7 };
        json!({"id": page * 100 + i, "platform_id": 1, "country_id": country,
            "name": format!("P{page}-{i}"), "price": 1000 + page, "stock": 1})
    };
    let app = Router::new()
        .route(
            "/products",
            get(move |Query(q): Query<HashMap<String, String>>| async move {
                let page = page_of(&q);
                let rows: Vec<_> = (0..2).map(|i| product(page, i)).collect();
                Json(json!({"success": true, "data": rows,
                    "meta": {"page": page, "limit": 2, "total": 24, "last_page": 12}}))
            }),
        )
        .route(
            "/countries",
            get(|| async {
                Json(json!({"success": true, "data": [
                    {"id": 7, "name": "Indonesia"}, {"id": 9, "name": "Brazil"}]}))
            }),
        );
    let url = serve(app).await;
    let p = provider(&url);
    let names: Vec<_> = p
        .countries("s1:1")
        .await
        .expect("countries")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Indonesia", "Brazil"], "Brazil is on page 12 only");
    let offers = p.offers("s1:1", Some("7")).await.expect("offers");
    assert_eq!(offers.len(), 24, "every page of the listing");

    let stuck = Router::new().route(
        "/products",
        get(|| async {
            Json(json!({"success": true,
                "data": [{"id": 1, "platform_id": 1, "country_id": 7, "name": "P", "price": 1000}],
                "meta": {"page": 1, "limit": 1, "total": 50, "last_page": 50}}))
        }),
    );
    let url = serve(stuck).await;
    let e = provider(&url)
        .offers("s1:1", Some("7"))
        .await
        .expect_err("a repeating server")
        .to_string();
    assert!(e.contains("repeats"), "{e}");
}

/// Serves a stand-in API on a free loopback port; gives its base URL.
async fn serve(app: Router) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(l, app).await });
    url
}

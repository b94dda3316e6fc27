//! GateOTP, NEXOTP and GoTopUp adapters against the in-process simulator:
//! the happy path (balance, catalog, buy, poll to OTP/SN, cancel with
//! refund, finish, resend) and the error paths (401, insufficient balance,
//! 409, 429 with Retry-After, 503, malformed JSON, timeout, lost reply).
//! OTPZap has its own file, `adapter_otpzap.rs`.

use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, OrderRef, ProviderError, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::faults::{Api, Fault, FaultRule};
use otpdeck::sim::{self, SimBooks, SimHandle, SimOptions};
use std::time::Duration;

async fn sim_with(opts: SimOptions) -> SimHandle {
    sim::start_local(opts).await.expect("sim starts")
}

fn fast() -> SimOptions {
    SimOptions {
        otp_delay: Duration::from_millis(300),
        ..Default::default()
    }
}

fn url(sim: &SimHandle, kind: ProviderKind) -> String {
    match kind {
        ProviderKind::GateOtp => sim.urls.gateotp.clone(),
        ProviderKind::NexOtp => sim.urls.nexotp.clone(),
        ProviderKind::OtpZap => sim.urls.otpzap.clone(),
        ProviderKind::GoTopUp => sim.urls.gotopup.clone(),
    }
}

fn settings(sim: &SimHandle, kind: ProviderKind, key: &str) -> ProviderSettings {
    let mut s = ProviderSettings::new(kind, url(sim, kind), Auth::ApiKey(Secret::new(key)));
    s.http.backoff = Duration::from_millis(20);
    s
}

fn provider(sim: &SimHandle, kind: ProviderKind, key: &str) -> SharedProvider {
    providers::build(&settings(sim, kind, key)).expect("adapter")
}

fn oref(p: &PlacedOrder, key: &str) -> OrderRef {
    OrderRef {
        provider_order_id: p.provider_order_id.clone(),
        idempotency_key: key.to_string(),
        created_at: Some(chrono::Utc::now()),
        offer_id: None,
        customer_number: None,
    }
}

/// The cheapest in-stock WhatsApp offer in Indonesia, as a buy request.
async fn whatsapp_id(p: &SharedProvider, key: &str) -> BuyRequest {
    let services = p.services().await.expect("services");
    let svc = services
        .iter()
        .find(|s| s.name == "WhatsApp")
        .expect("WhatsApp listed");
    let countries = p.countries(&svc.id).await.expect("countries");
    let c = countries
        .iter()
        .find(|c| c.name == "Indonesia")
        .expect("Indonesia listed");
    let offers = p.offers(&svc.id, Some(&c.id)).await.expect("offers");
    assert!(
        offers.iter().any(|o| !o.in_stock()),
        "some offer is sold out"
    );
    // GateOTP's pricelist has no names, so its never-delivering offer is
    // known by provider id.
    let never = |o: &Offer| o.label.to_lowercase().contains("never") || o.id.ends_with(":9999");
    assert!(offers.iter().any(never), "a never-delivering offer exists");
    assert!(!never(
        offers
            .iter()
            .filter(|o| o.in_stock())
            .min_by_key(|o| o.price)
            .expect("offer")
    ));
    let o = offers
        .iter()
        .filter(|o| o.in_stock())
        .min_by_key(|o| o.price)
        .expect("in stock");
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

async fn poll_until_otp(p: &SharedProvider, r: &OrderRef) -> OrderUpdate {
    for _ in 0..40 {
        let u = p.status(r).await.expect("status");
        if !u.otps.is_empty() {
            return u;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no OTP arrived");
}

#[tokio::test]
async fn gateotp_happy_path() {
    let sim = sim_with(fast()).await;
    let key = "sim-gate-1";
    let p = provider(&sim, ProviderKind::GateOtp, key);
    let before = p.balance().await.expect("balance");
    assert_eq!(before, Rupiah(500_000));
    let req = whatsapp_id(&p, "k1").await;
    let placed = p.buy(&req).await.expect("buy");
    assert_eq!(placed.status, OrderStatus::Waiting);
    assert!(placed.number.starts_with("+62"));
    assert_eq!(p.balance().await.expect("balance"), before - placed.price);
    let r = oref(&placed, "k1");
    let u = poll_until_otp(&p, &r).await;
    assert_eq!(u.status, Some(OrderStatus::OtpReceived));
    let delivered = sim.states.gateotp.delivered_otps();
    assert_eq!(
        delivered,
        vec![(placed.provider_order_id.clone(), u.otps[0].clone())]
    );
    // Resend: a second, different code arrives.
    p.resend(&r).await.expect("resend");
    let mut second = None;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let u2 = p.status(&r).await.expect("status");
        if u2.otps.first().is_some_and(|c| *c != u.otps[0]) {
            second = Some(u2.otps[0].clone());
            break;
        }
    }
    assert!(second.is_some(), "a new code after resend");
    p.finish(&r).await.expect("finish");
    // Cancel a fresh order: refunded.
    let mut req2 = req.clone();
    req2.idempotency_key = "k2".into();
    let o2 = p.buy(&req2).await.expect("buy 2");
    p.cancel(&oref(&o2, "k2")).await.expect("cancel");
    assert_eq!(p.balance().await.expect("balance"), before - placed.price);
    assert_eq!(
        p.status(&oref(&o2, "k2")).await.expect("status").status,
        Some(OrderStatus::Cancelled)
    );
    // An order with an SMS cannot be cancelled.
    assert!(p.cancel(&r).await.is_err());
}

#[tokio::test]
async fn gateotp_offers_carry_the_markup_the_buy_charges() {
    let sim = sim_with(fast()).await;
    let key = "sim-gate-markup";
    let plain = provider(&sim, ProviderKind::GateOtp, key);
    let mut s = settings(&sim, ProviderKind::GateOtp, key);
    s.markup = Rupiah(400);
    let p = providers::build(&s).expect("adapter");
    // Every offer shows price_jual: the pricelist's price plus the markup.
    let base = whatsapp_id(&plain, "m0").await;
    let req = whatsapp_id(&p, "m1").await;
    assert_eq!(req.offer_id, base.offer_id, "the same cheapest offer");
    assert_eq!(req.price, base.price + Rupiah(400));
    let country = base.country_id.as_deref();
    let with = p.offers(&base.service_id, country).await.expect("offers");
    let without = plain
        .offers(&base.service_id, country)
        .await
        .expect("offers");
    assert_eq!(with.len(), without.len());
    for (a, b) in with.iter().zip(&without) {
        assert_eq!((&a.id, a.price), (&b.id, b.price + Rupiah(400)));
    }
    // The buy charges exactly what the offer said, no more.
    let placed = p.buy(&req).await.expect("buy");
    assert_eq!(placed.price, req.price);
    assert_eq!(p.balance().await.expect("b"), Rupiah(500_000) - req.price);
}

#[tokio::test]
async fn gateotp_offers_carry_their_operators() {
    let sim = sim_with(fast()).await;
    let p = provider(&sim, ProviderKind::GateOtp, "sim-gate-ops");
    assert!(p.capabilities().operators);
    let services = p.services().await.expect("services");
    let wa = services.iter().find(|s| s.name == "WhatsApp").expect("WA");
    let countries = p.countries(&wa.id).await.expect("countries");
    let id_of = |name: &str| {
        countries
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.id.clone())
            .expect("country")
    };
    let offers = p
        .offers(&wa.id, Some(&id_of("Indonesia")))
        .await
        .expect("offers");
    assert!(!offers.is_empty());
    for o in &offers {
        let ids: Vec<&str> = o.operators.iter().map(|op| op.id.as_str()).collect();
        assert!(
            ids.contains(&"any") && ids.contains(&"telkomsel") && ids.contains(&"indosat"),
            "{}: {ids:?}",
            o.id
        );
    }
    let my = p
        .offers(&wa.id, Some(&id_of("Malaysia")))
        .await
        .expect("offers");
    assert!(my
        .iter()
        .all(|o| o.operators.iter().map(|op| op.id.as_str()).eq(["any"])));
    // A buy with one of them goes through.
    let mut req = whatsapp_id(&p, "ops-1").await;
    req.operator = Some("telkomsel".into());
    let placed = p.buy(&req).await.expect("buy with an operator");
    assert_eq!(placed.status, OrderStatus::Waiting);
}

#[tokio::test]
async fn gateotp_lost_reply_is_ambiguous_and_not_retried() {
    let sim = sim_with(fast()).await;
    let key = "sim-gate-lost";
    let p = provider(&sim, ProviderKind::GateOtp, key);
    let req = whatsapp_id(&p, "lost").await;
    let before = sim.states.requests[0].load(std::sync::atomic::Ordering::Relaxed);
    sim.states.faults.push(FaultRule::once(
        Api::GateOtp,
        "/api/otp/order",
        Fault::LoseReply,
    ));
    let e = p.buy(&req).await.expect_err("reply lost");
    assert!(e.is_ambiguous(), "{e:?}");
    assert_eq!(
        sim.states.gateotp.orders_charged(key),
        1,
        "it did go through"
    );
    let after = sim.states.requests[0].load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(after - before, 1, "exactly one request: no retry");
}

#[tokio::test]
async fn nexotp_happy_path_and_idempotency() {
    let sim = sim_with(fast()).await;
    let key = "sim-nex-1";
    let p = provider(&sim, ProviderKind::NexOtp, key);
    let before = p.balance().await.expect("balance");
    let req = whatsapp_id(&p, "order-1001").await;
    let placed = p.buy(&req).await.expect("buy");
    assert!(placed.expires_at.is_some());
    assert_eq!(p.balance().await.expect("balance"), before - placed.price);
    // Replay with the same key and payload: the same order, charged once.
    let again = p.buy(&req).await.expect("replay");
    assert_eq!(again.provider_order_id, placed.provider_order_id);
    assert_eq!(sim.states.nexotp.orders_charged(key), 1);
    // Same key, different payload: 409.
    let mut other = req.clone();
    other.offer_id = "any".into();
    assert!(matches!(
        p.buy(&other).await,
        Err(ProviderError::Conflict(_))
    ));
    let r = oref(&placed, "order-1001");
    let u = poll_until_otp(&p, &r).await;
    assert_eq!(u.status, Some(OrderStatus::OtpReceived));
    assert_eq!(sim.states.nexotp.delivered_otps()[0].1, u.otps[0]);
    // Cancel a fresh order: refunded with the amount.
    let mut req2 = req.clone();
    req2.idempotency_key = "order-1002".into();
    let o2 = p.buy(&req2).await.expect("buy 2");
    let c = p.cancel(&oref(&o2, "order-1002")).await.expect("cancel");
    assert_eq!(c.refunded, Some(o2.price));
    assert_eq!(p.balance().await.expect("balance"), before - placed.price);
    // Another account's order is refused, not "bad key".
    let stranger = provider(&sim, ProviderKind::NexOtp, "sim-nex-2");
    assert!(matches!(
        stranger.status(&r).await,
        Err(ProviderError::Rejected { status: 403, .. })
    ));
}

#[tokio::test]
async fn gotopup_happy_path_bearer_and_otomax() {
    let sim = sim_with(fast()).await;
    let key = "sim-topup-1";
    let p = provider(&sim, ProviderKind::GoTopUp, key);
    let before = p.balance().await.expect("balance");
    let services = p.services().await.expect("services");
    assert!(services
        .iter()
        .any(|s| s.id == "pulsa:telkomsel" && s.name == "Pulsa Telkomsel"));
    let offers = p.offers("pulsa:telkomsel", None).await.expect("offers");
    assert!(offers
        .iter()
        .any(|o| o.id == "TELKOMSEL10" && o.price == Rupiah(10_500)));
    let (_, offer) = p
        .find_offer("TELKOMSEL10")
        .await
        .expect("find")
        .expect("found");
    let req = BuyRequest {
        service_id: offer.service_id.clone(),
        service_name: offer.label.clone(),
        country_id: None,
        country_name: None,
        offer_id: offer.id.clone(),
        price: offer.price,
        operator: None,
        idempotency_key: "TXN-001".into(),
        customer_number: Some("081234567890".into()),
    };
    let placed = p.buy(&req).await.expect("buy");
    assert_eq!(placed.status, OrderStatus::Waiting);
    assert_eq!(p.balance().await.expect("balance"), before - Rupiah(10_500));
    let r = oref(&placed, "TXN-001");
    let u = poll_until_otp(&p, &r).await;
    assert_eq!(u.status, Some(OrderStatus::Finished));
    assert_eq!(u.sn.as_deref(), u.otps.first().map(String::as_str));
    assert_eq!(
        sim.states.gotopup.delivered_otps()[0],
        ("TXN-001".to_string(), u.otps[0].clone())
    );
    // Replaying the ref_id returns the same transaction, charged once.
    let again = p.buy(&req).await.expect("replay");
    assert_eq!(again.provider_order_id, placed.provider_order_id);
    assert_eq!(sim.states.gotopup.orders_charged(key), 1);
    // The failing product fails and is refunded.
    let mut bad = req.clone();
    bad.offer_id = "GAGAL5".into();
    bad.idempotency_key = "TXN-002".into();
    let f = p.buy(&bad).await.expect("buy failing product");
    let mut status = None;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = p.status(&oref(&f, "TXN-002")).await.expect("status").status;
        if status == Some(OrderStatus::Failed) {
            break;
        }
    }
    assert_eq!(status, Some(OrderStatus::Failed));
    assert_eq!(p.balance().await.expect("balance"), before - Rupiah(10_500));

    // Otomax: same flow through the query-string API.
    let mut s = settings(&sim, ProviderKind::GoTopUp, "unused");
    s.auth = Auth::Otomax {
        username: "sim-otomax".into(),
        sign: Secret::new("SIGNSECRET99"),
    };
    // This simulator answers a repeated ref_id with its state, and the
    // account says so: polling re-sends (off by default, see
    // tests/gotopup_otomax.rs).
    s.gotopup.resend_is_status = true;
    let o = providers::build(&s).expect("otomax adapter");
    assert_eq!(o.balance().await.expect("balance"), Rupiah(500_000));
    let mut oreq = req.clone();
    oreq.idempotency_key = "OTO-1".into();
    let placed = o.buy(&oreq).await.expect("otomax buy");
    assert_eq!(placed.status, OrderStatus::Waiting);
    let mut r = oref(&placed, "OTO-1");
    r.offer_id = Some(oreq.offer_id.clone());
    r.customer_number = oreq.customer_number.clone();
    let u = poll_until_otp(&o, &r).await;
    assert_eq!(u.status, Some(OrderStatus::Finished));
    assert_eq!(
        o.balance().await.expect("balance"),
        Rupiah(500_000) - Rupiah(10_500),
        "polling never re-buys"
    );
    // A wrong Otomax user is refused without echoing the sign.
    s.auth = Auth::Otomax {
        username: "nobody".into(),
        sign: Secret::new("SIGNSECRET99"),
    };
    let bad = providers::build(&s).expect("adapter");
    let e = bad.balance().await.expect_err("refused");
    assert!(matches!(e, ProviderError::Unauthorized(_)));
    assert!(!format!("{e} {e:?}").contains("SIGNSECRET99"));
}

/// Error paths every adapter shares, run against each of the three.
async fn error_paths(
    kind: ProviderKind,
    api: Api,
    read_path: &str,
    buy_path: &str,
    status_path: &str,
) {
    let sim = sim_with(fast()).await;
    // 401, and the key never shows in the error.
    let p = provider(&sim, kind, "bad-key-SECRET42");
    let e = p.balance().await.expect_err("401");
    assert!(matches!(e, ProviderError::Unauthorized(_)), "{kind}: {e:?}");
    assert!(!format!("{e} {e:?}").contains("SECRET42"));

    // Insufficient balance.
    let poor = sim_with(SimOptions {
        initial_balance: Rupiah(500),
        ..fast()
    })
    .await;
    let pp = provider(&poor, kind, "sim-poor");
    let req = buy_request(&pp, kind, "poor-1").await;
    let e = pp.buy(&req).await.expect_err("no balance");
    assert!(
        matches!(e, ProviderError::InsufficientBalance(_)),
        "{kind}: {e:?}"
    );

    let key = format!("sim-errors-{kind}");
    let p = provider(&sim, kind, &key);
    // 429 with a short Retry-After: waited out and retried.
    sim.states
        .faults
        .push(FaultRule::once(api, read_path, Fault::RateLimit(1)));
    let t = std::time::Instant::now();
    p.balance().await.expect("retried after Retry-After");
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "{kind}: honoured Retry-After"
    );
    // A long one comes back as a state with the wait.
    sim.states
        .faults
        .push(FaultRule::once(api, read_path, Fault::RateLimit(60)));
    let e = p.balance().await.expect_err("429");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(60)), "{kind}");

    // 503 on a buy: nothing charged.
    let req = buy_request(&p, kind, "e-503").await;
    let rule = FaultRule::random(Some(api), Some(buy_path), Fault::Status(503), 1.0);
    sim.states.faults.push(rule);
    let e = p.buy(&req).await.expect_err("503");
    assert!(
        matches!(e, ProviderError::Unavailable { status: 503, .. }),
        "{kind}: {e:?}"
    );
    sim.states.faults.clear();
    let charged = |sim: &SimHandle| match kind {
        ProviderKind::GateOtp => sim.states.gateotp.orders_charged(&key),
        ProviderKind::NexOtp => sim.states.nexotp.orders_charged(&key),
        ProviderKind::GoTopUp => sim.states.gotopup.orders_charged(&key),
        ProviderKind::OtpZap => sim.states.otpzap.orders_charged(&key),
    };
    assert_eq!(charged(&sim), 0, "{kind}: no charge on 503");

    // Malformed JSON on a status poll.
    let req = buy_request(&p, kind, "e-mal").await;
    let placed = p.buy(&req).await.expect("buy");
    let mut r = oref(&placed, "e-mal");
    r.offer_id = Some(req.offer_id.clone());
    r.customer_number = req.customer_number.clone();
    sim.states.faults.push(FaultRule::random(
        Some(api),
        Some(status_path),
        Fault::Malformed,
        1.0,
    ));
    let e = p.status(&r).await.expect_err("malformed");
    assert!(matches!(e, ProviderError::Malformed(_)), "{kind}: {e:?}");
    sim.states.faults.clear();
    p.status(&r).await.expect("recovers once replies are sane");

    // Timeout.
    let mut s = settings(&sim, kind, &key);
    s.http.request_timeout = Duration::from_millis(300);
    s.http.max_attempts = 1;
    let slow = providers::build(&s).expect("adapter");
    sim.states.faults.push(FaultRule::once(
        api,
        read_path,
        Fault::Slow(Duration::from_secs(2)),
    ));
    assert!(
        matches!(slow.balance().await, Err(ProviderError::Timeout)),
        "{kind}"
    );
}

async fn buy_request(p: &SharedProvider, kind: ProviderKind, key: &str) -> BuyRequest {
    if kind == ProviderKind::GoTopUp {
        let (_, o) = p
            .find_offer("TELKOMSEL5")
            .await
            .expect("find")
            .expect("found");
        return BuyRequest {
            service_id: o.service_id.clone(),
            service_name: o.label.clone(),
            country_id: None,
            country_name: None,
            offer_id: o.id,
            price: o.price,
            operator: None,
            idempotency_key: key.into(),
            customer_number: Some("081234567890".into()),
        };
    }
    whatsapp_id(p, key).await
}

#[tokio::test]
async fn gateotp_error_paths() {
    error_paths(
        ProviderKind::GateOtp,
        Api::GateOtp,
        "/api/user/profile",
        "/api/otp/order",
        "/api/otp/status",
    )
    .await;
}

#[tokio::test]
async fn nexotp_error_paths() {
    error_paths(
        ProviderKind::NexOtp,
        Api::NexOtp,
        "/api/v1/balance",
        "/api/v1/order",
        "/api/v1/order/",
    )
    .await;
}

#[tokio::test]
async fn gotopup_error_paths() {
    error_paths(
        ProviderKind::GoTopUp,
        Api::GoTopUp,
        "/api/buyer/balance",
        "/api/buyer/transaction",
        "/api/buyer/transactions",
    )
    .await;
}

/// Every injected fault kind, on every API, on reads, buys and polls: a
/// typed error (never a panic), and "no clear reply" wherever a buy may
/// have gone through.
#[tokio::test]
async fn every_fault_kind_is_a_typed_error_for_every_api() {
    let sim = sim_with(fast()).await;
    let table = [
        (
            ProviderKind::GateOtp,
            Api::GateOtp,
            "/api/user/profile",
            "/api/otp/order",
            "/api/otp/status",
        ),
        (
            ProviderKind::NexOtp,
            Api::NexOtp,
            "/api/v1/balance",
            "/api/v1/order",
            "/api/v1/order/",
        ),
        (
            ProviderKind::OtpZap,
            Api::OtpZap,
            "/balance",
            "/order/create",
            "/order/check",
        ),
        (
            ProviderKind::GoTopUp,
            Api::GoTopUp,
            "/api/buyer/balance",
            "/api/buyer/transaction",
            "/api/buyer/transactions",
        ),
    ];
    for (kind, api, read_path, buy_path, status_path) in table {
        let key = format!("sim-kinds-{kind}");
        let mut s = settings(&sim, kind, &key);
        s.http.max_attempts = 1;
        s.http.request_timeout = Duration::from_millis(500);
        let p = providers::build(&s).expect("adapter");
        for fault in [
            Fault::Reset,
            Fault::Truncated,
            Fault::Malformed,
            Fault::LoseReply,
            Fault::Status(500),
            Fault::Slow(Duration::from_secs(2)),
        ] {
            sim.states
                .faults
                .push(FaultRule::once(api, read_path, fault.clone()));
            let e = p.balance().await.expect_err("a faulted read fails");
            assert!(e.is_transient(), "{kind} {fault:?}: {e:?}");
        }
        // Buys cut before or after the provider acted are both unclear.
        for (n, fault) in [Fault::Reset, Fault::LoseReply, Fault::Truncated]
            .into_iter()
            .enumerate()
        {
            let req = request_for(&p, &format!("kinds-{n}")).await;
            sim.states
                .faults
                .push(FaultRule::once(api, buy_path, fault.clone()));
            let e = p.buy(&req).await.expect_err("a faulted buy fails");
            assert!(e.is_ambiguous(), "{kind} {fault:?} on a buy: {e:?}");
        }
        // A 409 on a buy (GateOTP's doc names none): a conflict, never read
        // as "not bought" by guesswork.
        let req = request_for(&p, "kinds-409").await;
        sim.states
            .faults
            .push(FaultRule::once(api, buy_path, Fault::Status(409)));
        let e = p.buy(&req).await.expect_err("409");
        if kind == ProviderKind::GoTopUp {
            // A taken ref_id the history does not show may have been charged.
            assert!(e.is_ambiguous(), "{kind}: {e:?}");
        } else {
            assert!(matches!(e, ProviderError::Conflict(_)), "{kind}: {e:?}");
        }
        // Unknown status words on a poll: a typed error, and the poll
        // recovers once the words are sane again.
        let req = request_for(&p, "kinds-weird").await;
        let placed = p.buy(&req).await.expect("buy");
        let mut r = oref(&placed, "kinds-weird");
        r.offer_id = Some(req.offer_id.clone());
        r.customer_number = req.customer_number.clone();
        sim.states.faults.push(FaultRule::random(
            Some(api),
            Some(status_path),
            Fault::WeirdStatus,
            1.0,
        ));
        let e = p.status(&r).await.expect_err("an unknown status word");
        assert!(matches!(e, ProviderError::Malformed(_)), "{kind}: {e:?}");
        sim.states.faults.clear();
        p.status(&r).await.expect("recovers");
    }
    sim.stop().await;
}

/// A WhatsApp buy in Indonesia (a pulsa top-up on GoTopUp) under `key`.
async fn request_for(p: &SharedProvider, key: &str) -> BuyRequest {
    let mut r = otpdeck::sim::soak::buy_template(p, "whatsapp")
        .await
        .expect("a buyable offer");
    r.idempotency_key = key.to_string();
    r
}

/// NEXOTP filters services server-side (`q`, `limit`); the others filter
/// the full list the same way.
#[tokio::test]
async fn services_can_be_searched_with_q_and_limit() {
    let sim = sim_with(fast()).await;
    for kind in [ProviderKind::NexOtp, ProviderKind::GateOtp] {
        let p = provider(&sim, kind, &format!("sim-search-{kind}"));
        let all = p.services().await.expect("services");
        assert!(all.len() > 3, "{kind}: a catalog to search");
        let found = p.search_services("whats", None).await.expect("search");
        assert_eq!(
            found.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            vec!["WhatsApp"],
            "{kind}"
        );
        let two = p.search_services("", Some(2)).await.expect("limit");
        assert_eq!(two.len(), 2, "{kind}: limit");
    }
    sim.stop().await;
}

/// The demo's differences: two accounts of one API priced differently
/// (NEXOTP and GateOTP; quoted and charged), and NEXOTP slower to deliver
/// than GateOTP.
#[tokio::test]
async fn accounts_of_one_api_can_be_priced_differently_and_one_api_slower() {
    let sim = sim_with(SimOptions {
        otp_delay: Duration::from_millis(300),
        price_percent: vec![
            ("sim-price-alt".into(), -15),
            ("sim-price-gate-alt".into(), 20),
        ],
        slower: vec![(Api::NexOtp, Duration::from_millis(1500))],
        ..Default::default()
    })
    .await;
    let main = provider(&sim, ProviderKind::NexOtp, "sim-price-main");
    let alt = provider(&sim, ProviderKind::NexOtp, "sim-price-alt");
    let list = |p: SharedProvider| async move {
        p.offers("whatsapp", Some("id"))
            .await
            .expect("offers")
            .into_iter()
            .map(|o| (o.id, o.price.0))
            .collect::<Vec<_>>()
    };
    let (m, a) = (list(main.clone()).await, list(alt.clone()).await);
    assert_eq!(m.len(), a.len());
    for ((mid, mp), (aid, ap)) in m.iter().zip(&a) {
        assert_eq!(mid, aid);
        assert_eq!(*ap, mp * 85 / 100, "{mid}");
        assert!(ap < mp);
    }
    // GateOTP too: quoted, and its price_jual charged, per account.
    let gate_alt = provider(&sim, ProviderKind::GateOtp, "sim-price-gate-alt");
    let gate_main = provider(&sim, ProviderKind::GateOtp, "sim-price-gate-main");
    let gm = whatsapp_id(&gate_main, "price-gate-main-1").await;
    let ga = whatsapp_id(&gate_alt, "price-gate-alt-1").await;
    assert_eq!(ga.offer_id, gm.offer_id);
    assert_eq!(ga.price.0, gm.price.0 * 120 / 100);
    gate_alt.buy(&ga).await.expect("bought at its own price");
    assert_eq!(
        sim.states.gateotp.charges("sim-price-gate-alt")[0].amount,
        ga.price
    );
    let req = whatsapp_id(&alt, "price-alt-1").await;
    let placed = alt.buy(&req).await.expect("bought");
    assert_eq!(placed.price, req.price, "charged what it was quoted");
    let charges = sim.states.nexotp.charges("sim-price-alt");
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0].amount, req.price);
    let gate = provider(&sim, ProviderKind::GateOtp, "sim-price-gate");
    let greq = whatsapp_id(&gate, "price-gate-1").await;
    let gplaced = gate.buy(&greq).await.expect("bought");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let g = gate
        .status(&oref(&gplaced, "price-gate-1"))
        .await
        .expect("status");
    assert!(!g.otps.is_empty(), "GateOTP delivers after otp_delay");
    let n = alt
        .status(&oref(&placed, "price-alt-1"))
        .await
        .expect("status");
    assert!(n.otps.is_empty(), "NEXOTP is slower: {n:?}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let n = alt
        .status(&oref(&placed, "price-alt-1"))
        .await
        .expect("status");
    assert!(!n.otps.is_empty(), "NEXOTP delivers in the end: {n:?}");
}

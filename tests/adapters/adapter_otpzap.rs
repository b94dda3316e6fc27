//! The OTPZap adapter against the built-in simulator over loopback.

use otpdeck::domain::{BuyRequest, Offer, OrderStatus, OrderUpdate, PlacedOrder, ProviderKind};
use otpdeck::money::Rupiah;
use otpdeck::providers::{build, Auth, OrderRef, ProviderError, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::faults::{Api, Fault, FaultRule};
use otpdeck::sim::{start_local, SimHandle, SimOptions};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const KEY: &str = "sim-zap-1";
const INDONESIA: &str = "7";

fn fast_opts() -> SimOptions {
    SimOptions {
        otp_delay: Duration::from_millis(300),
        cancel_cooldown: Duration::from_millis(800),
        ..Default::default()
    }
}

async fn sim_with(opts: SimOptions) -> SimHandle {
    start_local(opts).await.expect("simulator starts")
}

fn settings(sim: &SimHandle, key: &str) -> ProviderSettings {
    let mut s = ProviderSettings::new(
        ProviderKind::OtpZap,
        sim.urls.otpzap.clone(),
        Auth::ApiKey(Secret::new(key)),
    );
    s.http.backoff = Duration::from_millis(20);
    s
}

fn provider(sim: &SimHandle, key: &str) -> SharedProvider {
    build(&settings(sim, key)).expect("adapter builds")
}

fn request(offer: &Offer, idem: &str) -> BuyRequest {
    BuyRequest {
        service_id: offer.service_id.clone(),
        service_name: "WhatsApp".into(),
        country_id: offer.country_id.clone(),
        country_name: None,
        offer_id: offer.id.clone(),
        price: offer.price,
        operator: None,
        idempotency_key: idem.into(),
        customer_number: None,
    }
}

fn oref(p: &PlacedOrder) -> OrderRef {
    OrderRef {
        provider_order_id: p.provider_order_id.clone(),
        idempotency_key: String::new(),
        created_at: None,
        offer_id: None,
        customer_number: None,
    }
}

/// The Server 2 offers (one per S2 service) of a country.
async fn s2_offers(p: &SharedProvider, country: &str) -> Vec<Offer> {
    p.offers("s2", Some(country)).await.expect("S2 offers")
}

fn s2_whatsapp(offers: &[Offer]) -> Offer {
    offers
        .iter()
        .find(|o| o.label == "S2 · WhatsApp")
        .cloned()
        .expect("S2 WhatsApp")
}

/// The service id the catalog gives WhatsApp on Server 1.
async fn whatsapp(p: &SharedProvider) -> String {
    let services = p.services().await.expect("services");
    services
        .iter()
        .find(|s| s.name == "WhatsApp")
        .map(|s| s.id.clone())
        .expect("WhatsApp is listed")
}

async fn wa_offers(p: &SharedProvider) -> Vec<Offer> {
    let wa = whatsapp(p).await;
    p.offers(&wa, Some(INDONESIA)).await.expect("offers")
}

fn cheapest_s1(offers: &[Offer]) -> Offer {
    offers
        .iter()
        .filter(|o| o.id.starts_with("s1:") && o.in_stock())
        .min_by_key(|o| o.price)
        .cloned()
        .expect("an S1 offer in stock")
}

fn never_otp(offers: &[Offer]) -> Offer {
    offers
        .iter()
        .find(|o| o.id == format!("s1:{}", otpdeck::sim::otpzap::NEVER_OTP_PRODUCT))
        .cloned()
        .expect("the never-OTP product is listed")
}

/// Polls until `done` holds, for at most 3 s.
async fn poll_until(
    p: &SharedProvider,
    order: &OrderRef,
    done: impl Fn(&OrderUpdate) -> bool,
) -> OrderUpdate {
    let start = Instant::now();
    loop {
        let u = p.status(order).await.expect("status");
        if done(&u) {
            return u;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "gave up waiting; last update {u:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn codes_of(sim: &SimHandle, order_id: &str) -> Vec<String> {
    sim.states
        .otpzap
        .delivered_otps()
        .into_iter()
        .filter(|(id, _)| id == order_id)
        .map(|(_, c)| c)
        .collect()
}

#[tokio::test]
async fn s1_happy_path_with_resend_and_finish() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    assert!(p.capabilities().replace && p.capabilities().otomax.is_none());
    assert_eq!(p.balance().await.unwrap(), Rupiah(500_000));

    let requests = || sim.states.requests[2].load(Ordering::Relaxed);
    let before = requests();
    let wa = whatsapp(&p).await;
    // S1 services only: Server 2 loads per opened country.
    assert_eq!(requests() - before, 1);
    assert_eq!(wa, "s1:1");
    let before = requests();
    let countries = p.countries(&wa).await.unwrap();
    assert!(requests() - before <= 8, "{} requests", requests() - before);
    let id = countries
        .iter()
        .find(|c| c.id == INDONESIA)
        .expect("Indonesia");
    assert_eq!(id.name, "Indonesia");
    assert_eq!(id.prefix.as_deref(), Some("+62"));
    assert!(countries.iter().any(|c| c.name == "Vietnam")); // S1 only
    assert!(countries.iter().any(|c| c.stock.is_some_and(|s| s > 0)));

    let offers = p.offers(&wa, Some(INDONESIA)).await.unwrap();
    assert!(offers.iter().all(|o| o.id.starts_with("s1:")));
    assert!(offers.windows(2).all(|w| w[0].price <= w[1].price));

    let offer = cheapest_s1(&offers);
    assert_eq!(offer.price, Rupiah(3_500));
    let placed = p.buy(&request(&offer, "happy-1")).await.unwrap();
    assert_eq!(placed.status, OrderStatus::Waiting);
    assert!(placed.number.starts_with("62812"), "{}", placed.number);
    assert_eq!(placed.price, Rupiah(3_500));
    assert!(placed.expires_at.is_some());
    assert_eq!(p.balance().await.unwrap(), Rupiah(496_500));
    assert_eq!(sim.states.otpzap.balance(KEY), Some(Rupiah(496_500)));

    let order = oref(&placed);
    let first = poll_until(&p, &order, |u| !u.otps.is_empty()).await;
    assert_eq!(first.status, Some(OrderStatus::OtpReceived));
    assert_eq!(first.otps, codes_of(&sim, &placed.provider_order_id));
    assert_eq!(first.resend_locked_until, None);
    assert_eq!(first.resend_count, Some(0));

    p.resend(&order).await.unwrap();
    let again = p.resend(&order).await.unwrap_err();
    assert!(
        matches!(again, ProviderError::RateLimited { retry_after: Some(d), .. } if d > Duration::ZERO),
        "{again:?}"
    );
    let locked = p.status(&order).await.unwrap();
    let until = locked
        .resend_locked_until
        .expect("locked while the new OTP is due");
    assert_eq!(locked.resend_count, Some(1), "resend_count is read");
    let now = chrono::Utc::now();
    assert!(
        until > now - chrono::Duration::seconds(2) && until < now + chrono::Duration::seconds(3)
    );

    let second = poll_until(&p, &order, |u| u.otps.len() == 2).await;
    assert_eq!(second.otps[0], first.otps[0]);
    assert_eq!(second.otps, codes_of(&sim, &placed.provider_order_id));
    assert_eq!(second.resend_locked_until, None);

    p.finish(&order).await.unwrap();
    let done = p.status(&order).await.unwrap();
    assert_eq!(done.status, Some(OrderStatus::Finished));
    assert_eq!(done.otps.len(), 2);
}

#[tokio::test]
async fn s2_buy_with_operator_and_special() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let s2 = s2_whatsapp(&s2_offers(&p, INDONESIA).await);
    let mut req = request(&s2, "s2-1");
    req.operator = Some("telkomsel".into());
    let placed = p.buy(&req).await.unwrap();
    assert_eq!(placed.price, s2.price);
    assert_eq!(
        sim.states
            .otpzap
            .order_operator(KEY, &placed.provider_order_id)
            .as_deref(),
        Some("telkomsel"),
        "the order carries the chosen operator"
    );
    assert_eq!(
        sim.states.otpzap.balance(KEY),
        Some(Rupiah(500_000) - s2.price)
    );
    let u = poll_until(&p, &oref(&placed), |u| !u.otps.is_empty()).await;
    // Server 2 goes pending → success when the OTP arrives.
    assert_eq!(u.status, Some(OrderStatus::Finished));
    assert_eq!(u.otps, codes_of(&sim, &placed.provider_order_id));

    // An operator the country does not have is refused by the API.
    let mut bad = request(&s2, "s2-2");
    bad.operator = Some("vodafone".into());
    assert!(matches!(
        p.buy(&bad).await,
        Err(ProviderError::Rejected { status: 400, .. })
    ));

    // Special services: their own branch, under a synthetic country.
    let services = p.services().await.unwrap();
    let special = services
        .iter()
        .find(|s| s.id == "sp")
        .expect("the special services branch");
    let countries = p.countries(&special.id).await.unwrap();
    assert_eq!(countries.len(), 1);
    assert_eq!(countries[0].id, "special");
    let sp_offers = p.offers(&special.id, Some("special")).await.unwrap();
    let sp_wa = sp_offers
        .iter()
        .find(|o| o.label.contains("WhatsApp"))
        .expect("a WhatsApp special");
    assert!(sp_offers.iter().all(|o| o.id.starts_with("sp:")));
    assert_eq!(sp_wa.price, Rupiah(15_000));
    let placed = p.buy(&request(sp_wa, "sp-1")).await.unwrap();
    assert_eq!(placed.price, Rupiah(15_000));
    assert_eq!(sim.states.otpzap.orders_charged(KEY), 2);
}

#[tokio::test]
async fn replace_s1_keeps_the_balance() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let offers = wa_offers(&p).await;
    let slow = never_otp(&offers);
    let placed = p.buy(&request(&slow, "rep-1")).await.unwrap();
    let before = sim.states.otpzap.balance(KEY).unwrap();
    assert_eq!(before, Rupiah(500_000) - slow.price);

    let fresh = p.replace(&oref(&placed)).await.unwrap();
    assert_ne!(fresh.provider_order_id, placed.provider_order_id);
    assert_ne!(fresh.number, placed.number);
    assert_eq!(fresh.price, placed.price);
    assert_eq!(fresh.status, OrderStatus::Waiting);
    assert_eq!(sim.states.otpzap.balance(KEY), Some(before));
    assert_eq!(sim.states.otpzap.orders_charged(KEY), 2);
    let old = p.status(&oref(&placed)).await.unwrap();
    assert_eq!(old.status, Some(OrderStatus::Cancelled));

    // Server 2 orders cannot be replaced.
    let s2 = s2_whatsapp(&s2_offers(&p, INDONESIA).await);
    let s2_order = p.buy(&request(&s2, "rep-2")).await.unwrap();
    assert!(matches!(
        p.replace(&oref(&s2_order)).await,
        Err(ProviderError::Rejected { status: 400, .. })
    ));
}

#[tokio::test]
async fn cancel_cooldown_then_refund_and_conflict_after_otp() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let offers = wa_offers(&p).await;
    let slow = never_otp(&offers);
    let placed = p.buy(&request(&slow, "can-1")).await.unwrap();
    let started = Instant::now();
    let order = oref(&placed);

    let err = p.cancel(&order).await.unwrap_err();
    match &err {
        ProviderError::RateLimited { retry_after, .. } => {
            assert!(retry_after.is_some_and(|d| d > Duration::ZERO), "{err:?}")
        }
        other => panic!("expected a cooldown, got {other:?}"),
    }
    assert_eq!(
        sim.states.otpzap.balance(KEY),
        Some(Rupiah(500_000) - slow.price)
    );

    tokio::time::sleep(Duration::from_millis(850).saturating_sub(started.elapsed())).await;
    let out = p.cancel(&order).await.unwrap();
    assert_eq!(out.refunded, Some(slow.price));
    assert_eq!(sim.states.otpzap.balance(KEY), Some(Rupiah(500_000)));
    let u = p.status(&order).await.unwrap();
    assert_eq!(u.status, Some(OrderStatus::Cancelled));
    // Not pending any more.
    assert!(matches!(
        p.cancel(&order).await,
        Err(ProviderError::Conflict(_))
    ));

    let normal = p
        .buy(&request(&cheapest_s1(&offers), "can-2"))
        .await
        .unwrap();
    let o2 = oref(&normal);
    poll_until(&p, &o2, |u| !u.otps.is_empty()).await;
    let err = p.cancel(&o2).await.unwrap_err();
    assert!(matches!(err, ProviderError::Conflict(_)), "{err:?}");
}

#[tokio::test]
async fn pending_orders_fail_and_refund_after_their_lifetime() {
    let sim = sim_with(SimOptions {
        order_lifetime: Duration::from_millis(500),
        ..fast_opts()
    })
    .await;
    let p = provider(&sim, KEY);
    let slow = never_otp(&wa_offers(&p).await);
    let placed = p.buy(&request(&slow, "exp-1")).await.unwrap();
    let u = poll_until(&p, &oref(&placed), |u| {
        u.status.is_some_and(|s| s.is_final())
    })
    .await;
    assert_eq!(u.status, Some(OrderStatus::Failed));
    assert!(u.otps.is_empty());
    assert!(u.message.is_some());
    assert_eq!(p.balance().await.unwrap(), Rupiah(500_000));
}

#[tokio::test]
async fn bad_key_is_refused_without_echoing_it() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, "bad-key");
    let err = p.balance().await.unwrap_err();
    assert!(matches!(err, ProviderError::Unauthorized(_)), "{err:?}");
    assert!(!err.to_string().contains("bad-key"));
    assert!(!format!("{err:?}").contains("bad-key"));
}

#[tokio::test]
async fn insufficient_balance_is_typed() {
    let sim = sim_with(SimOptions {
        initial_balance: Rupiah(500),
        ..fast_opts()
    })
    .await;
    let p = provider(&sim, KEY);
    let offer = cheapest_s1(&wa_offers(&p).await);
    let err = p.buy(&request(&offer, "poor-1")).await.unwrap_err();
    assert!(
        matches!(err, ProviderError::InsufficientBalance(_)),
        "{err:?}"
    );
    assert_eq!(sim.states.otpzap.balance(KEY), Some(Rupiah(500)));
    assert_eq!(sim.states.otpzap.orders_charged(KEY), 0);
}

#[tokio::test]
async fn idempotency_key_replays_and_conflicts() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let offers = wa_offers(&p).await;
    let a = cheapest_s1(&offers);
    let first = p.buy(&request(&a, "idem-1")).await.unwrap();
    let replay = p.buy(&request(&a, "idem-1")).await.unwrap();
    assert_eq!(replay.provider_order_id, first.provider_order_id);
    assert_eq!(replay.number, first.number);
    assert_eq!(sim.states.otpzap.orders_charged(KEY), 1);
    assert_eq!(
        sim.states.otpzap.balance(KEY),
        Some(Rupiah(500_000) - a.price)
    );

    let b = never_otp(&offers);
    let err = p.buy(&request(&b, "idem-1")).await.unwrap_err();
    assert!(matches!(err, ProviderError::Conflict(_)), "{err:?}");
    assert_eq!(sim.states.otpzap.orders_charged(KEY), 1);
}

#[tokio::test]
async fn rate_limits_are_retried_or_reported() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/balance",
        Fault::RateLimit(1),
    ));
    assert_eq!(p.balance().await.unwrap(), Rupiah(500_000));
    assert_eq!(sim.states.faults.injected(), 1);

    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/balance",
        Fault::RateLimit(60),
    ));
    let err = p.balance().await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)), "{err:?}");
}

#[tokio::test]
async fn unavailable_buy_charges_nothing() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let offer = cheapest_s1(&wa_offers(&p).await);
    sim.states.faults.push(FaultRule::random(
        Some(Api::OtpZap),
        Some("/order/create"),
        Fault::Status(503),
        1.0,
    ));
    let err = p.buy(&request(&offer, "down-1")).await.unwrap_err();
    sim.states.faults.clear();
    assert!(
        matches!(err, ProviderError::Unavailable { status: 503, .. }),
        "{err:?}"
    );
    // OTPZap documents no 503: the buy may have been made behind a
    // gateway that gave up, so the spending table calls it unclear (the
    // simulator did nothing here, which the client cannot know).
    assert!(err.unclear_for(
        otpdeck::domain::spending::SpendingCall::SmsBuy(ProviderKind::OtpZap),
        false
    ));
    assert_eq!(sim.states.otpzap.orders_charged(KEY), 0);
    assert_eq!(sim.states.otpzap.balance(KEY), Some(Rupiah(500_000)));
}

#[tokio::test]
async fn malformed_and_weird_replies_are_errors() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let offer = cheapest_s1(&wa_offers(&p).await);
    let placed = p.buy(&request(&offer, "mal-1")).await.unwrap();
    let order = oref(&placed);
    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/order/check",
        Fault::Malformed,
    ));
    let err = p.status(&order).await.unwrap_err();
    assert!(matches!(err, ProviderError::Malformed(_)), "{err:?}");

    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/order/check",
        Fault::WeirdStatus,
    ));
    let err = p.status(&order).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Malformed(m) if m.contains("quantum_flux")),
        "{err:?}"
    );
    // And the next poll is fine again.
    assert!(p.status(&order).await.is_ok());
}

#[tokio::test]
async fn slow_replies_time_out() {
    let sim = sim_with(fast_opts()).await;
    let mut s = settings(&sim, KEY);
    s.http.request_timeout = Duration::from_millis(300);
    s.http.max_attempts = 1;
    let p = build(&s).unwrap();
    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/balance",
        Fault::Slow(Duration::from_secs(2)),
    ));
    let started = Instant::now();
    let err = p.balance().await.unwrap_err();
    assert_eq!(err, ProviderError::Timeout);
    assert!(started.elapsed() < Duration::from_millis(1500));
}

#[tokio::test]
async fn lost_buy_reply_is_ambiguous_and_the_same_key_recovers_it() {
    let sim = sim_with(fast_opts()).await;
    let mut s = settings(&sim, KEY);
    // One attempt, so the lost reply reaches us instead of being retried.
    s.http.max_attempts = 1;
    let p = build(&s).unwrap();
    let offer = cheapest_s1(&wa_offers(&p).await);
    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/order/create",
        Fault::LoseReply,
    ));
    let err = p.buy(&request(&offer, "lost-1")).await.unwrap_err();
    assert!(err.is_ambiguous(), "{err:?}");
    assert_eq!(sim.states.otpzap.orders_charged(KEY), 1);

    let again = p.buy(&request(&offer, "lost-1")).await.unwrap();
    assert_eq!(sim.states.otpzap.orders_charged(KEY), 1);
    assert_eq!(
        sim.states.otpzap.balance(KEY),
        Some(Rupiah(500_000) - offer.price)
    );
    let u = p.status(&oref(&again)).await.unwrap();
    assert_eq!(u.number.as_deref(), Some(again.number.as_str()));

    // With the default policy the adapter itself retries the create with
    // the same key, and still only one order is charged.
    let p = provider(&sim, "sim-zap-2");
    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/order/create",
        Fault::LoseReply,
    ));
    let placed = p.buy(&request(&offer, "lost-2")).await.unwrap();
    assert_eq!(sim.states.otpzap.orders_charged("sim-zap-2"), 1);
    assert!(!placed.provider_order_id.is_empty());
}

#[tokio::test]
async fn unknown_orders_are_not_found_and_keys_do_not_share_orders() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let missing = OrderRef {
        provider_order_id: "999999".into(),
        idempotency_key: String::new(),
        created_at: None,
        offer_id: None,
        customer_number: None,
    };
    assert!(matches!(
        p.status(&missing).await,
        Err(ProviderError::NotFound(_))
    ));
    let offer = cheapest_s1(&wa_offers(&p).await);
    let placed = p.buy(&request(&offer, "mine-1")).await.unwrap();
    let other = provider(&sim, "sim-zap-other");
    assert!(matches!(
        other.status(&oref(&placed)).await,
        Err(ProviderError::NotFound(_))
    ));
    assert_eq!(
        sim.states.otpzap.balance("sim-zap-other"),
        Some(Rupiah(500_000))
    );
}

#[tokio::test]
async fn opening_an_s2_country_sends_one_services_request() {
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let zap = &sim.states.otpzap;
    let services = p.services().await.unwrap();
    assert!(services.iter().any(|s| s.id == "s2"));
    assert_eq!(zap.requests_to("S2Services"), 0, "services list fans out");

    let countries = p.countries("s2").await.unwrap();
    assert!(countries.len() > 1, "{countries:?}");
    assert_eq!(zap.requests_to("S2Countries"), 1);
    assert_eq!(zap.requests_to("S2Services"), 0, "countries fan out");

    let offers = s2_offers(&p, INDONESIA).await;
    assert_eq!(
        zap.requests_to("S2Services"),
        1,
        "one request per opened country"
    );
    assert_eq!(zap.requests_to("S2Operators"), 1);
    assert!(offers.len() > 3);
    let wa = s2_whatsapp(&offers);
    assert_eq!(wa.operators[0].id, "any", "{:?}", wa.operators);
    assert!(wa.operators.iter().any(|o| o.id == "telkomsel"));

    // A 429 on one country's services fails that country only.
    sim.states.faults.push(FaultRule::random(
        Some(Api::OtpZap),
        Some("/s2/services"),
        Fault::Status(429),
        1.0,
    ));
    assert!(p.offers("s2", Some("6")).await.is_err());
    assert!(!p.countries("s2").await.unwrap().is_empty());
    sim.states.faults.clear();
    assert!(!s2_offers(&p, "6").await.is_empty());

    // The order carries the chosen operator; none chosen sends "any".
    let mut req = request(&wa, "op-1");
    req.operator = Some(wa.operators[2].id.clone());
    let placed = p.buy(&req).await.unwrap();
    assert_eq!(
        zap.order_operator(KEY, &placed.provider_order_id),
        Some(wa.operators[2].id.clone())
    );
    let placed = p.buy(&request(&wa, "op-2")).await.unwrap();
    assert_eq!(
        zap.order_operator(KEY, &placed.provider_order_id)
            .as_deref(),
        Some("any")
    );
}

#[tokio::test]
async fn webhook_settings_patch_and_the_secret_once() {
    use otpdeck::domain::webhook::WebhookChange;
    let sim = sim_with(fast_opts()).await;
    let p = provider(&sim, KEY);
    let hooks = p.webhooks().expect("OTPZap has webhook settings");
    assert_eq!(hooks.get_webhook().await.unwrap().url, None);
    let change = WebhookChange {
        url: Some("https://hooks.example.com/zap".into()),
        events: Some(vec!["*".into()]),
        is_active: None,
    };
    let saved = hooks.update_webhook(&change).await.unwrap();
    let secret = saved.secret.expect("secret on first set");
    assert_eq!(
        Some(secret.expose().to_string()),
        sim.states.otpzap.webhook_secret(KEY),
        "the secret shown is the one the API signs with"
    );
    assert_eq!(format!("{secret:?}"), "Secret(***)");
    assert!(saved.config.is_active, "is_active defaults to true");
    let pause = WebhookChange {
        is_active: Some(false),
        ..Default::default()
    };
    let saved = hooks.update_webhook(&pause).await.unwrap();
    assert!(saved.secret.is_none(), "not shown again");
    let got = hooks.get_webhook().await.unwrap();
    assert_eq!(got.url.as_deref(), Some("https://hooks.example.com/zap"));
    assert_eq!(got.events, ["*"]);
    assert!(!got.is_active);
    assert_eq!(
        sim.states.otpzap.webhook_secret(KEY).as_deref(),
        Some(secret.expose())
    );
    // The API's 422 (an unknown event) is a refusal with its message.
    let bad = WebhookChange {
        events: Some(vec!["order.paid".into()]),
        ..Default::default()
    };
    match hooks.update_webhook(&bad).await {
        Err(ProviderError::Rejected {
            status: 422,
            message,
        }) => {
            assert!(message.contains("Invalid event"), "{message}")
        }
        other => panic!("expected 422, got {other:?}"),
    }
}

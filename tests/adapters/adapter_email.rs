//! OTPZap Server 3 (email OTP): the adapter against the simulator, and the
//! engine's buy / poll / ops on email orders with the journal.

use otpdeck::domain::email::{EmailSpec, EMAIL_SERVICE_ID};
use otpdeck::domain::{BuyRequest, Offer, OrderOp, OrderStatus, ProviderKind};
use otpdeck::engine::journal::Journal;
use otpdeck::engine::orders::{self, EngineError};
use otpdeck::money::Rupiah;
use otpdeck::providers::{build, Auth, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::faults::{Api, Fault, FaultRule};
use otpdeck::sim::{start_local, SimHandle, SimOptions};
use std::time::{Duration, Instant};

const KEY: &str = "sim-mail-1";

async fn sim(otp_delay_ms: u64, window_ms: u64) -> SimHandle {
    start_local(SimOptions {
        otp_delay: Duration::from_millis(otp_delay_ms),
        order_lifetime: Duration::from_millis(window_ms),
        ..Default::default()
    })
    .await
    .expect("simulator starts")
}

fn provider(sim: &SimHandle) -> SharedProvider {
    let mut s = ProviderSettings::new(
        ProviderKind::OtpZap,
        sim.urls.otpzap.clone(),
        Auth::ApiKey(Secret::new(KEY)),
    );
    s.http.backoff = Duration::from_millis(20);
    build(&s).expect("adapter builds")
}

fn request(offer: &Offer, key: &str) -> BuyRequest {
    BuyRequest {
        service_id: EMAIL_SERVICE_ID.into(),
        service_name: "Email OTP".into(),
        country_id: offer.country_id.clone(),
        country_name: offer.country_id.clone(),
        offer_id: offer.id.clone(),
        price: offer.price,
        operator: None,
        idempotency_key: key.into(),
        customer_number: None,
    }
}

async fn domain_offer(p: &SharedProvider, site: &str, domain: &str) -> Offer {
    p.offers(EMAIL_SERVICE_ID, Some(site))
        .await
        .expect("domains")
        .into_iter()
        .find(|o| EmailSpec::parse(&o.id).is_some_and(|s| s.domains == vec![domain.to_string()]))
        .expect("domain listed")
}

async fn poll_until(
    p: &SharedProvider,
    j: &Journal,
    id: i64,
    done: impl Fn(&otpdeck::domain::Order) -> bool,
) -> otpdeck::domain::Order {
    let start = Instant::now();
    loop {
        let o = j.order(id).expect("read").expect("row");
        let c = orders::poll(p.as_ref(), j, &o).await.expect("poll");
        if done(&c.order) {
            return c.order;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "gave up: {:?}",
            c.order
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_email_branch_lists_sites_and_domains_with_fee() {
    let sim = sim(200, 60_000).await;
    let p = provider(&sim);
    let services = p.services().await.expect("services");
    assert!(services.iter().any(|s| s.id == EMAIL_SERVICE_ID));
    let sites = p.countries(EMAIL_SERVICE_ID).await.expect("sites");
    assert!(sites.iter().any(|s| s.id == "openai.com"));
    let offers = p
        .offers(EMAIL_SERVICE_ID, Some("openai.com"))
        .await
        .expect("domains");
    let gmail = offers
        .iter()
        .find(|o| o.label.contains("gmail.com"))
        .expect("gmail");
    assert_eq!(gmail.price, Rupiah(3000));
    assert_eq!(gmail.stock, Some(25));
    assert_eq!(gmail.success_rate, Some(91.5));
    assert!(gmail.label.contains("fee Rp 500"), "{}", gmail.label);
    assert_eq!(EmailSpec::parse(&gmail.id).and_then(|s| s.fee), Some(500));
    // Any typed site works (suggestions are only suggestions).
    let other = p
        .offers(EMAIL_SERVICE_ID, Some("https://Example.org/"))
        .await
        .expect("any site");
    assert!(!other.is_empty());
    assert!(p.offers(EMAIL_SERVICE_ID, Some("")).await.is_err());
}

#[tokio::test]
async fn buy_receive_reorder_finish_without_a_second_charge() {
    let sim = sim(200, 60_000).await;
    let p = provider(&sim);
    let j = Journal::open_in_memory().expect("journal");
    let offer = domain_offer(&p, "openai.com", "gmail.com").await;
    let placed = orders::buy(p.as_ref(), &j, "zap", &request(&offer, "mail-k1"))
        .await
        .expect("bought")
        .order;
    assert!(placed
        .number
        .as_deref()
        .is_some_and(|n| n.ends_with("@gmail.com")));
    assert!(placed
        .provider_order_id
        .as_deref()
        .is_some_and(|r| r.starts_with("APIE-3-")));
    assert_eq!(placed.status, OrderStatus::Waiting);
    let first_expiry = placed.expires_at.expect("window");
    assert_eq!(sim.states.otpzap.balance(KEY), Some(Rupiah(500_000 - 3000)));

    let got = poll_until(&p, &j, placed.id, |o| !o.otps.is_empty()).await;
    assert_eq!(got.status, OrderStatus::OtpReceived);
    let delivered = sim.states.otpzap.delivered_otps();
    assert_eq!(got.otps[0], delivered.last().expect("delivered").1);
    assert_eq!(j.email_messages(placed.id).expect("msgs").len(), 1);
    assert!(
        got.expires_at.expect("expiry") > first_expiry,
        "a message extends the session"
    );

    // Reorder: a second message on the same inbox, no second charge. (A
    // pause first, so the restarted window is measurably later: the journal
    // takes an expiry that moved by under 2 s as no news.)
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let done = orders::run_op(OrderOp::Resend, p.as_ref(), &j, &got)
        .await
        .expect("reorder");
    assert_eq!(done.order.number, got.number);
    // The reorder restarts the window at 20 minutes from now.
    let after = poll_until(&p, &j, placed.id, |_| true).await;
    assert!(after.expires_at > got.expires_at, "{after:?}");
    let two = poll_until(&p, &j, placed.id, |o| o.otps.len() == 2).await;
    assert_ne!(two.otps[0], two.otps[1]);
    let msgs = j.email_messages(placed.id).expect("msgs");
    assert_eq!(msgs.len(), 2);
    assert!(msgs[1].subject.contains("openai.com"));
    assert_eq!(sim.states.otpzap.charges(KEY).len(), 1);
    assert_eq!(sim.states.otpzap.balance(KEY), Some(Rupiah(500_000 - 3000)));

    // Cancel after a message is refused; finish closes it.
    let err = orders::run_op(OrderOp::Cancel, p.as_ref(), &j, &two)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("409") || err.to_string().to_lowercase().contains("cancel"),
        "{err}"
    );
    let fin = orders::run_op(OrderOp::Finish, p.as_ref(), &j, &two)
        .await
        .expect("finish");
    assert_eq!(fin.order.status, OrderStatus::Finished);
}

#[tokio::test]
async fn cancel_before_mail_refunds_price_less_fee() {
    let sim = sim(60_000, 120_000).await;
    let p = provider(&sim);
    let j = Journal::open_in_memory().expect("journal");
    let offer = domain_offer(&p, "openai.com", "gmail.com").await;
    let o = orders::buy(p.as_ref(), &j, "zap", &request(&offer, "mail-c1"))
        .await
        .expect("bought")
        .order;
    // No two-minute wait on email orders: cancel at once.
    let done = orders::run_op(OrderOp::Cancel, p.as_ref(), &j, &o)
        .await
        .expect("cancel");
    assert_eq!(done.order.status, OrderStatus::Cancelled);
    assert_eq!(done.order.refunded, Some(Rupiah(2500)));
    assert_eq!(sim.states.otpzap.balance(KEY), Some(Rupiah(500_000 - 500)));
}

#[tokio::test]
async fn a_site_that_never_mails_expires_and_is_refunded() {
    let sim = sim(100, 600).await;
    let p = provider(&sim);
    let j = Journal::open_in_memory().expect("journal");
    let offer = p
        .offers(
            EMAIL_SERVICE_ID,
            Some(otpdeck::sim::otpzap::NEVER_MAIL_SITE),
        )
        .await
        .expect("domains")
        .remove(0);
    let o = orders::buy(p.as_ref(), &j, "zap", &request(&offer, "mail-n1"))
        .await
        .expect("bought")
        .order;
    let end = poll_until(&p, &j, o.id, |o| o.status.is_final()).await;
    assert_eq!(end.status, OrderStatus::Expired);
    assert!(end.otps.is_empty());
    assert_eq!(sim.states.otpzap.balance(KEY), Some(Rupiah(500_000)));
}

#[tokio::test]
async fn aggregator_mode_and_filters_reach_the_api() {
    let sim = sim(100, 60_000).await;
    let p = provider(&sim);
    let j = Journal::open_in_memory().expect("journal");
    let spec = EmailSpec {
        site: "discord.com".into(),
        domains: vec!["gmail.com".into(), "mailzap.id".into()],
        subject: Some("verify".into()),
        regex: Some(r"\d{6}".into()),
        fee: None,
    };
    let req = BuyRequest {
        offer_id: spec.offer_id(),
        price: Rupiah(2000),
        ..request(
            &domain_offer(&p, "discord.com", "gmail.com").await,
            "mail-a1",
        )
    };
    let o = orders::buy(p.as_ref(), &j, "zap", &req)
        .await
        .expect("bought")
        .order;
    // The simulator picks the cheapest asked domain; the journal keeps the
    // price the reply names.
    assert!(
        o.number
            .as_deref()
            .is_some_and(|n| n.ends_with("@mailzap.id")),
        "{o:?}"
    );
    assert_eq!(o.price, Rupiah(900));
}

#[tokio::test]
async fn a_lost_create_reply_stays_unknown_and_is_never_resent() {
    let sim = sim(100, 60_000).await;
    let p = provider(&sim);
    let j = Journal::open_in_memory().expect("journal");
    let offer = domain_offer(&p, "openai.com", "gmail.com").await;
    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/order/email-create",
        Fault::LoseReply,
    ));
    let req = request(&offer, "mail-lost");
    let err = orders::buy(p.as_ref(), &j, "zap", &req).await.unwrap_err();
    let EngineError::Ambiguous { order, .. } = err else {
        panic!("expected an unclear buy, got {err}");
    };
    assert_eq!(order.status, OrderStatus::Unknown);
    assert_eq!(order.price, Rupiah(3000));
    // The same key again is refused, not re-sent; so is a start-up replay.
    let again = orders::buy(p.as_ref(), &j, "zap", &req).await.unwrap_err();
    assert!(matches!(again, EngineError::Ambiguous { .. }), "{again}");
    let still = orders::reconcile_unknown(p.as_ref(), &j, "zap")
        .await
        .expect("reconcile");
    assert!(still.iter().any(|o| o.idempotency_key == "mail-lost"));
    assert_eq!(
        sim.states.otpzap.email_orders(KEY),
        1,
        "one create reached the API"
    );
    assert_eq!(sim.states.otpzap.charges(KEY).len(), 1);
}

#[tokio::test]
async fn an_email_order_resumes_from_the_journal_after_a_restart() {
    let sim = sim(300, 60_000).await;
    let p = provider(&sim);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("journal.sqlite3");
    let id = {
        let j = Journal::open(&path).expect("journal");
        let offer = domain_offer(&p, "discord.com", "gmail.com").await;
        orders::buy(p.as_ref(), &j, "zap", &request(&offer, "mail-r1"))
            .await
            .expect("bought")
            .order
            .id
    };
    // A new process: the journal alone says what to poll.
    let j = Journal::open(&path).expect("reopens");
    let active = j
        .orders(&otpdeck::engine::journal::OrderFilter {
            account: Some("zap".into()),
            active_only: true,
            limit: None,
        })
        .expect("orders");
    assert!(active.iter().any(|o| o.id == id && orders::pollable(o)));
    let got = poll_until(&p, &j, id, |o| !o.otps.is_empty()).await;
    assert_eq!(got.status, OrderStatus::OtpReceived);
    drop(j);
    let j = Journal::open(&path).expect("reopens again");
    let msgs = j.email_messages(id).expect("messages");
    assert_eq!(msgs.len(), 1, "the message was journaled once");
    assert_eq!(msgs[0].otp.as_deref(), got.otps.first().map(String::as_str));
}

/// The dashboard loads a level through the paged call: a site's domains
/// must come that way too (they once failed as "not an OTPZap service").
#[tokio::test]
async fn the_paged_listing_the_dashboard_uses_gives_a_sites_domains() {
    let sim = sim(50, 60_000).await;
    let p = provider(&sim);
    let whole = p
        .offers(EMAIL_SERVICE_ID, Some("openai.com"))
        .await
        .expect("domains");
    let (first, more) = p
        .offers_page(EMAIL_SERVICE_ID, Some("openai.com"), 1)
        .await
        .expect("page 1 of the domains");
    assert!(!first.is_empty());
    assert_eq!(
        first.iter().map(|o| &o.id).collect::<Vec<_>>(),
        whole.iter().map(|o| &o.id).collect::<Vec<_>>()
    );
    assert!(!more, "one page");
}

//! The order flows against the simulator: lost replies, replays, replaces,
//! crashes between a buy and its reply.

use super::*;
use crate::domain::{BuyRequest, Order, OrderStatus, ProviderKind};
use crate::engine::journal::{Journal, NewOrder, OrderFilter};
use crate::providers::{self, Auth, HttpPolicy, ProviderSettings, SharedProvider};
use crate::secret::Secret;
use crate::sim::faults::{Api, Fault, FaultRule};
use crate::sim::{self, SimBooks, SimHandle, SimOptions};
use chrono::Utc;
use std::time::Duration;

async fn sim_with(otp_delay: Duration) -> SimHandle {
    sim::start_local(SimOptions {
        otp_delay,
        ..Default::default()
    })
    .await
    .expect("sim starts")
}

/// One attempt per request, so an injected fault reaches the engine.
fn provider(base_url: String, kind: ProviderKind, key: &str) -> SharedProvider {
    let mut s = ProviderSettings::new(kind, base_url, Auth::ApiKey(Secret::new(key)));
    s.http = HttpPolicy {
        connect_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(2),
        max_attempts: 1,
        max_retry_wait: Duration::from_secs(1),
        backoff: Duration::from_millis(20),
    };
    providers::build(&s).expect("adapter")
}

/// The cheapest in-stock WhatsApp offer in Indonesia that `keep` allows.
async fn request(p: &SharedProvider, key: &str, keep: impl Fn(&str) -> bool) -> BuyRequest {
    let services = p.services().await.expect("services");
    let svc = services
        .iter()
        .find(|s| s.name == "WhatsApp")
        .expect("WhatsApp");
    let countries = p.countries(&svc.id).await.expect("countries");
    let c = countries
        .iter()
        .find(|c| c.name == "Indonesia")
        .expect("Indonesia");
    let offers = p.offers(&svc.id, Some(&c.id)).await.expect("offers");
    let o = offers
        .iter()
        .filter(|o| o.in_stock() && keep(&o.id))
        .min_by_key(|o| o.price)
        .expect("an offer in stock");
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

fn only(journal: &Journal, account: &str) -> Order {
    let mut all = journal
        .orders(&OrderFilter {
            account: Some(account.into()),
            ..Default::default()
        })
        .expect("orders");
    assert_eq!(all.len(), 1, "one order journaled");
    all.remove(0)
}

/// A URL where nothing listens: connecting fails at once.
async fn dead_url() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    drop(l);
    format!("http://{addr}/nexotp")
}

#[tokio::test]
async fn unsettled_replays_keep_the_order_unknown_until_a_clean_one() {
    let sim = sim_with(Duration::from_millis(200)).await;
    let key = "sim-replay-1";
    let p = provider(sim.urls.nexotp.clone(), ProviderKind::NexOtp, key);
    let offline = provider(dead_url().await, ProviderKind::NexOtp, key);
    let journal = Journal::open_in_memory().expect("journal");
    let req = request(&p, "replay-k1", |_| true).await;
    let start = p.balance().await.expect("balance");
    let faults = &sim.states.faults;

    // The buy goes through but its reply is lost.
    faults.push(FaultRule::once(
        Api::NexOtp,
        "/api/v1/order",
        Fault::LoseReply,
    ));
    let e = buy(p.as_ref(), &journal, "nex", &req).await.unwrap_err();
    assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
    assert_eq!(only(&journal, "nex").status, OrderStatus::Unknown);
    assert_eq!(sim.states.nexotp.orders_charged(key), 1);

    // Reconciling offline: could not connect.
    let still = reconcile_unknown(offline.as_ref(), &journal, "nex")
        .await
        .expect("reconcile");
    assert_eq!(still.len(), 1);
    assert_eq!(still[0].status, OrderStatus::Unknown);
    // Rate-limited, then unavailable: answers about the replay only.
    for fault in [Fault::RateLimit(1), Fault::Status(503)] {
        faults.push(FaultRule::once(Api::NexOtp, "/api/v1/order", fault.clone()));
        let still = reconcile_unknown(p.as_ref(), &journal, "nex")
            .await
            .expect("reconcile");
        assert_eq!(still.len(), 1, "{fault:?}");
        let o = only(&journal, "nex");
        assert_eq!(o.status, OrderStatus::Unknown, "{fault:?}");
        assert!(o.provider_order_id.is_none());
    }
    // The same through a direct retry of the buy.
    faults.push(FaultRule::once(
        Api::NexOtp,
        "/api/v1/order",
        Fault::Status(503),
    ));
    let e = buy(p.as_ref(), &journal, "nex", &req).await.unwrap_err();
    assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
    assert_eq!(only(&journal, "nex").status, OrderStatus::Unknown);
    assert_eq!(faults.injected(), 4);

    // A clean replay finds the order the first try placed.
    let still = reconcile_unknown(p.as_ref(), &journal, "nex")
        .await
        .expect("reconcile");
    assert!(still.is_empty());
    let o = only(&journal, "nex");
    assert!(o.provider_order_id.is_some());
    assert_eq!(o.status, OrderStatus::Waiting);
    assert_eq!(sim.states.nexotp.orders_charged(key), 1, "charged once");
    assert_eq!(
        sim.states.nexotp.balance(key),
        Some(start - o.price),
        "to the rupiah"
    );
    let kinds: Vec<String> = journal
        .events(o.id)
        .expect("events")
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert!(!kinds.iter().any(|k| k == "buy_failed"), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| *k == "replay_unsettled").count(),
        4,
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_fresh_buy_refused_outright_is_failed() {
    let sim = sim_with(Duration::from_millis(200)).await;
    let p = provider(sim.urls.nexotp.clone(), ProviderKind::NexOtp, "sim-fresh-1");
    let journal = Journal::open_in_memory().expect("journal");
    let req = request(&p, "fresh-k1", |_| true).await;
    sim.states.faults.push(FaultRule::once(
        Api::NexOtp,
        "/api/v1/order",
        Fault::Status(503),
    ));
    let e = buy(p.as_ref(), &journal, "nex", &req).await.unwrap_err();
    assert!(matches!(e, EngineError::Provider(_)), "{e}");
    assert_eq!(only(&journal, "nex").status, OrderStatus::Failed);
    assert_eq!(sim.states.nexotp.orders_charged("sim-fresh-1"), 0);
}

#[tokio::test]
async fn run_op_replaces_cancels_and_refuses_what_the_api_lacks() {
    use crate::domain::OrderOp;
    let sim = sim_with(Duration::from_secs(60)).await;
    let key = "sim-run-op-1";
    let p = provider(sim.urls.otpzap.clone(), ProviderKind::OtpZap, key);
    let journal = Journal::open_in_memory().expect("journal");
    let req = request(&p, "op-k1", |id| id.starts_with("s1:")).await;
    let old = buy(p.as_ref(), &journal, "zap", &req)
        .await
        .expect("buy")
        .order;
    // Replace: the new order comes back, the old one with it, cancelled.
    let done = run_op(OrderOp::Replace, p.as_ref(), &journal, &old)
        .await
        .expect("replace");
    assert_eq!(done.op, OrderOp::Replace);
    assert_ne!(done.order.id, old.id);
    assert_eq!(done.order.status, OrderStatus::Waiting);
    assert!(done.order.provider_order_id.is_some());
    let replaced = done.replaced.expect("the old order");
    assert_eq!(replaced.id, old.id);
    assert_eq!(replaced.status, OrderStatus::Cancelled);
    assert_eq!(journal.order(old.id).expect("row"), Some(replaced));

    // NEXOTP has no finish: refused before anything is sent.
    let nex = provider(sim.urls.nexotp.clone(), ProviderKind::NexOtp, key);
    let req = request(&nex, "op-k2", |_| true).await;
    let o = buy(nex.as_ref(), &journal, "nex", &req)
        .await
        .expect("buy")
        .order;
    let sent = || sim.states.requests[1].load(std::sync::atomic::Ordering::Relaxed);
    let before = sent();
    let e = run_op(OrderOp::Finish, nex.as_ref(), &journal, &o)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, EngineError::Refused(m) if m == "NEXOTP orders cannot be finished through its API"),
        "{e}"
    );
    assert_eq!(sent(), before, "nothing was sent");
    // Cancel goes through and is journaled.
    let done = run_op(OrderOp::Cancel, nex.as_ref(), &journal, &o)
        .await
        .expect("cancel");
    assert_eq!(done.order.status, OrderStatus::Cancelled);
    assert_eq!(done.replaced, None);
}

#[tokio::test]
async fn a_lost_replace_reply_is_never_bought_again() {
    // OTPs far off: the order stays pending, so it can be replaced.
    let sim = sim_with(Duration::from_secs(60)).await;
    let key = "sim-replace-1";
    let p = provider(sim.urls.otpzap.clone(), ProviderKind::OtpZap, key);
    let journal = Journal::open_in_memory().expect("journal");
    let req = request(&p, "rep-k1", |id| id.starts_with("s1:")).await;
    let placed = buy(p.as_ref(), &journal, "zap", &req)
        .await
        .expect("buy")
        .order;
    sim.states.faults.push(FaultRule::once(
        Api::OtpZap,
        "/order/replace",
        Fault::LoseReply,
    ));
    let e = replace(p.as_ref(), &journal, &placed).await.unwrap_err();
    let EngineError::Ambiguous { order: new, .. } = e else {
        panic!("replace with a lost reply is ambiguous: {e}");
    };
    assert_eq!(new.status, OrderStatus::Unknown);
    assert_eq!(new.price, placed.price, "the amount at risk is shown");
    assert!(journal.is_replacement(new.id).expect("mark"));
    // The replace went through: the old order refunded, a new one charged.
    assert_eq!(sim.states.otpzap.orders_charged(key), 2);

    // Startup reconcile and a retry of the key leave it Unknown and send
    // nothing: its key was never sent, a replay would be a fresh buy.
    let requests = || sim.states.requests[2].load(std::sync::atomic::Ordering::Relaxed);
    let before = requests();
    let still = reconcile_unknown(p.as_ref(), &journal, "zap")
        .await
        .expect("reconcile");
    assert_eq!(still.iter().map(|o| o.id).collect::<Vec<_>>(), vec![new.id]);
    assert_eq!(still[0].status, OrderStatus::Unknown);
    let mut again = req.clone();
    again.idempotency_key = new.idempotency_key.clone();
    let e = buy(p.as_ref(), &journal, "zap", &again).await.unwrap_err();
    assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
    assert_eq!(requests(), before, "nothing was sent");
    assert_eq!(sim.states.otpzap.orders_charged(key), 2);
    let new = journal.order(new.id).expect("order").expect("row");
    assert_eq!(new.status, OrderStatus::Unknown);
    assert!(new.provider_order_id.is_none());
}

#[tokio::test]
async fn replacements_journaled_before_the_mark_are_not_replayed() {
    let sim = sim_with(Duration::from_secs(60)).await;
    let key = "sim-replace-2";
    let p = provider(sim.urls.otpzap.clone(), ProviderKind::OtpZap, key);
    let journal = Journal::open_in_memory().expect("journal");
    let req = request(&p, "old-k1", |id| id.starts_with("s1:")).await;
    buy(p.as_ref(), &journal, "zap", &req).await.expect("buy");
    // What `replace` wrote before replacements were marked.
    let legacy = journal
        .begin_order(
            &NewOrder {
                account: "zap".into(),
                provider: ProviderKind::OtpZap,
                idempotency_key: "old-k1-r1767225600000".into(),
                service_id: req.service_id.clone(),
                service: req.service_name.clone(),
                country: req.country_id.clone(),
                country_name: req.country_name.clone(),
                offer_id: req.offer_id.clone(),
                operator: None,
                customer_number: None,
                price: req.price,
            },
            Utc::now(),
        )
        .expect("row");
    journal
        .record_unknown(legacy.id, "reply lost", Utc::now())
        .expect("unknown");
    let still = reconcile_unknown(p.as_ref(), &journal, "zap")
        .await
        .expect("reconcile");
    assert_eq!(still.len(), 1);
    assert_eq!(sim.states.otpzap.orders_charged(key), 1, "not bought again");
}

#[tokio::test]
async fn a_buy_cut_off_by_a_crash_becomes_unknown_at_startup() {
    let sim = sim_with(Duration::from_millis(200)).await;
    let key = "sim-crash-g";
    let p = provider(sim.urls.gateotp.clone(), ProviderKind::GateOtp, key);
    let journal = Journal::open_in_memory().expect("journal");
    // The row written before the request; the process died before the
    // reply was journaled.
    let row = journal
        .begin_order(
            &NewOrder {
                account: "gate".into(),
                provider: ProviderKind::GateOtp,
                idempotency_key: crate::domain::idempotency_key(Utc::now(), 1),
                service_id: "1".into(),
                service: "WhatsApp".into(),
                country: Some("6".into()),
                country_name: None,
                offer_id: "6:1".into(),
                operator: None,
                customer_number: None,
                price: crate::money::Rupiah(5100),
            },
            Utc::now(),
        )
        .expect("row");
    assert_eq!(row.status, OrderStatus::Buying);
    let sent = sim.states.gateotp.charges(key).len();
    let still = reconcile_unknown(p.as_ref(), &journal, "gate")
        .await
        .expect("reconcile");
    assert_eq!(still.len(), 1);
    assert_eq!(still[0].id, row.id);
    assert_eq!(still[0].status, OrderStatus::Unknown);
    assert_eq!(still[0].price, crate::money::Rupiah(5100));
    assert!(still[0]
        .note
        .as_deref()
        .is_some_and(|n| n.contains("may have been charged")));
    assert_eq!(
        sim.states.gateotp.charges(key).len(),
        sent,
        "GateOTP is not bought again: a retry could buy twice"
    );
    // A second startup keeps it as it is.
    let again = reconcile_unknown(p.as_ref(), &journal, "gate")
        .await
        .expect("reconcile");
    assert_eq!(again[0].status, OrderStatus::Unknown);
    // The reply, should it arrive late, still wins.
    let placed = crate::domain::PlacedOrder {
        provider_order_id: "g-1".into(),
        number: "+62 812".into(),
        price: crate::money::Rupiah(5100),
        status: OrderStatus::Waiting,
        expires_at: None,
        otps: Vec::new(),
        sn: None,
    };
    let c = journal
        .record_placed(row.id, &placed, Utc::now())
        .expect("placed");
    assert_eq!(c.order.status, OrderStatus::Waiting);
}

fn gotopup(base_url: String, auth: Auth) -> SharedProvider {
    let mut s = ProviderSettings::new(ProviderKind::GoTopUp, base_url, auth);
    s.http.max_attempts = 1;
    providers::build(&s).expect("adapter")
}

async fn topup(p: &SharedProvider, code: &str, key: &str, customer: &str) -> BuyRequest {
    let (svc, offer) = p
        .find_offer(code)
        .await
        .expect("price list")
        .expect("product");
    BuyRequest {
        service_id: svc.id,
        service_name: offer.label.clone(),
        country_id: None,
        country_name: None,
        offer_id: offer.id,
        price: offer.price,
        operator: None,
        idempotency_key: key.into(),
        customer_number: Some(customer.into()),
    }
}

#[tokio::test]
async fn a_taken_ref_id_the_history_does_not_show_stays_unknown() {
    use axum::routing::post;
    use axum::Json;
    use serde_json::json;
    // A GoTopUp that says the ref_id is taken, and whose history (the
    // first and only page) does not list it.
    let app = axum::Router::new()
        .route(
            "/api/buyer/price-list",
            post(|| async {
                Json(json!({"status": "success", "code": "00", "data": [{"code": "TELKOMSEL5", "name": "Pulsa Telkomsel 5.000", "category": "prabayar", "subcategory": "pulsa", "operator": "Telkomsel", "price": 5500, "status": "active"}]}))
            }),
        )
        .route(
            "/api/buyer/transaction",
            post(|| async {
                (
                    axum::http::StatusCode::CONFLICT,
                    Json(json!({"status": "error", "code": "09", "message": "ref_id sudah digunakan"})),
                )
            }),
        )
        .route(
            "/api/buyer/transactions",
            post(|| async {
                Json(json!({"status": "success", "code": "00", "data": {"transactions": [], "pagination": {"page": 1, "limit": 100, "total": 0, "total_pages": 1}}}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let p = gotopup(
        format!("http://{addr}"),
        Auth::ApiKey(Secret::new("sim-stub")),
    );
    let journal = Journal::open_in_memory().expect("journal");
    let req = topup(&p, "TELKOMSEL5", "taken-1", "081234567890").await;
    let e = buy(p.as_ref(), &journal, "pulsa", &req).await.unwrap_err();
    assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
    let o = only(&journal, "pulsa");
    assert_eq!(o.status, OrderStatus::Unknown);
    assert_eq!(o.price, crate::money::Rupiah(5500));
    server.abort();
}

#[tokio::test]
async fn a_ref_id_taken_for_another_top_up_stays_unknown() {
    let sim = sim_with(Duration::from_millis(100)).await;
    let p = gotopup(
        sim.urls.gotopup.clone(),
        Auth::ApiKey(Secret::new("sim-topup-dup")),
    );
    let journal = Journal::open_in_memory().expect("journal");
    let first = topup(&p, "TELKOMSEL5", "dup-1", "081234567890").await;
    buy(p.as_ref(), &journal, "a", &first).await.expect("buy");
    // Another account on the same wallet reuses the ref_id for another
    // number: the provider refuses, and what that ref_id paid for is
    // not this top-up; nothing proves this one was never charged.
    let mut other = first.clone();
    other.customer_number = Some("081298765432".into());
    let e = buy(p.as_ref(), &journal, "b", &other).await.unwrap_err();
    assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
    assert_eq!(only(&journal, "b").status, OrderStatus::Unknown);
    assert_eq!(sim.states.gotopup.orders_charged("sim-topup-dup"), 1);
}

#[tokio::test]
async fn undocumented_otomax_codes_are_no_clear_reply() {
    let sim = sim_with(Duration::from_millis(100)).await;
    let p = gotopup(
        sim.urls.gotopup.clone(),
        Auth::Otomax {
            username: "sim-oto-codes".into(),
            sign: Secret::new("sign-1"),
        },
    );
    let journal = Journal::open_in_memory().expect("journal");
    // An undocumented refusal code on a buy: kept Unknown, not Failed.
    let bad = topup(&p, "TELKOMSEL5", "oto-1", "12").await;
    let e = buy(p.as_ref(), &journal, "oto", &bad).await.unwrap_err();
    assert!(matches!(e, EngineError::Ambiguous { .. }), "{e}");
    assert_eq!(only(&journal, "oto").status, OrderStatus::Unknown);
    // An undocumented code on a status poll changes nothing.
    let failing = topup(
        &p,
        crate::sim::gotopup::FAILING_PRODUCT,
        "oto-2",
        "081234567890",
    )
    .await;
    let placed = buy(p.as_ref(), &journal, "oto2", &failing)
        .await
        .expect("placed")
        .order;
    assert_eq!(placed.status, OrderStatus::Waiting);
    tokio::time::sleep(Duration::from_millis(250)).await;
    // Polling by re-sending is only for servers that say a repeat is a
    // status check (issue 11).
    let mut s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        sim.urls.gotopup.clone(),
        Auth::Otomax {
            username: "sim-oto-codes".into(),
            sign: Secret::new("sign-1"),
        },
    );
    s.http.max_attempts = 1;
    s.gotopup.resend_is_status = true;
    let p = providers::build(&s).expect("adapter");
    let e = poll(p.as_ref(), &journal, &placed).await.unwrap_err();
    assert!(
        matches!(&e, EngineError::Provider(ProviderError::Malformed(m)) if m.contains("Otomax code")),
        "{e}"
    );
    assert_eq!(
        journal
            .order(placed.id)
            .expect("order")
            .expect("row")
            .status,
        OrderStatus::Waiting
    );
}

fn events(journal: &Journal, id: i64) -> Vec<String> {
    journal
        .events(id)
        .expect("events")
        .into_iter()
        .map(|e| e.0)
        .collect()
}

/// The balance window at start: a NEXOTP buy the provider never made, whose
/// replay is refused, is settled as not charged (two clues); one the
/// provider did charge is not, and a charged GateOTP buy only gets the
/// "likely charged" clue.
#[tokio::test]
async fn the_balance_window_settles_only_what_two_clues_agree_on() {
    let sim = sim_with(Duration::from_millis(200)).await;
    let faults = &sim.states.faults;
    let key = "sim-window-n";
    let p = provider(sim.urls.nexotp.clone(), ProviderKind::NexOtp, key);
    let journal = Journal::open_in_memory().expect("journal");
    assert!(balance_checkpoint(p.as_ref(), &journal, "nex")
        .await
        .expect("checkpoint")
        .is_some());
    // Never made: the connection breaks before anything is done.
    faults.push(FaultRule::once(Api::NexOtp, "/api/v1/order", Fault::Reset));
    let req = request(&p, "window-1", |_| true).await;
    assert!(buy(p.as_ref(), &journal, "nex", &req).await.is_err());
    assert_eq!(sim.states.nexotp.orders_charged(key), 0);
    // Its replay at start is refused (no number).
    faults.push(FaultRule::once(
        Api::NexOtp,
        "/api/v1/order",
        Fault::Status(503),
    ));
    let still = reconcile_unknown(p.as_ref(), &journal, "nex")
        .await
        .expect("reconcile");
    assert!(still.is_empty(), "{still:?}");
    let o = only(&journal, "nex");
    assert_eq!(o.status, OrderStatus::Failed);
    let ev = events(&journal, o.id);
    for kind in ["replay_refused", "clue", "settled_by_clues"] {
        assert!(ev.iter().any(|e| e == kind), "{kind} in {ev:?}");
    }

    // Charged, reply lost, replay refused: the balance moved by the
    // amount, so it stays UNKNOWN.
    let key2 = "sim-window-c";
    let p2 = provider(sim.urls.nexotp.clone(), ProviderKind::NexOtp, key2);
    balance_checkpoint(p2.as_ref(), &journal, "nex2")
        .await
        .expect("checkpoint");
    faults.push(FaultRule::once(
        Api::NexOtp,
        "/api/v1/order",
        Fault::LoseReply,
    ));
    let req = request(&p2, "window-2", |_| true).await;
    assert!(buy(p2.as_ref(), &journal, "nex2", &req).await.is_err());
    assert_eq!(sim.states.nexotp.orders_charged(key2), 1);
    faults.push(FaultRule::once(
        Api::NexOtp,
        "/api/v1/order",
        Fault::Status(503),
    ));
    let still = reconcile_unknown(p2.as_ref(), &journal, "nex2")
        .await
        .expect("reconcile");
    assert_eq!(still.len(), 1);
    assert_eq!(only(&journal, "nex2").status, OrderStatus::Unknown);

    // GateOTP: charged and lost; the clue says so, nothing settles.
    let gkey = "sim-window-g";
    let g = provider(sim.urls.gateotp.clone(), ProviderKind::GateOtp, gkey);
    balance_checkpoint(g.as_ref(), &journal, "gate")
        .await
        .expect("checkpoint");
    faults.push(FaultRule::once(
        Api::GateOtp,
        "/api/otp/order",
        Fault::LoseReply,
    ));
    let req = request(&g, "window-3", |_| true).await;
    assert!(buy(g.as_ref(), &journal, "gate", &req).await.is_err());
    let still = reconcile_unknown(g.as_ref(), &journal, "gate")
        .await
        .expect("reconcile");
    assert_eq!(still.len(), 1);
    let o = only(&journal, "gate");
    assert_eq!(o.status, OrderStatus::Unknown);
    let clue = journal
        .events(o.id)
        .expect("events")
        .into_iter()
        .find(|e| e.0 == "clue")
        .and_then(|e| e.2)
        .expect("a clue");
    assert!(clue.contains("likely charged"), "{clue}");
}

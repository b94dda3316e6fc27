//! The webhook receiver end to end over loopback HTTP: signed, forged,
//! unsigned, stale and duplicated deliveries, and what each changed in the
//! journal, the inbox and the app state; unsigned Otomax callbacks on an
//! account set to `webhook_signature = "none"`, with and without a
//! history lookup to confirm them.

use crate::common;
// Unsigned callbacks confirmed by a history lookup, against the simulator.
mod history;

use chrono::{Duration, Utc};
use otpdeck::app::Action;
use otpdeck::app::BookAction;
use otpdeck::domain::seller::{BankAccount, SettlementRequest};
use otpdeck::domain::*;
use otpdeck::engine::journal::{Journal, NewDeposit, NewOrder};
use otpdeck::engine::webhook::apply::Pushed;
use otpdeck::engine::webhook::inbox::Inbox;
use otpdeck::engine::webhook::server::{self, HookAccount, Receiver};
use otpdeck::engine::webhook::signature::{sign, Scheme, DEFAULT_HEADER};
use otpdeck::engine::webhook::unsigned::{Unsigned, UNVERIFIED};
use otpdeck::money::Rupiah;
use otpdeck::providers::SharedProvider;
use otpdeck::secret::Secret;
use std::sync::{Arc, Mutex};

const ZAP_SECRET: &str = "sim-zap-webhook-secret-16+";
const GTU_SECRET: &str = "sim-gtu-webhook-secret-16+";

struct Rig {
    url: String,
    journal: Arc<Journal>,
    inbox: Arc<Inbox>,
    emitted: Arc<Mutex<Vec<Pushed>>>,
    http: reqwest::Client,
}

fn place(j: &Journal, account: &str, kind: ProviderKind, key: &str, provider_id: &str) -> Order {
    let now = Utc::now();
    let o = j
        .begin_order(
            &NewOrder {
                account: account.into(),
                provider: kind,
                idempotency_key: key.into(),
                service_id: "1".into(),
                service: "WhatsApp".into(),
                country: Some("7".into()),
                country_name: None,
                offer_id: "101".into(),
                operator: None,
                customer_number: None,
                price: Rupiah(3500),
            },
            now,
        )
        .unwrap();
    j.record_placed(
        o.id,
        &PlacedOrder {
            provider_order_id: provider_id.into(),
            number: "6281200000001".into(),
            price: Rupiah(3500),
            status: OrderStatus::Waiting,
            expires_at: None,
            otps: vec![],
            sn: None,
        },
        now,
    )
    .unwrap()
    .order
}

async fn rig() -> Rig {
    rig_with(Vec::new()).await
}

/// An account that takes unsigned deliveries (`webhook_signature = "none"`),
/// with a secret for signed ones or not, confirming by history or not.
fn unsigned_account(
    name: &str,
    secret: Option<&str>,
    confirm: Option<SharedProvider>,
) -> HookAccount {
    HookAccount {
        name: name.into(),
        provider: ProviderKind::GoTopUp,
        secret: secret.map(Secret::new),
        header: DEFAULT_HEADER.into(),
        scheme: Scheme::Hex,
        unsigned: Some(Unsigned { confirm }),
    }
}

/// The receiver with `zap` (OTPZap, signed), `pulsa` (GoTopUp, signed in
/// its own header and scheme), `oto` (GoTopUp, unsigned, no Bearer key)
/// and `extra`.
async fn rig_with(extra: Vec<HookAccount>) -> Rig {
    let journal = Arc::new(Journal::open_in_memory().unwrap());
    let inbox = Arc::new(Inbox::new(None));
    let emitted = Arc::new(Mutex::new(Vec::new()));
    let sink = emitted.clone();
    let mut accounts = vec![
        HookAccount {
            name: "zap".into(),
            provider: ProviderKind::OtpZap,
            secret: Some(Secret::new(ZAP_SECRET)),
            header: DEFAULT_HEADER.into(),
            scheme: Scheme::Hex,
            unsigned: None,
        },
        HookAccount {
            name: "pulsa".into(),
            provider: ProviderKind::GoTopUp,
            secret: Some(Secret::new(GTU_SECRET)),
            header: "X-Callback-Signature".into(),
            scheme: Scheme::Base64,
            unsigned: None,
        },
        unsigned_account("oto", None, None),
    ];
    accounts.extend(extra);
    let rx = Arc::new(Receiver::new(
        accounts,
        journal.clone(),
        inbox.clone(),
        Arc::new(move |o| sink.lock().unwrap().push(o)),
    ));
    let (addr, _task) = server::start("127.0.0.1:0".parse().unwrap(), rx)
        .await
        .unwrap();
    Rig {
        url: format!("http://{addr}"),
        journal,
        inbox,
        emitted,
        http: otpdeck::providers::http::client_builder()
            .build()
            .expect("client"),
    }
}

impl Rig {
    /// The orders emitted so far (taken).
    fn orders(&self) -> Vec<Order> {
        let mut all = self.emitted.lock().unwrap();
        let (orders, rest): (Vec<Pushed>, Vec<Pushed>) =
            all.drain(..).partition(|p| matches!(p, Pushed::Order(_)));
        *all = rest;
        orders
            .into_iter()
            .filter_map(|p| match p {
                Pushed::Order(o) => Some(o),
                _ => None,
            })
            .collect()
    }

    async fn post(
        &self,
        account: &str,
        header: Option<(&str, String)>,
        body: &str,
    ) -> (u16, String) {
        let mut req = self
            .http
            .post(format!("{}{}", self.url, server::path_for(account)))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some((h, v)) = header {
            req = req.header(h, v);
        }
        let r = req.send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    fn zap_signed(&self, body: &str) -> Option<(&'static str, String)> {
        Some((
            DEFAULT_HEADER,
            sign(ZAP_SECRET.as_bytes(), Scheme::Hex, body.as_bytes()),
        ))
    }
}

fn otp_body(order_id: &str, code: &str, at: chrono::DateTime<Utc>) -> String {
    format!(
        r#"{{"event":"order.otp_received","data":{{"order_id":"{order_id}","status":"otp_received","otp_code":"{code}"}},"timestamp":"{}"}}"#,
        at.to_rfc3339()
    )
}

#[tokio::test]
async fn forged_unsigned_and_stale_change_nothing_signed_applies_once() {
    let r = rig().await;
    let o = place(&r.journal, "zap", ProviderKind::OtpZap, "k-zap-1", "OZ-501");
    let body = otp_body("OZ-501", "482913", Utc::now());

    // Unsigned.
    let (code, _) = r.post("zap", None, &body).await;
    assert_eq!(code, 401);
    // Forged: signed with another secret, and a right signature over
    // another body.
    let forged = sign(b"not-the-secret-at-all", Scheme::Hex, body.as_bytes());
    assert_eq!(
        r.post("zap", Some((DEFAULT_HEADER, forged)), &body).await.0,
        401
    );
    let other = otp_body("OZ-501", "999999", Utc::now());
    assert_eq!(r.post("zap", r.zap_signed(&other), &body).await.0, 401);
    // Stale: correctly signed, six minutes old.
    let stale = otp_body("OZ-501", "111111", Utc::now() - Duration::minutes(6));
    assert_eq!(r.post("zap", r.zap_signed(&stale), &stale).await.0, 401);

    let now = r.journal.order(o.id).unwrap().unwrap();
    assert_eq!(now.status, OrderStatus::Waiting);
    assert!(now.otps.is_empty(), "{:?}", now.otps);
    assert!(r.emitted.lock().unwrap().is_empty());
    assert!(r.inbox.kept().is_empty());

    // Signed: applied.
    let (code, text) = r.post("zap", r.zap_signed(&body), &body).await;
    assert_eq!(code, 200, "{text}");
    assert!(text.contains("received"), "{text}");
    let after = r.journal.order(o.id).unwrap().unwrap();
    assert_eq!(after.status, OrderStatus::OtpReceived);
    assert_eq!(after.otps, vec!["482913".to_string()]);
    let events = r.journal.events(o.id).unwrap().len();

    // Duplicated: acknowledged, nothing changes, nothing emitted twice.
    let (code, _) = r.post("zap", r.zap_signed(&body), &body).await;
    assert_eq!(code, 200);
    let again = r.journal.order(o.id).unwrap().unwrap();
    assert_eq!(again, after);
    assert_eq!(r.journal.events(o.id).unwrap().len(), events);
    assert_eq!(r.orders().len(), 1);
    assert!(r.emitted.lock().unwrap().is_empty());
}

#[tokio::test]
async fn unknown_orders_and_unapplied_events_are_kept_once() {
    let r = rig().await;
    let body = otp_body("OZ-NOPE", "123456", Utc::now());
    assert_eq!(r.post("zap", r.zap_signed(&body), &body).await.0, 200);
    assert_eq!(r.post("zap", r.zap_signed(&body), &body).await.0, 200);
    let dep = r#"{"event":"deposit.success","data":{"id":"D1","amount":50000}}"#;
    assert_eq!(r.post("zap", r.zap_signed(dep), dep).await.0, 200);
    let kept = r.inbox.kept();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept[0].reason.contains("OZ-NOPE"), "{:?}", kept[0]);
    // The OTP an unknown order's delivery carried stays the user's.
    assert_eq!(kept[0].code.as_deref(), Some("123456"));
    assert_eq!(kept[1].event, "deposit.success");
    assert!(kept[1].reason.contains("no deposit"), "{:?}", kept[1]);
    // Each kept delivery reaches the dashboard once, the repeat not at all.
    let emitted = r.emitted.lock().unwrap().clone();
    assert_eq!(emitted.len(), 2, "{emitted:?}");
    assert!(matches!(&emitted[0], Pushed::Kept(k) if k.event == "order.otp_received"));
    r.emitted.lock().unwrap().clear();
    // A local order number is never taken for a provider id.
    let o = place(&r.journal, "zap", ProviderKind::OtpZap, "k-zap-2", "OZ-777");
    let by_local = otp_body(&o.id.to_string(), "555555", Utc::now());
    assert_eq!(
        r.post("zap", r.zap_signed(&by_local), &by_local).await.0,
        200
    );
    assert!(r.journal.order(o.id).unwrap().unwrap().otps.is_empty());
    // An unknown account is not found; its secret is never tried.
    assert_eq!(r.post("nobody", r.zap_signed(&body), &body).await.0, 404);
}

#[tokio::test]
async fn otomax_callback_ends_a_pending_top_up_with_its_sn() {
    let r = rig().await;
    let o = place(
        &r.journal,
        "pulsa",
        ProviderKind::GoTopUp,
        "TXN-001",
        "TXN-001",
    );
    let body = r#"{"ref_id":"TXN-001","code":"TELKOMSEL5","customer_number":"081234567890","status":"success","sn":"1234567890123456","message":"Transaksi berhasil"}"#;
    // The account's own header and scheme: the default header is not read.
    let hex = sign(GTU_SECRET.as_bytes(), Scheme::Hex, body.as_bytes());
    assert_eq!(
        r.post("pulsa", Some((DEFAULT_HEADER, hex)), body).await.0,
        401
    );
    let sig = sign(GTU_SECRET.as_bytes(), Scheme::Base64, body.as_bytes());
    let (code, text) = r
        .post("pulsa", Some(("X-Callback-Signature", sig)), body)
        .await;
    assert_eq!(code, 200);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v, serde_json::json!({"status": "received"}));
    let after = r.journal.order(o.id).unwrap().unwrap();
    assert_eq!(after.status, OrderStatus::Finished);
    assert_eq!(after.sn.as_deref(), Some("1234567890123456"));
}

#[tokio::test]
async fn a_pushed_otp_reaches_the_app_state() {
    let r = rig().await;
    let o = place(&r.journal, "zap", ProviderKind::OtpZap, "k-zap-3", "OZ-900");
    let mut app = common::app();
    app.update(Action::Book(BookAction::OrderChanged(o.clone())));
    assert!(!app.book.otp_log.iter().any(|x| x.code == "731904"));
    let body = otp_body("OZ-900", "731904", Utc::now());
    assert_eq!(r.post("zap", r.zap_signed(&body), &body).await.0, 200);
    let pushed = r.orders();
    assert_eq!(pushed.len(), 1);
    for p in pushed {
        app.update(Action::Book(BookAction::OrderChanged(p)));
    }
    assert!(
        app.book
            .otp_log
            .iter()
            .any(|x| x.code == "731904" && x.order_id == o.id),
        "{:?}",
        app.book.otp_log
    );
}

#[tokio::test]
async fn a_paid_top_up_is_applied_once() {
    let r = rig().await;
    let now = Utc::now();
    let d = r
        .journal
        .begin_deposit(
            &NewDeposit {
                account: "zap".into(),
                provider: ProviderKind::OtpZap,
                key: "dep-key-1".into(),
                amount: Rupiah(50_000),
                method: DepositMethod::Qris,
            },
            now,
        )
        .unwrap();
    r.journal
        .record_deposit(
            d.id,
            "create",
            &DepositUpdate {
                provider_id: Some("APIDEP-3-0000000001".into()),
                status: Some(DepositStatus::Pending),
                total: Some(Rupiah(50_000)),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    let body = format!(
        r#"{{"event":"deposit.success","data":{{"order_id":"APIDEP-3-0000000001","amount":50000,"status":"success"}},"timestamp":"{}"}}"#,
        Utc::now().to_rfc3339()
    );
    // Forged: nothing moves.
    let forged = sign(b"not-the-secret-at-all", Scheme::Hex, body.as_bytes());
    assert_eq!(
        r.post("zap", Some((DEFAULT_HEADER, forged)), &body).await.0,
        401
    );
    assert_eq!(
        r.journal.deposit(d.id).unwrap().unwrap().status,
        DepositStatus::Pending
    );
    for _ in 0..2 {
        assert_eq!(r.post("zap", r.zap_signed(&body), &body).await.0, 200);
    }
    let after = r.journal.deposit(d.id).unwrap().unwrap();
    assert_eq!(after.status, DepositStatus::Success);
    assert_eq!(after.credited, Some(Rupiah(50_000)));
    let emitted = r.emitted.lock().unwrap().clone();
    assert_eq!(emitted.len(), 1, "{emitted:?}");
    assert!(matches!(&emitted[0], Pushed::Deposit(x) if x.id == d.id));
    assert!(r.inbox.kept().is_empty());
}

#[tokio::test]
async fn a_completed_settlement_is_applied_by_ref_or_by_its_id() {
    let r = rig().await;
    let now = Utc::now();
    let bank = BankAccount {
        bank_code: "BCA".into(),
        account_number: "1234567890".into(),
        account_name: "Kira".into(),
    };
    for ref_id in ["SETT-REF-1", "SETT-REF-2"] {
        r.journal
            .begin_settlement(
                "pulsa",
                &SettlementRequest {
                    amount: Rupiah(100_000),
                    bank: bank.clone(),
                    ref_id: ref_id.into(),
                },
                now,
            )
            .unwrap();
    }
    // The second one's id came back with the request.
    r.journal
        .record_settlement(
            "pulsa",
            "SETT-REF-2",
            &otpdeck::domain::seller::Settlement {
                settlement_id: Some("SETT000002".into()),
                amount: Rupiah(100_000),
                fee: Some(Rupiah(1000)),
                net_amount: Some(Rupiah(99_000)),
                status: "pending".into(),
                estimated_completion: None,
            },
            now,
        )
        .unwrap();
    let signed = |b: &str| {
        Some((
            "X-Callback-Signature",
            sign(GTU_SECRET.as_bytes(), Scheme::Base64, b.as_bytes()),
        ))
    };
    let by_ref = r#"{"event":"settlement.completed","data":{"ref_id":"SETT-REF-1","settlement_id":"SETT000001","amount":100000,"fee":1000,"net_amount":99000,"status":"completed"}}"#;
    let by_id =
        r#"{"event":"settlement.completed","data":{"settlement_id":"SETT000002","amount":100000}}"#;
    for b in [by_ref, by_id, by_ref] {
        assert_eq!(r.post("pulsa", signed(b), b).await.0, 200);
    }
    for ref_id in ["SETT-REF-1", "SETT-REF-2"] {
        let row = r.journal.settlement("pulsa", ref_id).unwrap().unwrap();
        assert_eq!(row.status, "completed", "{row:?}");
        assert_eq!(row.net_amount, Some(Rupiah(99_000)), "{row:?}");
    }
    assert_eq!(r.emitted.lock().unwrap().len(), 2);
    let unknown = r#"{"event":"settlement.completed","data":{"settlement_id":"SETT999"}}"#;
    assert_eq!(r.post("pulsa", signed(unknown), unknown).await.0, 200);
    assert!(r.inbox.kept()[0].reason.contains("SETT999"));
}

/// The doc's Otomax callback for `ref_id`: no signature, no timestamp.
fn otomax_body(ref_id: &str, status: &str, sn: Option<&str>) -> String {
    serde_json::json!({
        "ref_id": ref_id, "code": "TELKOMSEL5", "customer_number": "081234567890",
        "status": status, "sn": sn, "message": "Transaksi berhasil",
    })
    .to_string()
}

#[tokio::test]
async fn an_unsigned_otomax_callback_ends_a_waiting_top_up_marked_unverified() {
    let r = rig().await;
    let o = place(&r.journal, "oto", ProviderKind::GoTopUp, "OTO-1", "OTO-1");
    let body = otomax_body("OTO-1", "success", Some("5512345678901234"));
    let (code, text) = r.post("oto", None, &body).await;
    assert_eq!(code, 200, "{text}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        serde_json::json!({"status": "received"})
    );
    let after = r.journal.order(o.id).unwrap().unwrap();
    assert_eq!(after.status, OrderStatus::Finished);
    assert_eq!(after.sn.as_deref(), Some("5512345678901234"));
    assert_eq!(after.note.as_deref(), Some(UNVERIFIED));
    let events = r.journal.events(o.id).unwrap();
    assert!(
        events
            .iter()
            .any(|(kind, status, detail)| kind == "push_unsigned"
                && status == "finished"
                && detail.as_deref() == Some(UNVERIFIED)),
        "{events:?}"
    );
    assert_eq!(r.orders().len(), 1);
    // The same delivery again: answered, nothing new.
    assert_eq!(r.post("oto", None, &body).await.0, 200);
    assert_eq!(r.journal.events(o.id).unwrap().len(), events.len());
    assert!(r.emitted.lock().unwrap().is_empty());
    // Final stays final: an unsigned "failed" for it changes nothing.
    let failed = otomax_body("OTO-1", "failed", None);
    assert_eq!(r.post("oto", None, &failed).await.0, 200);
    assert_eq!(r.journal.order(o.id).unwrap().unwrap(), after);
}

#[tokio::test]
async fn the_same_unsigned_callback_on_a_signed_account_is_refused_and_changes_nothing() {
    let r = rig().await;
    let o = place(&r.journal, "pulsa", ProviderKind::GoTopUp, "TXN-9", "TXN-9");
    let body = otomax_body("TXN-9", "success", Some("5512345678901234"));
    let (code, _) = r.post("pulsa", None, &body).await;
    assert_eq!(code, 401);
    let after = r.journal.order(o.id).unwrap().unwrap();
    assert_eq!(after, o);
    assert_eq!(r.journal.events(o.id).unwrap().len(), 2, "buy_sent, placed");
    assert!(r.emitted.lock().unwrap().is_empty());
    assert!(r.inbox.kept().is_empty());
}

#[tokio::test]
async fn an_unsigned_delivery_creates_nothing_and_touches_no_money() {
    let forged_secret = "sim-mixed-webhook-secret-16+";
    let r = rig_with(vec![unsigned_account("mixed", Some(forged_secret), None)]).await;
    let before = r.journal.orders(&Default::default()).unwrap().len();
    // An order the journal does not know: the same answer, nothing made,
    // nothing kept (anyone may send these).
    let body = otomax_body("NOPE-1", "success", Some("5512345678901234"));
    assert_eq!(r.post("oto", None, &body).await.0, 200);
    assert_eq!(r.journal.orders(&Default::default()).unwrap().len(), before);
    assert!(r.journal.find_by_key("oto", "NOPE-1").unwrap().is_none());
    assert!(r.inbox.kept().is_empty());
    // A settlement or a deposit is not an unsigned delivery's to end.
    let settle = r#"{"event":"settlement.completed","data":{"ref_id":"S1","settlement_id":"SETT1","amount":100000}}"#;
    assert_eq!(r.post("oto", None, settle).await.0, 401);
    // Pending, or success without an SN: nothing moves.
    let o = place(&r.journal, "oto", ProviderKind::GoTopUp, "OTO-2", "OTO-2");
    assert_eq!(
        r.post("oto", None, &otomax_body("OTO-2", "pending", None))
            .await
            .0,
        200
    );
    assert_eq!(
        r.post("oto", None, &otomax_body("OTO-2", "success", None))
            .await
            .0,
        200
    );
    assert_eq!(r.journal.order(o.id).unwrap().unwrap(), o);
    // A signature, when one is sent and the account has a secret, is
    // still checked: a wrong one is refused, not taken as unsigned.
    let m = place(&r.journal, "mixed", ProviderKind::GoTopUp, "MX-1", "MX-1");
    let body = otomax_body("MX-1", "success", Some("5512345678901234"));
    let wrong = sign(b"not-the-secret-at-all", Scheme::Hex, body.as_bytes());
    assert_eq!(
        r.post("mixed", Some((DEFAULT_HEADER, wrong)), &body)
            .await
            .0,
        401
    );
    assert_eq!(r.journal.order(m.id).unwrap().unwrap(), m);
    assert!(r.emitted.lock().unwrap().is_empty());
    // Signed right, it is a full delivery: no "unverified" note.
    let right = sign(forged_secret.as_bytes(), Scheme::Hex, body.as_bytes());
    assert_eq!(
        r.post("mixed", Some((DEFAULT_HEADER, right)), &body)
            .await
            .0,
        200
    );
    let m = r.journal.order(m.id).unwrap().unwrap();
    assert_eq!(m.status, OrderStatus::Finished);
    assert!(m.note.is_none(), "{:?}", m.note);
}

#[tokio::test]
async fn an_hour_old_gotopup_success_arriving_first_is_applied_once() {
    let r = rig().await;
    let o = place(
        &r.journal,
        "pulsa",
        ProviderKind::GoTopUp,
        "TXN-OLD",
        "TXN-OLD",
    );
    let hour_ago = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let body = format!(
        r#"{{"event":"transaction.success","data":{{"ref_id":"TXN-OLD","transaction_id":"TXN777","code":"TELKOMSEL5","customer_number":"081234567890","status":"success","sn":"9988776655443322","price":5500,"timestamp":"{hour_ago}"}},"timestamp":"{hour_ago}"}}"#
    );
    let signed = || {
        Some((
            "X-Callback-Signature",
            sign(GTU_SECRET.as_bytes(), Scheme::Base64, body.as_bytes()),
        ))
    };
    let (code, text) = r.post("pulsa", signed(), &body).await;
    assert_eq!(code, 200, "{text}");
    let after = r.journal.order(o.id).unwrap().unwrap();
    assert_eq!(after.status, OrderStatus::Finished);
    assert_eq!(after.sn.as_deref(), Some("9988776655443322"));
    let events = r.journal.events(o.id).unwrap().len();
    assert_eq!(r.orders().len(), 1);
    // The identical delivery again: a duplicate, nothing new.
    assert_eq!(r.post("pulsa", signed(), &body).await.0, 200);
    assert_eq!(r.journal.order(o.id).unwrap().unwrap(), after);
    assert_eq!(r.journal.events(o.id).unwrap().len(), events);
    assert!(r.emitted.lock().unwrap().is_empty());
}

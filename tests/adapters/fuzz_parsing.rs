//! Fuzzes every adapter's response parsing through its public API: a local
//! server answers every request with a generated body (random JSON, the
//! docs' examples with fields dropped, retyped or renamed, truncated text)
//! and a generated status. Every Provider call must return, never panic,
//! and what it returns is checked (`check`): an error is the typed variant
//! the HTTP status and body call for, a local refusal (unsupported call, an
//! id the adapter cannot use) is the same whatever the reply, and an Ok
//! value keeps the basic promises of its type. `OTPDECK_FUZZ_CASES` sets
//! the number of cases (the long runs in the README use it with --release).

use axum::body::Body;
use axum::http::{Response, StatusCode};
use axum::Router;
use otpdeck::domain::{BuyRequest, Offer, OrderUpdate, PlacedOrder, ProviderKind, Service};
use otpdeck::money::Rupiah;
use otpdeck::providers::{
    self, Auth, HttpPolicy, OrderRef, ProviderError, ProviderSettings, SharedProvider,
};
use otpdeck::secret::Secret;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Example bodies from the four docs: the seeds the mutations start from.
fn seeds() -> Vec<Value> {
    vec![
        json!({"success": true, "data": {"username": "developer_pro", "balance": 150000}}),
        json!({"success": true, "data": [{"service_code": 14, "service_name": "WhatsApp"}]}),
        json!({"success": true, "data": [{"number_id": 340437, "name": "Indonesia", "prefix": "+62", "stock_total": 103, "pricelist": [{"provider_id": "3837", "server_id": 3, "stock": 103, "rate": 81.6, "price": 1100}]}]}),
        json!({"success": true, "data": {"trxId": "WN0000000125", "phoneNumber": "+62 812 3456 7890", "amount": 3500, "status": "waiting"}}),
        json!({"success": true, "status": "completed", "otp_code": "949708"}),
        json!({"success": true, "data": {"balance": 2450000, "currency": "IDR"}}),
        json!({"success": true, "data": [{"serviceCode": "whatsapp", "name": "WhatsApp", "available": true}]}),
        json!({"success": true, "data": [{"countryCode": "id", "name": "Indonesia", "prefix": "+62"}]}),
        json!({"success": true, "data": [{"providerCode": "any", "name": "Any Provider", "price": 6500, "stock": 120}]}),
        json!({"success": true, "data": {"orderId": "ord_01HX", "status": "received", "phoneNumber": "+62812", "otp": "123456", "remainingSeconds": 420}}),
        json!({"success": true, "data": {"orderId": "ord_01HX", "status": "cancelled", "refunded": true, "refundAmount": 6500}}),
        json!({"success": true, "data": [{"id": 7, "name": "Indonesia", "prefix": "+62"}]}),
        json!({"success": true, "data": [{"id": 101, "platform_id": 1, "country_id": 7, "name": "WA", "price": 3500, "stock": 120}], "meta": {"last_page": 1}}),
        json!({"success": true, "data": {"order_id": 65, "number": "6281", "price": 3500, "status": "otp_received", "otp_code": "1234", "otps": [{"code": "1234"}], "resend_locked_until": "2026-11-23 10:00:00"}}),
        json!({"status": "success", "code": "00", "data": {"balance": 1000000}}),
        json!({"status": "success", "code": "00", "data": [{"code": "TELKOMSEL5", "name": "Pulsa", "subcategory": "pulsa", "operator": "Telkomsel", "price": 5500, "status": "active"}]}),
        json!({"status": "success", "code": "00", "data": {"ref_id": "TXN-001", "transaction_id": "TXN1", "price": 5500, "sn": "1234", "status": "success"}}),
        json!({"status": "success", "code": "00", "data": {"transactions": [{"ref_id": "fz", "status": "pending", "price": 5500}], "pagination": {"total_pages": 1}}}),
        json!({"status": "00", "message": "Success", "ref_id": "fz", "sn": null, "balance": 1000}),
        // OTPZap Server 3 (email), in the shapes the adapter assumes.
        json!({"success": true, "data": [{"domain": "gmail.com", "price": 3000, "stock": 25, "activation_rate": 91.5, "cancel_fee": 500}]}),
        json!({"success": true, "data": {"ref": "APIE-3-1", "email": "a@gmail.com", "price": 3000, "status": "received", "expires_at": "2026-12-03 15:20:00", "otp_code": "481516", "messages": [{"from": "x@y", "subject": "Code", "received_at": "2026-12-03T08:00:00Z", "preview": "481516", "otp_code": "481516"}]}}),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-zA-Z0-9_ .:+-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("waiting"),
            Just("COMPLETED"),
            Just("success"),
            Just("failed"),
            Just("pending"),
            Just("weird"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ]
}

fn random_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("data".to_string()),
                    Just("success".to_string()),
                    Just("status".to_string()),
                    Just("balance".to_string()),
                    Just("price".to_string()),
                    Just("otp".to_string()),
                    Just("orderId".to_string()),
                    Just("trxId".to_string()),
                    Just("order_id".to_string()),
                    Just("ref_id".to_string()),
                    Just("otps".to_string()),
                    Just("pricelist".to_string()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces, drops or retypes values inside a seed.
fn mutate(v: &mut Value, path: &[usize], replacement: &Value, drop: bool) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            let i = path.first().copied().unwrap_or(0) % m.len();
            let key = m.keys().nth(i).cloned().unwrap_or_default();
            if path.len() <= 1 {
                if drop {
                    m.remove(&key);
                } else {
                    m.insert(key, replacement.clone());
                }
            } else if let Some(child) = m.get_mut(&key) {
                mutate(child, &path[1..], replacement, drop);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = path.first().copied().unwrap_or(0) % a.len();
            if path.len() <= 1 {
                a[i] = replacement.clone();
            } else {
                mutate(&mut a[i], &path[1..], replacement, drop);
            }
        }
        other => *other = replacement.clone(),
    }
}

#[derive(Debug, Clone)]
enum Body_ {
    Json(Value),
    Raw(String),
}

fn body() -> impl Strategy<Value = Body_> {
    let n = seeds().len();
    prop_oneof![
        3 => (0..n, prop::collection::vec(0usize..8, 1..4), leaf(), any::<bool>()).prop_map(|(s, path, rep, drop)| {
            let mut v = seeds()[s].clone();
            mutate(&mut v, &path, &rep, drop);
            Body_::Json(v)
        }),
        2 => random_json().prop_map(Body_::Json),
        1 => (0..n, 0usize..200).prop_map(|(s, cut)| {
            let t = seeds()[s].to_string();
            Body_::Raw(t.chars().take(cut).collect())
        }),
        1 => "\\PC{0,40}".prop_map(Body_::Raw),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![8 => Just(200u16), 1 => Just(400u16), 1 => Just(401u16), 1 => Just(402u16), 1 => Just(409u16), 1 => Just(429u16), 1 => Just(503u16), 1 => Just(500u16)]
}

type Shared = Arc<Mutex<(u16, String)>>;

async fn server(state: Shared) -> String {
    let app = Router::new().fallback(move || {
        let state = state.clone();
        async move {
            let (status, body) = state
                .lock()
                .map(|g| g.clone())
                .unwrap_or((200, String::new()));
            Response::builder()
                .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                .header("content-type", "application/json")
                .header("retry-after", "0")
                .body(Body::from(body))
                .unwrap_or_default()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn adapters(base: &str) -> Vec<(String, SharedProvider)> {
    // The server answers at once; generous limits so that a busy machine
    // never turns a reply into a Timeout, which `check` treats as a bug.
    let policy = HttpPolicy {
        connect_timeout: Duration::from_secs(30),
        request_timeout: Duration::from_secs(30),
        max_attempts: 1,
        max_retry_wait: Duration::ZERO,
        backoff: Duration::ZERO,
    };
    let mut out = Vec::new();
    for kind in ProviderKind::ALL {
        let mut s = ProviderSettings::new(kind, base, Auth::ApiKey(Secret::new("sim-fuzz")));
        s.http = policy;
        // Every status call asks the server: a tiny rate window means a new
        // history round each time (issue 11's rounds would otherwise
        // answer from the last one).
        s.gotopup.rate_window = Duration::from_millis(1);
        out.push((kind.to_string(), providers::build(&s).expect("adapter")));
    }
    let mut s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        base,
        Auth::Otomax {
            username: "sim-u".into(),
            sign: Secret::new("sig"),
        },
    );
    s.http = policy;
    // Otomax replies are parsed on status only when a poll re-sends.
    s.gotopup.resend_is_status = true;
    s.gotopup.rate_window = Duration::from_millis(1);
    out.push((
        "gotopup otomax".to_string(),
        providers::build(&s).expect("otomax adapter"),
    ));
    out
}

/// One call's result: `Ok` carries the broken promises found in the value
/// (none when it is sound).
struct Outcome {
    call: &'static str,
    result: Result<Vec<String>, ProviderError>,
}

/// Awaits a call and records its outcome, with `problems` listing what is
/// wrong with an Ok value.
macro_rules! call {
    ($out:ident, $name:expr, $fut:expr, $problems:expr) => {{
        let result = $fut.await.map(|v| $problems(&v));
        $out.push(Outcome {
            call: $name,
            result,
        });
    }};
}

fn nothing<T>(_: &T) -> Vec<String> {
    Vec::new()
}

fn otp_problems(otps: &[String]) -> Vec<String> {
    otps.iter()
        .filter(|c| c.trim().is_empty())
        .map(|c| format!("blank OTP {c:?}"))
        .collect()
}

fn offer_problems(offers: &[Offer], service_id: &str) -> Vec<String> {
    offers
        .iter()
        .filter(|o| o.service_id != service_id)
        .map(|o| {
            format!(
                "offer {} is for service {}, not {service_id}",
                o.id, o.service_id
            )
        })
        .collect()
}

async fn exercise(p: &SharedProvider) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = Vec::new();
    call!(out, "balance", p.balance(), nothing);
    call!(out, "services", p.services(), nothing);
    call!(out, "countries", p.countries("14"), nothing);
    let s = "s1:1,s2:501";
    call!(out, "offers s1/s2", p.offers(s, Some("7")), |o: &Vec<
        Offer,
    >| {
        offer_problems(o, s)
    });
    let s = "pulsa:telkomsel";
    call!(out, "offers pulsa", p.offers(s, None), |o: &Vec<Offer>| {
        offer_problems(o, s)
    });
    call!(
        out,
        "find_offer",
        p.find_offer("TELKOMSEL5"),
        |found: &Option<(Service, Offer)>| match found {
            Some((s, o)) if o.service_id != s.id => {
                vec![format!(
                    "offer {} is for {}, found under {}",
                    o.id, o.service_id, s.id
                )]
            }
            _ => Vec::new(),
        }
    );
    let req = BuyRequest {
        service_id: "s1:1".into(),
        service_name: "WhatsApp".into(),
        country_id: Some("7".into()),
        country_name: None,
        offer_id: "s1:101".into(),
        price: Rupiah(3500),
        operator: None,
        idempotency_key: "fz".into(),
        customer_number: Some("081234567890".into()),
    };
    call!(out, "buy", p.buy(&req), |o: &PlacedOrder| otp_problems(
        &o.otps
    ));
    let mut gate = req.clone();
    gate.offer_id = "340437:3837".into();
    call!(out, "buy gate", p.buy(&gate), |o: &PlacedOrder| {
        otp_problems(&o.otps)
    });
    let r = OrderRef {
        provider_order_id: "65".into(),
        idempotency_key: "fz".into(),
        created_at: Some(chrono::Utc::now()),
        offer_id: Some("TELKOMSEL5".into()),
        customer_number: Some("081234567890".into()),
    };
    call!(out, "status", p.status(&r), |u: &OrderUpdate| otp_problems(
        &u.otps
    ));
    call!(out, "cancel", p.cancel(&r), nothing);
    call!(out, "finish", p.finish(&r), nothing);
    call!(out, "resend", p.resend(&r), nothing);
    call!(out, "replace", p.replace(&r), |o: &PlacedOrder| {
        otp_problems(&o.otps)
    });
    if p.kind() == ProviderKind::OtpZap {
        use otpdeck::domain::email::{EmailSpec, EMAIL_SERVICE_ID};
        call!(out, "email sites", p.countries(EMAIL_SERVICE_ID), nothing);
        call!(
            out,
            "email domains",
            p.offers(EMAIL_SERVICE_ID, Some("openai.com")),
            |o: &Vec<Offer>| offer_problems(o, EMAIL_SERVICE_ID)
        );
        let mut mail = req.clone();
        mail.offer_id = EmailSpec {
            site: "openai.com".into(),
            domains: vec!["gmail.com".into(), "outlook.com".into()],
            subject: Some("code".into()),
            ..EmailSpec::default()
        }
        .offer_id();
        call!(out, "email buy", p.buy(&mail), |o: &PlacedOrder| {
            otp_problems(&o.otps)
        });
        let er = OrderRef {
            provider_order_id: "APIE-3-1".into(),
            offer_id: Some(mail.offer_id.clone()),
            ..r.clone()
        };
        call!(out, "email check", p.status(&er), |u: &OrderUpdate| {
            otp_problems(&u.otps)
        });
        call!(out, "email cancel", p.cancel(&er), nothing);
        call!(out, "email finish", p.finish(&er), nothing);
        call!(out, "email reorder", p.resend(&er), nothing);
    }
    out
}

/// Refusals made before any request: they cannot depend on the reply.
fn is_local(e: &ProviderError) -> bool {
    matches!(
        e,
        ProviderError::Unsupported(_) | ProviderError::Rejected { status: 0, .. }
    )
}

/// The errors an adapter may give for a reply with this HTTP status.
fn allowed_for_status(who: &str, status: u16, body: &str, e: &ProviderError) -> bool {
    use ProviderError as E;
    // GateOTP's documented rule: an error reply about "saldo"/"balance" is
    // insufficient balance below 500 (not 401); a 5xx stays a server error
    // (a buy answered so may have been charged). Its message falls back to
    // the body, so a bare `{"balance": ..}` counts too.
    let low = body.to_lowercase();
    if who == "gateotp"
        && status != 401
        && status < 500
        && (low.contains("saldo") || low.contains("balance"))
        && matches!(e, E::InsufficientBalance(_))
    {
        return true;
    }
    match status {
        401 => matches!(e, E::Unauthorized(_)),
        402 => matches!(e, E::InsufficientBalance(_)),
        429 => matches!(e, E::RateLimited { .. }),
        500..=599 => matches!(e, E::Unavailable { .. }),
        // GoTopUp resolves a taken ref_id from its history; when that read
        // fails too, the buy stays ambiguous (Network or Malformed).
        409 => matches!(e, E::Conflict(_) | E::Network(_) | E::Malformed(_)),
        400 => matches!(e, E::Rejected { .. } | E::InsufficientBalance(_)),
        // The server is up and answers at once: never a connect failure
        // or a timeout; any other variant may be what the body says.
        _ => !matches!(e, E::Connect(_) | E::Timeout | E::Unsupported(_)),
    }
}

/// What each call gives with no server at all, for the calls that never
/// send a request (unsupported, an id the adapter cannot use, an answer it
/// knows by itself): keyed by "adapter call", the Debug of the result.
type Local = BTreeMap<String, String>;

/// Runs every call against a closed port: a call that sends fails to
/// connect; any other result was settled without a request.
fn probe_local(rt: &tokio::runtime::Runtime) -> Local {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let list = adapters(&format!("http://{closed}"));
    let all = rt.block_on(async move {
        let mut all = Vec::new();
        for (who, p) in &list {
            all.push((who.clone(), exercise(p).await));
        }
        all
    });
    let mut local = Local::new();
    for (who, outcomes) in all {
        for Outcome { call, result } in outcomes {
            if let Err(e) = &result {
                if matches!(e, ProviderError::Connect(_)) {
                    continue;
                }
                // Nothing but a refusal can come without a reply.
                assert!(is_local(e), "{who} {call} with no server: {e:?}");
            }
            {
                local.insert(format!("{who} {call}"), format!("{result:?}"));
            }
        }
    }
    local
}

/// Checks one adapter's outcomes for one reply; every broken rule is named.
fn check(who: &str, status: u16, body: &str, outcomes: &[Outcome], local: &Local) -> Vec<String> {
    let is_json = serde_json::from_str::<Value>(body).is_ok();
    let mut wrong = Vec::new();
    for Outcome { call, result } in outcomes {
        let at = format!("{who} {call} on HTTP {status} {body:?}");
        if let Some(alone) = local.get(&format!("{who} {call}")) {
            // Settled without a request: the reply cannot change it.
            let seen = format!("{result:?}");
            if *alone != seen {
                wrong.push(format!("{at}: gave {seen}, but {alone} with no server"));
            }
            continue;
        }
        match result {
            Ok(problems) if !problems.is_empty() => {
                wrong.push(format!("{at}: Ok but {}", problems.join("; ")))
            }
            Ok(_) if !(200..300).contains(&status) => {
                wrong.push(format!("{at}: Ok for an error status"))
            }
            Ok(_) => {}
            Err(e) if !allowed_for_status(who, status, body, e) => {
                wrong.push(format!("{at}: {e:?} is not what this status calls for"))
            }
            // A 200 that is not JSON cannot be read as anything.
            Err(e) if status == 200 && !is_json && !matches!(e, ProviderError::Malformed(_)) => {
                wrong.push(format!("{at}: {e:?} for a reply that is not JSON"))
            }
            Err(_) => {}
        }
    }
    wrong
}

/// Runs every adapter against the current reply and checks the results.
fn run_all(
    rt: &tokio::runtime::Runtime,
    list: &[(String, SharedProvider)],
    status: u16,
    body: &str,
    local: &Local,
) -> Result<(), String> {
    let list = list.to_vec();
    // A panic inside an adapter becomes the task's JoinError.
    let res = rt.block_on(async move {
        tokio::spawn(async move {
            let mut all = Vec::new();
            for (who, p) in &list {
                all.push((who.clone(), exercise(p).await));
            }
            all
        })
        .await
    });
    let all = res.map_err(|e| format!("an adapter panicked on HTTP {status} {body:?}: {e}"))?;
    let wrong: Vec<String> = all
        .iter()
        .flat_map(|(who, outcomes)| check(who, status, body, outcomes, local))
        .collect();
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

#[test]
fn every_reply_gives_a_sound_value_or_the_right_typed_error() {
    let cases: u32 = std::env::var("OTPDECK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let state: Shared = Arc::new(Mutex::new((200, String::new())));
    let base = rt.block_on(server(state.clone()));
    let list = adapters(&base);
    let local = probe_local(&rt);
    // The corpus: replies that once broke an adapter (or came close) are
    // replayed first, with every status the generator uses.
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .expect("corpus folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let body = std::fs::read_to_string(&f).expect("corpus file");
        for st in [200u16, 409, 429, 503] {
            if let Ok(mut g) = state.lock() {
                *g = (st, body.clone());
            }
            if let Err(e) = run_all(&rt, &list, st, &body, &local) {
                panic!("{}: {e}", f.display());
            }
        }
    }
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        ..ProptestConfig::default()
    });
    runner
        .run(&(body(), status()), |(b, st)| {
            let text = match b {
                Body_::Json(v) => v.to_string(),
                Body_::Raw(s) => s,
            };
            if let Ok(mut g) = state.lock() {
                *g = (st, text.clone());
            }
            let res = run_all(&rt, &list, st, &text, &local);
            prop_assert!(res.is_ok(), "{}", res.err().unwrap_or_default());
            Ok(())
        })
        .expect("every reply gives a sound value or the right typed error");
}

/// Webhook bodies as the two adapters assume them, the seeds of the
/// deliveries' fuzzing.
fn push_seeds() -> Vec<Value> {
    vec![
        json!({"event": "order.otp_received", "data": {"order_id": 65, "status": "otp_received", "otp_code": "482913", "otps": [{"code": "482913"}]}, "timestamp": "2026-12-03T08:00:00Z"}),
        json!({"event": "order.replaced", "data": {"order_id": "65", "new_order_id": 66}, "timestamp": 1700000000}),
        json!({"event": "deposit.success", "data": {"order_id": "APIDEP-3-1", "amount": 50000, "status": "success"}}),
        json!({"event": "transaction.success", "data": {"ref_id": "TXN-001", "transaction_id": "TXN1", "price": 5500, "sn": "1234", "status": "success"}, "timestamp": "2026-12-03T08:00:00+07:00"}),
        json!({"event": "settlement.completed", "data": {"settlement_id": "SETT1", "ref_id": "R1", "amount": 100000, "fee": 1000, "net_amount": 99000}}),
        json!({"ref_id": "TXN-001", "code": "TELKOMSEL5", "customer_number": "0812", "status": "success", "sn": "1234", "message": "ok"}),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// A delivery of any shape is read or refused with a reason, never a
    /// panic; what is read names what it is about.
    #[test]
    fn webhook_deliveries_are_read_or_refused(
        s in 0usize..6,
        path in prop::collection::vec(0usize..8, 1..4),
        rep in leaf(),
        drop in any::<bool>(),
        cut in 0usize..400,
        raw in "\\PC{0,40}",
        mode in 0u8..3,
    ) {
        let bytes = match mode {
            0 => {
                let mut v = push_seeds()[s].clone();
                mutate(&mut v, &path, &rep, drop);
                v.to_string()
            }
            1 => push_seeds()[s].to_string().chars().take(cut).collect(),
            _ => raw,
        };
        for parse in [
            otpdeck::providers::otpzap::parse_webhook,
            otpdeck::providers::gotopup::parse_webhook,
        ] {
            match parse(bytes.as_bytes()) {
                Ok(e) => {
                    use otpdeck::providers::push::PushAbout;
                    let named = match &e.about {
                        PushAbout::Order { provider_id, key, .. } => provider_id.is_some() || key.is_some(),
                        PushAbout::Deposit { update } => update.provider_id.is_some(),
                        PushAbout::Settlement { ref_id, settlement } => ref_id.is_some() || settlement.settlement_id.is_some(),
                    };
                    prop_assert!(named, "{bytes}: {e:?}");
                }
                Err(why) => prop_assert!(!why.is_empty()),
            }
        }
    }
}

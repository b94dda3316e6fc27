//! Fuzzes every adapter's response parsing through its public API: a local
//! server answers every request with a generated body (random JSON, the
//! docs' examples with fields dropped, retyped or renamed, truncated text)
//! and a generated status, and every Provider call must return Ok or a typed
//! error, never panic. `OTPDECK_FUZZ_CASES` sets the number of cases (the
//! long runs in the README use it with --release).

use axum::body::Body;
use axum::http::{Response, StatusCode};
use axum::Router;
use otpdeck::domain::{BuyRequest, ProviderKind};
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, HttpPolicy, OrderRef, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use proptest::prelude::*;
use serde_json::{json, Value};
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

fn adapters(base: &str) -> Vec<SharedProvider> {
    let policy = HttpPolicy {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        max_attempts: 1,
        max_retry_wait: Duration::ZERO,
        backoff: Duration::ZERO,
    };
    let mut out = Vec::new();
    for kind in ProviderKind::ALL {
        let mut s = ProviderSettings::new(kind, base, Auth::ApiKey(Secret::new("sim-fuzz")));
        s.http = policy;
        out.push(providers::build(&s).expect("adapter"));
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
    out.push(providers::build(&s).expect("otomax adapter"));
    out
}

async fn exercise(p: &SharedProvider) {
    let _ = p.balance().await;
    let _ = p.services().await;
    let _ = p.countries("14").await;
    let _ = p.offers("s1:1,s2:501", Some("7")).await;
    let _ = p.offers("pulsa:telkomsel", None).await;
    let _ = p.find_offer("TELKOMSEL5").await;
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
    let _ = p.buy(&req).await;
    let mut gate = req.clone();
    gate.offer_id = "340437:3837".into();
    let _ = p.buy(&gate).await;
    let r = OrderRef {
        provider_order_id: "65".into(),
        idempotency_key: "fz".into(),
        created_at: Some(chrono::Utc::now()),
        offer_id: Some("TELKOMSEL5".into()),
        customer_number: Some("081234567890".into()),
    };
    let _ = p.status(&r).await;
    let _ = p.cancel(&r).await;
    let _ = p.finish(&r).await;
    let _ = p.resend(&r).await;
    let _ = p.replace(&r).await;
}

#[test]
fn adapters_never_panic_on_any_reply() {
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
            let list = list.clone();
            let res = rt.block_on(async move {
                tokio::spawn(async move {
                    for p in &list {
                        exercise(p).await;
                    }
                })
                .await
            });
            assert!(
                res.is_ok(),
                "an adapter panicked on {} with HTTP {st}",
                f.display()
            );
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
                *g = (st, text);
            }
            // A panic inside an adapter fails the case (the runtime turns a
            // panicking task into an error we re-raise).
            let list = list.clone();
            let res = rt.block_on(async move {
                tokio::spawn(async move {
                    for p in &list {
                        exercise(p).await;
                    }
                })
                .await
            });
            prop_assert!(res.is_ok(), "an adapter panicked");
            Ok(())
        })
        .expect("no adapter panics");
}

//! `cargo bench`: the dashboard at reseller scale. A full frame at 200×50
//! with 1,000 active orders, a 100,000-offer catalog and 10,000 OTP log
//! rows; the catalog filter over those 100,000 offers per keystroke;
//! `update` over 10,000 poller updates; journal inserts of 10,000 OTPs;
//! startup to the first frame with a 10,000-order journal.
//!
//! Not run by `cargo test` (`test = false` in Cargo.toml).

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use otpdeck::app::catalog::{self, CountryNode, Load, NodeId, ServiceNode};
use otpdeck::app::BookAction;
use otpdeck::app::{AccountInfo, Action, App, AppSettings};
use otpdeck::domain::*;
use otpdeck::engine::journal::{Journal, NewOrder, OrderFilter};
use otpdeck::money::Rupiah;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::hint::black_box;

const SERVICES: usize = 50;
const COUNTRIES: usize = 40;
const OFFERS: usize = 50; // 50 × 40 × 50 = 100,000 offers

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .unwrap()
}

fn caps() -> Capabilities {
    Capabilities {
        countries: true,
        cancel: true,
        ..Default::default()
    }
}

fn accounts() -> Vec<AccountInfo> {
    (0..4)
        .map(|i| AccountInfo {
            name: format!("nex-{i}"),
            kind: ProviderKind::NexOtp,
            caps: caps(),
            seller: false,
        })
        .collect()
}

const NAMES: &[&str] = &[
    "WhatsApp",
    "Telegram",
    "Shopee",
    "Gojek",
    "Grab",
    "Tokopedia",
    "TikTok",
    "Facebook",
    "Google",
    "Instagram",
];
const PLACES: &[&str] = &[
    "Indonesia",
    "Malaysia",
    "Philippines",
    "Vietnam",
    "Thailand",
    "India",
    "United States",
    "United Kingdom",
];

/// 100,000 offers under the first account, all loaded.
fn catalog() -> Vec<ServiceNode> {
    (0..SERVICES)
        .map(|s| {
            let sid = format!("s{s}");
            let countries = (0..COUNTRIES)
                .map(|c| {
                    let cid = format!("c{c}");
                    let offers = (0..OFFERS)
                        .map(|o| Offer {
                            id: format!("{cid}:{o}"),
                            service_id: sid.clone(),
                            country_id: Some(cid.clone()),
                            label: format!("Server {o} · route {}", (o * 7919 + s * 31 + c) % 997),
                            price: Rupiah(2500 + ((o * 37 + c) % 40) as i64 * 150),
                            stock: Some(((o * 13 + s) % 200) as u64),
                            success_rate: Some(80.0),
                            operators: Vec::new(),
                            available: true,
                        })
                        .collect();
                    CountryNode {
                        country: Country {
                            id: cid,
                            name: format!("{} {c}", PLACES[c % PLACES.len()]),
                            prefix: None,
                            stock: Some(1000),
                        },
                        offers: Load::Loaded(offers, t0()),
                    }
                })
                .collect();
            ServiceNode {
                service: Service {
                    id: sid,
                    name: format!("{} {s}", NAMES[s % NAMES.len()]),
                    category: None,
                    path: Vec::new(),
                },
                countries: Load::Loaded(countries, t0()),
                offers: Load::NotLoaded,
            }
        })
        .collect()
}

fn order(id: i64, status: OrderStatus, otps: Vec<String>) -> Order {
    Order {
        id,
        account: format!("nex-{}", id % 4),
        provider: ProviderKind::NexOtp,
        idempotency_key: format!("k{id}"),
        provider_order_id: Some(format!("P{id}")),
        service_id: "s0".into(),
        service: NAMES[id as usize % NAMES.len()].into(),
        country: Some("c0".into()),
        country_name: Some("Indonesia".into()),
        resend_count: None,
        resend_locked_until: None,
        offer_id: "c0:1".into(),
        operator: None,
        number: Some(format!("+62812{:07}", id)),
        customer_number: None,
        price: Rupiah(3300),
        status,
        created_at: t0(),
        updated_at: t0(),
        expires_at: Some(t0() + Duration::minutes(20)),
        otps,
        sn: None,
        refunded: None,
        note: None,
    }
}

fn otp_log(n: usize) -> Vec<Otp> {
    (0..n)
        .map(|i| Otp {
            order_id: i as i64,
            account: format!("nex-{}", i % 4),
            service: NAMES[i % NAMES.len()].into(),
            number: format!("+62812{:07}", i),
            code: format!("{:06}", i * 7919 % 1_000_000),
            received_at: t0() - Duration::seconds(i as i64),
        })
        .collect()
}

fn key(c: KeyCode) -> Action {
    Action::Key(KeyEvent::new(c, KeyModifiers::NONE), t0())
}

/// The reseller's dashboard: 4 accounts, 1,000 active orders, 10,000 OTPs,
/// 100,000 offers loaded with one service and one country open.
fn big_app() -> App {
    let (mut app, _) = App::new(accounts(), AppSettings::default(), t0());
    app.update(Action::Resize(200, 50));
    for (i, a) in app.accounts.iter_mut().enumerate() {
        a.balance = Some(Rupiah(1_000_000 + i as i64));
        a.balance_at = Some(t0());
        a.loading = false;
    }
    app.accounts[0].services = Load::Loaded(catalog(), t0());
    for id in [
        NodeId::Account(0),
        NodeId::Service(0, "s0".into()),
        NodeId::Country(0, "s0".into(), "c0".into()),
    ] {
        app.catalog.expanded.insert(id.key());
    }
    let orders = (1..=1000)
        .map(|i| {
            let otps = if i % 3 == 0 {
                vec![format!("{:06}", i)]
            } else {
                Vec::new()
            };
            order(i, OrderStatus::Waiting, otps)
        })
        .collect();
    app.update(Action::Book(BookAction::Restored(orders)));
    app.update(Action::Book(BookAction::OtpHistory(otp_log(10_000))));
    app.update(Action::Tick(t0() + Duration::seconds(30)));
    app
}

fn frame(c: &mut Criterion) {
    let app = big_app();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("frame 200x50, 1k orders, 100k offers, 10k OTPs", |b| {
        b.iter(|| {
            terminal
                .draw(|f| otpdeck::ui::draw(f, black_box(&app)))
                .unwrap();
        })
    });
}

fn filter(c: &mut Criterion) {
    let mut app = big_app();
    app.update(key(KeyCode::Char('/')));
    for ch in "serv".chars() {
        app.update(key(KeyCode::Char(ch)));
    }
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    terminal.draw(|f| otpdeck::ui::draw(f, &app)).unwrap();
    // One keystroke as the user sees it: update (the filter's rows) and
    // the frame that shows them. Typing `7` after `serv` rescores every
    // offer (all 100,000 match `serv`); the backspace between two timed
    // keystrokes is not timed (it finds `serv`'s scores remembered).
    let mut keystroke = |app: &mut App, k: KeyCode| {
        app.update(key(k));
        terminal.draw(|f| otpdeck::ui::draw(f, app)).unwrap();
    };
    c.bench_function(
        "catalog filter keystroke over 100k offers (update + frame)",
        |b| {
            b.iter_custom(|n| {
                let mut spent = std::time::Duration::ZERO;
                for _ in 0..n {
                    let t = std::time::Instant::now();
                    keystroke(&mut app, KeyCode::Char('7'));
                    spent += t.elapsed();
                    keystroke(&mut app, KeyCode::Backspace);
                }
                spent
            })
        },
    );
    c.bench_function(
        "catalog filter backspace over 100k offers (update + frame)",
        |b| {
            b.iter_custom(|n| {
                let mut spent = std::time::Duration::ZERO;
                for _ in 0..n {
                    keystroke(&mut app, KeyCode::Char('7'));
                    let t = std::time::Instant::now();
                    keystroke(&mut app, KeyCode::Backspace);
                    spent += t.elapsed();
                }
                spent
            })
        },
    );
    // The first keystroke after the catalog loaded: every label is read
    // into the filter's memory and scored.
    let mut g = c.benchmark_group("filter cold");
    g.sample_size(10);
    g.bench_function(
        "first filter keystroke over 100k offers (update + frame)",
        |b| {
            b.iter_batched(
                || {
                    let mut app = big_app();
                    app.update(key(KeyCode::Char('/')));
                    app
                },
                |mut app| {
                    app.update(key(KeyCode::Char('s')));
                    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
                    terminal.draw(|f| otpdeck::ui::draw(f, &app)).unwrap();
                    app
                },
                BatchSize::PerIteration,
            )
        },
    );
    g.finish();
    c.bench_function("catalog rows, filter 'serv7' over 100k offers", |b| {
        app.update(key(KeyCode::Char('7')));
        b.iter(|| black_box(catalog::rows(&app)).len())
    });
}

fn update_stream(c: &mut Criterion) {
    let mut app = big_app();
    let stream: Vec<Action> = (0..10_000)
        .map(|i| {
            let id = (i % 1000) as i64 + 1;
            let otps = if i % 7 == 0 {
                vec![format!("{:06}", i)]
            } else {
                Vec::new()
            };
            Action::Book(BookAction::OrderChanged(order(
                id,
                OrderStatus::Waiting,
                otps,
            )))
        })
        .collect();
    c.bench_function("update over 10k poller updates (1k orders)", |b| {
        b.iter_batched(
            || stream.clone(),
            |s| {
                for a in s {
                    black_box(app.update(a));
                }
            },
            BatchSize::LargeInput,
        )
    });
}

fn new_order(i: usize) -> NewOrder {
    NewOrder {
        account: format!("nex-{}", i % 4),
        provider: ProviderKind::NexOtp,
        idempotency_key: format!("k{i}"),
        service_id: "s0".into(),
        service: "WhatsApp".into(),
        country: Some("c0".into()),
        country_name: Some("Indonesia".into()),
        offer_id: "c0:1".into(),
        operator: None,
        customer_number: None,
        price: Rupiah(3300),
    }
}

fn placed(i: usize) -> PlacedOrder {
    PlacedOrder {
        provider_order_id: format!("P{i}"),
        number: format!("+62812{:07}", i),
        price: Rupiah(3300),
        status: OrderStatus::Waiting,
        expires_at: Some(t0() + Duration::minutes(20)),
        otps: Vec::new(),
        sn: None,
    }
}

/// A journal file on tmpfs where there is one (the figure is SQLite's
/// work, not the disk's fsync), else in the temp dir.
fn journal_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    }
}

fn journal(c: &mut Criterion) {
    let mut g = c.benchmark_group("journal");
    g.sample_size(10);
    g.bench_function("insert 10k OTPs (1k orders, WAL, synchronous=FULL)", |b| {
        b.iter_batched(
            || {
                let dir = journal_dir();
                let j = Journal::open(&dir.path().join("j.sqlite3")).unwrap();
                let ids: Vec<i64> = (0..1000)
                    .map(|i| {
                        let o = j.begin_order(&new_order(i), t0()).unwrap();
                        j.record_placed(o.id, &placed(i), t0()).unwrap();
                        o.id
                    })
                    .collect();
                (dir, j, ids)
            },
            |(dir, j, ids)| {
                for n in 0..10_000 {
                    let update = OrderUpdate {
                        status: Some(OrderStatus::OtpReceived),
                        otps: vec![format!("{:06}", n)],
                        ..Default::default()
                    };
                    j.record_update(ids[n % ids.len()], &update, t0()).unwrap();
                }
                drop(j);
                drop(dir);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn startup(c: &mut Criterion) {
    let dir = journal_dir();
    let path = dir.path().join("j.sqlite3");
    {
        let j = Journal::open(&path).unwrap();
        for i in 0..10_000 {
            let o = j.begin_order(&new_order(i), t0()).unwrap();
            let mut p = placed(i);
            // Most of a long-lived journal is history: finished orders with
            // their OTP; the newest 100 are still active.
            if i < 9_900 {
                p.status = OrderStatus::Finished;
            }
            p.otps = vec![format!("{:06}", i)];
            j.record_placed(o.id, &p, t0()).unwrap();
        }
    }
    let mut g = c.benchmark_group("startup");
    g.sample_size(20);
    g.bench_function("open a 10k-order journal to the first frame", |b| {
        b.iter(|| {
            // What the event loop does before the first frame with data:
            // open the journal, read the OTP log and the recent orders,
            // build the app, apply them, draw.
            let j = Journal::open(&path).unwrap();
            let (mut app, _effects) = App::new(accounts(), AppSettings::default(), t0());
            app.update(Action::Resize(200, 50));
            app.update(Action::Book(BookAction::OtpHistory(
                j.otp_log(500).unwrap(),
            )));
            let recent = j
                .orders(&OrderFilter {
                    limit: Some(200),
                    ..Default::default()
                })
                .unwrap();
            app.update(Action::Book(BookAction::Restored(recent)));
            let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
            terminal.draw(|f| otpdeck::ui::draw(f, &app)).unwrap();
        })
    });
    g.finish();
}

criterion_group!(benches, frame, filter, update_stream, journal, startup);
criterion_main!(benches);

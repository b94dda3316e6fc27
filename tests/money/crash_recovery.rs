//! SIGKILLs the real binary 50 times at seeded-random moments during buys,
//! replays and polls, on all four APIs, against the simulator run in this
//! process (so the test reads the simulator's own books: every charge with
//! the key and order it paid for, and every OTP a reply carried).
//!
//! A small proxy between the binary and the simulator holds every reply for
//! a few milliseconds, and buy requests wait a little inside the simulator
//! before they are carried out, so a kill can land on each side of the
//! moment the API commits a buy. Some kills are timed from the start of the
//! process; others from the buy reaching the simulator or from its charge,
//! so that some are sure to cut a buy off. The test counts where each kill
//! landed and asserts that kills landed mid-buy (charged and not), mid-poll
//! and in the dashboard.
//!
//! After every kill the journal passes `PRAGMA integrity_check`. A GateOTP
//! buy cut off is never bought again (a retry with its key is refused with
//! no request); NexOTP, OTPZap and GoTopUp buys cut off are replayed with
//! the same key, by `buy` or by the dashboard's start-up reconcile. At the
//! end the dashboard (in a pty) is started once more and its resumed pollers
//! must bring every active order its OTP without any explicit `watch`; then
//! the journal is checked against the simulator's books, account by account,
//! to the rupiah and OTP by OTP.
//!
//! `OTPDECK_CRASH_SEED=N` repeats a run's kill timings (the seed is printed).

use otpdeck::domain::{Order, OrderStatus};
use otpdeck::engine::journal::{Journal, OrderFilter};
use otpdeck::money::Rupiah;
use otpdeck::sim::faults::{Api, Fault, FaultRule};
use otpdeck::sim::wallets::SimCharge;
use otpdeck::sim::{self, SimBooks, SimHandle, SimOptions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_otpdeck");
const KILLS: usize = 50;
/// How long the proxy holds every reply: the window between the API
/// committing a buy and the binary hearing of it.
const REPLY_DELAY: Duration = Duration::from_millis(40);
/// How long a buy (and a NexOTP poll) waits in the simulator before it is
/// carried out: the window between the `buying` row and the charge.
const BUY_DELAY: Duration = Duration::from_millis(60);
const OTP_DELAY: Duration = Duration::from_millis(2500);
const INITIAL: i64 = 2_000_000;
/// Always fails, and is refunded (GoTopUp's test product).
const FAILING_PRODUCT: &str = "GAGAL5";

#[derive(Clone, Copy)]
struct Acct {
    name: &'static str,
    provider: &'static str,
    key: &'static str,
    api: Api,
    /// Index into `SimStates::requests`.
    index: usize,
    buy_path: &'static str,
    idempotent: bool,
}

const ACCTS: [Acct; 4] = [
    Acct {
        name: "gate",
        provider: "gateotp",
        key: "sim-crash-gate",
        api: Api::GateOtp,
        index: 0,
        buy_path: "/api/otp/order",
        idempotent: false,
    },
    Acct {
        name: "nex",
        provider: "nexotp",
        key: "sim-crash-nex",
        api: Api::NexOtp,
        index: 1,
        buy_path: "/api/v1/order",
        idempotent: true,
    },
    Acct {
        name: "zap",
        provider: "otpzap",
        key: "sim-crash-zap",
        api: Api::OtpZap,
        index: 2,
        buy_path: "/order/create",
        idempotent: true,
    },
    Acct {
        name: "topup",
        provider: "gotopup",
        key: "sim-crash-topup",
        api: Api::GoTopUp,
        index: 3,
        buy_path: "/api/buyer/transaction",
        idempotent: true,
    },
];

fn acct(name: &str) -> Acct {
    *ACCTS
        .iter()
        .find(|a| a.name == name)
        .expect("known account")
}

/// The simulator (and the delaying proxy) on a runtime of their own.
struct World {
    rt: tokio::runtime::Runtime,
    sim: Option<SimHandle>,
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(s) = self.sim.take() {
            self.rt.block_on(s.stop());
        }
    }
}

impl World {
    fn start() -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = rt
            .block_on(sim::start_local(SimOptions {
                otp_delay: OTP_DELAY,
                initial_balance: Rupiah(INITIAL),
                ..Default::default()
            }))
            .expect("simulator");
        for a in ACCTS {
            sim.states.faults.push(FaultRule::random(
                Some(a.api),
                Some(a.buy_path),
                Fault::Slow(BUY_DELAY),
                1.0,
            ));
        }
        let proxy = rt
            .block_on(delaying_proxy(sim.addr, REPLY_DELAY))
            .expect("proxy");
        let via = |url: &str| url.replace(&sim.addr.to_string(), &proxy.to_string());
        let dir = tempfile::tempdir().expect("tmp");
        let config = dir.path().join("config.toml");
        let mut text = String::new();
        for a in ACCTS {
            let url = match a.api {
                Api::GateOtp => via(&sim.urls.gateotp),
                Api::NexOtp => via(&sim.urls.nexotp),
                Api::OtpZap => via(&sim.urls.otpzap),
                Api::GoTopUp => via(&sim.urls.gotopup),
            };
            text.push_str(&format!(
                "[[accounts]]\nname = \"{}\"\nprovider = \"{}\"\nbase_url = \"{url}\"\napi_key = \"{}\"\n\n",
                a.name, a.provider, a.key
            ));
        }
        std::fs::write(&config, text).expect("config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600));
        }
        World {
            rt,
            sim: Some(sim),
            dir,
            config,
        }
    }

    fn sim(&self) -> &SimHandle {
        self.sim.as_ref().expect("simulator running")
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn journal_path(&self) -> PathBuf {
        self.data().join("journal.sqlite3")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.data())
            .args(args)
            .env("OTPDECK_POLL_INTERVAL_MS", "100")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    fn orders(&self) -> Vec<Order> {
        Journal::open(&self.journal_path())
            .expect("journal opens")
            .orders(&OrderFilter::default())
            .expect("orders")
    }

    fn ledger(&self, a: Acct) -> Vec<SimCharge> {
        let s = &self.sim().states;
        match a.api {
            Api::GateOtp => s.gateotp.charges(a.key),
            Api::NexOtp => s.nexotp.charges(a.key),
            Api::OtpZap => s.otpzap.charges(a.key),
            Api::GoTopUp => s.gotopup.charges(a.key),
        }
    }

    fn delivered(&self, a: Acct) -> Vec<(String, String)> {
        let s = &self.sim().states;
        match a.api {
            Api::GateOtp => s.gateotp.delivered_otps(),
            Api::NexOtp => s.nexotp.delivered_otps(),
            Api::OtpZap => s.otpzap.delivered_otps(),
            Api::GoTopUp => s.gotopup.delivered_otps(),
        }
    }

    fn balance(&self, a: Acct) -> i64 {
        let s = &self.sim().states;
        let b = match a.api {
            Api::GateOtp => s.gateotp.balance(a.key),
            Api::NexOtp => s.nexotp.balance(a.key),
            Api::OtpZap => s.otpzap.balance(a.key),
            Api::GoTopUp => s.gotopup.balance(a.key),
        };
        b.map_or(INITIAL, |r| r.0)
    }

    fn requests(&self, a: Acct) -> u64 {
        self.sim().states.requests[a.index].load(Ordering::Relaxed)
    }

    fn all_requests(&self) -> u64 {
        ACCTS.iter().map(|a| self.requests(*a)).sum()
    }

    fn integrity(&self, after: &str) {
        let j = Journal::open(&self.journal_path())
            .unwrap_or_else(|e| panic!("journal does not open after {after}: {e}"));
        assert!(
            j.integrity_ok().expect("integrity check runs"),
            "PRAGMA integrity_check after {after}"
        );
    }
}

/// A TCP proxy that passes requests straight on and holds each chunk of a
/// reply for `delay`.
async fn delaying_proxy(target: SocketAddr, delay: Duration) -> std::io::Result<SocketAddr> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = async move {
                    let _ = tokio::io::copy(&mut cr, &mut sw).await;
                    let _ = sw.shutdown().await;
                };
                let down = async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = sr.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        tokio::time::sleep(delay).await;
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = cw.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    Ok(addr)
}

/// Waits for `trigger` (or `deadline`), then `extra`, then SIGKILLs the
/// child. Returns whether it was still running when killed.
fn kill_when(
    child: &mut Child,
    deadline: Duration,
    extra: Duration,
    trigger: impl Fn() -> bool,
) -> bool {
    let start = Instant::now();
    loop {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return false;
        }
        if trigger() || start.elapsed() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    std::thread::sleep(extra);
    if matches!(child.try_wait(), Ok(Some(_))) {
        return false;
    }
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    true
}

/// The dashboard in a pty (util-linux `script`); it is the part of otpdeck
/// that resumes every active order at start.
struct Dashboard {
    script: Child,
    /// The otpdeck process under `script`, until it is killed.
    otpdeck: Option<u32>,
}

fn script_available() -> bool {
    Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Dashboard {
    fn start(w: &World) -> Dashboard {
        let line = format!(
            "exec {} --config {} --data-dir {}",
            shell_quote(BIN),
            shell_quote(&w.config.display().to_string()),
            shell_quote(&w.data().display().to_string())
        );
        let mut script = Command::new("script")
            .args(["-qfec", &line, "/dev/null"])
            .env("OTPDECK_POLL_INTERVAL_MS", "100")
            .env("TERM", "xterm-256color")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("script");
        let children = format!("/proc/{0}/task/{0}/children", script.id());
        let start = Instant::now();
        let pid = loop {
            let text = std::fs::read_to_string(&children).unwrap_or_default();
            if let Some(pid) = text.split_whitespace().next().and_then(|p| p.parse().ok()) {
                break pid;
            }
            if start.elapsed() > Duration::from_secs(5) {
                let _ = script.kill();
                let _ = script.wait();
                panic!("the dashboard did not start under script");
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        Dashboard {
            script,
            otpdeck: Some(pid),
        }
    }

    /// SIGKILLs the dashboard process itself (not `script`); returns
    /// whether it was still running.
    fn kill(&mut self) -> bool {
        let Some(pid) = self.otpdeck.take() else {
            return false;
        };
        let alive = !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_else(|_| ") Z ".into())
            .contains(") Z ");
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
        let _ = self.script.wait();
        alive
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.kill();
    }
}

#[derive(Default, Debug)]
struct Tally {
    /// Buy (or replay) kills by where they landed.
    buy_before_row: usize,
    mid_buy_uncharged: usize,
    mid_buy_charged: usize,
    buy_after_reply: usize,
    buy_exited_first: usize,
    /// `watch` kills while it was polling (alive, requests sent).
    mid_poll: usize,
    watch_other: usize,
    /// OTPs a reply carried that the killed process had not journaled.
    otp_replies_cut: usize,
    dashboard_mid_poll: usize,
    dashboard_other: usize,
    replays: usize,
    gate_retries_refused: usize,
}

fn buy_args(a: Acct, key: &str, failing: bool) -> Vec<String> {
    let mut v: Vec<String> = ["buy", "--account", a.name, "--idempotency-key", key]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let what: &[&str] = if a.api == Api::GoTopUp {
        if failing {
            &["--product", FAILING_PRODUCT, "--customer", "081234567890"]
        } else {
            &["--product", "TELKOMSEL10", "--customer", "081234567890"]
        }
    } else {
        &["--service", "whatsapp", "--country", "indonesia"]
    };
    v.extend(what.iter().map(|s| s.to_string()));
    v
}

/// A buy whose reply never reached the journal: no provider id, still
/// `buying` or `unknown`.
fn cut_off(o: &Order) -> bool {
    o.provider_order_id.is_none() && matches!(o.status, OrderStatus::Buying | OrderStatus::Unknown)
}

fn codes(o: &Order) -> HashSet<String> {
    o.otps.iter().cloned().chain(o.sn.clone()).collect()
}

fn refunded(o: &Order) -> bool {
    matches!(
        o.status,
        OrderStatus::Cancelled | OrderStatus::Expired | OrderStatus::Failed
    )
}

#[test]
fn fifty_kills_lose_nothing() {
    let started = Instant::now();
    let seed = std::env::var("OTPDECK_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    println!("crash_recovery seed {seed} (OTPDECK_CRASH_SEED={seed} repeats the kill timings)");
    let mut rng = StdRng::seed_from_u64(seed);
    let w = World::start();
    let use_dashboard = script_available();
    if !use_dashboard {
        println!("util-linux `script` not found: the dashboard steps use `watch` instead");
    }
    Journal::open(&w.journal_path()).expect("journal");
    let mut t = Tally::default();
    // The arguments each key was bought with, for replays.
    let mut bought: HashMap<String, Vec<String>> = HashMap::new();
    // GateOTP keys cut off mid-buy, and whether the API charged them.
    let mut gate_cut: BTreeMap<String, bool> = BTreeMap::new();
    let mut topups = 0usize;

    // One clean buy per account first, so every API has placed orders to
    // poll whatever the kills do to the buys after it.
    for a in ACCTS {
        let key = format!("warm-{}", a.name);
        let args = buy_args(a, &key, false);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = w.cmd(&argv).stderr(Stdio::piped()).output().expect("buy");
        assert!(
            out.status.success(),
            "{}: {}",
            a.name,
            String::from_utf8_lossy(&out.stderr)
        );
        bought.insert(key, args);
    }
    // Steps where the process ended before its kill do not count.
    let mut kills = 0usize;
    let mut steps = 0usize;
    while kills < KILLS {
        assert!(
            steps < KILLS * 2,
            "too many steps ended before their kill: {t:?}"
        );
        let i = steps;
        steps += 1;
        // The last kill cuts a NexOTP buy off after its charge, so the final
        // restart always has a lost reply to replay and an order to poll.
        let last = kills == KILLS - 1;
        let a = if last { acct("nex") } else { ACCTS[i % 4] };
        let orders = w.orders();
        let mine: Vec<&Order> = orders.iter().filter(|o| o.account == a.name).collect();
        let pending: Vec<&Order> = mine
            .iter()
            .copied()
            .filter(|o| {
                o.provider_order_id.is_some() && o.status.is_active() && codes(o).is_empty()
            })
            .collect();
        let replayable: Vec<&Order> = if a.idempotent {
            mine.iter().copied().filter(|o| cut_off(o)).collect()
        } else {
            Vec::new()
        };
        let roll: f64 = rng.random();
        let killed;
        let what = if i % 10 == 9 && use_dashboard && !last {
            // The dashboard: start-up reconcile and a poller per active order.
            let before = w.all_requests();
            let mut d = Dashboard::start(&w);
            std::thread::sleep(Duration::from_millis(rng.random_range(300..1500)));
            let alive = d.kill();
            killed = alive;
            if alive && w.all_requests() > before {
                t.dashboard_mid_poll += 1;
            } else {
                t.dashboard_other += 1;
            }
            "dashboard".to_string()
        } else if !pending.is_empty() && (roll < 0.35 || t.mid_poll < 6) && !last {
            // The youngest order: its OTP is most likely still on its way.
            let o = *pending.iter().max_by_key(|o| o.id).expect("pending");
            let before = w.requests(a);
            let delivered_before = w.delivered(a).len();
            let mut child = w
                .cmd(&["watch", "--account", a.name, &o.id.to_string()])
                .spawn()
                .expect("watch");
            let extra = Duration::from_millis(rng.random_range(0..250));
            let alive = kill_when(&mut child, Duration::from_secs(2), extra, || {
                w.requests(a) > before
            });
            killed = alive;
            if alive && w.requests(a) > before {
                t.mid_poll += 1;
            } else {
                t.watch_other += 1;
            }
            // An OTP whose reply reached the process but not the journal.
            let journaled = w
                .orders()
                .into_iter()
                .find(|x| x.id == o.id)
                .map(|x| codes(&x))
                .unwrap_or_default();
            let ids = [
                o.provider_order_id.clone().unwrap_or_default(),
                o.idempotency_key.clone(),
            ];
            if w.delivered(a)
                .iter()
                .skip(delivered_before)
                .any(|(id, c)| ids.contains(id) && !journaled.contains(c))
            {
                t.otp_replies_cut += 1;
            }
            format!("watch #{}", o.id)
        } else {
            let (key, args, replay) = if !replayable.is_empty() && roll < 0.65 && !last {
                let o = replayable[rng.random_range(0..replayable.len())];
                let key = o.idempotency_key.clone();
                let args = bought.get(&key).cloned().expect("args of a cut-off key");
                (key, args, true)
            } else {
                let key = format!("crash-{i}");
                let failing = a.api == Api::GoTopUp && {
                    topups += 1;
                    topups % 3 == 2
                };
                let args = buy_args(a, &key, failing);
                bought.insert(key.clone(), args.clone());
                (key, args, false)
            };
            if replay {
                t.replays += 1;
            }
            let ledger_before = w.ledger(a).len();
            let injected_before = w.sim().states.faults.injected();
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut child = w.cmd(&argv).spawn().expect("buy");
            let mode = if last { 3 } else { rng.random_range(0..4) };
            let alive = match mode {
                // From the start of the process.
                0 | 1 => kill_when(
                    &mut child,
                    Duration::from_millis(rng.random_range(0..450)),
                    Duration::ZERO,
                    || false,
                ),
                // After the buy request reached the API, before it is
                // carried out.
                2 => kill_when(
                    &mut child,
                    Duration::from_secs(2),
                    Duration::from_millis(rng.random_range(0..BUY_DELAY.as_millis() as u64)),
                    || w.sim().states.faults.injected() > injected_before,
                ),
                // After the API charged, while its reply is on its way.
                _ => kill_when(
                    &mut child,
                    Duration::from_secs(2),
                    Duration::from_millis(rng.random_range(0..REPLY_DELAY.as_millis() as u64 - 10)),
                    || w.ledger(a).len() > ledger_before,
                ),
            };
            killed = alive;
            let row = Journal::open(&w.journal_path())
                .expect("journal")
                .find_by_key(a.name, &key)
                .expect("find");
            match row {
                _ if !alive => t.buy_exited_first += 1,
                None => t.buy_before_row += 1,
                Some(o) if cut_off(&o) => {
                    // Let a request the kill left inside the simulator finish
                    // (or be dropped) before reading the ledger.
                    std::thread::sleep(BUY_DELAY + Duration::from_millis(30));
                    let ledger = w.ledger(a);
                    let charged = if a.idempotent {
                        ledger
                            .iter()
                            .any(|c| c.client_key.as_deref() == Some(key.as_str()))
                    } else {
                        ledger.len() > ledger_before
                    };
                    if charged {
                        t.mid_buy_charged += 1;
                    } else {
                        t.mid_buy_uncharged += 1;
                    }
                    if !a.idempotent {
                        gate_cut.insert(key.clone(), charged);
                        // Never bought again: a retry with the key is refused
                        // before any request.
                        let n = w.ledger(a).len();
                        let out = w.cmd(&argv).stderr(Stdio::piped()).output().expect("retry");
                        assert_eq!(out.status.code(), Some(1), "GateOTP retry of {key}");
                        assert!(
                            String::from_utf8_lossy(&out.stderr).contains("UNKNOWN"),
                            "GateOTP retry of {key} says UNKNOWN: {}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                        assert_eq!(w.ledger(a).len(), n, "GateOTP {key} not bought again");
                        t.gate_retries_refused += 1;
                    }
                }
                Some(_) => t.buy_after_reply += 1,
            }
            format!("{} {key}", if replay { "replay" } else { "buy" })
        };
        w.integrity(&format!("step {i} ({} {what})", a.name));
        kills += usize::from(killed);
    }
    let loop_secs = started.elapsed().as_secs_f64();

    // Final restart: the dashboard alone resumes everything.
    let before = w.orders();
    let to_resume = before
        .iter()
        .filter(|o| {
            (o.provider_order_id.is_some() && o.status.is_active() && codes(o).is_empty())
                || (cut_off(o) && acct(&o.account).idempotent)
        })
        .count();
    w.sim().states.faults.clear();
    let done = |orders: &[Order]| {
        orders.iter().all(|o| {
            let a = acct(&o.account);
            if cut_off(o) {
                // GateOTP: kept, promoted to Unknown, never re-bought.
                return !a.idempotent && o.status == OrderStatus::Unknown;
            }
            o.provider_order_id.is_none() || !codes(o).is_empty() || o.status.is_final()
        })
    };
    if use_dashboard {
        let mut d = Dashboard::start(&w);
        let end = Instant::now() + Duration::from_secs(30);
        while !done(&w.orders()) && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(200));
        }
        d.kill();
    } else {
        // Fallback: `watch` each order (it replays a cut-off buy first).
        let children: Vec<Child> = before
            .iter()
            .filter(|o| o.provider_order_id.is_some() || acct(&o.account).idempotent)
            .filter(|o| !o.status.is_final() && codes(o).is_empty())
            .map(|o| {
                w.cmd(&[
                    "watch",
                    "--account",
                    &o.account,
                    &o.id.to_string(),
                    "--timeout",
                    "20s",
                ])
                .spawn()
                .expect("watch")
            })
            .collect();
        for mut c in children {
            let _ = c.wait();
        }
    }
    w.integrity("the final restart");
    let resume_secs = started.elapsed().as_secs_f64() - loop_secs;

    let all = w.orders();
    let mut report = Vec::new();
    for a in ACCTS {
        let mine: Vec<&Order> = all.iter().filter(|o| o.account == a.name).collect();
        assert!(!mine.is_empty(), "{}: orders were made", a.name);
        // Resumed polling brought every placed order its OTP (a failing
        // top-up ends failed and refunded instead).
        for o in &mine {
            if cut_off(o) {
                assert!(!a.idempotent, "{}: #{} was not replayed", a.name, o.id);
                if use_dashboard {
                    assert_eq!(
                        o.status,
                        OrderStatus::Unknown,
                        "GateOTP #{} cut off is Unknown with its amount at risk",
                        o.id
                    );
                }
                continue;
            }
            if o.provider_order_id.is_none() {
                assert_eq!(o.status, OrderStatus::Failed, "#{} without an id", o.id);
                continue;
            }
            if o.offer_id.eq_ignore_ascii_case(FAILING_PRODUCT) {
                assert_eq!(
                    o.status,
                    OrderStatus::Failed,
                    "#{} {}",
                    o.id,
                    FAILING_PRODUCT
                );
            } else {
                assert!(
                    !codes(o).is_empty(),
                    "{}: order #{} ({}) got no OTP after the restart",
                    a.name,
                    o.id,
                    o.status
                );
            }
        }
        // The GateOTP orders left Unknown are exactly the buys cut off.
        let unknown: Vec<&Order> = mine.iter().copied().filter(|o| cut_off(o)).collect();
        if !a.idempotent {
            let keys: Vec<&str> = unknown.iter().map(|o| o.idempotency_key.as_str()).collect();
            let cut: Vec<&str> = gate_cut.keys().map(String::as_str).collect();
            assert_eq!(
                keys.len(),
                cut.len(),
                "GateOTP unknown orders {keys:?} vs cut {cut:?}"
            );
            for k in &cut {
                assert!(keys.contains(k), "GateOTP {k} kept as unknown");
            }
        }

        // Every charge in the simulator's ledger is a journal row, and no row
        // is charged twice.
        let ledger = w.ledger(a);
        let by_key: HashMap<&str, &Order> = mine
            .iter()
            .map(|o| (o.idempotency_key.as_str(), *o))
            .collect();
        let by_id: HashMap<&str, &Order> = mine
            .iter()
            .filter_map(|o| o.provider_order_id.as_deref().map(|id| (id, *o)))
            .collect();
        let mut per_row: HashMap<i64, usize> = HashMap::new();
        let mut keyless: Vec<&SimCharge> = Vec::new();
        for c in &ledger {
            let owner = match c.client_key.as_deref() {
                Some(k) => {
                    let o = by_key
                        .get(k)
                        .unwrap_or_else(|| panic!("{}: charge {c:?} has no journal row", a.name));
                    assert_eq!(
                        o.provider_order_id.as_deref(),
                        Some(c.order_id.as_str()),
                        "{}: #{} journaled with the order its charge paid for",
                        a.name,
                        o.id
                    );
                    Some(*o)
                }
                None => by_id.get(c.order_id.as_str()).copied(),
            };
            match owner {
                Some(o) => {
                    assert_eq!(c.amount, o.price, "{}: #{} charged its price", a.name, o.id);
                    *per_row.entry(o.id).or_default() += 1;
                }
                None => keyless.push(c),
            }
        }
        assert!(
            per_row.values().all(|n| *n == 1),
            "{}: no order charged twice: {per_row:?}",
            a.name
        );
        for o in mine.iter().filter(|o| o.provider_order_id.is_some()) {
            assert!(
                per_row.contains_key(&o.id),
                "{}: placed #{} is in the ledger",
                a.name,
                o.id
            );
        }
        // Charges with no journaled reply are GateOTP buys cut off, one per
        // Unknown row the ledger says was charged.
        let charged_cut = gate_cut.values().filter(|c| **c).count();
        if a.idempotent {
            assert!(keyless.is_empty(), "{}: stray charges {keyless:?}", a.name);
        } else {
            assert_eq!(
                keyless.len(),
                charged_cut,
                "GateOTP: charges without a journaled reply == cut-off buys the API charged"
            );
        }
        let at_risk: i64 = unknown.iter().map(|o| o.price.0).sum();
        let at_risk_charged: i64 = keyless.iter().map(|c| c.amount.0).sum();
        if let Some(p) = unknown.first().map(|o| o.price) {
            assert!(
                keyless.iter().all(|c| c.amount == p),
                "GateOTP amounts at risk"
            );
        }
        // To the rupiah: the simulator's balance change is the journal's
        // charges minus refunds, plus what it took for buys at risk.
        let journal_net: i64 = mine
            .iter()
            .filter(|o| o.provider_order_id.is_some() && !refunded(o))
            .map(|o| o.price.0)
            .sum();
        let ledger_sum: i64 = ledger.iter().map(|c| c.amount.0).sum();
        let refunds: i64 = mine
            .iter()
            .filter(|o| o.provider_order_id.is_some() && refunded(o))
            .map(|o| o.price.0)
            .sum();
        let change = INITIAL - w.balance(a);
        assert_eq!(
            change,
            journal_net + at_risk_charged,
            "{}: balance change == journal charges - refunds (+ charged at risk)",
            a.name
        );
        assert_eq!(change, ledger_sum - refunds, "{}: ledger - refunds", a.name);

        // Every OTP the simulator delivered is in the journal, and the
        // journal has no OTP the simulator did not give.
        let delivered: HashSet<(String, String)> = w.delivered(a).into_iter().collect();
        let journaled: HashSet<(String, String)> = mine
            .iter()
            .flat_map(|o| {
                let ids = [
                    o.provider_order_id.clone().unwrap_or_default(),
                    o.idempotency_key.clone(),
                ];
                codes(o)
                    .into_iter()
                    .flat_map(move |c| ids.clone().into_iter().map(move |id| (id, c.clone())))
                    .collect::<Vec<_>>()
            })
            .collect();
        let lost: Vec<_> = delivered.difference(&journaled).collect();
        assert!(lost.is_empty(), "{}: OTPs lost: {lost:?}", a.name);
        for o in &mine {
            for c in codes(o) {
                let id = o.provider_order_id.clone().unwrap_or_default();
                assert!(
                    delivered.contains(&(id, c.clone()))
                        || delivered.contains(&(o.idempotency_key.clone(), c.clone())),
                    "{}: #{} OTP {c} was delivered by the simulator",
                    a.name,
                    o.id
                );
            }
        }
        assert!(!delivered.is_empty(), "{}: OTPs delivered", a.name);
        report.push(format!(
            "{}: {} orders, {} charges, {} OTPs delivered, balance change {change}, \
             journal net {journal_net}, refunds {refunds}, unknown {} ({at_risk} at risk, {at_risk_charged} charged)",
            a.name,
            mine.len(),
            ledger.len(),
            delivered.len(),
            unknown.len(),
        ));
    }
    // `orders` shows the GateOTP buys at risk as UNKNOWN.
    let out = w
        .cmd(&["--json", "orders", "--account", "gate"])
        .stdout(Stdio::piped())
        .output()
        .expect("orders");
    let listed: Value = serde_json::from_slice(&out.stdout).expect("orders json");
    let unknown_listed = listed
        .as_array()
        .expect("list")
        .iter()
        .filter(|o| o["status"] == "unknown")
        .count();
    if use_dashboard {
        assert_eq!(unknown_listed, gate_cut.len(), "`orders` lists the unknown");
    }

    let secs = started.elapsed().as_secs_f64();
    println!("{t:#?}");
    for r in &report {
        println!("{r}");
    }
    println!(
        "kills {kills} in {steps} steps; resumed at the end {to_resume}; loop {loop_secs:.1}s, final resume {resume_secs:.1}s, total {secs:.1}s"
    );
    let mid_buy = t.mid_buy_charged + t.mid_buy_uncharged;
    assert!(mid_buy >= 5, "at least 5 kills cut a buy off: {t:?}");
    assert!(t.mid_buy_charged >= 2, "kills after the charge: {t:?}");
    assert!(t.mid_buy_uncharged >= 1, "kills before the charge: {t:?}");
    assert!(t.mid_poll >= 5, "at least 5 kills mid-poll: {t:?}");
    if use_dashboard {
        assert!(
            t.dashboard_mid_poll >= 1,
            "a dashboard killed mid-poll: {t:?}"
        );
    }
    assert!(to_resume > 0, "the final restart had orders to resume");
}

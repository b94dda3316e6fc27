//! Push end to end through the binaries: `otpdeck sim --push` delivers
//! signed webhooks to the receiver inside `otpdeck watch`, which ends a
//! pending GoTopUp top-up with the pushed SN long before its next poll
//! would; with the port already held, `watch` says so and polls. The
//! unsigned Otomax callback ends an Otomax top-up (no Bearer key, so
//! nothing else can) on an account set to `webhook_signature = "none"`,
//! marked unverified, and is refused on one that is not.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common;

use common::process::{write_private, SimProcess, BIN};

const SECRET: &str = "sim-gtu-push-secret-0123456789";
const KEY: &str = "sim-gtu-push";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Env {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Env {
    fn new(sim: &SimProcess, port: u16) -> Env {
        Env::with(
            sim,
            port,
            &format!("api_key = \"{KEY}\"\nwebhook_secret = \"{SECRET}\"\n"),
        )
    }

    /// Account `pulsa` on the simulator with `keys` (its key and webhook
    /// lines).
    fn with(sim: &SimProcess, port: u16, keys: &str) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        let text = format!(
            "[webhook]\nlisten = \"127.0.0.1:{port}\"\n\n\
             [[accounts]]\nname = \"pulsa\"\nprovider = \"gotopup\"\nbase_url = \"{}\"\n{keys}",
            sim.url("gotopup"),
        );
        write_private(&config, &text);
        Env { dir, config }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args);
        c
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.cmd(&all).output().expect("run otpdeck");
        assert!(out.status.success(), "{args:?}: {}", err(&out));
        serde_json::from_slice(&out.stdout).expect("JSON on stdout")
    }

    /// A pending top-up's local number.
    fn top_up(&self) -> String {
        let o = self.json(&[
            "buy",
            "--account",
            "pulsa",
            "--product",
            "TELKOMSEL5",
            "--customer",
            "081234567890",
        ]);
        assert_eq!(o["status"], "waiting", "{o}");
        o["id"].to_string()
    }

    /// `watch` with polls `poll_ms` apart; its output and how long it took.
    fn watch(&self, id: &str, poll_ms: &str) -> (Output, Duration) {
        let started = Instant::now();
        let child = self
            .cmd(&["watch", "--account", "pulsa", id, "--timeout", "60s"])
            .env("OTPDECK_POLL_INTERVAL_MS", poll_ms)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn watch");
        let out = child.wait_with_output().expect("watch output");
        (out, started.elapsed())
    }
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn watch_ends_a_pending_top_up_with_the_pushed_sn() {
    let port = free_port();
    let target = format!("{KEY}=http://127.0.0.1:{port}/webhook/pulsa");
    let sim = SimProcess::start_with("3s", &["--push", &target, "--push-secret", SECRET]);
    let env = Env::new(&sim, port);
    let id = env.top_up();
    // Polls ten minutes apart: after its first poll (pending) only the
    // push can end the wait within the 60 s timeout.
    let (out, took) = env.watch(&id, "600000");
    let stderr = err(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("listening on"), "{stderr}");
    assert!(took < Duration::from_secs(30), "{took:?}: {stderr}");
    let sn = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(sn.len(), 16, "{sn:?}");
    assert!(sn.chars().all(|c| c.is_ascii_digit()), "{sn:?}");
    // The journal has what the push said.
    let list = env.json(&["orders", "--account", "pulsa"]);
    let shown = list
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|o| o["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str()))
        })
        .unwrap_or_else(|| panic!("order {id} in {list}"));
    assert_eq!(shown["status"], "finished", "{shown}");
    assert_eq!(shown["sn"], sn.as_str(), "{shown}");
}

#[test]
fn watch_with_its_port_held_says_so_and_polls() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let sim = SimProcess::start("2s");
    let env = Env::new(&sim, port);
    let id = env.top_up();
    let (out, _) = env.watch(&id, "500");
    let stderr = err(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("cannot listen"), "{stderr}");
    assert!(stderr.contains("polling only"), "{stderr}");
    let sn = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(sn.len(), 16, "{sn:?}");
    drop(held);
}

const OTO_USER: &str = "sim-oto-push";

/// An Otomax top-up without a Bearer key: polls can tell nothing, so only
/// the unsigned callback the simulator sends can end the wait.
fn otomax_watch(keys: &str) -> (Env, String, Output, Duration) {
    let port = free_port();
    let target = format!("{OTO_USER}=http://127.0.0.1:{port}/webhook/pulsa");
    let sim = SimProcess::start_with("2s", &["--push", &target, "--push-secret", SECRET]);
    let env = Env::with(
        &sim,
        port,
        &format!("otomax_username = \"{OTO_USER}\"\notomax_sign = \"SIGN-1\"\n{keys}"),
    );
    let id = env.top_up();
    // Short enough for the test, long enough that only the push can end it.
    let started = Instant::now();
    let out = env
        .cmd(&["watch", "--account", "pulsa", &id, "--timeout", "12s"])
        .env("OTPDECK_POLL_INTERVAL_MS", "500")
        .output()
        .expect("watch");
    let took = started.elapsed();
    drop(sim);
    (env, id, out, took)
}

#[test]
fn an_unsigned_otomax_callback_ends_the_wait_on_an_account_that_takes_it() {
    let (env, id, out, took) = otomax_watch("webhook_signature = \"none\"\n");
    let stderr = err(&out);
    assert!(out.status.success(), "{stderr}");
    // Said loudly at start.
    assert!(stderr.contains("UNSIGNED"), "{stderr}");
    assert!(stderr.contains("unverified"), "{stderr}");
    assert!(took < Duration::from_secs(12), "{took:?}");
    let sn = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(sn.len(), 16, "{sn:?}");
    let list = env.json(&["orders", "--account", "pulsa"]);
    let shown = list
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|o| o["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str()))
        })
        .unwrap_or_else(|| panic!("order {id} in {list}"));
    assert_eq!(shown["status"], "finished", "{shown}");
    assert_eq!(shown["sn"], sn.as_str(), "{shown}");
    assert_eq!(shown["note"], "by callback, unverified", "{shown}");
    // The people's listing says it too.
    let human = env.cmd(&["orders", "--account", "pulsa"]).output().unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("finished (by callback, unverified)"),
        "{text}"
    );
}

#[test]
fn the_unsigned_otomax_callback_is_refused_where_the_account_wants_a_signature() {
    let (env, id, out, _) = otomax_watch(&format!("webhook_secret = \"{SECRET}\"\n"));
    let stderr = err(&out);
    // Nothing ends the wait: the callback got 401, polls tell nothing.
    assert!(!out.status.success(), "{stderr}");
    assert!(!stderr.contains("UNSIGNED"), "{stderr}");
    let list = env.json(&["orders", "--account", "pulsa"]);
    let shown = list
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|o| o["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str()))
        })
        .unwrap_or_else(|| panic!("order {id} in {list}"));
    assert_eq!(shown["status"], "waiting", "{shown}");
    assert!(shown["sn"].is_null(), "{shown}");
}

/// Sends one raw HTTP request and gives back the status line.
fn post(port: u16, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    use std::io::{BufRead, BufReader, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut line = String::new();
    let _ = BufReader::new(s).read_line(&mut line);
    line
}

/// A thousand idle connections against a receiver whose process may hold
/// only 256 descriptors: a signed delivery is still answered, and `watch`
/// still reaches the provider and ends with the polled SN.
#[test]
fn a_thousand_idle_connections_starve_neither_deliveries_nor_polls() {
    use std::io::Read;
    let port = free_port();
    // The SN comes 10 s after the buy: the flood and the delivery come
    // first, then the poll that ends the wait.
    let sim = SimProcess::start("10s");
    let env = Env::new(&sim, port);
    let id = env.top_up();
    let mut watch = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 256 && exec \"$0\" \"$@\"")
        .arg(BIN)
        .arg("--config")
        .arg(&env.config)
        .arg("--data-dir")
        .arg(env.dir.path().join("data"))
        .args(["watch", "--account", "pulsa", &id, "--timeout", "60s"])
        .env("OTPDECK_POLL_INTERVAL_MS", "1000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn watch");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the receiver never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut failures = Vec::new();
    let idle: Vec<std::net::TcpStream> = (0..1000)
        .filter_map(|_| {
            std::net::TcpStream::connect(("127.0.0.1", port))
                .map_err(|e| failures.push(e.to_string()))
                .ok()
        })
        .collect();
    assert!(
        idle.len() > 900,
        "only {} connected: {:?}",
        idle.len(),
        &failures[..failures.len().min(3)]
    );
    // A signed delivery (for a ref_id the journal does not know: kept in
    // the inbox and answered) gets through the flood.
    let body = serde_json::json!({"event": "transaction.success", "timestamp": chrono::Utc::now().to_rfc3339(),
        "data": {"ref_id": "not-ours-1", "status": "success", "sn": "1234", "code": "TELKOMSEL5",
                 "customer_number": "081234567890", "price": 5500}})
    .to_string();
    let sig = otpdeck::engine::webhook::signature::sign(
        SECRET.as_bytes(),
        otpdeck::engine::webhook::signature::Scheme::Hex,
        body.as_bytes(),
    );
    let status = post(port, "/webhook/pulsa", &[("X-Signature", &sig)], &body);
    assert!(status.starts_with("HTTP/1.1 200"), "{status:?}");
    // Most of the flood was closed to make room (EOF on read).
    let closed = idle
        .iter()
        .filter(|s| {
            let mut s: &std::net::TcpStream = s;
            s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
            match s.read(&mut [0u8; 1]) {
                Ok(0) => true,
                Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
                Ok(_) => false,
            }
        })
        .count();
    assert!(closed > 800, "only {closed} idle connections were closed");
    // And the provider is still reached: the poll ends the wait.
    let out = {
        let started = Instant::now();
        loop {
            if watch.try_wait().expect("wait").is_some() {
                break watch.wait_with_output().expect("output");
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = watch.kill();
                panic!("watch did not end");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    drop(idle);
    assert!(out.status.success(), "{}", err(&out));
    let sn = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(sn.len(), 16, "{sn:?}: {}", err(&out));
}

/// `otpdeck serve` runs the push receiver with no dashboard open: a top-up
/// bought from the CLI ends with the pushed SN in the journal while the
/// engine polls ten minutes apart; SIGTERM ends the engine cleanly.
#[test]
fn serve_applies_a_push_with_no_dashboard_open() {
    let port = free_port();
    let target = format!("{KEY}=http://127.0.0.1:{port}/webhook/pulsa");
    let sim = SimProcess::start_with("3s", &["--push", &target, "--push-secret", SECRET]);
    let env = Env::new(&sim, port);
    let run = env.dir.path().join("run");
    std::fs::create_dir(&run).expect("runtime dir");
    let serve = env
        .cmd(&["serve"])
        .env("XDG_RUNTIME_DIR", &run)
        .env("OTPDECK_POLL_INTERVAL_MS", "600000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    // The receiver is up once the engine's socket is.
    common::process::wait_for_engine(&run);
    std::thread::sleep(Duration::from_millis(300));
    let id = env.top_up();
    let mut finished = None;
    for _ in 0..100 {
        let list = env.json(&["orders", "--account", "pulsa"]);
        let o = list.as_array().and_then(|a| {
            a.iter()
                .find(|o| o["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str()))
                .cloned()
        });
        if let Some(o) = o.filter(|o| o["status"] == "finished") {
            finished = Some(o);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let o = finished.expect("the pushed SN ends the top-up in the journal");
    assert_eq!(o["sn"].as_str().map(str::len), Some(16), "{o}");
    // SIGTERM: the engine stops and says so.
    let (ended_well, said) = common::process::stop_engine(serve);
    assert!(ended_well, "{said}");
    assert!(said.contains("engine stopped"), "{said}");
}

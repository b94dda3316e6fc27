//! The scripting commands through the real binary against `otpdeck sim`:
//! buy then watch prints the OTP for each OTP API, a GoTopUp top-up goes
//! pending -> success, replays with the same key charge once, a lost GateOTP
//! reply ends as UNKNOWN without a second buy, the journal keeps everything,
//! and the API key never shows up anywhere.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_otpdeck");

struct Sim {
    child: Child,
    urls: Value,
}

impl Sim {
    fn start(extra: &[&str]) -> Sim {
        let mut child = Command::new(BIN)
            .args(["sim", "--listen", "127.0.0.1:0", "--otp-delay", "1s"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sim");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read urls");
        let urls: Value = serde_json::from_str(&line).expect("sim prints its URLs as JSON");
        Sim { child, urls }
    }

    fn url(&self, api: &str) -> String {
        self.urls[api].as_str().expect("url").to_string()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Env {
    dir: tempfile::TempDir,
    config: PathBuf,
}

const MARKER: &str = "sim-MARKERKEY-7f3a9c";

impl Env {
    fn new(sim: &Sim) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        let text = format!(
            r#"
[[accounts]]
name = "gate"
provider = "gateotp"
base_url = "{g}"
api_key = "{MARKER}-g"

[[accounts]]
name = "nex"
provider = "nexotp"
base_url = "{n}"
api_key_env = "OTPDECK_TEST_NEX_KEY"

[[accounts]]
name = "zap"
provider = "otpzap"
base_url = "{z}"
api_key_cmd = "printf '%s' {MARKER}-z"

[[accounts]]
name = "topup"
provider = "gotopup"
base_url = "{t}"
api_key = "{MARKER}-t"
"#,
            g = sim.url("gateotp"),
            n = sim.url("nexotp"),
            z = sim.url("otpzap"),
            t = sim.url("gotopup"),
        );
        std::fs::write(&config, text).expect("write config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600));
        }
        Env { dir, config }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(BIN)
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.data())
            .args(args)
            .env("OTPDECK_TEST_NEX_KEY", format!("{MARKER}-n"))
            .env("OTPDECK_POLL_INTERVAL_MS", "200")
            .output()
            .expect("run otpdeck");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains("MARKERKEY"),
            "API key leaked in output of {args:?}: {all}"
        );
        out
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.run(&a);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("valid JSON")
    }

    fn balance(&self, account: &str) -> i64 {
        let v = self.json(&["balance", "--account", account]);
        v[0]["balance"].as_i64().expect("balance")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn no_marker_in_dir(dir: &Path) {
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("MARKERKEY"),
            "API key found in {}",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn buy_and_watch(env: &Env, account: &str, buy_args: &[&str]) -> Value {
    let before = env.balance(account);
    let mut args = vec!["buy", "--account", account];
    args.extend_from_slice(buy_args);
    let order = env.json(&args);
    let price = order["price"].as_i64().expect("price");
    assert!(price > 0);
    assert_eq!(
        env.balance(account),
        before - price,
        "{account}: charged exactly the price"
    );
    let id = order["id"].as_i64().expect("id").to_string();
    let out = env.run(&["watch", "--account", account, &id, "--timeout", "30s"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "watch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = stdout(&out);
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_digit()),
        "code {code:?}"
    );
    let orders = env.json(&["orders", "--account", account]);
    let journaled = orders
        .as_array()
        .expect("array")
        .iter()
        .find(|o| o["id"].as_i64().map(|i| i.to_string()) == Some(id.clone()))
        .cloned()
        .expect("order in journal");
    assert_eq!(journaled["otp"].as_str(), Some(code.as_str()));
    journaled
}

#[test]
fn buy_then_watch_prints_the_otp_for_every_api() {
    let sim = Sim::start(&[]);
    let env = Env::new(&sim);
    for account in ["gate", "nex", "zap"] {
        let o = buy_and_watch(
            &env,
            account,
            &["--service", "whatsapp", "--country", "indonesia"],
        );
        assert!(
            matches!(
                o["status"].as_str(),
                Some("otp_received") | Some("finished")
            ),
            "{o}"
        );
    }
    let o = buy_and_watch(
        &env,
        "topup",
        &["--product", "TELKOMSEL10", "--customer", "081234567890"],
    );
    assert_eq!(o["status"].as_str(), Some("finished"));
    assert_eq!(o["sn"].as_str(), o["otp"].as_str());
    // Everything survived the processes that wrote it.
    let all = env.json(&["orders"]);
    assert_eq!(all.as_array().map(|a| a.len()), Some(4));
    no_marker_in_dir(&env.data());
}

#[test]
fn a_replayed_key_charges_once() {
    let sim = Sim::start(&[]);
    let env = Env::new(&sim);
    let cases: [(&str, &[&str]); 3] = [
        ("nex", &["--service", "whatsapp", "--country", "id"]),
        ("zap", &["--service", "telegram", "--country", "indonesia"]),
        (
            "topup",
            &["--product", "TELKOMSEL5", "--customer", "081298765432"],
        ),
    ];
    for (account, what) in cases {
        let before = env.balance(account);
        let mut args = vec![
            "buy",
            "--account",
            account,
            "--idempotency-key",
            "replay-key-1",
        ];
        args.extend_from_slice(what);
        let first = env.json(&args);
        let second = env.json(&args);
        assert_eq!(first["id"], second["id"], "{account}: same journal order");
        assert_eq!(first["provider_order_id"], second["provider_order_id"]);
        let price = first["price"].as_i64().expect("price");
        assert_eq!(
            env.balance(account),
            before - price,
            "{account}: charged once"
        );
    }
}

#[test]
fn a_lost_gateotp_reply_is_unknown_and_never_rebought() {
    let sim = Sim::start(&["--faults", "gateotp:/api/otp/order:lose"]);
    let env = Env::new(&sim);
    let before = env.balance("gate");
    let out = env.run(&[
        "buy",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "id",
        "--idempotency-key",
        "lost-1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("UNKNOWN"), "{err}");
    let orders = env.json(&["orders", "--active"]);
    assert_eq!(orders[0]["status"].as_str(), Some("unknown"));
    let price = orders[0]["price"].as_i64().expect("price");
    // The sim did charge; the client must not buy again with the same key.
    assert_eq!(env.balance("gate"), before - price);
    let again = env.run(&[
        "buy",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "id",
        "--idempotency-key",
        "lost-1",
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(env.balance("gate"), before - price, "no second charge");
    no_marker_in_dir(&env.data());
}

#[test]
fn cancel_refunds_and_bad_input_gets_a_sentence() {
    let sim = Sim::start(&[]);
    let env = Env::new(&sim);
    let before = env.balance("nex");
    let o = env.json(&[
        "buy",
        "--account",
        "nex",
        "--service",
        "telegram",
        "--country",
        "id",
    ]);
    let id = o["id"].as_i64().expect("id").to_string();
    let c = env.json(&["cancel", "--account", "nex", &id]);
    assert_eq!(c["status"].as_str(), Some("cancelled"));
    assert_eq!(env.balance("nex"), before);
    let w = env.run(&["watch", "--account", "nex", &id]);
    assert_eq!(
        w.status.code(),
        Some(3),
        "watch on a cancelled order exits 3"
    );

    let bad = env.run(&["buy", "--account", "nobody", "--service", "x"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("no account named 'nobody'"), "{err}");
    assert!(!err.contains("panicked"));
    let bad = env.run(&[
        "buy",
        "--account",
        "nex",
        "--service",
        "nosuchservice",
        "--country",
        "id",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let bad = env.run(&[
        "buy",
        "--account",
        "nex",
        "--service",
        "whatsapp",
        "--country",
        "id",
        "--max-price",
        "1",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("max-price"));
    let t = env.run(&["watch", "--account", "gate", "999999"]);
    assert_eq!(t.status.code(), Some(1));
}

#[test]
fn broken_config_and_unreachable_hosts_get_a_sentence() {
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "theme = \"dark\"\n[[accounts]\nname = \"x\"\n").expect("write");
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&cfg)
        .arg("balance")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("line 2"), "{err}");
    assert!(!err.contains("panicked"));

    std::fs::write(
        &cfg,
        "[[accounts]]\nname = \"x\"\nprovider = \"smsking\"\napi_key = \"sim-1\"\n",
    )
    .expect("write");
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&cfg)
        .arg("accounts")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown provider 'smsking'"));

    // Nothing listens on port 9 of loopback: a clear "could not connect".
    std::fs::write(
        &cfg,
        "[[accounts]]\nname = \"down\"\nprovider = \"nexotp\"\nbase_url = \"http://127.0.0.1:9\"\napi_key = \"sim-MARKERKEY-down\"\n",
    )
    .expect("write");
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&cfg)
        .arg("--data-dir")
        .arg(dir.path().join("d"))
        .args(["balance"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("could not connect"), "{all}");
    assert!(!all.contains("MARKERKEY"));
}

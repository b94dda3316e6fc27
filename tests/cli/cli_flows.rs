//! The scripting commands through the real binary against `otpdeck sim`:
//! buy then watch prints the OTP for each OTP API, a GoTopUp top-up goes
//! pending -> success, replays with the same key charge once, a lost GateOTP
//! reply ends as UNKNOWN without a second buy, the journal keeps everything,
//! and the API key never shows up anywhere.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;

use common::process::{walk, SimProcess, BIN};

struct Env {
    dir: tempfile::TempDir,
    config: PathBuf,
}

const MARKER: &str = "sim-MARKERKEY-7f3a9c";

impl Env {
    fn new(sim: &SimProcess) -> Env {
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

[[accounts]]
name = "omx"
provider = "gotopup"
base_url = "{t}"
otomax_username = "sim-otomax-user"
otomax_sign = "{MARKER}-o"
# The simulator answers a repeated ref_id with its state (issue 11: off
# by default, so an account must say so before polls re-send).
otomax_resend_is_status = true
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
        self.run_in(&self.data(), args)
    }

    /// Runs with another data dir: a fresh journal that knows no orders.
    fn run_in(&self, data: &Path, args: &[&str]) -> Output {
        let out = Command::new(BIN)
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(data)
            .args(args)
            .env("OTPDECK_TEST_NEX_KEY", format!("{MARKER}-n"))
            .env("OTPDECK_POLL_INTERVAL_MS", "200")
            // Everything is logged, so the key-leak checks see every line
            // that could carry a key (request URLs hold the Otomax sign).
            .env("OTPDECK_LOG", "trace")
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

    /// Adds `gatem`: the `gate` account (same key, same wallet) with a
    /// GateOTP markup.
    fn add_marked_up_gate(&self, sim: &SimProcess, markup: i64) {
        let mut text = std::fs::read_to_string(&self.config).expect("config");
        text.push_str(&format!(
            "\n[[accounts]]\nname = \"gatem\"\nprovider = \"gateotp\"\nbase_url = \"{}\"\napi_key = \"{MARKER}-g\"\nmarkup = {markup}\n",
            sim.url("gateotp")
        ));
        common::process::write_private(&self.config, &text);
    }

    fn json(&self, args: &[&str]) -> Value {
        self.json_in(&self.data(), args)
    }

    fn json_in(&self, data: &Path, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.run_in(data, &a);
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

fn buy_and_watch(env: &Env, account: &str, buy_args: &[&str]) -> Value {
    let mut args = vec!["buy", "--account", account];
    args.extend_from_slice(buy_args);
    buy_and_watch_with(env, account, &args)
}

/// Runs `args` (a buy or a bill payment), checks the charge, watches it.
fn buy_and_watch_with(env: &Env, account: &str, args: &[&str]) -> Value {
    let before = env.balance(account);
    let order = env.json(args);
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
    let sim = SimProcess::start("1s");
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
    // The Otomax scheme puts its sign (here the marker) in every URL.
    let o = buy_and_watch(
        &env,
        "omx",
        &["--product", "TELKOMSEL5", "--customer", "081355501234"],
    );
    assert_eq!(o["status"].as_str(), Some("finished"));
    let cat = env.run(&["catalog", "--account", "omx"]);
    assert_eq!(cat.status.code(), Some(0));
    // Everything survived the processes that wrote it.
    let all = env.json(&["orders"]);
    assert_eq!(all.as_array().map(|a| a.len()), Some(5));
    // The trace-level log exists and was searched along with the journal.
    let log = env.data().join("logs").join("otpdeck.log");
    let text = std::fs::read_to_string(&log).expect("log written");
    assert!(
        text.contains("TRACE") || text.contains("DEBUG"),
        "trace log"
    );
    no_marker_in_dir(&env.data());
}

#[test]
fn a_replayed_key_charges_once() {
    let sim = SimProcess::start("1s");
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
        // The journal answered that one. With a journal that has never seen
        // the key, the replay reaches the API, which must deduplicate it.
        let fresh = env.dir.path().join(format!("fresh-{account}"));
        let third = env.json_in(&fresh, &args);
        assert!(first["provider_order_id"].is_string(), "{account}: {first}");
        assert_eq!(
            first["provider_order_id"], third["provider_order_id"],
            "{account}: the API gave back the same order"
        );
        assert_eq!(third["idempotency_key"].as_str(), Some("replay-key-1"));
        let price = first["price"].as_i64().expect("price");
        assert_eq!(third["price"].as_i64(), Some(price), "{account}");
        assert_eq!(
            env.balance(account),
            before - price,
            "{account}: charged once"
        );
        no_marker_in_dir(&fresh);
        // In words: the order the key already holds, not "Bought".
        let again = stdout(&env.run(&args));
        assert!(
            again.contains("was used before") && again.contains("Nothing new was bought"),
            "{account}: {again}"
        );
    }
    // A negative amount and a top-up flag on a number account are named.
    let o = env.run(&["deposit", "create", "--account", "zap", "--amount", "-5"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("positive number of rupiah"), "{err}");
    let o = env.run(&[
        "buy",
        "--account",
        "nex",
        "--product",
        "TELKOMSEL5",
        "--customer",
        "0812",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("for GoTopUp"), "{err}");
}

#[test]
fn a_lost_gateotp_reply_is_unknown_and_never_rebought() {
    let sim = SimProcess::start_with("1s", &["--faults", "gateotp:/api/otp/order:lose"]);
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

/// The user checked the provider: `resolve` closes an UNKNOWN order either
/// way, journaled as settled by hand, and it leaves `orders --active`.
#[test]
fn resolve_settles_a_lost_gateotp_buy_by_hand() {
    let sim = SimProcess::start_with("1s", &["--faults", "gateotp:/api/otp/order:lose"]);
    let env = Env::new(&sim);
    let buy = |key: &str| {
        env.run(&[
            "buy",
            "--account",
            "gate",
            "--service",
            "whatsapp",
            "--country",
            "id",
            "--idempotency-key",
            key,
        ])
    };
    assert_eq!(buy("lost-a").status.code(), Some(1));
    assert_eq!(buy("lost-b").status.code(), Some(1));
    let active = env.json(&["orders", "--active"]);
    assert_eq!(active.as_array().map(Vec::len), Some(2), "{active}");
    let (b_id, a_id) = (
        active[0]["id"].as_i64().expect("id"),
        active[1]["id"].as_i64().expect("id"),
    );
    // Neither answer, or both, is a usage error.
    let none = env.run(&["resolve", "--account", "gate", &a_id.to_string()]);
    assert_eq!(none.status.code(), Some(2));
    let both = env.run(&[
        "resolve",
        "--account",
        "gate",
        &a_id.to_string(),
        "--charged",
        "--not-charged",
    ]);
    assert_eq!(both.status.code(), Some(2));

    let closed = env.json(&[
        "resolve",
        "--account",
        "gate",
        &a_id.to_string(),
        "--not-charged",
    ]);
    assert_eq!(closed["status"].as_str(), Some("failed"), "{closed}");
    assert!(closed["note"]
        .as_str()
        .unwrap_or("")
        .contains("settled by hand"));
    let charged = env.json(&[
        "resolve",
        "--account",
        "gate",
        &format!("#{b_id}"),
        "--charged",
        "--number",
        "+62 812 0000 1111",
    ]);
    assert_eq!(charged["status"].as_str(), Some("finished"), "{charged}");
    assert_eq!(charged["number"].as_str(), Some("+6281200001111"));
    let active = env.json(&["orders", "--active"]);
    assert_eq!(active.as_array().map(Vec::len), Some(0), "{active}");
    // Both stay in `orders`, with how they were settled.
    let all = env.json(&["orders"]);
    assert_eq!(all.as_array().map(Vec::len), Some(2), "{all}");
    let text = stdout(&env.run(&["orders"]));
    assert_eq!(text.matches("settled by hand").count(), 2, "{text}");
    // Settled once: a second answer is refused with a sentence.
    let again = env.run(&[
        "resolve",
        "--account",
        "gate",
        &a_id.to_string(),
        "--charged",
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not unknown"));
    no_marker_in_dir(&env.data());
}

#[test]
fn cancel_refunds_and_bad_input_gets_a_sentence() {
    let sim = SimProcess::start("1s");
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

#[test]
fn watch_gives_up_with_exit_4_when_the_timeout_passes() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    // Offers whose SMS never comes (the sim names them "never delivers").
    let cases: [(&str, &str); 2] = [("gate", "340437:9999"), ("nex", "never")];
    for (account, offer) in cases {
        let o = env.json(&[
            "buy",
            "--account",
            account,
            "--service",
            "whatsapp",
            "--country",
            "indonesia",
            "--offer",
            offer,
        ]);
        assert_eq!(o["status"].as_str(), Some("waiting"), "{account}: {o}");
        let id = o["id"].as_i64().expect("id").to_string();
        let started = std::time::Instant::now();
        let out = env.run(&["watch", "--account", account, &id, "--timeout", "2s"]);
        let took = started.elapsed();
        assert_eq!(
            out.status.code(),
            Some(4),
            "{account}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            took >= std::time::Duration::from_secs(2) && took < std::time::Duration::from_secs(120),
            "{account}: watch took {took:?}"
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("timed out"), "{err}");
        assert!(stdout(&out).is_empty(), "no code printed");
        // The order is still open: giving up watching is not cancelling.
        let orders = env.json(&["orders", "--active", "--account", account]);
        assert!(
            orders
                .as_array()
                .expect("array")
                .iter()
                .any(|x| x["id"] == o["id"] && x["status"] == "waiting"),
            "{orders}"
        );
    }
}

#[test]
fn a_lost_gateotp_reply_journals_the_price_with_markup() {
    let sim = SimProcess::start_with("1s", &["--faults", "gateotp:/api/otp/order:lose"]);
    let env = Env::new(&sim);
    let text = std::fs::read_to_string(&env.config).expect("config");
    let key_line = format!("api_key = \"{MARKER}-g\"");
    assert!(text.contains(&key_line));
    std::fs::write(
        &env.config,
        text.replace(&key_line, &format!("{key_line}\nmarkup = 700")),
    )
    .expect("write config");
    let offers = env.json(&[
        "catalog",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "id",
    ]);
    let cheapest = offers
        .as_array()
        .expect("offers")
        .iter()
        .filter(|o| o["stock"].as_i64().is_some_and(|s| s > 0) && o["available"] == true)
        .filter_map(|o| o["price"].as_i64())
        .min()
        .expect("an offer in stock");
    let before = env.balance("gate");
    let out = env.run(&[
        "buy",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "id",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("UNKNOWN"), "{err}");
    let orders = env.json(&["orders", "--active", "--account", "gate"]);
    assert_eq!(orders[0]["status"].as_str(), Some("unknown"));
    let at_risk = orders[0]["price"].as_i64().expect("price");
    assert_eq!(at_risk, cheapest, "the catalog showed price_jual");
    // The journal shows what the provider really took.
    assert_eq!(env.balance("gate"), before - at_risk);
    let shown = format!("{}", at_risk);
    let digits: String = err.chars().filter(char::is_ascii_digit).collect();
    assert!(digits.contains(&shown), "the error names the amount: {err}");
}

#[test]
fn an_otpzap_cancel_in_cooldown_is_a_state_with_its_own_exit_code() {
    let sim = SimProcess::start_with("1s", &["--cancel-cooldown", "2m"]);
    let env = Env::new(&sim);
    let o = env.json(&[
        "buy",
        "--account",
        "zap",
        "--service",
        "telegram",
        "--country",
        "indonesia",
    ]);
    let id = o["id"].as_i64().expect("id");
    let out = env.run(&["cancel", "--account", "zap", &id.to_string()]);
    assert_eq!(out.status.code(), Some(5), "cooldown exit code");
    let err = String::from_utf8_lossy(&out.stderr);
    let secs: u64 = err
        .split("the provider allows cancelling in ")
        .nth(1)
        .and_then(|rest| rest.split(" s").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("says when: {err}"));
    assert!((1..=120).contains(&secs), "{secs}");
    let j = env.run(&["--json", "cancel", "--account", "zap", &id.to_string()]);
    assert_eq!(j.status.code(), Some(5));
    let v: Value = serde_json::from_slice(&j.stdout).expect("JSON");
    assert_eq!(v["action"].as_str(), Some("cancel"));
    assert!(v["cooldown_seconds"].as_u64().is_some_and(|s| s <= 120));
    // Journaled as a cooldown with its seconds, never as a failed cancel;
    // the order is still waiting.
    let journal = otpdeck::engine::journal::Journal::open(&env.data().join("journal.sqlite3"))
        .expect("journal");
    let events = journal.events(id).expect("events");
    let cooldowns: Vec<_> = events
        .iter()
        .filter(|(kind, _, _)| kind == "cancel_cooldown")
        .collect();
    assert_eq!(cooldowns.len(), 2, "{events:?}");
    assert_eq!(cooldowns[0].2.as_deref(), Some(secs.to_string().as_str()));
    assert!(
        !events.iter().any(|(kind, _, _)| kind == "cancel_failed"),
        "{events:?}"
    );
    let order = journal.order(id).expect("read").expect("order");
    assert_eq!(order.status.as_str(), "waiting");
}

#[test]
fn gateotp_catalog_shows_operators_and_buy_checks_them() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    let offers = env.json(&[
        "catalog",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "indonesia",
    ]);
    let first = &offers[0];
    let ops: Vec<&str> = first["operators"]
        .as_array()
        .expect("operators")
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    assert!(
        ops.contains(&"telkomsel") && ops.contains(&"any"),
        "{ops:?}"
    );
    let text = env.run(&[
        "catalog",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "indonesia",
    ]);
    assert!(stdout(&text).contains("telkomsel"), "{}", stdout(&text));

    let before = env.balance("gate");
    let bad = env.run(&[
        "buy",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "indonesia",
        "--operator",
        "nosuchtelco",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("operator 'nosuchtelco'") && err.contains("telkomsel"),
        "{err}"
    );
    assert_eq!(env.balance("gate"), before, "nothing bought");

    let o = env.json(&[
        "buy",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "indonesia",
        "--operator",
        "Telkomsel",
    ]);
    assert_eq!(o["operator"].as_str(), Some("telkomsel"), "{o}");
}

/// In-stock offers' (id, price) from `catalog --json`.
fn offer_prices(offers: &Value) -> Vec<(String, i64)> {
    offers
        .as_array()
        .expect("offers")
        .iter()
        .filter(|o| o["stock"].as_i64().is_some_and(|s| s > 0) && o["available"] == true)
        .map(|o| {
            (
                o["id"].as_str().expect("id").to_string(),
                o["price"].as_i64().expect("price"),
            )
        })
        .collect()
}

#[test]
fn the_gateotp_markup_is_in_every_price_a_buy_is_judged_by() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    env.add_marked_up_gate(&sim, 700);
    let catalog = |account: &str| {
        offer_prices(&env.json(&[
            "catalog",
            "--account",
            account,
            "--service",
            "whatsapp",
            "--country",
            "id",
        ]))
    };
    let (plain, marked) = (catalog("gate"), catalog("gatem"));
    assert!(!plain.is_empty());
    assert_eq!(plain.len(), marked.len());
    for ((id, price), (mid, mprice)) in plain.iter().zip(&marked) {
        assert_eq!(
            (id, price + 700),
            (mid, *mprice),
            "the catalog shows price + markup"
        );
    }
    let cheapest = marked.iter().map(|(_, p)| *p).min().expect("cheapest");
    let buy = |max: i64| {
        let max = max.to_string();
        let args = [
            "buy",
            "--account",
            "gatem",
            "--service",
            "whatsapp",
            "--country",
            "id",
            "--max-price",
            &max,
        ];
        env.run(&args)
    };

    // A cap between the price and price + markup: refused, nothing bought.
    let before = env.balance("gatem");
    let refused = buy(cheapest - 1);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("max-price"), "{err}");
    assert_eq!(env.balance("gatem"), before, "nothing bought");
    assert_eq!(env.json(&["orders"]).as_array().map(Vec::len), Some(0));

    // At price + markup: bought, and the journal and the balance move by it.
    let mut args = vec!["--json"];
    let max = cheapest.to_string();
    args.extend([
        "buy",
        "--account",
        "gatem",
        "--service",
        "whatsapp",
        "--country",
        "id",
        "--max-price",
        &max,
    ]);
    let out = env.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let o: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(o["price"].as_i64(), Some(cheapest));
    assert_eq!(env.balance("gatem"), before - cheapest);
    // The key the CLI made keeps within every API's idempotency key / ref_id.
    let key = o["idempotency_key"].as_str().expect("key");
    assert_eq!(key.len(), otpdeck::domain::KEY_LEN, "{key}");
    assert!(
        key.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{key}"
    );
    let orders = env.json(&["orders", "--account", "gatem"]);
    assert_eq!(orders[0]["price"].as_i64(), Some(cheapest), "journaled");
}

#[test]
fn replace_and_unsupported_operations_go_through_one_entry_point() {
    let sim = SimProcess::start("60s");
    let env = Env::new(&sim);
    let s1 = offer_prices(&env.json(&[
        "catalog",
        "--account",
        "zap",
        "--service",
        "whatsapp",
        "--country",
        "indonesia",
    ]))
    .into_iter()
    .find(|(id, _)| id.starts_with("s1:"))
    .expect("a Server 1 offer");
    let old = env.json(&[
        "buy",
        "--account",
        "zap",
        "--service",
        "whatsapp",
        "--country",
        "indonesia",
        "--offer",
        &s1.0,
    ]);
    let old_id = old["id"].as_i64().expect("id");
    let new = env.json(&["replace", "--account", "zap", &old_id.to_string()]);
    assert_ne!(new["id"].as_i64(), Some(old_id));
    assert_eq!(new["status"].as_str(), Some("waiting"), "{new}");
    assert_ne!(new["number"], old["number"]);
    let orders = env.json(&["orders", "--account", "zap"]);
    let status_of = |id: i64| {
        orders
            .as_array()
            .expect("orders")
            .iter()
            .find(|o| o["id"].as_i64() == Some(id))
            .and_then(|o| o["status"].as_str())
            .map(str::to_string)
    };
    assert_eq!(status_of(old_id).as_deref(), Some("cancelled"));

    // NEXOTP has no finish or replace: a sentence, nothing sent.
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
    for (cmd, word) in [("finish", "finished"), ("replace", "replaced")] {
        let out = env.run(&[cmd, "--account", "nex", &id]);
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("NEXOTP orders cannot be {word} through its API")),
            "{err}"
        );
    }
}

#[test]
fn services_and_countries_are_named_the_same_way_on_every_api() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    for account in ["gate", "nex", "zap"] {
        for (service, country) in [
            ("Whats App", "+62"),
            ("WHATSAPP", "id"),
            ("wa", "62"),
            ("Telegram", "indo"),
        ] {
            let offers = env.json(&[
                "catalog",
                "--account",
                account,
                "--service",
                service,
                "--country",
                country,
            ]);
            assert!(
                offers.as_array().is_some_and(|o| !o.is_empty()),
                "{account} {service} {country}: {offers}"
            );
        }
    }
    // A unique prefix is enough; a shared one lists what it could mean.
    let tele = env.json(&[
        "catalog",
        "--account",
        "gate",
        "--service",
        "tele",
        "--country",
        "id",
    ]);
    assert!(tele.as_array().is_some_and(|o| !o.is_empty()), "{tele}");
    let out = env.run(&["catalog", "--account", "zap", "--service", "server"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "'server' matches several services: Server 2 (by country), Server 2 special services"
        ),
        "{err}"
    );
    let out = env.run(&[
        "catalog",
        "--account",
        "nex",
        "--service",
        "whatsapp",
        "--country",
        "ind",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'ind' matches several countries: Indonesia, India"),
        "{err}"
    );
    let out = env.run(&[
        "catalog",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "narnia",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no country matches 'narnia' (available: Indonesia"),
        "{err}"
    );
}

/// `otpdeck deposit` through the binary: below the minimum nothing is
/// sent; create prints the invoice (QR drawn without --json), watch exits
/// 0 once paid, the balance rises, and `deposits` lists it; GateOTP cancel.
#[test]
fn deposits_from_the_command_line() {
    let sim = SimProcess::start_with("1s", &["--deposit-paid-after", "2s"]);
    let env = Env::new(&sim);
    let out = env.run(&["deposit", "create", "--account", "gate", "--amount", "1500"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("at least Rp 2.000") && err.contains("not sent"),
        "{err}"
    );
    let out = env.run(&["deposit", "create", "--account", "nex", "--amount", "50000"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no deposits"));

    let before = env.json(&["balance", "--account", "gate"])[0]["balance"]
        .as_i64()
        .expect("balance");
    let out = env.run(&[
        "deposit",
        "create",
        "--account",
        "gate",
        "--amount",
        "20000",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(
        text.contains("pending") && text.contains("Rp 20.200"),
        "{text}"
    );
    assert!(text.contains("█▀▀▀▀▀█"), "the QR code is drawn:\n{text}");
    let out = env.run(&[
        "deposit",
        "watch",
        "--account",
        "gate",
        "1",
        "--timeout",
        "60s",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("credited Rp 20.000"),
        "{}",
        stdout(&out)
    );
    let after = env.json(&["balance", "--account", "gate"])[0]["balance"]
        .as_i64()
        .expect("balance");
    assert_eq!(
        after - before,
        20_000,
        "the balance rose by what was credited"
    );

    let d = env.json(&["deposit", "create", "--account", "zap", "--amount", "30000"]);
    assert_eq!(d["status"].as_str(), Some("pending"), "{d}");
    assert!(
        d["payment"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://")),
        "{d}"
    );
    assert!(d["expires_at"].as_str().is_some(), "{d}");
    let list = env.json(&["deposits"]);
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");

    // A simulator that never gets paid, so the cancel cannot race it.
    let unpaid = SimProcess::start_with("1s", &["--deposit-paid-after", "1h"]);
    let env = Env::new(&unpaid);
    let g = env.json(&["deposit", "create", "--account", "gate", "--amount", "5000"]);
    let id = g["id"].as_i64().expect("id").to_string();
    let c = env.json(&["deposit", "cancel", "--account", "gate", &id]);
    assert_eq!(c["status"].as_str(), Some("cancelled"), "{c}");
}

/// A GateOTP USDT TRC-20 invoice: the fields its reply carries beyond the
/// doc's QRIS ones (the simulator sends an address, a USDT amount and a
/// network) are printed whole, each labelled by its key, and `deposit
/// status` prints them again from the journal; `--json` has them too.
#[test]
fn a_usdt_deposit_prints_the_address_and_usdt_amount() {
    let sim = SimProcess::start_with("1s", &["--deposit-paid-after", "1h"]);
    let env = Env::new(&sim);
    let out = env.run(&[
        "deposit",
        "create",
        "--account",
        "gate",
        "--amount",
        "50000",
        "--method",
        "usdt-trc-20",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    // Rp 51.000 at the simulator's Rp 16.250 to the USDT.
    for line in [
        "address      TSimulatorUsdtAddressWN",
        "amount_usdt  3.138462",
        "network      TRC-20 (TRON)",
    ] {
        assert!(text.contains(line), "{line:?} missing:\n{text}");
    }
    let status = stdout(&env.run(&["deposit", "status", "--account", "gate", "1"]));
    assert!(
        status.contains("amount_usdt  3.138462"),
        "kept in the journal:\n{status}"
    );
    let d = env.json(&["deposit", "status", "--account", "gate", "1"]);
    assert!(d["extras"].to_string().contains("3.138462"), "{d}");
}

/// `best` lists the offers of every OTP account cheapest first; `buy
/// --best` buys on the cheapest account; after its OTP, `best` shows the
/// user's own record of that offer.
#[test]
fn best_compares_every_otp_account_and_buy_best_takes_the_cheapest() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    let t = env.json(&["best", "--service", "whatsapp", "--country", "indonesia"]);
    let offers = t["offers"].as_array().expect("offers");
    let accounts: std::collections::BTreeSet<&str> = offers
        .iter()
        .filter_map(|o| o["account"].as_str())
        .collect();
    for a in ["gate", "nex", "zap"] {
        assert!(accounts.contains(a), "{a} missing: {t}");
    }
    // OTPZap in both its ways: Server 1 products and Server 2 (asked for
    // this one country only).
    for server in ["s1:", "s2:"] {
        assert!(
            offers.iter().any(|o| o["account"] == "zap"
                && o["offer_id"]
                    .as_str()
                    .is_some_and(|id| id.starts_with(server))),
            "zap {server} missing: {t}"
        );
    }
    let prices: Vec<i64> = offers.iter().filter_map(|o| o["price"].as_i64()).collect();
    assert!(
        prices.windows(2).all(|w| w[0] <= w[1]),
        "cheapest first: {prices:?}"
    );
    let first = &offers[0];
    assert_eq!(first["own_orders"].as_i64(), Some(0), "{first}");

    let o = env.json(&["buy", "--best", "--service", "whatsapp", "--country", "id"]);
    assert_eq!(o["account"], first["account"], "{o}");
    assert_eq!(o["price"], first["price"], "{o}");
    let id = o["id"].as_i64().expect("id").to_string();
    let account = o["account"].as_str().expect("account").to_string();
    let w = env.run(&["watch", "--account", &account, &id, "--timeout", "60s"]);
    assert_eq!(
        w.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&w.stderr)
    );

    let t = env.json(&["best", "--service", "wa", "--country", "+62"]);
    let same = t["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .find(|x| x["account"] == first["account"] && x["offer_id"] == first["offer_id"])
        .cloned()
        .expect("the offer bought");
    assert_eq!(same["own_orders"].as_i64(), Some(1), "{same}");
    assert_eq!(same["own_otp_rate"].as_f64(), Some(100.0), "{same}");
    assert!(same["own_median_secs"].as_i64().is_some(), "{same}");

    // The statistics read the same journal.
    let stats = env.json(&["stats", "--by", "offer"]);
    let group = format!(
        "{} {}",
        first["account"].as_str().expect("account"),
        first["offer_id"].as_str().expect("offer")
    );
    let g = stats
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["group"] == group.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("no group {group}: {stats}"));
    assert_eq!(
        (g["orders"].as_i64(), g["with_otp"].as_i64()),
        (Some(1), Some(1)),
        "{g}"
    );
    assert_eq!(g["otp_rate"].as_f64(), Some(100.0), "{g}");
    assert!(
        g["median_secs"].as_i64().is_some() && g["spent"].as_i64().is_some(),
        "{g}"
    );
    // A name of the user's own, from [aliases] in the config.
    let mut text = std::fs::read_to_string(&env.config).expect("config");
    text.push_str("\n[aliases]\nwhatsapp = [\"zap zap\", \"wabiz\"]\n");
    common::process::write_private(&env.config, &text);
    let t = env.json(&["best", "--service", "wabiz", "--country", "indonesia"]);
    assert!(
        t["offers"]
            .as_array()
            .is_some_and(|o| o.iter().all(|x| x["service"] == "WhatsApp") && !o.is_empty()),
        "{t}"
    );
    let csv = env.run(&["stats", "--by", "provider", "--csv"]);
    assert!(
        stdout(&csv).starts_with("group,orders,with_otp,otp_rate"),
        "{}",
        stdout(&csv)
    );
}

/// `[rules]`: a daily_spend_cap refuses the buy that would pass it, with
/// what was spent and what is left, and nothing is sent; a max_price for a
/// service refuses above it; buy --best skips offers the rules refuse.
#[test]
fn spending_rules_refuse_before_anything_is_sent() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    let mut text = std::fs::read_to_string(&env.config).expect("config");
    text.push_str(
        "\n[rules]\ndaily_spend_cap = 5000\n[rules.max_price_by_service]\ntelegram = 1000\n",
    );
    common::process::write_private(&env.config, &text);
    let buy = [
        "buy",
        "--account",
        "gate",
        "--service",
        "whatsapp",
        "--country",
        "indonesia",
    ];
    let first = env.json(&buy);
    assert_eq!(first["price"].as_i64(), Some(3300), "{first}");
    let out = env.run(&buy);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("daily_spend_cap")
            && err.contains("spent today Rp 3.300")
            && err.contains("left Rp 1.700"),
        "{err}"
    );
    let orders = env.json(&["orders"]);
    assert_eq!(
        orders.as_array().map(Vec::len),
        Some(1),
        "nothing sent: {orders}"
    );
    let out = env.run(&[
        "buy",
        "--account",
        "nex",
        "--service",
        "telegram",
        "--country",
        "indonesia",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("max_price"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `otpdeck sim --price KEY=PERCENT` prices one account differently:
/// quoted and charged. With NEXOTP's account 60% cheaper, `best` lists it
/// first and `buy --best` buys there, at that price.
#[test]
fn an_account_priced_differently_by_the_simulator_wins_best() {
    let nex_key = format!("{MARKER}-n");
    let sim = SimProcess::start_with("1s", &["--price", &format!("{nex_key}=-60")]);
    let env = Env::new(&sim);
    let t = env.json(&["best", "--service", "whatsapp", "--country", "indonesia"]);
    let offers = t["offers"].as_array().expect("offers");
    let first = &offers[0];
    assert_eq!(first["account"].as_str(), Some("nex"), "{t}");
    // NEXOTP's cheapest WhatsApp offer in Indonesia is 6550 at list price.
    assert_eq!(first["price"].as_i64(), Some(6550 * 40 / 100), "{first}");
    let o = env.json(&["buy", "--best", "--service", "whatsapp", "--country", "id"]);
    assert_eq!(o["account"].as_str(), Some("nex"), "{o}");
    assert_eq!(o["price"].as_i64(), Some(2620), "{o}");
    let b = env.json(&["balance"]);
    let nex = b
        .as_array()
        .expect("balances")
        .iter()
        .find(|x| x["account"] == "nex")
        .cloned()
        .expect("nex");
    assert_eq!(nex["balance"].as_i64(), Some(500_000 - 2620), "{b}");
}

/// OTPZap Server 2 from the command line: its branch lists a country's
/// services with their operators ("any" first), and a buy carries the
/// operator asked for; an operator the offer lacks is refused unsent.
#[test]
fn otpzap_server_2_buys_carry_the_chosen_operator() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    let offers = env.json(&[
        "catalog",
        "--account",
        "zap",
        "--service",
        "s2",
        "--country",
        "indonesia",
    ]);
    let wa = offers
        .as_array()
        .expect("offers")
        .iter()
        .find(|o| o["label"] == "S2 · WhatsApp")
        .expect("S2 WhatsApp")
        .clone();
    assert_eq!(wa["operators"][0]["id"], "any", "{wa}");
    let offer = wa["id"].as_str().expect("id");
    let before = env.balance("zap");
    let bad = env.run(&[
        "buy",
        "--account",
        "zap",
        "--service",
        "s2",
        "--country",
        "id",
        "--offer",
        offer,
        "--operator",
        "vodafone",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(env.balance("zap"), before, "nothing bought");
    let o = env.json(&[
        "buy",
        "--account",
        "zap",
        "--service",
        "s2",
        "--country",
        "id",
        "--offer",
        offer,
        "--operator",
        "XL",
    ]);
    assert_eq!(o["operator"].as_str(), Some("xl"), "{o}");
    assert_eq!(env.balance("zap"), before - wa["price"].as_i64().unwrap());
}

/// Issue 11: a top-up to a number that cannot be right is refused before
/// anything is sent, with the reason on stderr.
#[test]
fn a_topup_to_a_wrong_number_is_refused_before_sending() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    let before = env.balance("topup");
    for (product, customer, why) in [
        ("XL10", "081234567890", "telkomsel"),
        ("TELKOMSEL10", "0812345", "digits"),
        ("PLN20", "1234", "meter"),
    ] {
        let out = env.run(&[
            "buy",
            "--account",
            "topup",
            "--product",
            product,
            "--customer",
            customer,
        ]);
        assert!(!out.status.success(), "{product} {customer}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not sent") && err.contains(why), "{err}");
    }
    assert_eq!(env.balance("topup"), before, "nothing was charged");
    assert_eq!(env.json(&["orders"]).as_array().map(Vec::len), Some(0));
}

/// Issue 11: `bill inquiry`, then `bill pay` only with the total confirmed,
/// then `watch` to the end, like a top-up.
#[test]
fn a_postpaid_bill_is_asked_confirmed_paid_and_watched() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim);
    let base = [
        "--account",
        "topup",
        "--product",
        "PLN-PASCABAYAR",
        "--customer",
        "12345678901",
    ];
    let mut args = vec!["bill", "inquiry"];
    args.extend_from_slice(&base);
    let bill = env.json(&args);
    let total = bill["total"].as_i64().expect("total");
    assert_eq!(
        total,
        bill["bill"].as_i64().unwrap_or(0) + bill["admin_fee"].as_i64().unwrap_or(0)
    );
    assert!(bill["customer_name"].as_str().is_some());
    let before = env.balance("topup");
    // A postpaid product is not a top-up: `buy` says what to run instead
    // and charges nothing.
    let mut args = vec!["buy"];
    args.extend_from_slice(&base);
    let out = env.run(&args);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("postpaid bill"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.balance("topup"), before);
    // Without --yes (and no terminal to ask on) nothing is paid.
    let mut args = vec!["bill", "pay"];
    args.extend_from_slice(&base);
    let out = env.run(&args);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(env.balance("topup"), before);
    args.push("--yes");
    let o = buy_and_watch_with(&env, "topup", &args);
    assert_eq!(o["status"].as_str(), Some("finished"));
    assert_eq!(o["price"].as_i64(), Some(total));
    // The provider's history lists it (newest first), with checked flags.
    let h = env.json(&["history", "--account", "topup", "--status", "success"]);
    let rows = h["transactions"].as_array().cloned().unwrap_or_default();
    assert!(
        rows.iter().any(|t| t["price"].as_i64() == Some(total)),
        "{h}"
    );
    for bad in [
        vec!["history", "--account", "topup", "--limit", "101"],
        vec!["history", "--account", "topup", "--status", "done"],
        vec!["history", "--account", "topup", "--from", "31-01-2025"],
    ] {
        let out = env.run(&bad);
        assert!(!out.status.success(), "{bad:?}");
    }
}

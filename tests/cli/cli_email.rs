//! `otpdeck email …` through the real binary against `otpdeck sim`: sites
//! and domains, buy then `watch` prints the OTP, check shows the timeline,
//! reorder brings a second code without a second charge, cancel before
//! any mail refunds the price less the fee, and the rules apply.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

use crate::common;

use common::process::{write_private, SimProcess, BIN};

const KEY: &str = "sim-MARKERKEY-mail";

struct Env {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Env {
    fn new(sim: &SimProcess, rules: &str) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        let text = format!(
            "{rules}\n[[accounts]]\nname = \"zap\"\nprovider = \"otpzap\"\nbase_url = \"{}\"\napi_key = \"{KEY}\"\n",
            sim.url("otpzap")
        );
        write_private(&config, &text);
        Env { dir, config }
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(BIN)
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args)
            .env("OTPDECK_POLL_INTERVAL_MS", "200")
            .output()
            .expect("run otpdeck");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("MARKERKEY"), "key leaked: {all}");
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

    fn balance(&self) -> i64 {
        self.json(&["balance", "--account", "zap"])[0]["balance"]
            .as_i64()
            .expect("balance")
    }
}

#[test]
fn email_buy_then_watch_prints_the_otp_and_reorder_is_free() {
    let sim = SimProcess::start("1s");
    let env = Env::new(&sim, "");
    let sites = env.json(&["email", "sites", "--account", "zap"]);
    assert!(sites
        .as_array()
        .expect("list")
        .iter()
        .any(|s| s["site"] == "openai.com"));
    let domains = env.json(&[
        "email",
        "domains",
        "--account",
        "zap",
        "--site",
        "openai.com",
    ]);
    let gmail = domains
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["domain"] == "gmail.com")
        .expect("gmail")
        .clone();
    assert_eq!(gmail["price"], 3000);
    assert_eq!(gmail["cancel_fee"], 500);

    let before = env.balance();
    let o = env.json(&[
        "email",
        "buy",
        "--account",
        "zap",
        "--site",
        "openai.com",
        "--domain",
        "gmail.com",
        "--subject",
        "code",
    ]);
    let id = o["id"].as_i64().expect("id").to_string();
    assert!(
        o["number"]
            .as_str()
            .is_some_and(|n| n.ends_with("@gmail.com")),
        "{o}"
    );
    assert_eq!(env.balance(), before - 3000);

    let out = env.run(&["watch", "--account", "zap", &id, "--timeout", "20s"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(first.len(), 6, "an OTP: {first}");
    assert!(first.chars().all(|c| c.is_ascii_digit()));

    let check = env.json(&["email", "check", "--account", "zap", &id]);
    assert_eq!(
        check["messages"].as_array().map(Vec::len),
        Some(1),
        "{check}"
    );
    assert!(check["messages"][0]["preview"]
        .as_str()
        .is_some_and(|p| p.contains(&first)));

    // Cancel after mail is refused; reorder brings a second code, free.
    assert!(!env
        .run(&["email", "cancel", "--account", "zap", &id])
        .status
        .success());
    let out = env.run(&["email", "reorder", "--account", "zap", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut second = String::new();
    for _ in 0..60 {
        let c = env.json(&["email", "check", "--account", "zap", &id]);
        if c["messages"].as_array().map(Vec::len) == Some(2) {
            second = c["otp"].as_str().expect("otp").to_string();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(!second.is_empty() && second != first, "{second} vs {first}");
    assert_eq!(env.balance(), before - 3000, "reorder is not charged");
    let fin = env.json(&["email", "finish", "--account", "zap", &id]);
    assert_eq!(fin["status"], "finished");
    // The email commands refuse SMS orders.
    let sms = env.json(&[
        "buy",
        "--account",
        "zap",
        "--service",
        "telegram",
        "--country",
        "indonesia",
    ]);
    let sid = sms["id"].as_i64().expect("id").to_string();
    assert!(!env
        .run(&["email", "check", "--account", "zap", &sid])
        .status
        .success());
}

#[test]
fn email_cancel_before_mail_refunds_less_fee_and_rules_apply() {
    let sim = SimProcess::start("1h");
    let env = Env::new(&sim, "[rules]\nmax_price = 2500\n");
    let before = env.balance();
    // Over the max_price rule: refused before anything is sent.
    let out = env.run(&[
        "email",
        "buy",
        "--account",
        "zap",
        "--site",
        "openai.com",
        "--domain",
        "gmail.com",
    ]);
    assert!(!out.status.success());
    assert_eq!(env.balance(), before);
    let out = env.run(&[
        "email",
        "buy",
        "--account",
        "zap",
        "--site",
        "openai.com",
        "--domain",
        "outlook.com",
        "--max-price",
        "2000",
    ]);
    assert!(!out.status.success(), "--max-price refuses 2200");
    let o = env.json(&[
        "email",
        "buy",
        "--account",
        "zap",
        "--site",
        "openai.com",
        "--domain",
        "outlook.com",
    ]);
    let id = o["id"].as_i64().expect("id").to_string();
    assert_eq!(env.balance(), before - 2200);
    let c = env.json(&["email", "cancel", "--account", "zap", &id]);
    assert_eq!(c["status"], "cancelled");
    assert_eq!(c["refunded"], 1900);
    assert_eq!(env.balance(), before - 300);
}

/// `--qty` is checked whole against the daily cap: three inboxes at 2200
/// under a cap of 5000 buy nothing (not two then a refusal); two do.
#[test]
fn a_quantity_over_the_daily_cap_buys_nothing() {
    let sim = SimProcess::start("1h");
    let env = Env::new(&sim, "[rules]\ndaily_spend_cap = 5000\n");
    let before = env.balance();
    let args = |qty: &'static str| {
        [
            "email",
            "buy",
            "--account",
            "zap",
            "--site",
            "openai.com",
            "--domain",
            "outlook.com",
            "--qty",
            qty,
        ]
    };
    let out = env.run(&args("3"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("daily_spend_cap"), "{err}");
    assert!(err.contains("6.600"), "the total is named: {err}");
    assert_eq!(env.balance(), before, "nothing bought");
    let out = env.run(&args("2"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.balance(), before - 4400);
}

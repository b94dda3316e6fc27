//! SIGKILLs the real binary at random moments during buys and polls, 50
//! times, against `otpdeck sim`. After each kill the journal passes
//! `PRAGMA integrity_check`; at the end every order is reconciled, every
//! charge is in the journal (the simulator's balance change equals the
//! journal's charges to the rupiah), active orders resume and get their OTP.

use otpdeck::domain::OrderStatus;
use otpdeck::engine::journal::{Journal, OrderFilter};
use rand::Rng;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_otpdeck");

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn otpdeck(config: &PathBuf, data: &PathBuf) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .env("OTPDECK_POLL_INTERVAL_MS", "100")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn balance(config: &PathBuf, data: &PathBuf, account: &str) -> i64 {
    let out = otpdeck(config, data)
        .args(["--json", "balance", "--account", account])
        .output()
        .expect("balance");
    let v: Value = serde_json::from_slice(&out.stdout).expect("balance json");
    v[0]["balance"].as_i64().expect("balance figure")
}

#[test]
fn fifty_kills_lose_nothing() {
    let mut sim = Command::new(BIN)
        .args(["sim", "--listen", "127.0.0.1:0", "--otp-delay", "300ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sim");
    let mut line = String::new();
    BufReader::new(sim.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("urls");
    let _sim = Sim(sim);
    let urls: Value = serde_json::from_str(&line).expect("urls json");
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    let data = dir.path().join("data");
    std::fs::write(
        &config,
        format!(
            "[[accounts]]\nname = \"nex\"\nprovider = \"nexotp\"\nbase_url = \"{}\"\napi_key = \"sim-crash-n\"\n\n\
             [[accounts]]\nname = \"zap\"\nprovider = \"otpzap\"\nbase_url = \"{}\"\napi_key = \"sim-crash-z\"\n",
            urls["nexotp"].as_str().expect("nex url"),
            urls["otpzap"].as_str().expect("zap url"),
        ),
    )
    .expect("config");
    let accounts = ["nex", "zap"];
    let start: Vec<i64> = accounts
        .iter()
        .map(|a| balance(&config, &data, a))
        .collect();
    let mut rng = rand::rng();
    for i in 0..50 {
        let account = accounts[i % 2];
        let journal_path = data.join("journal.sqlite3");
        let mut cmd = otpdeck(&config, &data);
        let existing = if journal_path.exists() {
            Journal::open(&journal_path)
                .expect("open")
                .orders(&OrderFilter {
                    account: Some(account.into()),
                    active_only: true,
                    limit: Some(5),
                })
                .expect("orders")
        } else {
            Vec::new()
        };
        if i % 3 == 2 && !existing.is_empty() {
            let o = &existing[rng.random_range(0..existing.len())];
            cmd.args(["watch", "--account", account, &o.id.to_string()]);
        } else {
            cmd.args([
                "buy",
                "--account",
                account,
                "--service",
                "telegram",
                "--country",
                "id",
                "--idempotency-key",
                &format!("crash-{i}"),
            ]);
        }
        let mut child = cmd.spawn().expect("spawn");
        std::thread::sleep(Duration::from_millis(rng.random_range(5..400)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let j = Journal::open(&journal_path).expect("journal opens after a kill");
        assert!(
            j.integrity_ok().expect("integrity check runs"),
            "integrity after kill {i}"
        );
    }
    // Recovery: watching reconciles unknown buys (same key replayed) and
    // resumes every active order until its OTP arrives.
    let journal_path = data.join("journal.sqlite3");
    let active = Journal::open(&journal_path)
        .expect("open")
        .orders(&OrderFilter {
            active_only: true,
            ..Default::default()
        })
        .expect("orders");
    for o in &active {
        let out = otpdeck(&config, &data)
            .args([
                "watch",
                "--account",
                &o.account,
                &o.id.to_string(),
                "--timeout",
                "20s",
            ])
            .output()
            .expect("watch");
        assert_eq!(
            out.status.code(),
            Some(0),
            "order #{} ({}) did not resume: {}",
            o.id,
            o.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let j = Journal::open(&journal_path).expect("open");
    let all = j.orders(&OrderFilter::default()).expect("orders");
    assert!(!all.is_empty());
    for (a, before) in accounts.iter().zip(start) {
        let mine: Vec<_> = all.iter().filter(|o| o.account == *a).collect();
        for o in &mine {
            assert!(
                !matches!(
                    o.status,
                    OrderStatus::Buying | OrderStatus::Unknown | OrderStatus::Waiting
                ),
                "order #{} left {}",
                o.id,
                o.status
            );
        }
        let charged: i64 = mine
            .iter()
            .filter(|o| o.provider_order_id.is_some() && o.status != OrderStatus::Failed)
            .map(|o| o.price.0)
            .sum();
        let now = balance(&config, &data, a);
        assert_eq!(before - now, charged, "{a}: every charge is in the journal");
        assert!(
            mine.iter()
                .filter(|o| o.provider_order_id.is_some())
                .all(|o| !o.otps.is_empty()),
            "{a}: every placed order has its OTP in the journal"
        );
    }
}

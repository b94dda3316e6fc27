//! Hostile input through the real binary: a provider stand-in whose names,
//! messages, OTPs and SNs carry terminal escapes (`otpdeck sim --hostile`)
//! drives catalog, buy, watch, orders, balance and errors, and no output
//! byte is an escape otpdeck did not write itself; a log file that cannot
//! be made is a warning, not a crash.

use std::path::PathBuf;
use std::process::{Command, Output};

mod common;

use common::process::{write_private, SimProcess, BIN};

struct Env {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Env {
    fn new(sim: &SimProcess) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        let mut text = String::new();
        for (name, api) in [
            ("gate", "gateotp"),
            ("nex", "nexotp"),
            ("zap", "otpzap"),
            ("gtu", "gotopup"),
        ] {
            text.push_str(&format!(
                "[[accounts]]\nname = \"{name}\"\nprovider = \"{api}\"\nbase_url = \"{}\"\napi_key = \"sim-hostile-{name}\"\n\n",
                sim.url(api)
            ));
        }
        write_private(&config, &text);
        Env { dir, config }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args)
            .output()
            .expect("run otpdeck")
    }
}

/// Every byte a terminal could act on: C0 controls but newline and tab,
/// DEL, and C1 controls (UTF-8 C2 80..9F).
fn escapes_in(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        let c1 = *b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n));
        if (*b < 0x20 && *b != b'\n' && *b != b'\t') || *b == 0x7F || c1 {
            out.push(i);
        }
    }
    out
}

fn clean(what: &str, o: &Output) -> String {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let at = escapes_in(bytes);
        assert!(
            at.is_empty(),
            "{what}: {stream} carries {} control bytes: {:?}",
            at.len(),
            String::from_utf8_lossy(bytes)
        );
    }
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn no_provider_text_reaches_the_terminal_as_escapes() {
    let sim = SimProcess::start_with("300ms", &["--hostile"]);
    let env = Env::new(&sim);
    let mut seen = String::new();
    for acc in ["gate", "nex", "zap", "gtu"] {
        let o = env.run(&["catalog", "--account", acc]);
        assert!(o.status.success(), "catalog {acc}");
        seen += &clean(&format!("catalog {acc}"), &o);
    }
    let o = env.run(&["catalog", "--account", "nex", "--service", "telegram"]);
    seen += &clean("countries", &o);
    let o = env.run(&[
        "catalog",
        "--account",
        "gtu",
        "--service",
        "pulsa:telkomsel",
    ]);
    seen += &clean("products", &o);
    seen += &clean("balance", &env.run(&["balance"]));
    let o = env.run(&[
        "buy",
        "--account",
        "nex",
        "--service",
        "telegram",
        "--country",
        "id",
    ]);
    assert!(
        o.status.success(),
        "buy: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    seen += &clean("buy", &o);
    let o = env.run(&["watch", "--account", "nex", "1"]);
    assert!(o.status.success(), "watch");
    let otp = clean("watch", &o);
    // The code itself is found inside the hostile SMS.
    assert!(
        otp.trim().chars().all(|c| c.is_ascii_digit()),
        "watch printed {otp:?}"
    );
    seen += &clean("orders", &env.run(&["orders"]));
    // A refusal whose message is hostile.
    let o = env.run(&["cancel", "--account", "nex", "1"]);
    assert!(!o.status.success());
    seen += &clean("cancel error", &o);
    // A top-up whose SN is hostile.
    let o = env.run(&[
        "buy",
        "--account",
        "gtu",
        "--product",
        "TELKOMSEL5",
        "--customer",
        "081234567890",
    ]);
    assert!(
        o.status.success(),
        "top-up: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    seen += &clean("top-up", &o);
    let o = env.run(&["watch", "--account", "gtu", "2"]);
    seen += &clean("top-up watch", &o);
    seen += &clean("orders after top-up", &env.run(&["orders"]));
    // What was hostile is still there to read, made visible.
    assert!(seen.contains("Telegram\u{241b}]52;c;"), "{seen}");
    assert!(seen.contains("\u{241b}[8m"), "{seen}");
    assert!(seen.contains("rm -rf ~"), "the SN's tail is shown: {seen}");
}

#[test]
fn a_log_file_that_cannot_be_made_is_a_warning() {
    let sim = SimProcess::start("300ms");
    let env = Env::new(&sim);
    // The log dir's place is taken by a file: nothing can be created in it.
    let state = env.dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(state.join("logs"), b"not a dir").unwrap();
    let o = Command::new(BIN)
        .arg("--config")
        .arg(&env.config)
        .arg("--data-dir")
        .arg(&state)
        .arg("balance")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "exit {:?}: {err}", o.status.code());
    assert!(err.contains("no log this run"), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("Rp 500.000"));
}

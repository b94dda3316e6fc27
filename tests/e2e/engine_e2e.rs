//! `otpdeck serve` and its screens, the real binary in tmux against
//! `otpdeck sim`: a second engine is refused; the socket is 0600; two
//! dashboards on one data dir poll an order once; closing one leaves the
//! other's updates; `c` copies on the screen's side; with no dashboard at
//! all the engine gets the OTP into the journal; a remote screen (through
//! `attach --stdio`) shows the engine's orders and copies on its own side;
//! an engine SIGKILLed under two screens comes back and both attach
//! again, nothing lost.

use crate::common;

use common::process::{write_private, SimProcess, BIN};
use common::tmux::{line_with, tmux_ready, Tmux};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// GateOTP status polls in the simulator's request log so far.
fn polls(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("request GateOtp") && l.contains("/status"))
        .count()
}

/// The PID the engine wrote in its lock.
fn engine_pid(data: &Path) -> String {
    std::fs::read_to_string(data.join("engine.lock"))
        .expect("engine.lock")
        .trim()
        .to_string()
}

#[test]
fn serve_and_two_screens_in_tmux() {
    if !tmux_ready("the engine test") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("requests.log");
    let sim = SimProcess::start_logging("20s", &log);
    let cfg = dir.path().join("config.toml");
    write_private(
        &cfg,
        &format!(
            "clipboard = \"osc52\"\n[[accounts]]\nname = \"gate\"\nprovider = \"gateotp\"\nbase_url = \"{}\"\napi_key = \"sim-e2e-engine\"\n",
            sim.url("gateotp")
        ),
    );
    let data = dir.path().join("data");
    let run = dir.path().join("run");
    std::fs::create_dir(&run).expect("runtime dir");
    let env = format!("env XDG_RUNTIME_DIR={} TERM=xterm-256color", run.display());
    let base = format!(
        "{BIN} --config {} --data-dir {}",
        cfg.display(),
        data.display()
    );

    let engine = Tmux::new("engine");
    engine.start(&format!("{env} {base} serve"));
    engine.wait_for("the engine", 10, |s| s.contains("otpdeck engine (PID"));
    let sock = std::fs::read_dir(run.join("otpdeck"))
        .expect("socket dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "sock"))
        .expect("a socket");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&sock)
        .expect("socket")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{}", sock.display());

    // A second engine on the data dir is refused, naming the first.
    let second = Command::new(BIN)
        .args([
            "--config",
            &cfg.to_string_lossy(),
            "--data-dir",
            &data.to_string_lossy(),
            "serve",
        ])
        .env("XDG_RUNTIME_DIR", &run)
        .output()
        .expect("second serve");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{said}");
    assert!(
        said.contains(&format!("(PID {})", engine_pid(&data))),
        "{said}"
    );

    // Two dashboards: a plain one (it finds the engine) and `attach`.
    let one = Tmux::new("screen-one");
    one.start(&format!("{env} {base}"));
    let two = Tmux::new("screen-two");
    two.start(&format!("{env} {base} attach"));
    one.wait_for("the balance on one", 10, |s| s.contains("Rp 500.000"));
    two.wait_for("the balance on two", 10, |s| s.contains("Rp 500.000"));
    one.keys(&[":"]);
    one.type_text("buy whatsapp id");
    one.keys(&["Enter"]);
    one.wait_for("the confirmation", 10, |s| s.contains("Buy?"));
    one.keys(&["y"]);
    one.wait_for("the order on one", 10, |s| {
        line_with(s, "#1").contains("waiting")
    });
    two.wait_for("the order on two", 10, |s| {
        line_with(s, "#1").contains("waiting")
    });

    // One order, two screens: one poll every 4–5 s.
    let before = polls(&log);
    std::thread::sleep(Duration::from_secs(10));
    let in_ten = polls(&log) - before;
    eprintln!("status polls in 10 s with two screens: {in_ten}");
    assert!(
        (1..=3).contains(&in_ten),
        "{in_ten} status polls in 10 s with two screens open"
    );

    // Closing one leaves the other's updates; `c` copies on its side.
    one.quit();
    assert!(!one.alive());
    let s = two.wait_for("the OTP on two", 30, |s| line_with(s, "#1").contains("otp"));
    let code: String = line_with(&s, "#1")
        .split_whitespace()
        .rev()
        .find(|w| w.len() >= 4 && w.chars().all(|c| c.is_ascii_digit()))
        .expect("a code on the row")
        .to_string();
    two.keys(&["Tab"]);
    two.keys(&["c"]);
    two.wait_for("the copy", 5, |s| s.contains("Copied"));
    assert!(
        two.cmd(&["show-buffer"]).contains(&code),
        "the code is in two's tmux buffer"
    );

    // No dashboard at all: the engine alone gets the next OTP journaled.
    two.keys(&[":"]);
    two.type_text("buy whatsapp id");
    two.keys(&["Enter"]);
    two.wait_for("the second confirmation", 10, |s| s.contains("Buy?"));
    two.keys(&["y"]);
    two.wait_for("the second order", 10, |s| {
        line_with(s, "#2").contains("waiting")
    });
    two.quit();
    let journaled = (0..60).find_map(|_| {
        std::thread::sleep(Duration::from_secs(1));
        let out = Command::new(BIN)
            .args([
                "--config",
                &cfg.to_string_lossy(),
                "--data-dir",
                &data.to_string_lossy(),
                "--json",
                "orders",
            ])
            .output()
            .expect("orders");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        let got = v
            .as_array()?
            .iter()
            .any(|o| o["id"] == 2 && o["otps"].as_array().is_some_and(|a| !a.is_empty()));
        got.then_some(text)
    });
    assert!(
        journaled.is_some(),
        "order #2's OTP journaled with no dashboard open"
    );

    // A remote screen: the dashboard through a command that speaks the
    // protocol on its stdin/stdout (`attach --stdio`, run here as ssh
    // would run it on the engine's machine). The client has its own empty
    // runtime dir and no config: everything comes through the command.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("client dir");
    let remote = Tmux::new("remote");
    remote.start(&format!(
        "env XDG_RUNTIME_DIR={e} XDG_CONFIG_HOME={e} XDG_STATE_HOME={e} TERM=xterm-256color \
         {BIN} --remote \"{env} {base} attach --stdio\"",
        e = elsewhere.display()
    ));
    let s = remote.wait_for("the engine's orders and their OTPs", 15, |s| {
        line_with(s, "#2").contains("otp") && line_with(s, "#1").contains("otp")
    });
    let codes: Vec<String> = ["#1", "#2"]
        .iter()
        .filter_map(|id| {
            line_with(&s, id)
                .split_whitespace()
                .rev()
                .find(|w| w.len() >= 4 && w.chars().all(|c| c.is_ascii_digit()))
                .map(str::to_string)
        })
        .collect();
    remote.keys(&["Tab"]);
    remote.keys(&["c"]);
    remote.wait_for("the copy on the client", 5, |s| s.contains("Copied"));
    let buffer = remote.cmd(&["show-buffer"]);
    assert!(
        codes.iter().any(|c| buffer.contains(c.as_str())),
        "the client's own tmux buffer has a code of {codes:?}: {buffer:?}"
    );

    // An engine killed under two screens: both say so, the engine comes
    // back, both attach again with nothing lost.
    let two = Tmux::new("screen-two-again");
    two.start(&format!("{env} {base} attach"));
    two.wait_for("both orders", 10, |s| s.contains("#2"));
    let pid = engine_pid(&data);
    Command::new("kill")
        .args(["-9", &pid])
        .status()
        .expect("kill");
    two.wait_for("the engine gone", 10, |s| s.contains("engine is gone"));
    remote.wait_for("the engine gone, remotely", 10, |s| {
        s.contains("engine is gone")
    });
    drop(engine);
    let engine = Tmux::new("engine-again");
    engine.start(&format!("{env} {base} serve"));
    for (screen, name) in [(&two, "two"), (&remote, "remote")] {
        screen.wait_for(&format!("{name} attached again"), 15, |s| {
            s.contains("Attached") && s.contains("engine")
        });
        screen.wait_for(&format!("the orders back on {name}"), 10, |s| {
            s.contains("#1") && s.contains("#2")
        });
    }
    remote.quit();
    two.quit();
    drop(engine);
    drop(sim);
}

/// No `serve`: the first dashboard hosts the engine, a second attaches to
/// it; the host quits and the second takes the engine over, its order's
/// OTP arriving all the same.
#[test]
fn a_dashboard_takes_the_engine_over_when_its_host_quits() {
    if !tmux_ready("the engine take-over test") {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let sim = SimProcess::start("12s");
    let cfg = dir.path().join("config.toml");
    write_private(
        &cfg,
        &format!(
            "clipboard = \"osc52\"\n[[accounts]]\nname = \"gate\"\nprovider = \"gateotp\"\nbase_url = \"{}\"\napi_key = \"sim-e2e-takeover\"\n",
            sim.url("gateotp")
        ),
    );
    let data = dir.path().join("data");
    let run = dir.path().join("run");
    std::fs::create_dir(&run).expect("runtime dir");
    let command = format!(
        "env XDG_RUNTIME_DIR={} TERM=xterm-256color {BIN} --config {} --data-dir {}",
        run.display(),
        cfg.display(),
        data.display()
    );
    let host = Tmux::new("host");
    host.start(&command);
    host.wait_for("the host's balance", 10, |s| s.contains("Rp 500.000"));
    let host_pid = engine_pid(&data);
    let other = Tmux::new("other");
    other.start(&command);
    other.wait_for("the other's balance", 10, |s| s.contains("Rp 500.000"));
    assert_eq!(engine_pid(&data), host_pid, "the second dashboard attached");
    host.keys(&[":"]);
    host.type_text("buy whatsapp id");
    host.keys(&["Enter"]);
    host.wait_for("the confirmation", 10, |s| s.contains("Buy?"));
    host.keys(&["y"]);
    other.wait_for("the order on the other", 10, |s| {
        line_with(s, "#1").contains("waiting")
    });
    host.quit();
    other.wait_for("the take-over", 10, |s| {
        s.contains("This dashboard now runs the engine")
    });
    assert_ne!(engine_pid(&data), host_pid, "the other dashboard hosts now");
    other.wait_for("the OTP after the take-over", 30, |s| {
        line_with(s, "#1").contains("otp")
    });
    other.quit();
    drop(sim);
}

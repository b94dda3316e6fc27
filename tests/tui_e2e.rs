//! The real binary in tmux against `otpdeck sim`: start, buy with the
//! keyboard through the catalog, watch the countdown move, get the OTP, copy it with `c` (OSC 52
//! into tmux's buffer), switch accounts, cancel and see the refund, quit,
//! start again and find the OTP log and the active order resumed.
//!
//! Needs tmux. Without it the test says so and passes, unless
//! OTPDECK_REQUIRE_TMUX is set (CI sets it and installs tmux).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_otpdeck");

struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "e2e"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.cmd(&args);
        std::thread::sleep(Duration::from_millis(150));
    }

    fn type_text(&self, text: &str) {
        self.cmd(&["send-keys", "-t", "e2e", "-l", text]);
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Waits until the screen satisfies `ok`, or fails with the screen.
    fn wait_for(&self, what: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if Instant::now() > end {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn start(&self, command: &str) {
        self.cmd(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "120",
            "-y",
            "40",
            command,
        ]);
        self.cmd(&["set-option", "-g", "set-clipboard", "on"]);
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session", "-t", "e2e"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// `:buy SERVICE COUNTRY` until the confirmation shows (each run loads the
/// next level of the catalog), then `y`.
fn buy(t: &Tmux, service: &str, country: &str) {
    for _ in 0..6 {
        t.keys(&[":"]);
        t.type_text(&format!("buy {service} {country}"));
        t.keys(&["Enter"]);
        std::thread::sleep(Duration::from_millis(400));
        if t.screen().contains("Buy?") {
            t.keys(&["y"]);
            return;
        }
    }
    panic!("no buy confirmation; screen:\n{}", t.screen());
}

/// Buys through the catalog with the keyboard alone: expand the account,
/// filter to the service, open it and the country, Enter on the first offer
/// (the cheapest in stock), then `y` in the confirmation.
fn buy_with_keys(t: &Tmux, filter: &str, country: &str) {
    t.keys(&["Enter"]);
    t.wait_for("services", 10, |s| !s.contains("Loading"));
    t.keys(&["/"]);
    t.type_text(filter);
    t.keys(&["Enter", "j", "Enter"]);
    t.wait_for("countries", 10, |s| s.contains(country));
    t.keys(&["j", "Enter"]);
    t.wait_for("offers", 10, |s| s.contains("Server"));
    t.keys(&["j", "Enter"]);
    t.wait_for("the confirmation", 5, |s| s.contains("Buy?"));
    t.keys(&["y"]);
}

/// Seconds left in the first `mm:ss` on a line.
fn seconds_left(line: &str) -> Option<i64> {
    line.split_whitespace().find_map(|w| {
        let (m, s) = w.split_once(':')?;
        if m.len() == 2 && s.len() == 2 {
            Some(m.parse::<i64>().ok()? * 60 + s.parse::<i64>().ok()?)
        } else {
            None
        }
    })
}

/// The OTP log row for `code`: a `hh:mm:ss code` pair, not an order row.
fn otp_log_has(screen: &str, code: &str) -> bool {
    screen.lines().any(|l| {
        let words: Vec<&str> = l
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect();
        words
            .windows(2)
            .any(|w| w[1] == code && w[0].len() == 8 && w[0].matches(':').count() == 2)
    })
}

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen.lines().find(|l| l.contains(needle)).unwrap_or("")
}

fn six_digits(s: &str) -> Option<String> {
    s.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .map(str::to_string)
}

#[test]
fn dashboard_end_to_end_in_tmux() {
    if !tmux_available() {
        assert!(
            std::env::var_os("OTPDECK_REQUIRE_TMUX").is_none(),
            "tmux is required here but missing"
        );
        eprintln!("tmux not installed: skipping the end-to-end dashboard test");
        return;
    }
    let mut child = Command::new(BIN)
        .args(["sim", "--listen", "127.0.0.1:0", "--otp-delay", "4s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("urls");
    let _sim = Sim(child);
    let urls: serde_json::Value = serde_json::from_str(&line).expect("urls");
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "clipboard = \"osc52\"\n[[accounts]]\nname = \"gate\"\nprovider = \"gateotp\"\nbase_url = \"{}\"\napi_key = \"sim-e2e-gate\"\n\n[[accounts]]\nname = \"nex\"\nprovider = \"nexotp\"\nbase_url = \"{}\"\napi_key = \"sim-e2e-nex\"\n",
            urls["gateotp"].as_str().expect("gate url"),
            urls["nexotp"].as_str().expect("nex url"),
        ),
    )
    .expect("config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600));
    }
    let data = dir.path().join("data");
    let command = format!(
        "env OTPDECK_POLL_INTERVAL_MS=500 TERM=xterm-256color {BIN} --config {} --data-dir {}",
        cfg.display(),
        data.display()
    );
    let t = Tmux {
        socket: format!("otpdeck-e2e-{}", std::process::id()),
    };
    t.start(&command);
    t.wait_for("balances", 20, |s| s.matches("Rp 500.000").count() >= 2);

    // Buy a WhatsApp number on gate with the keyboard, through the catalog.
    t.keys(&["]"]);
    t.wait_for("gate selected", 5, |s| s.contains("│ gate "));
    buy_with_keys(&t, "whats", "Indonesia");
    let s = t.wait_for("the order", 10, |s| line_with(s, "#1").contains("waiting"));
    let first = seconds_left(line_with(&s, "#1")).expect("a countdown");
    std::thread::sleep(Duration::from_millis(2200));
    let s = t.screen();
    let later = seconds_left(line_with(&s, "#1")).expect("a countdown");
    assert!(
        later < first && first - later <= 4,
        "the countdown moves down: {first}s then {later}s\n{s}"
    );

    // The OTP arrives and `c` copies it through OSC 52 into tmux's buffer.
    let s = t.wait_for("the OTP", 20, |s| {
        six_digits(line_with(s, "#1").split("otp").nth(1).unwrap_or("")).is_some()
    });
    let code = six_digits(line_with(&s, "#1").split("otp").nth(1).unwrap_or("")).expect("code");
    assert!(line_with(&s, "WhatsApp").contains("WhatsApp"));
    t.keys(&["c"]);
    t.wait_for("copied", 5, |s| s.contains("Copied OTP"));
    let buffer = t.cmd(&["show-buffer"]);
    assert_eq!(buffer.trim(), code, "tmux buffer holds the OTP");

    // Switch to nex, buy, cancel, see the refund.
    t.keys(&["]"]);
    t.wait_for("nex selected", 5, |s| s.contains("│ nex "));
    buy(&t, "telegram", "id");
    t.wait_for("nex order", 10, |s| {
        s.contains("waiting") && !s.matches("Rp 500.000").count().eq(&2)
    });
    t.keys(&["x"]);
    t.wait_for("cancel confirmation", 5, |s| s.contains("Cancel order"));
    t.keys(&["y"]);
    t.wait_for("refund", 15, |s| {
        s.contains("cancelled") && line_with(s, "NEXOTP ").contains("Rp 500.000")
    });

    // One more gate order, still waiting for its SMS when otpdeck quits.
    t.keys(&["["]);
    t.wait_for("gate selected", 5, |s| s.contains("│ gate "));
    buy(&t, "whatsapp", "indonesia");
    let s = t.wait_for("the waiting order", 10, |s| {
        line_with(s, "#3").contains("waiting")
    });
    assert!(six_digits(line_with(&s, "#3").split("waiting").nth(1).unwrap_or("")).is_none());

    // Quit and start again: the OTP log and the active orders come back, and
    // the order that was waiting gets its OTP from a resumed poller.
    t.keys(&["q"]);
    let end = Instant::now() + Duration::from_secs(5);
    while t.alive() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "q quits");
    t.start(&command);
    let s = t.wait_for("resumed state", 20, |s| {
        otp_log_has(s, &code) && line_with(s, "#1").contains("WhatsApp")
    });
    assert!(
        line_with(&s, "#1").contains(&code),
        "the active order shows its OTP after restart:\n{s}"
    );
    let s = t.wait_for("the resumed order's OTP", 20, |s| {
        six_digits(line_with(s, "#3").split("otp").nth(1).unwrap_or("")).is_some()
    });
    let second = six_digits(line_with(&s, "#3").split("otp").nth(1).unwrap_or("")).expect("code");
    t.wait_for("the new OTP in the log", 5, |s| otp_log_has(s, &second));
    t.keys(&["q"]);
    assert!(Path::new(&data.join("journal.sqlite3")).exists());
}

/// `otpdeck demo` on a fresh machine: no config, no keys; every simulated
/// account shows its balance, and `q` leaves a usable shell.
#[test]
fn demo_starts_in_tmux() {
    if !tmux_available() {
        assert!(
            std::env::var_os("OTPDECK_REQUIRE_TMUX").is_none(),
            "tmux is required here but missing"
        );
        eprintln!("tmux not installed: skipping the demo test");
        return;
    }
    let home = tempfile::tempdir().expect("tmp");
    let t = Tmux {
        socket: format!("otpdeck-demo-{}", std::process::id()),
    };
    t.start(&format!(
        "env -u OTPDECK_CONFIG HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data XDG_STATE_HOME={h}/state TERM=xterm-256color {BIN} demo",
        h = home.path().display()
    ));
    let s = t.wait_for("eight balances", 20, |s| {
        s.matches("Rp 500.000").count() >= 8
    });
    assert!(s.contains("Demo:"), "the demo says what it is:\n{s}");
    assert!(s.contains("total Rp 4.000.000"));
    t.keys(&["q"]);
    let end = Instant::now() + Duration::from_secs(5);
    while t.alive() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "q quits the demo");
}

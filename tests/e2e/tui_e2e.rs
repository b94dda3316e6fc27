//! The real binary in tmux against `otpdeck sim`: start, buy with the
//! keyboard through the catalog, watch the countdown move, get the OTP, copy
//! it with `c` (OSC 52 into tmux's buffer), switch accounts, buy with `:buy`,
//! cancel and see the refund, quit, start again and find the OTP log and
//! the active orders resumed; and `otpdeck demo` starting with no config.
//!
//! Needs tmux. Without it the test says so and passes, unless
//! OTPDECK_REQUIRE_TMUX is set (CI sets it and installs tmux).

use crate::common;

use common::process::{SimProcess, BIN};
use common::tmux::{line_with, tmux_ready, Tmux};
use std::path::Path;
use std::time::Duration;

/// `:buy SERVICE COUNTRY` once: it loads each catalog level as needed and
/// then asks; `y` buys.
fn buy(t: &Tmux, service: &str, country: &str) {
    t.keys(&[":"]);
    t.type_text(&format!("buy {service} {country}"));
    t.keys(&["Enter"]);
    t.wait_for("the buy confirmation", 10, |s| s.contains("Buy?"));
    t.keys(&["y"]);
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

fn six_digits(s: &str) -> Option<String> {
    s.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .map(str::to_string)
}

#[test]
fn dashboard_end_to_end_in_tmux() {
    if !tmux_ready("the end-to-end dashboard test") {
        return;
    }
    let sim = SimProcess::start("4s");
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "clipboard = \"osc52\"\n[[accounts]]\nname = \"gate\"\nprovider = \"gateotp\"\nbase_url = \"{}\"\napi_key = \"sim-e2e-gate\"\n\n[[accounts]]\nname = \"nex\"\nprovider = \"nexotp\"\nbase_url = \"{}\"\napi_key = \"sim-e2e-nex\"\n",
            sim.url("gateotp"),
            sim.url("nexotp"),
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
    let t = Tmux::new("e2e");
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
    t.wait_for("copied", 5, |s| s.contains("Copied OTP (tmux buffer"));
    let buffer = t.cmd(&["show-buffer"]);
    assert_eq!(buffer.trim(), code, "tmux buffer holds the OTP");
    // With tmux passing nothing on, the code is still in its buffer, and
    // the status says that is all (and what to change), never more.
    t.cmd(&["delete-buffer"]);
    t.cmd(&["set-option", "-g", "set-clipboard", "off"]);
    t.keys(&["c"]);
    t.wait_for("copied to tmux only", 5, |s| s.contains("tmux buffer only"));
    assert_eq!(t.cmd(&["show-buffer"]).trim(), code);
    t.cmd(&["set-option", "-g", "set-clipboard", "on"]);

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
    t.quit();
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
    if !tmux_ready("the demo test") {
        return;
    }
    let home = tempfile::tempdir().expect("tmp");
    let t = Tmux::new("demo");
    t.start(&format!(
        "env -u OTPDECK_CONFIG HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data XDG_STATE_HOME={h}/state TERM=xterm-256color {BIN} demo",
        h = home.path().display()
    ));
    let s = t.wait_for("eight balances", 20, |s| {
        s.matches("Rp 500.000").count() >= 8
    });
    assert!(
        s.contains("Demo, no keys"),
        "the demo says what it is:\n{s}"
    );
    assert!(s.contains("total Rp 4.000.000"));
    t.quit();
    assert!(!t.alive(), "q quits the demo");
}

/// A deposit in `otpdeck demo` at 80×24 and 140×40: `d`, Enter, `y`, and
/// the QR code with the amount to pay is on screen, then the payment
/// arrives and the status bar says what was credited.
#[test]
fn a_deposit_shows_its_qr_code_in_tmux() {
    if !tmux_ready("the deposit QR test") {
        return;
    }
    for (w, h) in [(80u16, 24u16), (140, 40)] {
        let home = tempfile::tempdir().expect("tmp");
        let t = Tmux::new(if w == 80 { "dep80" } else { "dep140" });
        t.start_sized(
            &format!(
                "env -u OTPDECK_CONFIG HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data XDG_STATE_HOME={h}/state TERM=xterm-256color {BIN} demo",
                h = home.path().display()
            ),
            w,
            h,
        );
        t.wait_for("the balances", 20, |s| s.contains("Rp 500.000"));
        t.keys(&["d"]);
        t.wait_for("the deposit form", 5, |s| s.contains("New deposit"));
        t.keys(&["Enter"]);
        t.wait_for("the confirmation", 5, |s| s.contains("Deposit?"));
        t.keys(&["y"]);
        let s = t.wait_for("the QR code", 10, |s| s.contains("█▀▀▀▀▀█"));
        assert!(
            s.contains("Rp 50.200") && s.contains("expires"),
            "{w}x{h}:\n{s}"
        );
        let s = t.wait_for("the payment", 30, |s| s.contains("credited"));
        assert!(s.contains("DANA"), "{w}x{h}:\n{s}");
        t.keys(&["Escape"]);
        t.wait_for("the new balance", 10, |s| s.contains("Rp 550.000"));
        t.quit();
        assert!(!t.alive(), "q quits");
    }
}

/// The compare table and the statistics view in `otpdeck demo`: `:best`
/// lists every OTP account's offers, one is bought from it, and after its
/// OTP `S` shows the offer with its OTP rate.
#[test]
fn compare_and_statistics_in_tmux() {
    if !tmux_ready("the compare test") {
        return;
    }
    let home = tempfile::tempdir().expect("tmp");
    let t = Tmux::new("compare");
    t.start_sized(
        &format!(
            "env -u OTPDECK_CONFIG HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data XDG_STATE_HOME={h}/state OTPDECK_POLL_INTERVAL_MS=300 TERM=xterm-256color {BIN} demo",
            h = home.path().display()
        ),
        120,
        40,
    );
    t.wait_for("the balances", 20, |s| s.contains("Rp 500.000"));
    t.keys(&[":"]);
    t.type_text("best whatsapp id");
    t.keys(&["Enter"]);
    let s = t.wait_for("every OTP account", 20, |s| {
        s.contains(" Compare ") && !s.contains("waiting for")
    });
    for api in ["GateOTP", "NEXOTP", "OTPZap"] {
        assert!(s.contains(api), "{api} missing:\n{s}");
    }
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", 5, |s| s.contains("Buy?"));
    t.keys(&["y"]);
    t.wait_for("the OTP", 30, |s| {
        s.contains("OTP ") && s.contains("for WhatsApp")
    });
    t.keys(&["S"]);
    let s = t.wait_for("the statistics", 10, |s| {
        s.contains("Statistics") && s.contains("100%")
    });
    assert!(
        s.contains("time to OTP") && s.contains("spend per day"),
        "{s}"
    );
    t.keys(&["Escape"]);
    t.quit();
    assert!(!t.alive(), "q quits");
}

/// A GateOTP buy whose reply is lost shows UNKNOWN with the amount at
/// stake in the header; `u` opens "I checked the provider", `x` settles it
/// as not charged, and it leaves `otpdeck orders --active`.
#[test]
fn an_unknown_order_is_settled_by_hand_in_tmux() {
    if !tmux_ready("the settle-by-hand test") {
        return;
    }
    let sim = SimProcess::start_with("4s", &["--faults", "gateotp:/api/otp/order:lose"]);
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("config.toml");
    common::process::write_private(
        &cfg,
        &format!(
            "[[accounts]]\nname = \"gate\"\nprovider = \"gateotp\"\nbase_url = \"{}\"\napi_key = \"sim-e2e-settle\"\n",
            sim.url("gateotp"),
        ),
    );
    let data = dir.path().join("data");
    let command = format!(
        "env TERM=xterm-256color {BIN} --config {} --data-dir {}",
        cfg.display(),
        data.display()
    );
    let t = Tmux::new("settle");
    t.start(&command);
    t.wait_for("the balance", 20, |s| s.contains("Rp 500.000"));
    buy(&t, "whatsapp", "id");
    let s = t.wait_for("the UNKNOWN row", 20, |s| s.contains("UNKNOWN"));
    assert!(s.contains("unclear Rp"), "the amount at stake shows:\n{s}");
    t.keys(&["u"]);
    t.wait_for("the popup", 5, |s| s.contains("I checked the provider"));
    t.keys(&["x"]);
    let s = t.wait_for("settled", 10, |s| s.contains("settled by hand"));
    assert!(s.contains("not charged"), "{s}");
    assert!(!s.contains("unclear Rp"), "nothing left at stake:\n{s}");
    t.keys(&["q"]);
    let out = std::process::Command::new(BIN)
        .args(["--config"])
        .arg(&cfg)
        .arg("--data-dir")
        .arg(&data)
        .args(["--json", "orders", "--active"])
        .output()
        .expect("orders");
    let active: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(active.as_array().map(Vec::len), Some(0), "{active}");
}

/// Email OTP in `otpdeck demo`: `:email openai.com` opens the site's
/// domains in the catalog, one is bought with the keyboard, its OTP shows
/// in the row, `c` copies it, and `m` shows the message timeline.
#[test]
fn an_email_inbox_is_bought_and_its_otp_copied_in_tmux() {
    if !tmux_ready("the email test") {
        return;
    }
    let home = tempfile::tempdir().expect("tmp");
    let t = Tmux::new("email");
    t.start_sized(
        &format!(
            "env -u OTPDECK_CONFIG HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data XDG_STATE_HOME={h}/state OTPDECK_POLL_INTERVAL_MS=300 TERM=xterm-256color {BIN} demo",
            h = home.path().display()
        ),
        140,
        40,
    );
    t.wait_for("the balances", 20, |s| s.contains("Rp 500.000"));
    t.keys(&[":"]);
    t.type_text("email openai.com");
    t.keys(&["Enter"]);
    t.wait_for("the domains", 20, |s| s.contains("@outlook.com"));
    // The domains sit under the site, cheapest first: a sold-out hotmail,
    // then outlook.
    t.keys(&["Down", "Down", "Enter"]);
    let s = t.wait_for("the confirmation", 5, |s| s.contains("Buy?"));
    assert!(line_with(&s, "Email OTP").contains("@outlook.com"), "{s}");
    t.keys(&["y"]);
    let s = t.wait_for("the OTP in the row", 30, |s| {
        six_digits(line_with(s, "@outlo").rsplit("Rp").next().unwrap_or("")).is_some()
    });
    let row = line_with(&s, "@outlo");
    assert!(
        row.contains("#1"),
        "the address in the number column: {row}"
    );
    // The row's last price is the order's (the balance pane shares the line).
    let code = six_digits(row.rsplit("Rp").next().unwrap_or("")).expect("the OTP in the row");
    t.keys(&["c"]);
    t.wait_for("copied", 5, |s| s.contains("Copied OTP"));
    assert_eq!(
        t.cmd(&["show-buffer"]).trim(),
        code,
        "tmux buffer holds the OTP"
    );
    t.keys(&["m"]);
    // One message: its sender, subject and preview, with the code.
    let s = t.wait_for("the timeline", 10, |s| {
        s.contains("1. ") && s.contains("noreply@")
    });
    let first = line_with(&s, "noreply@");
    assert!(first.contains(&code), "{s}");
    assert!(s.contains("verification code"), "{s}");
    t.keys(&["Escape"]);
    t.quit();
    assert!(!t.alive(), "q quits");
}

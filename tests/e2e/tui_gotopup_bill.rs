//! A GoTopUp postpaid bill in `otpdeck demo`, the real binary in tmux:
//! `:bill PLN-PASCABAYAR`, the customer number, Enter asks the bill, the
//! popup shows the total, `y` pays it, and the row ends in success.
//!
//! Needs tmux; without it the test says so and passes, unless
//! OTPDECK_REQUIRE_TMUX is set.

use crate::common;

use common::process::BIN;
use common::tmux::{tmux_ready, Tmux};

#[test]
fn a_pln_postpaid_bill_is_asked_confirmed_and_paid_in_tmux() {
    if !tmux_ready("the bill test") {
        return;
    }
    let home = tempfile::tempdir().expect("tmp");
    let t = Tmux::new("gtbill");
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
    t.type_text("bill PLN-PASCABAYAR");
    t.keys(&["Enter"]);
    t.wait_for("the bill popup", 5, |s| s.contains("Postpaid bill"));
    // A wrong number is refused before anything is sent.
    t.type_text("12ab");
    t.keys(&["Enter"]);
    t.wait_for("the refusal", 5, |s| s.contains("Not sent"));
    for _ in 0..4 {
        t.keys(&["BSpace"]);
    }
    t.type_text("123456789012");
    t.keys(&["Enter"]);
    let s = t.wait_for("the bill", 20, |s| s.contains("TOTAL"));
    assert!(s.contains("admin fee") && s.contains("period"), "{s}");
    t.keys(&["y"]);
    // Settled: the order leaves the active rows, its SN (what the customer
    // needs) goes to the OTP log and the status bar.
    let s = t.wait_for("the SN", 40, |s| {
        s.lines()
            .any(|l| l.contains("for PLN-PASCABAYAR") && l.contains("123456789012"))
    });
    println!("{s}");
    let status = s
        .lines()
        .find(|l| l.contains("for PLN-PASCABAYAR"))
        .expect("status line");
    let sn: String = status
        .split_whitespace()
        .nth(1)
        .expect("the SN after OTP")
        .to_string();
    assert!(
        sn.len() >= 10 && sn.chars().all(|c| c.is_ascii_digit()),
        "{status}"
    );
    // The total was charged: the GoTopUp balance is no longer 500.000.
    assert!(
        !common::tmux::line_with(&s, "gotopup-main").contains("Rp 500.000"),
        "{s}"
    );
    t.keys(&["c"]);
    t.wait_for("copied", 5, |s| s.contains("Copied"));
    assert_eq!(
        t.cmd(&["show-buffer"]).trim(),
        sn,
        "tmux buffer holds the SN"
    );
}

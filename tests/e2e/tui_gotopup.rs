//! The real binary in tmux against `otpdeck sim`: an Otomax top-up without
//! a Bearer key (and without `otomax_resend_is_status`) shows "pending,
//! waiting for the provider's callback" on its row, not a bare pending.
//! The top-up is bought with the CLI on the same data dir; the dashboard
//! resumes it from the journal and polls it.
//!
//! Needs tmux. Without it the test says so and passes, unless
//! OTPDECK_REQUIRE_TMUX is set.

use crate::common;

use common::process::{write_private, SimProcess, BIN};
use common::tmux::{line_with, tmux_ready, Tmux};
use std::process::Command;

#[test]
fn an_otomax_top_up_waits_for_the_callback_on_its_row() {
    if !tmux_ready("the GoTopUp waiting-for-callback test") {
        return;
    }
    let sim = SimProcess::start("4s");
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("config.toml");
    write_private(
        &cfg,
        &format!(
            "[[accounts]]\nname = \"oto\"\nprovider = \"gotopup\"\nbase_url = \"{}\"\notomax_username = \"sim-oto-tmux\"\notomax_sign = \"SIGN-1\"\n",
            sim.url("gotopup")
        ),
    );
    let data = dir.path().join("data");
    let out = Command::new(BIN)
        .args(["--config", &cfg.display().to_string()])
        .args(["--data-dir", &data.display().to_string()])
        .args(["buy", "--account", "oto", "--product", "TELKOMSEL10"])
        .args(["--customer", "081234567890"])
        .output()
        .expect("otpdeck buy");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let command = format!(
        "env OTPDECK_POLL_INTERVAL_MS=500 TERM=xterm-256color {BIN} --config {} --data-dir {}",
        cfg.display(),
        data.display()
    );
    let t = Tmux::new("gtwait");
    t.start_sized(&command, 140, 30);
    let s = t.wait_for("the note on the row", 20, |s| {
        line_with(s, "#1").contains("pending, waiting for the provider")
    });
    assert!(line_with(&s, "#1").contains("081234567890"), "{s}");
    t.quit();
}

//! Driving the real binary in tmux (send-keys, capture-pane): shared by the
//! end-to-end tests.

use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server (its own socket) with one session; killed on drop.
pub struct Tmux {
    socket: String,
    session: &'static str,
}

impl Tmux {
    pub fn new(session: &'static str) -> Tmux {
        Tmux {
            socket: format!("otpdeck-{session}-{}", std::process::id()),
            session,
        }
    }

    pub fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Starts `command` in a 120x40 session; tmux keeps OSC 52 copies in its
    /// buffer (`set-clipboard on`).
    pub fn start(&self, command: &str) {
        self.start_sized(command, 120, 40);
    }

    pub fn start_sized(&self, command: &str, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        self.cmd(&[
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            &w,
            "-y",
            &h,
            command,
        ]);
        self.cmd(&["set-option", "-g", "set-clipboard", "on"]);
    }

    pub fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", self.session])
    }

    /// The screen and all the scrollback.
    pub fn history(&self) -> String {
        self.cmd(&[
            "capture-pane",
            "-p",
            "-S",
            "-",
            "-E",
            "-",
            "-t",
            self.session,
        ])
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session];
        args.extend_from_slice(keys);
        self.cmd(&args);
        std::thread::sleep(Duration::from_millis(150));
    }

    pub fn type_text(&self, text: &str) {
        self.cmd(&["send-keys", "-t", self.session, "-l", text]);
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Waits until the screen satisfies `ok`, or fails with the screen.
    pub fn wait_for(&self, what: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
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

    pub fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session", "-t", self.session])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// With `remain-on-exit on`: the program in the pane has ended.
    pub fn pane_dead(&self) -> bool {
        self.cmd(&["display-message", "-p", "-t", self.session, "#{pane_dead}"])
            .trim()
            == "1"
    }

    /// Sends `q` and waits up to five seconds for the session to end.
    pub fn quit(&self) {
        self.keys(&["q"]);
        let end = Instant::now() + Duration::from_secs(5);
        while self.alive() && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Whether a tmux test can run here. Without tmux the test passes with a
/// note, unless OTPDECK_REQUIRE_TMUX is set (CI sets it and installs tmux).
pub fn tmux_ready(test: &str) -> bool {
    let have = Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !have {
        assert!(
            std::env::var_os("OTPDECK_REQUIRE_TMUX").is_none(),
            "tmux is required here but missing"
        );
        eprintln!("tmux not installed: skipping {test}");
    }
    have
}

pub fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen.lines().find(|l| l.contains(needle)).unwrap_or("")
}

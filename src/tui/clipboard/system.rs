//! Copying to the clipboard, locally or over SSH. `auto` uses the system
//! clipboard (arboard) when a display is reachable and we are not in an SSH
//! session; otherwise OSC 52, which the terminal (or tmux with
//! `set-clipboard on`) turns into a clipboard write on the user's machine.

use base64::Engine as _;
use std::io::Write;

use crate::config::ClipboardMode;

/// Terminals cap OSC 52 payloads; OTPs and numbers are tiny, but refuse
/// anything huge rather than garble the screen.
const OSC52_MAX: usize = 74_994;

enum Backend {
    /// Kept alive for the whole run: on X11 the copied text vanishes when the
    /// owning `Clipboard` is dropped.
    System(arboard::Clipboard),
    Osc52 {
        passthrough: bool,
    },
    /// Inside tmux: an application's OSC 52 is dropped at tmux's default
    /// `set-clipboard external`, so the text goes into tmux's own buffer
    /// (`load-buffer -w`, which also hands it to the outer terminal where
    /// tmux's setting allows).
    Tmux {
        passthrough: bool,
    },
    Off,
}

pub struct Clipboard {
    backend: Backend,
}

/// Whether this process runs inside an SSH session.
pub fn in_ssh() -> bool {
    std::env::var_os("SSH_TTY").is_some() || std::env::var_os("SSH_CONNECTION").is_some()
}

fn display_reachable() -> bool {
    cfg!(target_os = "macos")
        || cfg!(windows)
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

impl Clipboard {
    /// Picks the backend; the note says what was chosen and why, for the
    /// status bar at start.
    pub fn new(mode: ClipboardMode, osc52_passthrough: bool) -> (Clipboard, String) {
        let osc = Backend::Osc52 {
            passthrough: osc52_passthrough,
        };
        let (backend, note) = match mode {
            ClipboardMode::Off => (Backend::Off, "clipboard off".to_string()),
            ClipboardMode::Osc52 => (osc, "clipboard: OSC 52".to_string()),
            ClipboardMode::System => match arboard::Clipboard::new() {
                Ok(c) => (Backend::System(c), "clipboard: system".to_string()),
                Err(e) => (
                    osc,
                    format!("system clipboard unavailable ({e}); using OSC 52"),
                ),
            },
            ClipboardMode::Auto if in_ssh() || !display_reachable() => {
                (osc, "clipboard: OSC 52 (SSH or no display)".to_string())
            }
            ClipboardMode::Auto => match arboard::Clipboard::new() {
                Ok(c) => (Backend::System(c), "clipboard: system".to_string()),
                Err(_) => (osc, "clipboard: OSC 52 (no system clipboard)".to_string()),
            },
        };
        // OSC 52 from inside tmux: through tmux's buffer instead.
        let (backend, note) = match backend {
            Backend::Osc52 { passthrough } if std::env::var_os("TMUX").is_some() => (
                Backend::Tmux { passthrough },
                format!("{note}, through tmux's buffer"),
            ),
            b => (b, note),
        };
        (Clipboard { backend }, note)
    }

    /// Copies `text`; OSC 52 goes to `term`, which must be the terminal the
    /// loop draws on, written between frames. Returns how it was copied.
    pub fn copy(&mut self, text: &str, term: &mut impl Write) -> Result<&'static str, String> {
        match &mut self.backend {
            Backend::Off => Err("the clipboard is off (clipboard = \"off\")".into()),
            Backend::System(c) => c
                .set_text(text.to_string())
                .map(|_| "system clipboard")
                .map_err(|e| format!("system clipboard: {e}")),
            Backend::Osc52 { passthrough } => osc52(text, *passthrough, term),
            Backend::Tmux { passthrough } => match tmux_buffer(text) {
                Ok(how) => Ok(how),
                // No tmux to ask (an old one, a stale $TMUX): OSC 52,
                // which may still be passed through.
                Err(e) => {
                    tracing::warn!("tmux load-buffer failed ({e}); writing OSC 52");
                    osc52(text, *passthrough, term)
                        .map(|_| "OSC 52; tmux refused its buffer, so it may go nowhere")
                }
            },
        }
    }
}

fn osc52(text: &str, passthrough: bool, term: &mut impl Write) -> Result<&'static str, String> {
    let seq = osc52_sequence(text, passthrough)?;
    term.write_all(seq.as_bytes())
        .and_then(|_| term.flush())
        .map(|_| "OSC 52")
        .map_err(|e| format!("writing OSC 52: {e}"))
}

fn tmux(args: &[&str], input: Option<&str>) -> Result<String, String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("tmux")
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run tmux: {e}"))?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("tmux: {e}"))?;
    }
    // The loop waits on this: a tmux server that hangs must not freeze
    // the dashboard, so it gets a second, then is killed.
    let (tx, rx) = std::sync::mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(std::time::Duration::from_secs(1)) {
        Ok(r) => r.map_err(|e| format!("tmux: {e}"))?,
        Err(_) => {
            #[cfg(unix)]
            // SAFETY: kill(2) on the pid of a child we spawned and have
            // not reaped (its waiter thread still holds it).
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL);
            }
            #[cfg(not(unix))]
            let _ = pid;
            return Err("tmux did not answer within a second".into());
        }
    };
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Puts `text` in tmux's buffer and says where else it went: the outer
/// terminal's clipboard too unless tmux's `set-clipboard` is off.
fn tmux_buffer(text: &str) -> Result<&'static str, String> {
    // -w (tmux 3.2+) also sends it to the client's clipboard.
    if tmux(&["load-buffer", "-w", "-"], Some(text)).is_err() {
        tmux(&["load-buffer", "-"], Some(text))?;
        return Ok("tmux buffer only (prefix ] pastes it); tmux is too old to pass it on");
    }
    Ok(
        match tmux(&["show-options", "-gv", "set-clipboard"], None).as_deref() {
            Ok("off") => {
                "tmux buffer only (prefix ] pastes it); `set -g set-clipboard on` in tmux sends it to your desktop too"
            }
            _ => "tmux buffer, and on to your terminal's clipboard where it takes OSC 52",
        },
    )
}

/// The OSC 52 escape for `text`; with `passthrough`, wrapped for tmux
/// (`allow-passthrough on`) or GNU screen so it reaches the outer terminal.
pub fn osc52_sequence(text: &str, passthrough: bool) -> Result<String, String> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    if b64.len() > OSC52_MAX {
        return Err("text too long for OSC 52".into());
    }
    let plain = format!("\x1b]52;c;{b64}\x07");
    if !passthrough {
        return Ok(plain);
    }
    if std::env::var_os("TMUX").is_some() {
        Ok(format!("\x1bPtmux;\x1b{plain}\x1b\\"))
    } else {
        Ok(format!("\x1bP{plain}\x1b\\"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_text() {
        assert_eq!(
            osc52_sequence("123456", false).unwrap(),
            "\x1b]52;c;MTIzNDU2\x07"
        );
    }

    #[test]
    fn osc52_backend_writes_to_the_terminal() {
        let (mut c, note) = Clipboard::new(ClipboardMode::Osc52, false);
        assert!(note.contains("OSC 52"));
        let mut out = Vec::new();
        assert_eq!(c.copy("949708", &mut out).unwrap(), "OSC 52");
        assert_eq!(out, b"\x1b]52;c;OTQ5NzA4\x07");
    }

    #[test]
    fn off_refuses() {
        let (mut c, _) = Clipboard::new(ClipboardMode::Off, false);
        assert!(c.copy("1", &mut Vec::new()).is_err());
    }
}

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
            Backend::Osc52 { passthrough } => {
                let seq = osc52_sequence(text, *passthrough)?;
                term.write_all(seq.as_bytes())
                    .and_then(|_| term.flush())
                    .map(|_| "OSC 52")
                    .map_err(|e| format!("writing OSC 52: {e}"))
            }
        }
    }
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

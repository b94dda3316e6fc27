//! Effects on the user's own terminal: the bell, notifications and copy.

use crate::app::{Action, Notification};
use crate::tui::runtime::{send, Runtime};
use std::io::Write;

pub(super) fn bell(out: &mut dyn Write) {
    let _ = out.write_all(b"\x07").and_then(|_| out.flush());
}

pub(super) fn notify(n: &Notification, out: &mut dyn Write) {
    let bytes = crate::tui::notify::escapes(n);
    let _ = out.write_all(&bytes).and_then(|_| out.flush());
    if n.desktop {
        crate::tui::notify::desktop(n);
    }
}

impl Runtime {
    /// Copies only what `copyable` lets through, and says how it went.
    pub(super) fn copy(&mut self, text: String, what: String, out: &mut dyn Write) {
        let done = crate::tui::clipboard::copyable(&text, &what)
            .ok_or_else(|| format!("the {what} holds nothing that can be copied"))
            .and_then(|t| self.clipboard.copy(&t, out));
        let action = match done {
            Ok(how) => Action::Copied {
                what,
                how: how.into(),
            },
            Err(e) => Action::CopyFailed(e),
        };
        send(&self.tx, action);
    }
}

//! Effects on the user's own terminal: the bell, notifications and copy.

use crate::app::{Action, Notification};
use crate::tui::clipboard::CopyTarget;
use std::io::Write;

pub(in crate::tui) fn bell(out: &mut dyn Write) {
    let _ = out.write_all(b"\x07").and_then(|_| out.flush());
}

pub(in crate::tui) fn notify(n: &Notification, out: &mut dyn Write) {
    let bytes = crate::tui::notify::escapes(n);
    let _ = out.write_all(&bytes).and_then(|_| out.flush());
    if n.desktop {
        crate::tui::notify::desktop(n);
    }
}

/// Copies only what `copyable` lets through; the action saying how it went.
pub(in crate::tui) fn copy(
    clipboard: &mut dyn CopyTarget,
    text: String,
    what: String,
    out: &mut dyn Write,
) -> Action {
    let done = crate::tui::clipboard::copyable(&text, &what)
        .ok_or_else(|| format!("the {what} holds nothing that can be copied"))
        .and_then(|t| clipboard.copy(&t, out));
    match done {
        Ok(how) => Action::Copied {
            what,
            how: how.into(),
        },
        Err(e) => Action::CopyFailed(e),
    }
}

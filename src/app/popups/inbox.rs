//! The webhook inbox (`:inbox`): deliveries the receiver kept because the
//! journal knew nothing they were about (an order made on the provider's
//! web dashboard, another machine's top-up). Newest first; ↑/↓, Home/End
//! and the page keys pick one, `c` copies the OTP or SN it carried. The
//! same deliveries are in `webhook-inbox.jsonl` in the data dir.

use crate::app::keymap::Cmd;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect, Level};
use crate::domain::webhook::Kept;

/// How many kept deliveries the session holds (the file keeps all).
const HELD: usize = 200;

#[derive(Debug, Clone, Default)]
pub struct InboxPopup {
    /// Index into `App::kept`, newest first.
    pub selected: usize,
}

/// A kept delivery arrived: held for the view, said in the status bar.
pub fn arrived(app: &mut App, k: Kept) {
    let code = k
        .code
        .as_deref()
        .map(|c| format!(" carrying {c}"))
        .unwrap_or_default();
    app.set_status(
        format!(
            "Webhook kept: {} {}{code}: {}; :inbox shows it",
            k.account, k.event, k.reason
        ),
        Level::Warn,
    );
    app.book.kept.insert(0, k);
    app.book.kept.truncate(HELD);
}

pub fn open(app: &mut App) -> Vec<Effect> {
    if app.book.kept.is_empty() && !app.settings.webhook_receiver {
        app.set_status(
            "No webhook receiver runs, so nothing is kept: set [webhook] listen (or enabled = true) and an account's webhook_secret",
            Level::Info,
        );
        return Vec::new();
    }
    if app.book.kept.is_empty() {
        app.set_status("The webhook inbox is empty", Level::Info);
        return Vec::new();
    }
    app.open(Popup::Inbox(InboxPopup::default()));
    Vec::new()
}

/// How many deliveries the list shows in a view `view_h` rows high: half
/// of what the keys line and the borders leave, the picked body below.
pub fn list_rows(view_h: u16) -> usize {
    ((view_h as usize).saturating_sub(3) / 2).max(1)
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let n = app.book.kept.len();
    let view_h = crate::app::layout::above_status(app.view.area(), app.accounts.len()).height;
    let Some(Popup::Inbox(p)) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    if let Some(to) = list_move(cmd, p.selected, n, list_rows(view_h)) {
        p.selected = to;
        return Vec::new();
    }
    if cmd != Some(Cmd::CopyOtp) {
        return Vec::new();
    }
    let picked = app.book.kept.get(p.selected);
    match picked.and_then(|k| k.code.clone()) {
        Some(text) => vec![Effect::Copy {
            text,
            what: "code".into(),
        }],
        None => {
            app.set_status("This delivery carried no OTP or SN", Level::Warn);
            Vec::new()
        }
    }
}

impl crate::app::popups::PopupState for InboxPopup {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

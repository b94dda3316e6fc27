//! An email order's message timeline: read-only; `c` copies the latest
//! OTP (or headline) as on the row, Esc closes.

use crate::app::keymap::Cmd;
use crate::app::popups::Popup;
use crate::app::{App, Effect};

/// An email order's message timeline; None until the journal answers.
#[derive(Debug, Clone)]
pub struct EmailDetail {
    pub order_id: i64,
    pub messages: Option<Result<Vec<crate::domain::EmailMessage>, String>>,
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    if cmd != Some(Cmd::CopyOtp) {
        return Vec::new();
    }
    let Some(Popup::EmailDetail(EmailDetail { order_id, .. })) = app.view.popups.last() else {
        return Vec::new();
    };
    let found = app
        .book
        .orders
        .get(order_id)
        .map(|o| (o.latest_otp().map(str::to_string), o.number.clone()));
    crate::app::panes::orders::copy_effect(app, found, true)
}

impl crate::app::popups::PopupState for EmailDetail {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

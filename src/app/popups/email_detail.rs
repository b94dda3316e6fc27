//! An email order's message timeline: read-only; `c` copies the latest
//! OTP (or headline) as on the row, Esc closes.

use crate::app::keymap::Cmd;
use crate::app::popups::Popup;
use crate::app::{App, Effect};

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    if cmd != Some(Cmd::CopyOtp) {
        return Vec::new();
    }
    let Some(Popup::EmailDetail { order_id, .. }) = app.view.popups.last() else {
        return Vec::new();
    };
    let found = app
        .book
        .orders
        .get(order_id)
        .map(|o| (o.latest_otp().map(str::to_string), o.number.clone()));
    crate::app::panes::orders::copy_effect(app, found, true)
}

//! The OTP log pane's keys: copy a code from the history, or its number.

use super::orders::copy_effect;
use crate::app::keymap::Cmd;
use crate::app::panes::Pane;
use crate::app::{App, Effect};

pub fn run(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    let found = app
        .visible_otps()
        .get(app.sel(Pane::OtpLog))
        .map(|o| (Some(o.code.clone()), Some(o.number.clone())));
    match cmd {
        Cmd::CopyOtp => copy_effect(app, found, true),
        Cmd::CopyNumber => copy_effect(app, found, false),
        _ => Vec::new(),
    }
}

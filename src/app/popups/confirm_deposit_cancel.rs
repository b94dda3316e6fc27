//! "Cancel deposit #N?": a cancelled invoice cannot be paid any more, and a
//! payment already on its way would then need the provider's support, so
//! `x` asks first. Yes sends the cancel; the deposit list stays under it.

use crate::app::keymap::Cmd;
use crate::app::popups::{Popup, PopupState};
use crate::app::{App, Effect, Level};
use ratatui::crossterm::event::KeyEvent;

#[derive(Debug, Clone)]
pub struct ConfirmDepositCancel {
    pub deposit_id: i64,
}

impl PopupState for ConfirmDepositCancel {
    fn on_key(app: &mut App, cmd: Option<Cmd>, _: KeyEvent) -> Vec<Effect> {
        if cmd != Some(Cmd::Confirm) {
            return Vec::new();
        }
        match app.close_top() {
            Some(Popup::ConfirmDepositCancel(ConfirmDepositCancel { deposit_id })) => {
                app.set_status(format!("Cancelling deposit #{deposit_id}…"), Level::Info);
                vec![Effect::CancelDeposit { deposit_id }]
            }
            _ => Vec::new(),
        }
    }
}

//! "Cancel order #N?": yes sends the cancel.

use crate::app::keymap::Cmd;
use crate::app::popups::Popup;
use crate::app::{App, Effect};
use crate::domain::OrderOp;

#[derive(Debug, Clone)]
pub struct ConfirmCancel {
    pub order_id: i64,
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    if cmd != Some(Cmd::Confirm) {
        return Vec::new();
    }
    match app.close_top() {
        Some(Popup::ConfirmCancel(ConfirmCancel { order_id })) => vec![Effect::Order {
            op: OrderOp::Cancel,
            order_id,
        }],
        _ => Vec::new(),
    }
}

impl crate::app::popups::PopupState for ConfirmCancel {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

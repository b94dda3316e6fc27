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

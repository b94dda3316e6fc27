//! The deposit QR popup.

use crate::app::popups::Popup;
use crate::app::App;
use crate::domain::Deposit;

#[derive(Debug, Clone)]
pub struct DepositQr {
    pub id: i64,
}

impl crate::app::popups::PopupState for DepositQr {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        super::deposits::qr_key(app, cmd)
    }
}

/// The deposit the user just asked for opens its QR code once its invoice
/// is in.
pub fn show_if_asked(app: &mut App, d: &Deposit) {
    if app.view.deposit_to_show.as_deref() == Some(d.key.as_str()) && d.payment.is_some() {
        app.view.deposit_to_show = None;
        app.open(Popup::DepositQr(DepositQr { id: d.id }));
    }
}

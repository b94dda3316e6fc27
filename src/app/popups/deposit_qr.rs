//! The deposit QR popup.

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

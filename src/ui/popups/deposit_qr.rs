//! A deposit's payment: its QR code, or the code or URL to pay with
//! (drawn in `deposits.rs`).

use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;

impl super::Draw for crate::app::popups::DepositQr {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        super::deposits::qr(frame, app, theme, area, self.id)
    }
}

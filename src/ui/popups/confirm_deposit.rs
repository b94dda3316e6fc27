//! The deposit confirmation (drawn in `deposits.rs`).

use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;

impl super::Draw for crate::app::popups::ConfirmDeposit {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        super::deposits::confirm(frame, app, theme, area, &self.account, &self.request)
    }
}

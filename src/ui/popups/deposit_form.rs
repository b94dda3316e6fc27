//! The deposit form: amount and method (drawn with the other deposit
//! screens in `deposits.rs`).

use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;

impl super::Draw for crate::app::popups::DepositForm {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        let f = super::deposits::Form {
            account: &self.account,
            kind: self.kind,
            amount: &self.amount,
            method: self.method,
        };
        super::deposits::form(frame, app, theme, area, f)
    }
}

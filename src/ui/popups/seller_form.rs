//! A form over the seller view (drawn with the view in
//! `views/seller.rs`).

use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;

impl super::Draw for crate::app::popups::seller_form::SellerForm {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        crate::ui::views::seller::draw_form(frame, app, theme, area, self)
    }
}

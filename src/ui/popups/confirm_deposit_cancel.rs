//! The deposit cancel confirmation: which invoice, its amount and method.

use super::{boxed, centered, yes_no, Draw};
use crate::app::popups::confirm_deposit_cancel::ConfirmDepositCancel;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

impl Draw for ConfirmDepositCancel {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        let id = self.deposit_id;
        let what = match app.book.deposits.get(&id) {
            Some(d) => format!(
                "Cancel deposit #{id} ({} by {} on {})?",
                d.amount,
                d.method.as_str(),
                d.account
            ),
            None => format!("Cancel deposit #{id}?"),
        };
        let lines = vec![
            Line::from(what),
            Line::styled("The invoice can no longer be paid.", theme.dim),
            Line::styled(yes_no(app, "cancel it", "keep it"), theme.dim),
        ];
        let r = centered(area, 60, 6);
        frame.render_widget(Clear, r);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(boxed(theme, "Cancel deposit?")),
            r,
        );
    }
}

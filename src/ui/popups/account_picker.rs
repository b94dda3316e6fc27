//! The account picker: all accounts, or one alone.

use super::{boxed, centered, Draw};
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;
use crate::app::popups::AccountPicker;

impl Draw for AccountPicker {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        let AccountPicker { selected } = self;
        let r = centered(area, 40, app.accounts.len() as u16 + 3);
        let mut lines = Vec::new();
        let names = std::iter::once("All accounts".to_string()).chain(
            app.accounts
                .iter()
                .map(|a| format!("{} ({})", a.info.name, a.info.kind.display_name())),
        );
        for (i, n) in names.enumerate() {
            let mut l = Line::from(n);
            if i == *selected {
                l = l.style(theme.highlight);
            }
            lines.push(l);
        }
        frame.render_widget(Clear, r);
        frame.render_widget(Paragraph::new(lines).block(boxed(theme, "Account")), r);
    }
}

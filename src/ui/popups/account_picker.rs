//! The account picker: all accounts, or one alone; a long list scrolls to
//! keep the picked name in sight.

use super::{boxed, centered, Draw};
use crate::app::popups::account_picker::box_height;
use crate::app::popups::AccountPicker;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

impl Draw for AccountPicker {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        let AccountPicker { selected } = self;
        let (h, shown) = box_height(app.accounts.len(), area.height);
        let r = centered(area, 40, h);
        let first = selected.saturating_sub(shown - 1);
        let names = std::iter::once("All accounts".to_string()).chain(
            app.accounts
                .iter()
                .map(|a| format!("{} ({})", a.info.name, a.info.kind.display_name())),
        );
        let mut lines = Vec::new();
        for (i, n) in names.enumerate().skip(first).take(shown) {
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

//! The `:` command line at the bottom of the screen.

use super::{boxed, Draw};
use crate::app::keymap::Cmd;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;
use crate::app::popups::CommandLine;

impl Draw for CommandLine {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        let CommandLine(input) = self;
        let r = Rect::new(
            area.x,
            area.y + area.height.saturating_sub(3),
            area.width,
            3.min(area.height),
        );
        let title = format!("command ({} completes)", app.keymap.label(Cmd::Complete));
        frame.render_widget(Clear, r);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(":", theme.title),
                Span::raw(format!("{}▏", input.value())),
            ]))
            .block(boxed(theme, &title)),
            r,
        );
    }
}

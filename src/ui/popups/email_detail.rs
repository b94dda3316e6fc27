//! An email order's message timeline: the inbox, its site and window, then
//! one block per message (time, from, subject, preview), oldest first,
//! from the first one scrolled to. The lines are the app's layout
//! (`app::popups::email_detail::layout`), which the keys scroll by too.

use super::{boxed, centered};
use crate::app::popups::email_detail::{layout, Tone};
use crate::app::popups::EmailDetail;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, d: &EmailDetail, theme: &Theme, area: Rect) {
    let Some(laid) = layout(app, d, (area.width, area.height)) else {
        return;
    };
    let style = |t: Tone| match t {
        Tone::Plain => Style::default(),
        Tone::Dim => theme.dim,
        Tone::Code => theme.otp,
        Tone::Error => theme.error,
    };
    let lines: Vec<Line> = laid
        .lines(d.first)
        .into_iter()
        .map(|row| {
            Line::from(
                row.into_iter()
                    .map(|(s, t)| Span::styled(s, style(t)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    // As tall as its lines and the borders: the layout kept them within
    // the screen.
    let r = centered(area, laid.width, (lines.len() as u16 + 2).min(area.height));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(theme, "Email messages")),
        r,
    );
}

impl crate::ui::popups::Draw for crate::app::popups::EmailDetail {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, self, theme, area)
    }
}

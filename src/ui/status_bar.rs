//! Status bar: the last message in plain words, and the keys that matter in
//! the focused pane (from the command table, like `?`).

use super::theme::Theme;
use crate::app::{App, Level};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let (text, style) = match &app.status {
        Some((t, Level::Error)) => (t.clone(), theme.error),
        Some((t, Level::Warn)) => (t.clone(), theme.warn),
        Some((t, Level::Ok)) => (t.clone(), theme.ok),
        Some((t, Level::Info)) => (t.clone(), theme.text),
        None => (
            "Ready. Tab moves between panes; ? lists every key.".into(),
            theme.dim,
        ),
    };
    let mut hints = Vec::new();
    for (k, h) in app.keymap.hints(&crate::app::key_layers(app), |c| {
        crate::app::command_applies(app, c)
    }) {
        hints.push(Span::styled(format!(" {k}"), theme.title));
        let h = crate::app::panes::orders::hint_word(app, h);
        hints.push(Span::styled(format!(" {h} "), theme.dim));
    }
    let lines = vec![
        Line::from(Span::styled(format!(" {text}"), style)),
        Line::from(hints),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

//! Balance pane: each account's figure, its age, errors, and the total.

use super::{fit, pane_block, spinner, theme::Theme};
use crate::app::commands::Pane;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn age(app: &App, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let Some(at) = at else {
        return String::new();
    };
    let s = (app.now - at).num_seconds().max(0);
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else {
        format!("{}h", s / 3600)
    }
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let block = pane_block(
        app,
        theme,
        Pane::Balance,
        format!("Balance · {}", app.total_balance()),
    );
    let inner_w = area.width.saturating_sub(2) as usize;
    let sel = app.sel(Pane::Balance);
    let mut lines = Vec::new();
    if app.accounts.is_empty() {
        lines.push(Line::styled(
            "No accounts: add [[accounts]] to the config",
            theme.dim,
        ));
    }
    let skip = crate::app::scroll_offset(app, Pane::Balance, area.height);
    for (i, a) in app.accounts.iter().enumerate().skip(skip) {
        let name_w = inner_w.saturating_sub(32).clamp(6, 18);
        let figure = match (a.balance, a.loading) {
            (Some(b), _) => b.to_string(),
            (None, true) => spinner(app).to_string(),
            (None, false) => "—".into(),
        };
        let mut spans = vec![
            Span::styled(
                format!("{:<name_w$} ", fit(&a.info.name, name_w)),
                theme.text,
            ),
            Span::styled(format!("{:<7}", a.info.kind.display_name()), theme.dim),
            Span::styled(format!("{:>14}", figure), theme.price),
            Span::styled(format!(" {:>4}", age(app, a.balance_at)), theme.dim),
        ];
        if a.error.is_some() {
            spans.push(Span::styled(" ERR", theme.error));
        }
        let mut line = Line::from(spans);
        if app.focus == Pane::Balance && i == sel {
            line = line.style(theme.highlight);
        }
        lines.push(line);
        if app.focus == Pane::Balance && i == sel {
            if let Some(e) = &a.error {
                lines.push(Line::styled(
                    format!("  {}", fit(e, inner_w.saturating_sub(2))),
                    theme.error,
                ));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

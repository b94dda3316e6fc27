//! Balance pane: each account's figure, its age, errors, and the total.

use super::{fit, fit_middle, pane_block, spinner, theme::Theme};
use crate::app::App;
use crate::app::Pane;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn age(app: &App, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let Some(at) = at else {
        return String::new();
    };
    // Minutes at best: an idle screen is redrawn once a minute, so a
    // count of seconds would stand still and lie.
    let s = (app.now - at).num_seconds().max(0);
    if s < 60 {
        "<1m".into()
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else {
        format!("{}h", s / 3600)
    }
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let skip = crate::app::scroll_offset(app, Pane::Balance, area.height);
    // Accounts that do not fit are counted in the title, so none is
    // silently out of sight (the list scrolls to them).
    let rows = area.height.saturating_sub(2) as usize;
    let hidden = app.accounts.len().saturating_sub(rows.max(1));
    let block = pane_block(app, theme, Pane::Balance, {
        let plain = format!("Balance · {}", app.total_balance());
        let with = format!("{plain} · unclear {}", app.book.unclear_amount(None));
        let fits = |t: &str| t.chars().count() + 4 <= area.width as usize;
        let title = if app.book.unclear_amount(None).0 > 0 && fits(&with) {
            with
        } else {
            plain
        };
        let more = format!("{title} · +{hidden} more");
        if hidden > 0 && fits(&more) {
            more
        } else if hidden > 0 {
            format!("Balance · +{hidden} more")
        } else {
            title
        }
    });
    let inner_w = area.width.saturating_sub(2) as usize;
    let sel = app.sel(Pane::Balance);
    let mut lines = Vec::new();
    if app.accounts.is_empty() {
        lines.push(Line::styled(
            "No accounts: add [[accounts]] to the config",
            theme.dim,
        ));
    }
    let figures: Vec<String> = app
        .accounts
        .iter()
        .map(|a| match (a.balance, a.loading) {
            // A seller key has no buyer balance: the figure says what it is.
            _ if a.info.seller => "seller".into(),
            (Some(b), _) => b.to_string(),
            (None, true) => spinner(app).to_string(),
            (None, false) => "—".into(),
        })
        .collect();
    let longest = app
        .accounts
        .iter()
        .map(|a| a.info.name.chars().count())
        .max();
    let cols = Columns::fit(
        inner_w,
        longest.unwrap_or(0),
        &figures,
        app.accounts.iter().any(|a| a.error.is_some()),
    );
    for (i, a) in app.accounts.iter().enumerate().skip(skip) {
        let name_w = cols.name;
        let mut spans = vec![Span::styled(
            format!("{:<name_w$} ", fit_middle(&a.info.name, name_w)),
            theme.text,
        )];
        if cols.kind {
            spans.push(Span::styled(
                format!("{:<7} ", a.info.kind.display_name()),
                theme.dim,
            ));
        }
        spans.push(Span::styled(
            format!("{:>w$}", figures[i], w = cols.figure),
            theme.price,
        ));
        spans.push(Span::styled(
            format!(" {:>3}", age(app, a.balance_at)),
            theme.dim,
        ));
        if a.error.is_some() {
            spans.push(Span::styled(" ERR", theme.error));
        }
        // The amount still unclear (UNKNOWN orders) where it fits, else a
        // mark; the header always has the figure.
        let unclear = app.book.unclear_amount(Some(&a.info.name));
        if unclear.0 > 0 {
            let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
            let full = format!(" ?{unclear}");
            let mark = if used + full.chars().count() <= inner_w {
                full
            } else {
                " ?".to_string()
            };
            spans.push(Span::styled(mark, theme.warn));
        }
        let mut line = Line::from(spans);
        if app.view.focus == Pane::Balance && i == sel {
            line = line.style(theme.highlight);
        }
        lines.push(line);
        if app.view.focus == Pane::Balance && i == sel {
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

/// Column widths: the figure, its age and the error badge always fit; the
/// name takes what is left, and the provider column shows only with room.
struct Columns {
    name: usize,
    kind: bool,
    figure: usize,
}

impl Columns {
    fn fit(width: usize, longest_name: usize, figures: &[String], any_error: bool) -> Columns {
        let figure = figures
            .iter()
            .map(|f| f.chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        // name + space, figure, space + age(3), optional " ERR".
        let fixed = 1 + figure + 4 + if any_error { 4 } else { 0 };
        let left = width.saturating_sub(fixed);
        let kind = left >= 10 + 8;
        let name = if kind { left - 8 } else { left }.min(longest_name.max(3));
        Columns { name, kind, figure }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_age_and_error_always_fit() {
        let figs = vec!["Rp 2.450.000".to_string(), "Rp 150.000".to_string()];
        let c = Columns::fit(28, 12, &figs, true);
        assert!(!c.kind);
        assert_eq!(c.figure, 12);
        assert_eq!(c.name + 1 + c.figure + 4 + 4, 28);
        let wide = Columns::fit(60, 12, &figs, false);
        assert!(wide.kind);
        assert_eq!(wide.name, 12, "no wider than the longest name");
    }
}

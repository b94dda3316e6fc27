//! Catalog pane: the account → service → country → offer tree.

use super::{fit, pane_block, spinner, theme::Theme};
use crate::app::catalog::{rows, RowKind};
use crate::app::commands::Pane;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let filter = app.filter.value();
    let mut title = format!("Catalog · by {}", app.sort.label());
    if app.filtering || !filter.is_empty() {
        title.push_str(&format!(
            " · /{filter}{}",
            if app.filtering { "▏" } else { "" }
        ));
    }
    let block = pane_block(app, theme, Pane::Catalog, title);
    let all = rows(app);
    let w = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(2) as usize;
    let sel = app.sel(Pane::Catalog).min(all.len().saturating_sub(1));
    let skip = crate::app::scroll_offset(app, Pane::Catalog, area.height);
    let mut lines: Vec<Line> = Vec::new();
    if all.is_empty() {
        let why = if app.accounts.is_empty() {
            "No accounts to browse"
        } else {
            "Nothing matches the filter"
        };
        lines.push(Line::styled(why, theme.dim));
    }
    for (i, r) in all.iter().enumerate().skip(skip).take(height) {
        let indent = "  ".repeat(r.depth);
        let (marker, style) = match &r.kind {
            RowKind::Branch { expanded: true } => ("▾ ", theme.text),
            RowKind::Branch { expanded: false } => ("▸ ", theme.text),
            RowKind::Offer { in_stock: true } => ("• ", theme.text),
            RowKind::Offer { in_stock: false } => ("· ", theme.dim),
            RowKind::Loading => ("", theme.dim),
            RowKind::Error => ("! ", theme.error),
        };
        let label = if r.kind == RowKind::Loading {
            format!("{} {}", spinner(app), r.label)
        } else {
            r.label.clone()
        };
        let left = format!("{indent}{marker}{label}");
        // The name matters more than the details: keep only the price when
        // the row is too narrow for both.
        let detail =
            if w.saturating_sub(r.detail.chars().count() + 1) < left.chars().count().min(w / 2) {
                r.detail.split("  ").next().unwrap_or("").to_string()
            } else {
                r.detail.clone()
            };
        let detail_w = detail.chars().count();
        let left_w = w.saturating_sub(detail_w + 1);
        let mut spans = vec![Span::styled(
            format!("{:<left_w$}", fit(&left, left_w)),
            style,
        )];
        if !detail.is_empty() {
            let dstyle = if matches!(r.kind, RowKind::Offer { in_stock: false }) {
                theme.dim
            } else {
                theme.price
            };
            spans.push(Span::styled(format!(" {detail}"), dstyle));
        }
        let mut line = Line::from(spans);
        if app.focus == Pane::Catalog && i == sel {
            line = line.style(theme.highlight);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

//! The report view: the figures, then the rows as a table from the
//! scrolled-to row, and how to get all of it as CSV.

use crate::ui::popups::boxed;
use crate::app::keymap::Cmd;
use crate::app::views::report::ReportPopup;
use crate::app::App;
use crate::ui::theme::Theme;
use crate::domain::columns::{Column, Table};
use crate::ui::table::{self, Show};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, r: &ReportPopup) {
    let r_area = crate::ui::popups::above_status(app, area);
    let q = &r.query;
    let mut lines = vec![Line::styled(
        format!(
            "{} · {} to {} · {}/{} scroll · {} close · CSV: otpdeck report --account {} --type {} --format csv",
            q.kind.as_str(),
            q.from.map_or("the start".into(), |d| d.to_string()),
            q.to.map_or("today".into(), |d| d.to_string()),
            crate::ui::popups::keys(app, Cmd::Up),
            crate::ui::popups::keys(app, Cmd::Down),
            crate::ui::popups::keys(app, Cmd::Dismiss),
            r.account,
            q.kind.as_str()
        ),
        theme.dim,
    )];
    match &r.result {
        None => lines.push(Line::styled("asking GoTopUp…", theme.dim)),
        Some(Err(e)) => lines.push(Line::styled(e.to_string(), theme.error)),
        Some(Ok(rep)) => {
            for (k, v) in &rep.summary {
                lines.push(Line::raw(format!("{k:<22} {v}")));
            }
            if rep.rows.is_empty() {
                lines.push(Line::raw("No rows for this range."));
            } else {
                // Every cell is a value (ids, amounts, dates): whole, the
                // rightmost columns moving under their row where it is too
                // wide.
                let (header, rows) = rep.table();
                let n = header.len();
                let mut table = Table::new(
                    header
                        .iter()
                        .enumerate()
                        .map(|(i, h)| {
                            let c = Column::value(h);
                            match u8::try_from(n - i) {
                                Ok(rank) if i > 0 => c.leaves(rank),
                                _ => c,
                            }
                        })
                        .collect(),
                );
                for row in &rows {
                    table.push(row);
                }
                let budget = (r_area.height as usize).saturating_sub(3 + lines.len());
                lines.extend(table::lines(
                    &table,
                    r_area.width.saturating_sub(2) as usize,
                    budget,
                    Show::From(r.offset),
                    [theme.title, Style::default()],
                    |_| None,
                ));
            }
        }
    }
    frame.render_widget(Clear, r_area);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(theme, &format!("Report · {}", r.account))),
        r_area,
    );
}

impl crate::ui::popups::Draw for ReportPopup {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

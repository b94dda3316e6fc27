//! The report view: the figures, then the rows as a table from the
//! scrolled-to row, and how to get all of it as CSV.

use crate::ui::popups::boxed;
use crate::app::keymap::Cmd;
use crate::app::views::report::ReportPopup;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
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
                let (header, rows) = rep.table();
                let width = |i: usize| {
                    rows.iter()
                        .map(|row| row[i].chars().count())
                        .chain([header[i].chars().count()])
                        .max()
                        .unwrap_or(0)
                        .min(24)
                };
                let widths: Vec<usize> = (0..header.len()).map(width).collect();
                let line = |cells: &[String]| {
                    cells
                        .iter()
                        .zip(&widths)
                        .map(|(c, w)| format!("{:<w$.w$}", c, w = *w))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                lines.push(Line::styled(line(&header), theme.title));
                let fit = crate::app::views::report::rows_shown(r, r_area.height);
                for row in rows.iter().skip(r.offset).take(fit) {
                    lines.push(Line::raw(line(row)));
                }
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

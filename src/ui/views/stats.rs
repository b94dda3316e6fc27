//! The statistics view: per offer, orders, OTP rate, median and p90 time
//! to the OTP, spent and refunded; below, spend per day (a sparkline) and
//! the time to the OTP (a bar chart).

use crate::ui::popups::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::App;
use crate::domain::stats::Overview;
use crate::domain::columns::{Column, Table};
use crate::ui::table::{self, Show};
use crate::ui::theme::Theme;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Clear, Paragraph, Sparkline};
use ratatui::Frame;

pub fn draw(
    frame: &mut Frame,
    app: &App,
    t: &Theme,
    area: Rect,
    figures: Option<&Result<Overview, String>>,
) {
    let r = centered(area, 100, area.height.saturating_sub(2).max(10));
    frame.render_widget(Clear, r);
    let title = format!(
        "Statistics · 30 days · {} closes",
        app.keymap.label(Cmd::Dismiss)
    );
    let block = boxed(t, &title);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let o = match figures {
        None => {
            frame.render_widget(Paragraph::new("Reading the journal…"), inner);
            return;
        }
        Some(Err(e)) => {
            frame.render_widget(Paragraph::new(Line::styled(e.clone(), t.error)), inner);
            return;
        }
        Some(Ok(o)) => o,
    };
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(3), Constraint::Length(7)])
        .split(inner);
    // Columns as wide as their figures: the offer's name gives way, an
    // amount never does.
    let mut table = Table::new(vec![
        Column::text("offer", 10),
        Column::value("orders").right(),
        Column::value("OTP").right(),
        Column::value("median").right(),
        Column::value("p90").right(),
        Column::value("spent").right(),
        Column::value("refunded").right(),
    ]);
    for g in &o.groups {
        let secs = |s: Option<i64>| s.map(|s| format!("{s}s")).unwrap_or_else(|| "-".into());
        table.push([
            g.group.clone(),
            g.orders.to_string(),
            g.otp_rate
                .map(|r| format!("{r:.0}%"))
                .unwrap_or_else(|| "-".into()),
            secs(g.median_secs),
            secs(g.p90_secs),
            g.spent.to_string(),
            g.refunded.to_string(),
        ]);
    }
    let mut lines = table::lines(
        &table,
        parts[0].width as usize,
        (parts[0].height as usize).saturating_sub(1),
        Show::From(0),
        [t.dim, t.text],
        |_| None,
    );
    if o.groups.is_empty() {
        lines.push(Line::from("No orders in the last 30 days."));
    }
    frame.render_widget(Paragraph::new(lines), parts[0]);
    let bottom = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(parts[1]);
    let spend: Vec<u64> = o.spend_per_day.iter().map(|v| (*v).max(0) as u64).collect();
    let total: i64 = o.spend_per_day.iter().sum();
    frame.render_widget(
        Sparkline::default()
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(format!(" spend per day · {} ", crate::money::Rupiah(total))),
            )
            .data(&spend)
            .style(t.price),
        bottom[0],
    );
    let bars: Vec<Bar> = o
        .otp_times
        .iter()
        .map(|(label, n)| Bar::default().label(Line::from(*label)).value(*n))
        .collect();
    frame.render_widget(
        BarChart::default()
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(" time to OTP "),
            )
            .data(BarGroup::default().bars(&bars))
            .bar_width(5)
            .bar_gap(1)
            .bar_style(t.ok),
        bottom[1],
    );
}

impl crate::ui::popups::Draw for crate::app::views::stats::Stats {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self.0.as_deref())
    }
}

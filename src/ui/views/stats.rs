//! The statistics view: per offer, orders, OTP rate, median and p90 time
//! to the OTP, spent and refunded; below, spend per day (a sparkline) and
//! the time to the OTP (a bar chart). The table scrolls from the first row
//! the view keeps.

use crate::ui::popups::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::App;
use crate::app::views::stats::{box_height, Stats};
use crate::domain::columns::{Column, Table};
use crate::domain::stats::StatsLine;
use crate::ui::table::{self, Show};
use crate::ui::theme::Theme;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Clear, Paragraph, Sparkline};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, t: &Theme, area: Rect, s: &Stats) {
    let figures = s.figures.as_deref();
    let (h, shown) = box_height(area.height);
    let r = centered(area, 100, h);
    frame.render_widget(Clear, r);
    // Lines, not groups: the top-ups' header scrolls with them.
    let groups = match figures {
        Some(Ok(o)) => o.line_count(),
        _ => 0,
    };
    let first = s.first.min(groups.saturating_sub(shown));
    let scroll = if groups > shown {
        format!(
            " · {}–{} of {} · {}/{} scroll",
            first + 1,
            (first + shown).min(groups),
            groups,
            app.keymap.label(Cmd::Down),
            app.keymap.label(Cmd::Up)
        )
    } else {
        String::new()
    };
    let title = format!(
        "Statistics · 30 days · {} closes{scroll}",
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
    // Columns as wide as their figures: a group's name gives way, an
    // amount never does. OTP orders first; top-ups apart below under their
    // own header line, where the "code" is an SN.
    let mut table = Table::new(vec![
        Column::text("offer", 10),
        Column::value("orders").right(),
        Column::value("OTP").right(),
        Column::value("median").right(),
        Column::value("p90").right(),
        Column::value("spent").right(),
        Column::value("refunded").right(),
    ]);
    let secs = |s: Option<i64>| s.map(|s| format!("{s}s")).unwrap_or_else(|| "-".into());
    let stats_lines = o.lines();
    for line in &stats_lines {
        match line {
            StatsLine::Group(g) => table.push([
                g.label.clone(),
                g.orders.to_string(),
                g.otp_rate
                    .map(|r| format!("{r:.0}%"))
                    .unwrap_or_else(|| "-".into()),
                secs(g.median_secs),
                secs(g.p90_secs),
                g.spent.to_string(),
                g.refunded.to_string(),
            ]),
            StatsLine::TopUpHeader => table.push(
                ["top-up", "orders", "SN", "median", "p90", "spent", "refunded"].map(String::from),
            ),
        }
    }
    let header = |i: usize| {
        matches!(stats_lines.get(i), Some(StatsLine::TopUpHeader)).then_some(t.dim)
    };
    let mut lines = table::lines(
        &table,
        parts[0].width as usize,
        shown.min((parts[0].height as usize).saturating_sub(1)),
        Show::From(first),
        [t.dim, t.text],
        header,
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
        .map(|(label, n)| Bar::default().label(Line::from(label.to_string())).value(*n))
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

impl crate::ui::popups::Draw for Stats {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

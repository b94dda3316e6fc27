//! The compare view: every account's offers for one service and country,
//! with the provider's rate and the user's own record; accounts that could
//! not match the names or answer are listed below, not hidden.

use crate::ui::popups::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::views::compare::CompareView;
use crate::app::App;
use crate::domain::columns::{Column, Table};
use crate::domain::compare::offer_words;
use crate::ui::fit;
use crate::ui::table::{self, Show};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

fn own(r: &crate::domain::compare::Row) -> String {
    match r.record.otp_rate() {
        Some(rate) => format!(
            "{}× {rate:.0}% {}",
            r.record.orders,
            r.record
                .median_secs
                .map(|s| format!("{s}s"))
                .unwrap_or_else(|| "-".into())
        ),
        None => "-".into(),
    }
}

/// The offers as a table: columns as wide as what they hold.
fn table_of(v: &CompareView) -> Table {
    // Columns as wide as what they hold. The server has its own column and
    // the offer leaves out the service and country named above, so offers
    // that differ only by server or tier read apart; names give way first.
    let mut table = Table::new(vec![
        Column::text("account", 8),
        Column::text("api", 3),
        Column::value("server"),
        Column::text("offer", 8),
        Column::value("price").right(),
        Column::value("stock").right(),
        Column::value("rate").right(),
        // Short, so names have the room: the title line says the period.
        Column::value("yours"),
    ])
    .gap(2);
    for row in &v.rows {
        let (server, name) = offer_words(row);
        table.push([
            row.account.clone(),
            row.provider.display_name().to_string(),
            if server.is_empty() { "-".into() } else { server },
            name,
            row.offer.price.to_string(),
            row.offer
                .stock
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into()),
            row.offer
                .success_rate
                .map(|x| format!("{x:.0}%"))
                .unwrap_or_else(|| "-".into()),
            own(row),
        ]);
    }
    table
}

pub fn draw(frame: &mut Frame, app: &App, t: &Theme, area: Rect, v: &CompareView) {
    let (h, room) = crate::app::views::compare::box_height(v, area.height);
    let table = table_of(v);
    // 100 wide, wider where the screen has room for every name whole.
    let natural = table.fit(usize::MAX).total().saturating_add(2);
    let r = centered(area, natural.clamp(100, u16::MAX as usize) as u16, h);
    let w = r.width.saturating_sub(2) as usize;
    let waiting = if v.waiting > 0 {
        format!(" · waiting for {}", v.waiting)
    } else {
        String::new()
    };
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "{} · {} · by {}{waiting} · yours: last 30 days",
                v.service,
                v.country,
                v.sort.label()
            ),
            w,
        ),
        t.title,
    )];
    lines.extend(table::lines(
        &table,
        w,
        room,
        Show::Picked(v.selected, t.highlight),
        [t.dim, t.text],
        |_| None,
    ));
    if v.rows.is_empty() && v.waiting == 0 {
        lines.push(Line::from("No account has it in stock."));
    }
    for (account, why) in v.failed.iter().take(3) {
        lines.push(Line::styled(fit(&format!("{account}: {why}"), w), t.warn));
    }
    lines.push(Line::styled(
        fit(
            &format!(
                "{} buy · {} sort · {} back",
                app.keymap.label(Cmd::Confirm),
                app.keymap.label(Cmd::Sort),
                app.keymap.label(Cmd::Dismiss)
            ),
            w,
        ),
        t.dim,
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(boxed(t, "Compare")), r);
}

impl crate::ui::popups::Draw for CompareView {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

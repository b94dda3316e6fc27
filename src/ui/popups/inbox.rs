//! The webhook inbox view: one line per kept delivery (time, account,
//! event, the OTP or SN it carried, why it was kept), the picked one
//! highlighted, its raw body below.

use super::boxed;
use crate::app::keymap::Cmd;
use crate::app::popups::inbox::InboxPopup;
use crate::app::App;
use crate::ui::theme::Theme;
use crate::domain::columns::{Column, Table};
use crate::ui::table::{self, Show};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, p: &InboxPopup) {
    let r = super::above_status(app, area);
    let mut lines = vec![Line::styled(
        format!(
            "{}/{} pick · {} copy the code · {} close · all of them: webhook-inbox.jsonl in the data dir",
            super::keys(app, Cmd::Up),
            super::keys(app, Cmd::Down),
            super::keys(app, Cmd::CopyOtp),
            super::keys(app, Cmd::Dismiss),
        ),
        theme.dim,
    )];
    // Half the box for the list, the rest for the picked body.
    let list_rows = (r.height as usize).saturating_sub(3) / 2;
    // The code whole; the account, event and reason give way.
    let mut rows = Table::new(vec![
        Column::value("time"),
        Column::text("account", 6),
        Column::text("event", 8),
        Column::value("code"),
        Column::text("reason", 10),
    ]);
    for k in &app.book.kept {
        rows.push([
            k.at.with_timezone(&chrono::Local)
                .format("%H:%M:%S")
                .to_string(),
            k.account.clone(),
            k.event.clone(),
            k.code.clone().unwrap_or_else(|| "-".into()),
            k.reason.clone(),
        ]);
    }
    // No header: the rows under the keys line, as before.
    lines.extend(
        table::lines(
            &rows,
            r.width.saturating_sub(2) as usize,
            list_rows.max(1),
            Show::Picked(p.selected, theme.highlight),
            [theme.dim, Style::default()],
            |_| None,
        )
        .into_iter()
        .skip(1),
    );
    if let Some(k) = app.book.kept.get(p.selected) {
        lines.push(Line::styled("body:", theme.dim));
        lines.push(Line::raw(k.body.clone()));
    }
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed(
                theme,
                &format!("Webhook inbox · {}", app.book.kept.len()),
            )),
        r,
    );
}

impl crate::ui::popups::Draw for InboxPopup {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

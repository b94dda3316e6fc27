//! The webhook inbox view: one line per kept delivery (time, account,
//! event, the OTP or SN it carried, why it was kept), the picked one
//! highlighted, its raw body below.

use super::boxed;
use crate::app::keymap::Cmd;
use crate::app::popups::inbox::InboxPopup;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
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
    let list_rows = crate::app::popups::inbox::list_rows(r.height);
    let first = p.selected.saturating_sub(list_rows - 1);
    for (i, k) in app
        .book
        .kept
        .iter()
        .enumerate()
        .skip(first)
        .take(list_rows)
    {
        let local = k.at.with_timezone(&chrono::Local).format("%H:%M:%S");
        let text = format!(
            "{local}  {:<14.14} {:<20.20} {:<18.18} {}",
            k.account,
            k.event,
            k.code.as_deref().unwrap_or("-"),
            k.reason
        );
        lines.push(if i == p.selected {
            Line::styled(text, theme.highlight)
        } else {
            Line::raw(text)
        });
    }
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

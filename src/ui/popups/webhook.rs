//! Webhook settings popup: the three fields (the focused one marked), what
//! the API has, an error, and the secret of the last save, shown once.

use super::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::popups::webhook::{Field, WebhookPopup};
use crate::app::App;
use crate::domain::webhook::WEBHOOK_EVENTS;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, w: &WebhookPopup) {
    let r = centered(area, 72, 11);
    let keys = |c: Cmd| super::keys(app, c);
    let field = |f: Field, label: &str, value: String| {
        let focus = w.field == f;
        super::field_line(theme, focus, label, 7, &value, focus && f != Field::Active)
    };
    let mut lines = vec![
        field(Field::Url, "url", w.url.value().to_string()),
        field(Field::Events, "events", w.events.value().to_string()),
        field(
            Field::Active,
            "active",
            if w.active { "yes" } else { "no" }.into(),
        ),
        Line::styled(format!("  events: {}", WEBHOOK_EVENTS.join(" ")), theme.dim),
    ];
    if w.busy {
        lines.push(Line::styled("  asking OTPZap…", theme.dim));
    }
    if let Some(e) = &w.error {
        lines.push(Line::styled(format!("  {e}"), theme.error));
    }
    if let Some(s) = &w.secret {
        lines.push(Line::styled(
            "  secret, shown once (OTPZap will not show it again):",
            theme.warn,
        ));
        lines.push(Line::styled(format!("  {}", s.expose()), theme.otp));
    }
    lines.push(Line::styled(
        format!(
            "  {} next field · Space flips active · {} save · {} close",
            keys(Cmd::NextField),
            keys(Cmd::Confirm),
            keys(Cmd::Dismiss)
        ),
        theme.dim,
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed(theme, &format!("Webhook · {}", w.account))),
        r,
    );
}

impl crate::ui::popups::Draw for WebhookPopup {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

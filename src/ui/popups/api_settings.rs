//! GoTopUp API settings popup: the three fields (the focused one marked),
//! whether the key is active, and an error.

use super::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::popups::api_settings::{ApiSettingsPopup, Field};
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, p: &ApiSettingsPopup) {
    let r = centered(area, 72, 10);
    let keys = |c: Cmd| super::keys(app, c);
    let field = |f: Field, label: &str, value: &str| {
        let focus = p.field == f;
        super::field_line(theme, focus, label, 13, value, focus)
    };
    let mut lines = vec![
        field(Field::Url, "webhook url", p.url.value()),
        field(Field::Whitelist, "ip whitelist", p.whitelist.value()),
        field(Field::RateLimit, "rate limit", p.rate_limit.value()),
        Line::styled(
            match p.current.as_ref().and_then(|c| c.is_active) {
                Some(false) => "  the key is not active",
                _ => "  whitelist: IPs or networks, a,b (empty: any) · rate: 1–1000 a minute",
            },
            theme.dim,
        ),
    ];
    if p.busy {
        lines.push(Line::styled("  asking GoTopUp…", theme.dim));
    }
    if let Some(e) = &p.error {
        lines.push(Line::styled(format!("  {e}"), theme.error));
    }
    lines.push(Line::styled(
        format!(
            "  {} next field · {} save · {} close",
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
            .block(boxed(theme, &format!("API settings · {}", p.account))),
        r,
    );
}

impl crate::ui::popups::Draw for ApiSettingsPopup {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

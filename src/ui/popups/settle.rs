//! "I checked the provider": the UNKNOWN order, any clue so far, the number
//! being typed and the two answers with their keys.

use super::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;
use tui_input::Input;

pub fn draw(
    frame: &mut Frame,
    app: &App,
    order_id: i64,
    number: &Input,
    theme: &Theme,
    area: Rect,
) {
    let Some(o) = app.book.orders.get(&order_id) else {
        return;
    };
    let r = centered(area, 62, 8);
    let keys = |c: Cmd| super::keys(app, c);
    let mut lines = vec![
        Line::from(format!(
            "Order #{} · {} · {} · {}",
            o.id, o.service, o.account, o.price
        )),
        Line::styled(
            app.book.clue_text(order_id)
                .map(|c| format!("clue: {c}"))
                .unwrap_or_else(|| "no clue yet: check the provider's order list".into()),
            theme.dim,
        ),
        Line::from(vec![
            Span::raw("number   "),
            Span::styled(format!("{}▏", number.value()), theme.otp),
            Span::styled(" (optional, if charged)", theme.dim),
        ]),
        Line::from(format!(
            "{}  it was charged: closed, {} spent",
            keys(Cmd::SettleCharged),
            o.price
        )),
        Line::from(format!(
            "{}  it was not charged: closed, nothing spent",
            keys(Cmd::SettleNotCharged)
        )),
        Line::styled(format!("{}  back", keys(Cmd::Dismiss)), theme.dim),
    ];
    if r.height < 8 {
        lines.truncate(r.height.saturating_sub(2) as usize);
    }
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(boxed(theme, "I checked the provider")),
        r,
    );
}

impl crate::ui::popups::Draw for crate::app::popups::Settle {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, self.order_id, &self.number, theme, area)
    }
}

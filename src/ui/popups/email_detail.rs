//! An email order's message timeline: the inbox, its site and window, then
//! one block per message (time, from, subject, preview), oldest first,
//! from the first one scrolled to.

use super::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::App;
use crate::app::popups::email_detail::{box_height, last_first};
use crate::app::popups::EmailDetail;
use crate::ui::fit;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, d: &EmailDetail, theme: &Theme, area: Rect) {
    let Some(o) = app.book.orders.get(&d.order_id) else {
        return;
    };
    let window = match o.expires_at {
        Some(t) if !o.status.is_final() => {
            let left = (t - app.now).num_seconds().max(0);
            format!("{}:{:02} left", left / 60, left % 60)
        }
        _ => o.status.to_string(),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(o.number.clone().unwrap_or_else(|| "-".into()), theme.otp),
            Span::raw(format!(
                "  {} · #{} · {} · {}",
                o.country_name
                    .as_deref()
                    .or(o.country.as_deref())
                    .unwrap_or("-"),
                o.id,
                o.price,
                window
            )),
        ]),
        Line::from(""),
    ];
    let n = match &d.messages {
        Some(Ok(list)) => list.len(),
        _ => 0,
    };
    let (h, shown) = box_height(n, area.height);
    let r = centered(area, 84, h);
    // A message's subject and preview are cut to the box, so each takes
    // its rows and the timeline scrolls by whole messages.
    let w = r.width.saturating_sub(5) as usize;
    let first = d.first.min(last_first(n, shown));
    match &d.messages {
        None => lines.push(Line::styled("reading the journal…", theme.dim)),
        Some(Err(e)) => lines.push(Line::styled(
            format!("cannot read messages: {e}"),
            theme.error,
        )),
        Some(Ok(list)) if list.is_empty() => lines.push(Line::styled(
            "no message yet: OTPZap is waiting for the site's mail",
            theme.dim,
        )),
        Some(Ok(list)) => {
            for (i, m) in list.iter().enumerate().skip(first).take(shown) {
                let at = m
                    .received_at
                    .map(|t| {
                        t.with_timezone(&app.settings.utc_offset)
                            .format("%H:%M:%S")
                            .to_string()
                    })
                    .unwrap_or_else(|| "--:--:--".into());
                lines.push(Line::from(vec![
                    Span::styled(format!("{}. {at}  ", i + 1), theme.dim),
                    Span::raw(m.from.clone()),
                    Span::raw("  "),
                    Span::styled(m.headline(), theme.otp),
                ]));
                lines.push(Line::from(format!("   {}", fit(&m.subject, w))));
                lines.push(Line::styled(format!("   {}", fit(&m.preview, w)), theme.dim));
            }
        }
    }
    lines.push(Line::from(""));
    let scroll = if shown < n {
        format!(
            " · {}–{} of {} · {}/{} scroll",
            first + 1,
            (first + shown).min(n),
            n,
            app.keymap.label(Cmd::Down),
            app.keymap.label(Cmd::Up)
        )
    } else {
        String::new()
    };
    lines.push(Line::styled(
        format!(
            "{} copy OTP · {} close{scroll}",
            super::keys(app, Cmd::CopyOtp),
            super::keys(app, Cmd::Dismiss)
        ),
        theme.dim,
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed(theme, "Email messages")),
        r,
    );
}

impl crate::ui::popups::Draw for crate::app::popups::EmailDetail {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, self, theme, area)
    }
}

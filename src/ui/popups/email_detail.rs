//! An email order's message timeline: the inbox, its site and window, then
//! one block per message (time, from, subject, preview), oldest first,
//! from the first one scrolled to.

use super::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::App;
use crate::app::popups::email_detail::{box_height, last_first};
use crate::app::popups::EmailDetail;
use crate::domain::columns::{width, wrap, wrap_words};
use crate::domain::text::visible;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::style::Style;
use ratatui::widgets::{Clear, Paragraph};
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
    // The timeline scrolls by whole messages (`first`, `shown`).
    let messages = d.messages.as_ref();
    let n = match messages {
        Some(Ok(list)) => list.len(),
        _ => 0,
    };
    let (_, shown) = box_height(n, area.height);
    let first = d.first.min(last_first(n, shown));
    // As wide as the screen allows; every line is laid out here, so the
    // box is as tall as its text and an address is never cut: where it
    // does not fit beside the rest of its line, the rest goes under it.
    let r_w = 84.min(area.width);
    let inner = r_w.saturating_sub(2) as usize;
    let address = visible(o.number.as_deref().unwrap_or("-")).into_owned();
    let about = format!(
        "{} · #{} · {} · {}",
        o.country_name
            .as_deref()
            .or(o.country.as_deref())
            .unwrap_or("-"),
        o.id,
        o.price,
        window
    );
    let mut lines = Vec::new();
    if width(&address) + 2 + width(&about) <= inner {
        lines.push(Line::from(vec![
            Span::styled(address, theme.otp),
            Span::raw(format!("  {about}")),
        ]));
    } else {
        for part in wrap(&address, inner) {
            lines.push(Line::styled(part, theme.otp));
        }
        lines.extend(text(&about, inner, "  ", Style::default()));
    }
    lines.push(Line::from(""));
    match messages {
        None => lines.push(Line::styled("reading the journal…", theme.dim)),
        Some(Err(e)) => lines.extend(text(
            &format!("cannot read messages: {e}"),
            inner,
            "",
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
                let head = format!("{}. {at}  ", i + 1);
                let from = visible(&m.from).into_owned();
                let headline = visible(&m.headline()).into_owned();
                if width(&head) + width(&from) + 2 + width(&headline) <= inner {
                    lines.push(Line::from(vec![
                        Span::styled(head, theme.dim),
                        Span::raw(from),
                        Span::raw("  "),
                        Span::styled(headline, theme.otp),
                    ]));
                } else {
                    // The sender on its line, the code or headline under it.
                    if width(&head) + width(&from) <= inner {
                        lines.push(Line::from(vec![
                            Span::styled(head, theme.dim),
                            Span::raw(from),
                        ]));
                    } else {
                        lines.push(Line::styled(head, theme.dim));
                        lines.extend(text(&from, inner, "   ", Style::default()));
                    }
                    lines.extend(text(&headline, inner, "   ", theme.otp));
                }
                lines.extend(text(&m.subject, inner, "   ", Style::default()));
                lines.extend(text(&m.preview, inner, "   ", theme.dim));
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
    // Two rows to spare under the text, as before lines were counted here.
    let r = centered(area, r_w, (lines.len() as u16 + 4).min(area.height));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(theme, "Email messages")),
        r,
    );
}

/// `s` made visible and wrapped at spaces in `w` columns, each line after
/// `indent`.
fn text(s: &str, w: usize, indent: &str, style: Style) -> Vec<Line<'static>> {
    wrap_words(&visible(s), w.saturating_sub(indent.len()))
        .into_iter()
        .map(|l| Line::styled(format!("{indent}{l}"), style))
        .collect()
}

impl crate::ui::popups::Draw for crate::app::popups::EmailDetail {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, self, theme, area)
    }
}

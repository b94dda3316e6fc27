//! Active orders pane: buys in flight, then orders newest first, with a live
//! countdown that turns to the warning colour under two minutes.

use super::{fit, pane_block, spinner, theme::Theme};
use crate::app::commands::Pane;
use crate::app::App;
use crate::domain::{Order, OrderStatus};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn countdown(app: &App, o: &Order) -> (String, bool) {
    match o.expires_at {
        Some(exp) if o.status.is_active() => {
            let left = (exp - app.now).num_seconds();
            if left <= 0 {
                ("00:00".into(), true)
            } else {
                (format!("{:02}:{:02}", left / 60, left % 60), left < 120)
            }
        }
        _ => (String::new(), false),
    }
}

fn status_text(o: &Order) -> String {
    match o.status {
        OrderStatus::Unknown => format!("UNKNOWN — check provider ({} at risk)", o.price),
        OrderStatus::OtpReceived => "otp".into(),
        s => s.to_string(),
    }
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let pending = app.visible_pending();
    let orders = app.visible_orders();
    let block = pane_block(
        app,
        theme,
        Pane::Orders,
        format!(
            "Active orders · {}",
            orders.iter().filter(|o| o.status.is_active()).count()
        ),
    );
    let w = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(3) as usize;
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "{:<4} {:<9} {:<6} {:<15} {:>9} {:<8} {:>5} OTP",
                "#", "service", "ctry", "number", "price", "status", "left"
            ),
            w,
        ),
        theme.dim,
    )];
    if pending.is_empty() && orders.is_empty() {
        lines.push(Line::styled(
            "No active orders. Pick an offer in the catalog and press Enter.",
            theme.dim,
        ));
    }
    let sel = app.sel(Pane::Orders);
    let skip = crate::app::scroll_offset(app, Pane::Orders, area.height);
    let mut i = 0usize;
    for p in &pending {
        if i >= skip && lines.len() <= height {
            let mut line = Line::from(vec![Span::styled(
                fit(
                    &format!(
                        "{:<4} {:<9} {:<6} {:<15} {:>9} {} buying…",
                        "…",
                        fit(&p.service, 9),
                        fit(p.country.as_deref().unwrap_or("-"), 6),
                        "",
                        p.price.to_string(),
                        spinner(app)
                    ),
                    w,
                ),
                theme.warn,
            )]);
            if app.focus == Pane::Orders && i == sel {
                line = line.style(theme.highlight);
            }
            lines.push(line);
        }
        i += 1;
    }
    for o in orders {
        if i < skip || lines.len() > height {
            i += 1;
            continue;
        }
        let (left, warn) = countdown(app, o);
        let status_style: Style = match o.status {
            OrderStatus::Unknown | OrderStatus::Failed => theme.error,
            OrderStatus::OtpReceived | OrderStatus::Finished => theme.ok,
            OrderStatus::Cancelled | OrderStatus::Expired => theme.dim,
            _ => theme.text,
        };
        let number: String = o
            .number
            .as_deref()
            .unwrap_or("-")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let head = format!(
            "{:<4} {:<9} {:<6} {:<15} {:>9} ",
            format!("#{}", o.id),
            fit(&o.service, 9),
            fit(o.country.as_deref().unwrap_or("-"), 6),
            fit(&number, 15),
            o.price.to_string()
        );
        let mut spans = vec![
            Span::styled(
                head,
                if o.status.is_final() {
                    theme.dim
                } else {
                    theme.text
                },
            ),
            Span::styled(format!("{:<8} ", fit(&status_text(o), 8)), status_style),
            Span::styled(
                format!("{left:>5} "),
                if warn { theme.warn } else { theme.dim },
            ),
            Span::styled(o.otps.join(" "), theme.otp),
        ];
        if o.status == OrderStatus::Unknown {
            spans = vec![Span::styled(
                fit(
                    &format!("#{} {} {} — {}", o.id, o.service, o.account, status_text(o)),
                    w,
                ),
                theme.error,
            )];
        }
        let mut line = Line::from(spans);
        if app.focus == Pane::Orders && i == sel {
            line = line.style(theme.highlight);
        }
        lines.push(line);
        i += 1;
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

//! Postpaid bill popup: account, product and customer fields (the focused
//! one marked) until the inquiry answers, then the bill (name, period,
//! bill, admin fee, total) and the question to pay the total.

use super::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::popups::bill::{BillPopup, Field};
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, b: &BillPopup) {
    let r = centered(area, 64, 12);
    let keys = |c: Cmd| super::keys(app, c);
    let mut lines = Vec::new();
    if let Some(bill) = &b.bill {
        let row = |label: &str, value: String| {
            Line::from(vec![
                Span::raw(format!("  {label:<10}")),
                Span::styled(value, theme.otp),
            ])
        };
        lines.push(row("product", bill.product.clone()));
        lines.push(row("customer", bill.customer_number.clone()));
        lines.push(row(
            "name",
            bill.customer_name.clone().unwrap_or_else(|| "-".into()),
        ));
        lines.push(row(
            "period",
            bill.period.clone().unwrap_or_else(|| "-".into()),
        ));
        lines.push(row("bill", bill.bill.to_string()));
        lines.push(row("admin fee", bill.admin_fee.to_string()));
        lines.push(row("TOTAL", bill.total.to_string()));
        lines.push(Line::styled(
            format!(
                "  Pay {} from {}? {} pay · {} cancel",
                bill.total,
                b.account_name(),
                keys(Cmd::Confirm),
                keys(Cmd::Dismiss)
            ),
            theme.warn,
        ));
    } else {
        let field = |f: Field, label: &str, value: String| {
            let focus = b.field == f;
            Line::from(vec![
                Span::styled(if focus { "▸ " } else { "  " }, theme.title),
                Span::raw(format!("{label:<9}")),
                Span::styled(
                    if focus && f != Field::Account {
                        format!("{value}▏")
                    } else {
                        value
                    },
                    theme.otp,
                ),
            ])
        };
        lines.push(field(Field::Account, "account", b.account_name().into()));
        lines.push(field(Field::Product, "product", b.product.value().into()));
        lines.push(field(
            Field::Customer,
            "customer",
            b.customer.value().into(),
        ));
        if b.busy {
            lines.push(Line::styled("  asking GoTopUp for the bill…", theme.dim));
        }
        lines.push(Line::styled(
            format!(
                "  {} next field · Space next account · {} ask the bill · {} close",
                keys(Cmd::NextField),
                keys(Cmd::Confirm),
                keys(Cmd::Dismiss)
            ),
            theme.dim,
        ));
    }
    if let Some(e) = &b.error {
        lines.push(Line::styled(format!("  {e}"), theme.error));
    }
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed(theme, "Postpaid bill")),
        r,
    );
}

impl crate::ui::popups::Draw for BillPopup {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

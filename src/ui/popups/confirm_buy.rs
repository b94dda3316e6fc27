//! The buy confirmation: what, where, the price and the balance after,
//! the operator and the customer number where the API takes them.

use super::{boxed, centered, keys, yes_no, Draw};
use crate::app::keymap::Cmd;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;
use crate::app::popups::ConfirmBuy;

impl Draw for ConfirmBuy {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        let ConfirmBuy {
            account,
            what,
            request,
            balance_after,
            customer,
            operators,
            qty,
        } = self;
        // The replace rule, when it covers this buy: said up front.
        let replace = app
            .settings
            .rules
            .replace_after(account)
            .filter(|_| {
                app.account_of(account)
                    .is_some_and(|a| a.info.caps.cancel && a.info.caps.countries)
            })
            .map(|d| {
                format!(
                    "rule     no SMS in {}: cancel, buy the next best (max {})",
                    humantime::format_duration(d),
                    app.settings.rules.max_attempts()
                )
            });
        // An email buy's options make a longer line: as wide as it needs.
        let base = if replace.is_some() { 62 } else { 56 };
        let w = if crate::domain::email::is_email_offer(&request.offer_id) {
            (what.chars().count() as u16 + 2).clamp(base, 100)
        } else {
            base
        };
        let extra =
            customer.is_some() as u16 + !operators.is_empty() as u16 + replace.is_some() as u16;
        let height = 7 + extra;
        let r = centered(area, w, height);
        let mut lines = vec![
            Line::from(what.as_str()),
            Line::from(format!("account  {account}")),
            Line::from(match *qty {
                0 | 1 => vec![
                    Span::raw("price    "),
                    Span::styled(request.price.to_string(), theme.price),
                ],
                n => vec![
                    Span::raw(format!("price    {} × {n} = ", request.price)),
                    Span::styled(
                        crate::app::popups::confirm_buy::total(request.price, n).to_string(),
                        theme.price,
                    ),
                ],
            }),
            Line::from(format!(
                "after    {}",
                balance_after
                    .map(|b| b.to_string())
                    .unwrap_or_else(|| "balance unknown".into())
            )),
        ];
        lines.extend(replace.map(|t| Line::styled(t, theme.dim)));
        if !operators.is_empty() {
            let name = match request.operator.as_deref() {
                None => "provider's choice",
                Some(chosen) => operators
                    .iter()
                    .find(|o| o.id == chosen)
                    .map_or(chosen, |o| o.name.as_str()),
            };
            lines.push(Line::from(vec![
                Span::raw("operator "),
                Span::styled(name.to_string(), theme.otp),
                Span::styled(
                    format!(
                        "  {} next of {}",
                        keys(app, Cmd::NextOperator),
                        operators.len()
                    ),
                    theme.dim,
                ),
            ]));
        }
        match customer {
            Some(input) => {
                lines.push(Line::from(vec![
                    Span::raw("customer "),
                    Span::styled(format!("{}▏", input.value()), theme.otp),
                ]));
                lines.push(Line::styled(
                    format!("type the number · {}", yes_no(app, "buy", "back")),
                    theme.dim,
                ));
            }
            None => lines.push(Line::styled(yes_no(app, "buy", "back"), theme.dim)),
        }
        frame.render_widget(Clear, r);
        frame.render_widget(Paragraph::new(lines).block(boxed(theme, "Buy?")), r);
    }
}

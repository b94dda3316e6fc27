//! Popups, drawn bottom to top so the top one is whole: buy and cancel
//! confirmations, help, the account picker and the `:` command line. Their
//! key hints come from the command table, so a remapped key shows.

mod api_settings;
mod bill;
mod compare;
mod deposits;
mod email_detail;
mod help;
mod history;
mod inbox;
mod report;
mod seller;
mod settle;
mod stats;
mod webhook;

use super::theme::Theme;
use crate::app::keymap::Cmd;
use crate::app::popups::AccountPicker;
use crate::app::popups::CommandLine;
use crate::app::popups::ConfirmBuy;
use crate::app::popups::ConfirmCancel;
use crate::app::popups::ConfirmDeposit;
use crate::app::popups::DepositForm;
use crate::app::popups::DepositQr;
use crate::app::popups::Deposits;
use crate::app::popups::EmailDetail;
use crate::app::popups::Help;
use crate::app::popups::Settle;
use crate::app::popups::Stats;
use crate::app::{App, Popup};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn boxed<'a>(theme: &Theme, title: &str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus)
        .title(Span::styled(format!(" {title} "), theme.title))
}

/// The whole screen but the status bar: the area of a full-screen view
/// (what a copy or a load says must stay in sight).
pub fn above_status(app: &App, area: Rect) -> Rect {
    crate::app::layout::compute(area, app.accounts.len()).map_or(area, |l| Rect {
        height: l.status.y.saturating_sub(area.y),
        ..area
    })
}

/// A form's field: marked when focused, its label padded to `width`, the
/// value with a cursor when `cursor` (a focused text field).
pub fn field_line(
    theme: &Theme,
    focus: bool,
    label: &str,
    width: usize,
    value: &str,
    cursor: bool,
) -> Line<'static> {
    Line::from(vec![
        Span::styled(if focus { "▸ " } else { "  " }, theme.title),
        Span::raw(format!("{label:<width$}")),
        Span::styled(
            if cursor {
                format!("{value}▏")
            } else {
                value.to_string()
            },
            theme.otp,
        ),
    ])
}

/// "y buy · Esc back" from the keys in force.
fn yes_no(app: &App, yes: &str, no: &str) -> String {
    format!(
        "{} {yes} · {} {no}",
        keys(app, Cmd::Confirm),
        keys(app, Cmd::Dismiss)
    )
}

/// The keys of `cmd` as the top popup takes them: while it takes typing,
/// a letter bound to `cmd` types itself, so only the other keys are named.
pub fn keys(app: &App, cmd: Cmd) -> String {
    let typing = app.view.popups.last().is_some_and(Popup::takes_text);
    app.keymap.labels_when(cmd, typing)
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    for popup in &app.view.popups {
        draw_one(frame, app, popup, theme, area);
    }
}

fn draw_one(frame: &mut Frame, app: &App, popup: &Popup, theme: &Theme, area: Rect) {
    match popup {
        Popup::ConfirmBuy(ConfirmBuy {
            account,
            what,
            request,
            balance_after,
            customer,
            operators,
            qty,
        }) => {
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
        Popup::ConfirmCancel(ConfirmCancel { order_id }) => {
            let email = app
                .book
                .orders
                .get(order_id)
                .filter(|o| crate::app::email::is_email(o));
            let r = centered(area, if email.is_some() { 60 } else { 44 }, 5);
            let first = match email {
                // The refund is the price less the fee the catalog showed.
                Some(o) => match crate::app::email::cancel_refund(o) {
                    (refund, Some(fee)) => format!(
                        "Cancel #{order_id}? Refund {refund} ({} less {fee} fee).",
                        o.price
                    ),
                    (_, None) => {
                        format!("Cancel #{order_id}? Refunded less any cancellation fee.")
                    }
                },
                None => format!("Cancel order #{order_id}? It is refunded."),
            };
            let lines = vec![
                Line::from(first),
                Line::styled(yes_no(app, "cancel it", "keep it"), theme.dim),
            ];
            frame.render_widget(Clear, r);
            frame.render_widget(Paragraph::new(lines).block(boxed(theme, "Cancel?")), r);
        }
        Popup::EmailDetail(EmailDetail { order_id, messages }) => {
            email_detail::draw(frame, app, *order_id, messages.as_ref(), theme, area)
        }
        Popup::Settle(Settle { order_id, number }) => {
            settle::draw(frame, app, *order_id, number, theme, area)
        }
        Popup::Help(Help { scroll }) => help::draw(frame, app, *scroll, theme, area),
        Popup::AccountPicker(AccountPicker { selected }) => {
            let r = centered(area, 40, app.accounts.len() as u16 + 3);
            let mut lines = Vec::new();
            let names = std::iter::once("All accounts".to_string()).chain(
                app.accounts
                    .iter()
                    .map(|a| format!("{} ({})", a.info.name, a.info.kind.display_name())),
            );
            for (i, n) in names.enumerate() {
                let mut l = Line::from(n);
                if i == *selected {
                    l = l.style(theme.highlight);
                }
                lines.push(l);
            }
            frame.render_widget(Clear, r);
            frame.render_widget(Paragraph::new(lines).block(boxed(theme, "Account")), r);
        }
        Popup::DepositForm(DepositForm {
            account,
            kind,
            amount,
            method,
        }) => {
            let f = deposits::Form {
                account,
                kind: *kind,
                amount,
                method: *method,
            };
            deposits::form(frame, app, theme, area, f)
        }
        Popup::ConfirmDeposit(ConfirmDeposit {
            account, request, ..
        }) => deposits::confirm(frame, app, theme, area, account, request),
        Popup::Deposits(Deposits { selected }) => {
            deposits::list(frame, app, theme, area, *selected)
        }
        Popup::DepositQr(DepositQr { id }) => deposits::qr(frame, app, theme, area, *id),
        Popup::Compare(v) => compare::draw(frame, app, theme, area, v),
        Popup::Stats(Stats(figures)) => stats::draw(frame, app, theme, area, figures.as_deref()),
        Popup::Webhook(w) => webhook::draw(frame, app, theme, area, w),
        Popup::ApiSettings(p) => api_settings::draw(frame, app, theme, area, p),
        Popup::Report(r) => report::draw(frame, app, theme, area, r),
        Popup::Bill(b) => bill::draw(frame, app, theme, area, b),
        Popup::History(h) => history::draw(frame, app, theme, area, h),
        Popup::Inbox(p) => inbox::draw(frame, app, theme, area, p),
        Popup::Seller(v) => seller::draw(frame, app, theme, area, v),
        Popup::SellerForm(f) => seller::draw_form(frame, app, theme, area, f),
        Popup::CommandLine(CommandLine(input)) => {
            let r = Rect::new(
                area.x,
                area.y + area.height.saturating_sub(3),
                area.width,
                3.min(area.height),
            );
            let title = format!("command ({} completes)", app.keymap.label(Cmd::Complete));
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(":", theme.title),
                    Span::raw(format!("{}▏", input.value())),
                ]))
                .block(boxed(theme, &title)),
                r,
            );
        }
    }
}

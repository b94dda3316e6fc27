//! Active orders pane: buys in flight, then orders newest first, with a live
//! countdown that turns to the warning colour under two minutes.

use super::{fit, pane_block, spinner, theme::Theme};
use crate::app::App;
use crate::app::Pane;
use crate::domain::columns::width;
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
    let word = match o.status {
        OrderStatus::Unknown => return format!("UNKNOWN — check provider ({} at risk)", o.price),
        OrderStatus::OtpReceived => "otp".to_string(),
        // A top-up is processed, not waiting for an SMS.
        OrderStatus::Waiting if o.provider == crate::domain::ProviderKind::GoTopUp => {
            "processing".to_string()
        }
        // Ended by an unsigned callback nothing checked: where the row is
        // too narrow for the words after the SN, the "?" still says so.
        s if o.note.as_deref() == Some(crate::domain::webhook::UNVERIFIED_NOTE) => format!("{s}?"),
        // No refund stated and none promised: counted as spent.
        s if crate::domain::order_ops::refund_unknown(o) => format!("{s}, refund unknown"),
        s => s.to_string(),
    };
    match o.resend_count.filter(|n| *n > 0) {
        Some(n) => format!("{word} ↻{n}"),
        None => word,
    }
}

/// Which optional columns fit: the OTP always gets room first.
struct Cols {
    account: bool,
    /// Width of the country column (0: not shown).
    country: usize,
    price: bool,
    status: bool,
}

/// Where the status column does not fit, a final order says what it ended
/// as in the time-left cell (active orders show their countdown there, and
/// an OTP-received one shows its code).
fn short_status(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Finished => "done",
        OrderStatus::Cancelled => "cancl",
        OrderStatus::Expired => "exp",
        OrderStatus::Failed => "fail",
        _ => "",
    }
}

fn columns(w: usize, all_accounts: bool) -> Cols {
    // #4 service9 number15 left5 OTP>=10 plus separators.
    let base = 4 + 9 + 15 + 5 + 10 + 5;
    let mut left = w.saturating_sub(base);
    let mut take = |n: usize| {
        if left >= n {
            left -= n;
            true
        } else {
            false
        }
    };
    let status = take(11);
    let price = take(10);
    // The country takes what is left, up to a name like "Indonesia".
    let country = match left {
        n if n >= 6 => (n - 1).min(10),
        _ => 0,
    };
    left -= if country > 0 { country + 1 } else { 0 };
    let account = all_accounts && left >= 11;
    Cols {
        account,
        country,
        price,
        status,
    }
}

/// A row whose codes do not fit beside every cell: id, service, number,
/// price and status as room allows (the number first, the price after the
/// status and the time left), then the codes whole.
fn compact_row(
    o: &crate::domain::Order,
    number: &str,
    (left, left_style): (String, Style),
    codes: &str,
    w: usize,
    [head_style, status_style]: [Style; 2],
    theme: &Theme,
) -> Vec<Span<'static>> {
    let id = format!("#{} ", o.id);
    let mut room = w.saturating_sub(width(&id) + width(codes));
    // In the order shown; each takes room by its rank.
    let mut cells = [
        (format!("{number} "), head_style, 0, false),
        (format!("{} ", o.price), head_style, 3, false),
        (format!("{} ", status_text(o)), status_style, 1, false),
        (format!("{left} "), left_style, 2, false),
    ];
    for rank in 0..4 {
        for (text, _, r, shown) in cells.iter_mut() {
            if *r == rank && !text.trim().is_empty() && width(text) <= room {
                room -= width(text);
                *shown = true;
            }
        }
    }
    let mut spans = vec![Span::styled(id, head_style)];
    spans.extend(
        cells
            .into_iter()
            .filter(|c| c.3)
            .map(|(text, style, _, _)| Span::styled(text, style)),
    );
    // The name, cut to what is left (free text: an ellipsis is fine).
    if room > 4 {
        spans.insert(
            1,
            Span::styled(format!("{} ", fit(&o.service, room - 1)), head_style),
        );
    }
    spans.push(Span::styled(codes.to_string(), theme.otp));
    spans
}

/// An UNKNOWN order's row: its id and the amount at risk are never cut.
/// The words give way first ("check provider", then the service and the
/// account, cut with an ellipsis), then the clue, which is cut last.
fn unknown_row(o: &Order, clue: Option<&str>, w: usize) -> String {
    let risk = format!("({} at risk)", o.price);
    let with_clue = |s: String| match clue {
        Some(c) if width(&s) + 3 < w => format!("{s} · {}", fit(c, w - width(&s) - 3)),
        _ => s,
    };
    let full = format!("#{} {} {} — {}", o.id, o.service, o.account, status_text(o));
    if width(&full) <= w {
        return with_clue(full);
    }
    let short = format!("#{} {} {} — UNKNOWN {risk}", o.id, o.service, o.account);
    if width(&short) <= w {
        return with_clue(short);
    }
    // The id and the amount first, what is left for the names.
    let values = format!("#{} UNKNOWN {risk}", o.id);
    match w.saturating_sub(width(&values) + 1) {
        room if room >= 4 => format!(
            "{values} {}",
            fit(&format!("{} {}", o.service, o.account), room)
        ),
        _ if width(&values) <= w => values,
        _ => format!("#{} UNKNOWN {}", o.id, o.price),
    }
}

/// Cells: id, account, service, country, number, price, status, time left.
fn row_text(
    c: &Cols,
    [id, account, service, country, number, price, status, left]: [&str; 8],
) -> (String, String, String) {
    let mut head = format!("{:<4} ", fit(id, 4));
    if c.account {
        head.push_str(&format!("{:<10} ", fit(account, 10)));
    }
    head.push_str(&format!("{:<9} ", fit(service, 9)));
    if c.country > 0 {
        let w = c.country;
        head.push_str(&format!("{:<w$} ", fit(country, w)));
    }
    head.push_str(&format!("{:<15} ", fit(number, 15)));
    if c.price {
        head.push_str(&format!("{:>9} ", price));
    }
    let status = if c.status {
        format!("{:<10} ", fit(status, 10))
    } else {
        String::new()
    };
    (head, status, format!("{left:>5} "))
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
    let cols = columns(w, app.view.active.is_none());
    let (h1, h2, h3) = row_text(
        &cols,
        [
            "#", "account", "service", "ctry", "number", "price", "status", "left",
        ],
    );
    let mut lines = vec![Line::styled(fit(&format!("{h1}{h2}{h3}OTP"), w), theme.dim)];
    if pending.is_empty() && orders.is_empty() {
        // Wrapped to the pane, never cut mid-word.
        let hint = "No active orders. Pick an offer in the catalog and press Enter.";
        for l in crate::domain::columns::wrap_words(hint, w) {
            lines.push(Line::styled(l, theme.dim));
        }
    }
    let sel = app.sel(Pane::Orders);
    let skip = crate::app::scroll_offset(app, Pane::Orders, area.height);
    let mut i = 0usize;
    for p in &pending {
        if i >= skip && lines.len() <= height {
            let price = p.price.to_string();
            let (head, _, _) = row_text(
                &cols,
                [
                    "…",
                    &p.account,
                    &p.service,
                    p.country.as_deref().unwrap_or("-"),
                    "",
                    &price,
                    "",
                    "",
                ],
            );
            let mut line = Line::from(vec![Span::styled(
                fit(&format!("{head}{} buying…", spinner(app)), w),
                theme.warn,
            )]);
            if app.view.focus == Pane::Orders && i == sel {
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
        let (mut left, warn) = countdown(app, o);
        if !cols.status && left.is_empty() {
            left = short_status(o.status).to_string();
        }
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
        let (id, price, status) = (format!("#{}", o.id), o.price.to_string(), status_text(o));
        let cells = [
            id.as_str(),
            &o.account,
            &o.service,
            o.country_name
                .as_deref()
                .or(o.country.as_deref())
                .unwrap_or("-"),
            &number,
            &price,
            &status,
            &left,
        ];
        let (head, status, left_s) = row_text(&cols, cells);
        let spans = if o.status == OrderStatus::Unknown {
            vec![Span::styled(
                unknown_row(o, app.book.clue_text(o.id), w),
                theme.error,
            )]
        } else {
            let codes = o.otps.join(" ");
            let head_style = if o.status.is_final() {
                theme.dim
            } else {
                theme.text
            };
            let room = w.saturating_sub(width(&head) + width(&status) + width(&left_s));
            // An address longer than the number column (an email inbox)
            // is never cut either: such a row is laid out like one whose
            // codes do not fit.
            if width(&codes) <= room && width(&number) <= 15 {
                vec![
                    Span::styled(head, head_style),
                    Span::styled(status, status_style),
                    Span::styled(left_s, if warn { theme.warn } else { theme.dim }),
                    Span::styled(codes, theme.otp),
                ]
            } else {
                // A code never cut (a 20-digit PLN token typed into a meter
                // must be read whole): the row drops the cells it can
                // spare, the name last, so the codes fit.
                let left = (
                    left.trim().to_string(),
                    if warn { theme.warn } else { theme.dim },
                );
                compact_row(
                    o,
                    &number,
                    left,
                    &codes,
                    w,
                    [head_style, status_style],
                    theme,
                )
            }
        };
        let mut spans = spans;
        // A pending order's provider note ("pending, waiting for the
        // provider's callback") takes the place of its status and the cells
        // after it, which such an order leaves empty.
        let note = app.book.order_note(o.id).filter(|_| {
            !o.status.is_final() && o.status != OrderStatus::Unknown && o.otps.is_empty()
        });
        if let Some(note) = note {
            spans.truncate(1);
            spans.push(Span::styled(note.to_string(), theme.warn));
        }
        // Ended by an unsigned callback nothing could check: said after
        // the SN, where the user reads it before trusting it.
        if o.note.as_deref() == Some(crate::domain::webhook::UNVERIFIED_NOTE) {
            spans.push(Span::styled(
                format!(" {}", crate::domain::webhook::UNVERIFIED_NOTE),
                theme.warn,
            ));
        }
        // An auto-replace chain: `#12 → #13` after the OTP cell.
        if let Some(chain) = app.book.chain_text(o.id) {
            let sep = if o.otps.is_empty() { "" } else { " " };
            spans.push(Span::styled(format!("{sep}{chain}"), theme.dim));
        }
        let mut line = Line::from(spans);
        if app.view.focus == Pane::Orders && i == sel {
            line = line.style(theme.highlight);
        }
        lines.push(line);
        i += 1;
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

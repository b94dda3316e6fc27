//! OTP log pane: every code that arrived, newest first (from the journal at
//! start, so it survives restarts).

use super::{fit, fit_middle, pane_block, theme::Theme};
use crate::app::panes::otp_log::{entry_lines, TIME_W};
use crate::app::App;
use crate::app::Pane;
use crate::domain::columns::{ellipsis, pad, width, Align};
use crate::domain::Otp;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let list = app.visible_otps();
    let block = pane_block(
        app,
        theme,
        Pane::OtpLog,
        format!("OTP log · {}", list.len()),
    );
    let w = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(3) as usize;
    // One choice of columns for every one-line entry, so the header names
    // what the rows show: the code column as wide as the widest code (a
    // 20-digit token) where that leaves the widest number room, and the
    // rest from the widest number (and what a code wider than its column
    // takes).
    let one_line_entries: Vec<(usize, usize)> = list
        .iter()
        .filter(|o| entry_lines(o, w).is_none())
        .map(|o| {
            let v = |s: &str| width(&crate::domain::text::visible(s));
            (v(&o.code), v(&o.number))
        })
        .collect();
    let longest =
        |f: fn(&(usize, usize)) -> usize| one_line_entries.iter().map(f).max().unwrap_or(0);
    let code_w = longest(|e| e.0).max(8);
    let code_w = if TIME_W + code_w + 1 + longest(|e| e.1) <= w {
        code_w
    } else {
        8
    };
    let widest = one_line_entries
        .iter()
        .map(|(c, n)| c.max(&code_w) - code_w + n)
        .max()
        .unwrap_or(0);
    let accounts_w = list
        .iter()
        .map(|o| width(&crate::domain::text::visible(&o.account)))
        .max()
        .unwrap_or(0);
    let cols = Cols::of(w, code_w, widest, accounts_w);
    let code_title = pad("code", code_w, Align::Left);
    let head = match cols.kind {
        Kind::All(acc_w) => format!(
            "{:<8} {code_title} {:<10} {} number",
            "time",
            "service",
            pad("account", acc_w, Align::Left)
        ),
        Kind::NoAccount(sw) => format!(
            "{:<8} {code_title} {} number",
            "time",
            pad(&ellipsis("service", sw), sw, Align::Left)
        ),
        Kind::NumberOnly => format!("{:<8} {code_title} number", "time"),
    };
    let mut lines = vec![Line::styled(fit(&head, w), theme.dim)];
    if list.is_empty() {
        lines.push(Line::styled("No OTPs yet.", theme.dim));
    }
    let sel = app.sel(Pane::OtpLog);
    let skip = crate::app::scroll_offset(app, Pane::OtpLog, area.height);
    let mut used = 0;
    for (i, o) in list.iter().enumerate().skip(skip) {
        let t = o
            .received_at
            .with_timezone(&app.settings.utc_offset)
            .format("%H:%M:%S");
        let highlight = app.view.focus == Pane::OtpLog && i == sel;
        let entry = entry_lines(o, w);
        let h = entry.as_ref().map_or(1, |(c, n)| c.len() + n.len());
        if used > 0 && used + h > height {
            break;
        }
        used += h;
        let mut entry_lines: Vec<Line> = match entry {
            None => vec![one_line(o, &t.to_string(), cols, theme)],
            // The code and the number do not fit side by side: the number
            // goes under the code, both whole.
            Some((code, number)) => {
                let pad = " ".repeat(TIME_W);
                let mut out = Vec::new();
                for (j, c) in code.into_iter().enumerate() {
                    let lead = if j == 0 {
                        format!("{t:<8} ")
                    } else {
                        pad.clone()
                    };
                    out.push(Line::from(vec![
                        Span::styled(lead, theme.dim),
                        Span::styled(c, theme.otp),
                    ]));
                }
                out.extend(number.into_iter().map(|n| Line::styled(n, theme.text)));
                out
            }
        };
        if highlight {
            entry_lines = entry_lines
                .into_iter()
                .map(|l| l.style(theme.highlight))
                .collect();
        }
        lines.extend(entry_lines);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The columns of the one-line entries: the code's width, then all the
/// others; the account left out and the service in this many columns; or
/// the number alone beside the code. The number is never cut: the
/// account, then the service, give way first.
#[derive(Debug, Clone, Copy)]
struct Cols {
    code: usize,
    kind: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// The account in this many columns (ten at least, its longest name
    /// where there is room).
    All(usize),
    NoAccount(usize),
    NumberOnly,
}

impl Cols {
    /// The columns in `w` for codes in `code` columns, numbers up to
    /// `widest` wide and account names up to `accounts` wide.
    fn of(w: usize, code: usize, widest: usize, accounts: usize) -> Cols {
        let room = w.saturating_sub(TIME_W + code + 1);
        let kind = if 22 + widest <= room {
            Kind::All(accounts.min(room - 12 - widest).max(10))
        } else if widest + 3 <= room {
            Kind::NoAccount(room - widest - 1)
        } else {
            Kind::NumberOnly
        };
        Cols { code, kind }
    }
}

/// An entry on one line: the time, the code (right after it: it must
/// survive narrow panes), then the columns `cols` says, the number whole.
/// `entry_lines` said it fits.
fn one_line(o: &Otp, t: &str, cols: Cols, theme: &Theme) -> Line<'static> {
    // Measured as drawn: a control character in them shows as a picture.
    let number = crate::domain::text::visible(&o.number).into_owned();
    let code = format!(
        "{} ",
        pad(
            &crate::domain::text::visible(&o.code),
            cols.code,
            Align::Left
        )
    );
    let rest = match cols.kind {
        Kind::All(acc_w) => format!(
            "{} {} {}",
            pad(&ellipsis(&o.service, 10), 10, Align::Left),
            pad(&fit_middle(&o.account, acc_w), acc_w, Align::Left),
            number
        ),
        Kind::NoAccount(sw) => format!(
            "{} {}",
            pad(&ellipsis(&o.service, sw), sw, Align::Left),
            number
        ),
        Kind::NumberOnly => number,
    };
    Line::from(vec![
        Span::styled(format!("{t:<8} "), theme.dim),
        Span::styled(code, theme.otp),
        Span::styled(rest, theme.text),
    ])
}

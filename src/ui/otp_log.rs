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
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "{:<8} {:<8} {:<10} {:<10} number",
                "time", "code", "service", "account"
            ),
            w,
        ),
        theme.dim,
    )];
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
            None => vec![one_line(o, &t.to_string(), w, theme)],
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

/// An entry on one line: the time, the code (right after it: it must
/// survive narrow panes), then the number, never cut (the account, then
/// the service, give way first). `entry_lines` said it fits.
fn one_line(o: &Otp, t: &str, w: usize, theme: &Theme) -> Line<'static> {
    // Measured as drawn: a control character in them shows as a picture.
    let number = crate::domain::text::visible(&o.number).into_owned();
    let code = format!(
        "{} ",
        pad(&crate::domain::text::visible(&o.code), 8, Align::Left)
    );
    let room = w.saturating_sub(TIME_W + width(&code));
    let n = width(&number);
    let rest = if 22 + n <= room {
        format!(
            "{} {} {}",
            pad(&ellipsis(&o.service, 10), 10, Align::Left),
            pad(&fit_middle(&o.account, 10), 10, Align::Left),
            number
        )
    } else if n < room {
        let sw = room - n - 1;
        format!(
            "{} {}",
            pad(&ellipsis(&o.service, sw), sw, Align::Left),
            number
        )
    } else {
        number
    };
    Line::from(vec![
        Span::styled(format!("{t:<8} "), theme.dim),
        Span::styled(code, theme.otp),
        Span::styled(rest, theme.text),
    ])
}

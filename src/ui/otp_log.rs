//! OTP log pane: every code that arrived, newest first (from the journal at
//! start, so it survives restarts).

use super::{fit, fit_middle, pane_block, theme::Theme};
use crate::app::App;
use crate::app::Pane;
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
    for (i, o) in list.iter().enumerate().skip(skip).take(height) {
        let t = o
            .received_at
            .with_timezone(&app.settings.utc_offset)
            .format("%H:%M:%S");
        // The code comes right after the time: it must survive narrow
        // panes; the number after it is never cut either (the account,
        // then the service, give way first).
        let code = format!("{:<8} ", o.code);
        let room = w.saturating_sub(9 + code.chars().count());
        let n = o.number.chars().count();
        let rest = if 22 + n <= room {
            format!(
                "{:<10} {:<10} {}",
                fit(&o.service, 10),
                fit_middle(&o.account, 10),
                o.number
            )
        } else if n < room {
            let sw = room - n - 1;
            format!("{:<sw$} {}", fit(&o.service, sw), o.number)
        } else {
            fit(&o.number, room)
        };
        let mut line = Line::from(vec![
            Span::styled(format!("{t:<8} "), theme.dim),
            Span::styled(code, theme.otp),
            Span::styled(rest, theme.text),
        ]);
        if app.view.focus == Pane::OtpLog && i == sel {
            line = line.style(theme.highlight);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

//! The OTP log pane's keys: copy a code from the history, or its number;
//! and how many lines an entry takes, for drawing, scrolling and clicks.

use super::orders::copy_effect;
use crate::app::keymap::Cmd;
use crate::app::panes::Pane;
use crate::app::{App, Effect};
use crate::domain::columns::{width, wrap};
use crate::domain::text::visible;
use crate::domain::Otp;

pub fn run(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    let found = app
        .visible_otps()
        .get(app.sel(Pane::OtpLog))
        .map(|o| (Some(o.code.clone()), Some(o.number.clone())));
    match cmd {
        Cmd::CopyOtp => copy_effect(app, found, true),
        Cmd::CopyNumber => copy_effect(app, found, false),
        _ => Vec::new(),
    }
}

/// The columns before the code: the time and a space.
pub const TIME_W: usize = 9;

/// How the log shows `o` in `w` columns: None, on one line (the time, the
/// code, then the number, the service and account giving way first); or,
/// where the code and the number do not fit side by side, the code's lines
/// after the time, then the number's lines under it (under the code where
/// it fits there, else from the pane's edge). Both whole: wrapped only
/// where one is longer than a line, never cut.
pub fn entry_lines(o: &Otp, w: usize) -> Option<(Vec<String>, Vec<String>)> {
    let code = visible(&o.code);
    let number = visible(&o.number);
    if TIME_W + width(&code).max(8) + 1 + width(&number) <= w {
        return None;
    }
    let inner = w.saturating_sub(TIME_W);
    let number = if width(&number) <= inner {
        vec![format!("{}{number}", " ".repeat(TIME_W))]
    } else {
        wrap(&number, w)
    };
    Some((wrap(&code, inner), number))
}

/// The lines `o` takes in the log at `w` columns.
pub fn entry_height(o: &Otp, w: usize) -> usize {
    entry_lines(o, w).map_or(1, |(code, number)| code.len() + number.len())
}

/// The log's inner width at the app's size (drawing and the mouse agree).
pub fn inner_width(app: &App) -> usize {
    let area = ratatui::layout::Rect::new(0, 0, app.view.size.0, app.view.size.1);
    crate::app::layout::compute(area, app.accounts.len())
        .map_or(0, |l| l.otp_log.width.saturating_sub(2) as usize)
}

/// The first entry drawn so that entry `sel` is whole in `lines` lines:
/// scrolled as little as can be, like the one-line panes.
pub fn first_shown(app: &App, sel: usize, lines: usize) -> usize {
    let (list, w) = (app.visible_otps(), inner_width(app));
    let Some(o) = list.get(sel) else {
        return sel;
    };
    let (mut first, mut used) = (sel, entry_height(o, w));
    while first > 0 {
        let h = entry_height(list[first - 1], w);
        if used + h > lines {
            break;
        }
        used += h;
        first -= 1;
    }
    first
}

/// How many entries a page key passes from entry `sel` in `lines` lines:
/// those that fit from `sel` on (down) or before it (up), at least one.
pub fn entries_in(app: &App, sel: usize, lines: usize, down: bool) -> usize {
    let (list, w) = (app.visible_otps(), inner_width(app));
    let heights: Vec<usize> = if down {
        list.iter().skip(sel).map(|o| entry_height(o, w)).collect()
    } else {
        list[..sel.min(list.len())]
            .iter()
            .rev()
            .map(|o| entry_height(o, w))
            .collect()
    };
    let mut used = 0;
    let n = heights
        .iter()
        .take_while(|h| {
            used += **h;
            used <= lines
        })
        .count();
    n.max(1)
}

/// The entry drawn on line `line` under the header, `first` being the
/// first one drawn.
pub fn entry_at(app: &App, first: usize, line: usize) -> Option<usize> {
    let (list, w) = (app.visible_otps(), inner_width(app));
    let mut top = 0;
    for (i, o) in list.iter().enumerate().skip(first) {
        top += entry_height(o, w);
        if line < top {
            return Some(i);
        }
    }
    None
}

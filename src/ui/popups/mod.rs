//! Popups, drawn bottom to top so the top one is whole. Each draws itself
//! (`Draw`) in its own file; the list of popups is `app/popup_list.rs`.
//! Their key hints come from the command table, so a remapped key shows.

use super::theme::Theme;
use crate::app::keymap::Cmd;
use crate::app::{App, Popup};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
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
    crate::app::layout::above_status(area, app.accounts.len())
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

/// How a popup or full-screen view draws itself, in its own file.
pub trait Draw {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect);
}

impl<T: Draw> Draw for Box<T> {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        (**self).draw(frame, app, theme, area)
    }
}

macro_rules! define_draw {
    (
        popups { $($p:ident($pm:ident :: $($pt:tt)+) = $pplace:literal,)* }
        views { $($v:ident($($vt:tt)+) = $vplace:literal,)* }
    ) => {
        $(mod $pm;)*

        fn draw_one(frame: &mut Frame, app: &App, popup: &Popup, theme: &Theme, area: Rect) {
            match popup {
                $(Popup::$p(p) => p.draw(frame, app, theme, area),)*
                $(Popup::$v(v) => v.draw(frame, app, theme, area),)*
            }
        }
    };
}
crate::app::popup_list::popup_list!(define_draw);

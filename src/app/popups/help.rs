//! `?`: every key of every place, from the command table. It scrolls, so
//! it stays readable on a small terminal; drawing and scrolling share
//! `lines` and `visible_rows`.

use crate::app::keymap::Cmd;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect};

#[derive(Debug, Clone)]
pub struct Help {
    /// First help line shown (the help scrolls on small terminals).
    pub scroll: u16,
}

/// One line of the help text.
#[derive(Debug, Clone, PartialEq)]
pub enum HelpLine {
    /// Where the keys below apply.
    Heading(String),
    Row {
        keys: String,
        help: &'static str,
    },
    /// A problem with a `[keys]` override.
    Problem(String),
}

pub fn lines(app: &App) -> Vec<HelpLine> {
    let mut out: Vec<HelpLine> = app
        .key_problems
        .iter()
        .map(|p| HelpLine::Problem(p.clone()))
        .collect();
    for (place, rows) in app.keymap.help_sections() {
        out.push(HelpLine::Heading(place));
        out.extend(
            rows.into_iter()
                .map(|(keys, help)| HelpLine::Row { keys, help }),
        );
    }
    out
}

/// The help box's height on a terminal `h` rows high, and how many text
/// rows it shows (borders and the footer line take three).
pub fn box_height(app: &App, total_lines: usize) -> (u16, usize) {
    let h = (total_lines as u16 + 3).min(app.view.size.1);
    (h, h.saturating_sub(3) as usize)
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    if cmd == Some(Cmd::Confirm) {
        app.close_top();
        return Vec::new();
    }
    // The list keys scroll, a page being the rows the box shows.
    let total = lines(app).len();
    let (_, visible) = box_height(app, total);
    let max = total.saturating_sub(visible.max(1));
    if let Some(Popup::Help(Help { scroll })) = app.view.popups.last_mut() {
        if let Some(to) = list_move(cmd, *scroll as usize, max + 1, visible) {
            *scroll = to as u16;
        }
    }
    Vec::new()
}

impl crate::app::popups::PopupState for Help {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

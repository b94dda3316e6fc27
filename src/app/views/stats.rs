//! The statistics view: the journal's figures, asked once when it opens;
//! the table of offers scrolls (↑/↓, Home/End, the page keys) when it is
//! taller than the screen.

use crate::app::keymap::Cmd;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect};
use crate::domain::stats::Overview;

#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// None until the journal's figures arrive.
    pub figures: Option<Box<Result<Overview, String>>>,
    /// The first offer row shown.
    pub first: usize,
}

/// The view's box on a screen `screen_h` rows high: its height and how
/// many offer rows its table shows (the borders, the table's header and
/// the charts below take the rest).
pub fn box_height(screen_h: u16) -> (u16, usize) {
    let h = screen_h.saturating_sub(2).max(10).min(screen_h);
    (h, (h as usize).saturating_sub(2 + 7 + 1).max(1))
}

/// The figures arrived, for the view that asked.
pub fn loaded(app: &mut App, figures: Result<Overview, String>) {
    let waiting = app.view.popups.iter_mut().rev().find_map(|p| match p {
        Popup::Stats(s) if s.figures.is_none() => Some(s),
        _ => None,
    });
    if let Some(s) = waiting {
        s.figures = Some(Box::new(figures));
    }
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let (_, shown) = box_height(app.view.size.1);
    let Some(Popup::Stats(s)) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    let groups = match s.figures.as_deref() {
        Some(Ok(o)) => o.line_count(),
        _ => 0,
    };
    if let Some(to) = list_move(cmd, s.first, groups.saturating_sub(shown) + 1, shown) {
        s.first = to;
    }
    Vec::new()
}

impl crate::app::popups::PopupState for Stats {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

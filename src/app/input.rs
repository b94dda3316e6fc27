//! Where a key or a click goes: the top popup, else the catalog filter
//! while it takes typing, else the command table for the focused pane.

use super::keymap::{Key, Layer};
use super::panes::{self, Pane};
use super::{layout, popups, App, Effect};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

/// The layers a key is looked up in, most specific first.
pub fn layers(app: &App) -> Vec<Layer> {
    match app.view.popups.last() {
        Some(p) => vec![Layer::Global, Layer::Popup(p.kind())],
        None if app.view.filtering => vec![Layer::Global, Layer::Filter],
        None => vec![Layer::Global, Layer::Pane(app.view.focus), Layer::Panes],
    }
}

pub fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    if k.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if !app.view.popups.is_empty() {
        return popups::on_key(app, k);
    }
    let key = Key::of(&k);
    if app.view.filtering {
        let cmd = if key.is_text() {
            None
        } else {
            app.keymap.lookup(key, &layers(app))
        };
        return panes::catalog::filter_key(app, cmd, k);
    }
    match app.keymap.lookup(key, &layers(app)) {
        Some(cmd) => panes::run(app, cmd),
        None => Vec::new(),
    }
}

pub fn on_mouse(app: &mut App, m: MouseEvent) {
    let area = Rect::new(0, 0, app.view.size.0, app.view.size.1);
    let Some(l) = layout::compute(area, app.accounts.len()) else {
        return;
    };
    if !app.view.popups.is_empty() {
        return;
    }
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(p) = l.pane_at(m.column, m.row) {
                app.view.focus = p;
                let r = l.pane(p);
                // Row 0 is the border; lists in the orders/log panes have a header row.
                let header = matches!(p, Pane::Orders | Pane::OtpLog) as u16;
                if m.row > r.y + header {
                    let line = (m.row - r.y - 1 - header) as usize;
                    let first = super::scroll_offset(app, p, r.height);
                    let idx = match p {
                        // An entry may take more than one line.
                        Pane::OtpLog => panes::otp_log::entry_at(app, first, line),
                        _ => Some(first + line),
                    };
                    if let Some(idx) = idx.filter(|i| *i < panes::pane_len(app, p)) {
                        if p == Pane::Catalog {
                            // The rows stay where they were clicked.
                            app.view.catalog_top = first;
                        }
                        app.view.selected.insert(p, idx);
                    }
                }
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            if let Some(p) = l.pane_at(m.column, m.row) {
                let delta = if m.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                panes::move_sel(app, p, delta);
            }
        }
        _ => {}
    }
}

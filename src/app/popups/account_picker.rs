//! The account picker: All accounts, then each account. ↑/↓ wrap around;
//! Home/End and the page keys stop at the ends.

use crate::app::keymap::Cmd;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect};

#[derive(Debug, Clone)]
pub struct AccountPicker {
    pub selected: usize,
}

/// The picker's box on a screen `screen_h` rows high, for `accounts`
/// accounts: its height and how many names it shows (All accounts first).
pub fn box_height(accounts: usize, screen_h: u16) -> (u16, usize) {
    let h = (accounts as u16).saturating_add(3).min(screen_h);
    (h, (h.saturating_sub(2) as usize).max(1))
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let n = app.accounts.len() + 1;
    let (_, page) = box_height(app.accounts.len(), app.view.size.1);
    let Some(Popup::AccountPicker(AccountPicker { selected })) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    match cmd {
        Some(Cmd::Down) => *selected = (*selected + 1) % n,
        Some(Cmd::Up) => *selected = (*selected + n - 1) % n,
        Some(Cmd::Confirm) => {
            let to = selected.checked_sub(1);
            app.close_top();
            app.switch_account(to);
        }
        _ => {
            if let Some(to) = list_move(cmd, *selected, n, page) {
                *selected = to;
            }
        }
    }
    Vec::new()
}

impl crate::app::popups::PopupState for AccountPicker {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

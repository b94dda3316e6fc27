//! The account picker: All accounts, then each account.

use crate::app::keymap::Cmd;
use crate::app::popups::Popup;
use crate::app::{App, Effect};

#[derive(Debug, Clone)]
pub struct AccountPicker {
    pub selected: usize,
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let n = app.accounts.len() + 1;
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
        _ => {}
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

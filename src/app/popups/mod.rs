//! Popups on a stack: a popup can open another on top (help over the
//! account picker, a confirmation over a form), keys go to the top one, and
//! dismissing closes the top one only. Each popup's state and keys are in
//! its own file, behind `PopupState`; the list of popups and full-screen
//! views is `app/popup_list.rs`, from which the enum and dispatch are made.

pub use account_picker::AccountPicker;
pub use command_line::{complete, completion_candidates, CommandLine};
pub use confirm_buy::ConfirmBuy;
pub use confirm_cancel::ConfirmCancel;
pub use confirm_deposit::ConfirmDeposit;
pub use deposit_form::DepositForm;
pub use deposit_qr::DepositQr;
pub use deposits::Deposits;
pub use email_detail::EmailDetail;
pub use help::Help;
pub use settle::Settle;

use super::keymap::{Cmd, Key, Layer, PopupKind};
use super::popup_list::{held, popup_list};
use super::{App, Effect};
use ratatui::crossterm::event::KeyEvent;

/// What each popup and full-screen view says about itself: whether typed
/// characters go into one of its text fields, and what a key does while it
/// is on top (`cmd` is the key's command in its layer, if any).
pub trait PopupState {
    fn takes_text(&self) -> bool {
        false
    }
    fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect>;
}

impl<T: PopupState> PopupState for Box<T> {
    fn takes_text(&self) -> bool {
        (**self).takes_text()
    }
    fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
        T::on_key(app, cmd, k)
    }
}

/// Where a list's cursor goes on a list command: ↑/↓ one row, Home/End
/// the first and last, a page down or up `page` rows (as many as the list
/// shows). `len` positions: a list's rows, or the first lines a scrolled
/// text can start at. None for any other command; else always within the
/// list (0 when it is empty).
pub fn list_move(cmd: Option<Cmd>, at: usize, len: usize, page: usize) -> Option<usize> {
    let page = page.max(1);
    let to = match cmd? {
        Cmd::Up => at.saturating_sub(1),
        Cmd::Down => at.saturating_add(1),
        Cmd::ListTop => 0,
        Cmd::ListBottom => usize::MAX,
        Cmd::ListPageDown => at.saturating_add(page),
        Cmd::ListPageUp => at.saturating_sub(page),
        _ => return None,
    };
    Some(to.min(len.saturating_sub(1)))
}

macro_rules! define_popups {
    (
        popups { $($p:ident($pm:ident :: $pt:ident $($pb:ident)?) = $pplace:literal,)* }
        views { $($v:ident($vm:ident :: $vt:ident $($vb:ident)?) = $vplace:literal,)* }
    ) => {
        $(pub mod $pm;)*

        // Popups are moved, not stored in bulk; the big ones are boxed.
        #[derive(Debug, Clone)]
        pub enum Popup {
            $($p(held!($($pb)? $pm::$pt)),)*
            $($v(held!($($vb)? crate::app::views::$vm::$vt)),)*
        }

        impl Popup {
            pub fn kind(&self) -> PopupKind {
                match self {
                    $(Popup::$p(_) => PopupKind::$p,)*
                    $(Popup::$v(_) => PopupKind::$v,)*
                }
            }

            /// Whether typed characters go into a text field of this popup.
            pub fn takes_text(&self) -> bool {
                match self {
                    $(Popup::$p(p) => p.takes_text(),)*
                    $(Popup::$v(v) => v.takes_text(),)*
                }
            }
        }

        /// A key for the popup of this kind on top.
        fn popup_key(kind: PopupKind, app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
            match kind {
                $(PopupKind::$p => <held!($($pb)? $pm::$pt) as PopupState>::on_key(app, cmd, k),)*
                $(PopupKind::$v => {
                    <held!($($vb)? crate::app::views::$vm::$vt) as PopupState>::on_key(app, cmd, k)
                })*
            }
        }
    };
}
popup_list!(define_popups);

/// A key for the top popup.
pub fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let Some(top) = app.view.popups.last() else {
        return Vec::new();
    };
    let key = Key::of(&k);
    // Where a field takes typing, letters and the line-editing keys are
    // its own (Home is the field's start, not the first row).
    let cmd = if top.takes_text() && (key.is_text() || key.edits_line()) {
        None
    } else {
        app.keymap
            .lookup(key, &[Layer::Global, Layer::Popup(top.kind())])
    };
    match cmd {
        Some(Cmd::QuitNow) => return app.quit(),
        Some(Cmd::Dismiss) => {
            let kind = top.kind();
            app.close_top();
            if kind == PopupKind::ConfirmBuy {
                app.set_status("Buy cancelled", super::Level::Info);
            }
            return Vec::new();
        }
        Some(Cmd::Help) => {
            if top.kind() == PopupKind::Help {
                app.close_top();
            } else {
                app.open(Popup::Help(Help { scroll: 0 }));
            }
            return Vec::new();
        }
        _ => {}
    }
    popup_key(top.kind(), app, cmd, k)
}

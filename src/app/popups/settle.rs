//! "I checked the provider" on an UNKNOWN order: it was charged (a closed
//! order with its amount spent, and its number when typed here) or it was
//! not (closed, nothing spent). The runtime settles it through the same
//! engine rule as `otpdeck resolve`.

use crate::app::keymap::Cmd;
use crate::app::popups::Popup;
use crate::app::{App, Effect, Level};
use crate::domain::clues::Verdict;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// "I checked the provider" on an UNKNOWN order; the number is typed
/// here when the user has it.
#[derive(Debug, Clone)]
pub struct Settle {
    pub order_id: i64,
    pub number: Input,
}

/// What may be typed into the number: digits and the signs people paste.
fn edits_number(k: &KeyEvent) -> bool {
    if k.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return false;
    }
    match k.code {
        KeyCode::Char(c) => c.is_ascii_digit() || "+-. ()".contains(c),
        KeyCode::Backspace | KeyCode::Delete | KeyCode::Left | KeyCode::Right => true,
        KeyCode::Home | KeyCode::End => true,
        _ => false,
    }
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let Some(Popup::Settle(Settle { number, .. })) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    let verdict = match cmd {
        Some(Cmd::SettleCharged) => Verdict::Charged,
        Some(Cmd::SettleNotCharged) => Verdict::NotCharged,
        _ => {
            let grows = matches!(k.code, KeyCode::Char(_));
            if edits_number(&k) && (!grows || number.value().chars().count() < 32) {
                number.handle_event(&Event::Key(k));
            }
            return Vec::new();
        }
    };
    let Some(Popup::Settle(Settle { order_id, number })) = app.close_top() else {
        return Vec::new();
    };
    let typed = number.value().trim().to_string();
    let number = (verdict == Verdict::Charged && !typed.is_empty()).then_some(typed);
    app.set_status(
        format!(
            "Settling order #{order_id}: {} (by hand)…",
            verdict.as_str()
        ),
        Level::Info,
    );
    vec![Effect::Settle {
        order_id,
        verdict,
        number,
    }]
}

impl crate::app::popups::PopupState for Settle {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        on_key(app, cmd, k)
    }
}

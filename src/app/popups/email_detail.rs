//! An email order's message timeline: read-only; ↑/↓, Home/End and the
//! page keys scroll it a message at a time, `c` copies the latest OTP (or
//! headline) as on the row, Esc closes.

use crate::app::keymap::Cmd;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect};

/// An email order's message timeline; None until the journal answers.
#[derive(Debug, Clone)]
pub struct EmailDetail {
    pub order_id: i64,
    pub messages: Option<Result<Vec<crate::domain::EmailMessage>, String>>,
    /// The first message shown (the timeline scrolls when it is taller
    /// than the screen).
    pub first: usize,
}

/// Rows a message takes: its time, sender and OTP; its subject; its
/// preview (each cut to the width).
pub const MESSAGE_ROWS: usize = 3;

/// The timeline's box on a screen `screen_h` rows high for `messages`
/// messages: its height and how many messages it shows. The order's line
/// and a blank one above, a blank and the keys below, the borders and two
/// spare rows (a long first line wraps) take the rest.
pub fn box_height(messages: usize, screen_h: u16) -> (u16, usize) {
    let body = (messages * MESSAGE_ROWS).max(1);
    let h = (body + 8).min(screen_h as usize) as u16;
    let shown = (h as usize).saturating_sub(8) / MESSAGE_ROWS;
    (h, shown.max(1))
}

fn count(d: &EmailDetail) -> usize {
    match &d.messages {
        Some(Ok(list)) => list.len(),
        _ => 0,
    }
}

/// The first message a timeline of `n` messages, `shown` at a time, may
/// start at: the last ones fill the box.
pub fn last_first(n: usize, shown: usize) -> usize {
    n.saturating_sub(shown.max(1))
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let screen_h = app.view.size.1;
    let Some(Popup::EmailDetail(d)) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    let n = count(d);
    let (_, shown) = box_height(n, screen_h);
    if let Some(to) = list_move(cmd, d.first, last_first(n, shown) + 1, shown) {
        d.first = to;
        return Vec::new();
    }
    if cmd != Some(Cmd::CopyOtp) {
        return Vec::new();
    }
    let order_id = d.order_id;
    let found = app
        .book
        .orders
        .get(&order_id)
        .map(|o| (o.latest_otp().map(str::to_string), o.number.clone()));
    crate::app::panes::orders::copy_effect(app, found, true)
}

/// The journal's messages arrived: the timeline keeps its place, within
/// the new list.
pub fn loaded(d: &mut EmailDetail, result: Result<Vec<crate::domain::EmailMessage>, String>) {
    d.messages = Some(result);
    d.first = d.first.min(count(d).saturating_sub(1));
}

impl crate::app::popups::PopupState for EmailDetail {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

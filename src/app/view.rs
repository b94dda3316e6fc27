//! The view: what one screen shows and where the user is in it. Nothing
//! here decides about money; each attached screen may keep its own.

use super::panes::Pane;
use super::{Level, Popup};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use tui_input::Input;

pub struct View {
    /// The account shown alone; None: all accounts.
    pub active: Option<usize>,
    pub focus: Pane,
    pub size: (u16, u16),
    pub selected: HashMap<Pane, usize>,
    /// The first catalog row shown as it last scrolled (opening a node
    /// scrolls its children into view; the selection stays in sight
    /// whatever this says, see `scroll_offset`).
    pub catalog_top: usize,
    /// Open popups, the top one last.
    pub popups: Vec<Popup>,
    /// The catalog filter line and whether it takes keys.
    pub filter: Input,
    pub filtering: bool,
    pub status: Option<(String, Level)>,
    /// When `status` was set: a message goes once it is old (see
    /// `STATUS_FOR`), so it does not sit under later screens.
    pub status_at: DateTime<Utc>,
    pub quit: bool,
    /// The key of the deposit whose QR code opens when its invoice arrives.
    pub deposit_to_show: Option<String>,
}

impl View {
    /// The whole screen, as the last resize gave it.
    pub fn area(&self) -> ratatui::layout::Rect {
        ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1)
    }

    pub fn new(status: Option<(String, Level)>, now: DateTime<Utc>) -> View {
        View {
            active: None,
            focus: Pane::Catalog,
            size: (120, 40),
            selected: HashMap::new(),
            catalog_top: 0,
            popups: Vec::new(),
            filter: Input::default(),
            filtering: false,
            status,
            status_at: now,
            quit: false,
            deposit_to_show: None,
        }
    }
}

//! Where each pane goes, as a pure function of the terminal size, shared by
//! drawing and mouse hit-testing.

use super::panes::Pane;
use ratatui::layout::{Constraint, Direction, Layout as RLayout, Rect};

pub const MIN_W: u16 = 40;
pub const MIN_H: u16 = 12;
pub const FULL_W: u16 = 80;
pub const FULL_H: u16 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub header: Rect,
    pub balance: Rect,
    pub catalog: Rect,
    pub orders: Rect,
    pub otp_log: Rect,
    pub status: Rect,
    /// Narrow terminals stack the panes in one column.
    pub stacked: bool,
}

impl Layout {
    pub fn pane(&self, p: Pane) -> Rect {
        match p {
            Pane::Balance => self.balance,
            Pane::Catalog => self.catalog,
            Pane::Orders => self.orders,
            Pane::OtpLog => self.otp_log,
        }
    }

    pub fn pane_at(&self, x: u16, y: u16) -> Option<Pane> {
        Pane::ALL.into_iter().find(|p| {
            let r = self.pane(*p);
            x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
        })
    }
}

/// The whole screen but the status bar: where a full-screen view goes (what
/// a copy or a load says stays in sight).
pub fn above_status(area: Rect, accounts: usize) -> Rect {
    compute(area, accounts).map_or(area, |l| Rect {
        height: l.status.y.saturating_sub(area.y),
        ..area
    })
}

/// None when the terminal is too small to be useful.
pub fn compute(area: Rect, accounts: usize) -> Option<Layout> {
    if area.width < MIN_W || area.height < MIN_H {
        return None;
    }
    let rows = RLayout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(4),
            Constraint::Length(2),
        ])
        .split(area);
    let (header, body, status) = (rows[0], rows[1], rows[2]);
    if area.width >= FULL_W && area.height >= FULL_H {
        let cols = RLayout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(38), Constraint::Percentage(62)])
            .split(body);
        let bal_h = (accounts as u16 + 3).clamp(4, body.height / 2);
        let left = RLayout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Length(bal_h), Constraint::Min(3)])
            .split(cols[0]);
        let right = RLayout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
            .split(cols[1]);
        Some(Layout {
            header,
            balance: left[0],
            catalog: left[1],
            orders: right[0],
            otp_log: right[1],
            status,
            stacked: false,
        })
    } else {
        // What matters most on a small screen comes first: orders and codes.
        let parts = RLayout::default()
            .direction(Direction::Vertical)
            .constraints([
                Constraint::Percentage(34),
                Constraint::Percentage(22),
                Constraint::Percentage(28),
                Constraint::Percentage(16),
            ])
            .split(body);
        Some(Layout {
            header,
            orders: parts[0],
            otp_log: parts[1],
            catalog: parts[2],
            balance: parts[3],
            status,
            stacked: true,
        })
    }
}

//! The compare view: one service and country on every OTP account, filled
//! in as each account answers, sorted by price (s: own delivery rate, time
//! to OTP); Enter buys the selected offer through the usual confirmation.

use crate::app::catalog::{self, NodeId};
use crate::app::keymap::Cmd;
use crate::app::panes::Pane;
use crate::app::popups::CommandLine;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect, Level};
use crate::domain::compare::{self, Row, SortBy};

#[derive(Debug, Clone)]
pub struct CompareView {
    pub ticket: u64,
    pub service: String,
    pub country: String,
    pub rows: Vec<Row>,
    /// Accounts that could not answer or match the names, with why.
    pub failed: Vec<(String, String)>,
    /// Accounts not heard from yet.
    pub waiting: usize,
    pub sort: SortBy,
    pub selected: usize,
    /// `B` / `:buy-best`: once every account answered, ask to buy the
    /// first row the rules allow.
    pub buy_when_done: bool,
}

/// Opens the view and asks every OTP account.
pub fn start(app: &mut App, service: &str, country: &str) -> Vec<Effect> {
    open(app, service, country, false)
}

/// `B` / `:buy-best`: the same view, then the confirmation for the
/// cheapest offer the rules allow (ties go to the user's own best rate).
pub fn start_buying(app: &mut App, service: &str, country: &str) -> Vec<Effect> {
    open(app, service, country, true)
}

fn open(app: &mut App, service: &str, country: &str, buy_when_done: bool) -> Vec<Effect> {
    let accounts = app
        .accounts
        .iter()
        .filter(|a| a.info.caps.countries)
        .count();
    if accounts == 0 {
        app.set_status("No account here sells numbers by country", Level::Warn);
        return Vec::new();
    }
    app.book.compare_tickets += 1;
    let ticket = app.book.compare_tickets;
    app.open(Popup::Compare(Box::new(CompareView {
        ticket,
        service: service.to_string(),
        country: country.to_string(),
        rows: Vec::new(),
        failed: Vec::new(),
        waiting: accounts,
        sort: SortBy::Price,
        selected: 0,
        buy_when_done,
    })));
    vec![Effect::Compare {
        ticket,
        service: service.to_string(),
        country: country.to_string(),
    }]
}

/// An account's answer, for the view that asked (wherever it is in the
/// stack); a late answer to a closed view is dropped.
pub fn loaded(app: &mut App, ticket: u64, account: String, result: Result<Vec<Row>, String>) {
    let Some(view) = app.view.popups.iter_mut().find_map(|p| match p {
        Popup::Compare(v) if v.ticket == ticket => Some(v),
        _ => None,
    }) else {
        return;
    };
    view.waiting = view.waiting.saturating_sub(1);
    match result {
        Ok(rows) => view.rows.extend(rows),
        Err(e) => view.failed.push((account, e)),
    }
    compare::sort(&mut view.rows, view.sort);
    if !(view.buy_when_done && view.waiting == 0) {
        return;
    }
    view.buy_when_done = false;
    let rules = app.settings.rules.clone();
    let first = view
        .rows
        .iter()
        .position(|r| rules.check_price(&r.service.name, r.offer.price).is_ok());
    let Some(i) = first else {
        app.set_status(
            "No offer in stock within the rules on any account",
            Level::Warn,
        );
        return;
    };
    view.selected = i;
    let row = view.rows[i].clone();
    if let Some(a) = app.account_position(&row.account) {
        app.confirm_buy(a, &row.service, Some(&row.country), &row.offer);
    }
}

/// The view's box on a screen `screen_h` rows high: its height and how
/// many offers it shows (the title, the header, the keys line, the borders
/// and up to three accounts that failed take the rest).
pub fn box_height(v: &CompareView, screen_h: u16) -> (u16, usize) {
    let h = screen_h.saturating_sub(2).max(8).min(screen_h);
    let rows = (h as usize).saturating_sub(5 + v.failed.len().min(3));
    (h, rows.max(1))
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let screen_h = app.view.size.1;
    let Some(Popup::Compare(view)) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    let (_, page) = box_height(view, screen_h);
    if let Some(to) = list_move(cmd, view.selected, view.rows.len(), page) {
        view.selected = to;
        return Vec::new();
    }
    match cmd {
        Some(Cmd::Sort) => {
            view.sort = view.sort.next();
            compare::sort(&mut view.rows, view.sort);
            let label = view.sort.label();
            app.set_status(format!("Sorted by {label}"), Level::Info);
        }
        Some(Cmd::Confirm) => {
            let Some(row) = view.rows.get(view.selected).cloned() else {
                return Vec::new();
            };
            match app.account_position(&row.account) {
                Some(a) => app.confirm_buy(a, &row.service, Some(&row.country), &row.offer),
                None => app.set_status(format!("No account {}", row.account), Level::Error),
            }
        }
        _ => {}
    }
    Vec::new()
}

/// `b` in the catalog: on a country or an offer, compare that service and
/// country; on a service, the command line asks for the country.
pub fn from_catalog(app: &mut App, buy: bool) -> Vec<Effect> {
    let rows = catalog::rows(app);
    let Some(row) = rows.get(app.sel(Pane::Catalog)) else {
        return Vec::new();
    };
    let (a, sid, cid) = match &row.id {
        NodeId::Country(a, s, c) | NodeId::Offer(a, s, Some(c), _) => {
            (*a, s.clone(), Some(c.clone()))
        }
        NodeId::Service(a, s) | NodeId::Offer(a, s, None, _) => (*a, s.clone(), None),
        _ => {
            app.set_status("Select a service or a country to compare", Level::Info);
            return Vec::new();
        }
    };
    let Some(node) = app
        .accounts
        .get(a)
        .and_then(|acc| catalog::service(&acc.services, &sid))
    else {
        return Vec::new();
    };
    let service = node.service.name.clone();
    match cid.and_then(|c| node.country(&c).map(|c| c.country.name.clone())) {
        Some(country) => open(app, &service, &country, buy),
        None => {
            let word = if buy { "buy-best" } else { "best" };
            let text = format!("{word} {service} ");
            app.open(Popup::CommandLine(CommandLine(tui_input::Input::new(text))));
            app.set_status("Type the country to compare", Level::Info);
            Vec::new()
        }
    }
}

impl crate::app::popups::PopupState for CompareView {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

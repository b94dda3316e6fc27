//! The GoTopUp history view (`:history [ACCOUNT]`): a page of
//! `/api/buyer/transactions` as the API has it (newest first; what was
//! bought elsewhere shows too), with status, from and to filters and a
//! limit (Tab moves from the rows to them and on, Enter loads page 1 with
//! them). It opens on the rows: ↑/↓, Home/End and the page keys pick a
//! row (the view scrolls to it); a page down from the last row loads the
//! next page, a page up from the first the previous one (its last row
//! picked); `c` copies the row's SN (a PLN token is what the customer
//! needs). In a field, the line-editing keys are the field's (Home/End,
//! ←/→, Ctrl-a/e/u/d: `Key::edits_line`), while ↑/↓ and PageUp/PageDown
//! still pick rows. Every load is an Effect; the query is checked by
//! `HistoryQuery::check` (the CLI's rule) first.

use crate::app::keymap::Cmd;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect, Level};
use crate::domain::history::{parse_opt_day, HistoryPage, HistoryQuery, HISTORY_MAX_LIMIT};
use crate::domain::ProviderError;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Status,
    From,
    To,
    Limit,
    /// The rows: typed keys are commands (copy), not text.
    Rows,
}

#[derive(Debug, Clone)]
pub struct HistoryPopup {
    pub account: String,
    pub status: Input,
    pub from: Input,
    pub to: Input,
    pub limit: Input,
    pub field: Field,
    /// The query of the page shown (or being loaded).
    pub query: HistoryQuery,
    pub page: Option<HistoryPage>,
    /// The picked row of the page shown.
    pub selected: usize,
    pub busy: bool,
    pub error: Option<String>,
    /// The page being loaded is the one before: its last row is picked when
    /// it comes, so a page up goes on from where it was.
    pub land_at_end: bool,
}

/// The GoTopUp buyer account a view is about: the named one, else the one
/// shown, else the first (a seller key answers no buyer call).
pub(super) fn buyer_account(app: &App, name: Option<&str>) -> Option<String> {
    let buyer = |a: &&crate::app::AccountState| a.info.is_gotopup_buyer();
    match name {
        Some(n) => app.accounts.iter().filter(buyer).find(|a| a.info.name == n),
        None => shown_or_first(app, buyer),
    }
    .map(|a| a.info.name.clone())
}

/// The account shown when it is one `fits`, else the first that is (the
/// views that work on one kind of account).
pub(super) fn shown_or_first(
    app: &App,
    fits: impl Fn(&&crate::app::AccountState) -> bool,
) -> Option<&crate::app::AccountState> {
    app.view
        .active
        .and_then(|i| app.accounts.get(i))
        .filter(&fits)
        .or_else(|| app.accounts.iter().find(&fits))
}

/// `:history [ACCOUNT]`: the named, shown or first GoTopUp account.
pub fn open(app: &mut App, account: Option<&str>) -> Vec<Effect> {
    let Some(account) = buyer_account(app, account) else {
        app.set_status("History needs a GoTopUp account", Level::Warn);
        return Vec::new();
    };
    let query = HistoryQuery {
        page: 1,
        limit: HISTORY_MAX_LIMIT,
        ..Default::default()
    };
    app.open(Popup::History(Box::new(HistoryPopup {
        account: account.clone(),
        status: Input::default(),
        from: Input::default(),
        to: Input::default(),
        limit: Input::new(HISTORY_MAX_LIMIT.to_string()),
        // On the rows, where the list keys work; Tab goes to the filters.
        field: Field::Rows,
        query: query.clone(),
        page: None,
        selected: 0,
        busy: true,
        error: None,
        land_at_end: false,
    })));
    vec![Effect::HistoryLoad { account, query }]
}

fn top(app: &mut App) -> Option<&mut HistoryPopup> {
    match app.view.popups.last_mut() {
        Some(Popup::History(h)) => Some(h),
        _ => None,
    }
}

/// The query the fields say, for page 1; why not when a field is off.
pub fn query_of(h: &HistoryPopup) -> Result<HistoryQuery, String> {
    let date = |i: &Input, what: &str| parse_opt_day(what, Some(i.value()));
    let status = h.status.value().trim().to_ascii_lowercase();
    let limit = h.limit.value().trim();
    let q = HistoryQuery {
        status: (!status.is_empty()).then_some(status),
        from: date(&h.from, "from")?,
        to: date(&h.to, "to")?,
        page: 1,
        limit: limit
            .parse()
            .map_err(|_| format!("limit '{limit}' is not a number"))?,
    };
    // The one rule the CLI uses too.
    q.check()?;
    Ok(q)
}

/// How many rows of the page the view shows when it is `view_h` rows
/// high: what the lines above (fields, paging, keys, loading, error, the
/// header), the note below and the borders leave.
pub fn rows_shown(h: &HistoryPopup, view_h: u16) -> usize {
    let above = 3
        + usize::from(h.page.is_some())
        + usize::from(h.busy)
        + usize::from(h.error.is_some());
    let below = h.page.as_ref().map_or(0, |p| usize::from(p.unreadable > 0));
    (view_h as usize).saturating_sub(2 + above + below).max(1)
}

fn load(h: &mut HistoryPopup, query: HistoryQuery) -> Vec<Effect> {
    h.busy = true;
    h.error = None;
    h.land_at_end = false;
    h.query = query.clone();
    vec![Effect::HistoryLoad {
        account: h.account.clone(),
        query,
    }]
}

/// The next page, or why not.
fn next_page(h: &mut HistoryPopup) -> Vec<Effect> {
    let last = h.page.as_ref().map_or(1, |p| p.total_pages.max(1));
    if h.query.page >= last {
        h.error = Some(format!("page {} is the last", h.query.page));
        return Vec::new();
    }
    let q = HistoryQuery {
        page: h.query.page + 1,
        ..h.query.clone()
    };
    load(h, q)
}

/// The previous page, its last row picked when it comes; or why not.
fn prev_page(h: &mut HistoryPopup) -> Vec<Effect> {
    if h.query.page <= 1 {
        h.error = Some("page 1 is the first".into());
        return Vec::new();
    }
    let q = HistoryQuery {
        page: h.query.page - 1,
        ..h.query.clone()
    };
    let fx = load(h, q);
    h.land_at_end = true;
    fx
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let view_h = crate::app::layout::above_status(app.view.area(), app.accounts.len()).height;
    let Some(h) = top(app) else {
        return Vec::new();
    };
    let rows = h.page.as_ref().map_or(0, |p| p.transactions.len());
    match cmd {
        Some(Cmd::NextField) => {
            h.field = match h.field {
                Field::Status => Field::From,
                Field::From => Field::To,
                Field::To => Field::Limit,
                Field::Limit => Field::Rows,
                Field::Rows => Field::Status,
            };
            Vec::new()
        }
        Some(Cmd::Confirm) if !h.busy => match query_of(h) {
            Ok(q) => load(h, q),
            Err(why) => {
                h.error = Some(why);
                Vec::new()
            }
        },
        // A page down from the last row goes on to the next page; a page
        // up from the first, to the previous one.
        Some(Cmd::ListPageDown) if h.selected + 1 >= rows => {
            if h.busy {
                Vec::new()
            } else {
                next_page(h)
            }
        }
        Some(Cmd::ListPageUp) if h.selected == 0 => {
            if h.busy {
                Vec::new()
            } else {
                prev_page(h)
            }
        }
        Some(Cmd::CopyOtp) => copy_sn(app),
        Some(_) => {
            if let Some(to) = list_move(cmd, h.selected, rows, rows_shown(h, view_h)) {
                h.selected = to;
            }
            Vec::new()
        }
        None => {
            let input = match h.field {
                Field::Status => &mut h.status,
                Field::From => &mut h.from,
                Field::To => &mut h.to,
                Field::Limit => &mut h.limit,
                Field::Rows => return Vec::new(),
            };
            // Ctrl-d deletes the character under the cursor, as in readline
            // (tui-input leaves it unbound).
            if k.code == KeyCode::Char('d') && k.modifiers == KeyModifiers::CONTROL {
                input.handle(InputRequest::DeleteNextChar);
            } else {
                input.handle_event(&Event::Key(k));
            }
            Vec::new()
        }
    }
}

/// The picked row's SN onto the clipboard, or why not.
fn copy_sn(app: &mut App) -> Vec<Effect> {
    let Some(h) = top(app) else {
        return Vec::new();
    };
    let row = h.page.as_ref().and_then(|p| p.transactions.get(h.selected));
    let (sn, reference) = match row {
        Some(t) => (t.sn.clone().filter(|s| !s.is_empty()), t.reference.clone()),
        None => {
            app.set_status("No transaction picked to copy", Level::Warn);
            return Vec::new();
        }
    };
    match sn {
        Some(text) => vec![Effect::Copy {
            text,
            what: "SN".into(),
        }],
        None => {
            app.set_status(format!("No SN yet for {reference}"), Level::Warn);
            Vec::new()
        }
    }
}

/// A page (or why it failed) for the view still asking it.
pub fn loaded(
    app: &mut App,
    account: &str,
    query: HistoryQuery,
    result: Result<HistoryPage, ProviderError>,
) {
    let Some(h) = app.view.popups.iter_mut().rev().find_map(|p| match p {
        Popup::History(h) if h.account == account && h.busy && h.query == query => Some(h),
        _ => None,
    }) else {
        return;
    };
    h.busy = false;
    let land_at_end = std::mem::take(&mut h.land_at_end);
    match result {
        Ok(page) => {
            h.selected = if land_at_end {
                page.transactions.len().saturating_sub(1)
            } else {
                0
            };
            h.page = Some(page);
        }
        Err(e) => {
            // The page shown stays; paging goes on from it.
            if let Some(p) = &h.page {
                h.query.page = p.page;
            }
            h.error = Some(format!("page {} failed: {e}", query.page));
        }
    }
}

impl crate::app::popups::PopupState for HistoryPopup {
    fn takes_text(&self) -> bool {
        self.field != Field::Rows
    }

    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        on_key(app, cmd, k)
    }
}

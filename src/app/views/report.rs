//! The GoTopUp report view (`:report TYPE [FROM] [TO]`): a buyer report
//! (transaction, purchase, deposit) of the shown or first GoTopUp account,
//! or the shown seller account's (transaction, sales, product): its
//! figures and its rows (↑/↓, Home/End and the page keys scroll). The
//! kind and the range are checked by `ReportQuery::check` (the CLI's rule)
//! before the Effect; the CSV is the CLI's (`otpdeck report --format
//! csv`).

use crate::app::keymap::Cmd;
use crate::app::popups::{list_move, Popup};
use crate::app::{App, Effect, Level};
use crate::domain::history::parse_opt_day;
use crate::domain::report::{Report, ReportKind, ReportQuery};
use crate::domain::ProviderError;

#[derive(Debug, Clone)]
pub struct ReportPopup {
    pub account: String,
    pub query: ReportQuery,
    /// None while the API is asked.
    pub result: Option<Result<Report, ProviderError>>,
    /// The first row shown.
    pub offset: usize,
}

/// The words after `:report`: the kind, then an optional first and last
/// day; why not when they do not make a query.
pub fn query_of(args: &[String]) -> Result<ReportQuery, String> {
    let kind = args
        .first()
        .ok_or("Usage: :report transaction|purchase|deposit|sales|product [FROM] [TO]")?;
    let day = |i: usize, what: &str| parse_opt_day(what, args.get(i).map(String::as_str));
    Ok(ReportQuery {
        kind: ReportKind::parse(kind)?,
        from: day(1, "from")?,
        to: day(2, "to")?,
    })
}

pub fn open(app: &mut App, args: &[String]) -> Vec<Effect> {
    // The shown account's when it is a seller (sales, product,
    // transaction), else a buyer's.
    let shown_seller = app
        .view
        .active
        .and_then(|i| app.accounts.get(i))
        .filter(|a| a.info.seller)
        .map(|a| a.info.name.clone());
    let seller = shown_seller.is_some();
    let Some(account) = shown_seller.or_else(|| super::history::buyer_account(app, None)) else {
        app.set_status("Reports need a GoTopUp account", Level::Warn);
        return Vec::new();
    };
    let query = match query_of(args).and_then(|q| q.check(seller).map(|_| q)) {
        Ok(q) => q,
        Err(why) => {
            app.set_status(why, Level::Warn);
            return Vec::new();
        }
    };
    app.open(Popup::Report(Box::new(ReportPopup {
        account: account.clone(),
        query: query.clone(),
        result: None,
        offset: 0,
    })));
    vec![Effect::ReportLoad { account, query }]
}

/// How many rows of the table the view shows when it is `view_h` rows
/// high: what the keys line, the figures, the table's header and the
/// borders leave.
pub fn rows_shown(r: &ReportPopup, view_h: u16) -> usize {
    let figures = match &r.result {
        Some(Ok(rep)) => rep.summary.len(),
        _ => 0,
    };
    (view_h as usize).saturating_sub(4 + figures).max(1)
}

/// The list keys scroll the table: a page is the rows shown, and the last
/// rows fill the view at the end.
pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let view_h = crate::app::layout::above_status(app.view.area(), app.accounts.len()).height;
    let Some(Popup::Report(r)) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    let rows = match &r.result {
        Some(Ok(rep)) => rep.rows.len(),
        _ => 0,
    };
    let shown = rows_shown(r, view_h);
    if let Some(to) = list_move(cmd, r.offset, rows.saturating_sub(shown) + 1, shown) {
        r.offset = to;
    }
    Vec::new()
}

/// The answer, for the view still asking it.
pub fn loaded(
    app: &mut App,
    account: &str,
    query: &ReportQuery,
    result: Result<Report, ProviderError>,
) {
    let found = app.view.popups.iter_mut().rev().find_map(|p| match p {
        Popup::Report(r) if r.account == account && &r.query == query && r.result.is_none() => {
            Some(r)
        }
        _ => None,
    });
    if let Some(r) = found {
        r.result = Some(result);
    }
}

impl crate::app::popups::PopupState for ReportPopup {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

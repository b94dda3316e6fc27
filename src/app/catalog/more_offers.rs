//! Offers that page on demand (OTPZap Server 1 `/products`): the first page
//! loads with the country; when the API says there is more, a "more" row
//! ends the list, and Enter on it loads the next page and appends it.

use super::{self as catalog, Load, NodeId, Row, RowKind};
use crate::app::panes::Pane;
use crate::app::{App, Effect, Level};
use crate::domain::Offer;
use crate::domain::ProviderError;
use chrono::{DateTime, Utc};

fn key(app: &App, account: &str, service_id: &str, country_id: &str) -> Option<String> {
    let a = app.accounts.iter().position(|x| x.info.name == account)?;
    Some(NodeId::Country(a, service_id.into(), country_id.into()).key())
}

/// The API said a country's offers go on: page `next` is there to load.
pub fn has_more(app: &mut App, account: &str, service_id: &str, country_id: &str, next: u32) {
    if let Some(k) = key(app, account, service_id, country_id) {
        app.catalog.more_offers.insert(k, next);
    }
}

/// A fresh first page: whatever was said of further pages before is void.
pub fn forget(app: &mut App, account: &str, service_id: &str, country_id: &str) {
    if let Some(k) = key(app, account, service_id, country_id) {
        app.catalog.more_offers.remove(&k);
    }
}

/// The "more" row after a country's offers, when there is a next page.
pub fn more_row(app: &App, country: &NodeId, depth: usize) -> Option<Row> {
    let page = app.catalog.more_offers.get(&country.key())?;
    // The first key only: the row is narrow.
    let key = app
        .keymap
        .keys(crate::app::keymap::Cmd::Expand)
        .first()
        .map_or_else(|| "Enter".to_string(), |k| k.label());
    Some(Row {
        id: NodeId::Note(Box::new(country.clone())),
        depth,
        label: format!("more · {key}: page {page}"),
        detail: String::new(),
        kind: RowKind::Loading,
    })
}

/// Enter on the "more" row: the next page of that country.
pub fn request(app: &mut App) -> Vec<Effect> {
    let rows = catalog::rows(app);
    let Some(row) = rows.get(app.sel(Pane::Catalog)) else {
        return Vec::new();
    };
    let country = match &row.id {
        NodeId::Country(..) => Some(row.id.clone()),
        NodeId::Offer(a, s, Some(c), _) => Some(NodeId::Country(*a, s.clone(), c.clone())),
        NodeId::Note(p) if matches!(**p, NodeId::Country(..)) => Some((**p).clone()),
        _ => None,
    };
    let Some(NodeId::Country(a, s, c)) = country else {
        app.set_status("Select a country's offers first", Level::Warn);
        return Vec::new();
    };
    let k = NodeId::Country(a, s.clone(), c.clone()).key();
    let Some(page) = app.catalog.more_offers.remove(&k) else {
        app.set_status("No more offers to load here", Level::Info);
        return Vec::new();
    };
    let Some(account) = app.accounts.get(a).map(|x| x.info.name.clone()) else {
        return Vec::new();
    };
    app.set_status(format!("Loading offers page {page}…"), Level::Info);
    vec![Effect::LoadMoreOffers {
        account,
        service_id: s,
        country_id: c,
        page,
    }]
}

/// A further page arrived: appended (an offer already listed is not
/// repeated), and the next page remembered if the API has one.
#[allow(clippy::too_many_arguments)]
pub fn loaded(
    app: &mut App,
    account: &str,
    service_id: &str,
    country_id: &str,
    page: u32,
    result: Result<(Vec<Offer>, bool), ProviderError>,
    now: DateTime<Utc>,
) {
    app.now = now;
    match result {
        Ok((list, more)) => {
            if let Some(c) = app
                .service_mut(account, service_id)
                .and_then(|s| s.country_mut(country_id))
            {
                if let Load::Loaded(have, _) = &mut c.offers {
                    for o in list {
                        if !have.iter().any(|h| h.id == o.id) {
                            have.push(o);
                        }
                    }
                }
            }
            if more {
                has_more(app, account, service_id, country_id, page + 1);
            }
        }
        Err(e) => {
            // Let `m` try the same page again.
            has_more(app, account, service_id, country_id, page);
            app.set_status(format!("{account}: offers page {page}: {e}"), Level::Error);
        }
    }
}

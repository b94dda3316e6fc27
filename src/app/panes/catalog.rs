//! The catalog pane's keys: open and close nodes (loading children on
//! first open), buy an offer, sort, and the `/` filter.

use crate::app::catalog::{self, Load, NodeId, RowKind};
use crate::app::keymap::Cmd;
use crate::app::panes::Pane;
use crate::app::{App, Effect, Level};
use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

pub fn run(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    match cmd {
        Cmd::Expand => expand(app),
        Cmd::Collapse => {
            collapse(app);
            Vec::new()
        }
        Cmd::Filter => {
            app.view.filtering = true;
            app.view.focus = Pane::Catalog;
            Vec::new()
        }
        Cmd::Sort => {
            app.catalog.sort = app.catalog.sort.next();
            app.set_status(
                format!("Offers sorted by {}", app.catalog.sort.label()),
                Level::Info,
            );
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A key while the filter takes typing: the filter's own commands, else
/// the key edits the filter text.
pub fn filter_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    match cmd {
        Some(Cmd::FilterClear) => {
            app.view.filtering = false;
            app.view.filter = Input::default();
        }
        Some(Cmd::FilterDone) => app.view.filtering = false,
        Some(Cmd::QuitNow) => return app.quit(),
        _ => {
            app.view.filter.handle_event(&Event::Key(k));
            app.view.selected.insert(Pane::Catalog, 0);
        }
    }
    Vec::new()
}

/// How many rows the catalog pane shows at the current size.
pub fn visible_rows(app: &App) -> usize {
    let height = crate::app::layout::compute(app.view.area(), app.accounts.len())
        .map_or(0, |l| l.catalog.height);
    super::row_lines(Pane::Catalog, height)
}

/// Scrolls the catalog so the open node under the cursor shows as many of
/// the rows under it as the pane has room for, the node itself kept in
/// sight: after it opens, and again when its children arrive.
pub fn reveal_children(app: &mut App) {
    let rows = catalog::rows(app);
    reveal_children_in(app, &rows);
}

/// `reveal_children` on rows already built (they are the catalog's
/// costliest work: built once per key or load).
fn reveal_children_in(app: &mut App, rows: &[catalog::Row]) {
    let sel = app.sel(Pane::Catalog);
    let Some(row) = rows.get(sel) else {
        return;
    };
    if row.kind != (RowKind::Branch { expanded: true }) {
        return;
    }
    let under = rows[sel + 1..]
        .iter()
        .take_while(|r| r.depth > row.depth)
        .count();
    let visible = visible_rows(app);
    let shown = crate::app::first_row(app.view.catalog_top, sel, rows.len(), visible);
    // The first row that shows the node's last row below (or a pane's worth).
    let wanted = (sel + under.min(visible - 1)).saturating_sub(visible - 1);
    app.view.catalog_top = shown.max(wanted).min(sel);
}

/// Children of `id` arrived: when it is the open node under the cursor,
/// they scroll into view.
pub fn reveal_loaded(app: &mut App, id: &NodeId) {
    let rows = catalog::rows(app);
    if rows
        .get(app.sel(Pane::Catalog))
        .is_some_and(|r| &r.id == id)
    {
        reveal_children_in(app, &rows);
    }
}

fn collapse(app: &mut App) {
    let rows = catalog::rows(app);
    let Some(row) = rows.get(app.sel(Pane::Catalog)) else {
        return;
    };
    let target = match row.kind {
        RowKind::Branch { expanded: true } => Some(row.id.clone()),
        _ => catalog::parent_row(&rows, app.sel(Pane::Catalog)).map(|r| r.id.clone()),
    };
    if let Some(t) = target {
        app.catalog.expanded.remove(&t.key());
        let rows = catalog::rows(app);
        if let Some(i) = rows.iter().position(|r| r.id == t) {
            app.view.selected.insert(Pane::Catalog, i);
        }
    }
}

pub fn load_services(app: &mut App, a: usize) -> Vec<Effect> {
    let Some(acc) = app.accounts.get_mut(a) else {
        return Vec::new();
    };
    acc.services = Load::Loading;
    vec![Effect::LoadServices {
        account: acc.info.name.clone(),
    }]
}

/// Asks for the countries of service `sid` unless they are fresh or on
/// their way.
pub fn load_countries(app: &mut App, a: usize, sid: &str) -> Vec<Effect> {
    let now = app.now;
    let Some(acc) = app.accounts.get_mut(a) else {
        return Vec::new();
    };
    let account = acc.info.name.clone();
    match catalog::service_mut(&mut acc.services, sid) {
        Some(node) if node.countries.needs_load(now) => {
            node.countries = Load::Loading;
            vec![Effect::LoadCountries {
                account,
                service_id: sid.to_string(),
            }]
        }
        _ => Vec::new(),
    }
}

/// Asks for the offers of a service (or of one of its countries) unless
/// they are fresh or on their way.
pub fn load_offers(app: &mut App, a: usize, sid: &str, cid: Option<&str>) -> Vec<Effect> {
    let now = app.now;
    let Some(acc) = app.accounts.get_mut(a) else {
        return Vec::new();
    };
    let account = acc.info.name.clone();
    let Some(node) = catalog::service_mut(&mut acc.services, sid) else {
        return Vec::new();
    };
    let offers = match cid {
        None => &mut node.offers,
        Some(c) => match node.country_mut(c) {
            Some(cn) => &mut cn.offers,
            None => return Vec::new(),
        },
    };
    if !offers.needs_load(now) {
        return Vec::new();
    }
    *offers = Load::Loading;
    vec![Effect::LoadOffers {
        account,
        service_id: sid.to_string(),
        country_id: cid.map(str::to_string),
    }]
}

fn expand(app: &mut App) -> Vec<Effect> {
    let rows = catalog::rows(app);
    let Some(row) = rows.get(app.sel(Pane::Catalog)).cloned() else {
        return Vec::new();
    };
    let now = app.now;
    // Enter on the "more offers" row loads the next page.
    if let NodeId::Note(p) = &row.id {
        if matches!(**p, NodeId::Country(..)) && app.catalog.more_offers.contains_key(&p.key()) {
            return crate::app::catalog::more_offers::request(app);
        }
    }
    match &row.id {
        NodeId::Account(a) => {
            app.catalog.expanded.insert(row.id.key());
            let fx = if app
                .accounts
                .get(*a)
                .is_some_and(|acc| acc.services.needs_load(now))
            {
                load_services(app, *a)
            } else {
                Vec::new()
            };
            reveal_children(app);
            fx
        }
        NodeId::Group(..) => {
            app.catalog.expanded.insert(row.id.key());
            reveal_children(app);
            Vec::new()
        }
        NodeId::Service(a, sid) => {
            app.catalog.expanded.insert(row.id.key());
            let has_countries = app.accounts.get(*a).is_some_and(|x| x.info.caps.countries);
            let fx = if has_countries {
                load_countries(app, *a, sid)
            } else {
                load_offers(app, *a, sid, None)
            };
            reveal_children(app);
            fx
        }
        NodeId::Country(a, sid, cid) => {
            app.catalog.expanded.insert(row.id.key());
            let fx = load_offers(app, *a, sid, Some(cid));
            reveal_children(app);
            fx
        }
        // The accounts still loading under a filter: nothing to open yet.
        NodeId::StillLoading => Vec::new(),
        NodeId::Offer(a, sid, cid, oid) => {
            let Some(acc) = app.accounts.get(*a) else {
                return Vec::new();
            };
            let Some(node) = catalog::service(&acc.services, sid) else {
                return Vec::new();
            };
            let (country, offers) = match cid {
                Some(c) => {
                    let cn = node.country(c);
                    (
                        cn.map(|x| x.country.clone()),
                        cn.and_then(|x| x.offers.get()),
                    )
                }
                None => (None, node.offers.get()),
            };
            let Some(offer) = offers
                .and_then(|l| l.iter().find(|o| &o.id == oid))
                .cloned()
            else {
                return Vec::new();
            };
            if !offer.in_stock() {
                app.set_status(
                    format!(
                        "{} is sold out or inactive: pick another offer",
                        offer.label
                    ),
                    Level::Warn,
                );
                return Vec::new();
            }
            if crate::domain::bill::is_bill(sid) {
                let account = acc.info.name.clone();
                return app.postpaid_chosen(&account, &offer.id);
            }
            let service = node.service.clone();
            app.confirm_buy(*a, &service, country.as_ref(), &offer);
            Vec::new()
        }
        NodeId::Note(parent) => {
            // Enter on an error line retries the load.
            app.view.selected.insert(
                Pane::Catalog,
                rows.iter().position(|r| r.id == **parent).unwrap_or(0),
            );
            app.catalog.expanded.remove(&parent.key());
            if let NodeId::Account(a) = **parent {
                if let Some(acc) = app.accounts.get_mut(a) {
                    acc.services = Load::NotLoaded;
                }
            }
            expand(app)
        }
    }
}

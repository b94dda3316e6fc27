//! `:buy SERVICE [COUNTRY]`: opens the path in the catalog of the active
//! (or first) account, loading what is missing (the walk carries on as
//! each level arrives), then asks to confirm the cheapest offer in stock.

use super::catalog::{self, Load, NodeId, ServiceNode};
use super::panes::catalog::{load_countries, load_offers, load_services};
use super::{AccountState, App, Effect, Level};
use crate::domain::bill::is_bill;
use crate::domain::naming::{self, NameError};
use crate::domain::{Country, Offer, Service};

pub fn start(app: &mut App, args: &[String]) -> Vec<Effect> {
    app.catalog.pending_buy = None;
    step(app, args)
}

/// Carries a waiting `:buy` on once a catalog level of `account` arrived.
pub fn resume(app: &mut App, account: &str, ok: bool) -> Vec<Effect> {
    if app.catalog.pending_buy.is_none() || buy_account(app).is_none_or(|a| a.info.name != account)
    {
        return Vec::new();
    }
    let args = app.catalog.pending_buy.take().unwrap_or_default();
    if !ok {
        app.set_status(
            format!(
                "{account}: the catalog did not load, so :buy stopped (Enter on the error retries)"
            ),
            Level::Error,
        );
        return Vec::new();
    }
    step(app, &args)
}

/// The account `:buy` works on: the active one, else the first.
fn buy_account(app: &App) -> Option<&AccountState> {
    app.accounts.get(app.view.active.unwrap_or(0))
}

fn wait(app: &mut App, args: &[String], what: &str, effects: Vec<Effect>) -> Vec<Effect> {
    app.set_status(format!("Loading {what}…"), Level::Info);
    app.catalog.pending_buy = Some(args.to_vec());
    effects
}

fn step(app: &mut App, args: &[String]) -> Vec<Effect> {
    let typed = args.join(" ").to_lowercase();
    if typed.is_empty() {
        app.set_status("Usage: :buy SERVICE [COUNTRY]", Level::Warn);
        return Vec::new();
    }
    let a = app.view.active.unwrap_or(0);
    let Some(acc) = app.accounts.get(a) else {
        return Vec::new();
    };
    let name = acc.info.name.clone();
    let has_countries = acc.info.caps.countries;
    app.catalog.expanded.insert(NodeId::Account(a).key());
    let Some(services) = acc.services.get() else {
        let effects = if acc.services == Load::Loading {
            Vec::new()
        } else {
            load_services(app, a)
        };
        return wait(app, args, "services", effects);
    };
    let (s, matched) = match service_in(services, &typed) {
        Ok(found) => found,
        Err(e) => {
            app.set_status(format!("{name}: {e}"), Level::Error);
            return Vec::new();
        }
    };
    let country_q = Some(typed[matched..].trim().to_string()).filter(|c| !c.is_empty());
    let node = &services[s];
    let service = node.service.clone();
    crate::app::catalog::open_groups(&mut app.catalog.expanded, a, &service);
    app.catalog
        .expanded
        .insert(NodeId::Service(a, service.id.clone()).key());
    if !has_countries {
        if let Some(list) = node.offers.get() {
            let list = list.clone();
            return confirm_cheapest(app, a, &service, None, &list);
        }
        let effects = load_offers(app, a, &service.id, None);
        return wait(app, args, "offers", effects);
    }
    let Some(countries) = node.countries.get() else {
        let effects = load_countries(app, a, &service.id);
        return wait(app, args, "countries", effects);
    };
    let Some(cq) = country_q else {
        app.set_status("Usage: :buy SERVICE COUNTRY", Level::Warn);
        return Vec::new();
    };
    let list: Vec<Country> = countries.iter().map(|c| c.country.clone()).collect();
    let country = match naming::find_country(&list, &cq) {
        Ok(c) => c.clone(),
        Err(e) => {
            app.set_status(format!("{}: {e}", service.name), Level::Error);
            return Vec::new();
        }
    };
    let offers = node
        .country(&country.id)
        .and_then(|c| c.offers.get())
        .cloned();
    app.catalog
        .expanded
        .insert(NodeId::Country(a, service.id.clone(), country.id.clone()).key());
    if let Some(list) = offers {
        return confirm_cheapest(app, a, &service, Some(&country), &list);
    }
    let effects = load_offers(app, a, &service.id, Some(&country.id));
    wait(app, args, "offers", effects)
}

fn confirm_cheapest(
    app: &mut App,
    a: usize,
    service: &Service,
    country: Option<&Country>,
    list: &[Offer],
) -> Vec<Effect> {
    match list.iter().filter(|o| o.in_stock()).min_by_key(|o| o.price) {
        Some(o) => {
            app.set_status("The cheapest offer in stock: confirm to buy", Level::Info);
            app.confirm_buy(a, service, country, o)
        }
        None => app.set_status("Every offer there is sold out", Level::Warn),
    }
    Vec::new()
}

/// The words of `typed` that name a service, by the shared naming rule:
/// the most leading words that do (names may have spaces; the rest is the
/// country). The service's index and the length of `typed` it takes.
fn service_in(list: &[ServiceNode], typed: &str) -> Result<(usize, usize), NameError> {
    // Postpaid bills are paid after an inquiry (`:bill`), never bought.
    let services: Vec<Service> = list
        .iter()
        .map(|n| n.service.clone())
        .filter(|s| !is_bill(&s.id))
        .collect();
    let ends = word_ends(typed);
    let mut first_error = None;
    for &end in ends.iter().rev() {
        match naming::find_service(&services, &typed[..end]) {
            Ok(found) => {
                let i = list
                    .iter()
                    .position(|n| n.service.id == found.id)
                    .unwrap_or(0);
                return Ok((i, end));
            }
            Err(e) => first_error = Some(e),
        }
    }
    Err(first_error.unwrap_or(NameError::Empty(naming::NameKind::Service)))
}

/// Byte offsets where each word of `text` ends.
fn word_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                ends.push(i);
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    if in_word {
        ends.push(text.len());
    }
    ends
}

/// For completion: the service whose name or id the leading words of
/// `rest` spell in full, followed by a space (before that, the name itself
/// is completed). Its index and the length of `rest` it takes.
fn typed_service(list: &[ServiceNode], rest: &str) -> Option<(usize, usize)> {
    word_ends(rest)
        .into_iter()
        .rev()
        .filter(|end| rest.len() > *end)
        .find_map(|end| {
            list.iter()
                .position(|n| {
                    !is_bill(&n.service.id)
                        && naming::names_service_exactly(&n.service, &rest[..end])
                })
                .map(|i| (i, end))
        })
}

/// `:best SERVICE COUNTRY`: where the service ends, by the `:buy` account's
/// services when they are loaded (names may have spaces), else by the
/// shared naming rule: the longest trailing run of words naming a country.
pub fn split_service_country(app: &App, args: &[String]) -> Option<(String, String)> {
    let typed = args.join(" ");
    if let Some((_, end)) = buy_account(app)
        .and_then(|a| a.services.get())
        .and_then(|l| service_in(l, &typed).ok())
        .filter(|(_, end)| *end < typed.len())
    {
        let (s, c) = typed.split_at(end);
        return Some((s.trim().to_string(), c.trim().to_string()));
    }
    crate::domain::naming::split_service_country(args)
}

/// Service names of the `:buy` account, lowercased, for completion.
pub fn service_names(app: &App) -> Vec<String> {
    buy_account(app)
        .and_then(|a| a.services.get())
        .map(|l| {
            l.iter()
                .filter(|s| !is_bill(&s.service.id))
                .map(|s| s.service.name.to_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// Once a service is typed in full (after `buy `): where in `rest` the
/// country starts, and the service's country names.
pub fn country_names(app: &App, rest: &str) -> Option<(usize, Vec<String>)> {
    let services = buy_account(app)?.services.get()?;
    let (i, matched) = typed_service(services, rest)?;
    let names = services[i]
        .countries
        .get()
        .map(|l| l.iter().map(|c| c.country.name.to_lowercase()).collect())
        .unwrap_or_default();
    Some((matched + 1, names))
}

/// Completing `:buy` needs the catalog: the services, then the countries
/// of the service typed. Loads what is missing, so the next Tab has names.
pub fn load_for_completion(app: &mut App, text: &str) -> Vec<Effect> {
    let a = app.view.active.unwrap_or(0);
    let Some(acc) = app.accounts.get(a) else {
        return Vec::new();
    };
    if acc.services == Load::NotLoaded {
        app.set_status("Loading services to complete…", Level::Info);
        return load_services(app, a);
    }
    let rest = text.trim_start_matches("buy ");
    let chosen = acc.services.get().and_then(|l| {
        let (i, _) = typed_service(l, rest)?;
        l.get(i).map(|s| s.service.id.clone())
    });
    let Some(sid) = chosen.filter(|_| acc.info.caps.countries) else {
        return Vec::new();
    };
    let not_loaded =
        catalog::service(&acc.services, &sid).is_some_and(|n| n.countries == Load::NotLoaded);
    if !not_loaded {
        return Vec::new();
    }
    app.set_status("Loading countries to complete…", Level::Info);
    load_countries(app, a, &sid)
}

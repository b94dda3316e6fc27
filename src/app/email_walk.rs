//! `:email SITE`: opens SITE under the Email branch of the active OTPZap
//! account (else the first one), loading what is missing and carrying on
//! as each level arrives, then leaves the cursor on the site with its
//! domains loading. Any site can be typed: one the suggestions lack is
//! added to the branch.

use super::catalog::{self, CountryNode, Load, NodeId};
use super::panes::catalog::{load_countries, load_offers, load_services};
use super::panes::Pane;
use super::{App, Effect, Level};
use crate::domain::email::{normalize_site, EMAIL_SERVICE_ID};
use crate::domain::{Country, ProviderKind};

pub fn start(app: &mut App, args: &[String]) -> Vec<Effect> {
    app.pending_email = None;
    let site = normalize_site(&args.join(""));
    if site.is_empty() || !site.contains('.') {
        app.set_status("Usage: :email SITE (e.g. :email openai.com)", Level::Warn);
        return Vec::new();
    }
    step(app, site)
}

/// Carries a waiting `:email` on once a catalog level of `account` arrived.
pub fn resume(app: &mut App, account: &str, ok: bool) -> Vec<Effect> {
    let Some(site) = app.pending_email.clone() else {
        return Vec::new();
    };
    if email_account(app).is_none_or(|a| app.accounts[a].info.name != account) {
        return Vec::new();
    }
    app.pending_email = None;
    if !ok {
        app.set_status(
            format!("{account}: the catalog did not load, so :email stopped"),
            Level::Error,
        );
        return Vec::new();
    }
    step(app, site)
}

/// The active account when it is OTPZap, else the first OTPZap account.
fn email_account(app: &App) -> Option<usize> {
    let is_zap = |i: usize| app.accounts[i].info.kind == ProviderKind::OtpZap;
    app.active
        .filter(|a| *a < app.accounts.len() && is_zap(*a))
        .or_else(|| (0..app.accounts.len()).find(|i| is_zap(*i)))
}

fn wait(app: &mut App, site: String, what: &str, effects: Vec<Effect>) -> Vec<Effect> {
    app.set_status(format!("Loading {what}…"), Level::Info);
    app.pending_email = Some(site);
    effects
}

fn step(app: &mut App, site: String) -> Vec<Effect> {
    let Some(a) = email_account(app) else {
        app.set_status("Email OTP needs an OTPZap account", Level::Error);
        return Vec::new();
    };
    app.expanded.insert(NodeId::Account(a).key());
    let acc = &app.accounts[a];
    match &acc.services {
        Load::Loaded(..) => {}
        Load::Loading => return wait(app, site, "services", Vec::new()),
        _ => {
            let fx = load_services(app, a);
            return wait(app, site, "services", fx);
        }
    }
    let Some(node) = catalog::service(&acc.services, EMAIL_SERVICE_ID) else {
        let name = acc.info.name.clone();
        app.set_status(format!("{name} lists no Email OTP branch"), Level::Error);
        return Vec::new();
    };
    let sid = EMAIL_SERVICE_ID.to_string();
    app.expanded.insert(NodeId::Service(a, sid.clone()).key());
    match &node.countries {
        Load::Loaded(..) => {}
        Load::Loading => return wait(app, site, "sites", Vec::new()),
        _ => {
            let fx = load_countries(app, a, &sid);
            return wait(app, site, "sites", fx);
        }
    }
    // A typed site the suggestions lack joins the branch.
    if let Some(node) = catalog::service_mut(&mut app.accounts[a].services, &sid) {
        if let Load::Loaded(list, _) = &mut node.countries {
            if !list.iter().any(|c| c.country.id == site) {
                list.push(CountryNode {
                    country: Country {
                        id: site.clone(),
                        name: site.clone(),
                        prefix: None,
                        stock: None,
                    },
                    offers: Load::NotLoaded,
                });
            }
        }
    }
    let id = NodeId::Country(a, sid.clone(), site.clone());
    app.expanded.insert(id.key());
    app.focus = Pane::Catalog;
    if let Some(i) = catalog::rows(app).iter().position(|r| r.id == id) {
        app.selected.insert(Pane::Catalog, i);
    }
    app.set_status(
        format!("{site}: pick a domain and press Enter to buy"),
        Level::Info,
    );
    load_offers(app, a, &sid, Some(&site))
}

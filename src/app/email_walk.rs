//! `:email SITE [domain=D,D2] [subject=TEXT] [regex=RE] [qty=N]`: opens SITE under
//! the Email branch of the active OTPZap account (else the first one),
//! loading what is missing and carrying on as each level arrives, then
//! leaves the cursor on the site with its domains loading. Any site can be
//! typed: one the suggestions lack is added to the branch. With options,
//! once the domains are in, it asks to confirm that buy (several domains:
//! aggregator mode, priced at the dearest of them; a quantity: N inboxes,
//! each its own buy).

use super::catalog::{self, CountryNode, Load, NodeId};
use super::panes::catalog::{load_countries, load_offers, load_services};
use super::panes::Pane;
use super::{App, Effect, Level};
use crate::domain::email::{normalize_site, EmailSpec, EMAIL_SERVICE_ID};
use crate::domain::{Country, Offer, ProviderKind, Service};

/// What `:email` was asked: the site and, if any, the buy's options.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmailAsk {
    pub site: String,
    pub domains: Vec<String>,
    pub subject: Option<String>,
    pub regex: Option<String>,
    /// Inboxes to buy (`qty=N`); None: one, from the catalog.
    pub qty: Option<u32>,
}

impl EmailAsk {
    fn has_options(&self) -> bool {
        !self.domains.is_empty()
            || self.subject.is_some()
            || self.regex.is_some()
            || self.qty.is_some()
    }
}

/// `openai.com domain=gmail.com,outlook.com subject=Your code regex=\d{6}`:
/// a value runs until the next `key=` word.
pub fn parse(args: &[String]) -> Result<EmailAsk, String> {
    let mut ask = EmailAsk::default();
    let mut current: Option<(String, String)> = None;
    let finish = |ask: &mut EmailAsk, kv: Option<(String, String)>| -> Result<(), String> {
        let Some((k, v)) = kv else { return Ok(()) };
        let v = v.trim().to_string();
        match k.as_str() {
            "domain" | "domains" => ask.domains.extend(
                v.split(',')
                    .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
                    .filter(|d| !d.is_empty()),
            ),
            "subject" => ask.subject = Some(v).filter(|s| !s.is_empty()),
            "regex" => ask.regex = Some(v).filter(|s| !s.is_empty()),
            "qty" | "quantity" => {
                let n = v
                    .parse::<u32>()
                    .map_err(|_| format!("qty={v}: a whole number"))?;
                ask.qty =
                    Some(crate::domain::email::check_qty(n).map_err(|e| format!("qty={v}: {e}"))?);
            }
            other => {
                return Err(format!(
                    "unknown option '{other}=' (domain, subject, regex, qty)"
                ))
            }
        }
        Ok(())
    };
    for word in args {
        match word.split_once('=') {
            Some((k, v)) if k.chars().all(|c| c.is_ascii_alphabetic()) && !k.is_empty() => {
                finish(&mut ask, current.take())?;
                current = Some((k.to_ascii_lowercase(), v.to_string()));
            }
            _ => match &mut current {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(word);
                }
                None if ask.site.is_empty() => ask.site = normalize_site(word),
                None => return Err(format!("'{word}': one site only, then key=value options")),
            },
        }
    }
    finish(&mut ask, current)?;
    if ask.site.is_empty() || !ask.site.contains('.') {
        return Err("Usage: :email SITE [domain=D,D2] [subject=TEXT] [regex=RE] [qty=N]".into());
    }
    Ok(ask)
}

pub fn start(app: &mut App, args: &[String]) -> Vec<Effect> {
    app.catalog.pending_email = None;
    match parse(args) {
        Ok(ask) => step(app, ask),
        Err(e) => {
            app.set_status(e, Level::Warn);
            Vec::new()
        }
    }
}

/// Carries a waiting `:email` on once a catalog level of `account` arrived.
pub fn resume(app: &mut App, account: &str, ok: bool) -> Vec<Effect> {
    let Some(ask) = app.catalog.pending_email.clone() else {
        return Vec::new();
    };
    if email_account(app).is_none_or(|a| app.accounts[a].info.name != account) {
        return Vec::new();
    }
    app.catalog.pending_email = None;
    if !ok {
        app.set_status(
            format!("{account}: the catalog did not load, so :email stopped"),
            Level::Error,
        );
        return Vec::new();
    }
    step(app, ask)
}

/// The active account when it is OTPZap, else the first OTPZap account.
fn email_account(app: &App) -> Option<usize> {
    let is_zap = |i: usize| app.accounts[i].info.kind == ProviderKind::OtpZap;
    app.view
        .active
        .filter(|a| *a < app.accounts.len() && is_zap(*a))
        .or_else(|| (0..app.accounts.len()).find(|i| is_zap(*i)))
}

fn wait(app: &mut App, ask: EmailAsk, what: &str, effects: Vec<Effect>) -> Vec<Effect> {
    app.set_status(format!("Loading {what}…"), Level::Info);
    app.catalog.pending_email = Some(ask);
    effects
}

fn step(app: &mut App, ask: EmailAsk) -> Vec<Effect> {
    let site = ask.site.clone();
    let Some(a) = email_account(app) else {
        app.set_status("Email OTP needs an OTPZap account", Level::Error);
        return Vec::new();
    };
    app.catalog.expanded.insert(NodeId::Account(a).key());
    let acc = &app.accounts[a];
    match &acc.services {
        Load::Loaded(..) => {}
        Load::Loading => return wait(app, ask, "services", Vec::new()),
        _ => {
            let fx = load_services(app, a);
            return wait(app, ask, "services", fx);
        }
    }
    let Some(node) = catalog::service(&acc.services, EMAIL_SERVICE_ID) else {
        let name = acc.info.name.clone();
        app.set_status(format!("{name} lists no Email OTP branch"), Level::Error);
        return Vec::new();
    };
    let sid = EMAIL_SERVICE_ID.to_string();
    app.catalog
        .expanded
        .insert(NodeId::Service(a, sid.clone()).key());
    match &node.countries {
        Load::Loaded(..) => {}
        Load::Loading => return wait(app, ask, "sites", Vec::new()),
        _ => {
            let fx = load_countries(app, a, &sid);
            return wait(app, ask, "sites", fx);
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
    app.catalog.expanded.insert(id.key());
    app.view.focus = Pane::Catalog;
    if let Some(i) = catalog::rows(app).iter().position(|r| r.id == id) {
        app.view.selected.insert(Pane::Catalog, i);
    }
    if !ask.has_options() {
        app.set_status(
            format!("{site}: pick a domain and press Enter to buy"),
            Level::Info,
        );
        return load_offers(app, a, &sid, Some(&site));
    }
    let node = catalog::service(&app.accounts[a].services, &sid);
    let service = node.map(|n| n.service.clone());
    let country = node
        .and_then(|n| n.country(&site))
        .map(|c| c.country.clone());
    let offers = node
        .and_then(|n| n.country(&site))
        .and_then(|c| c.offers.get())
        .cloned();
    match (service, country, offers) {
        (Some(service), Some(country), Some(list)) => {
            confirm(app, a, &service, &country, &list, &ask)
        }
        _ => {
            let fx = load_offers(app, a, &sid, Some(&site));
            wait(app, ask, "domains", fx)
        }
    }
}

/// The confirmation for a buy with options: the domains asked (or the
/// cheapest in stock), priced at the dearest of them.
fn confirm(
    app: &mut App,
    a: usize,
    service: &Service,
    country: &Country,
    list: &[Offer],
    ask: &EmailAsk,
) -> Vec<Effect> {
    let domain_of = |o: &Offer| {
        EmailSpec::parse(&o.id)
            .and_then(|s| s.domains.first().cloned())
            .unwrap_or_default()
    };
    let picked: Vec<&Offer> = if ask.domains.is_empty() {
        list.iter()
            .filter(|o| o.in_stock())
            .min_by_key(|o| o.price)
            .into_iter()
            .collect()
    } else {
        let mut v = Vec::new();
        for d in &ask.domains {
            match list.iter().find(|o| domain_of(o) == *d) {
                Some(o) => v.push(o),
                None => {
                    app.set_status(format!("{}: no domain {d}", ask.site), Level::Error);
                    return Vec::new();
                }
            }
        }
        v
    };
    if picked.iter().all(|o| !o.in_stock()) {
        app.set_status(
            format!("{}: no domain asked is in stock", ask.site),
            Level::Warn,
        );
        return Vec::new();
    }
    let spec = EmailSpec {
        site: ask.site.clone(),
        domains: picked.iter().map(|o| domain_of(o)).collect(),
        subject: ask.subject.clone(),
        regex: ask.regex.clone(),
        fee: picked
            .iter()
            .filter_map(|o| EmailSpec::parse(&o.id).and_then(|s| s.fee))
            .max(),
    };
    let mut label = spec
        .domains
        .iter()
        .map(|d| format!("@{d}"))
        .collect::<Vec<_>>()
        .join(" or ");
    if let Some(s) = &spec.subject {
        label.push_str(&format!(" · subject \"{s}\""));
    }
    if let Some(r) = &spec.regex {
        label.push_str(&format!(" · regex {r}"));
    }
    let offer = Offer {
        id: spec.offer_id(),
        service_id: EMAIL_SERVICE_ID.into(),
        country_id: Some(ask.site.clone()),
        label,
        price: picked.iter().map(|o| o.price).max().unwrap_or_default(),
        stock: None,
        success_rate: None,
        operators: Vec::new(),
        available: true,
    };
    app.set_status("Confirm the email buy (Esc: back)", Level::Info);
    app.confirm_buy(a, service, Some(country), &offer);
    if let Some(n) = ask.qty {
        app.set_confirm_qty(n);
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn options_run_until_the_next_key() {
        let ask = parse(&words(
            "https://OpenAI.com/ domain=gmail.com,@outlook.com subject=Your code regex=\\d{6}",
        ))
        .expect("parses");
        assert_eq!(ask.site, "openai.com");
        assert_eq!(ask.domains, vec!["gmail.com", "outlook.com"]);
        assert_eq!(ask.subject.as_deref(), Some("Your code"));
        assert_eq!(ask.regex.as_deref(), Some("\\d{6}"));
        assert!(parse(&words("openai.com colour=red")).is_err());
        assert!(parse(&words("openai.com discord.com")).is_err());
        assert!(parse(&words("subject=x")).is_err());
        assert_eq!(
            parse(&words("discord.com qty=3")).expect("qty").qty,
            Some(3)
        );
        assert!(parse(&words("discord.com qty=0")).is_err());
        assert!(parse(&words("discord.com qty=21")).is_err());
        assert!(parse(&words("discord.com qty=two")).is_err());
        assert!(!parse(&words("discord.com")).expect("bare").has_options());
    }
}

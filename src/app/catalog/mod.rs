//! The catalog tree: account → service → country → offer (account →
//! service → offer where the API has no countries; GoTopUp's services sit
//! under their groups, category → subcategory, as `Service::path` says). Children load lazily
//! and are cached for `CACHE_FOR`; the visible rows are computed from state
//! so drawing and key handling always agree.

mod filter;
pub(super) mod memo;
pub mod more_offers;

use crate::domain::{Country, Offer, Service};
use chrono::{DateTime, Duration, Utc};
pub use filter::{fuzzy, Filter};

/// How long loaded children stay fresh before expanding reloads them.
pub const CACHE_FOR: Duration = Duration::minutes(5);

#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    NotLoaded,
    Loading,
    Loaded(T, DateTime<Utc>),
    Failed(String),
}

impl<T> Load<T> {
    pub fn needs_load(&self, now: DateTime<Utc>) -> bool {
        match self {
            Load::NotLoaded | Load::Failed(_) => true,
            Load::Loading => false,
            Load::Loaded(_, at) => now - *at > CACHE_FOR,
        }
    }

    pub fn get(&self) -> Option<&T> {
        match self {
            Load::Loaded(v, _) => Some(v),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Price,
    Stock,
    Name,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Price => Sort::Stock,
            Sort::Stock => Sort::Name,
            Sort::Name => Sort::Price,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Price => "price",
            Sort::Stock => "stock",
            Sort::Name => "name",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CountryNode {
    pub country: Country,
    pub offers: Load<Vec<Offer>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceNode {
    pub service: Service,
    pub countries: Load<Vec<CountryNode>>,
    /// Offers straight under the service (APIs without countries).
    pub offers: Load<Vec<Offer>>,
}

/// Where a row points: the account's position (accounts are fixed for the
/// run) and then the API's own ids, so a reload that reorders services or
/// countries keeps the same rows expanded and selected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeId {
    Account(usize),
    /// A level of services' `path`, its parts joined by '/'.
    Group(usize, String),
    Service(usize, String),
    Country(usize, String, String),
    /// (account, service id, country id if any, offer id)
    Offer(usize, String, Option<String>, String),
    /// A "loading…" or error line under a node.
    Note(Box<NodeId>),
    /// Under a filter, the one line naming the accounts whose services are
    /// still loading (the filter cannot look in them yet).
    StillLoading,
}

/// Separates the parts of a key; ids never contain it.
const SEP: char = '\u{1f}';

/// Appends `n` in decimal.
fn push_index(k: &mut String, n: usize) {
    if n >= 10 {
        push_index(k, n / 10);
    }
    k.push(char::from(b'0' + (n % 10) as u8));
}

impl NodeId {
    /// The node's key in `App::expanded`. Built by hand, not `format!`:
    /// a filtered frame asks it of every service and country (2,000 in
    /// the benchmark), and the formatting machinery was most of the cost.
    pub fn key(&self) -> String {
        let mut k = String::with_capacity(32);
        self.push_key(&mut k);
        k
    }

    fn push_key(&self, k: &mut String) {
        let mut parts = |a: usize, rest: &[(&str, &str)]| {
            push_index(k, a);
            for (tag, part) in rest {
                k.push(SEP);
                k.push_str(tag);
                k.push_str(part);
            }
        };
        match self {
            NodeId::Account(a) => parts(*a, &[]),
            NodeId::Group(a, g) => parts(*a, &[("g", g)]),
            NodeId::Service(a, s) => parts(*a, &[("", s)]),
            NodeId::Country(a, s, c) => parts(*a, &[("", s), ("c", c)]),
            NodeId::Offer(a, s, Some(c), o) => parts(*a, &[("", s), ("c", c), ("o", o)]),
            NodeId::Offer(a, s, None, o) => parts(*a, &[("", s), ("o", o)]),
            NodeId::Note(p) => {
                p.push_key(k);
                k.push(SEP);
                k.push_str("note");
            }
            NodeId::StillLoading => k.push_str("still loading"),
        }
    }

    pub fn parent(&self) -> Option<NodeId> {
        match self {
            NodeId::Account(_) | NodeId::StillLoading => None,
            NodeId::Group(a, g) => Some(match g.rsplit_once('/') {
                Some((up, _)) => NodeId::Group(*a, up.to_string()),
                None => NodeId::Account(*a),
            }),
            // Under its group where it has one: the rows know (see
            // `parent_row`); the id alone says the account.
            NodeId::Service(a, _) => Some(NodeId::Account(*a)),
            NodeId::Country(a, s, _) => Some(NodeId::Service(*a, s.clone())),
            NodeId::Offer(a, s, Some(c), _) => Some(NodeId::Country(*a, s.clone(), c.clone())),
            NodeId::Offer(a, s, None, _) => Some(NodeId::Service(*a, s.clone())),
            NodeId::Note(p) => Some((**p).clone()),
        }
    }
}

/// The row a row sits under (the nearest one above it, less deep): a
/// service's group, an offer's country, a group's parent group.
pub fn parent_row(rows: &[Row], i: usize) -> Option<&Row> {
    let depth = rows.get(i)?.depth;
    rows[..i].iter().rev().find(|r| r.depth < depth)
}

/// Opens the groups `service` sits in, so its row shows (`:buy` walks
/// to it).
pub fn open_groups(expanded: &mut std::collections::HashSet<String>, a: usize, service: &Service) {
    for k in 0..service.path.len() {
        expanded.insert(NodeId::Group(a, service.path[..=k].join("/")).key());
    }
}

/// The service node with id `sid` under `services`.
pub fn service<'a>(services: &'a Load<Vec<ServiceNode>>, sid: &str) -> Option<&'a ServiceNode> {
    services.get()?.iter().find(|s| s.service.id == sid)
}

pub fn service_mut<'a>(
    services: &'a mut Load<Vec<ServiceNode>>,
    sid: &str,
) -> Option<&'a mut ServiceNode> {
    match services {
        Load::Loaded(list, _) => list.iter_mut().find(|s| s.service.id == sid),
        _ => None,
    }
}

impl ServiceNode {
    pub fn country(&self, cid: &str) -> Option<&CountryNode> {
        self.countries.get()?.iter().find(|c| c.country.id == cid)
    }

    pub fn country_mut(&mut self, cid: &str) -> Option<&mut CountryNode> {
        match &mut self.countries {
            Load::Loaded(list, _) => list.iter_mut().find(|c| c.country.id == cid),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowKind {
    Branch { expanded: bool },
    Offer { in_stock: bool },
    Loading,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: NodeId,
    pub depth: usize,
    pub label: String,
    /// Right-hand details (price, stock, rate).
    pub detail: String,
    pub kind: RowKind,
}

/// Offer positions in display order.
pub fn sorted_indices(list: &[Offer], sort: Sort) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..list.len()).collect();
    match sort {
        Sort::Price => idx.sort_by_key(|&i| (list[i].price, list[i].label.clone())),
        Sort::Stock => {
            idx.sort_by_key(|&i| (std::cmp::Reverse(list[i].stock.unwrap_or(0)), list[i].price))
        }
        Sort::Name => idx.sort_by_key(|&i| list[i].label.to_lowercase()),
    }
    idx
}

pub fn offer_detail(o: &Offer) -> String {
    let mut parts = vec![o.price.to_string()];
    match o.stock {
        Some(0) => parts.push("sold out".into()),
        Some(s) => parts.push(format!("stock {s}")),
        None if !o.available => parts.push("inactive".into()),
        None => {}
    }
    if let Some(r) = o.success_rate {
        parts.push(format!("{r:.0}%"));
    }
    if !o.operators.is_empty() {
        parts.push(format!("{} operators", o.operators.len()));
    }
    parts.join("  ")
}

use super::App;

/// The catalog's state: which nodes are open, the sort, further offer
/// pages, the filter's scores, and a `:buy` or `:email` waiting for a
/// level to load.
#[derive(Default)]
pub struct CatalogState {
    pub expanded: std::collections::HashSet<String>,
    /// Countries whose offers have a next page (node key → page).
    pub more_offers: std::collections::HashMap<String, u32>,
    pub sort: Sort,
    /// The filter's scores, kept between keystrokes and frames.
    pub(crate) catalog_memo: memo::CatalogMemo,
    /// A `:buy` waiting for a catalog level to load; it carries on then.
    pub pending_buy: Option<Vec<String>>,
    /// An `:email SITE` waiting for a catalog level to load.
    pub pending_email: Option<crate::app::email_walk::EmailAsk>,
}

fn push_note<T>(rows: &mut Vec<Row>, load: &Load<T>, parent: &NodeId, depth: usize) {
    match load {
        Load::Loading | Load::NotLoaded => rows.push(Row {
            id: NodeId::Note(Box::new(parent.clone())),
            depth,
            label: "loading…".into(),
            detail: String::new(),
            kind: RowKind::Loading,
        }),
        Load::Failed(e) => rows.push(Row {
            id: NodeId::Note(Box::new(parent.clone())),
            depth,
            label: format!("error: {e}"),
            detail: String::new(),
            kind: RowKind::Error,
        }),
        Load::Loaded(..) => {}
    }
}

/// Where a filter ranks a node: by its best score, its own or below it.
fn rank(own: Option<u32>, below: Option<u32>) -> Option<u32> {
    own.max(below)
}

/// The best score among loaded offers (remembered between calls).
fn best_offer(app: &App, offers: &Load<Vec<Offer>>, f: &Filter) -> Option<u32> {
    app.catalog.catalog_memo.best(offers, f)
}

#[allow(clippy::too_many_arguments)]
fn offer_rows(
    app: &App,
    rows: &mut Vec<Row>,
    offers: &Load<Vec<Offer>>,
    a: usize,
    s: &str,
    c: Option<&str>,
    depth: usize,
    parent: &NodeId,
    filter: Option<&Filter>,
    parent_matched: bool,
) {
    push_note(rows, offers, parent, depth);
    let Some(list) = offers.get() else {
        return;
    };
    let scores = filter.map(|f| app.catalog.catalog_memo.scores(offers, f));
    let mut shown: Vec<(usize, Option<u32>)> = sorted_indices(list, app.catalog.sort)
        .into_iter()
        .map(|i| (i, scores.as_ref().and_then(|s| s[i])))
        .filter(|(_, score)| filter.is_none() || parent_matched || score.is_some())
        .collect();
    if filter.is_some() {
        // Best match first; the chosen sort among equals.
        shown.sort_by_key(|(_, score)| std::cmp::Reverse(*score));
    }
    for (i, _) in shown {
        let o = &list[i];
        rows.push(Row {
            id: NodeId::Offer(a, s.to_string(), c.map(str::to_string), o.id.clone()),
            depth,
            label: o.label.clone(),
            detail: if crate::domain::bill::is_bill(s) {
                // A bill's amount comes from its inquiry; the list gives
                // only the admin fee.
                format!("admin {}", offer_detail(o))
            } else {
                offer_detail(o)
            },
            kind: RowKind::Offer {
                in_stock: o.in_stock(),
            },
        });
    }
    if let Some(c) = c {
        let country = NodeId::Country(a, s.to_string(), c.to_string());
        rows.extend(more_offers::more_row(app, &country, depth));
    }
}

/// A country under a service as the filter sees it: (its position, its
/// own score, its offers' best score).
type CountryMatch = (usize, Option<u32>, Option<u32>);

/// A service as the filter sees it: the node, its own score, its
/// countries' scores and the best score below it.
type ServiceMatch<'a> = (&'a ServiceNode, Option<u32>, Vec<CountryMatch>, Option<u32>);

fn country_matches(app: &App, sn: &ServiceNode, f: &Filter) -> Vec<CountryMatch> {
    sn.countries
        .get()
        .map(|cs| {
            cs.iter()
                .enumerate()
                .map(|(i, c)| (i, f.score(&c.country.name), best_offer(app, &c.offers, f)))
                .collect()
        })
        .unwrap_or_default()
}

/// The visible rows of the catalog, honouring the active account, what is
/// expanded, the sort and the filter. A filter keeps a row if it or an
/// ancestor or a loaded descendant matches, and ranks services, countries
/// and offers best match first; an open account whose services are still
/// loading is not listed then, one "still loading" line names them all
/// (where the first of them would be).
pub fn rows(app: &App) -> Vec<Row> {
    let filter = Filter::of(app);
    let f = filter.as_ref();
    if f.is_none() {
        app.catalog.catalog_memo.clear();
    }
    let mut rows = Vec::new();
    // Under a filter: the accounts still loading, and where their line goes.
    let mut loading: Vec<&str> = Vec::new();
    let mut loading_at = 0;
    for (a, acc) in app.accounts.iter().enumerate() {
        // A seller account has no catalog to buy from.
        if app.view.active.is_some_and(|x| x != a) || acc.info.seller {
            continue;
        }
        let aid = NodeId::Account(a);
        let a_open = app.catalog.expanded.contains(&aid.key());
        let waiting = matches!(acc.services, Load::Loading | Load::NotLoaded);
        if f.is_some() && a_open && waiting {
            if loading.is_empty() {
                loading_at = rows.len();
            }
            loading.push(&acc.info.name);
            continue;
        }
        rows.push(Row {
            id: aid.clone(),
            depth: 0,
            label: format!("{} ({})", acc.info.name, acc.info.kind.display_name()),
            detail: String::new(),
            kind: RowKind::Branch { expanded: a_open },
        });
        if !a_open {
            continue;
        }
        push_note(&mut rows, &acc.services, &aid, 1);
        let Some(services) = acc.services.get() else {
            continue;
        };
        let mut order: Vec<ServiceMatch> = services
            .iter()
            .map(|sn| match f {
                None => (sn, None, Vec::new(), None),
                Some(f) => {
                    let cs = country_matches(app, sn, f);
                    let below = cs
                        .iter()
                        .map(|(_, own, offers)| rank(*own, *offers))
                        .max()
                        .flatten()
                        .max(best_offer(app, &sn.offers, f));
                    (sn, f.score(&sn.service.name), cs, below)
                }
            })
            .filter(|(_, own, _, below)| f.is_none() || own.is_some() || below.is_some())
            .collect();
        order.sort_by_cached_key(|(sn, own, _, below)| {
            (
                std::cmp::Reverse(rank(*own, *below)),
                sn.service.name.to_lowercase(),
            )
        });
        let grouped = order.iter().any(|(sn, ..)| !sn.service.path.is_empty());
        if grouped {
            // Group by group (Prabayar first), the rank order kept within.
            order.sort_by_cached_key(|(sn, ..)| {
                let p = &sn.service.path;
                let first = p.first().map(|g| g.to_lowercase());
                (first.as_deref() != Some("prabayar"), p.clone())
            });
        }
        let mut last_path: Option<&[String]> = None;
        for (sn, own, countries_matched, below) in order {
            let path = sn.service.path.as_slice();
            let mut visible = true;
            for k in 0..path.len() {
                let gid = NodeId::Group(a, path[..=k].join("/"));
                // Under a filter every group with a match is open.
                let open = f.is_some() || app.catalog.expanded.contains(&gid.key());
                let shown = last_path.is_some_and(|l| l.len() > k && l[..=k] == path[..=k]);
                if !shown {
                    rows.push(Row {
                        id: gid,
                        depth: 1 + k,
                        label: path[k].clone(),
                        detail: String::new(),
                        kind: RowKind::Branch { expanded: open },
                    });
                }
                if !open {
                    visible = false;
                    break;
                }
            }
            last_path = Some(path);
            if visible {
                let m = (sn, own, countries_matched, below);
                service_rows(
                    app,
                    &mut rows,
                    a,
                    acc.info.caps.countries,
                    m,
                    1 + path.len(),
                    f,
                );
            }
        }
    }
    if !loading.is_empty() {
        let line = Row {
            id: NodeId::StillLoading,
            depth: 0,
            label: format!("still loading: {}", loading.join(", ")),
            detail: String::new(),
            kind: RowKind::Loading,
        };
        rows.insert(loading_at, line);
    }
    rows
}

/// The name a service shows under its group: "Telkomsel" for "Pulsa
/// Telkomsel" under Pulsa; its whole name elsewhere.
fn short_name(s: &Service) -> String {
    let Some(last) = s.path.last() else {
        return s.name.clone();
    };
    let lower = s.name.to_lowercase();
    let prefix = format!("{} ", last.to_lowercase());
    match lower.strip_prefix(&prefix) {
        Some(_) if s.name.len() > prefix.len() => s.name[prefix.len()..].to_string(),
        _ => s.name.clone(),
    }
}

/// One service's row and, when open, its countries and offers, at `depth`.
fn service_rows(
    app: &App,
    rows: &mut Vec<Row>,
    a: usize,
    has_countries: bool,
    (sn, own, countries_matched, below): ServiceMatch,
    depth: usize,
    f: Option<&Filter>,
) {
    let s_match = f.is_none() || own.is_some();
    let below_match = below.is_some();
    let sid = NodeId::Service(a, sn.service.id.clone());
    let s_open = app.catalog.expanded.contains(&sid.key()) || (below_match && !s_match);
    rows.push(Row {
        id: sid.clone(),
        depth,
        label: short_name(&sn.service),
        detail: String::new(),
        kind: RowKind::Branch { expanded: s_open },
    });
    if !s_open {
        return;
    }
    if has_countries {
        push_note(rows, &sn.countries, &sid, depth + 1);
        let Some(countries) = sn.countries.get() else {
            return;
        };
        let shown: Vec<(usize, bool)> = match f {
            None => (0..countries.len()).map(|i| (i, true)).collect(),
            Some(_) => {
                let mut m: Vec<&CountryMatch> = countries_matched
                    .iter()
                    .filter(|(_, own, offers)| s_match || own.is_some() || offers.is_some())
                    .collect();
                m.sort_by_key(|(_, own, offers)| std::cmp::Reverse(rank(*own, *offers)));
                m.into_iter()
                    .map(|(i, own, _)| (*i, s_match || own.is_some()))
                    .collect()
            }
        };
        for (i, c_match) in shown {
            let cn = &countries[i];
            let cid = NodeId::Country(a, sn.service.id.clone(), cn.country.id.clone());
            let c_open = app.catalog.expanded.contains(&cid.key());
            rows.push(Row {
                id: cid.clone(),
                depth: depth + 1,
                label: cn.country.name.clone(),
                detail: cn
                    .country
                    .stock
                    .map(|s| format!("stock {s}"))
                    .unwrap_or_default(),
                kind: RowKind::Branch { expanded: c_open },
            });
            if c_open {
                offer_rows(
                    app,
                    rows,
                    &cn.offers,
                    a,
                    &sn.service.id,
                    Some(&cn.country.id),
                    depth + 2,
                    &cid,
                    f,
                    c_match,
                );
            }
        }
    } else {
        offer_rows(
            app,
            rows,
            &sn.offers,
            a,
            &sn.service.id,
            None,
            depth + 1,
            &sid,
            f,
            s_match,
        );
    }
}

#[cfg(test)]
mod tests;

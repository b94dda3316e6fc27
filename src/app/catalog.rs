//! The catalog tree: account → service → country → offer (account →
//! service → offer where the API has no countries). Children load lazily
//! and are cached for `CACHE_FOR`; the visible rows are computed from state
//! so drawing and key handling always agree.

use crate::domain::{Country, Offer, Service};
use chrono::{DateTime, Duration, Utc};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
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
    Service(usize, String),
    Country(usize, String, String),
    /// (account, service id, country id if any, offer id)
    Offer(usize, String, Option<String>, String),
    /// A "loading…" or error line under a node.
    Note(Box<NodeId>),
}

/// Separates the parts of a key; ids never contain it.
const SEP: char = '\u{1f}';

impl NodeId {
    pub fn key(&self) -> String {
        match self {
            NodeId::Account(a) => format!("{a}"),
            NodeId::Service(a, s) => format!("{a}{SEP}{s}"),
            NodeId::Country(a, s, c) => format!("{a}{SEP}{s}{SEP}c{c}"),
            NodeId::Offer(a, s, c, o) => match c {
                Some(c) => format!("{a}{SEP}{s}{SEP}c{c}{SEP}o{o}"),
                None => format!("{a}{SEP}{s}{SEP}o{o}"),
            },
            NodeId::Note(p) => format!("{}{SEP}note", p.key()),
        }
    }

    pub fn parent(&self) -> Option<NodeId> {
        match self {
            NodeId::Account(_) => None,
            NodeId::Service(a, _) => Some(NodeId::Account(*a)),
            NodeId::Country(a, s, _) => Some(NodeId::Service(*a, s.clone())),
            NodeId::Offer(a, s, Some(c), _) => Some(NodeId::Country(*a, s.clone(), c.clone())),
            NodeId::Offer(a, s, None, _) => Some(NodeId::Service(*a, s.clone())),
            NodeId::Note(p) => Some((**p).clone()),
        }
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

/// Fuzzy match: every character of `needle` appears in order in `hay`.
pub fn fuzzy(hay: &str, needle: &str) -> bool {
    let mut it = hay.chars().flat_map(char::to_lowercase);
    needle
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .all(|n| it.any(|h| h == n))
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
    filter: &str,
    parent_matched: bool,
) {
    push_note(rows, offers, parent, depth);
    let Some(list) = offers.get() else {
        return;
    };
    for i in sorted_indices(list, app.sort) {
        let o = &list[i];
        if !parent_matched && !filter.is_empty() && !fuzzy(&o.label, filter) {
            continue;
        }
        rows.push(Row {
            id: NodeId::Offer(a, s.to_string(), c.map(str::to_string), o.id.clone()),
            depth,
            label: o.label.clone(),
            detail: offer_detail(o),
            kind: RowKind::Offer {
                in_stock: o.in_stock(),
            },
        });
    }
}

/// The visible rows of the catalog, honouring the active account, what is
/// expanded, the sort and the filter. A filter keeps a row if it or an
/// ancestor or a loaded descendant matches.
pub fn rows(app: &App) -> Vec<Row> {
    let filter = app.filter.value().trim().to_string();
    let mut rows = Vec::new();
    for (a, acc) in app.accounts.iter().enumerate() {
        if app.active.is_some_and(|x| x != a) {
            continue;
        }
        let aid = NodeId::Account(a);
        let a_open = app.expanded.contains(&aid.key());
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
        let mut order: Vec<usize> = (0..services.len()).collect();
        order.sort_by_key(|i| services[*i].service.name.to_lowercase());
        for sn in order.into_iter().map(|i| &services[i]) {
            let s_match = filter.is_empty() || fuzzy(&sn.service.name, &filter);
            let below_match = !filter.is_empty() && subtree_matches(sn, &filter);
            if !s_match && !below_match {
                continue;
            }
            let sid = NodeId::Service(a, sn.service.id.clone());
            let s_open = app.expanded.contains(&sid.key()) || (below_match && !s_match);
            rows.push(Row {
                id: sid.clone(),
                depth: 1,
                label: sn.service.name.clone(),
                detail: String::new(),
                kind: RowKind::Branch { expanded: s_open },
            });
            if !s_open {
                continue;
            }
            if acc.info.caps.countries {
                push_note(&mut rows, &sn.countries, &sid, 2);
                let Some(countries) = sn.countries.get() else {
                    continue;
                };
                for cn in countries {
                    let c_match = s_match || fuzzy(&cn.country.name, &filter);
                    let offers_match = cn
                        .offers
                        .get()
                        .is_some_and(|l| l.iter().any(|o| fuzzy(&o.label, &filter)));
                    if !c_match && !offers_match {
                        continue;
                    }
                    let cid = NodeId::Country(a, sn.service.id.clone(), cn.country.id.clone());
                    let c_open = app.expanded.contains(&cid.key());
                    rows.push(Row {
                        id: cid.clone(),
                        depth: 2,
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
                            &mut rows,
                            &cn.offers,
                            a,
                            &sn.service.id,
                            Some(&cn.country.id),
                            3,
                            &cid,
                            &filter,
                            c_match,
                        );
                    }
                }
            } else {
                offer_rows(
                    app,
                    &mut rows,
                    &sn.offers,
                    a,
                    &sn.service.id,
                    None,
                    2,
                    &sid,
                    &filter,
                    s_match,
                );
            }
        }
    }
    rows
}

fn subtree_matches(s: &ServiceNode, filter: &str) -> bool {
    let offers = |l: &Load<Vec<Offer>>| {
        l.get()
            .is_some_and(|l| l.iter().any(|o| fuzzy(&o.label, filter)))
    };
    offers(&s.offers)
        || s.countries.get().is_some_and(|cs| {
            cs.iter()
                .any(|c| fuzzy(&c.country.name, filter) || offers(&c.offers))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matches_in_order() {
        assert!(fuzzy("WhatsApp", "wa"));
        assert!(fuzzy("WhatsApp", "wtsp"));
        assert!(!fuzzy("Telegram", "wa"));
        assert!(fuzzy("anything", ""));
    }

    #[test]
    fn keys_come_from_ids_not_positions() {
        let a = NodeId::Offer(0, "wa".into(), Some("6".into()), "6:1".into());
        let b = NodeId::Offer(0, "wa".into(), None, "6:1".into());
        assert_ne!(a.key(), b.key());
        assert_eq!(
            a.parent(),
            Some(NodeId::Country(0, "wa".into(), "6".into()))
        );
        assert_eq!(
            NodeId::Service(1, "tg".into()).key(),
            NodeId::Service(1, "tg".into()).key()
        );
    }

    #[test]
    fn stale_caches_reload() {
        let now = Utc::now();
        let l: Load<()> = Load::Loaded((), now - Duration::minutes(6));
        assert!(l.needs_load(now));
        assert!(!Load::Loaded((), now).needs_load(now));
        assert!(!Load::<()>::Loading.needs_load(now));
    }
}

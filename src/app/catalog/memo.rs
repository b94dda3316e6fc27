//! The catalog filter's memory: each loaded offer list's scores under the
//! filter, kept between keystrokes, frames and `update`, so a keystroke
//! scores each offer at most once and typing on scores only the offers
//! the shorter filter matched (a longer filter's matches are a subset, as
//! nucleo itself assumes). Backspace finds the shorter filter's scores
//! still on the list's stack.
//!
//! A list is known by where its offers live, how many there are and when
//! it was loaded: every load replaces the whole `Load`, so a reload is a
//! new list (the catalog never edits offers in place).

use super::filter::Filter;
use super::Load;
use crate::domain::Offer;
use chrono::{DateTime, Utc};
use nucleo_matcher::{Utf32Str, Utf32String};
use std::cell::RefCell;
use std::collections::HashMap;

/// SipHash, std's default, was a tenth of a filtered frame's memo
/// lookups; foldhash is several times quicker and still seeded per process
/// (labels come from providers).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// How many filter changes an unseen list survives (another account's
/// lists while one account is shown stay warm; reloaded lists go).
const KEEP_UNSEEN: u64 = 64;

#[derive(Default)]
pub struct CatalogMemo {
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The filter text the memo last answered for.
    text: String,
    /// Bumped whenever the filter text changes.
    generation: u64,
    labels: Labels,
    /// Scores of every known label under a chain of filters, each
    /// extending the one before; the last is the current filter's.
    levels: Vec<Level>,
    /// By the address of the list's first offer.
    lists: Map<usize, List>,
}

/// Each distinct offer label once: catalogs repeat labels ("Server 1")
/// across countries, and a label's score depends on nothing else.
#[derive(Default)]
struct Labels {
    index: Map<Box<str>, u32>,
    /// The label as typed, for a filter that is not plain ASCII.
    text: Vec<Box<str>>,
    /// The label as the matcher reads it, converted once: ASCII where the
    /// only non-ASCII chars are symbols (`·`), which nucleo's faster ASCII
    /// path then handles with the same scores (see `matcher_form`).
    hay: Vec<Utf32String>,
    /// That ASCII form in lower case (empty when the form is not ASCII),
    /// for `Filter::may_match_lower`.
    lower: Vec<Box<[u8]>>,
}

struct Level {
    filter: Filter,
    /// (label, rank) of the labels that match, by label.
    hits: Vec<(u32, u32)>,
    /// The rank of each label (`Filter::rank_hay`; None: no match): what
    /// closed branches are ranked by.
    score: Vec<Option<u32>>,
    /// The exact score (`Filter::score_hay`) of the labels of lists that
    /// were shown, asked for only then.
    exact: Map<u32, u32>,
}

struct List {
    len: usize,
    at: DateTime<Utc>,
    seen: u64,
    /// Each offer's label.
    ids: Vec<u32>,
    /// The best score under the filter of that generation.
    best: Option<(u64, Option<u32>)>,
}

/// Whether every match of `longer` also matches `shorter`. True when
/// `longer` only appends to `shorter` and neither uses syntax whose
/// meaning can widen as it grows (`!` negation, `$` anchors, `\` escapes).
fn narrows(shorter: &str, longer: &str) -> bool {
    let plain = |s: &str| !s.contains(['!', '$', '\\']);
    longer.starts_with(shorter) && plain(longer)
}

/// A symbol nucleo treats as a plain non-word char: no letter, digit or
/// space, and nothing normalisation or case folding would change.
fn plain_symbol(c: char) -> bool {
    !c.is_ascii()
        && !c.is_alphanumeric()
        && !c.is_whitespace()
        && !c.is_lowercase()
        && !c.is_uppercase()
        && nucleo_matcher::chars::normalize(c) == c
}

/// `label` as the matcher reads it. Plain symbols become `\x01`, which
/// nucleo classes the same way (non-word) and no ASCII filter can match,
/// so an ASCII filter scores it exactly as the original; the positions
/// (one per grapheme) stay the same.
pub(super) fn matcher_form(label: &str) -> Utf32String {
    let hay = Utf32String::from(label);
    if let Utf32String::Unicode(chars) = &hay {
        if chars.iter().all(|&c| c.is_ascii() || plain_symbol(c)) {
            let ascii: String = chars
                .iter()
                .map(|&c| if c.is_ascii() { c } else { '\x01' })
                .collect();
            return Utf32String::from(ascii);
        }
    }
    hay
}

impl Labels {
    fn id(&mut self, label: &str) -> u32 {
        if let Some(&i) = self.index.get(label) {
            return i;
        }
        let i = self.text.len() as u32;
        self.index.insert(label.into(), i);
        self.text.push(label.into());
        let hay = matcher_form(label);
        self.lower.push(match &hay {
            Utf32String::Ascii(a) => a.to_ascii_lowercase().into_bytes().into(),
            Utf32String::Unicode(_) => Box::default(),
        });
        self.hay.push(hay);
        i
    }

    /// The quick rank of label `i` (whether it matches, and roughly how
    /// well), or with `exact` nucleo's optimal score.
    fn score(&self, i: u32, f: &Filter) -> Option<u32> {
        let lower = &self.lower[i as usize];
        if f.is_ascii() && !lower.is_empty() && !f.may_match_lower(lower) {
            return None;
        }
        self.with_hay(i, f, |h| f.rank_hay(h))
    }

    fn exact(&self, i: u32, f: &Filter) -> Option<u32> {
        self.with_hay(i, f, |h| f.score_hay(h))
    }

    fn with_hay(
        &self,
        i: u32,
        f: &Filter,
        run: impl Fn(Utf32Str<'_>) -> Option<u32>,
    ) -> Option<u32> {
        if f.is_ascii() {
            run(self.hay[i as usize].slice(..))
        } else {
            let mut buf = Vec::new();
            run(Utf32Str::new(&self.text[i as usize], &mut buf))
        }
    }
}

impl CatalogMemo {
    /// Forgets every score (the filter was cleared).
    pub fn clear(&self) {
        let mut inner = self.inner.borrow_mut();
        if !inner.lists.is_empty() || !inner.text.is_empty() {
            *inner = Inner::default();
        }
    }

    /// The best score among the loaded offers of `offers`, None if none match.
    pub fn best(&self, offers: &Load<Vec<Offer>>, f: &Filter) -> Option<u32> {
        let Load::Loaded(list, at) = offers else {
            return None;
        };
        let mut inner = self.inner.borrow_mut();
        let inner = &mut *inner;
        let key = inner.list(list, *at, f);
        inner.ensure_level(f);
        let level = inner.levels.last().expect("ensured");
        let entry = inner
            .lists
            .get_mut(&key)
            .expect("the list was just entered");
        match entry.best {
            Some((g, best)) if g == inner.generation => best,
            _ => {
                let best = entry
                    .ids
                    .iter()
                    .filter_map(|&i| level.score[i as usize])
                    .max();
                entry.best = Some((inner.generation, best));
                best
            }
        }
    }

    /// Each offer's exact score, by position in `list` (None: no match):
    /// the order of a list on screen.
    pub fn scores(&self, offers: &Load<Vec<Offer>>, f: &Filter) -> Vec<Option<u32>> {
        let Load::Loaded(list, at) = offers else {
            return Vec::new();
        };
        let mut inner = self.inner.borrow_mut();
        let inner = &mut *inner;
        let key = inner.list(list, *at, f);
        inner.ensure_level(f);
        let (Some(level), Some(entry)) = (inner.levels.last_mut(), inner.lists.get(&key)) else {
            return Vec::new();
        };
        let labels = &inner.labels;
        entry
            .ids
            .iter()
            .map(|&i| {
                level.score[i as usize]?;
                if let Some(&s) = level.exact.get(&i) {
                    return Some(s);
                }
                // Matched by the rank, so by the exact score too.
                let s = labels.exact(i, &level.filter)?;
                level.exact.insert(i, s);
                Some(s)
            })
            .collect()
    }
}

impl Inner {
    /// Enters `list` (a new or reloaded one gets its labels) and returns
    /// its key; a new filter text starts a new generation.
    fn list(&mut self, list: &[Offer], at: DateTime<Utc>, f: &Filter) -> usize {
        if self.text != f.text() {
            self.text.clear();
            self.text.push_str(f.text());
            self.generation += 1;
            let g = self.generation;
            self.lists.retain(|_, l| g - l.seen <= KEEP_UNSEEN);
        }
        let key = list.as_ptr() as usize;
        let fresh = self
            .lists
            .get(&key)
            .is_none_or(|l| l.len != list.len() || l.at != at);
        if fresh {
            let known = self.labels.text.len();
            let ids = list.iter().map(|o| self.labels.id(&o.label)).collect();
            self.score_new_labels(known);
            self.lists.insert(
                key,
                List {
                    len: list.len(),
                    at,
                    seen: 0,
                    ids,
                    best: None,
                },
            );
        }
        let entry = self.lists.get_mut(&key).expect("just entered");
        entry.seen = self.generation;
        key
    }

    /// Scores the labels from `known` on under every level, each level
    /// only those the level before it matched.
    fn score_new_labels(&mut self, known: usize) {
        let n = self.labels.text.len();
        let labels = &self.labels;
        let mut prev: Option<&Level> = None;
        for level in self.levels.iter_mut() {
            let ids: Vec<u32> = (known as u32..n as u32)
                .filter(|&i| prev.is_none_or(|p| p.score[i as usize].is_some()))
                .collect();
            let hits = score_all(labels, &level.filter, &ids);
            level.score.resize(n, None);
            for &(i, s) in &hits {
                level.score[i as usize] = Some(s);
            }
            level.hits.extend(hits);
            prev = Some(level);
        }
    }

    /// Makes the last level `f`'s, scored from the closest shorter
    /// filter's matches.
    fn ensure_level(&mut self, f: &Filter) {
        let text = f.text();
        // Drop the levels this filter does not extend (backspace, an edit).
        while let Some(top) = self.levels.last() {
            let top = top.filter.text();
            if top == text || narrows(top, text) {
                break;
            }
            self.levels.pop();
        }
        if self
            .levels
            .last()
            .is_none_or(|top| top.filter.text() != text)
        {
            let n = self.labels.text.len();
            let labels = &self.labels;
            let ids: Vec<u32> = match self.levels.last() {
                Some(top) => top.hits.iter().map(|&(i, _)| i).collect(),
                None => (0..n as u32).collect(),
            };
            let hits = score_all(labels, f, &ids);
            let mut score = vec![None; n];
            for &(i, s) in &hits {
                score[i as usize] = Some(s);
            }
            self.levels.push(Level {
                filter: Filter::new(text).expect("a filter that is not empty"),
                hits,
                score,
                exact: Map::default(),
            });
        }
    }
}

/// Labels to score from which a keystroke splits the work over the
/// machine's cores: below it a thread costs more than it saves.
const PARALLEL_FROM: usize = 4096;

/// The cores to score on (asked once: the answer reads cgroup files).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
}

/// (label, rank) of the `ids` that `f` matches, in the order of `ids`. A
/// long list is split over the cores, each part with its own matcher
/// (a filter's matcher is not shared between threads): on the 2-core
/// machine typing over 100,000 offers rescored 34,000 labels on one core.
fn score_all(labels: &Labels, f: &Filter, ids: &[u32]) -> Vec<(u32, u32)> {
    let score = |f: &Filter, part: &[u32]| -> Vec<(u32, u32)> {
        part.iter()
            .filter_map(|&i| Some((i, labels.score(i, f)?)))
            .collect()
    };
    let threads = cores();
    if ids.len() < PARALLEL_FROM || threads < 2 {
        return score(f, ids);
    }
    let mut parts = ids.chunks(ids.len().div_ceil(threads));
    let first = parts.next().unwrap_or_default();
    std::thread::scope(|s| {
        let others: Vec<_> = parts
            .map(|part| {
                let text = f.text();
                let job = move || Filter::new(text).map(|f| score(&f, part));
                // No thread to be had (a process at its limit): this
                // thread scores the part itself.
                std::thread::Builder::new()
                    .spawn_scoped(s, job)
                    .map_err(|_| part)
            })
            .collect();
        let mut hits = score(f, first);
        for h in others {
            match h.map(|h| h.join()) {
                Ok(Ok(Some(more))) => hits.extend(more),
                // Cannot be: the same text parsed to `f`.
                Ok(Ok(None)) => {}
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Err(part) => hits.extend(score(f, part)),
            }
        }
        hits
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(label: &str) -> Offer {
        Offer {
            id: label.into(),
            service_id: "s".into(),
            country_id: None,
            label: label.into(),
            price: crate::money::Rupiah(1000),
            stock: Some(1),
            success_rate: None,
            operators: Vec::new(),
            available: true,
        }
    }

    fn fresh(labels: &[&str], text: &str) -> Vec<Option<u32>> {
        let f = Filter::new(text).expect("a filter");
        labels.iter().map(|l| f.score(l)).collect()
    }

    /// Typing on, erasing and editing give the scores a fresh filter gives.
    #[test]
    fn remembered_scores_equal_fresh_ones() {
        let labels = [
            "Server 1 · route 7",
            "Server 17 · route 2",
            "Telegram",
            "serv!ce",
            "Sérvice 7$",
            "Server 1 · route 7",
            "Route • 7 — ★ x",
        ];
        let load = Load::Loaded(labels.iter().map(|l| offer(l)).collect(), Utc::now());
        let memo = CatalogMemo::default();
        for text in [
            "s", "se", "serv", "serv7", "serv", "serv 1", "serv 17", "serv", "t", "te", "s!",
            "s!c", "s", "7$", "7", "7$", "é", "·", "r7", "r 7", "",
        ] {
            let Some(f) = Filter::new(text) else {
                memo.clear();
                continue;
            };
            assert_eq!(memo.scores(&load, &f), fresh(&labels, text), "{text:?}");
            let ranks: Vec<Option<u32>> = labels.iter().map(|l| f.rank(l)).collect();
            let best = ranks.iter().flatten().max().copied();
            assert_eq!(memo.best(&load, &f), best, "{text:?}");
            // The quick rank matches exactly what the exact score matches.
            let matched = |v: &[Option<u32>]| v.iter().map(Option::is_some).collect::<Vec<_>>();
            assert_eq!(matched(&ranks), matched(&fresh(&labels, text)), "{text:?}");
        }
    }

    /// A list long enough to be scored on several threads gives the
    /// scores, in the same order, that one thread gives.
    #[test]
    fn scoring_split_over_threads_equals_scoring_on_one() {
        let labels: Vec<String> = (0..3 * PARALLEL_FROM)
            .map(|i| format!("Server {} · route {}", i % 97, i * 7919 % 997))
            .collect();
        let load = Load::Loaded(labels.iter().map(|l| offer(l)).collect(), Utc::now());
        let memo = CatalogMemo::default();
        for text in ["s", "se", "serv", "serv7", "serv 71", "serv", "r9"] {
            let f = Filter::new(text).expect("a filter");
            let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
            assert_eq!(memo.scores(&load, &f), fresh(&refs, text), "{text:?}");
            let best = labels.iter().filter_map(|l| f.rank(l)).max();
            assert_eq!(memo.best(&load, &f), best, "{text:?}");
        }
    }

    /// A reloaded list is scored afresh, not read from the old one's memory.
    #[test]
    fn a_reload_is_a_new_list() {
        let memo = CatalogMemo::default();
        let f = Filter::new("tele").expect("a filter");
        let t = Utc::now();
        let a = Load::Loaded(vec![offer("WhatsApp")], t);
        assert_eq!(memo.best(&a, &f), None);
        let b = Load::Loaded(vec![offer("Telegram")], t + chrono::Duration::seconds(1));
        assert!(memo.best(&b, &f).is_some());
    }

    /// A list loaded while a filter is typed is scored under every
    /// remembered filter, as if it had been there from the start.
    #[test]
    fn a_list_loaded_mid_filter_scores_like_a_fresh_one() {
        let t = Utc::now();
        let first = ["Server 1 · route 7", "Telegram"];
        let later = ["Server 9 · route 1", "Server 1 · route 7", "serve 77"];
        let a = Load::Loaded(first.iter().map(|l| offer(l)).collect(), t);
        let b = Load::Loaded(later.iter().map(|l| offer(l)).collect(), t);
        let memo = CatalogMemo::default();
        let f = |t: &str| Filter::new(t).expect("a filter");
        memo.best(&a, &f("se"));
        memo.best(&a, &f("serv"));
        memo.best(&a, &f("serv7"));
        assert_eq!(memo.scores(&b, &f("serv7")), fresh(&later, "serv7"));
        assert_eq!(memo.scores(&b, &f("serv")), fresh(&later, "serv"));
        assert_eq!(memo.scores(&b, &f("se")), fresh(&later, "se"));
        assert_eq!(memo.scores(&a, &f("se")), fresh(&first, "se"));
    }

    #[test]
    fn only_plain_appends_narrow() {
        assert!(narrows("serv", "serv7"));
        assert!(narrows("serv", "serv 7"));
        assert!(!narrows("serv7", "serv"));
        assert!(!narrows("!ab", "!abc"));
        assert!(!narrows("ab$", "ab$c"));
        assert!(!narrows("ab\\", "ab\\ c"));
    }
}

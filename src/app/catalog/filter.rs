//! The catalog filter: what a typed filter matches, how well, and which
//! characters to highlight. The tree (`catalog`) ranks its rows with it;
//! `memo` keeps its scores between keystrokes.

use super::memo::matcher_form;
use crate::app::App;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;

/// The catalog filter: nucleo's fuzzy matcher (the one helix uses),
/// case-insensitive, words matched separately. It scores a match (better
/// matches rank first) and gives the matched characters for highlighting.
pub struct Filter {
    text: String,
    ascii: bool,
    needles: Vec<Vec<u8>>,
    pattern: Pattern,
    matcher: RefCell<Matcher>,
    buf: RefCell<Vec<char>>,
}

impl Filter {
    /// None for an empty (or all-blank) filter: everything shows, unranked.
    pub fn new(text: &str) -> Option<Filter> {
        let pattern = Pattern::parse(text, CaseMatching::Ignore, Normalization::Smart);
        if pattern.atoms.is_empty() {
            return None;
        }
        // The lower-case letters of each plain ASCII fuzzy atom, for
        // `may_match_lower`.
        let needles = pattern
            .atoms
            .iter()
            .filter(|a| a.kind == AtomKind::Fuzzy && !a.negative)
            .filter_map(|a| match a.needle_text() {
                Utf32Str::Ascii(n) => Some(n.to_ascii_lowercase()),
                Utf32Str::Unicode(_) => None,
            })
            .collect();
        Some(Filter {
            text: text.to_string(),
            ascii: text.is_ascii(),
            needles,
            pattern,
            matcher: RefCell::new(Matcher::new(Config::DEFAULT)),
            buf: RefCell::new(Vec::new()),
        })
    }

    /// The filter of the app's filter line.
    pub fn of(app: &App) -> Option<Filter> {
        Filter::new(app.view.filter.value())
    }

    /// The text the filter was made from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How well `hay` matches (higher is better), None if it does not.
    pub fn score(&self, hay: &str) -> Option<u32> {
        self.on_hay(hay, |h| self.score_hay(h))
    }

    /// False when `lower` (a label in lower-case ASCII) cannot match: a
    /// letter of a fuzzy atom is missing from it in order. Most labels
    /// fail here in a few nanoseconds, where nucleo's SIMD prefilter
    /// would set up a search per letter. True says nothing.
    pub fn may_match_lower(&self, lower: &[u8]) -> bool {
        for needle in &self.needles {
            let mut rest = lower;
            for c in needle {
                match rest.iter().position(|b| b == c) {
                    Some(p) => rest = &rest[p + 1..],
                    None => return false,
                }
            }
        }
        true
    }

    /// Whether the filter's text is ASCII (asked once per label scored).
    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// `rank_hay` of a plain label.
    pub fn rank(&self, hay: &str) -> Option<u32> {
        self.on_hay(hay, |h| self.rank_hay(h))
    }

    fn on_hay(&self, hay: &str, run: impl Fn(Utf32Str<'_>) -> Option<u32>) -> Option<u32> {
        if self.ascii_form(hay) {
            return run(matcher_form(hay).slice(..));
        }
        let mut buf = self.buf.borrow_mut();
        run(Utf32Str::new(hay, &mut buf))
    }

    /// Whether `hay` is matched in its ASCII form (see `matcher_form`):
    /// nucleo's ASCII path places one-char filters better, and the memo
    /// scores that form, so scores and highlights agree everywhere.
    fn ascii_form(&self, hay: &str) -> bool {
        self.ascii && !hay.is_ascii()
    }

    /// `score` of a label already in the matcher's form.
    pub fn score_hay(&self, hay: Utf32Str<'_>) -> Option<u32> {
        self.pattern.score(hay, &mut self.matcher.borrow_mut())
    }

    /// A quicker score of a label in the matcher's form, for what is not
    /// on screen (whether a branch holds a match, and its rank among its
    /// siblings): nucleo's greedy match, O(n) instead of the optimal one's
    /// matrix. It matches exactly what `score_hay` matches and on catalog
    /// labels mostly scores the same (all 50,000 of the benchmark's); the
    /// offers shown are ordered by `score_hay`.
    pub fn rank_hay(&self, hay: Utf32Str<'_>) -> Option<u32> {
        let mut m = self.matcher.borrow_mut();
        let mut total = 0u32;
        for atom in &self.pattern.atoms {
            let s = if atom.kind == AtomKind::Fuzzy && !atom.negative {
                // Sets the case and normalisation the atom asks for; an
                // empty haystack is refused before any matching work.
                let _ = atom.score(Utf32Str::Ascii(&[]), &mut m);
                m.fuzzy_match_greedy(hay, atom.needle_text())
            } else {
                atom.score(hay, &mut m)
            };
            total += u32::from(s?);
        }
        Some(total)
    }

    /// The positions (in chars) of `hay` that the filter matched, sorted.
    pub fn indices(&self, hay: &str) -> Vec<u32> {
        let mut buf = self.buf.borrow_mut();
        let mut out = Vec::new();
        let form;
        let hay = if self.ascii_form(hay) {
            form = matcher_form(hay);
            form.slice(..)
        } else {
            Utf32Str::new(hay, &mut buf)
        };
        self.pattern
            .indices(hay, &mut self.matcher.borrow_mut(), &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Fuzzy match of one string, as the catalog filter matches.
pub fn fuzzy(hay: &str, needle: &str) -> bool {
    Filter::new(needle).is_none_or(|f| f.score(hay).is_some())
}

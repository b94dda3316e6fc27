//! Tables whose columns are as wide as what they hold, measured in display
//! width (a CJK name or an emoji takes two columns, a combining mark none),
//! for the dashboard and the CLI alike.
//!
//! A value (a code, a token, a number, an address, an amount, an id) is
//! never cut: where a row is too wide for the room, free text (a name, a
//! note) gives way first, down to a few columns with an ellipsis; then the
//! columns that may leave go to a detail line under the row
//! (`ref_id 4f0c…  sn 1234…`); a line still too wide is wrapped. The CLI
//! lays out with no limit, so nothing gives way there.
//!
//! Cells are made visible (`text::visible`) before they are measured: a
//! control character in a provider's text is shown as a picture and a
//! bidi mark dropped, so what is measured is what is drawn.

use super::text::visible;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `s` takes on a terminal.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Free text in `w` columns, cut with an ellipsis where it is wider. Never
/// for a value: a cut value reads as another value.
pub fn ellipsis(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w - 1 {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` in lines of at most `w` columns, broken between any two characters:
/// for a value longer than any line, which is wrapped, never cut.
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(2);
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w && used > 0 {
            lines.push(String::new());
            used = 0;
        }
        used += cw;
        lines.last_mut().expect("a line").push(c);
    }
    lines
}

/// Text in lines of at most `w` columns, broken at spaces; a word longer
/// than a line (an address, a token) is broken inside, never cut. The
/// line count is exact, so a box can be as tall as its text.
pub fn wrap_words(s: &str, w: usize) -> Vec<String> {
    let w = w.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let sep = usize::from(!line.is_empty());
        if !line.is_empty() && width(&line) + sep + width(word) > w {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        if width(&line) > w {
            let mut parts = wrap(&line, w);
            line = parts.pop().unwrap_or_default();
            lines.extend(parts);
        }
    }
    lines.push(line);
    lines
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// `s` padded with spaces to `w` columns.
pub fn pad(s: &str, w: usize, align: Align) -> String {
    let fill = " ".repeat(w.saturating_sub(width(s)));
    match align {
        Align::Left => format!("{s}{fill}"),
        Align::Right => format!("{fill}{s}"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    pub align: Align,
    /// Free text: may be cut with an ellipsis down to this many columns.
    /// None: a value, never cut.
    pub shrinks_to: Option<usize>,
    /// Where the row is too wide, the column moves to the detail line
    /// under it; the lowest rank moves first. None: it stays.
    pub leaves: Option<u8>,
}

impl Column {
    /// A value: never cut.
    pub fn value(title: &str) -> Column {
        Column {
            title: title.to_string(),
            align: Align::Left,
            shrinks_to: None,
            leaves: None,
        }
    }

    /// Free text (a name, a note): cut with an ellipsis down to `min`
    /// columns before any value moves.
    pub fn text(title: &str, min: usize) -> Column {
        Column {
            shrinks_to: Some(min.max(2)),
            ..Column::value(title)
        }
    }

    /// Aligned right (amounts, counts).
    pub fn right(self) -> Column {
        Column {
            align: Align::Right,
            ..self
        }
    }

    /// May move to the detail line where the row is too wide; rank 1
    /// moves before rank 2.
    pub fn leaves(self, rank: u8) -> Column {
        Column {
            leaves: Some(rank),
            ..self
        }
    }
}

/// Columns and rows of cells, each made visible.
#[derive(Debug, Clone)]
pub struct Table {
    cols: Vec<Column>,
    rows: Vec<Vec<String>>,
    gap: usize,
}

impl Table {
    /// One space between columns.
    pub fn new(cols: Vec<Column>) -> Table {
        Table {
            cols,
            rows: Vec::new(),
            gap: 1,
        }
    }

    /// `n` spaces between columns.
    pub fn gap(self, n: usize) -> Table {
        Table { gap: n, ..self }
    }

    /// A row; missing cells are empty, extra cells are dropped.
    pub fn push<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut row: Vec<String> = cells
            .into_iter()
            .map(|c| visible(c.as_ref()).into_owned())
            .collect();
        row.resize(self.cols.len(), String::new());
        self.rows.push(row);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn natural(&self) -> Vec<usize> {
        self.cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                self.rows
                    .iter()
                    .map(|r| width(&r[i]))
                    .chain([width(&c.title)])
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// The table laid out in `room` columns (`usize::MAX`: no limit).
    pub fn fit(&self, room: usize) -> Fitted<'_> {
        let natural = self.natural();
        let mut inline = vec![true; self.cols.len()];
        loop {
            let mut widths = natural.clone();
            let used = |widths: &[usize], inline: &[bool]| {
                let n = inline.iter().filter(|x| **x).count();
                widths
                    .iter()
                    .zip(inline)
                    .filter(|(_, i)| **i)
                    .map(|(w, _)| *w)
                    .sum::<usize>()
                    + self.gap * n.saturating_sub(1)
            };
            let mut over = used(&widths, &inline).saturating_sub(room);
            // Free text gives way first, the widest cell first.
            while over > 0 {
                let widest = (0..self.cols.len())
                    .filter(|i| inline[*i])
                    .filter_map(|i| self.cols[i].shrinks_to.map(|m| (i, m)))
                    .filter(|(i, m)| widths[*i] > *m)
                    .max_by_key(|(i, _)| (widths[*i], *i));
                let Some((i, _)) = widest else { break };
                widths[i] -= 1;
                over -= 1;
            }
            // Then a column that may leave goes to the detail line.
            let leaving = (0..self.cols.len())
                .filter(|i| inline[*i])
                .filter_map(|i| self.cols[i].leaves.map(|r| (r, std::cmp::Reverse(i))))
                .min();
            match leaving {
                Some((_, std::cmp::Reverse(i))) if over > 0 => inline[i] = false,
                _ => {
                    return Fitted {
                        table: self,
                        widths,
                        inline,
                        room,
                    }
                }
            }
        }
    }
}

/// A table laid out: the width of each column and which stay on the row.
#[derive(Debug)]
pub struct Fitted<'a> {
    table: &'a Table,
    widths: Vec<usize>,
    inline: Vec<bool>,
    room: usize,
}

impl Fitted<'_> {
    /// The width of each column (0 for one on the detail line).
    pub fn widths(&self) -> Vec<usize> {
        self.widths
            .iter()
            .zip(&self.inline)
            .map(|(w, i)| if *i { *w } else { 0 })
            .collect()
    }

    /// The columns a row takes (before any wrap): the table's width.
    pub fn total(&self) -> usize {
        let shown = self.inline.iter().filter(|i| **i).count();
        self.widths().iter().sum::<usize>() + self.table.gap * shown.saturating_sub(1)
    }

    /// Whether column `i` is on the row (not on the detail line).
    pub fn inline(&self, i: usize) -> bool {
        self.inline[i]
    }

    fn line(&self, cells: &[String]) -> String {
        let gap = " ".repeat(self.table.gap);
        let shown: Vec<String> = (0..cells.len())
            .filter(|i| self.inline[*i])
            .map(|i| {
                let c = &self.table.cols[i];
                let w = self.widths[i];
                let s = match c.shrinks_to {
                    Some(_) => ellipsis(&cells[i], w),
                    None => cells[i].clone(),
                };
                pad(&s, w, c.align)
            })
            .collect();
        shown.join(&gap).trim_end().to_string()
    }

    /// The titles of the columns on the row, as wide as their cells.
    pub fn header(&self) -> String {
        let titles: Vec<String> = self.table.cols.iter().map(|c| c.title.clone()).collect();
        let line = self.line(&titles);
        if width(&line) > self.room {
            ellipsis(&line, self.room)
        } else {
            line
        }
    }

    /// Row `i`'s lines: the row (wrapped where even it is too wide), then
    /// the columns that left it, as `title value` pairs, wrapped too.
    pub fn row(&self, i: usize) -> Vec<String> {
        let cells = &self.table.rows[i];
        let main = self.line(cells);
        let mut out = if width(&main) > self.room {
            wrap(&main, self.room)
        } else {
            vec![main]
        };
        let indent = "  ";
        let inner = self.room.saturating_sub(indent.len()).max(2);
        let mut detail: Option<String> = None;
        for (j, c) in self.table.cols.iter().enumerate() {
            if self.inline[j] || cells[j].is_empty() {
                continue;
            }
            let item = format!("{} {}", c.title, cells[j]);
            detail = Some(match detail {
                Some(d) if width(&d) + 2 + width(&item) <= inner => format!("{d}  {item}"),
                Some(d) => {
                    out.push(format!("{indent}{d}"));
                    item
                }
                None => item,
            });
            if detail.as_deref().is_some_and(|d| width(d) > inner) {
                // The title on a line of its own, then the value, wrapped
                // only where it is longer than a line.
                out.push(format!("{indent}{}", c.title));
                let mut parts = wrap(&cells[j], inner);
                detail = parts.pop();
                out.extend(parts.into_iter().map(|p| format!("{indent}{p}")));
            }
        }
        if let Some(d) = detail {
            out.push(format!("{indent}{d}"));
        }
        out
    }

    /// Every row's lines, under the header: the CLI's table.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.header()];
        for i in 0..self.table.rows.len() {
            out.extend(self.row(i));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(vec![
            Column::value("id"),
            Column::text("name", 4),
            Column::value("amount").right(),
            Column::value("ref_id").leaves(1),
        ]);
        t.push(["#1", "Pulsa Telkomsel 5.000", "Rp 5.600", "REF-0001"]);
        t.push([
            "#22",
            "PLN",
            "Rp 1.000.000.000.199",
            "otpdeck-2026-11-23-0f3a9c",
        ]);
        t
    }

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let t = table();
        let f = t.fit(usize::MAX);
        assert_eq!(f.widths(), vec![3, 21, 20, 25]);
        assert_eq!(f.total(), 72);
        let lines = f.lines();
        assert_eq!(
            lines[0],
            "id  name                                amount ref_id"
        );
        assert_eq!(
            lines[1],
            "#1  Pulsa Telkomsel 5.000             Rp 5.600 REF-0001"
        );
        assert_eq!(
            lines[2],
            "#22 PLN                   Rp 1.000.000.000.199 otpdeck-2026-11-23-0f3a9c"
        );
    }

    #[test]
    fn names_give_way_then_values_leave_for_the_detail_line() {
        let t = table();
        // 3 + 1 + 21 + 1 + 20 + 1 + 25 = 72: the name gives way first.
        let f = t.fit(60);
        assert_eq!(f.widths(), vec![3, 9, 20, 25]);
        assert_eq!(
            f.row(0),
            vec!["#1  Pulsa Te…             Rp 5.600 REF-0001"]
        );
        // Too narrow even for a 4-column name: the ref_id leaves the row.
        let f = t.fit(40);
        assert_eq!(f.widths(), vec![3, 15, 20, 0]);
        assert_eq!(
            f.row(1),
            vec![
                "#22 PLN             Rp 1.000.000.000.199",
                "  ref_id otpdeck-2026-11-23-0f3a9c"
            ]
        );
        assert_eq!(f.header(), "id  name                          amount");
        for room in [20, 30, 40, 60] {
            let f = t.fit(room);
            for i in 0..t.len() {
                let text = f.row(i).join("\n");
                for v in ["Rp 1.000.000.000.199", "otpdeck-2026-11-23-0f3a9c", "#22"] {
                    if i == 1 && room >= 24 {
                        assert!(text.contains(v), "{room}: {v} cut in {text}");
                    }
                }
                for l in f.row(i) {
                    assert!(width(&l) <= room, "{room}: {l:?} too wide");
                }
            }
        }
    }

    #[test]
    fn display_width_not_chars_or_bytes() {
        assert_eq!(width("東京"), 4);
        assert_eq!(width("é"), 1);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(ellipsis("東京タワー", 5), "東京…");
        assert_eq!(pad("東京", 6, Align::Right), "  東京");
        let mut t = Table::new(vec![Column::value("name"), Column::value("n").right()]);
        t.push(["東京", "1"]);
        t.push(["abcdef", "22"]);
        assert_eq!(
            t.fit(usize::MAX).lines(),
            vec!["name    n", "東京    1", "abcdef 22"]
        );
    }

    #[test]
    fn a_value_longer_than_the_line_is_wrapped_whole() {
        assert_eq!(wrap("1234567890", 4), vec!["1234", "5678", "90"]);
        assert_eq!(wrap("東京タ", 4), vec!["東京", "タ"]);
        assert_eq!(wrap("", 4), vec![""]);
        let mut t = Table::new(vec![Column::value("token")]);
        t.push(["3094-6595-8929-7969-2937"]);
        let f = t.fit(10);
        assert_eq!(f.row(0).concat(), "3094-6595-8929-7969-2937");
    }

    #[test]
    fn text_wraps_at_spaces_and_long_words_inside() {
        assert_eq!(
            wrap_words("Your code is 734105. It expires soon.", 16),
            vec!["Your code is", "734105. It", "expires soon."]
        );
        assert_eq!(
            wrap_words("to verify.kirana.2026@inbox-kitten.example now", 16),
            vec!["to", "verify.kirana.20", "26@inbox-kitten.", "example now"]
        );
        assert_eq!(wrap_words("", 10), vec![""]);
        for l in wrap_words("東京 タワー 東京タワー東京タワー", 6) {
            assert!(width(&l) <= 6, "{l}");
        }
    }

    #[test]
    fn cells_are_made_visible_before_they_are_measured() {
        let mut t = Table::new(vec![Column::value("a"), Column::value("b")]);
        t.push(["x\u{1b}[2Jy", "\u{202e}z"]);
        let lines = t.fit(usize::MAX).lines();
        assert_eq!(lines[1], "x␛[2Jy z");
    }
}

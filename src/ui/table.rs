//! A `domain::columns` table in a pane or a view: its header and the rows
//! that fit the lines left, the picked one kept in view. A row may take
//! more than one line (the values that left it, on its detail line).

use crate::domain::columns::{Fitted, Table};
use ratatui::style::Style;
use ratatui::text::Line;

/// The first row drawn so that `picked` is in view: as few rows scrolled
/// as can be, so the picked row ends on the last line when it is far down.
fn first_row(f: &Fitted, picked: usize, budget: usize) -> usize {
    let mut first = picked;
    let mut used = f.row(picked).len();
    while first > 0 {
        let h = f.row(first - 1).len();
        if used + h > budget {
            break;
        }
        used += h;
        first -= 1;
    }
    first
}

/// Which rows are drawn.
#[derive(Debug, Clone, Copy)]
pub enum Show {
    /// The picked row in view, highlighted in this style.
    Picked(usize, Style),
    /// From this row on.
    From(usize),
}

/// The header line, then the rows that fit in `budget` lines after it,
/// each line of a row in its style (`style(i)`, else `plain`; a picked row
/// in its highlight).
pub fn lines(
    t: &Table,
    room: usize,
    budget: usize,
    show: Show,
    [header, plain]: [Style; 2],
    style: impl Fn(usize) -> Option<Style>,
) -> Vec<Line<'static>> {
    let f = t.fit(room);
    let mut out = vec![Line::styled(f.header(), header)];
    if t.is_empty() {
        return out;
    }
    let budget = budget.max(1);
    let last = t.len() - 1;
    let first = match show {
        Show::Picked(p, _) => first_row(&f, p.min(last), budget),
        Show::From(i) => i.min(last),
    };
    let mut used = 0;
    for i in first..t.len() {
        let row = f.row(i);
        if used > 0 && used + row.len() > budget {
            break;
        }
        used += row.len();
        let st = match show {
            Show::Picked(p, hl) if p == i => hl,
            _ => style(i).unwrap_or(plain),
        };
        out.extend(row.into_iter().map(|l| Line::styled(l, st)));
    }
    out
}

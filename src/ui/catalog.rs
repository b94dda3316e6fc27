//! Catalog pane: the account → service → country → offer tree, drawn with
//! `tui-tree-widget`. The rows (lazy loads, filter, sort, notes, dimming)
//! come from `app::catalog::rows`; this module only turns them into tree
//! items and a `TreeState` built afresh each frame, so drawing stays a pure
//! function of `&App` (it scrolls to `scroll_offset`, which the app keeps).

use super::{fit, pane_block, spinner, theme::Theme};
use crate::app::catalog::{rows, Filter, Row, RowKind};
use crate::app::App;
use crate::app::Pane;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_tree_widget::{Tree, TreeItem, TreeState};

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let filter = app.view.filter.value();
    let mut title = format!("Catalog · by {}", app.catalog.sort.label());
    if app.view.filtering || !filter.is_empty() {
        title.push_str(&format!(
            " · /{filter}{}",
            if app.view.filtering { "▏" } else { "" }
        ));
    }
    let block = pane_block(app, theme, Pane::Catalog, title);
    let all = rows(app);
    if all.is_empty() {
        // A seller account has no catalog: its products are in `:seller`.
        let seller = app
            .view
            .active
            .and_then(|i| app.accounts.get(i))
            .filter(|a| a.info.seller);
        let why = if app.accounts.is_empty() {
            "No accounts to browse".to_string()
        } else if let Some(a) = seller {
            format!(
                "{} is a seller account: its products are in :seller",
                a.info.name
            )
        } else if app.accounts.iter().all(|a| a.info.seller) {
            "Seller accounts only: their products are in :seller".to_string()
        } else {
            "Nothing matches the filter".to_string()
        };
        let w = area.width.saturating_sub(2) as usize;
        let lines: Vec<Line> = crate::domain::columns::wrap_words(&why, w)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim))
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), area);
        return;
    }
    let sel = app.sel(Pane::Catalog).min(all.len() - 1);
    // The rows the widget will show (it scrolls as `scroll_offset` says):
    // only those get their text built; the rest only hold their place.
    let visible = crate::app::panes::row_lines(Pane::Catalog, area.height);
    let first = crate::app::scroll_offset(app, Pane::Catalog, area.height);
    let look = Look {
        app,
        theme,
        width: area.width.saturating_sub(2) as usize,
        selected: (app.view.focus == Pane::Catalog).then_some(sel),
        filter: Filter::of(app),
        shown: first..first + visible,
    };
    // Rows below the last one on screen never show and, with the widget
    // scrolling from the top, never move the rows that do: leave them out
    // (rows are in pre-order, so what is left is still a whole tree).
    let all = &all[..all.len().min(look.shown.end)];
    // A fresh `TreeState` scrolls from the top just far enough to show the
    // row it has selected: selecting the last row on screen makes it start
    // at `first`. (The highlight is part of each row's text, so the
    // widget's own selection only scrolls.)
    let bottom = all.len() - 1;
    let mut state = TreeState::default();
    let mut path = Vec::new();
    let mut next = 0;
    let items = build(all, &mut next, 0, &mut path, bottom, &look, &mut state);
    debug_assert_eq!(next, all.len(), "every row has a place in the tree");
    // Markers are part of each row's text (see `text`), so the widget's own
    // node symbols are blank; it indents two columns a level, as we did.
    let Ok(tree) = Tree::new(&items) else {
        frame.render_widget(block, area);
        return;
    };
    let tree = tree
        .block(block)
        .node_closed_symbol("")
        .node_open_symbol("")
        .node_no_children_symbol("");
    frame.render_stateful_widget(tree, area, &mut state);
    // The widget scrolled just far enough to show the last row on screen,
    // starting from offset 0; mouse hit-testing assumes the same first row.
    debug_assert!(
        area.height < 3
            || state.get_offset() == crate::app::scroll_offset(app, Pane::Catalog, area.height),
        "tree offset {} disagrees with scroll_offset",
        state.get_offset()
    );
}

struct Look<'a> {
    app: &'a App,
    theme: &'a Theme,
    /// Inner width of the pane.
    width: usize,
    /// The highlighted row, when the catalog has the focus.
    selected: Option<usize>,
    /// The filter, whose matched characters are underlined in bold.
    filter: Option<Filter>,
    /// The positions of the rows on screen.
    shown: std::ops::Range<usize>,
}

/// `left` (already fitted) in spans of `style`, the chars at `matched`
/// (positions in the label, which starts `skip` chars in) emphasised.
fn emphasise(left: String, skip: usize, matched: &[u32], style: Style) -> Vec<Span<'static>> {
    if matched.is_empty() {
        return vec![Span::styled(left, style)];
    }
    let strong = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_on = false;
    for (p, ch) in left.chars().enumerate() {
        let on = ch != '…' && p >= skip && matched.binary_search(&((p - skip) as u32)).is_ok();
        if on != run_on && !run.is_empty() {
            let st = if run_on { strong } else { style };
            spans.push(Span::styled(std::mem::take(&mut run), st));
        }
        run_on = on;
        run.push(ch);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_on { strong } else { style }));
    }
    spans
}

/// Nests the flat rows (pre-order, with depths) into tree items keyed by
/// `NodeId::key()`, opening the expanded branches and selecting row `sel`
/// in `state` on the way (the row the widget scrolls to). `path` holds the
/// keys of the current ancestors.
fn build(
    rows: &[Row],
    next: &mut usize,
    depth: usize,
    path: &mut Vec<String>,
    sel: usize,
    look: &Look,
    state: &mut TreeState<String>,
) -> Vec<TreeItem<'static, String>> {
    let mut items = Vec::new();
    while let Some(r) = rows.get(*next).filter(|r| r.depth == depth) {
        let i = *next;
        *next += 1;
        let key = r.id.key();
        path.push(key.clone());
        if i == sel {
            state.select(path.clone());
        }
        if matches!(r.kind, RowKind::Branch { expanded: true }) {
            state.open(path.clone());
        }
        let children = build(rows, next, depth + 1, path, sel, look, state);
        path.pop();
        // Off screen a row is one blank line: same height, nothing built.
        let text = if look.shown.contains(&i) {
            text(r, look, look.selected == Some(i))
        } else {
            Text::from(Line::default())
        };
        items.push(
            TreeItem::new(key.clone(), text.clone(), children)
                .unwrap_or_else(|_| TreeItem::new_leaf(key, text)),
        );
    }
    items
}

/// One row's text: marker and label on the left, details right-aligned.
fn text(r: &Row, look: &Look, highlighted: bool) -> Text<'static> {
    let (theme, w) = (look.theme, look.width);
    // The widget draws the indentation in front of the text.
    let indent = 2 * r.depth;
    let (marker, style) = match &r.kind {
        RowKind::Branch { expanded: true } => ("▾ ", theme.text),
        RowKind::Branch { expanded: false } => ("▸ ", theme.text),
        RowKind::Offer { in_stock: true } => ("• ", theme.text),
        RowKind::Offer { in_stock: false } => ("· ", theme.dim),
        RowKind::Loading => ("", theme.dim),
        RowKind::Error => ("! ", theme.error),
    };
    let label = if r.kind == RowKind::Loading {
        format!("{} {}", spinner(look.app), r.label)
    } else {
        r.label.clone()
    };
    let left = format!("{marker}{label}");
    let left_n = indent + left.chars().count();
    // The name matters more than the details: keep only the price when
    // the row is too narrow for both.
    let detail = if w.saturating_sub(r.detail.chars().count() + 1) < left_n.min(w / 2) {
        r.detail.split("  ").next().unwrap_or("").to_string()
    } else {
        r.detail.clone()
    };
    let detail_w = detail.chars().count();
    let left_w = w.saturating_sub(detail_w + 1).saturating_sub(indent);
    let matched = match (&look.filter, &r.kind) {
        (Some(f), RowKind::Branch { .. } | RowKind::Offer { .. }) => f.indices(&r.label),
        _ => Vec::new(),
    };
    let mut spans = emphasise(
        format!("{:<left_w$}", fit(&left, left_w)),
        marker.chars().count(),
        &matched,
        style,
    );
    if !detail.is_empty() {
        let dstyle = if matches!(r.kind, RowKind::Offer { in_stock: false }) {
            theme.dim
        } else {
            theme.price
        };
        spans.push(Span::styled(format!(" {detail}"), dstyle));
    }
    // The highlight is the text's base style (the widget paints the indent
    // with it too) and the row's own colours go on top, as in other panes.
    let base = if highlighted {
        theme.highlight
    } else {
        Style::default()
    };
    Text::from(Line::from(spans)).style(base)
}

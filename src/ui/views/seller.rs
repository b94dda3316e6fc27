//! The seller view: the tabs, the keys of the tab shown, its rows (the
//! picked one highlighted and kept in view); and the seller's forms.

use crate::ui::popups::{boxed, centered, field_line};
use crate::app::keymap::Cmd;
use crate::app::views::seller::{SellerView, Tab};
use crate::app::popups::seller_form::SellerForm;
use crate::app::App;
use crate::domain::columns::{Column, Table};
use crate::ui::theme::Theme;
use crate::ui::table::{self, Show};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

fn or_dash(v: Option<&str>) -> &str {
    v.filter(|s| !s.is_empty()).unwrap_or("-")
}

/// A time in the user's zone to the minute; an API time that is not
/// RFC 3339 is shown whole, as it came.
fn local_time(app: &App, at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&app.settings.utc_offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn api_time(app: &App, t: Option<&str>) -> String {
    match t.map(chrono::DateTime::parse_from_rfc3339) {
        Some(Ok(at)) => local_time(app, at.to_utc()),
        _ => or_dash(t).to_string(),
    }
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, v: &SellerView) {
    let r = crate::ui::popups::above_status(app, area);
    // The view's own keys, also while a form over it takes typing.
    let keys = |c: Cmd| app.keymap.labels(c);
    let mut tabs = Vec::new();
    for t in Tab::ALL {
        let style = if t == v.tab {
            theme.highlight
        } else {
            theme.dim
        };
        tabs.push(Span::styled(format!(" {} ", t.title()), style));
        tabs.push(Span::raw(" "));
    }
    tabs.push(Span::styled(
        format!(
            "{} next tab · {} reload · {} close",
            keys(Cmd::NextTab),
            keys(Cmd::Refresh),
            keys(Cmd::Dismiss)
        ),
        theme.dim,
    ));
    let mut lines = vec![Line::from(tabs)];
    let hint = match v.tab {
        Tab::Products => format!(
            "{} add · {} price · {} active/inactive",
            keys(Cmd::SellerAdd),
            keys(Cmd::SellerPrice),
            keys(Cmd::SellerToggle)
        ),
        Tab::Sales => {
            let page = match &v.sales {
                Some(Ok(p)) => format!(
                    "page {} of {}{}",
                    p.page,
                    p.total_pages.max(1),
                    p.total
                        .map(|t| format!(" ({t} in all)"))
                        .unwrap_or_default()
                ),
                _ => format!("page {}", v.sales_query.page),
            };
            format!(
                "{page} · status {} · {} filter · {}/{} a screen, then next/prev page · {} copy SN",
                v.sales_query.status.as_deref().unwrap_or("any"),
                keys(Cmd::SellerFilter),
                app.keymap.label(Cmd::ListPageDown),
                app.keymap.label(Cmd::ListPageUp),
                keys(Cmd::CopyOtp)
            )
        }
        Tab::Settlements => format!(
            "{} new settlement · {} send an UNCLEAR one again",
            keys(Cmd::SellerSettle),
            keys(Cmd::SellerReplay)
        ),
    };
    lines.push(Line::styled(hint, theme.dim));
    let (rows, styles, state) = match v.tab {
        Tab::Products => products(v),
        Tab::Sales => sales(app, v),
        Tab::Settlements => settlements(app, v),
    };
    let note = match state {
        Some(Err(e)) => Some(Line::styled(e, theme.error)),
        Some(Ok(empty)) if rows.is_empty() => Some(Line::raw(empty)),
        Some(Ok(_)) => None,
        None => Some(Line::styled("asking GoTopUp…", theme.dim)),
    };
    // The rows that fit under the header (and the note), the picked one
    // in view; a row too wide moves its ids under it, never cut.
    let budget = (r.height as usize).saturating_sub(3 + lines.len() + usize::from(note.is_some()));
    lines.extend(table::lines(
        &rows,
        r.width.saturating_sub(2) as usize,
        budget,
        Show::Picked(v.picked(v.tab), theme.highlight),
        [theme.title, Style::default()],
        |i| styles.get(i).copied().flatten().map(|s| s(theme)),
    ));
    lines.extend(note);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(theme, &format!("Seller · {}", v.account))),
        r,
    );
}

type RowStyle = Option<fn(&Theme) -> Style>;
/// The table, each row's style, and whether the list is here: None while
/// asked, Err(why), or Ok(what an empty list means).
type Tabled = (Table, Vec<RowStyle>, Option<Result<String, String>>);

fn state<T>(v: &Option<Result<T, String>>, empty: &str) -> Option<Result<String, String>> {
    v.as_ref().map(|r| match r {
        Ok(_) => Ok(empty.to_string()),
        Err(e) => Err(e.clone()),
    })
}

fn products(v: &SellerView) -> Tabled {
    let mut t = Table::new(vec![
        Column::value("code"),
        Column::text("name", 8),
        Column::value("price").right(),
        Column::value("status"),
        Column::text("group", 6),
    ]);
    let mut styles = Vec::new();
    for p in v.product_list() {
        let group = [
            p.category.as_deref(),
            p.subcategory.as_deref(),
            p.operator.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("/");
        let saving = if v.saving.contains(&p.code) {
            " …"
        } else {
            ""
        };
        t.push([
            p.code.clone(),
            p.name.clone(),
            p.price.to_string(),
            p.status.clone(),
            format!("{group}{saving}"),
        ]);
        let style: RowStyle = (p.status != "active").then_some(|t: &Theme| t.dim);
        styles.push(style);
    }
    let empty = "No products yet: a adds one.";
    (t, styles, state(&v.products, empty))
}

fn sales(app: &App, v: &SellerView) -> Tabled {
    let mut t = Table::new(vec![
        Column::value("time"),
        Column::value("status"),
        Column::value("product"),
        Column::value("customer"),
        Column::value("price").right(),
        Column::value("ref_id").leaves(2),
        Column::value("sn").leaves(1),
    ]);
    if let Some(Ok(p)) = &v.sales {
        for s in &p.transactions {
            t.push([
                api_time(app, s.timestamp.as_deref()),
                s.status.clone(),
                or_dash(s.code.as_deref()).to_string(),
                or_dash(s.customer_number.as_deref()).to_string(),
                s.price.map(|p| p.to_string()).unwrap_or_default(),
                or_dash(s.ref_id.as_deref()).to_string(),
                s.sn.clone().unwrap_or_default(),
            ]);
        }
    }
    let styles = vec![None; t.len()];
    (
        t,
        styles,
        state(&v.sales, "No sales for this filter and page."),
    )
}

fn settlements(app: &App, v: &SellerView) -> Tabled {
    let mut t = Table::new(vec![
        Column::value("asked"),
        Column::value("ref_id").leaves(2),
        Column::value("status"),
        Column::value("amount").right(),
        Column::value("fee").right().leaves(3),
        Column::value("net").right(),
        Column::value("bank").leaves(1),
        Column::text("note", 6),
    ]);
    let money = |m: Option<crate::money::Rupiah>| m.map_or("-".into(), |x| x.to_string());
    let mut styles = Vec::new();
    for s in v.settlement_list() {
        let style: RowStyle = match s.status.as_str() {
            "unclear" | "sending" | "not_sent" => Some(|t: &Theme| t.warn),
            "refused" | "failed" => Some(|t: &Theme| t.error),
            _ => None,
        };
        styles.push(style);
        t.push([
            local_time(app, s.created_at),
            s.ref_id.clone(),
            s.status.clone(),
            s.amount.to_string(),
            money(s.fee),
            money(s.net_amount),
            format!("{} {}", s.bank.bank_code, s.bank.account_number),
            s.note.clone().unwrap_or_default(),
        ]);
    }
    let empty = "No settlements in the journal: s requests one.";
    (t, styles, state(&v.settlements, empty))
}

pub fn draw_form(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, f: &SellerForm) {
    let keys = |c: Cmd| crate::ui::popups::keys(app, c);
    let width = 16;
    let mut lines: Vec<Line> = f
        .fields
        .iter()
        .enumerate()
        .map(|(i, (label, input))| {
            let focus = i == f.field && f.confirm.is_none();
            field_line(theme, focus, label, width, input.value(), focus)
        })
        .collect();
    if let Some(e) = &f.error {
        lines.push(Line::styled(e.clone(), theme.error));
    }
    match &f.confirm {
        Some(text) => {
            lines.push(Line::raw(""));
            lines.push(Line::styled(text.clone(), theme.price));
            lines.push(Line::styled(
                format!(
                    "{} send · {} back, nothing sent{}",
                    keys(Cmd::Confirm),
                    keys(Cmd::Dismiss),
                    if f.fields.is_empty() {
                        String::new()
                    } else {
                        format!(" · {} edit", keys(Cmd::NextField))
                    }
                ),
                theme.dim,
            ));
        }
        None => lines.push(Line::styled(
            format!(
                "{} next field · {} check{} · {} back",
                keys(Cmd::NextField),
                keys(Cmd::Confirm),
                if matches!(
                    f.kind,
                    crate::app::popups::seller_form::FormKind::Settle { .. }
                ) {
                    " (fee and net shown before anything is sent)"
                } else {
                    " and save"
                },
                keys(Cmd::Dismiss)
            ),
            theme.dim,
        )),
    }
    let w = 72.min(area.width);
    // Wrapped lines (the confirmation is long) take more rows.
    let inner = w.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let r = centered(area, w, rows as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(boxed(theme, &format!("{} · {}", f.title(), f.account))),
        r,
    );
}

impl crate::ui::popups::Draw for SellerView {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

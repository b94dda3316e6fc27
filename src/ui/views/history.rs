//! The history view: the filter fields (the focused one marked), the page
//! of transactions newest first, and where paging stands or why it failed.

use crate::ui::popups::boxed;
use crate::app::keymap::Cmd;
use crate::app::views::history::{Field, HistoryPopup};
use crate::app::App;
use crate::ui::theme::Theme;
use crate::domain::columns::{Column, Table};
use crate::ui::table::{self, Show};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect, h: &HistoryPopup) {
    // Full screen: a page holds up to 100 rows.
    let r = crate::ui::popups::above_status(app, area);
    let keys = |c: Cmd| crate::ui::popups::keys(app, c);
    let field = |f: Field, label: &str, value: &str| {
        let focus = h.field == f;
        vec![
            Span::styled(if focus { "▸" } else { " " }, theme.title),
            Span::raw(format!("{label} ")),
            Span::styled(
                if focus {
                    format!("{value}▏ ")
                } else {
                    format!("{value} ")
                },
                theme.otp,
            ),
        ]
    };
    let mut head = Vec::new();
    head.extend(field(Field::Status, "status", h.status.value()));
    head.extend(field(Field::From, "from", h.from.value()));
    head.extend(field(Field::To, "to", h.to.value()));
    head.extend(field(Field::Limit, "limit", h.limit.value()));
    head.push(Span::styled(
        if h.field == Field::Rows { "▸" } else { " " },
        theme.title,
    ));
    head.push(Span::raw("rows"));
    let mut lines = vec![Line::from(head)];
    // The keys where the focus is: on the rows the list keys; in a field
    // the line-editing keys are the field's (`Key::edits_line`), only
    // ↑/↓ and the page keys still pick rows.
    let typing = h.field != Field::Rows;
    let label = |c: Cmd| app.keymap.label(c);
    let where_ = match &h.page {
        Some(p) => format!(
            "page {} of {}{} · {} load with filters{} · {} close",
            p.page,
            p.total_pages.max(1),
            p.total
                .map(|t| format!(" ({t} in all)"))
                .unwrap_or_default(),
            keys(Cmd::Confirm),
            if typing {
                format!(" · {} next field", keys(Cmd::NextField))
            } else {
                String::new()
            },
            keys(Cmd::Dismiss)
        ),
        None => format!(
            "{} next field · {} load",
            keys(Cmd::NextField),
            keys(Cmd::Confirm)
        ),
    };
    lines.push(Line::styled(where_, theme.dim));
    if h.page.is_some() {
        let text = if typing {
            format!(
                "← → Home End Ctrl-a/e/u edit the field · {} {} {} {} pick a row",
                keys(Cmd::Up),
                keys(Cmd::Down),
                keys(Cmd::ListPageUp),
                keys(Cmd::ListPageDown)
            )
        } else {
            format!(
                "{} {} {} {} {} {}: rows, then pages · {} copy SN · {} filters",
                label(Cmd::Up),
                label(Cmd::Down),
                label(Cmd::ListTop),
                label(Cmd::ListBottom),
                label(Cmd::ListPageUp),
                label(Cmd::ListPageDown),
                label(Cmd::CopyOtp),
                label(Cmd::NextField)
            )
        };
        lines.push(Line::styled(text, theme.dim));
    }
    if h.busy {
        lines.push(Line::styled(
            format!("loading page {}…", h.query.page),
            theme.dim,
        ));
    }
    if let Some(e) = &h.error {
        lines.push(Line::styled(e.clone(), theme.error));
    }
    // Columns as wide as what they hold: where the row is too wide, the
    // SN and then the ref_id move to a line under it, never cut.
    let mut t = Table::new(vec![
        Column::value("time"),
        Column::value("ref_id").leaves(2),
        Column::value("product"),
        Column::value("customer"),
        Column::value("price").right(),
        Column::value("status"),
        Column::value("sn").leaves(1),
    ]);
    let rows = h.page.as_ref().map_or(&[][..], |p| &p.transactions[..]);
    for x in rows {
        t.push([
            x.at
                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            x.reference.clone(),
            x.product.clone().unwrap_or_else(|| "-".into()),
            x.customer_number.clone().unwrap_or_else(|| "-".into()),
            x.price.map(|p| p.to_string()).unwrap_or_default(),
            x.status.as_str().to_string(),
            x.sn.clone().unwrap_or_default(),
        ]);
    }
    let unreadable = h.page.as_ref().map_or(0, |p| p.unreadable);
    // Rows that fit under the lines above (and the note below), the
    // picked one kept in view.
    let budget = (r.height as usize).saturating_sub(3 + lines.len() + usize::from(unreadable > 0));
    lines.extend(table::lines(
        &t,
        r.width.saturating_sub(2) as usize,
        budget,
        match h.page {
            Some(_) => Show::Picked(h.selected, theme.highlight),
            None => Show::From(0),
        },
        [theme.title, Style::default()],
        |_| None,
    ));
    if let Some(p) = &h.page {
        if p.transactions.is_empty() {
            lines.push(Line::raw("No transactions for these filters."));
        }
        if p.unreadable > 0 {
            lines.push(Line::styled(
                format!("{} rows with an unknown status left out", p.unreadable),
                theme.warn,
            ));
        }
    }
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(theme, &format!("History · {}", h.account))),
        r,
    );
}

impl crate::ui::popups::Draw for HistoryPopup {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, theme, area, self)
    }
}

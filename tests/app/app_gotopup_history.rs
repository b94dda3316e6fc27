//! The GoTopUp history view through `App::update`: `:history` loads page 1
//! (limit 100) as an Effect, filters are checked by the CLI's rule before
//! a load, the page keys scroll the rows and, past them, page; a failed
//! page says so and keeps the rows.

use crate::common;

use common::*;
use otpdeck::app::{Action, App, Effect, Popup};
use otpdeck::domain::history::{HistoryPage, HistoryQuery};
use otpdeck::domain::{OrderStatus, Transaction};
use otpdeck::money::Rupiah;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn q(page: u32) -> HistoryQuery {
    HistoryQuery {
        page,
        limit: 100,
        ..Default::default()
    }
}

fn page(n: u32, total_pages: u32) -> HistoryPage {
    HistoryPage {
        transactions: (0..3)
            .map(|i| Transaction {
                reference: format!("REF-{n}-{i}"),
                provider_id: None,
                product: Some("PULSA10".into()),
                customer_number: Some("081234567890".into()),
                price: Some(Rupiah(10_500)),
                status: if i == 0 {
                    OrderStatus::Finished
                } else {
                    OrderStatus::Waiting
                },
                sn: (i == 0).then(|| "SN123".to_string()),
                message: None,
                at: Some(t0()),
            })
            .collect(),
        page: n,
        total_pages,
        total: Some(250),
        unreadable: 0,
    }
}

fn opened() -> App {
    let mut a = app();
    let fx = keys(&mut a, ":history<Enter>");
    assert_eq!(
        fx,
        vec![Effect::HistoryLoad {
            account: "pulsa".into(),
            query: q(1)
        }]
    );
    a.update(Action::HistoryLoaded {
        account: "pulsa".into(),
        query: q(1),
        result: Ok(page(1, 3)),
    });
    a
}

fn shown(a: &App) -> &otpdeck::app::views::history::HistoryPopup {
    match a.view.popups.last() {
        Some(Popup::History(h)) => h,
        other => panic!("history view not on top: {other:?}"),
    }
}

/// A page down moves through the rows, and from the last one loads the
/// next page (from its first row); a page up from the first row loads the
/// previous page, which comes with its last row picked.
#[test]
fn pages_forward_and_back() {
    let mut a = opened();
    assert!(
        keys(&mut a, "<PageDown>").is_empty(),
        "the three rows fit: first to the last one"
    );
    assert_eq!(shown(&a).selected, 2);
    assert_eq!(
        keys(&mut a, "<PageDown>"),
        vec![Effect::HistoryLoad {
            account: "pulsa".into(),
            query: q(2)
        }]
    );
    a.update(Action::HistoryLoaded {
        account: "pulsa".into(),
        query: q(2),
        result: Ok(page(2, 3)),
    });
    assert_eq!(shown(&a).page.as_ref().map(|p| p.page), Some(2));
    assert_eq!(shown(&a).selected, 0);
    assert_eq!(
        keys(&mut a, "<PageUp>"),
        vec![Effect::HistoryLoad {
            account: "pulsa".into(),
            query: q(1)
        }]
    );
    a.update(Action::HistoryLoaded {
        account: "pulsa".into(),
        query: q(1),
        result: Ok(page(1, 3)),
    });
    assert_eq!(shown(&a).selected, 2, "back on page 1's last row");
    // Ctrl-u is the same key: from row 0 of page 1 there is no page before.
    assert!(keys(&mut a, "<Home><C-u>").is_empty());
    assert_eq!(
        shown(&a).error.as_deref(),
        Some("page 1 is the first"),
        "and it says so"
    );
}

#[test]
fn a_failed_page_says_so_and_keeps_the_rows() {
    let mut a = opened();
    keys(&mut a, "<End><PageDown>");
    a.update(Action::HistoryLoaded {
        account: "pulsa".into(),
        query: q(2),
        result: Err(otpdeck::domain::ProviderError::Unavailable {
            status: 500,
            message: "Internal Server Error".into(),
        }),
    });
    let h = shown(&a);
    assert!(h.error.as_deref().unwrap_or("").contains("page 2 failed"));
    assert_eq!(h.page.as_ref().map(|p| p.page), Some(1));
    assert_eq!(h.query.page, 1);
}

#[test]
fn filters_are_checked_then_sent() {
    let mut a = opened();
    // Tab from the rows to the status field: a word the API does not know
    // is refused.
    assert!(keys(&mut a, "<Tab>done<Enter>").is_empty());
    assert!(shown(&a).error.as_deref().unwrap_or("").contains("status"));
    let mut a = opened();
    let fx = keys(
        &mut a,
        "<Tab>success<Tab>2026-11-01<Tab>2026-11-30<Tab><BS><BS><BS>50<Enter>",
    );
    let want = HistoryQuery {
        status: Some("success".into()),
        from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
        to: chrono::NaiveDate::from_ymd_opt(2026, 11, 30),
        page: 1,
        limit: 50,
    };
    assert_eq!(
        fx,
        vec![Effect::HistoryLoad {
            account: "pulsa".into(),
            query: want
        }]
    );
    // from after to is refused.
    let mut a = opened();
    assert!(keys(&mut a, "<Tab><Tab>2026-12-01<Tab>2026-11-01<Enter>").is_empty());
    assert!(shown(&a).error.is_some());
}

#[test]
fn history_view_snapshot() {
    std::env::set_var("TZ", "UTC");
    let mut a = opened();
    a.update(Action::Resize(110, 14));
    let mut term = Terminal::new(TestBackend::new(110, 14)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, &a)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..14 {
        let mut line = String::new();
        for x in 0..110 {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    assert!(
        out.contains("REF-1-0") && out.contains("page 1 of 3"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// ↑/↓ pick a row from any field; in a text field `c` is a letter, with
/// Tab back on the rows it copies the picked row's SN (or says there is
/// none).
#[test]
fn a_row_is_picked_and_its_sn_copied() {
    let mut a = opened();
    // Tab to the status field, where `c` is typed.
    assert!(keys(&mut a, "<Tab>c").is_empty());
    assert_eq!(shown(&a).status.value(), "c");
    keys(&mut a, "<BS><Tab><Tab><Tab><Tab>");
    assert_eq!(shown(&a).field, otpdeck::app::views::history::Field::Rows);
    assert_eq!(
        keys(&mut a, "c"),
        vec![Effect::Copy {
            text: "SN123".into(),
            what: "SN".into()
        }]
    );
    assert_eq!(shown(&a).status.value(), "");
    // j moves down on the rows; a pending row has no SN yet.
    assert!(keys(&mut a, "jc").is_empty());
    assert_eq!(shown(&a).selected, 1);
    let said = a.view.status.clone().map(|s| s.0).unwrap_or_default();
    assert!(said.contains("No SN yet for REF-1-1"), "{said}");
    // ↓ past the last row stays on it; ↑ goes back, also from a field.
    keys(&mut a, "<Down><Down><Down><Tab>");
    assert_eq!(shown(&a).selected, 2);
    keys(&mut a, "<Up><Up>");
    assert_eq!(shown(&a).selected, 0);
    // A new page starts on its first row.
    keys(&mut a, "<Down>");
    a.update(Action::HistoryLoaded {
        account: "pulsa".into(),
        query: q(1),
        result: Ok(page(1, 3)),
    });
    assert_eq!(
        shown(&a).selected,
        1,
        "a late answer for a page not asked changes nothing"
    );
}

/// A 100-row page in a short window: the picked row stays in view.
#[test]
fn the_picked_row_scrolls_into_view() {
    std::env::set_var("TZ", "UTC");
    let mut a = opened();
    let mut long = page(1, 3);
    long.transactions = (0..100)
        .map(|i| Transaction {
            reference: format!("ROW-{i:03}"),
            ..long.transactions[0].clone()
        })
        .collect();
    keys(&mut a, "<Enter>");
    a.update(Action::HistoryLoaded {
        account: "pulsa".into(),
        query: q(1),
        result: Ok(long),
    });
    for _ in 0..60 {
        keys(&mut a, "<Down>");
    }
    a.update(Action::Resize(110, 14));
    let mut term = Terminal::new(TestBackend::new(110, 14)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, &a)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..14 {
        for x in 0..110 {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    assert!(out.contains("ROW-060"), "{out}");
    assert!(!out.contains("ROW-000"), "{out}");
}

/// A page of 100 at 120×30: 22 rows show under the fields; the page keys
/// move that many, Home/End jump, and the picked row is drawn.
#[test]
fn a_long_page_pages_and_jumps() {
    std::env::set_var("TZ", "UTC");
    let mut a = opened();
    let mut long = page(1, 3);
    long.transactions = (0..100)
        .map(|i| Transaction {
            reference: format!("ROW-{i:03}"),
            ..long.transactions[0].clone()
        })
        .collect();
    keys(&mut a, "<Enter>");
    a.update(Action::HistoryLoaded {
        account: "pulsa".into(),
        query: q(1),
        result: Ok(long.clone()),
    });
    a.update(Action::Resize(120, 30));
    assert!(keys(&mut a, "<PageDown>").is_empty());
    assert_eq!(shown(&a).selected, 22);
    let out = screen(&mut a, 120, 30);
    assert!(out.contains("ROW-022") && out.contains("ROW-001"), "{out}");
    assert!(!out.contains("ROW-000"), "{out}");
    keys(&mut a, "<C-d><C-u><C-d>");
    assert_eq!(shown(&a).selected, 44);
    assert!(keys(&mut a, "<End>").is_empty());
    assert_eq!(shown(&a).selected, 99);
    let out = screen(&mut a, 120, 30);
    assert!(out.contains("ROW-099") && !out.contains("ROW-077"), "{out}");
    assert!(keys(&mut a, "<Home>").is_empty());
    assert_eq!(shown(&a).selected, 0);
    // End then a page down: the next page.
    assert_eq!(
        keys(&mut a, "<End><PageDown>"),
        vec![Effect::HistoryLoad {
            account: "pulsa".into(),
            query: q(2)
        }]
    );
    // While it loads, a page down again asks nothing more.
    assert!(keys(&mut a, "<PageDown>").is_empty());
}

fn field_text(a: &App) -> String {
    let h = shown(a);
    format!(
        "{}|{}|{}|{}",
        h.status.value(),
        h.from.value(),
        h.to.value(),
        h.limit.value()
    )
}

/// The view opens on the rows, where Home/End and Ctrl-u/Ctrl-d move them
/// as in every list. In a text field they edit the field, as a user of
/// text inputs expects: Home/Ctrl-a to its start, End/Ctrl-e to its end,
/// ←/→ by a character, Ctrl-u clears it, Ctrl-d deletes the character
/// under the cursor; ↑/↓ and PageUp/PageDown still pick rows. The
/// keys line says which keys do what where the focus is.
#[test]
fn a_text_field_takes_the_line_editing_keys_the_rows_take_the_list_keys() {
    let mut a = opened();
    let s = screen(&mut a, 120, 30);
    assert!(s.contains("▸rows"), "opens on the rows:\n{s}");
    assert!(s.contains("Home End"), "the rows' keys are named:\n{s}");
    keys(&mut a, "<End>");
    assert_eq!(shown(&a).selected, 2, "End: the last row");
    keys(&mut a, "<C-u>");
    assert_eq!(shown(&a).selected, 0, "Ctrl-u: a page up");
    // Tab to the status field, where the same keys edit the text.
    keys(&mut a, "<Tab>");
    assert!(otpdeck::app::Popup::takes_text(
        a.view.popups.last().expect("view")
    ));
    keys(&mut a, "faild<Home>x<End>y<Left><Left>e");
    assert_eq!(field_text(&a), "xfailedy|||100", "Home, End and ← edit");
    keys(&mut a, "<C-a><Right><C-d><C-e>");
    assert_eq!(field_text(&a), "xailedy|||100", "Ctrl-a, →, Ctrl-d edit");
    keys(&mut a, "<Left><C-u>");
    assert_eq!(field_text(&a), "|||100", "Ctrl-u clears the field");
    assert_eq!(shown(&a).selected, 0, "no key above moved the rows");
    keys(&mut a, "<PageDown>");
    assert_eq!(shown(&a).selected, 2, "PageDown still picks rows");
    keys(&mut a, "<Up>");
    assert_eq!(shown(&a).selected, 1, "and ↑");
    let s = screen(&mut a, 120, 30);
    assert!(
        s.contains("Ctrl-a/e/u") && s.contains("edit the field"),
        "the keys line says the field takes them:\n{s}"
    );
}

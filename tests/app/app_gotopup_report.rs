//! The GoTopUp report view through `App::update`: `:report` checks the
//! kind and range (the CLI's rule) before its Effect, the answer for the
//! view still asking fills it, and the figures and rows are drawn.

use crate::common;

use common::*;
use otpdeck::app::{Action, Effect, Popup};
use otpdeck::domain::report::{Report, ReportKind, ReportQuery};
use serde_json::json;

fn query() -> ReportQuery {
    ReportQuery {
        kind: ReportKind::Transaction,
        from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
        to: chrono::NaiveDate::from_ymd_opt(2026, 11, 30),
    }
}

fn report(rows: usize) -> Report {
    Report {
        kind: "transaction".into(),
        start_date: Some("2026-11-01".into()),
        end_date: Some("2026-11-30".into()),
        summary: json!({"total_transactions": rows, "total_amount": 5500 * rows})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        rows: (0..rows)
            .map(|i| {
                json!({"ref_id": format!("TXN-{i:03}"), "price": 5500, "status": "success"})
                    .as_object()
                    .cloned()
                    .unwrap_or_default()
            })
            .collect(),
    }
}

#[test]
fn a_report_is_asked_checked_and_drawn() {
    let mut a = app();
    assert_eq!(
        keys(&mut a, ":report transaction 2026-11-01 2026-11-30<Enter>"),
        vec![Effect::ReportLoad {
            account: "pulsa".into(),
            query: query()
        }]
    );
    assert!(screen(&mut a, 120, 30).contains("asking GoTopUp"));
    // An answer for another query changes nothing.
    a.update(Action::ReportLoaded {
        account: "pulsa".into(),
        query: ReportQuery {
            from: None,
            ..query()
        },
        result: Ok(report(1)),
    });
    assert!(matches!(a.view.popups.last(), Some(Popup::Report(r)) if r.result.is_none()));
    a.update(Action::ReportLoaded {
        account: "pulsa".into(),
        query: query(),
        result: Ok(report(40)),
    });
    let out = screen(&mut a, 120, 30);
    assert!(
        out.contains("total_transactions") && out.contains("220000"),
        "{out}"
    );
    assert!(out.contains("TXN-000") && out.contains("ref_id"), "{out}");
    assert!(
        !out.contains("TXN-039"),
        "40 rows do not fit in 30 lines: {out}"
    );
    // ↓ scrolls the rows.
    keys(&mut a, "<Down><Down><Down>");
    let out = screen(&mut a, 120, 30);
    assert!(!out.contains("TXN-000") && out.contains("TXN-003"), "{out}");
    keys(&mut a, "<Esc>");
    assert!(a.view.popups.is_empty());
}

#[test]
fn bad_words_are_refused_before_asking() {
    for (line, why) in [
        (":report<Enter>", "Usage"),
        (":report sales<Enter>", "buyer key has no 'sales'"),
        (":report bogus<Enter>", "not a report type"),
        (":report deposit 2026-12-01 2026-11-01<Enter>", "after"),
        (":report deposit 1/12/2026<Enter>", "not a date"),
    ] {
        let mut a = app();
        assert!(keys(&mut a, line).is_empty(), "{line}");
        assert!(a.view.popups.is_empty(), "{line}");
        let said = a.view.status.clone().map(|s| s.0).unwrap_or_default();
        assert!(said.contains(why), "{line}: {said}");
    }
}

#[test]
fn an_error_shows_in_the_view() {
    let mut a = app();
    keys(&mut a, ":report deposit<Enter>");
    a.update(Action::ReportLoaded {
        account: "pulsa".into(),
        query: ReportQuery {
            kind: ReportKind::Deposit,
            from: None,
            to: None,
        },
        result: Err(otpdeck::domain::ProviderError::Unavailable {
            status: 500,
            message: "Internal Server Error".into(),
        }),
    });
    assert!(screen(&mut a, 100, 24).contains("HTTP 500"));
}

fn report_offset(a: &otpdeck::app::App) -> usize {
    match a.view.popups.last() {
        Some(Popup::Report(r)) => r.offset,
        other => panic!("report not on top: {other:?}"),
    }
}

/// 40 rows at 120×30: 22 fit under the figures; a page key scrolls that
/// many, End shows the last rows filling the view, never past them.
#[test]
fn the_report_table_pages_and_jumps() {
    let mut a = app();
    a.update(Action::Resize(120, 30));
    keys(&mut a, ":report transaction 2026-11-01 2026-11-30<Enter>");
    a.update(Action::ReportLoaded {
        account: "pulsa".into(),
        query: query(),
        result: Ok(report(40)),
    });
    keys(&mut a, "<C-d>");
    assert_eq!(report_offset(&a), 18, "a page, but no further than the end");
    let out = screen(&mut a, 120, 30);
    assert!(out.contains("TXN-039") && out.contains("TXN-018"), "{out}");
    assert!(!out.contains("TXN-017"), "{out}");
    keys(&mut a, "<Home>");
    assert_eq!(report_offset(&a), 0);
    keys(&mut a, "jjj<PageDown>");
    assert_eq!(report_offset(&a), 18);
    keys(&mut a, "<PageUp>");
    assert_eq!(report_offset(&a), 0);
    keys(&mut a, "<End>k");
    assert_eq!(report_offset(&a), 17);
    keys(&mut a, "<C-u>");
    assert_eq!(report_offset(&a), 0);
}

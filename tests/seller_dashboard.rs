//! A GoTopUp seller account in the dashboard: no balance asked, no catalog
//! branch, and its accounts row says "seller" rather than an error.

mod common;

use otpdeck::app::{catalog, AccountInfo, Action, App, AppSettings, Effect};
use otpdeck::domain::{Capabilities, ProviderKind};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn account(name: &str, seller: bool) -> AccountInfo {
    AccountInfo {
        name: name.into(),
        kind: ProviderKind::GoTopUp,
        caps: Capabilities::default(),
        seller,
    }
}

#[test]
fn a_seller_account_gets_no_buyer_calls_and_is_shown_as_seller() {
    let now = chrono::Utc::now();
    let (mut app, effects) = App::new(
        vec![account("topup", false), account("shop", true)],
        AppSettings::default(),
        now,
    );
    let asked: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadBalance { account } => Some(account.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(asked, vec!["topup"]);
    let rows = catalog::rows(&app);
    assert!(
        rows.iter().all(|r| !r.label.starts_with("shop")),
        "catalog lists the seller"
    );
    assert!(rows.iter().any(|r| r.label.starts_with("topup")));
    // The runtime reports the account's lack of a buyer adapter as an error.
    app.update(Action::BalanceLoaded {
        account: "shop".into(),
        result: Err("seller account 'shop': buyer commands do not apply".into()),
        now,
    });
    app.update(Action::Resize(140, 35));
    let mut term = Terminal::new(TestBackend::new(140, 35)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, &app)).expect("draw");
    let buf = term.backend().buffer().clone();
    let screen: Vec<String> = (0..35)
        .map(|y| (0..140).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect();
    let row = screen
        .iter()
        .find(|l| l.contains("│shop"))
        .unwrap_or_else(|| panic!("no shop row:\n{}", screen.join("\n")));
    assert!(row.contains("seller") && !row.contains("ERR"), "{row}");
}

/// Bills and the history are buyer calls: a seller account is not offered
/// in the bill popup, and `:history` without an account skips it.
#[test]
fn bills_and_history_leave_the_seller_out() {
    let now = chrono::Utc::now();
    let (mut app, _) = App::new(
        vec![account("shop", true), account("topup", false)],
        AppSettings::default(),
        now,
    );
    app.open_bill("shop", Some("PLN-PASCABAYAR"));
    match app.popup() {
        Some(otpdeck::app::Popup::Bill(b)) => assert_eq!(b.accounts, vec!["topup"]),
        other => panic!("expected the bill popup, got {other:?}"),
    }
    app.close_top();
    let fx = common::keys(&mut app, ":history shop<Enter>");
    assert!(
        !fx.iter().any(|e| format!("{e:?}").contains("shop")),
        "no buyer history asked of the seller: {fx:?}"
    );
}

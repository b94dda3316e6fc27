//! A GoTopUp seller account in the dashboard: no balance asked, no catalog
//! branch, and its accounts row says "seller" rather than an error.

use crate::common;

use otpdeck::app::views::seller::{SellerCall, SellerReply};
use otpdeck::app::{catalog, AccountInfo, Action, App, AppSettings, Effect};
use otpdeck::domain::seller::{BankAccount, SellerProduct, SettlementRequest};
use otpdeck::domain::{Capabilities, ProviderKind};
use otpdeck::engine::journal::SettlementRow;
use otpdeck::engine::seller::SettleOutcome;
use otpdeck::money::Rupiah;
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
    let row = |app: &mut App| -> String {
        app.update(Action::Resize(140, 35));
        let mut term = Terminal::new(TestBackend::new(140, 35)).expect("terminal");
        term.draw(|f| otpdeck::ui::draw(f, app)).expect("draw");
        let buf = term.backend().buffer().clone();
        let screen: Vec<String> = (0..35)
            .map(|y| (0..140).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect();
        screen
            .iter()
            .find(|l| l.contains("│shop"))
            .unwrap_or_else(|| panic!("no shop row:\n{}", screen.join("\n")))
            .clone()
    };
    let r = row(&mut app);
    assert!(r.contains("seller") && !r.contains("ERR"), "{r}");
    // A seller key the runtime cannot use (no key, say) is an error.
    app.update(Action::BalanceLoaded {
        account: "shop".into(),
        result: Err(otpdeck::domain::ProviderError::NoAdapter(
            "account 'shop': no api_key".into(),
        )),
        now,
    });
    let r = row(&mut app);
    assert!(r.contains("seller") && r.contains("ERR"), "{r}");
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

fn seller_app() -> App {
    let now = common::t0();
    let (mut app, _) = App::new(
        vec![account("topup", false), account("shop", true)],
        AppSettings::default(),
        now,
    );
    app.update(Action::Resize(140, 40));
    app
}

fn settle_call(fx: &[Effect]) -> Option<&SettlementRequest> {
    fx.iter().find_map(|e| match e {
        Effect::Seller {
            call: SellerCall::Settle(r),
            ..
        } => Some(r),
        _ => None,
    })
}

#[test]
fn the_seller_view_asks_every_tab_and_only_a_seller_key() {
    let now = common::t0();
    let (mut buyer_only, _) = App::new(vec![account("topup", false)], AppSettings::default(), now);
    assert!(common::keys(&mut buyer_only, ":seller<Enter>").is_empty());
    assert!(buyer_only
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("role = \"seller\"")));
    let mut app = seller_app();
    let fx = common::keys(&mut app, ":seller<Enter>");
    let calls: Vec<(&str, &SellerCall)> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Seller { account, call } => Some((account.as_str(), call)),
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 3, "{fx:?}");
    assert!(calls.iter().all(|(a, _)| *a == "shop"));
    assert!(matches!(calls[0].1, SellerCall::Products));
    assert!(matches!(calls[1].1, SellerCall::Sales(q) if q.page == 1 && q.limit == 20));
    assert!(matches!(calls[2].1, SellerCall::Settlements));
}

#[test]
fn a_settlement_is_checked_then_shown_then_sent_once_with_its_ref_id() {
    let mut app = seller_app();
    common::keys(&mut app, ":seller<Enter>");
    common::keys(&mut app, "s");
    // Below the documented minimum: said in the form, nothing sent.
    let fx = common::keys(&mut app, "49.999<Tab>BCA<Tab>123<Tab>Nama<Enter>");
    assert!(settle_call(&fx).is_none());
    let screen = common::screen(&mut app, 140, 40);
    assert!(
        screen.contains("Not sent: a settlement is at least Rp 50.000"),
        "{screen}"
    );
    // Back to the amount (Tab from the last field); y while typing is a
    // letter, not a yes.
    common::keys(&mut app, "<Tab>");
    let fx = common::keys(&mut app, "y");
    assert!(settle_call(&fx).is_none());
    common::keys(&mut app, &"<BS>".repeat(7));
    common::keys(&mut app, "50000");
    let fx = common::keys(&mut app, "<Enter>");
    assert!(settle_call(&fx).is_none(), "shown first, not sent: {fx:?}");
    let screen = common::screen(&mut app, 140, 40);
    assert!(screen.contains("estimated fee Rp 500"), "{screen}");
    let fx = common::keys(&mut app, "y");
    let r = settle_call(&fx).expect("sent on y").clone();
    assert_eq!(r.amount, Rupiah(50_000));
    assert_eq!(r.bank.bank_code, "BCA");
    assert!(!r.ref_id.is_empty());
    // The form is gone: another y sends nothing.
    assert!(settle_call(&common::keys(&mut app, "y")).is_none());
}

#[test]
fn an_unclear_settlement_is_said_even_with_the_view_closed() {
    let mut app = seller_app();
    let row = SettlementRow {
        id: 1,
        account: "shop".into(),
        ref_id: "S-1".into(),
        amount: Rupiah(60_000),
        bank: BankAccount {
            bank_code: "BNI".into(),
            account_number: "99887766".into(),
            account_name: "Toko".into(),
        },
        settlement_id: None,
        fee: None,
        net_amount: None,
        status: "unclear".into(),
        note: Some("HTTP 502".into()),
        created_at: common::t0(),
        updated_at: common::t0(),
    };
    app.update(Action::Seller {
        account: "shop".into(),
        reply: SellerReply::Settled(Ok(SettleOutcome::Unclear(row))),
    });
    let (text, _) = app.view.status.clone().expect("status");
    assert!(text.contains("UNCLEAR") && text.contains("S-1"), "{text}");
}

#[test]
fn a_product_switch_waits_for_the_last_one() {
    let mut app = seller_app();
    common::keys(&mut app, ":seller<Enter>");
    app.update(Action::Seller {
        account: "shop".into(),
        reply: SellerReply::Products(Ok(vec![SellerProduct {
            code: "T5".into(),
            name: "Pulsa 5".into(),
            category: Some("prabayar".into()),
            subcategory: Some("pulsa".into()),
            operator: None,
            price: Rupiah(5_500),
            status: "active".into(),
        }])),
    });
    let fx = common::keys(&mut app, "t");
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Seller { call: SellerCall::SetProduct { code, patch }, .. }]
                if code == "T5" && patch.status.as_deref() == Some("inactive")
        ),
        "{fx:?}"
    );
    assert!(
        common::keys(&mut app, "t").is_empty(),
        "one change at a time"
    );
    // The PUT reply has no group: the list keeps it.
    app.update(Action::Seller {
        account: "shop".into(),
        reply: SellerReply::ProductSaved {
            code: "T5".into(),
            result: Ok(SellerProduct {
                code: "T5".into(),
                name: "Pulsa 5".into(),
                category: None,
                subcategory: None,
                operator: None,
                price: Rupiah(5_500),
                status: "inactive".into(),
            }),
        },
    });
    let screen = common::screen(&mut app, 140, 40);
    let line = screen.lines().find(|l| l.contains("T5 ")).unwrap_or("");
    assert!(
        line.contains("inactive") && line.contains("prabayar/pulsa"),
        "{line}"
    );
    let fx = common::keys(&mut app, "t");
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Seller { call: SellerCall::SetProduct { patch, .. }, .. }]
                if patch.status.as_deref() == Some("active")
        ),
        "{fx:?}"
    );
}

fn seller_picked(app: &App) -> [usize; 3] {
    match app.popup() {
        Some(otpdeck::app::Popup::Seller(v)) => v.selected,
        other => panic!("seller view not on top: {other:?}"),
    }
}

fn sales_page(page: u32) -> SellerReply {
    use otpdeck::domain::seller::{SalesQuery, SellerSale, SellerSalesPage};
    SellerReply::Sales {
        query: SalesQuery {
            page,
            limit: 20,
            ..Default::default()
        },
        result: Ok(SellerSalesPage {
            transactions: (0..20)
                .map(|i| SellerSale {
                    ref_id: Some(format!("S{page}-{i:02}")),
                    transaction_id: None,
                    code: Some("T5".into()),
                    customer_number: None,
                    price: Some(Rupiah(5_500)),
                    status: "success".into(),
                    sn: None,
                    timestamp: None,
                })
                .collect(),
            page,
            total_pages: 3,
            total: Some(60),
        }),
    }
}

/// Fifty products at 140×40: 33 rows show; the page keys move that many,
/// Home/End jump. On the sales, a page down from the last row asks for the
/// next page, a page up from the first for the previous one (its last row
/// picked when it comes).
#[test]
fn the_seller_tables_page_and_the_sales_go_on_to_the_next_page() {
    let mut app = seller_app();
    common::keys(&mut app, ":seller<Enter>");
    let products = (0..50)
        .map(|i| SellerProduct {
            code: format!("P{i:02}"),
            name: format!("Product {i:02}"),
            category: None,
            subcategory: None,
            operator: None,
            price: Rupiah(5_500),
            status: "active".into(),
        })
        .collect();
    app.update(Action::Seller {
        account: "shop".into(),
        reply: SellerReply::Products(Ok(products)),
    });
    assert!(common::keys(&mut app, "<PageDown>").is_empty());
    assert_eq!(seller_picked(&app)[0], 33);
    let screen = common::screen(&mut app, 140, 40);
    assert!(
        screen.contains("P33 ") && screen.contains("P01 "),
        "{screen}"
    );
    assert!(!screen.contains("P00 "), "{screen}");
    common::keys(&mut app, "<End>");
    assert_eq!(seller_picked(&app)[0], 49);
    common::keys(&mut app, "<C-d>");
    assert_eq!(seller_picked(&app)[0], 49, "the products have no next page");
    common::keys(&mut app, "<C-u>k<Home>j");
    assert_eq!(seller_picked(&app)[0], 1);
    // The sales: 20 rows, all in sight.
    common::keys(&mut app, "<Tab>");
    app.update(Action::Seller {
        account: "shop".into(),
        reply: sales_page(1),
    });
    assert!(common::keys(&mut app, "<PageDown>").is_empty());
    assert_eq!(seller_picked(&app)[1], 19);
    let asked = |fx: &[Effect]| match fx {
        [Effect::Seller {
            call: SellerCall::Sales(q),
            ..
        }] => q.page,
        other => panic!("{other:?}"),
    };
    assert_eq!(asked(&common::keys(&mut app, "<PageDown>")), 2);
    app.update(Action::Seller {
        account: "shop".into(),
        reply: sales_page(2),
    });
    assert_eq!(seller_picked(&app)[1], 0);
    assert_eq!(asked(&common::keys(&mut app, "<C-u>")), 1);
    app.update(Action::Seller {
        account: "shop".into(),
        reply: sales_page(1),
    });
    assert_eq!(seller_picked(&app)[1], 19, "back on page 1's last row");
    assert!(common::screen(&mut app, 140, 40).contains("S1-19"));
}

/// The demo's seller account: a balance refresh (`g` or the timer) never
/// asks a seller key for a buyer balance, so its row never turns `ERR`;
/// `g` on its row says what a seller key shows and where; with it shown,
/// the catalog says its products are in `:seller`, not that nothing
/// matches a filter.
#[test]
fn g_and_the_catalog_on_a_seller_say_where_its_figures_are() {
    use otpdeck::app::Pane;
    let now = chrono::Utc::now();
    let (mut app, _) = App::new(
        vec![account("topup", false), account("shop", true)],
        AppSettings::default(),
        now,
    );
    app.view.focus = Pane::Balance;
    common::keys(&mut app, "j");
    assert_eq!(app.sel(Pane::Balance), 1, "on the seller's row");
    let fx = common::keys(&mut app, "g");
    assert_eq!(
        fx,
        vec![Effect::LoadBalance {
            account: "topup".into()
        }],
        "no buyer balance asked of a seller key"
    );
    let said = app.view.status.clone().map(|s| s.0).unwrap_or_default();
    assert!(
        said.contains("shop") && said.contains("seller") && said.contains(":seller"),
        "{said}"
    );
    let fx = app.update(Action::RefreshDue(now));
    assert_eq!(fx.len(), 1, "the timer leaves the seller out too: {fx:?}");
    // The seller shown: its catalog says where its products are.
    common::keys(&mut app, "]]");
    assert_eq!(app.view.active, Some(1));
    let s = common::screen(&mut app, 80, 24);
    assert!(!s.contains("Nothing matches the filter"), "{s}");
    assert!(s.contains(":seller"), "{s}");
    assert!(!s.contains("ERR"), "{s}");
}

/// The seller view's hints offer a key only on the tab where it works:
/// `c` copies a sale's SN (so it says "copy SN") on Sales, `p`/`t` are
/// for Products.
#[test]
fn the_seller_hints_follow_the_tab() {
    let mut app = seller_app();
    common::keys(&mut app, ":seller<Enter>");
    let hints = |app: &mut App| {
        let s = common::screen(app, 100, 24);
        s.lines().nth(23).unwrap_or("").to_string()
    };
    let products = hints(&mut app);
    assert!(!products.contains("copy"), "{products}");
    assert!(products.contains("p price"), "{products}");
    common::keys(&mut app, "<Tab>");
    let sales = hints(&mut app);
    assert!(sales.contains("c copy SN"), "{sales}");
    assert!(!sales.contains("p price"), "{sales}");
}

//! The postpaid bill popup through `App::update`: `:bill`, the number
//! check before anything is sent, the inquiry as an Effect, its answer
//! shown, and y paying the TOTAL as a journaled `bill:` buy.

use crate::common;

use common::*;
use otpdeck::app::{Action, App, Effect, Popup};
use otpdeck::domain::bill::Bill;
use otpdeck::domain::{Offer, Service};
use otpdeck::money::Rupiah;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn bill() -> Bill {
    Bill {
        product: "PLN-PASCA".into(),
        customer_number: "123456789012".into(),
        customer_name: Some("BUDI SANTOSO".into()),
        period: Some("2026-11".into()),
        bill: Rupiah(250_000),
        admin_fee: Rupiah(2_500),
        total: Rupiah(252_500),
    }
}

/// `:bill PLN-PASCA`, a customer number, Enter: the effects of the Enter.
fn ask(a: &mut App, number: &str) -> Vec<Effect> {
    keys(a, ":bill PLN-PASCA<Enter>");
    assert!(matches!(a.view.popups.last(), Some(Popup::Bill(_))));
    keys(a, number);
    keys(a, "<Enter>")
}

#[test]
fn bill_command_asks_the_bill_as_an_effect() {
    let mut a = app();
    let fx = ask(&mut a, "1234 5678 9012");
    assert_eq!(
        fx,
        vec![Effect::BillInquiry {
            account: "pulsa".into(),
            product: "PLN-PASCA".into(),
            customer: "123456789012".into(),
        }]
    );
    // A second Enter while asking sends nothing more.
    assert!(keys(&mut a, "<Enter>").is_empty());
}

#[test]
fn a_wrong_customer_number_is_refused_before_sending() {
    let mut a = app();
    let fx = ask(&mut a, "12ab");
    assert!(fx.is_empty());
    let Some(Popup::Bill(b)) = a.view.popups.last() else {
        panic!("bill popup closed");
    };
    assert!(b.error.as_deref().unwrap_or("").starts_with("Not sent"));
    // No product typed: refused too.
    let mut a = app();
    keys(&mut a, ":bill<Enter>");
    assert!(keys(&mut a, "<Enter>").is_empty());
}

#[test]
fn y_pays_the_total_as_a_journaled_bill_buy() {
    let mut a = app();
    ask(&mut a, "123456789012");
    a.update(Action::BillInquired {
        account: "pulsa".into(),
        result: Ok(bill()),
    });
    // 'n' would cancel; y pays.
    let fx = keys(&mut a, "y");
    let [Effect::Buy { account, request }] = fx.as_slice() else {
        panic!("expected one buy, got {fx:?}");
    };
    assert_eq!(account, "pulsa");
    assert_eq!(request.service_id, "bill:PLN-PASCA");
    assert_eq!(request.price, Rupiah(252_500));
    assert_eq!(request.customer_number.as_deref(), Some("123456789012"));
    assert!(!request.idempotency_key.is_empty());
    assert!(a.view.popups.is_empty());
    assert_eq!(a.book.pending.len(), 1);
}

#[test]
fn n_after_the_bill_pays_nothing_and_errors_show_in_the_popup() {
    let mut a = app();
    ask(&mut a, "123456789012");
    a.update(Action::BillInquired {
        account: "pulsa".into(),
        result: Err(otpdeck::domain::ProviderError::NotFound(
            "customer not found".into(),
        )),
    });
    let Some(Popup::Bill(b)) = a.view.popups.last() else {
        panic!("bill popup closed");
    };
    assert_eq!(b.error.as_deref(), Some("not found: customer not found"));
    assert!(b.bill.is_none() && !b.busy);
    a.update(Action::BillInquired {
        account: "pulsa".into(),
        result: Ok(bill()),
    });
    // Not asking any more: a late answer is dropped.
    let Some(Popup::Bill(b)) = a.view.popups.last() else {
        panic!("bill popup closed");
    };
    assert!(b.bill.is_none());
    keys(&mut a, "<Enter>");
    a.update(Action::BillInquired {
        account: "pulsa".into(),
        result: Ok(bill()),
    });
    assert!(keys(&mut a, "n").is_empty());
    assert!(a.view.popups.is_empty());
    assert!(a.book.pending.is_empty());
}

#[test]
fn open_bill_chooses_the_account_and_product() {
    let mut a = app();
    a.open_bill("pulsa", Some("PLN-PASCA"));
    keys(&mut a, "123456789012");
    assert_eq!(
        keys(&mut a, "<Enter>"),
        vec![Effect::BillInquiry {
            account: "pulsa".into(),
            product: "PLN-PASCA".into(),
            customer: "123456789012".into(),
        }]
    );
}

#[test]
fn bill_popup_after_inquiry_snapshot() {
    std::env::set_var("TZ", "UTC");
    let mut a = app();
    ask(&mut a, "123456789012");
    a.update(Action::BillInquired {
        account: "pulsa".into(),
        result: Ok(bill()),
    });
    a.update(Action::Resize(100, 30));
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, &a)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..30 {
        let mut line = String::new();
        for x in 0..100 {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    assert!(out.contains("252.500") || out.contains("252,500") || out.contains("252500"));
    insta::assert_snapshot!(out);
}

/// The catalog of the "pulsa" account: a prepaid PLN token group and the
/// postpaid PLN group beside it, as the adapter names them.
fn pln_catalog(a: &mut App) {
    keys(a, "jjj<Enter>");
    let svc = |id: &str, path: &[&str]| Service {
        id: id.into(),
        name: "PLN".into(),
        category: None,
        path: path.iter().map(|p| p.to_string()).collect(),
    };
    a.update(Action::ServicesLoaded {
        account: "pulsa".into(),
        result: Ok(vec![
            svc("pln:pln", &["Prabayar", "PLN"]),
            svc("bill:pln:pln", &["Pascabayar", "PLN"]),
        ]),
        now: t0(),
    });
}

#[test]
fn enter_on_a_postpaid_product_opens_its_bill_not_a_buy() {
    let mut a = app();
    pln_catalog(&mut a);
    // Prabayar, Pascabayar under the account: open Pascabayar → PLN → PLN.
    keys(&mut a, "jj<Enter>j<Enter>j");
    let fx = keys(&mut a, "<Enter>");
    assert_eq!(
        fx,
        vec![Effect::LoadOffers {
            account: "pulsa".into(),
            service_id: "bill:pln:pln".into(),
            country_id: None,
        }]
    );
    a.update(Action::OffersLoaded {
        account: "pulsa".into(),
        service_id: "bill:pln:pln".into(),
        country_id: None,
        result: Ok(vec![Offer {
            id: "PLN-PASCABAYAR".into(),
            service_id: "bill:pln:pln".into(),
            country_id: None,
            label: "PLN Pascabayar".into(),
            price: Rupiah(2_500),
            stock: None,
            success_rate: None,
            operators: vec![],
            available: true,
        }]),
        now: t0(),
    });
    // The list gives only the admin fee; the row says so.
    let screen = screen(&mut a, 120, 40);
    assert!(screen.contains("admin Rp 2.500"), "{screen}");
    assert!(keys(&mut a, "j<Enter>").is_empty());
    let Some(Popup::Bill(b)) = a.view.popups.last() else {
        panic!("expected the bill popup, got {:?}", a.view.popups.last());
    };
    assert_eq!(b.product.value(), "PLN-PASCABAYAR");
    assert!(a.book.pending.is_empty());
    // The number typed goes to the inquiry, not to a buy.
    keys(&mut a, "123456789012");
    assert_eq!(
        keys(&mut a, "<Enter>"),
        vec![Effect::BillInquiry {
            account: "pulsa".into(),
            product: "PLN-PASCABAYAR".into(),
            customer: "123456789012".into(),
        }]
    );
}

#[test]
fn buy_by_name_never_picks_a_postpaid_group() {
    let mut a = app();
    pln_catalog(&mut a);
    // `:buy` walks the shown account's catalog.
    a.view.active = Some(3);
    let fx = keys(&mut a, ":buy pln<Enter>");
    assert_eq!(
        fx,
        vec![Effect::LoadOffers {
            account: "pulsa".into(),
            service_id: "pln:pln".into(),
            country_id: None,
        }]
    );
}

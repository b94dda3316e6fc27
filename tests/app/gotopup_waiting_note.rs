//! "pending, waiting for the provider's callback" on the row (issue 11):
//! an Otomax order without a history key (and without
//! `otomax_resend_is_status`) carries the adapter's message from each poll
//! to the orders pane, without a journal write per poll, and the note goes
//! once the order ends.

use crate::common;

use common::*;
use otpdeck::app::Action;
use otpdeck::app::BookAction;
use otpdeck::domain::*;
use otpdeck::engine::journal::Journal;
use otpdeck::engine::orders;
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, ProviderSettings};
use otpdeck::secret::Secret;
use otpdeck::sim::{self, SimOptions};
use std::time::Duration;

const WAITING: &str = "pending, waiting for the provider's callback";

#[tokio::test]
async fn an_otomax_poll_without_history_key_brings_the_note_and_writes_nothing() {
    let sim = sim::start_local(SimOptions {
        otp_delay: Duration::from_millis(300),
        ..Default::default()
    })
    .await
    .expect("sim starts");
    let mut s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        sim.urls.gotopup.clone(),
        Auth::Otomax {
            username: "sim-oto-note".into(),
            sign: Secret::new("SIGN-1"),
        },
    );
    s.http.backoff = Duration::from_millis(20);
    let p = providers::build(&s).expect("adapter");
    let j = Journal::open_in_memory().expect("journal");
    let req = BuyRequest {
        service_id: "pulsa:telkomsel".into(),
        service_name: "Pulsa Telkomsel 10.000".into(),
        country_id: None,
        country_name: None,
        offer_id: "TELKOMSEL10".into(),
        price: Rupiah(10_500),
        operator: None,
        idempotency_key: "OTO-NOTE-1".into(),
        customer_number: Some("081234567890".into()),
    };
    let placed = orders::buy(p.as_ref(), &j, "oto", &req).await.expect("buy");
    let id = placed.order.id;
    let events_before = j.events(id).expect("events").len();
    for _ in 0..3 {
        let c = orders::poll(p.as_ref(), &j, &placed.order)
            .await
            .expect("poll");
        assert!(!c.status_changed);
        assert!(!c.order.status.is_final());
        assert_eq!(c.note.as_deref(), Some(WAITING));
    }
    assert_eq!(
        j.events(id).expect("events").len(),
        events_before,
        "a poll that brings only the note writes no journal event"
    );
}

#[test]
fn the_note_shows_on_the_row_and_goes_when_the_order_ends() {
    let mut a = app();
    let mut o = order(7, "pulsa", ProviderKind::GoTopUp, OrderStatus::Waiting, &[]);
    o.service = "Pulsa".into();
    o.expires_at = None;
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    let plain = screen(&mut a, 220, 30);
    assert!(!plain.contains("waiting for the provider"), "{plain}");
    a.update(Action::Book(BookAction::OrderNote {
        order_id: 7,
        note: Some(WAITING.into()),
    }));
    let shown = screen(&mut a, 220, 30);
    let row = shown
        .lines()
        .find(|l| l.contains("#7"))
        .expect("the order's row");
    assert!(row.contains(WAITING), "{row}");
    let narrow = screen(&mut a, 120, 30);
    let row = narrow.lines().find(|l| l.contains("#7")).expect("row");
    assert!(row.contains("pending, waiting"), "{row}");
    // A poll without a note clears it.
    a.update(Action::Book(BookAction::OrderNote {
        order_id: 7,
        note: None,
    }));
    assert!(!screen(&mut a, 160, 30).contains("waiting for the provider"));
    // An order that ends drops its note, even one set just before.
    a.update(Action::Book(BookAction::OrderNote {
        order_id: 7,
        note: Some(WAITING.into()),
    }));
    o.status = OrderStatus::Finished;
    o.sn = Some("SN123".into());
    a.update(Action::Book(BookAction::OrderChanged(o)));
    assert!(a.book.order_note(7).is_none());
    assert!(!screen(&mut a, 160, 30).contains("waiting for the provider"));
}

#[test]
fn a_postpaid_product_chosen_opens_the_bill_popup_and_buys_nothing() {
    let mut a = app();
    let fx = a.postpaid_chosen("pulsa", "PLN-PASCABAYAR");
    assert!(fx.is_empty(), "nothing is sent before the customer number");
    let (text, _) = a.view.status.clone().expect("a status message");
    assert!(text.contains("PLN-PASCABAYAR is a postpaid bill"), "{text}");
    assert!(
        matches!(a.popup(), Some(otpdeck::app::Popup::Bill(_))),
        "the bill popup, not a buy confirmation"
    );
}

/// A top-up's row says it is processing, and `c` on it copies an SN.
#[test]
fn a_top_up_is_processing_and_its_result_an_sn() {
    let mut a = app();
    let mut o = order(7, "pulsa", ProviderKind::GoTopUp, OrderStatus::Waiting, &[]);
    o.service = "Pulsa".into();
    a.update(Action::Book(BookAction::OrderChanged(o)));
    a.view.focus = otpdeck::app::Pane::Orders;
    let s = screen(&mut a, 160, 30);
    let row = s.lines().find(|l| l.contains("#7")).expect("row");
    assert!(
        row.contains("processing") && !row.contains("waiting"),
        "{row}"
    );
    assert!(s.contains("c copy SN"), "{s}");
}

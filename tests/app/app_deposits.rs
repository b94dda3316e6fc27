//! The deposit flow in `update`: the form, the confirmation over it, the
//! effect, the QR popup when the invoice arrives, polling and resuming.

use crate::common;

use chrono::Duration;
use common::*;
use otpdeck::app::popups::DepositForm;
use otpdeck::app::popups::DepositQr;
use otpdeck::app::BookAction;
use otpdeck::app::{Action, Effect, Popup};
use otpdeck::domain::*;
use otpdeck::money::Rupiah;

fn deposit(
    id: i64,
    account: &str,
    kind: ProviderKind,
    status: DepositStatus,
    key: &str,
) -> Deposit {
    Deposit {
        id,
        account: account.into(),
        provider: kind,
        key: key.into(),
        provider_id: Some(format!("WN{id}")),
        amount: Rupiah(50_000),
        method: DepositMethod::Qris,
        status,
        total: Some(Rupiah(50_200)),
        fee: Some(Rupiah(200)),
        credited: None,
        payment: Some("00020101021226".into()),
        paid_with: None,
        note: None,
        created_at: t0(),
        updated_at: t0(),
        expires_at: Some(t0() + Duration::minutes(30)),
        extras: Vec::new(),
    }
}

#[test]
fn the_form_checks_the_minimum_then_a_confirmation_opens_over_it() {
    let mut a = app();
    keys(&mut a, "d");
    assert!(
        matches!(a.popup(), Some(Popup::DepositForm(DepositForm { account, .. })) if account == "gate")
    );
    // Letters are not amounts; a too-small amount is refused with nothing sent.
    keys(&mut a, "<BS><BS><BS><BS><BS>1x5<Enter>");
    assert!(matches!(
        a.popup(),
        Some(Popup::DepositForm(DepositForm { .. }))
    ));
    let (text, _) = a.view.status.clone().expect("status");
    assert!(text.contains("at least Rp 2.000"), "{text}");
    // Tab goes to the next preset.
    keys(&mut a, "<Tab>");
    match a.popup() {
        Some(Popup::DepositForm(DepositForm { amount, .. })) => assert_eq!(amount.value(), "50000"),
        other => panic!("{other:?}"),
    }
    keys(&mut a, "<Enter>");
    assert_eq!(a.view.popups.len(), 2, "the confirmation is over the form");
    keys(&mut a, "<Esc>");
    assert!(
        matches!(a.popup(), Some(Popup::DepositForm(DepositForm { .. }))),
        "Esc closed the top one only"
    );
    let e = keys(&mut a, "<Enter>y");
    match e.as_slice() {
        [Effect::CreateDeposit { account, request }] => {
            assert_eq!(account, "gate");
            assert_eq!(request.amount, Rupiah(50_000));
            assert_eq!(request.method, DepositMethod::Qris);
        }
        other => panic!("{other:?}"),
    }
    assert!(a.view.popups.is_empty(), "form and confirmation closed");
}

#[test]
fn the_invoice_opens_its_qr_code_and_is_polled_until_paid() {
    let mut a = app();
    keys(&mut a, "d<Enter>y");
    let key = a.view.deposit_to_show.clone().expect("the key to show");
    let pending = deposit(
        1,
        "gate",
        ProviderKind::GateOtp,
        DepositStatus::Pending,
        &key,
    );
    let e = a.update(Action::Book(BookAction::DepositChanged(pending.clone())));
    assert_eq!(e, vec![Effect::WatchDeposit(pending.clone())]);
    assert!(matches!(
        a.popup(),
        Some(Popup::DepositQr(DepositQr { id: 1 }))
    ));
    assert!(a.needs_tick(), "the countdown ticks");
    // `c` copies the code as text, whole, whatever the screen wrapped.
    assert_eq!(
        keys(&mut a, "c"),
        vec![Effect::Copy {
            text: "00020101021226".into(),
            what: "payment code".into()
        }]
    );
    let mut paid = pending;
    paid.status = DepositStatus::Success;
    paid.credited = Some(Rupiah(50_000));
    paid.paid_with = Some("DANA".into());
    let e = a.update(Action::Book(BookAction::DepositChanged(paid)));
    assert_eq!(
        e,
        vec![Effect::LoadBalance {
            account: "gate".into()
        }]
    );
    let (text, _) = a.view.status.clone().expect("status");
    assert!(
        text.contains("Rp 50.000 credited") && text.contains("DANA"),
        "{text}"
    );
}

#[test]
fn pending_deposits_resume_polling_and_only_gateotp_cancels() {
    let mut a = app();
    let gate = deposit(
        1,
        "gate",
        ProviderKind::GateOtp,
        DepositStatus::Pending,
        "k1",
    );
    let zap = deposit(2, "zap", ProviderKind::OtpZap, DepositStatus::Pending, "k2");
    let done = deposit(
        3,
        "gate",
        ProviderKind::GateOtp,
        DepositStatus::Success,
        "k3",
    );
    let e = a.update(Action::Book(BookAction::DepositsRestored(vec![
        gate.clone(),
        zap.clone(),
        done,
    ])));
    assert_eq!(
        e,
        vec![Effect::WatchDeposit(gate), Effect::WatchDeposit(zap)]
    );
    // The list is newest first: #3, #2, #1.
    keys(&mut a, "D");
    assert!(keys(&mut a, "jx").is_empty(), "OTPZap has no cancel");
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("cannot be cancelled")));
    // x asks first; n keeps the deposit, y cancels it.
    assert!(keys(&mut a, "jx").is_empty());
    assert!(matches!(
        a.popup(),
        Some(Popup::ConfirmDepositCancel(c)) if c.deposit_id == 1
    ));
    assert!(keys(&mut a, "n").is_empty());
    assert!(matches!(a.popup(), Some(Popup::Deposits(_))));
    assert_eq!(
        keys(&mut a, "xy"),
        vec![Effect::CancelDeposit { deposit_id: 1 }]
    );
    assert!(matches!(a.popup(), Some(Popup::Deposits(_))));
    // Enter shows the code; Esc closes it, then the list.
    keys(&mut a, "<Enter>");
    assert!(matches!(
        a.popup(),
        Some(Popup::DepositQr(DepositQr { id: 1 }))
    ));
    keys(&mut a, "<Esc><Esc>");
    assert!(a.view.popups.is_empty());
}

#[test]
fn an_unclear_deposit_says_so() {
    let mut a = app();
    let mut d = deposit(
        4,
        "gate",
        ProviderKind::GateOtp,
        DepositStatus::Unknown,
        "k4",
    );
    d.provider_id = None;
    let e = a.update(Action::Book(BookAction::DepositChanged(d)));
    assert!(e.is_empty(), "not polled: the provider has no id for it");
    let (text, _) = a.view.status.clone().expect("status");
    assert!(
        text.contains("no clear reply") && text.contains("Check the provider"),
        "{text}"
    );
}

fn picked_deposit(a: &otpdeck::app::App) -> usize {
    match a.popup() {
        Some(Popup::Deposits(d)) => d.selected,
        other => panic!("deposits not on top: {other:?}"),
    }
}

/// Thirty deposits at 80×24: the list shows twenty, a page key moves that
/// many, Home/End jump, and the row picked is the one drawn.
#[test]
fn the_deposit_list_pages_and_jumps() {
    let mut a = app();
    for id in 1..=30 {
        let d = deposit(
            id,
            "gate",
            ProviderKind::GateOtp,
            DepositStatus::Pending,
            &format!("k{id}"),
        );
        a.update(Action::Book(BookAction::DepositChanged(d)));
    }
    a.update(Action::Resize(80, 24));
    keys(&mut a, "D");
    keys(&mut a, "<PageDown>");
    assert_eq!(picked_deposit(&a), 20);
    // Newest first: the 21st is #10, at the bottom of rows #29 to #10.
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("#10 gate") && s.contains("#29 gate"), "{s}");
    assert!(!s.contains("#30 gate"), "{s}");
    keys(&mut a, "<End>");
    assert_eq!(picked_deposit(&a), 29);
    assert!(screen(&mut a, 80, 24).contains("#1  gate"));
    keys(&mut a, "<C-d>");
    assert_eq!(picked_deposit(&a), 29, "stops at the last row");
    keys(&mut a, "<C-u>");
    assert_eq!(picked_deposit(&a), 9);
    keys(&mut a, "<PageUp>");
    assert_eq!(picked_deposit(&a), 0);
    keys(&mut a, "<C-d>k<Home>j");
    assert_eq!(picked_deposit(&a), 1);
    // Enter shows the picked one's code.
    keys(&mut a, "<Enter>");
    assert!(matches!(
        a.popup(),
        Some(Popup::DepositQr(DepositQr { id: 29 }))
    ));
}

/// A GateOTP USDT invoice whose reply carried fields the doc does not
/// name: the QR popup shows each one whole, labelled by its key, at every
/// size (beside the code, under it, or in the box with the size it
/// needs), with provider text made visible; the key line always shows.
#[test]
fn a_usdt_invoice_shows_its_address_and_usdt_amount_whole() {
    const ADDRESS: &str = "TSimulatorUsdtAddressWN0000000001";
    let mut usdt = deposit(
        1,
        "gate",
        ProviderKind::GateOtp,
        DepositStatus::Pending,
        "k1",
    );
    usdt.method = DepositMethod::UsdtTrc20;
    usdt.total = Some(Rupiah(51_000));
    usdt.payment = Some(ADDRESS.into());
    usdt.extras = vec![
        ("address".into(), ADDRESS.into()),
        ("amount_usdt".into(), "3.138462".into()),
        ("network".into(), "TRC-20 \u{1b}[31m(TRON)".into()),
    ];
    for (w, h) in [(80, 24), (60, 20), (140, 40)] {
        let mut a = app();
        a.update(Action::Book(BookAction::DepositsRestored(vec![
            usdt.clone()
        ])));
        keys(&mut a, "D<Enter>");
        assert!(
            matches!(a.popup(), Some(Popup::DepositQr(DepositQr { id: 1 }))),
            "{:?}",
            a.popup().map(|p| p.kind())
        );
        let s = screen(&mut a, w, h);
        for whole in [ADDRESS, "amount_usdt", "3.138462", "network", "TRC-20"] {
            assert!(s.contains(whole), "{w}×{h}: {whole} not whole:\n{s}");
        }
        assert!(s.contains("address"), "{w}×{h}: labelled by key:\n{s}");
        assert!(
            !s.contains('\u{1b}'),
            "{w}×{h}: an escape reached the screen"
        );
        assert!(
            s.contains("[31m(TRON)"),
            "{w}×{h}: shown, made visible:\n{s}"
        );
        assert!(s.contains("back"), "{w}×{h}: the key line:\n{s}");
        assert!(s.contains("c copy code"), "{w}×{h}: copy offered:\n{s}");
        // What a copy says is seen: the status bar stays under the code.
        a.set_status("Copied payment code", otpdeck::app::Level::Ok);
        let s = screen(&mut a, w, h);
        let bar = s.lines().nth(h as usize - 2).unwrap_or("");
        assert!(bar.contains("Copied payment code"), "{w}×{h}:\n{s}");
        assert!(!s.contains("doc names no USDT amount"), "{w}×{h}:\n{s}");
        if (w, h) == (140, 40) {
            std::env::set_var("TZ", "UTC");
            insta::assert_snapshot!(s);
        }
    }
}

/// An OTPZap deposit's payment page: its URL on one line (beside the
/// code where the screen allows, else under it), to read or copy whole.
#[test]
fn an_otpzap_payment_url_is_on_one_line() {
    const URL: &str = "https://otpzap.sim/pay/APIDEP-3-0000000001";
    let mut zap = deposit(1, "zap", ProviderKind::OtpZap, DepositStatus::Pending, "k1");
    zap.payment = Some(URL.into());
    for (w, h) in [(80, 24), (140, 40)] {
        let mut a = app();
        a.update(Action::Book(BookAction::DepositsRestored(
            vec![zap.clone()],
        )));
        keys(&mut a, "D<Enter>");
        let s = screen(&mut a, w, h);
        assert!(s.contains(URL), "{w}×{h}: the URL is cut or wrapped:\n{s}");
    }
}

/// `x cancel` is offered on a deposit's QR only where it works: not on
/// OTPZap's (it cancels no deposit), on a pending GateOTP one.
#[test]
fn cancel_is_offered_only_where_it_works() {
    let zap = deposit(1, "zap", ProviderKind::OtpZap, DepositStatus::Pending, "k1");
    let gate = deposit(
        2,
        "gate",
        ProviderKind::GateOtp,
        DepositStatus::Pending,
        "k2",
    );
    let mut a = app();
    a.update(Action::Book(BookAction::DepositsRestored(vec![zap, gate])));
    // Newest first: the GateOTP one, then OTPZap's.
    keys(&mut a, "Dj<Enter>");
    let hints = |a: &mut otpdeck::app::App| {
        let s = screen(a, 80, 24);
        s.lines().nth(23).unwrap_or("").to_string()
    };
    assert!(!hints(&mut a).contains("cancel"), "{}", hints(&mut a));
    keys(&mut a, "<Esc>k<Enter>");
    assert!(hints(&mut a).contains("x cancel"), "{}", hints(&mut a));
}

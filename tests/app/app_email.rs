//! Email orders (OTPZap Server 3) in the dashboard: bought from the
//! catalog's Email branch with the keyboard, the OTP copied with `c`, `r`
//! reorders (no buy), cancel only before a message and showing the refund
//! less the fee, `m` opens the message timeline; snapshots of the email
//! rows and of the timeline.

use crate::common;

use common::*;
use otpdeck::app::popups::ConfirmCancel;
use otpdeck::app::BookAction;
use otpdeck::app::{Action, App, Effect, Pane, Popup};
use otpdeck::domain::email::{EmailSpec, EMAIL_SERVICE_ID};
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn screen(app: &mut App, w: u16, h: u16) -> String {
    std::env::set_var("TZ", "UTC");
    app.update(Action::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn spec(domain: &str, fee: i64) -> EmailSpec {
    EmailSpec {
        site: "openai.com".into(),
        domains: vec![domain.into()],
        fee: Some(fee),
        ..EmailSpec::default()
    }
}

fn domain_offers() -> Vec<Offer> {
    let o = |d: &str, price: i64, stock: u64, fee: i64| Offer {
        id: spec(d, fee).offer_id(),
        service_id: EMAIL_SERVICE_ID.into(),
        country_id: Some("openai.com".into()),
        label: format!("@{d} · fee {}", Rupiah(fee)),
        price: Rupiah(price),
        stock: Some(stock),
        success_rate: Some(91.5),
        operators: Vec::new(),
        available: true,
    };
    vec![
        o("gmail.com", 3000, 25, 500),
        o("outlook.com", 2200, 40, 300),
    ]
}

fn email_order(id: i64, status: OrderStatus, otps: &[&str]) -> Order {
    let mut o = order(id, "zap", ProviderKind::OtpZap, status, otps);
    o.service_id = EMAIL_SERVICE_ID.into();
    o.service = "Email OTP".into();
    o.country = Some("openai.com".into());
    o.country_name = Some("openai.com".into());
    o.offer_id = spec("gmail.com", 500).offer_id();
    o.provider_order_id = Some(format!("APIE-3-{}", 1000 + id));
    o.number = Some(format!("kira{}@gmail.com", 1000 + id));
    o.price = Rupiah(3000);
    o
}

fn messages() -> Vec<EmailMessage> {
    vec![
        EmailMessage {
            from: "noreply@openai.com".into(),
            subject: "Your OpenAI verification code".into(),
            received_at: Some(t0() + chrono::Duration::seconds(40)),
            preview: "Your verification code is 481516. It expires in 10 minutes.".into(),
            otp: Some("481516".into()),
        },
        EmailMessage {
            from: "noreply@openai.com".into(),
            subject: "Confirm your email".into(),
            received_at: Some(t0() + chrono::Duration::seconds(300)),
            preview: "Click the link to confirm your email address.".into(),
            otp: None,
        },
    ]
}

#[test]
fn an_email_inbox_is_bought_from_the_catalog_with_the_keyboard() {
    let mut a = app();
    let now = a.now;
    // Accounts: gate, nex, zap, pulsa; open zap.
    keys(&mut a, "jj<Enter>");
    a.update(Action::ServicesLoaded {
        account: "zap".into(),
        result: Ok(vec![Service {
            id: EMAIL_SERVICE_ID.into(),
            name: "Email OTP".into(),
            category: Some("Email".into()),
            path: Vec::new(),
        }]),
        now,
    });
    let fx = keys(&mut a, "j<Enter>");
    assert!(fx.contains(&Effect::LoadCountries {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into()
    }));
    a.update(Action::CountriesLoaded {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into(),
        result: Ok(vec![Country {
            id: "openai.com".into(),
            name: "OpenAI (openai.com)".into(),
            prefix: None,
            stock: None,
        }]),
        now,
    });
    let fx = keys(&mut a, "j<Enter>");
    assert!(fx.contains(&Effect::LoadOffers {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into(),
        country_id: Some("openai.com".into()),
    }));
    a.update(Action::OffersLoaded {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into(),
        country_id: Some("openai.com".into()),
        result: Ok(domain_offers()),
        now,
    });
    let catalog = screen(&mut a, 120, 30);
    assert!(catalog.contains("@gmail.com · fee Rp 500"), "{catalog}");
    // Offers are sorted by price: outlook (2 200) first.
    keys(&mut a, "j<Enter>");
    let confirm = screen(&mut a, 120, 30);
    assert!(confirm.contains("Rp 2.200"), "{confirm}");
    assert!(confirm.contains("Rp 123.300"), "balance after: {confirm}");
    let fx = keys(&mut a, "y");
    let Some(Effect::Buy { account, request }) = fx.first() else {
        panic!("expected a buy, got {fx:?}");
    };
    assert_eq!(account, "zap");
    let s = EmailSpec::parse(&request.offer_id).expect("an email offer");
    assert_eq!(s.site, "openai.com");
    assert_eq!(s.domains, vec!["outlook.com".to_string()]);
    assert_eq!(request.price, Rupiah(2200));
}

#[test]
fn the_otp_is_copied_reorder_is_offered_and_cancel_needs_no_mail() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(email_order(
        1,
        OrderStatus::Waiting,
        &[],
    ))));
    a.view.focus = Pane::Orders;
    // No mail yet: finish and reorder are refused, cancel asks with the
    // refund less the fee, and no two-minute wait applies.
    assert!(keys(&mut a, "f").is_empty());
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("no message yet")));
    assert!(keys(&mut a, "r").is_empty());
    assert!(keys(&mut a, "x").is_empty());
    assert!(matches!(
        a.view.popups.last(),
        Some(Popup::ConfirmCancel(ConfirmCancel { order_id: 1 }))
    ));
    let s = screen(&mut a, 120, 30);
    assert!(
        s.contains("Refund Rp 2.500 (Rp 3.000 less Rp 500 fee)"),
        "{s}"
    );
    assert_eq!(
        keys(&mut a, "y"),
        vec![Effect::Order {
            op: OrderOp::Cancel,
            order_id: 1
        }]
    );

    // Mail arrives on the inbox: `c` copies its OTP, `n` the address.
    a.update(Action::Book(BookAction::OrderChanged(email_order(
        1,
        OrderStatus::OtpReceived,
        &["481516"],
    ))));
    assert_eq!(
        keys(&mut a, "c"),
        vec![Effect::Copy {
            text: "481516".into(),
            what: "OTP".into()
        }]
    );
    assert_eq!(
        keys(&mut a, "n"),
        vec![Effect::Copy {
            text: "kira1001@gmail.com".into(),
            what: "number".into()
        }]
    );
    // After a message: cancel refused, reorder and finish sent (a reorder
    // is an order op, never a buy).
    assert!(keys(&mut a, "x").is_empty());
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("cannot be cancelled")));
    let fx = keys(&mut a, "r");
    assert_eq!(
        fx,
        vec![Effect::Order {
            op: OrderOp::Resend,
            order_id: 1
        }]
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Buy { .. })));
    assert_eq!(
        keys(&mut a, "f"),
        vec![Effect::Order {
            op: OrderOp::Finish,
            order_id: 1
        }]
    );
}

#[test]
fn the_timeline_opens_with_m_and_follows_the_order() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(email_order(
        2,
        OrderStatus::OtpReceived,
        &["481516"],
    ))));
    a.view.focus = Pane::Orders;
    assert_eq!(
        keys(&mut a, "m"),
        vec![Effect::LoadEmailMessages { order_id: 2 }]
    );
    a.update(Action::EmailMessages {
        order_id: 2,
        result: Ok(messages()[..1].to_vec()),
    });
    // A new message: the open timeline reloads from the journal.
    let fx = a.update(Action::Book(BookAction::OrderChanged(email_order(
        2,
        OrderStatus::OtpReceived,
        &["481516", "Confirm your email"],
    ))));
    assert!(fx.contains(&Effect::LoadEmailMessages { order_id: 2 }));
    a.update(Action::EmailMessages {
        order_id: 2,
        result: Ok(messages()),
    });
    // `c` in the timeline copies the latest OTP or headline.
    assert_eq!(
        keys(&mut a, "c"),
        vec![Effect::Copy {
            text: "Confirm your email".into(),
            what: "OTP".into()
        }]
    );
    insta::assert_snapshot!("email_timeline", screen(&mut a, 100, 30));
    keys(&mut a, "<Esc>");
    assert!(a.view.popups.is_empty());
    // `m` on an SMS order says so.
    a.update(Action::Book(BookAction::OrderChanged(order(
        3,
        "zap",
        ProviderKind::OtpZap,
        OrderStatus::Waiting,
        &[],
    ))));
    a.update(Action::EmailMessages {
        order_id: 9,
        result: Err("x".into()),
    });
}

#[test]
fn email_rows_show_the_address_window_and_otp() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(email_order(
        4,
        OrderStatus::Waiting,
        &[],
    ))));
    let mut got = email_order(5, OrderStatus::OtpReceived, &["481516"]);
    // A message extended the window.
    got.expires_at = Some(t0() + chrono::Duration::minutes(25));
    a.update(Action::Book(BookAction::OrderChanged(got)));
    a.view.focus = Pane::Orders;
    insta::assert_snapshot!("email_rows", screen(&mut a, 120, 24));
}

#[test]
fn colon_email_opens_any_typed_site_loading_what_is_missing() {
    let mut a = app();
    let now = a.now;
    let fx = keys(&mut a, ":email https://Example.org/<Enter>");
    assert_eq!(
        fx,
        vec![Effect::LoadServices {
            account: "zap".into()
        }]
    );
    let fx = a.update(Action::ServicesLoaded {
        account: "zap".into(),
        result: Ok(vec![Service {
            id: EMAIL_SERVICE_ID.into(),
            name: "Email OTP".into(),
            category: Some("Email".into()),
            path: Vec::new(),
        }]),
        now,
    });
    assert!(fx.contains(&Effect::LoadCountries {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into()
    }));
    let fx = a.update(Action::CountriesLoaded {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into(),
        result: Ok(vec![Country {
            id: "openai.com".into(),
            name: "OpenAI (openai.com)".into(),
            prefix: None,
            stock: None,
        }]),
        now,
    });
    // example.org is not a suggestion, yet it is opened.
    assert!(fx.contains(&Effect::LoadOffers {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into(),
        country_id: Some("example.org".into()),
    }));
    assert_eq!(a.view.focus, Pane::Catalog);
    let s = screen(&mut a, 120, 30);
    assert!(s.contains("example.org"), "{s}");
    assert!(s.contains("OpenAI (openai.com)"), "{s}");
    // Nothing typed: usage, no effect.
    assert!(keys(&mut a, ":email<Enter>").is_empty());
    assert!(a
        .view
        .status
        .as_ref()
        .is_some_and(|(s, _)| s.contains("Usage")));
}

#[test]
fn colon_email_with_options_asks_to_confirm_that_buy() {
    let mut a = app();
    keys(
        &mut a,
        ":email openai.com domain=gmail.com,outlook.com subject=Your code<Enter>",
    );
    load_site_levels(&mut a);
    assert!(a.view.popups.is_empty(), "waits for the domains");
    load_domains(&mut a);
    let s = screen(&mut a, 120, 30);
    assert!(s.contains("@gmail.com or @outlook.com"), "{s}");
    // Aggregator mode: priced at the dearest domain asked.
    assert!(s.contains("Rp 3.000") && s.contains("Rp 122.500"), "{s}");
    let fx = keys(&mut a, "y");
    let Some(Effect::Buy { request, .. }) = fx.first() else {
        panic!("expected a buy, got {fx:?}");
    };
    let spec = EmailSpec::parse(&request.offer_id).expect("email offer");
    assert_eq!(spec.domains, vec!["gmail.com", "outlook.com"]);
    assert_eq!(spec.subject.as_deref(), Some("Your code"));
    assert_eq!(spec.fee, Some(500));
    assert_eq!(request.price, Rupiah(3000));
}

#[test]
fn r_on_an_email_row_is_hinted_as_reorder() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(email_order(
        1,
        OrderStatus::OtpReceived,
        &["481516"],
    ))));
    a.view.focus = Pane::Orders;
    let s = screen(&mut a, 160, 30);
    let bar = s.lines().rev().find(|l| l.contains(" r ")).unwrap_or("");
    assert!(bar.contains("r reorder"), "{s}");
    assert!(!bar.contains("resend"), "{s}");
}

#[test]
fn auto_cancel_of_an_email_inbox_names_the_fee_and_can_be_turned_off() {
    let near = t0() + chrono::Duration::minutes(19) + chrono::Duration::seconds(5);
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(email_order(
        21,
        OrderStatus::Waiting,
        &[],
    ))));
    assert_eq!(
        a.update(Action::Tick(near)),
        vec![Effect::Order {
            op: OrderOp::Cancel,
            order_id: 21,
        }]
    );
    let (text, _) = a.view.status.clone().expect("a status line");
    assert!(
        text.contains("no message")
            && text.contains("Rp 2.500 back")
            && text.contains("Rp 500 fee"),
        "{text}"
    );
    let (mut off, _) = app_with(otpdeck::app::AppSettings {
        auto_cancel_email: false,
        ..Default::default()
    });
    off.update(Action::Book(BookAction::OrderChanged(email_order(
        22,
        OrderStatus::Waiting,
        &[],
    ))));
    off.update(Action::Book(BookAction::OrderChanged(order(
        23,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    assert_eq!(
        off.update(Action::Tick(near)),
        vec![Effect::Order {
            op: OrderOp::Cancel,
            order_id: 23,
        }],
        "the SMS order is still cancelled, the inbox is left alone"
    );
}

#[test]
fn colon_email_qty_confirms_n_inboxes_as_one_batch_of_keyed_buys() {
    let mut a = app();
    keys(&mut a, ":email openai.com domain=outlook.com qty=3<Enter>");
    load_site_levels(&mut a);
    load_domains(&mut a);
    let s = screen(&mut a, 120, 30);
    // Three at Rp 2.200 from a balance of Rp 125.500.
    assert!(s.contains("Rp 2.200 × 3 = Rp 6.600"), "{s}");
    assert!(s.contains("Rp 118.900"), "the balance after all three: {s}");
    let fx = keys(&mut a, "y");
    let [Effect::BuyBatch { account, requests }] = fx.as_slice() else {
        panic!("expected one batch, got {fx:?}");
    };
    assert_eq!(account, "zap");
    let keys: Vec<&str> = requests
        .iter()
        .map(|r| r.idempotency_key.as_str())
        .collect();
    let base = keys[0].trim_end_matches("-1");
    assert_eq!(
        keys,
        [
            format!("{base}-1"),
            format!("{base}-2"),
            format!("{base}-3")
        ]
    );
    assert!(requests.iter().all(|r| r.price == Rupiah(2200)));
    assert_eq!(a.book.pending.len(), 3, "each buy shows as pending");
}

/// The Email branch and openai.com arrive, as the runtime would load them.
fn load_site_levels(a: &mut App) {
    let now = a.now;
    a.update(Action::ServicesLoaded {
        account: "zap".into(),
        result: Ok(vec![Service {
            id: EMAIL_SERVICE_ID.into(),
            name: "Email OTP".into(),
            category: Some("Email".into()),
            path: Vec::new(),
        }]),
        now,
    });
    a.update(Action::CountriesLoaded {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into(),
        result: Ok(vec![Country {
            id: "openai.com".into(),
            name: "OpenAI (openai.com)".into(),
            prefix: None,
            stock: None,
        }]),
        now,
    });
}

/// openai.com's domains arrive.
fn load_domains(a: &mut App) {
    let now = a.now;
    a.update(Action::OffersLoaded {
        account: "zap".into(),
        service_id: EMAIL_SERVICE_ID.into(),
        country_id: Some("openai.com".into()),
        result: Ok(domain_offers()),
        now,
    });
}

fn timeline_first(a: &App) -> usize {
    match a.popup() {
        Some(Popup::EmailDetail(d)) => d.first,
        other => panic!("timeline not on top: {other:?}"),
    }
}

/// Fourteen messages at 80×24: six show (the box is as tall as its
/// lines), the list keys scroll a message at a time or six, End shows the
/// newest filling the box.
#[test]
fn a_long_timeline_scrolls_by_messages() {
    let mut a = app();
    a.update(Action::Book(BookAction::OrderChanged(email_order(
        2,
        OrderStatus::OtpReceived,
        &["481516"],
    ))));
    a.view.focus = Pane::Orders;
    a.update(Action::Resize(80, 24));
    keys(&mut a, "m");
    let many: Vec<EmailMessage> = (1..=14)
        .map(|i| EmailMessage {
            subject: format!("Message number {i:02}"),
            ..messages()[1].clone()
        })
        .collect();
    a.update(Action::EmailMessages {
        order_id: 2,
        result: Ok(many.clone()),
    });
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("number 06") && !s.contains("number 07"), "{s}");
    assert!(s.contains("1–6 of 14"), "{s}");
    keys(&mut a, "<PageDown>");
    assert_eq!(timeline_first(&a), 6);
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("number 07") && s.contains("number 12"), "{s}");
    assert!(!s.contains("number 06") && !s.contains("number 13"), "{s}");
    keys(&mut a, "<End>");
    assert_eq!(timeline_first(&a), 8);
    keys(&mut a, "j<C-d>");
    assert_eq!(timeline_first(&a), 8, "the newest fill the box");
    assert!(screen(&mut a, 80, 24).contains("number 14"));
    keys(&mut a, "k<C-u>");
    assert_eq!(timeline_first(&a), 1);
    // A reload keeps the place, within the new list.
    a.update(Action::EmailMessages {
        order_id: 2,
        result: Ok(many[..1].to_vec()),
    });
    assert_eq!(timeline_first(&a), 0);
    keys(&mut a, "<Home><End>");
    assert_eq!(timeline_first(&a), 0);
}

/// The popup's lines from its title to its bottom border, or panics when
/// the bottom border is not on the screen.
fn timeline_box(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.contains("┌ Email messages"))
        .unwrap_or_else(|| panic!("no timeline:\n{s}"));
    let x = lines[top].chars().position(|c| c == '┌').expect("corner");
    let bottom = (top + 1..lines.len())
        .find(|&y| lines[y].chars().nth(x) == Some('└'))
        .unwrap_or_else(|| panic!("the timeline's bottom is cut off:\n{s}"));
    lines[top..=bottom].join("\n")
}

/// A long sender and subject wrap onto more lines at 60 columns: paging
/// and End count the lines as drawn, so every message in the box is whole
/// (its subject's and preview's last words drawn), the newest one shows at
/// the end, the keys line is never clipped, and a page down from the top
/// starts at the first message that was not drawn.
#[test]
fn a_timeline_of_long_senders_and_subjects_is_never_clipped() {
    let long: Vec<EmailMessage> = (1..=8)
        .map(|i| EmailMessage {
            from: format!("no-reply.verification.team.{i:02}@accounts.identity.example.org"),
            subject: format!(
                "Your verification code for the account you opened a minute ago S-END-{i:02}"
            ),
            received_at: Some(t0() + chrono::Duration::seconds(40 * i)),
            preview: format!(
                "Enter the code on the page where you signed up; it expires soon P-END-{i:02}"
            ),
            otp: Some(format!("4815{i:02}")),
        })
        .collect();
    for (w, h) in [(60, 20), (80, 24), (140, 40)] {
        let mut a = app();
        a.update(Action::Book(BookAction::OrderChanged(email_order(
            2,
            OrderStatus::OtpReceived,
            &["481501"],
        ))));
        a.view.focus = Pane::Orders;
        a.update(Action::Resize(w, h));
        keys(&mut a, "m");
        a.update(Action::EmailMessages {
            order_id: 2,
            result: Ok(long.clone()),
        });
        // Every message whose number is drawn is drawn whole.
        let check = |a: &mut App| -> Vec<usize> {
            let b = timeline_box(&screen(a, w, h));
            assert!(b.contains("close"), "{w}×{h}: the keys line is cut:\n{b}");
            let drawn: Vec<usize> = (1..=8).filter(|i| b.contains(&format!("{i}. 0"))).collect();
            assert!(!drawn.is_empty(), "{w}×{h}: no message drawn:\n{b}");
            for i in &drawn {
                for end in [format!("S-END-{i:02}"), format!("P-END-{i:02}")] {
                    assert!(b.contains(&end), "{w}×{h}: message {i} cut:\n{b}");
                }
            }
            drawn
        };
        let first_page = check(&mut a);
        assert_eq!(first_page[0], 1, "{w}×{h}");
        if first_page.len() < 8 {
            keys(&mut a, "<PageDown>");
            assert_eq!(timeline_first(&a), first_page.len(), "{w}×{h}");
            check(&mut a);
        }
        keys(&mut a, "<End>");
        let last_page = check(&mut a);
        assert_eq!(last_page.last(), Some(&8), "{w}×{h}: the newest at the end");
        let at_end = timeline_first(&a);
        keys(&mut a, "j<C-d>");
        assert_eq!(timeline_first(&a), at_end, "{w}×{h}: never past the end");
        keys(&mut a, "<Home>");
        assert_eq!(check(&mut a), first_page, "{w}×{h}");
    }
}

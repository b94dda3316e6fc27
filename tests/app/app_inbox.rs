//! The webhook inbox in the dashboard: a kept delivery is said in the
//! status bar, `:inbox` lists it with why it was kept, and `c` copies the
//! OTP it carried.

use crate::common;

use common::{app, keys, screen, t0};
use otpdeck::app::{Action, Effect};
use otpdeck::engine::webhook::inbox::Kept;

fn kept(event: &str, code: Option<&str>, reason: &str) -> Kept {
    Kept {
        at: t0(),
        account: "otpzap-main".into(),
        event: event.into(),
        reason: reason.into(),
        code: code.map(str::to_string),
        body: format!(r#"{{"event":"{event}","data":{{"order_id":"OZ-WEB-1"}}}}"#),
    }
}

#[test]
fn a_kept_delivery_is_said_listed_and_its_code_copied() {
    let mut a = app();
    // Empty: said so, nothing opens.
    keys(&mut a, ":inbox<Enter>");
    assert!(a.view.popups.is_empty());
    assert!(a
        .view
        .status
        .as_ref()
        .unwrap()
        .0
        .contains("nothing is kept"));

    a.update(Action::WebhookKept(kept(
        "order.otp_received",
        Some("482913"),
        "no order in the journal for OZ-WEB-1",
    )));
    let said = &a.view.status.as_ref().unwrap().0;
    assert!(said.contains("482913") && said.contains(":inbox"), "{said}");
    a.update(Action::WebhookKept(kept(
        "deposit.success",
        None,
        "no deposit in the journal for D9",
    )));

    keys(&mut a, ":inbox<Enter>");
    let s = screen(&mut a, 120, 30);
    assert!(s.contains("Webhook inbox · 2"), "{s}");
    assert!(s.contains("no deposit in the journal for D9"), "{s}");
    assert!(s.contains("OZ-WEB-1"), "{s}");
    // Newest first: the deposit has no code to copy.
    assert!(keys(&mut a, "c").is_empty());
    assert!(a.view.status.as_ref().unwrap().0.contains("no OTP"));
    assert_eq!(
        keys(&mut a, "<Down>c"),
        vec![Effect::Copy {
            text: "482913".into(),
            what: "code".into()
        }]
    );
    keys(&mut a, "<Esc>");
    assert!(a.view.popups.is_empty());
}

#[test]
fn an_empty_inbox_says_whether_anything_could_be_kept() {
    let mut a = app();
    keys(&mut a, ":inbox<Enter>");
    let said = a
        .view
        .status
        .as_ref()
        .map(|(s, _)| s.clone())
        .unwrap_or_default();
    assert!(said.contains("No webhook receiver runs"), "{said}");
    let (mut b, _) = common::app_with(otpdeck::app::AppSettings {
        webhook_receiver: true,
        ..Default::default()
    });
    keys(&mut b, ":inbox<Enter>");
    let said = b
        .view
        .status
        .as_ref()
        .map(|(s, _)| s.clone())
        .unwrap_or_default();
    assert!(said.contains("inbox is empty"), "{said}");
}

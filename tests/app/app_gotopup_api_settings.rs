//! GoTopUp API settings in the dashboard through `App::update`: `w` on a
//! GoTopUp account asks for them as an Effect, the form shows what the API
//! has, a change is checked by the CLI's rule before it is sent, only what
//! differs is sent, and the saved settings fill the form.

use crate::common;

use common::*;
use otpdeck::app::panes::Pane;
use otpdeck::app::{Action, App, Effect, Popup};
use otpdeck::domain::api_config::{ApiSettings, ApiSettingsChange};

fn settings(rate: u32) -> ApiSettings {
    ApiSettings {
        webhook_url: Some("https://hooks.example.com/webhook/pulsa".into()),
        ip_whitelist: vec!["203.0.113.7".into()],
        rate_limit: Some(rate),
        is_active: Some(true),
    }
}

fn opened() -> App {
    let mut a = app();
    a.view.focus = Pane::Balance;
    keys(&mut a, "jjj");
    assert_eq!(
        keys(&mut a, "w"),
        vec![Effect::ApiSettingsGet {
            account: "pulsa".into()
        }]
    );
    a.update(Action::ApiSettingsLoaded {
        account: "pulsa".into(),
        result: Ok(settings(100)),
    });
    a
}

fn form(a: &App) -> &otpdeck::app::popups::api_settings::ApiSettingsPopup {
    match a.view.popups.last() {
        Some(Popup::ApiSettings(p)) => p,
        other => panic!("API settings not on top: {other:?}"),
    }
}

#[test]
fn the_form_shows_what_the_api_has() {
    let mut a = opened();
    let p = form(&a);
    assert_eq!(p.url.value(), "https://hooks.example.com/webhook/pulsa");
    assert_eq!(p.whitelist.value(), "203.0.113.7");
    assert_eq!(p.rate_limit.value(), "100");
    let out = screen(&mut a, 80, 24);
    assert!(out.contains("API settings · pulsa"), "{out}");
    assert!(out.contains("rate limit"), "{out}");
    // Letters type while a field takes the typing: no "y" offered.
    assert!(
        out.contains("Enter save") && !out.contains("Enter/y"),
        "{out}"
    );
}

#[test]
fn a_change_is_checked_then_only_what_differs_is_sent() {
    let mut a = opened();
    // Out of range: refused in the form, nothing sent.
    assert!(keys(&mut a, "<Tab><Tab><BS><BS><BS>2000<Enter>").is_empty());
    assert!(form(&a)
        .error
        .as_deref()
        .unwrap_or("")
        .contains("1 to 1000"));
    assert!(keys(&mut a, "<BS><BS><BS><BS>abc<Enter>").is_empty());
    assert!(form(&a)
        .error
        .as_deref()
        .unwrap_or("")
        .contains("not a number"));
    // Nothing differs: nothing to send.
    assert!(keys(&mut a, "<BS><BS><BS>100<Enter>").is_empty());
    assert!(form(&a)
        .error
        .as_deref()
        .unwrap_or("")
        .contains("nothing to change"));
    // `y` is a letter in a field, not "save".
    let fx = keys(&mut a, "<BS><BS><BS>250<Enter>");
    assert_eq!(
        fx,
        vec![Effect::ApiSettingsSet {
            account: "pulsa".into(),
            change: ApiSettingsChange {
                rate_limit: Some(250),
                ..Default::default()
            }
        }]
    );
    assert!(form(&a).busy);
    // A second Enter while the save is out sends nothing.
    assert!(keys(&mut a, "<Enter>").is_empty());
    a.update(Action::ApiSettingsSaved {
        account: "pulsa".into(),
        result: Ok(settings(250)),
    });
    assert_eq!(form(&a).rate_limit.value(), "250");
    let said = a.view.status.clone().map(|s| s.0).unwrap_or_default();
    assert!(said.contains("API settings saved on pulsa"), "{said}");
}

#[test]
fn a_refusal_from_the_api_shows_in_the_form() {
    let mut a = opened();
    let fx = keys(
        &mut a,
        "<Tab><BS><BS><BS><BS><BS><BS><BS><BS><BS><BS><BS>198.51.100.0/24<Enter>",
    );
    assert_eq!(
        fx,
        vec![Effect::ApiSettingsSet {
            account: "pulsa".into(),
            change: ApiSettingsChange {
                ip_whitelist: Some(vec!["198.51.100.0/24".into()]),
                ..Default::default()
            }
        }]
    );
    a.update(Action::ApiSettingsSaved {
        account: "pulsa".into(),
        result: Err(otpdeck::domain::ProviderError::Rejected {
            status: 400,
            message: "webhook_url tidak valid".into(),
        }),
    });
    let p = form(&a);
    assert!(!p.busy);
    assert!(p.error.as_deref().unwrap_or("").contains("tidak valid"));
    // What was typed stays for another try.
    assert_eq!(p.whitelist.value(), "198.51.100.0/24");
}

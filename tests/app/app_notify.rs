//! Notifications on a new OTP: each kind is switched on by its own setting,
//! and an OTP already seen does not notify again.

use crate::common;

use chrono::Duration;
use common::*;
use otpdeck::app::BookAction;
use otpdeck::app::{Action, AppSettings, Effect};
use otpdeck::domain::*;

fn effects_for_new_otp(settings: AppSettings) -> (Vec<Effect>, Vec<Effect>) {
    let (mut a, _) = app_with(settings);
    let o = order(1, "zap", ProviderKind::OtpZap, OrderStatus::Waiting, &[]);
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    let mut got = o.clone();
    got.status = OrderStatus::OtpReceived;
    got.otps = vec!["482913".into()];
    got.updated_at += Duration::seconds(3);
    let first = a.update(Action::Book(BookAction::OrderChanged(got.clone())));
    got.updated_at += Duration::seconds(3);
    let again = a.update(Action::Book(BookAction::OrderChanged(got)));
    (first, again)
}

fn notifies(e: &[Effect]) -> Vec<(bool, bool, String)> {
    e.iter()
        .filter_map(|e| match e {
            Effect::Notify(n) => Some((n.osc9, n.osc777, n.body.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn off_by_default() {
    let (first, _) = effects_for_new_otp(AppSettings::default());
    assert!(notifies(&first).is_empty(), "{first:?}");
    assert!(!first.contains(&Effect::Bell));
}

#[test]
fn each_kind_on_its_own_and_once_per_otp() {
    for (osc9, osc777, bell) in [
        (true, false, false),
        (false, true, true),
        (true, true, false),
    ] {
        let (first, again) = effects_for_new_otp(AppSettings {
            notify_osc9: osc9,
            notify_osc777: osc777,
            bell,
            ..Default::default()
        });
        let n = notifies(&first);
        assert_eq!(n.len(), 1, "{first:?}");
        assert_eq!((n[0].0, n[0].1), (osc9, osc777));
        assert!(n[0].2.contains("482913"), "{:?}", n[0]);
        assert_eq!(first.contains(&Effect::Bell), bell);
        assert!(notifies(&again).is_empty(), "{again:?}");
    }
}

#[test]
fn the_desktop_notification_is_its_own_switch() {
    let (first, again) = effects_for_new_otp(AppSettings {
        notify_desktop: true,
        ..Default::default()
    });
    let n: Vec<_> = first
        .iter()
        .filter_map(|e| match e {
            Effect::Notify(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(n.len(), 1, "{first:?}");
    assert!(n[0].desktop && !n[0].osc9 && !n[0].osc777, "{:?}", n[0]);
    assert!(notifies(&again).is_empty(), "{again:?}");
}

//! What the dashboard is told at start: the config's switches, key
//! overrides and rules, plus the salt and time zone the runtime reads once
//! so `update` itself never does.

use chrono::Utc;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    pub theme: String,
    pub no_color: bool,
    pub auto_copy: bool,
    pub bell: bool,
    /// Desktop notifications on a new OTP, as OSC 9 and/or OSC 777.
    pub notify_osc9: bool,
    pub notify_osc777: bool,
    /// And through the local session bus, where there is one.
    pub notify_desktop: bool,
    /// Cancel an order with no SMS this long before expiry (zero: off).
    pub auto_cancel_before: Duration,
    /// Whether auto-cancel takes email inboxes too (at the cancellation fee).
    pub auto_cancel_email: bool,
    /// `[keys]`: command id -> its keys (empty: unbound).
    pub keys: BTreeMap<String, Vec<String>>,
    /// Rules on spending; the confirmation shows and checks the price rule
    /// (the daily caps need the journal: checked before the buy is sent).
    pub rules: crate::domain::Rules,
    /// Mixed into idempotency keys so two runs never make the same one;
    /// the runtime draws it at start (update itself stays deterministic).
    pub key_salt: u64,
    /// The local time zone's offset, read once at start, so drawing the OTP
    /// log's times reads no clock or zone data of its own.
    pub utc_offset: chrono::FixedOffset,
    /// A webhook receiver runs (`[webhook]` set, or the demo's): `:inbox`
    /// says so when it does not, rather than "empty".
    pub webhook_receiver: bool,
    /// Who holds the money book (`role.rs`): alone, the engine, a screen.
    pub role: super::role::Role,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            theme: "default".into(),
            no_color: false,
            auto_copy: false,
            bell: false,
            notify_osc9: false,
            notify_osc777: false,
            notify_desktop: false,
            auto_cancel_before: Duration::from_secs(60),
            auto_cancel_email: true,
            keys: BTreeMap::new(),
            key_salt: 0,
            rules: Default::default(),
            utc_offset: chrono::Offset::fix(&Utc),
            webhook_receiver: false,
            role: Default::default(),
        }
    }
}

//! The dashboard's decisions through `App::update` alone (time passed in,
//! no runtime, no network): one module per feature.
//!
//! One test binary per group, each feature a module: every binary links the
//! whole crate, so fewer binaries make `cargo test` faster.

// The helpers shared by every test binary.
#[path = "../common/mod.rs"]
mod common;

mod app_catalog_scroll;
mod app_compare;
mod app_deposits;
mod app_effects;
mod app_email;
mod app_gotopup_api_settings;
mod app_gotopup_bill;
mod app_gotopup_history;
mod app_gotopup_report;
mod app_inbox;
mod app_list_keys;
mod app_notify;
mod app_replace;
mod app_settle;
mod app_update;
mod gotopup_waiting_note;
mod otpzap_dashboard;
mod seller_dashboard;

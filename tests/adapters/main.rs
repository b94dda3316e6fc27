//! Each provider adapter and the engine over loopback HTTP against the
//! built-in simulator: parsing, paging, rate limits, deposits, pushes.
//!
//! One test binary per group, each feature a module: every binary links the
//! whole crate, so fewer binaries make `cargo test` faster.

// The helpers shared by every test binary.
#[path = "../common/mod.rs"]
mod common;

mod adapter_email;
mod adapter_otpzap;
mod adapters_vs_sim;
mod deposits;
mod fuzz_parsing;
mod gotopup_bills;
mod gotopup_history;
mod gotopup_otomax;
mod gotopup_polling;
mod gotopup_price_filters;
mod gotopup_seller;
mod otpzap_orders;
mod webhook_receiver;

//! The scripting commands through the real binary against `otpdeck sim`,
//! and what the binary prints when a provider sends hostile text.
//!
//! One test binary per group, each feature a module: every binary links the
//! whole crate, so fewer binaries make `cargo test` faster.

// The helpers shared by every test binary.
#[path = "../common/mod.rs"]
mod common;

mod cli_email;
mod cli_engine;
mod cli_flows;
mod cli_push;
mod cli_seller;
mod cli_webhook;
mod hostile_input;
mod secrets;
mod values_whole;

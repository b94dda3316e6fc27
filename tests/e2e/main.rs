//! The real binary in tmux against `otpdeck sim`: what a user sees.
//!
//! One test binary per group, each feature a module: every binary links the
//! whole crate, so fewer binaries make `cargo test` faster.

// The helpers shared by every test binary.
#[path = "../common/mod.rs"]
mod common;

mod engine_e2e;
mod tui_e2e;
mod tui_gotopup;
mod tui_gotopup_bill;
mod tui_gotopup_history;

//! The real event loop and the screen: ratatui's `TestBackend` driven by
//! scripted input, and whole-screen snapshots.
//!
//! One test binary per group, each feature a module: every binary links the
//! whole crate, so fewer binaries make `cargo test` faster.

// The helpers shared by every test binary.
#[path = "../common/mod.rs"]
mod common;

mod engine_screens;
mod event_loop;
mod seller_view;
mod ui_snapshots;
mod values_whole;

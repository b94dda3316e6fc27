//! otpdeck: one terminal dashboard for every account of every virtual-number
//! and top-up provider. The library holds everything; `main.rs` is the CLI.

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engine;
pub mod logging;
pub mod money;
pub mod paths;
pub mod providers;
pub mod secret;
pub mod sim;
pub mod theme;
pub mod tui;
pub mod ui;

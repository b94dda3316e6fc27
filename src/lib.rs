//! otpdeck: one terminal dashboard for every account of every virtual-number
//! and top-up provider. The library holds everything; `main.rs` is the CLI.

pub mod domain;
pub mod money;
pub mod providers;
pub mod secret;
pub mod sim;

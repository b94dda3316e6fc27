//! Money safety: the fault matrix of every spending call, SIGKILL cells,
//! crash recovery and chaos. A retry never buys twice.
//!
//! One test binary per group, each feature a module: every binary links the
//! whole crate, so fewer binaries make `cargo test` faster.

mod chaos;
mod crash_recovery;
mod fault_matrix;
mod kill_cells;
mod replace_crash;

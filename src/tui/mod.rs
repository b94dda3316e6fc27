//! Everything that touches the terminal: set-up and restore, the event
//! loop that feeds `App::update` and carries out its effects, and the
//! clipboard (system or OSC 52). Nothing here decides; `app` does.

pub mod clipboard;
mod effects;
mod event_loop;
pub mod notify;
mod runtime;
mod terminal;
pub mod webhook;

pub use event_loop::{run, run_observed, run_terminal, Io, Observer};
pub use runtime::{RuntimeAccount, RuntimeOptions};
pub use terminal::{enter, install_panic_hook, restore, Guard, Term};

//! Everything that touches the terminal: set-up and restore, the event
//! loop that feeds `App::update` and carries out its effects, and the
//! clipboard (system or OSC 52). Nothing here decides; `app` does.

pub mod clipboard;
mod effects;
mod event_loop;
pub mod link;
pub mod notify;
mod runtime;
pub mod screen;
pub mod serve;
mod terminal;
pub mod webhook;

pub use event_loop::{run, run_observed, run_terminal, Io, Observer};
pub use runtime::{RuntimeAccount, RuntimeOptions};
pub use screen::{run_screen, run_screen_terminal, Connect};
pub use serve::run_engine;
pub use terminal::{enter, install_panic_hook, restore, Guard, Term};

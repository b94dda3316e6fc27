//! Everything that touches the terminal: set-up and restore, the event
//! loop that feeds `App::update` and carries out its effects, and the
//! clipboard (system or OSC 52). Nothing here decides; `app` does.

mod buy_effects;
pub mod clipboard;
mod deposit_effects;
mod effects;
mod event_loop;
pub mod notify;
mod poll_events;
mod replace_effects;
mod seller_effects;
mod settle;
mod terminal;
pub mod webhook;

pub use effects::{RuntimeAccount, RuntimeOptions};
pub use event_loop::{run, run_observed, run_terminal, Io, Observer};
pub use terminal::{enter, install_panic_hook, restore, Guard, Term};

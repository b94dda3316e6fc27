//! Pushed events (OTPZap and GoTopUp webhooks, the Otomax callback): the
//! signature check, and applying an event to the journal exactly like a
//! poll would.

pub mod apply;
pub mod inbox;
pub mod listener;
pub mod seen;
pub mod server;
pub mod signature;
pub mod unsigned;

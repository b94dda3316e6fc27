//! The engine: what runs outside the pure app — the journal, the buy / poll /
//! cancel flows that tie providers to the journal.

pub mod compare;
pub mod deposits;
pub mod journal;
pub mod orders;
pub mod poll_schedule;
pub mod poller;
pub mod seller;
pub mod spend_limits;
pub mod stats;
pub mod webhook;

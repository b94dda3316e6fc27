//! The webhook receiver inside `otpdeck watch`: with `[webhook] listen`
//! set, `watch` serves pushes while it polls, so a pushed OTP or SN ends
//! the wait at once. When the port is already held (the dashboard's own
//! receiver, most likely), `watch` says so and goes on polling: the
//! dashboard still journals the push, and the next poll reads it.

use super::context::Context;
use super::webhook_url::receiver_of;
use crate::domain::Order;
use crate::engine::journal::Journal;
use crate::engine::webhook::apply::Pushed;
use crate::engine::webhook::inbox::Inbox;
use crate::engine::webhook::server::{self, Receiver};
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tokio::task::JoinHandle;

/// Pushed changes, while the receiver runs.
pub(super) struct PushFeed {
    rx: UnboundedReceiver<Pushed>,
    task: JoinHandle<()>,
}

impl Drop for PushFeed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the receiver when the config asks for one; None otherwise, or
/// when it cannot listen (said on stderr).
pub(super) async fn start(ctx: &Context, journal: Arc<Journal>) -> Option<PushFeed> {
    let mut notices = Vec::new();
    let run = receiver_of(&ctx.config, &ctx.paths, &mut notices)?;
    for n in notices {
        say_err!("otpdeck: {n}");
    }
    if run.accounts.is_empty() {
        return None;
    }
    let (tx, rx) = unbounded_channel();
    let receiver = Arc::new(Receiver::new(
        run.accounts,
        journal,
        Arc::new(Inbox::new(run.inbox)),
        Arc::new(move |p| {
            let _ = tx.send(p);
        }),
    ));
    match server::start(run.listen, receiver).await {
        Ok((addr, task)) => {
            say_err!(
                "otpdeck: {} (polling goes on)",
                server::listening_notice(addr)
            );
            Some(PushFeed { rx, task })
        }
        Err(e) => {
            say_err!(
                "otpdeck: webhooks: cannot listen on {} ({e}; is the dashboard running?); polling only",
                run.listen
            );
            None
        }
    }
}

impl PushFeed {
    /// The next pushed change of order `id`; other deliveries are applied
    /// by the receiver already, and a kept one is said on stderr.
    pub(super) async fn next_for(&mut self, id: i64) -> Order {
        loop {
            match self.rx.recv().await {
                Some(Pushed::Order(o)) if o.id == id => return o,
                Some(Pushed::Kept(k)) => say_err!(
                    "otpdeck: webhook kept ({}): {} {}: {}",
                    crate::engine::webhook::inbox::FILE_NAME,
                    k.account,
                    k.event,
                    k.reason
                ),
                Some(_) => {}
                None => std::future::pending::<()>().await,
            }
        }
    }
}

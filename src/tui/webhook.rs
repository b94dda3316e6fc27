//! Starting the webhook receiver inside the dashboard: its changed orders
//! become `Action::OrderChanged`, exactly what a poller sends, so a pushed
//! OTP goes through the same decisions (OTP log, auto_copy, bell).

use crate::app::Action;
use crate::app::BookAction;
use crate::engine::journal::Journal;
use crate::engine::webhook::apply::Pushed;
use crate::engine::webhook::inbox::Inbox;
use crate::engine::webhook::server::{self, HookAccount, Receiver};
use crate::tui::runtime::send;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// What the dashboard needs to run the receiver (resolved from config).
#[derive(Debug, Clone)]
pub struct WebhookRun {
    pub listen: SocketAddr,
    pub accounts: Vec<HookAccount>,
    /// `webhook-inbox.jsonl` in the data dir (None: memory only).
    pub inbox: Option<PathBuf>,
}

/// What a delivery changed, as the Action a poller would send.
fn action_of(p: Pushed) -> Action {
    match p {
        Pushed::Order(o) => Action::Book(BookAction::OrderChanged(o)),
        Pushed::Deposit(d) => Action::Book(BookAction::DepositChanged(d)),
        Pushed::Settlement(s) => Action::Seller {
            account: s.account.clone(),
            reply: crate::app::views::seller::SellerReply::SettlementChanged(s),
        },
        Pushed::Kept(k) => Action::WebhookKept(k),
    }
}

/// Binds and serves; says in the status bar where it listens, or why it
/// could not (the pollers go on either way).
pub(super) async fn start(
    run: WebhookRun,
    journal: Arc<Journal>,
    tx: UnboundedSender<Action>,
) -> Option<JoinHandle<()>> {
    let emit_tx = tx.clone();
    let rx = Arc::new(Receiver::new(
        run.accounts,
        journal,
        Arc::new(Inbox::new(run.inbox)),
        Arc::new(move |p| send(&emit_tx, action_of(p))),
    ));
    match server::start(run.listen, rx).await {
        Ok((addr, handle)) => {
            send(&tx, Action::Notice(server::listening_notice(addr)));
            Some(handle)
        }
        Err(e) => {
            send(
                &tx,
                Action::Notice(format!(
                    "Webhooks off: cannot listen on {} ({e}); polling goes on",
                    run.listen
                )),
            );
            None
        }
    }
}

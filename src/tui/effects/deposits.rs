//! Carries out the deposit effects: create, cancel and poll through
//! `engine::deposits`, each in its own task; results come back as actions.

use crate::app::Action;
use crate::app::BookAction;
use crate::domain::{Deposit, DepositRequest};
use crate::engine::deposits::{self, DepositError, DepositEvent};
use crate::tui::runtime::{send, Runtime};

impl Runtime {
    pub(super) fn create_deposit(&self, account: String, request: DepositRequest) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(p) = self.providers.get(&account).cloned() else {
            let error = "no provider for this account".into();
            return send(
                &tx,
                Action::DepositFailed {
                    account,
                    deposit_id: None,
                    error,
                },
            );
        };
        tokio::spawn(async move {
            match deposits::create(p.as_ref(), &journal, &account, &request).await {
                Ok(d) => send(&tx, Action::Book(BookAction::DepositChanged(d))),
                Err(DepositError::Unclear { deposit, .. }) => {
                    send(&tx, Action::Book(BookAction::DepositChanged(*deposit)));
                }
                Err(e) => send(
                    &tx,
                    Action::DepositFailed {
                        account,
                        deposit_id: None,
                        error: e.to_string(),
                    },
                ),
            }
        });
    }

    pub(super) fn cancel_deposit(&self, deposit_id: i64) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(d) = journal.deposit(deposit_id).ok().flatten() else {
            return;
        };
        let Some(p) = self.providers.get(&d.account).cloned() else {
            return;
        };
        tokio::spawn(async move {
            match deposits::cancel(p.as_ref(), &journal, &d).await {
                Ok(d) => send(&tx, Action::Book(BookAction::DepositChanged(d))),
                Err(e) => send(
                    &tx,
                    Action::DepositFailed {
                        account: d.account.clone(),
                        deposit_id: Some(d.id),
                        error: e.to_string(),
                    },
                ),
            }
        });
    }

    /// Polls a pending deposit until it is final; the app asks once.
    pub(super) fn watch_deposit(&mut self, d: Deposit) {
        self.deposit_pollers.retain(|_, h| !h.is_finished());
        let Some(p) = self.providers.get(&d.account).cloned() else {
            return send(
                &self.tx,
                Action::Book(BookAction::DepositPollStopped { deposit_id: d.id }),
            );
        };
        let (tx, id, account) = (self.tx.clone(), d.id, d.account.clone());
        let handle =
            deposits::spawn_watch(
                p,
                self.journal.clone(),
                d,
                self.timing,
                move |ev| match ev {
                    DepositEvent::Changed(d) => {
                        send(&tx, Action::Book(BookAction::DepositChanged(*d)))
                    }
                    DepositEvent::Failed { deposit_id, error } => send(
                        &tx,
                        Action::DepositFailed {
                            account: account.clone(),
                            deposit_id: Some(deposit_id),
                            error: format!("status check failed: {error} (retrying)"),
                        },
                    ),
                    DepositEvent::Stopped { deposit_id } => send(
                        &tx,
                        Action::Book(BookAction::DepositPollStopped { deposit_id }),
                    ),
                },
            );
        if let Some(old) = self.deposit_pollers.insert(id, handle) {
            old.abort();
        }
    }
}

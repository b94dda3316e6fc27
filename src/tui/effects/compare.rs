//! The compare view: every account that sells numbers by country asked
//! for one service and country, each in its own task, so the view fills in
//! as they answer.

use crate::app::Action;
use crate::tui::runtime::{send, Runtime};
use chrono::Utc;

impl Runtime {
    /// Asks every account that sells numbers by country, each in its own
    /// task, so the view fills in as they answer.
    pub(super) fn compare(&self, ticket: u64, service: String, country: String) {
        for (account, p) in self.providers.clone() {
            if !p.capabilities().countries {
                continue;
            }
            let (tx, journal) = (self.tx.clone(), self.journal.clone());
            let (service, country) = (service.clone(), country.clone());
            tokio::spawn(async move {
                let now = Utc::now();
                let result = crate::engine::compare::account_rows(
                    p.as_ref(),
                    &journal,
                    &account,
                    &service,
                    &country,
                    now,
                )
                .await;
                send(
                    &tx,
                    Action::CompareLoaded {
                        ticket,
                        account,
                        result,
                    },
                );
            });
        }
    }
}

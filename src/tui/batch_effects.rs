//! Carries out a batch of buys confirmed at once (email inboxes by
//! quantity): the daily caps against the whole batch first, as the CLI's
//! `--qty` does, then each buy in turn through the ordinary buy path
//! (journaled before and after), stopping at the first that does not end
//! in a clear order, since what follows would spend on top of an unknown.

use super::effects::{send, Runtime};
use crate::app::Action;
use crate::domain::BuyRequest;
use chrono::Utc;

impl Runtime {
    pub(super) fn buy_batch(&self, account: String, requests: Vec<BuyRequest>) {
        let tx = self.tx.clone();
        let (journal, rules) = (self.journal.clone(), self.rules.clone());
        let Some(p) = self.provider(&account) else {
            return fail_all(&tx, &account, &requests, "no provider for this account");
        };
        let Some(first) = requests.first() else {
            return;
        };
        let (service, each) = (first.service_name.clone(), first.price);
        let offset = *chrono::Local::now().offset();
        tokio::spawn(async move {
            let count = requests.len() as u32;
            let allowed = crate::engine::rules::check_buys(
                &rules,
                &journal,
                &account,
                &service,
                each,
                count,
                Utc::now(),
                offset,
            );
            if let Err(why) = allowed {
                return fail_all(&tx, &account, &requests, &why);
            }
            for (i, request) in requests.iter().enumerate() {
                let done = super::effects::buy_one(
                    p.as_ref(),
                    &journal,
                    &rules,
                    &tx,
                    &account,
                    request.clone(),
                    offset,
                )
                .await;
                if !done {
                    let rest = &requests[i + 1..];
                    let why = format!(
                        "not sent: inbox {} of {} did not end in a clear order",
                        i + 1,
                        requests.len()
                    );
                    fail_all(&tx, &account, rest, &why);
                    return;
                }
            }
        });
    }
}

/// Every buy of `requests` ends as failed with `why` (nothing was sent).
fn fail_all(
    tx: &tokio::sync::mpsc::UnboundedSender<Action>,
    account: &str,
    requests: &[BuyRequest],
    why: &str,
) {
    for r in requests {
        send(
            tx,
            Action::BuyFailed {
                account: account.to_string(),
                idempotency_key: r.idempotency_key.clone(),
                error: why.to_string(),
            },
        );
    }
}

//! Carries out buys: one (`buy`), or a batch confirmed at once (email
//! inboxes by quantity): the daily caps against the whole batch first, as
//! the CLI's `--qty` does, then each buy in turn through the same path
//! (journaled before and after), stopping at the first that does not end
//! in a clear order, since what follows would spend on top of an unknown.

use crate::app::Action;
use crate::app::BookAction;
use crate::domain::BuyRequest;
use crate::engine::journal::Journal;
use crate::engine::orders::{self, EngineError};
use crate::tui::runtime::{send, Runtime};
use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;

impl Runtime {
    pub(super) fn buy(&self, account: String, request: BuyRequest) {
        let (tx, journal) = (self.tx.clone(), self.journal.clone());
        let Some(p) = self.provider(&account) else {
            let error = "no provider for this account".into();
            let idempotency_key = request.idempotency_key;
            return send(
                &tx,
                Action::Book(BookAction::BuyFailed {
                    account,
                    idempotency_key,
                    error,
                }),
            );
        };
        let offset = *chrono::Local::now().offset();
        let rules = self.rules.clone();
        tokio::spawn(async move {
            buy_one(p.as_ref(), &journal, &rules, &tx, &account, request, offset).await;
        });
    }

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
            let allowed = crate::engine::spend_limits::check_buys(
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
                let done = buy_one(
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
fn fail_all(tx: &UnboundedSender<Action>, account: &str, requests: &[BuyRequest], why: &str) {
    for r in requests {
        send(
            tx,
            Action::Book(BookAction::BuyFailed {
                account: account.to_string(),
                idempotency_key: r.idempotency_key.clone(),
                error: why.to_string(),
            }),
        );
    }
}

/// One buy: the rules on spending (the same check as the CLI's), then the
/// journaled buy, its outcome sent back as actions. True when it ended in
/// a clear order.
pub(super) async fn buy_one(
    p: &dyn crate::providers::Provider,
    journal: &Journal,
    rules: &crate::domain::Rules,
    tx: &UnboundedSender<Action>,
    account: &str,
    request: BuyRequest,
    offset: chrono::FixedOffset,
) -> bool {
    let account = account.to_string();
    let allowed = crate::engine::spend_limits::check_buy(
        rules,
        journal,
        &account,
        &request.service_name,
        request.price,
        Utc::now(),
        offset,
    );
    if let Err(error) = allowed {
        let idempotency_key = request.idempotency_key;
        send(
            tx,
            Action::Book(BookAction::BuyFailed {
                account,
                idempotency_key,
                error,
            }),
        );
        return false;
    }
    match orders::buy(p, journal, &account, &request).await {
        Ok(change) => {
            send(tx, Action::Book(BookAction::OrderChanged(change.order)));
            true
        }
        Err(EngineError::Ambiguous { order, .. }) => {
            let order_id = order.id;
            send(tx, Action::Book(BookAction::OrderChanged(*order)));
            let now = Utc::now();
            send(
                tx,
                Action::Book(BookAction::BuyUnclear {
                    account,
                    request,
                    order_id,
                    now,
                }),
            );
            false
        }
        Err(e) => {
            send(
                tx,
                Action::Book(BookAction::BuyFailed {
                    account,
                    idempotency_key: request.idempotency_key,
                    error: e.to_string(),
                }),
            );
            false
        }
    }
}

//! The runtime's effects, one file per feature. `exec` hands each effect
//! to its file; `ask` is the one way an effect asks an account's provider
//! and turns the answer into an Action.

mod buy;
mod catalog;
mod compare;
mod deposits;
mod gotopup;
mod journal;
pub(super) mod local;
mod orders;
mod poll_events;
pub(super) mod replace;
pub(super) mod seller;
mod settle;
mod webhook;

use super::runtime::{send, Runtime};
use crate::app::{Action, Effect};
use crate::domain::ProviderError;
use crate::providers::SharedProvider;
use std::future::Future;

/// Why an account's call was not sent: it has no adapter.
pub(super) const NO_ADAPTER: &str = "no provider for this account";

impl Runtime {
    pub(in crate::tui) fn exec(&mut self, effect: Effect) {
        match effect {
            // A screen's own (`screen.rs`) or the engine loop's (`serve.rs`):
            // never the runtime's.
            Effect::Quit
            | Effect::Book(_)
            | Effect::Tell(_)
            | Effect::Bell
            | Effect::Notify(_)
            | Effect::Copy { .. } => {}
            Effect::Watch(order) => self.watch(order),
            Effect::Unwatch { order_id } => {
                if let Some(h) = self.pollers.remove(&order_id) {
                    h.abort();
                }
            }
            Effect::LoadBalance { account } => self.load_balance(account),
            Effect::LoadServices { account } => self.load_services(account),
            Effect::LoadCountries {
                account,
                service_id,
            } => self.load_countries(account, service_id),
            Effect::LoadOffers {
                account,
                service_id,
                country_id,
            } => self.load_offers(account, service_id, country_id),
            Effect::Buy { account, request } => self.buy(account, request),
            Effect::BuyBatch { account, requests } => self.buy_batch(account, requests),
            Effect::ReplayBuy {
                account,
                request,
                order_id,
            } => self.replay(account, request, order_id),
            Effect::Order { op, order_id } => self.order_op(op, order_id),
            Effect::Reconcile { account } => self.reconcile(account),
            Effect::LoadEmailMessages { order_id } => self.email_messages(order_id),
            Effect::LoadMoreOffers {
                account,
                service_id,
                country_id,
                page,
            } => self.load_more_offers(account, service_id, country_id, page),
            Effect::WebhookGet { account } => self.webhook_get(account),
            Effect::HistoryLoad { account, query } => self.history_load(account, query),
            Effect::BillInquiry {
                account,
                product,
                customer,
            } => self.bill_inquiry(account, product, customer),
            Effect::WebhookSet { account, change } => self.webhook_set(account, change),
            Effect::ReportLoad { account, query } => self.report(account, query),
            Effect::Seller { account, call } => self.seller_call(account, call),
            Effect::ApiSettingsGet { account } => self.api_settings(account, None),
            Effect::ApiSettingsSet { account, change } => self.api_settings(account, Some(change)),
            Effect::LoadStats { days } => self.stats(days),
            Effect::Compare {
                ticket,
                service,
                country,
            } => self.compare(ticket, service, country),
            Effect::CreateDeposit { account, request } => self.create_deposit(account, request),
            Effect::CancelDeposit { deposit_id } => self.cancel_deposit(deposit_id),
            Effect::WatchDeposit(d) => self.watch_deposit(d),
            Effect::ReplaceBegin(link) => self.replace_begin(&link),
            Effect::ReplaceBuy {
                from_order,
                account,
                request,
            } => self.replace_buy(from_order, account, request),
            Effect::ReplaceEnded { from_order, note } => self.replace_ended(from_order, &note),
            Effect::CheckBalance { account, order_id } => self.check_balance(account, order_id),
            Effect::NoteClue { order_id, clue } => self.note_clue(order_id, &clue),
            Effect::Settle {
                order_id,
                verdict,
                number,
            } => self.settle(order_id, verdict, number, None),
            Effect::SettleByClues {
                order_id,
                verdict,
                clues,
            } => self.settle(order_id, verdict, None, Some(clues)),
        }
    }

    /// Asks `account`'s provider in its own task and sends the Action
    /// `reply` makes of the answer. An account with no adapter gets the
    /// same Action, with `ProviderError::NoAdapter`.
    pub(super) fn ask<T, Fut>(
        &self,
        account: &str,
        call: impl FnOnce(SharedProvider) -> Fut + Send + 'static,
        reply: impl FnOnce(Result<T, ProviderError>) -> Action + Send + 'static,
    ) where
        T: Send + 'static,
        Fut: Future<Output = Result<T, ProviderError>> + Send + 'static,
    {
        let p = self.provider(account);
        self.answer(
            async move {
                match p {
                    Some(p) => call(p).await,
                    None => Err(ProviderError::NoAdapter(NO_ADAPTER.into())),
                }
            },
            reply,
        );
    }

    /// Runs `work` in its own task and sends the Action `reply` makes of
    /// its result (what `ask` does once it has the provider).
    pub(super) fn answer<T, Fut>(&self, work: Fut, reply: impl FnOnce(T) -> Action + Send + 'static)
    where
        T: Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let tx = self.tx.clone();
        tokio::spawn(async move { send(&tx, reply(work.await)) });
    }
}

//! GoTopUp's own calls: a postpaid bill's inquiry, the history, reports
//! and the API settings. A seller key's report and settings go to its own
//! client, which is looked for first.

use crate::app::Action;
use crate::domain::api_config::ApiSettingsChange;
use crate::domain::history::HistoryQuery;
use crate::domain::report::ReportQuery;
use crate::domain::ProviderError;
use crate::providers::offered;
use crate::tui::runtime::Runtime;

impl Runtime {
    pub(super) fn bill_inquiry(&self, account: String, product: String, customer: String) {
        let acc = account.clone();
        self.ask(
            &acc,
            move |p| async move {
                offered(p.bills(), "postpaid bills")?
                    .inquiry(&product, &customer)
                    .await
            },
            move |result| Action::BillInquired { account, result },
        );
    }

    pub(super) fn history_load(&self, account: String, query: HistoryQuery) {
        let (acc, q) = (account.clone(), query.clone());
        self.ask(
            &acc,
            move |p| async move { offered(p.history(), "transaction history")?.page(&q).await },
            move |result| Action::HistoryLoaded {
                account,
                query,
                result,
            },
        );
    }

    pub(super) fn report(&self, account: String, query: ReportQuery) {
        let Some(c) = self.sellers.get(&account).cloned() else {
            let (acc, q) = (account.clone(), query.clone());
            return self.ask(
                &acc,
                move |p| async move { offered(p.reports(), "reports")?.report(&q).await },
                move |result| Action::ReportLoaded {
                    account,
                    query,
                    result,
                },
            );
        };
        let q = query.clone();
        self.answer(async move { c.keys.report(&q).await }, move |result| {
            Action::ReportLoaded {
                account,
                query,
                result,
            }
        });
    }

    /// Reads (None) or changes the API settings of a GoTopUp account.
    pub(super) fn api_settings(&self, account: String, change: Option<ApiSettingsChange>) {
        let reply = move |account, result: Result<_, ProviderError>, saved: bool| match saved {
            false => Action::ApiSettingsLoaded { account, result },
            true => Action::ApiSettingsSaved { account, result },
        };
        let saved = change.is_some();
        let Some(c) = self.sellers.get(&account).cloned() else {
            let acc = account.clone();
            return self.ask(
                &acc,
                move |p| async move {
                    let api = offered(p.api_settings(), "API settings")?;
                    match &change {
                        None => api.get_settings().await,
                        Some(c) => api.set_settings(c).await,
                    }
                },
                move |result| reply(account, result, saved),
            );
        };
        // A seller key's own settings (`/api/seller/api/config`).
        self.answer(
            async move {
                match &change {
                    None => c.keys.get().await,
                    Some(ch) => c.keys.set(ch).await,
                }
            },
            move |result| reply(account, result, saved),
        );
    }
}

//! The catalog and balances: each account's balance, services, countries
//! and offers (a page at a time where the API pages), asked as the view
//! opens them.

use crate::app::Action;
use crate::domain::ProviderError;
use crate::tui::runtime::{send, Runtime};
use chrono::Utc;

impl Runtime {
    pub(super) fn load_balance(&self, account: String) {
        let acc = account.clone();
        self.ask(
            &acc,
            |p| async move { p.balance().await },
            move |result| Action::BalanceLoaded {
                account,
                result,
                now: Utc::now(),
            },
        );
    }

    pub(super) fn load_services(&self, account: String) {
        let acc = account.clone();
        self.ask(
            &acc,
            |p| async move { p.services().await },
            move |result| Action::ServicesLoaded {
                account,
                result,
                now: Utc::now(),
            },
        );
    }

    pub(super) fn load_countries(&self, account: String, service_id: String) {
        let (acc, sid) = (account.clone(), service_id.clone());
        self.ask(
            &acc,
            |p| async move { p.countries(&sid).await },
            move |result| Action::CountriesLoaded {
                account,
                service_id,
                result,
                now: Utc::now(),
            },
        );
    }

    pub(super) fn load_more_offers(
        &self,
        account: String,
        service_id: String,
        country_id: String,
        page: u32,
    ) {
        let (acc, sid, cid) = (account.clone(), service_id.clone(), country_id.clone());
        self.ask(
            &acc,
            move |p| async move { p.offers_page(&sid, Some(&cid), page).await },
            move |result| Action::OffersPageLoaded {
                account,
                service_id,
                country_id,
                page,
                result,
                now: Utc::now(),
            },
        );
    }

    /// The first page; where the API pages on demand, it says whether more
    /// follow. Two Actions, in order, so not through `ask`.
    pub(super) fn load_offers(
        &self,
        account: String,
        service_id: String,
        country_id: Option<String>,
    ) {
        let tx = self.tx.clone();
        let p = self.provider(&account);
        tokio::spawn(async move {
            let (result, more) = match p {
                Some(p) => match p.offers_page(&service_id, country_id.as_deref(), 1).await {
                    Ok((list, more)) => (Ok(list), more),
                    Err(e) => (Err(e), false),
                },
                None => (
                    Err(ProviderError::NoAdapter(super::NO_ADAPTER.into())),
                    false,
                ),
            };
            let more = match (more, &country_id) {
                (true, Some(c)) => Some(Action::OffersMore {
                    account: account.clone(),
                    service_id: service_id.clone(),
                    country_id: c.clone(),
                    next_page: 2,
                }),
                _ => None,
            };
            let now = Utc::now();
            send(
                &tx,
                Action::OffersLoaded {
                    account,
                    service_id,
                    country_id,
                    result,
                    now,
                },
            );
            // After the list: loading it forgets an older "more".
            if let Some(m) = more {
                send(&tx, m);
            }
        });
    }
}

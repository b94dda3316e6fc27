//! Catalog levels arriving from the APIs: services, a service's countries,
//! offers. Each replaces what was there (or says why it failed), stamped
//! with the time for the cache; under the cursor, they scroll into view.

use super::catalog::{CountryNode, Load, NodeId, ServiceNode};
use super::App;
use crate::domain::ProviderError;
use crate::domain::{Country, Offer, Service};
use chrono::{DateTime, Utc};

impl App {
    pub(super) fn on_services(
        &mut self,
        account: String,
        result: Result<Vec<Service>, ProviderError>,
        now: DateTime<Utc>,
    ) {
        self.now = now;
        if let Some(a) = self.accounts.iter_mut().find(|a| a.info.name == account) {
            a.services = match result {
                Ok(list) => Load::Loaded(
                    list.into_iter()
                        .map(|service| ServiceNode {
                            service,
                            countries: Load::NotLoaded,
                            offers: Load::NotLoaded,
                        })
                        .collect(),
                    now,
                ),
                Err(e) => Load::Failed(e.to_string()),
            };
        }
        self.reveal(&account, NodeId::Account);
    }

    /// Children of the node `id` names arrived for `account`.
    fn reveal(&mut self, account: &str, id: impl FnOnce(usize) -> NodeId) {
        if let Some(a) = self.account_position(account) {
            super::panes::catalog::reveal_loaded(self, &id(a));
        }
    }

    pub(super) fn on_countries(
        &mut self,
        account: String,
        service_id: String,
        result: Result<Vec<Country>, ProviderError>,
        now: DateTime<Utc>,
    ) {
        self.now = now;
        if let Some(s) = self.service_mut(&account, &service_id) {
            s.countries = match result {
                Ok(list) => Load::Loaded(
                    list.into_iter()
                        .map(|country| CountryNode {
                            country,
                            offers: Load::NotLoaded,
                        })
                        .collect(),
                    now,
                ),
                Err(e) => Load::Failed(e.to_string()),
            };
        }
        self.reveal(&account, |a| NodeId::Service(a, service_id));
    }

    pub(super) fn on_offers(
        &mut self,
        account: String,
        service_id: String,
        country_id: Option<String>,
        result: Result<Vec<Offer>, ProviderError>,
        now: DateTime<Utc>,
    ) {
        self.now = now;
        if let Some(c) = &country_id {
            super::catalog::more_offers::forget(self, &account, &service_id, c);
        }
        let load = match result {
            Ok(list) => Load::Loaded(list, now),
            Err(e) => Load::Failed(e.to_string()),
        };
        if let Some(s) = self.service_mut(&account, &service_id) {
            match &country_id {
                None => s.offers = load,
                Some(cid) => {
                    if let Some(c) = s.country_mut(cid) {
                        c.offers = load;
                    }
                }
            }
        }
        self.reveal(&account, |a| match country_id {
            None => NodeId::Service(a, service_id),
            Some(c) => NodeId::Country(a, service_id, c),
        });
    }
}

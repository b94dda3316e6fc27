//! One service and country across every OTP account: each account's
//! offers with stock, named by the shared naming rule, with the user's own
//! record from the journal. The CLI (`best`, `buy --best`) and the
//! dashboard's compare view use these functions.

use super::journal::Journal;
pub use crate::domain::compare::{sort, Row, SortBy};
use crate::domain::naming::{self, NameError};
use crate::domain::{Country, Offer, Service};
use crate::providers::{Provider, ProviderError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

/// How far back the own record looks.
pub const RECORD_DAYS: i64 = 30;

#[derive(Debug, Error)]
pub enum LookupError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error("{0}")]
    NoCountries(String),
}

/// The service a person named, on this provider: a narrowed search result
/// counts only when it names the service exactly, else the full list is
/// asked (one rule for the CLI and the dashboard).
pub async fn lookup_service(p: &dyn Provider, wanted: &str) -> Result<Service, LookupError> {
    let narrowed = p.search_services(wanted, None).await?;
    if let Ok(s) = naming::find_service(&narrowed, wanted) {
        if naming::names_service_exactly(s, wanted) {
            return Ok(s.clone());
        }
    }
    let all = p.services().await?;
    Ok(naming::find_service(&all, wanted)?.clone())
}

/// One account's offers for a service and country.
#[derive(Debug, Clone, Serialize)]
pub struct AccountOffers {
    pub service: Service,
    pub country: Country,
    pub offers: Vec<Offer>,
    /// Offers of the same service sold another way on the same account
    /// (OTPZap Server 2), each with how that API names it.
    pub more: Vec<(Service, Country, Offer)>,
}

/// Looks the names up on `p` and lists the offers in stock there.
pub async fn account_offers(
    p: &dyn Provider,
    service: &str,
    country: &str,
) -> Result<AccountOffers, LookupError> {
    if !p.capabilities().countries {
        return Err(LookupError::NoCountries(format!(
            "{} sells no numbers by country",
            p.kind().display_name()
        )));
    }
    let (main, more) = futures::join!(
        main_offers(p, service, country),
        p.offers_by_name(service, country)
    );
    let more: Vec<_> = match more {
        Ok(list) => list.into_iter().filter(|(_, _, o)| o.in_stock()).collect(),
        Err(e) => {
            // The main listing still counts; this one is said in the log.
            tracing::warn!(
                "{}: second offer listing failed: {e}",
                p.kind().display_name()
            );
            Vec::new()
        }
    };
    match main {
        Ok((service, country, offers)) => Ok(AccountOffers {
            service,
            country,
            offers,
            more,
        }),
        // Only the second listing has the service: its offers alone.
        Err(_) if !more.is_empty() => {
            let (service, country, _) = more[0].clone();
            Ok(AccountOffers {
                service,
                country,
                offers: Vec::new(),
                more,
            })
        }
        Err(e) => Err(e),
    }
}

async fn main_offers(
    p: &dyn Provider,
    service: &str,
    country: &str,
) -> Result<(Service, Country, Vec<Offer>), LookupError> {
    let s = lookup_service(p, service).await?;
    let countries = p.countries(&s.id).await?;
    let c = naming::find_country(&countries, country)?.clone();
    let offers = p
        .offers(&s.id, Some(&c.id))
        .await?
        .into_iter()
        .filter(|o| o.in_stock())
        .collect();
    Ok((s, c, offers))
}

/// The rows of one account, each with the user's record of that offer.
pub fn rows_of(
    journal: &Journal,
    account: &str,
    provider: crate::domain::ProviderKind,
    found: &AccountOffers,
    now: DateTime<Utc>,
) -> Vec<Row> {
    let since = now - chrono::Duration::days(RECORD_DAYS);
    let main = found
        .offers
        .iter()
        .map(|o| (&found.service, &found.country, o));
    let more = found.more.iter().map(|(s, c, o)| (s, c, o));
    main.chain(more)
        .map(|(s, c, o)| Row {
            account: account.to_string(),
            provider,
            service: s.clone(),
            country: c.clone(),
            offer: o.clone(),
            record: journal
                .offer_record(account, &o.id, since)
                .unwrap_or_default(),
        })
        .collect()
}

/// One account's rows for the compare table, or why it has none in words
/// ("not matched: …" when the API names the service or country otherwise).
pub async fn account_rows(
    p: &dyn Provider,
    journal: &Journal,
    account: &str,
    service: &str,
    country: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Row>, String> {
    match account_offers(p, service, country).await {
        Ok(found) => Ok(rows_of(journal, account, p.kind(), &found, now)),
        Err(LookupError::Name(e)) => Err(format!("not matched: {e}")),
        Err(e) => Err(e.to_string()),
    }
}

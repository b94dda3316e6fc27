//! The provider layer: one async trait, four adapters. `Provider` holds the
//! calls every API has (catalog, balance, buy, status and the order
//! operations its `Capabilities` allow); what only some APIs have (bills,
//! history, reports, API settings, webhooks, deposits) is a small trait in
//! `extensions`, reached through an accessor such as `Provider::bills`.
//! Each adapter owns its wire types and maps them onto `crate::domain`;
//! nothing outside an adapter sees a provider's JSON.

pub mod extensions;
pub mod gateotp;
pub mod gotopup;
pub mod http;
pub mod lenient;
pub mod nexotp;
pub mod otpzap;
pub mod push;

pub use crate::domain::ProviderError;
pub use extensions::{offered, ApiSettings, Bills, Deposits, History, Reports, Webhooks};
pub use http::HttpPolicy;

use crate::domain::{
    BuyRequest, CancelOutcome, Capabilities, Country, Offer, OrderUpdate, PlacedOrder,
    ProviderKind, Service,
};
use crate::money::Rupiah;
use crate::secret::Secret;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// How an account authenticates.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    ApiKey(Secret),
    /// GoTopUp's Otomax query-string scheme.
    Otomax {
        username: String,
        sign: Secret,
    },
}

impl Auth {
    pub fn secrets(&self) -> Vec<Secret> {
        match self {
            Auth::ApiKey(k) => vec![k.clone()],
            Auth::Otomax { sign, .. } => vec![sign.clone()],
        }
    }
}

/// Everything an adapter needs to talk to one account.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub kind: ProviderKind,
    /// Scheme, host and any path prefix before the documented paths.
    pub base_url: String,
    pub auth: Auth,
    /// GateOTP: added to every offer's price; the sum is sent as
    /// `price_jual` and is what the order charges.
    pub markup: Rupiah,
    /// Used where the API does not say when an order expires.
    pub order_lifetime: Duration,
    pub http: HttpPolicy,
    /// GoTopUp Otomax accounts: sign rule, history key, re-send switch.
    pub gotopup: gotopup::GoTopUpSettings,
}

impl ProviderSettings {
    pub fn new(kind: ProviderKind, base_url: impl Into<String>, auth: Auth) -> Self {
        ProviderSettings {
            kind,
            base_url: base_url.into(),
            auth,
            markup: Rupiah::ZERO,
            order_lifetime: Duration::from_secs(20 * 60),
            http: HttpPolicy::default(),
            gotopup: gotopup::GoTopUpSettings::default(),
        }
    }
}

/// The production host each API documents.
pub fn default_base_url(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::GateOtp => "https://gateotp.com",
        ProviderKind::NexOtp => "https://webnokosai.vercel.app",
        ProviderKind::OtpZap => "https://otpzap.com/api/v1",
        ProviderKind::GoTopUp => "https://api.gotopup.biz.id",
    }
}

/// An order reference as adapters need it for status/cancel/etc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRef {
    pub provider_order_id: String,
    /// The idempotency key / ref_id the order was placed with.
    pub idempotency_key: String,
    /// GoTopUp: where the order was placed (status is read from history).
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// GoTopUp Otomax: status is asked by re-sending product + customer.
    pub offer_id: Option<String>,
    pub customer_number: Option<String>,
}

#[async_trait]
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;
    fn capabilities(&self) -> Capabilities;

    // What only some APIs have, one small trait each (`extensions`): an
    // adapter that has one returns `Some(self)`; callers go through
    // `offered(p.bills(), "postpaid bills")?` and the like.

    /// Postpaid bills, where the API has them (GoTopUp).
    fn bills(&self) -> Option<&dyn Bills> {
        None
    }
    /// The provider's own transaction history (GoTopUp).
    fn history(&self) -> Option<&dyn History> {
        None
    }
    /// Reports (GoTopUp).
    fn reports(&self) -> Option<&dyn Reports> {
        None
    }
    /// The API's own settings (GoTopUp).
    fn api_settings(&self) -> Option<&dyn ApiSettings> {
        None
    }
    /// Webhook settings (OTPZap).
    fn webhooks(&self) -> Option<&dyn Webhooks> {
        None
    }
    /// Deposits (GoTopUp, OTPZap, GateOTP).
    fn deposits(&self) -> Option<&dyn Deposits> {
        None
    }

    /// Finds a buy by its key in the provider's own record, for a call the
    /// spending table marks `LookupFirst`: Some(order) when the key was
    /// used, None when the record shows it unused. Unsupported elsewhere.
    async fn lookup_buy(
        &self,
        _req: &BuyRequest,
        _created_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<PlacedOrder>, ProviderError> {
        Err(ProviderError::Unsupported(
            "looking a buy up by its key".into(),
        ))
    }

    async fn balance(&self) -> Result<Rupiah, ProviderError>;
    async fn services(&self) -> Result<Vec<Service>, ProviderError>;
    /// Services whose name contains `query` (ignoring case, spaces and
    /// punctuation) or whose id is `query`, at most
    /// `limit`. APIs that filter server-side (NEXOTP's `q` and `limit`) do
    /// it there; the default filters the full list.
    async fn search_services(
        &self,
        query: &str,
        limit: Option<usize>,
    ) -> Result<Vec<Service>, ProviderError> {
        // Names compared as domain::naming compares them: case, spaces and
        // punctuation do not matter.
        let q = crate::domain::naming::normalize(query);
        let mut found: Vec<Service> = self
            .services()
            .await?
            .into_iter()
            .filter(|s| {
                crate::domain::naming::normalize(&s.name).contains(&q)
                    || s.id.eq_ignore_ascii_case(query.trim())
            })
            .collect();
        found.truncate(limit.unwrap_or(usize::MAX));
        Ok(found)
    }
    /// Countries a service is sold in (empty when `capabilities().countries`
    /// is false).
    async fn countries(&self, service_id: &str) -> Result<Vec<Country>, ProviderError>;
    /// Offers for a service, in a country where the API has countries,
    /// each priced at what buying it charges (an adapter adds any markup
    /// here, never at buy time), so every consumer shows the same figure.
    async fn offers(
        &self,
        service_id: &str,
        country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError>;

    /// Finds an offer by its id without walking the catalog by hand (GoTopUp
    /// product codes); the default walks services and their offers. A
    /// postpaid product is found under its bill service (`domain::bill`),
    /// which callers refuse as a top-up.
    async fn find_offer(&self, offer_id: &str) -> Result<Option<(Service, Offer)>, ProviderError> {
        for service in self.services().await? {
            if self.capabilities().countries {
                continue;
            }
            if let Some(o) = self
                .offers(&service.id, None)
                .await?
                .into_iter()
                .find(|o| o.id.eq_ignore_ascii_case(offer_id))
            {
                return Ok(Some((service, o)));
            }
        }
        Ok(None)
    }

    /// Places an order. Must never be retried by the adapter unless the API
    /// deduplicates on `req.idempotency_key`.
    async fn buy(&self, req: &BuyRequest) -> Result<PlacedOrder, ProviderError>;
    async fn status(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError>;

    async fn cancel(&self, _order: &OrderRef) -> Result<CancelOutcome, ProviderError> {
        Err(ProviderError::Unsupported("cancel".into()))
    }
    async fn finish(&self, _order: &OrderRef) -> Result<(), ProviderError> {
        Err(ProviderError::Unsupported("finish".into()))
    }
    async fn resend(&self, _order: &OrderRef) -> Result<(), ProviderError> {
        Err(ProviderError::Unsupported("resend".into()))
    }
    /// OTPZap S1: cancels and buys a fresh number at the same price.
    async fn replace(&self, _order: &OrderRef) -> Result<PlacedOrder, ProviderError> {
        Err(ProviderError::Unsupported("replace".into()))
    }
    /// Replace, with the old order's refund as the reply states it (None:
    /// the reply named none).
    async fn replace_reported(
        &self,
        order: &OrderRef,
    ) -> Result<(PlacedOrder, Option<crate::money::Rupiah>), ProviderError> {
        self.replace(order).await.map(|p| (p, None))
    }

    /// Offers of a service sold country-first (OTPZap Server 2), found by
    /// the names people use, in one country: the compare table's second
    /// look, one country's list and never every country's. Default: none.
    async fn offers_by_name(
        &self,
        _service: &str,
        _country: &str,
    ) -> Result<Vec<(Service, Country, Offer)>, ProviderError> {
        Ok(Vec::new())
    }

    /// One page of offers, for APIs whose listing pages on demand (OTPZap
    /// Server 1 products), and whether another follows. The default: the
    /// first page is every offer.
    async fn offers_page(
        &self,
        service_id: &str,
        country_id: Option<&str>,
        page: u32,
    ) -> Result<(Vec<Offer>, bool), ProviderError> {
        if page > 1 {
            return Ok((Vec::new(), false));
        }
        self.offers(service_id, country_id)
            .await
            .map(|o| (o, false))
    }
}

pub type SharedProvider = Arc<dyn Provider>;

/// Builds the adapter for an account.
pub fn build(settings: &ProviderSettings) -> Result<SharedProvider, ProviderError> {
    Ok(match settings.kind {
        ProviderKind::GateOtp => Arc::new(gateotp::GateOtp::new(settings)?),
        ProviderKind::NexOtp => Arc::new(nexotp::NexOtp::new(settings)?),
        ProviderKind::OtpZap => Arc::new(otpzap::OtpZap::new(settings)?),
        ProviderKind::GoTopUp => Arc::new(gotopup::GoTopUp::new(settings)?),
    })
}

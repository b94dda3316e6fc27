//! NexOtp adapter (placeholder until its issue lands).

use super::{OrderRef, Provider, ProviderError, ProviderSettings};
use crate::domain::*;
use crate::money::Rupiah;
use async_trait::async_trait;

pub struct NexOtp;

impl NexOtp {
    pub fn new(_settings: &ProviderSettings) -> Result<Self, ProviderError> {
        Ok(NexOtp)
    }
}

#[async_trait]
impl Provider for NexOtp {
    fn kind(&self) -> ProviderKind {
        ProviderKind::NexOtp
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }
    async fn balance(&self) -> Result<Rupiah, ProviderError> {
        Err(ProviderError::Unsupported("balance"))
    }
    async fn services(&self) -> Result<Vec<Service>, ProviderError> {
        Err(ProviderError::Unsupported("services"))
    }
    async fn countries(&self, _service_id: &str) -> Result<Vec<Country>, ProviderError> {
        Err(ProviderError::Unsupported("countries"))
    }
    async fn offers(
        &self,
        _service_id: &str,
        _country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError> {
        Err(ProviderError::Unsupported("offers"))
    }
    async fn buy(&self, _req: &BuyRequest) -> Result<PlacedOrder, ProviderError> {
        Err(ProviderError::Unsupported("buy"))
    }
    async fn status(&self, _order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        Err(ProviderError::Unsupported("status"))
    }
}

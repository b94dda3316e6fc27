//! Postpaid bills (GoTopUp "pascabayar"): an inquiry, then a payment that
//! goes through the same journaled buy as a top-up (its `ref_id` written
//! first, replayed with the same `ref_id` only), marked by its service id.

use crate::money::Rupiah;
use serde::Serialize;

/// Service ids of bill payments start with this; adapters send such a
/// request to their payment call instead of a top-up.
pub const BILL_SERVICE_PREFIX: &str = "bill:";

pub fn is_bill(service_id: &str) -> bool {
    service_id.starts_with(BILL_SERVICE_PREFIX)
}

/// What an inquiry says a customer owes.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Bill {
    pub product: String,
    pub customer_number: String,
    pub customer_name: Option<String>,
    pub period: Option<String>,
    pub bill: Rupiah,
    pub admin_fee: Rupiah,
    /// What the payment charges.
    pub total: Rupiah,
}

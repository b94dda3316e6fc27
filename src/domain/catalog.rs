//! What a provider sells: services, countries, operators and the offers a
//! buy names. Ids are opaque outside the adapter that made them.

use crate::money::Rupiah;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub category: Option<String>,
    /// Where the service sits in a deeper catalog, outermost first
    /// (GoTopUp: ["Prabayar", "Pulsa"] for "Pulsa Telkomsel"); empty: at
    /// the top, under the account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Country {
    pub id: String,
    pub name: String,
    /// Dialling prefix such as `+62`, where the API gives one.
    pub prefix: Option<String>,
    pub stock: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub id: String,
    pub name: String,
}

/// One buyable thing: a price tier / provider / product for a service in a
/// country. `id` is opaque outside the adapter that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub id: String,
    pub service_id: String,
    pub country_id: Option<String>,
    /// What a person reads: provider name, server, product name.
    pub label: String,
    /// What buying it charges, fees and markup included: the one figure the
    /// catalog, the buy confirmation, price caps and the journal use.
    pub price: Rupiah,
    pub stock: Option<u64>,
    /// Delivery success rate in percent, where the API gives one.
    pub success_rate: Option<f32>,
    pub operators: Vec<Operator>,
    /// False when the provider lists the offer as inactive.
    pub available: bool,
}

impl Offer {
    pub fn in_stock(&self) -> bool {
        self.available && self.stock.is_none_or(|s| s > 0)
    }
}

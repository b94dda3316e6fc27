//! The seller side's JSON bodies (`/api/seller/*` in `api-docs/gotopup.txt`).
//! Where the doc is silent the assumption is written beside the field.

use crate::providers::gotopup::wire::Pagination;
use crate::providers::lenient;
use serde::Deserialize;

/// A row of `GET /api/seller/products` and the `data` of create/update.
/// The update reply shows only code, name, price and status, so the rest
/// is optional.
#[derive(Deserialize)]
pub struct SellerProduct {
    #[serde(deserialize_with = "lenient::string")]
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub subcategory: Option<String>,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(deserialize_with = "lenient::rupiah")]
    pub price: crate::money::Rupiah,
    /// Assumed absent means "active", the documented default.
    #[serde(default)]
    pub status: Option<String>,
}

/// `data` of `POST /api/seller/settlement/request`. Only `status` is
/// required here: a reply without fee or net is shown as "not said".
/// Assumed: the same `ref_id` sent again answers the settlement already
/// made (the doc calls it "Unique reference ID") rather than a second one;
/// nothing here re-sends on its own either way.
#[derive(Deserialize)]
pub struct Settlement {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub settlement_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    pub amount: Option<crate::money::Rupiah>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    pub fee: Option<crate::money::Rupiah>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    pub net_amount: Option<crate::money::Rupiah>,
    #[serde(deserialize_with = "lenient::string")]
    pub status: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub estimated_completion: Option<String>,
}

/// A row of `/api/seller/transactions`. The doc shows `"transactions":
/// [...]`; assumed to be the buyer's row shape (the seller webhook's
/// `data` has ref_id, transaction_id, code, customer_number, status, sn,
/// price, timestamp), every field optional but status.
#[derive(Deserialize)]
pub struct Sale {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ref_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub transaction_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub customer_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    pub price: Option<crate::money::Rupiah>,
    #[serde(deserialize_with = "lenient::string")]
    pub status: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sn: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub timestamp: Option<String>,
}

#[derive(Deserialize)]
pub struct Sales {
    #[serde(default)]
    pub transactions: Vec<serde_json::Value>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

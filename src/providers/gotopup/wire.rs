//! GoTopUp's JSON bodies, as `api-docs/gotopup.txt` shows them. Private to
//! the adapter: the rest of the crate sees only `crate::domain` types.

use crate::money::Rupiah;
use crate::providers::lenient;
use serde::Deserialize;

/// `data` of `/api/buyer/balance`, and the flat Otomax balance reply.
#[derive(Deserialize)]
pub struct Balance {
    #[serde(deserialize_with = "lenient::rupiah")]
    pub balance: Rupiah,
}

/// A price-list row. The Otomax price list shows only code, name, price and
/// status, so category, subcategory and operator are optional.
#[derive(Deserialize, Clone)]
pub struct Product {
    #[serde(deserialize_with = "lenient::string")]
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub subcategory: Option<String>,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(deserialize_with = "lenient::rupiah")]
    pub price: Rupiah,
    /// "active" in every example; assumed absent means active.
    #[serde(default)]
    pub status: Option<String>,
}

/// A buy reply, a history row, a callback or a webhook's `data`. Only
/// `ref_id` and `status` appear in all of them; the callback has no
/// `transaction_id`, `price` or `timestamp`, a PLN payment no `code`.
#[derive(Deserialize)]
pub struct Transaction {
    #[serde(deserialize_with = "lenient::string")]
    pub ref_id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub transaction_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub customer_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    pub price: Option<Rupiah>,
    pub status: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sn: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub timestamp: Option<String>,
}

/// `data` of `/api/buyer/transactions`.
#[derive(Deserialize)]
pub struct History {
    #[serde(default)]
    pub transactions: Vec<Transaction>,
    /// Assumed absent means a single page.
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

#[derive(Deserialize)]
pub struct Pagination {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub total_pages: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub total: Option<i64>,
}

/// Otomax replies are flat: `{"status": "00", "message", "ref_id", "sn"}`.
#[derive(Deserialize)]
pub struct OtomaxReply {
    #[serde(deserialize_with = "lenient::string")]
    pub status: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sn: Option<String>,
    /// Not in the doc's example; read when a server sends it, else the
    /// offer's price stands.
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    pub price: Option<Rupiah>,
}

/// `data` of `GET /api/buyer/api/config`. Only `rate_limit` is read here;
/// `api_key` is never kept or shown.
#[derive(Deserialize)]
pub struct ApiConfig {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub rate_limit: Option<i64>,
}

/// `data` of `/api/buyer/inquiry`. Name and period are assumed optional
/// (a bill without them still has its amounts).
#[derive(Deserialize)]
pub struct Inquiry {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub customer_number: Option<String>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub bill_period: Option<String>,
    #[serde(deserialize_with = "lenient::rupiah")]
    pub total_bill: Rupiah,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    pub admin_fee: Option<Rupiah>,
    #[serde(deserialize_with = "lenient::rupiah")]
    pub total_amount: Rupiah,
}

//! GoTopUp buyer API adapter (PPOB top-ups), Bearer or Otomax auth.
//!
//! Shapes follow `api-docs/gotopup.txt`; where it is silent we assume:
//! * Errors are `{"status": "error", "code": "xx", "message": ".."}` with
//!   401 (bad key), 400 (bad or inactive product), 402 (no balance), 409
//!   (`ref_id` already used) or 5xx; `status` other than "success" at HTTP
//!   200 is an error too.
//! * How a buy's state is read depends on the auth flavour: `buyer` (Bearer
//!   key, history look-ups) and `otomax` (username + sign, re-sent requests)
//!   say what they assume. `catalog` maps the price list onto services.

mod api_config;
pub use api_config::GoTopUpKeyApi;
mod bills;
mod buyer;
mod catalog;
mod deposit;
mod history;
mod limits;
mod otomax;
mod refusal;
mod reports;
mod rounds;
mod seller;
mod seller_wire;
pub use seller::GoTopUpSeller;
pub mod sign;
mod webhook;
mod wire;
pub use webhook::parse_webhook;

pub use limits::{GoTopUpSettings, DEFAULT_RATE_LIMIT};
pub use sign::{SignRule, SignScheme};

use super::extensions as ext;
use super::http::{Http, Reply};
use super::lenient;
use super::{Auth, OrderRef, Provider, ProviderError, ProviderSettings};
use crate::domain::*;
use crate::money::Rupiah;
use async_trait::async_trait;
use catalog::{group_of, offer_of};
use lenient::parse;
use serde_json::{json, Value};

pub struct GoTopUp {
    http: Http,
    auth: Auth,
    gtu: GoTopUpSettings,
    limiter: limits::Limiter,
    rounds: tokio::sync::Mutex<rounds::RoundState>,
    rate_loaded: tokio::sync::OnceCell<()>,
}

fn payload(reply: &Reply) -> Result<Value, ProviderError> {
    if !reply.is_success() {
        return Err(reply.status_error());
    }
    let v: Value = serde_json::from_str(&reply.body)
        .map_err(|e| ProviderError::Malformed(format!("reply is not JSON: {e}")))?;
    // A bare transaction (no envelope) carries its own status word.
    if v.get("data").is_none()
        && v.get("ref_id").is_some()
        && v.get("code").is_none_or(|c| c.as_str() != Some("00"))
    {
        return Ok(v);
    }
    match v.get("status").and_then(Value::as_str).map(lenient::norm) {
        Some(s) if s == "success" => Ok(lenient::unwrap_data(v)),
        // Otomax replies carry codes in `status`; the caller reads them.
        Some(s) if s.chars().all(|c| c.is_ascii_digit()) => Ok(v),
        None => Ok(lenient::unwrap_data(v)),
        // Only an explicit failure word means the request was refused; any
        // other word may hide a transaction that went through.
        Some(s) if !matches!(s.as_str(), "error" | "failed" | "gagal" | "fail") => Err(
            ProviderError::Malformed(format!("unexpected reply status '{s}'")),
        ),
        Some(_) => {
            let message = reply.message();
            let low = message.to_lowercase();
            if low.contains("saldo") || low.contains("balance") {
                Err(ProviderError::InsufficientBalance(message))
            } else {
                Err(ProviderError::Rejected {
                    status: reply.status,
                    message,
                })
            }
        }
    }
}

impl GoTopUp {
    pub fn new(settings: &ProviderSettings) -> Result<Self, ProviderError> {
        let mut secrets = settings.auth.secrets();
        secrets.extend(settings.gotopup.history_key.clone());
        Ok(GoTopUp {
            http: Http::new(&settings.base_url, settings.http, secrets)?,
            auth: settings.auth.clone(),
            gtu: settings.gotopup.clone(),
            limiter: limits::Limiter::new(settings.gotopup.rate_window),
            rounds: Default::default(),
            rate_loaded: tokio::sync::OnceCell::new(),
        })
    }
}

#[async_trait]
impl Provider for GoTopUp {
    fn kind(&self) -> ProviderKind {
        ProviderKind::GoTopUp
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            topup: true,
            otomax: match &self.auth {
                Auth::Otomax { .. } => Some(self.gtu.resend_is_status),
                Auth::ApiKey(_) => None,
            },
            ..Default::default()
        }
    }

    // Bills (`bills.rs`), history (`history.rs`), reports (`reports.rs`),
    // API settings (`api_config.rs`) and deposits (`deposit.rs`).
    fn bills(&self) -> Option<&dyn ext::Bills> {
        Some(self)
    }
    fn history(&self) -> Option<&dyn ext::History> {
        Some(self)
    }
    fn reports(&self) -> Option<&dyn ext::Reports> {
        Some(self)
    }
    fn api_settings(&self) -> Option<&dyn ext::ApiSettings> {
        Some(self)
    }
    fn deposits(&self) -> Option<&dyn ext::Deposits> {
        Some(self)
    }

    async fn balance(&self) -> Result<Rupiah, ProviderError> {
        let v = match &self.auth {
            Auth::ApiKey(k) => self.post("/api/buyer/balance", json!({}), k).await?,
            Auth::Otomax { .. } => self.otomax("/api/otomax/balance", &[]).await?,
        };
        let b: wire::Balance = parse(v, "balance")?;
        Ok(b.balance)
    }

    async fn services(&self) -> Result<Vec<Service>, ProviderError> {
        let mut out: Vec<Service> = Vec::new();
        for p in self.products(None, None).await? {
            let (id, name) = group_of(&p);
            if !out.iter().any(|s| s.id == id) {
                out.push(Service {
                    id,
                    name,
                    category: p.category.clone(),
                    path: catalog::path_of(&p),
                });
            }
        }
        Ok(out)
    }

    async fn countries(&self, _service_id: &str) -> Result<Vec<Country>, ProviderError> {
        Ok(Vec::new())
    }

    async fn offers(
        &self,
        service_id: &str,
        _country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError> {
        // The price list filters by category and operator server-side; a
        // group whose names the API spells differently (spaces, case) comes
        // back empty that way, so the full list is the fallback.
        let in_group = |products: Vec<wire::Product>| -> Vec<Offer> {
            products
                .iter()
                .filter(|p| group_of(p).0 == service_id)
                .map(|p| offer_of(p, service_id))
                .collect()
        };
        let filter_id = service_id
            .strip_prefix(crate::domain::bill::BILL_SERVICE_PREFIX)
            .unwrap_or(service_id);
        let mut list = match filter_id.split_once(':') {
            Some((cat, op)) => in_group(self.products(Some(cat), Some(op)).await?),
            None => Vec::new(),
        };
        if list.is_empty() {
            list = in_group(self.products(None, None).await?);
        }
        list.sort_by_key(|o| o.price);
        Ok(list)
    }

    async fn find_offer(&self, offer_id: &str) -> Result<Option<(Service, Offer)>, ProviderError> {
        let found = self
            .products(None, None)
            .await?
            .into_iter()
            .find(|p| p.code.eq_ignore_ascii_case(offer_id));
        Ok(found.map(|p| {
            let (id, name) = group_of(&p);
            let offer = offer_of(&p, &id);
            let path = catalog::path_of(&p);
            (
                Service {
                    id,
                    name,
                    category: p.category,
                    path,
                },
                offer,
            )
        }))
    }

    async fn buy(&self, req: &BuyRequest) -> Result<PlacedOrder, ProviderError> {
        let customer = req
            .customer_number
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| ProviderError::Rejected {
                status: 0,
                message: "a top-up needs a customer number".into(),
            })?;
        match &self.auth {
            Auth::ApiKey(key) if crate::domain::bill::is_bill(&req.service_id) => {
                self.pay_bill(key, req, customer).await
            }
            Auth::ApiKey(key) => self.buyer_buy(key, req, customer).await,
            Auth::Otomax { .. } if crate::domain::bill::is_bill(&req.service_id) => Err(
                ProviderError::Unsupported("postpaid bills on Otomax accounts".into()),
            ),
            Auth::Otomax { .. } => self.otomax_buy(req, customer).await,
        }
    }

    async fn lookup_buy(
        &self,
        req: &BuyRequest,
        created_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<PlacedOrder>, ProviderError> {
        // An Otomax account reads the same account's Bearer history where
        // it has that key; it is never asked by re-sending.
        let key = match &self.auth {
            Auth::ApiKey(key) => key,
            Auth::Otomax { .. } => {
                self.gtu
                    .history_key
                    .as_ref()
                    .ok_or(ProviderError::Unsupported(
                        "looking an Otomax buy up without a Bearer key".into(),
                    ))?
            }
        };
        self.lookup_by_ref(key, req, created_at).await
    }

    async fn status(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        match &self.auth {
            Auth::ApiKey(key) => self.buyer_status(key, order).await,
            Auth::Otomax { .. } => self.otomax_poll(order).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    pub(super) fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: body.to_string(),
        }
    }

    /// A 200 reply's payload, parsed as `T`.
    pub(super) fn ok<T: DeserializeOwned>(body: &str) -> T {
        parse(payload(&reply(200, body)).unwrap(), "t").unwrap()
    }

    pub(super) fn rp(v: &Value) -> Option<Rupiah> {
        lenient::rupiah(v).ok()
    }

    /// Some doc examples elide lists as `[...]`, which is not JSON; read
    /// them as an empty list, as a reader would.
    pub(super) fn doc(body: &str) -> String {
        body.replace("[...]", "[]")
    }

    /// The doc's bodies the adapter reads no typed field of still unwrap to
    /// their `data`: balance, deposit, inquiry, config, settlement, reports.
    #[test]
    fn untyped_doc_examples_unwrap() {
        let b: wire::Balance = ok(
            r#"{"status": "success", "code": "00", "data": {"balance": 1000000, "currency": "IDR"}}"#,
        );
        assert_eq!(b.balance, Rupiah(1_000_000));
        let dep: Value = ok(
            r#"{"status": "success", "code": "00", "message": "Deposit berhasil", "data": {"ref_id": "DEPO-001", "amount": 100000, "balance_before": 500000, "balance_after": 600000, "timestamp": "2025-01-15T10:30:00Z"}}"#,
        );
        assert_eq!(dep["amount"], 100000);
        let inq: Value = ok(
            r#"{"status": "success", "code": "00", "data": {"customer_number": "12345678901", "customer_name": "John Doe", "bill_period": "2025-01", "total_bill": 150000, "admin_fee": 2500, "total_amount": 152500}}"#,
        );
        assert_eq!(inq["total_amount"], 152500);
        let cfg: Value = ok(
            r#"{"status": "success", "code": "00", "data": {"api_key": "buyer_api_key_123", "webhook_url": "https://your-domain.com/webhook", "ip_whitelist": ["192.168.1.1"], "rate_limit": 100, "is_active": true}}"#,
        );
        assert_eq!(cfg["rate_limit"], 100);
        // POST /api/buyer/api/config
        let cfg: Value = ok(r#"{
"status": "success",
"code": "00",
"message": "API config berhasil diupdate",
"data": {
"api_key": "buyer_api_key_123",
"webhook_url": "https://your-domain.com/webhook",
"ip_whitelist": ["192.168.1.1"],
"rate_limit": 100
}
}"#);
        assert_eq!(cfg["webhook_url"], "https://your-domain.com/webhook");
        assert_eq!(cfg["ip_whitelist"][0], "192.168.1.1");
        assert_eq!(cfg["rate_limit"], 100);
        // POST /api/seller/settlement/request
        let settle: Value = ok(r#"{
"status": "success",
"code": "00",
"message": "Settlement request berhasil dibuat",
"data": {
"settlement_id": "SETT123456",
"amount": 500000,
"fee": 5000,
"net_amount": 495000,
"status": "pending",
"estimated_completion": "2025-01-18T10:00:00Z"
}
}"#);
        assert_eq!(settle["settlement_id"], "SETT123456");
        assert_eq!(
            (
                rp(&settle["amount"]),
                rp(&settle["fee"]),
                rp(&settle["net_amount"])
            ),
            (
                Some(Rupiah(500_000)),
                Some(Rupiah(5_000)),
                Some(Rupiah(495_000))
            )
        );
        assert_eq!(settle["status"], "pending");
        // POST /api/seller/api/config
        let cfg: Value = ok(r#"{
"status": "success",
"code": "00",
"message": "API config berhasil diupdate",
"data": {
"api_key": "seller_api_key_123",
"webhook_url": "https://your-domain.com/webhook",
"ip_whitelist": [],
"rate_limit": 100
}
}"#);
        assert_eq!(cfg["webhook_url"], "https://your-domain.com/webhook");
        assert_eq!(cfg["ip_whitelist"].as_array().map(Vec::len), Some(0));
        assert_eq!(cfg["rate_limit"], 100);

        // POST /api/seller/reports
        let sales: Value = ok(r#"{
"status": "success",
"code": "00",
"data": {
"type": "sales",
"period": {
"start_date": "2025-01-01",
"end_date": "2025-01-31"
},
"summary": {
"total_transactions": 45,
"success_transactions": 42,
"failed_transactions": 3,
"total_revenue": 231000,
"success_revenue": 231000,
"commission_rate": 0.05,
"commission_amount": 11550,
"net_revenue": 219450
}
}
}"#);
        assert_eq!(sales["type"], "sales");
        let sum = &sales["summary"];
        assert_eq!(sum["commission_rate"].as_f64(), Some(0.05));
        assert_eq!(
            (rp(&sum["commission_amount"]), rp(&sum["net_revenue"])),
            (Some(Rupiah(11_550)), Some(Rupiah(219_450)))
        );
    }

    #[test]
    fn error_replies_are_typed() {
        let e = payload(&reply(
            200,
            r#"{"status": "error", "code": "14", "message": "Produk tidak aktif"}"#,
        ));
        assert!(
            matches!(e, Err(ProviderError::Rejected { message, .. }) if message == "Produk tidak aktif")
        );
        let e = payload(&reply(
            402,
            r#"{"status": "error", "code": "51", "message": "Saldo tidak cukup"}"#,
        ));
        assert!(matches!(e, Err(ProviderError::InsufficientBalance(_))));
        assert!(matches!(
            payload(&reply(200, "<html>")),
            Err(ProviderError::Malformed(_))
        ));
    }
}

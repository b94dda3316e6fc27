//! GoTopUp buyer API adapter (PPOB top-ups), Bearer or Otomax auth.
//!
//! Shapes follow `api-docs/gotopup.txt`; where it is silent we assume:
//! * Errors are `{"status": "error", "code": "xx", "message": ".."}` with
//!   401 (bad key), 400 (bad or inactive product), 402 (no balance), 409
//!   (`ref_id` already used) or 5xx; `status` other than "success" at HTTP
//!   200 is an error too.
//! * There is no per-transaction status call: the status of a buy is read
//!   from `/api/buyer/transactions` (history), found by `ref_id`, paging from
//!   the order's date. pending/processing → Waiting, success → Finished with
//!   the SN (also reported as the order's "OTP" so `watch` prints it),
//!   failed → Failed (the provider refunds).
//! * A buy whose `ref_id` was already used (409) is looked up in history: if
//!   code and customer match, that transaction is the order (a replay never
//!   charges twice); otherwise it is no clear reply (see below).
//! * Otomax accounts (`username` + `sign` in the query) have no history
//!   endpoint; as Otomax H2H servers do, re-sending `/api/otomax/request`
//!   with the same `ref_id` returns that transaction's current state instead
//!   of buying again. Codes: "00" success (with `sn`, the only code
//!   api-docs/gotopup.txt documents) and "68" pending (the Otomax
//!   convention). The docs document no failure code, so any other code is
//!   no clear reply: a buy that gets one is kept Unknown (it may have gone
//!   through), a status poll that gets one changes nothing and reports it.
//! * A `ref_id` already taken (409) whose transaction the history does not
//!   show (or shows for another product or customer) is no clear reply
//!   either: this key may have been charged, so it is never read as "not
//!   bought".
//! * Catalog: services are price-list groups (subcategory or category +
//!   operator, e.g. `pulsa:telkomsel`); offers are the group's products,
//!   offer id = product code.

use super::http::{encode, Http, Reply, Retry};
use super::lenient::{self, parse};
use super::{Auth, OrderRef, Provider, ProviderError, ProviderSettings};
use crate::domain::*;
use crate::money::Rupiah;
use crate::secret::Secret;
use async_trait::async_trait;
use serde_json::{json, Value};

pub struct GoTopUp {
    http: Http,
    auth: Auth,
}

mod wire {
    use super::lenient;
    use crate::money::Rupiah;
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Balance {
        #[serde(deserialize_with = "lenient::rupiah")]
        pub balance: Rupiah,
    }

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
        #[serde(default)]
        pub status: Option<String>,
    }

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

    #[derive(Deserialize)]
    pub struct History {
        #[serde(default)]
        pub transactions: Vec<Transaction>,
        #[serde(default)]
        pub pagination: Option<Pagination>,
    }

    #[derive(Deserialize)]
    pub struct Pagination {
        #[serde(default, deserialize_with = "lenient::opt_int")]
        pub total_pages: Option<i64>,
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
        #[serde(default, deserialize_with = "lenient::opt_rupiah")]
        pub price: Option<Rupiah>,
    }
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

fn status_word(word: &str) -> Result<OrderStatus, ProviderError> {
    Ok(match lenient::norm(word).as_str() {
        "pending" | "processing" => OrderStatus::Waiting,
        "success" | "sukses" => OrderStatus::Finished,
        "failed" | "gagal" => OrderStatus::Failed,
        other => {
            return Err(ProviderError::Malformed(format!(
                "unknown transaction status '{other}'"
            )))
        }
    })
}

/// An Otomax code as a status; `Unknown` for every code the docs do not
/// document (none is documented as a failure, so none means "not bought").
fn otomax_status(code: &str) -> OrderStatus {
    match code.trim() {
        "00" => OrderStatus::Finished,
        "68" => OrderStatus::Waiting,
        _ => OrderStatus::Unknown,
    }
}

/// An Otomax reply whose code says nothing certain about the transaction.
fn otomax_unclear(r: &wire::OtomaxReply) -> ProviderError {
    ProviderError::Malformed(format!(
        "undocumented Otomax code {}{}: the transaction's state is unknown",
        r.status.trim(),
        r.message
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default()
    ))
}

fn group_of(p: &wire::Product) -> (String, String) {
    let cat = p
        .subcategory
        .clone()
        .or_else(|| p.category.clone())
        .unwrap_or_else(|| "produk".into());
    let op = p.operator.clone().unwrap_or_else(|| "lainnya".into());
    let id = format!("{}:{}", lenient::norm(&cat), lenient::norm(&op));
    let mut name = String::new();
    let mut first = true;
    for word in cat.split(['_', ' ']).chain(std::iter::once(op.as_str())) {
        if !first {
            name.push(' ');
        }
        first = false;
        let mut cs = word.chars();
        if let Some(c) = cs.next() {
            name.extend(c.to_uppercase());
            name.push_str(cs.as_str());
        }
    }
    (id, name)
}

fn offer_of(p: &wire::Product, service_id: &str) -> Offer {
    Offer {
        id: p.code.clone(),
        service_id: service_id.to_string(),
        country_id: None,
        label: p.name.clone(),
        price: p.price,
        stock: None,
        success_rate: None,
        operators: Vec::new(),
        available: p
            .status
            .as_deref()
            .map(|s| lenient::norm(s) == "active")
            .unwrap_or(true),
    }
}

/// A history row (or a transaction reply) as a provider-neutral
/// `Transaction`; an unknown status word is an error, not a guess.
fn transaction_of(t: wire::Transaction) -> Result<Transaction, ProviderError> {
    let status = status_word(&t.status)?;
    Ok(Transaction {
        reference: t.ref_id,
        provider_id: t.transaction_id,
        product: t.code,
        customer_number: t.customer_number,
        price: t.price,
        status,
        sn: t.sn.filter(|s| !s.trim().is_empty()),
        message: t.message,
        at: t
            .timestamp
            .as_deref()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s.trim()).ok())
            .map(|d| d.with_timezone(&chrono::Utc)),
    })
}

fn update_of(t: &Transaction) -> OrderUpdate {
    OrderUpdate {
        status: Some(t.status),
        otps: if t.status == OrderStatus::Finished {
            t.sn.clone().into_iter().collect()
        } else {
            Vec::new()
        },
        number: t.customer_number.clone(),
        sn: t.sn.clone(),
        message: t.message.clone(),
        ..Default::default()
    }
}

fn placed_of(t: &Transaction, req: &BuyRequest) -> PlacedOrder {
    let u = update_of(t);
    PlacedOrder {
        provider_order_id: t.provider_id.clone().unwrap_or_else(|| t.reference.clone()),
        number: t
            .customer_number
            .clone()
            .or_else(|| req.customer_number.clone())
            .unwrap_or_default(),
        price: t.price.unwrap_or(req.price),
        status: t.status,
        expires_at: None,
        otps: u.otps,
        sn: u.sn,
    }
}

impl GoTopUp {
    pub fn new(settings: &ProviderSettings) -> Result<Self, ProviderError> {
        Ok(GoTopUp {
            http: Http::new(&settings.base_url, settings.http, settings.auth.secrets())?,
            auth: settings.auth.clone(),
        })
    }

    async fn post(&self, path: &str, body: Value, key: &Secret) -> Result<Value, ProviderError> {
        let url = self.http.url(path);
        // Every buyer call is safe to repeat: reads, and buys keyed by ref_id.
        let reply = self
            .http
            .send(Retry::Safe, |c| {
                c.post(&url).bearer_auth(key.expose()).json(&body)
            })
            .await?;
        payload(&reply)
    }

    async fn otomax(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, ProviderError> {
        let Auth::Otomax { username, sign } = &self.auth else {
            return Err(ProviderError::Unsupported("otomax"));
        };
        let mut query: Vec<(&str, &str)> =
            vec![("username", username.as_str()), ("sign", sign.expose())];
        query.extend_from_slice(params);
        let qs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        let url = format!("{}?{}", self.http.url(path), qs.join("&"));
        let reply = self.http.send(Retry::Safe, |c| c.get(&url)).await?;
        payload(&reply)
    }

    async fn products(
        &self,
        category: Option<&str>,
        operator: Option<&str>,
    ) -> Result<Vec<wire::Product>, ProviderError> {
        let v = match &self.auth {
            Auth::ApiKey(k) => {
                let mut body = serde_json::Map::new();
                if let Some(c) = category {
                    body.insert("category".into(), json!(c));
                }
                if let Some(o) = operator {
                    body.insert("operator".into(), json!(o));
                }
                self.post("/api/buyer/price-list", Value::Object(body), k)
                    .await?
            }
            Auth::Otomax { .. } => {
                let mut p = Vec::new();
                if let Some(c) = category {
                    p.push(("category", c));
                }
                if let Some(o) = operator {
                    p.push(("operator", o));
                }
                lenient::unwrap_data(self.otomax("/api/otomax/price-list", &p).await?)
            }
        };
        parse(v, "price list")
    }

    /// Finds a transaction by ref_id in the history, newest pages first.
    async fn find_in_history(
        &self,
        key: &Secret,
        order: &OrderRef,
    ) -> Result<Option<Transaction>, ProviderError> {
        let start = order.created_at.map(|t| {
            (t - chrono::Duration::days(1))
                .format("%Y-%m-%d")
                .to_string()
        });
        for page in 1..=10 {
            let mut body = json!({"page": page, "limit": 100});
            if let (Some(s), Some(m)) = (&start, body.as_object_mut()) {
                m.insert("start_date".into(), json!(s));
            }
            let h: wire::History = parse(
                self.post("/api/buyer/transactions", body, key).await?,
                "history",
            )?;
            let last = h.pagination.and_then(|p| p.total_pages).unwrap_or(1);
            if let Some(t) = h
                .transactions
                .into_iter()
                .find(|t| t.ref_id == order.idempotency_key)
            {
                return transaction_of(t).map(Some);
            }
            if page >= last {
                break;
            }
        }
        Ok(None)
    }

    async fn otomax_request(
        &self,
        req_code: &str,
        customer: &str,
        ref_id: &str,
    ) -> Result<wire::OtomaxReply, ProviderError> {
        let v = self
            .otomax(
                "/api/otomax/request",
                &[
                    ("code", req_code),
                    ("customer", customer),
                    ("ref_id", ref_id),
                ],
            )
            .await?;
        parse(v, "otomax reply")
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
            idempotent_buy: true,
            ..Default::default()
        }
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
        let mut list = match service_id.split_once(':') {
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
            (
                Service {
                    id,
                    name,
                    category: p.category,
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
            Auth::ApiKey(key) => {
                let body = json!({"code": req.offer_id, "customer_number": customer, "ref_id": req.idempotency_key});
                match self.post("/api/buyer/transaction", body, key).await {
                    Ok(v) => Ok(placed_of(&transaction_of(parse(v, "transaction")?)?, req)),
                    Err(ProviderError::Conflict(msg)) => {
                        let r = OrderRef {
                            provider_order_id: req.idempotency_key.clone(),
                            idempotency_key: req.idempotency_key.clone(),
                            created_at: Some(chrono::Utc::now()),
                            offer_id: Some(req.offer_id.clone()),
                            customer_number: Some(customer.to_string()),
                        };
                        // The ref_id is taken, so this buy (or an earlier
                        // try) went through: a failed look-up must stay
                        // ambiguous, never read as "not bought".
                        let found = self.find_in_history(key, &r).await.map_err(|e| {
                            ProviderError::Network(format!(
                                "ref_id already used and the history could not be read: {e}"
                            ))
                        })?;
                        match found {
                            Some(t)
                                if t.product
                                    .as_deref()
                                    .is_none_or(|c| c.eq_ignore_ascii_case(&req.offer_id))
                                    && t.customer_number
                                        .as_deref()
                                        .is_none_or(|c| c == customer) =>
                            {
                                Ok(placed_of(&t, req))
                            }
                            // Taken, but not visibly by this buy: still no
                            // proof that this key was never charged.
                            Some(t) => Err(ProviderError::Malformed(format!(
                                "ref_id {} is already used ({msg}) and the history shows it for {} / {}, not this top-up: check the provider",
                                req.idempotency_key,
                                t.product.as_deref().unwrap_or("?"),
                                t.customer_number.as_deref().unwrap_or("?"),
                            ))),
                            None => Err(ProviderError::Malformed(format!(
                                "ref_id {} is already used ({msg}) but the history does not show it: the top-up may have gone through",
                                req.idempotency_key
                            ))),
                        }
                    }
                    Err(e) => Err(e),
                }
            }
            Auth::Otomax { .. } => {
                let r = self
                    .otomax_request(&req.offer_id, customer, &req.idempotency_key)
                    .await?;
                let status = otomax_status(&r.status);
                if status == OrderStatus::Unknown {
                    return Err(otomax_unclear(&r));
                }
                Ok(PlacedOrder {
                    provider_order_id: req.idempotency_key.clone(),
                    number: customer.to_string(),
                    price: r.price.unwrap_or(req.price),
                    status,
                    expires_at: None,
                    otps: if status == OrderStatus::Finished {
                        r.sn.clone().into_iter().collect()
                    } else {
                        Vec::new()
                    },
                    sn: r.sn,
                })
            }
        }
    }

    async fn status(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        match &self.auth {
            Auth::ApiKey(key) => match self.find_in_history(key, order).await? {
                Some(t) => Ok(update_of(&t)),
                None => Err(ProviderError::NotFound(format!(
                    "no transaction with ref_id {} in the history",
                    order.idempotency_key
                ))),
            },
            Auth::Otomax { .. } => {
                let (Some(code), Some(customer)) = (&order.offer_id, &order.customer_number) else {
                    return Err(ProviderError::Unsupported(
                        "Otomax status without product and customer",
                    ));
                };
                let r = self
                    .otomax_request(code, customer, &order.idempotency_key)
                    .await?;
                let status = otomax_status(&r.status);
                if status == OrderStatus::Unknown {
                    return Err(otomax_unclear(&r));
                }
                Ok(OrderUpdate {
                    status: Some(status),
                    otps: if status == OrderStatus::Finished {
                        r.sn.clone().into_iter().collect()
                    } else {
                        Vec::new()
                    },
                    sn: r.sn,
                    message: r.message,
                    ..Default::default()
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: body.to_string(),
        }
    }

    fn ok<T: DeserializeOwned>(body: &str) -> T {
        parse(payload(&reply(200, body)).unwrap(), "t").unwrap()
    }

    fn tx(body: &str) -> Transaction {
        transaction_of(ok(body)).unwrap()
    }

    fn rp(v: &Value) -> Option<Rupiah> {
        lenient::rupiah(v).ok()
    }

    /// Some doc examples elide lists as `[...]`, which is not JSON; read
    /// them as an empty list, as a reader would.
    fn doc(body: &str) -> String {
        body.replace("[...]", "[]")
    }

    #[test]
    fn every_doc_example_parses() {
        let b: wire::Balance = ok(
            r#"{"status": "success", "code": "00", "data": {"balance": 1000000, "currency": "IDR"}}"#,
        );
        assert_eq!(b.balance, Rupiah(1_000_000));
        let p: Vec<wire::Product> = ok(
            r#"{"status": "success", "code": "00", "data": [{"code": "TELKOMSEL5", "name": "Pulsa Telkomsel 5.000", "category": "prabayar", "subcategory": "pulsa", "operator": "Telkomsel", "price": 5500, "status": "active"}, {"code": "TELKOMSEL10", "name": "Pulsa Telkomsel 10.000", "category": "prabayar", "subcategory": "pulsa", "operator": "Telkomsel", "price": 10500, "status": "active"}]}"#,
        );
        assert_eq!(
            group_of(&p[0]),
            ("pulsa:telkomsel".to_string(), "Pulsa Telkomsel".to_string())
        );
        assert_eq!(p[1].price, Rupiah(10_500));
        let dep: Value = ok(
            r#"{"status": "success", "code": "00", "message": "Deposit berhasil", "data": {"ref_id": "DEPO-001", "amount": 100000, "balance_before": 500000, "balance_after": 600000, "timestamp": "2025-01-15T10:30:00Z"}}"#,
        );
        assert_eq!(dep["amount"], 100000);
        let t = tx(
            r#"{"status": "success", "code": "00", "message": "Transaksi berhasil", "data": {"ref_id": "TXN-001", "transaction_id": "TXN123456", "code": "TELKOMSEL5", "customer_number": "081234567890", "product_name": "Pulsa Telkomsel 5.000", "price": 5500, "sn": "1234567890123456", "status": "success", "timestamp": "2025-01-15T10:30:00Z"}}"#,
        );
        assert_eq!(
            (
                t.reference.as_str(),
                t.provider_id.as_deref(),
                t.product.as_deref(),
                t.price
            ),
            (
                "TXN-001",
                Some("TXN123456"),
                Some("TELKOMSEL5"),
                Some(Rupiah(5500))
            )
        );
        assert_eq!(
            t.at.map(|d| d.to_rfc3339()).as_deref(),
            Some("2025-01-15T10:30:00+00:00")
        );
        let u = update_of(&t);
        assert_eq!(
            (u.status, u.sn.as_deref()),
            (Some(OrderStatus::Finished), Some("1234567890123456"))
        );
        assert_eq!(u.otps, vec!["1234567890123456"]);
        let inq: Value = ok(
            r#"{"status": "success", "code": "00", "data": {"customer_number": "12345678901", "customer_name": "John Doe", "bill_period": "2025-01", "total_bill": 150000, "admin_fee": 2500, "total_amount": 152500}}"#,
        );
        assert_eq!(inq["total_amount"], 152500);
        let pay = tx(
            r#"{"status": "success", "code": "00", "data": {"ref_id": "PAY-001", "transaction_id": "TXN123456", "customer_number": "12345678901", "product_name": "PLN Pascabayar", "price": 152500, "status": "pending"}}"#,
        );
        assert_eq!(
            (pay.status, pay.price),
            (OrderStatus::Waiting, Some(Rupiah(152_500)))
        );
        assert_eq!(update_of(&pay).status, Some(OrderStatus::Waiting));
        let h: wire::History = ok(
            r#"{"status": "success", "code": "00", "data": {"transactions": [{"ref_id": "TXN-001", "transaction_id": "TXN123456", "customer_number": "081234567890", "code": "TELKOMSEL5", "product_name": "Pulsa Telkomsel 5.000", "price": 5500, "status": "success", "sn": "1234567890123456", "timestamp": "2025-01-15T10:30:00Z"}], "pagination": {"page": 1, "limit": 20, "total": 45, "total_pages": 3}}}"#,
        );
        assert_eq!(h.pagination.and_then(|p| p.total_pages), Some(3));
        let rows: Vec<Transaction> = h
            .transactions
            .into_iter()
            .map(|t| transaction_of(t).unwrap())
            .collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].status, rows[0].sn.as_deref()),
            (OrderStatus::Finished, Some("1234567890123456"))
        );
        let cfg: Value = ok(
            r#"{"status": "success", "code": "00", "data": {"api_key": "buyer_api_key_123", "webhook_url": "https://your-domain.com/webhook", "ip_whitelist": ["192.168.1.1"], "rate_limit": 100, "is_active": true}}"#,
        );
        assert_eq!(cfg["rate_limit"], 100);
        let o: wire::OtomaxReply =
            ok(r#"{"status": "00", "message": "Success", "ref_id": "TXN-001", "sn": null}"#);
        assert_eq!(
            (otomax_status(&o.status), o.sn),
            (OrderStatus::Finished, None)
        );
        let op: Vec<wire::Product> = parse(
            lenient::unwrap_data(payload(&reply(200, r#"{"status": "00", "message": "Success", "data": [{"code": "TELKOMSEL5", "name": "Pulsa Telkomsel 5.000", "price": 5500, "status": "active"}]}"#)).unwrap()),
            "p",
        )
        .unwrap();
        assert_eq!(op[0].code, "TELKOMSEL5");
        let ob: wire::Balance =
            ok(r#"{"status": "00", "message": "Success", "balance": 1000000, "currency": "IDR"}"#);
        assert_eq!(ob.balance, Rupiah(1_000_000));

        // The rest of the doc's bodies: buyer config update and reports, the
        // seller API, the Otomax callback and the webhook payload.
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

        // POST /api/buyer/reports
        let report: Value = ok(&doc(r#"{
"status": "success",
"code": "00",
"data": {
"type": "transaction",
"period": {
"start_date": "2025-01-01",
"end_date": "2025-01-31"
},
"summary": {
"total_transactions": 45,
"success_transactions": 42,
"failed_transactions": 3,
"total_amount": 247500,
"success_amount": 231000
},
"transactions": [...]
}
}"#));
        assert_eq!(report["type"], "transaction");
        assert_eq!(report["period"]["end_date"], "2025-01-31");
        assert_eq!(
            rp(&report["summary"]["success_amount"]),
            Some(Rupiah(231_000))
        );
        assert_eq!(report["summary"]["failed_transactions"], 3);
        let rows: Vec<wire::Transaction> = parse(report["transactions"].clone(), "rows").unwrap();
        assert!(rows.is_empty());

        // GET /api/seller/products
        let products: Vec<wire::Product> = ok(r#"{
"status": "success",
"code": "00",
"data": [
{
"code": "TELKOMSEL5",
"name": "Pulsa Telkomsel 5.000",
"category": "prabayar",
"subcategory": "pulsa",
"operator": "Telkomsel",
"price": 5500,
"status": "active"
}
]
}"#);
        let offer = offer_of(&products[0], "pulsa:telkomsel");
        assert_eq!(
            (offer.id.as_str(), offer.price, offer.available),
            ("TELKOMSEL5", Rupiah(5500), true)
        );

        // POST /api/seller/products
        let created: wire::Product = ok(r#"{
"status": "success",
"code": "00",
"message": "Product created successfully",
"data": {
"code": "TELKOMSEL5",
"name": "Pulsa Telkomsel 5.000",
"category": "prabayar",
"subcategory": "pulsa",
"operator": "Telkomsel",
"price": 5500,
"status": "active"
}
}"#);
        assert_eq!(group_of(&created).0, "pulsa:telkomsel");
        assert_eq!(created.category.as_deref(), Some("prabayar"));

        // PUT /api/seller/products/TELKOMSEL5: no category or operator.
        let updated: wire::Product = ok(r#"{
"status": "success",
"code": "00",
"message": "Product updated successfully",
"data": {
"code": "TELKOMSEL5",
"name": "Pulsa Telkomsel 5.000",
"price": 5500,
"status": "active"
}
}"#);
        assert_eq!(
            (
                updated.code.as_str(),
                updated.price,
                updated.operator.as_deref()
            ),
            ("TELKOMSEL5", Rupiah(5500), None)
        );
        assert_eq!(group_of(&updated).0, "produk:lainnya");

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

        // POST /api/seller/transactions
        let h: wire::History = ok(&doc(r#"{
"status": "success",
"code": "00",
"data": {
"transactions": [...],
"pagination": {
"page": 1,
"limit": 20,
"total": 45,
"total_pages": 3
}
}
}"#));
        assert!(h.transactions.is_empty());
        assert_eq!(h.pagination.and_then(|p| p.total_pages), Some(3));

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

        // The Otomax callback GoTopUp POSTs to the seller (shown as
        // `# `-commented lines in the doc): a bare transaction.
        let callback: String = r#"# {
#   "ref_id": "TXN-001",
#   "code": "TELKOMSEL5",
#   "customer_number": "081234567890",
#   "status": "success",
#   "sn": "1234567890123456",
#   "message": "Transaksi berhasil"
# }"#
            .lines()
            .map(|l| l.trim_start_matches('#'))
            .collect::<Vec<_>>()
            .join("\n");
        let cb = tx(&callback);
        assert_eq!(
            (
                cb.reference.as_str(),
                cb.product.as_deref(),
                cb.customer_number.as_deref()
            ),
            ("TXN-001", Some("TELKOMSEL5"), Some("081234567890"))
        );
        assert_eq!(
            (cb.status, cb.sn.as_deref(), cb.message.as_deref()),
            (
                OrderStatus::Finished,
                Some("1234567890123456"),
                Some("Transaksi berhasil")
            )
        );

        // The webhook payload: an event wrapping a transaction.
        let hook: Value = serde_json::from_str(
            r#"{
"event": "transaction.success",
"data": {
"ref_id": "TXN-001",
"transaction_id": "TXN123456",
"code": "TELKOMSEL5",
"customer_number": "081234567890",
"status": "success",
"sn": "1234567890123456",
"price": 5500,
"timestamp": "2025-01-15T10:30:00Z"
},
"timestamp": "2025-01-15T10:30:00Z"
}"#,
        )
        .unwrap();
        assert_eq!(hook["event"], "transaction.success");
        let t = transaction_of(parse(hook["data"].clone(), "webhook").unwrap()).unwrap();
        assert_eq!(
            (t.provider_id.as_deref(), t.status, t.price, t.sn.as_deref()),
            (
                Some("TXN123456"),
                OrderStatus::Finished,
                Some(Rupiah(5500)),
                Some("1234567890123456")
            )
        );
        let u = update_of(&t);
        assert_eq!(u.otps, vec!["1234567890123456"]);
    }

    #[test]
    fn drift_and_errors() {
        let t: wire::Transaction = ok(r#"{"ref_id": 77, "status": "PROCESSING", "price": "5500"}"#);
        assert_eq!((t.ref_id.as_str(), t.price), ("77", Some(Rupiah(5500))));
        assert_eq!(transaction_of(t).unwrap().status, OrderStatus::Waiting);
        assert!(
            matches!(status_word("refunding"), Err(ProviderError::Malformed(m)) if m.contains("refunding"))
        );
        assert!(parse::<wire::Transaction>(json!({"ref_id": "x"}), "t").is_err());
        let odd: wire::Transaction = ok(r#"{"ref_id": "x", "status": "refunding"}"#);
        assert!(matches!(
            transaction_of(odd),
            Err(ProviderError::Malformed(_))
        ));
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

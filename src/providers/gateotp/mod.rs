//! GateOTP (V2, white-label) adapter. Auth header `x-api-key`.
//!
//! Shapes follow `api-docs/gateotp.txt`; where it is silent we assume:
//! * Errors are `{"success": false, "message": ".."}` with a 4xx/5xx status,
//!   or `success:false` at HTTP 200. A message about "saldo"/"balance" is
//!   insufficient balance at 200 and 4xx (not 401); a 5xx stays a server
//!   error, since a buy answered so may have been charged.
//! * The `data` envelope may be missing (fields then sit at the top level).
//! * Order status words: waiting, completed, canceled (any case;
//!   "cancelled", "cancel", "expired", "done" accepted).
//! * No order lifetime is documented: expiry = buy time + the account's
//!   `order_lifetime`.
//! * Offers are pricelist entries; their id is `<number_id>:<provider_id>`
//!   so a buy can rebuild the body. Operators need the country's NAME
//!   (`/api/otp/operators/indonesia/3837`), see `GateOtp::operators`; each
//!   offer carries its operators (one look-up per offer, all at once; a
//!   failed look-up leaves the list empty and the buy sends "any").
//!
//! * `price_jual` (what the order charges) is the price plus the account's
//!   `markup`. Offers carry that sum as their price, so the catalog, the
//!   buy confirmation, `--max-price` and the journal all see what a buy
//!   charges; a buy sends the request's price as `price_jual` unchanged.
//!
//! Buys are never retried (`Retry::Never`): GateOTP has no idempotency key,
//! so a reply lost after sending becomes an Unknown order, never a second buy.

mod deposit;

use super::extensions as ext;
use super::http::{Http, Reply, Retry};
use super::lenient::{self, parse};
use super::{Auth, OrderRef, Provider, ProviderError, ProviderSettings};
use crate::domain::spending::SpendingCall;
use crate::domain::*;
use crate::money::Rupiah;
use crate::secret::Secret;
use async_trait::async_trait;
use serde_json::{json, Value};
use std::time::Duration;

pub struct GateOtp {
    http: Http,
    key: Secret,
    markup: Rupiah,
    lifetime: Duration,
}

mod wire {
    use super::lenient;
    use crate::money::Rupiah;
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Profile {
        #[serde(deserialize_with = "lenient::rupiah")]
        pub balance: Rupiah,
    }

    #[derive(Deserialize)]
    pub struct Service {
        #[serde(deserialize_with = "lenient::string")]
        pub service_code: String,
        pub service_name: String,
    }

    #[derive(Deserialize)]
    pub struct Country {
        #[serde(deserialize_with = "lenient::string")]
        pub number_id: String,
        pub name: String,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        pub prefix: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_int")]
        pub stock_total: Option<i64>,
        #[serde(default)]
        pub pricelist: Vec<Price>,
    }

    #[derive(Deserialize)]
    pub struct Price {
        #[serde(deserialize_with = "lenient::string")]
        pub provider_id: String,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        pub server_id: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_int")]
        pub stock: Option<i64>,
        #[serde(default, deserialize_with = "lenient::opt_f32")]
        pub rate: Option<f32>,
        #[serde(deserialize_with = "lenient::rupiah")]
        pub price: Rupiah,
    }

    #[derive(Deserialize)]
    pub struct Operator {
        #[serde(deserialize_with = "lenient::string")]
        pub id: String,
        #[serde(default)]
        pub name: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Order {
        #[serde(deserialize_with = "lenient::string")]
        pub trx_id: String,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        pub phone_number: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_rupiah")]
        pub amount: Option<Rupiah>,
        #[serde(default)]
        pub status: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Status {
        pub status: String,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        pub otp_code: Option<String>,
    }
}

/// Pulls the payload out of a reply: error statuses and `success:false`
/// become errors with the API's message; `data` is unwrapped when present.
fn payload(reply: &Reply) -> Result<Value, ProviderError> {
    let v: Option<Value> = serde_json::from_str(&reply.body).ok();
    let message = reply.message();
    let low = message.to_lowercase();
    let balance_msg = low.contains("saldo") || low.contains("balance");
    let failed = v
        .as_ref()
        .and_then(|v| v.get("success"))
        .and_then(Value::as_bool)
        == Some(false);
    if !reply.is_success() || failed {
        // A server error stays a server error, whatever its text says: a
        // buy answered with a 5xx may have been charged, and calling it
        // "insufficient balance" would close it as not charged.
        if balance_msg && reply.status != 401 && reply.status < 500 {
            return Err(ProviderError::InsufficientBalance(message));
        }
        if reply.is_success() {
            return Err(ProviderError::Rejected {
                status: reply.status,
                message,
            });
        }
        return Err(reply.status_error());
    }
    let v = v.ok_or_else(|| ProviderError::Malformed("reply is not JSON".into()))?;
    Ok(lenient::unwrap_data(v))
}

fn status_word(word: &str) -> Result<OrderStatus, ProviderError> {
    Ok(match lenient::norm(word).as_str() {
        "waiting" | "pending" => OrderStatus::Waiting,
        "completed" | "complete" | "success" => OrderStatus::OtpReceived,
        "done" | "finished" => OrderStatus::Finished,
        "canceled" | "cancelled" | "cancel" => OrderStatus::Cancelled,
        "expired" => OrderStatus::Expired,
        other => {
            return Err(ProviderError::Malformed(format!(
                "unknown order status '{other}'"
            )))
        }
    })
}

fn split_offer(id: &str) -> Result<(&str, &str), ProviderError> {
    id.split_once(':')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| ProviderError::Rejected {
            status: 0,
            message: format!("'{id}' is not a GateOTP offer id (number_id:provider_id)"),
        })
}

impl GateOtp {
    pub fn new(settings: &ProviderSettings) -> Result<Self, ProviderError> {
        let Auth::ApiKey(key) = &settings.auth else {
            return Err(ProviderError::Unauthorized(
                "GateOTP accounts need an api_key".into(),
            ));
        };
        Ok(GateOtp {
            http: Http::new(&settings.base_url, settings.http, vec![key.clone()])?,
            key: key.clone(),
            markup: settings.markup,
            lifetime: settings.order_lifetime,
        })
    }

    async fn get(&self, path: &str) -> Result<Value, ProviderError> {
        let url = self.http.url(path);
        let reply = self
            .http
            .send(Retry::Safe, |c| {
                c.get(&url)
                    .header("x-api-key", self.key.expose())
                    .header("Accept", "application/json")
            })
            .await?;
        payload(&reply)
    }

    async fn post(&self, path: &str, body: Value, retry: Retry) -> Result<Value, ProviderError> {
        let url = self.http.url(path);
        let reply = self
            .http
            .send(retry, |c| {
                c.post(&url)
                    .header("x-api-key", self.key.expose())
                    .json(&body)
            })
            .await?;
        payload(&reply)
    }

    async fn countries_raw(&self, service_id: &str) -> Result<Vec<wire::Country>, ProviderError> {
        let v = self
            .get(&format!("/api/otp/countries/{}", path_part(service_id)))
            .await?;
        parse(v, "countries")
    }

    /// Operators for a country (by name, e.g. "indonesia") and provider id.
    pub async fn operators(
        &self,
        country_name: &str,
        provider_id: &str,
    ) -> Result<Vec<Operator>, ProviderError> {
        let v = self
            .get(&format!(
                "/api/otp/operators/{}/{}",
                path_part(&country_name.to_lowercase()),
                path_part(provider_id)
            ))
            .await?;
        let ops: Vec<wire::Operator> = parse(v, "operators")?;
        Ok(ops
            .into_iter()
            .map(|o| Operator {
                name: o.name.unwrap_or_else(|| o.id.clone()),
                id: o.id,
            })
            .collect())
    }

    async fn set_status(
        &self,
        order: &OrderRef,
        action: &str,
    ) -> Result<Option<String>, ProviderError> {
        let v = self
            .post(
                "/api/otp/set_status",
                json!({"trxId": order.provider_order_id, "action_status": action}),
                Retry::Never,
            )
            .await?;
        Ok(message_of(&v))
    }
}

/// The provider's own words in a reply (`message`), if any.
fn message_of(v: &Value) -> Option<String> {
    v.get("message").and_then(Value::as_str).map(str::to_string)
}

/// Keeps path segments to safe characters (ids come from the provider).
fn path_part(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

#[async_trait]
impl Provider for GateOtp {
    fn kind(&self) -> ProviderKind {
        ProviderKind::GateOtp
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            countries: true,
            operators: true,
            cancel: true,
            finish: true,
            resend: true,
            replace: false,
            topup: false,
            otomax: None,
            cancel_after_secs: None,
        }
    }

    // QRIS deposits, with status and cancel (`deposit.rs`).
    fn deposits(&self) -> Option<&dyn ext::Deposits> {
        Some(self)
    }

    async fn balance(&self) -> Result<Rupiah, ProviderError> {
        let p: wire::Profile = parse(self.get("/api/user/profile").await?, "profile")?;
        Ok(p.balance)
    }

    async fn services(&self) -> Result<Vec<Service>, ProviderError> {
        let list: Vec<wire::Service> = parse(self.get("/api/otp/services").await?, "services")?;
        Ok(list
            .into_iter()
            .map(|s| Service {
                id: s.service_code,
                name: s.service_name,
                category: None,
                path: Vec::new(),
            })
            .collect())
    }

    async fn countries(&self, service_id: &str) -> Result<Vec<Country>, ProviderError> {
        Ok(self
            .countries_raw(service_id)
            .await?
            .into_iter()
            .map(|c| Country {
                stock: c
                    .stock_total
                    .or_else(|| Some(c.pricelist.iter().filter_map(|p| p.stock).sum()))
                    .map(|s| s.max(0) as u64),
                id: c.number_id,
                name: c.name,
                prefix: c.prefix,
            })
            .collect())
    }

    async fn offers(
        &self,
        service_id: &str,
        country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError> {
        let Some(country_id) = country_id else {
            return Err(ProviderError::Rejected {
                status: 0,
                message: "GateOTP offers are per country".into(),
            });
        };
        let countries = self.countries_raw(service_id).await?;
        let Some(c) = countries.into_iter().find(|c| c.number_id == country_id) else {
            return Ok(Vec::new());
        };
        // Operators are per country and provider: ask for every offer at
        // once. A failed look-up leaves that offer's list empty (buyable
        // with operator "any") rather than hiding the offer.
        let lookups = c
            .pricelist
            .iter()
            .map(|p| self.operators(&c.name, &p.provider_id));
        let operators = futures::future::join_all(lookups).await;
        Ok(c.pricelist
            .into_iter()
            .zip(operators)
            .map(|(p, ops)| Offer {
                id: format!("{}:{}", c.number_id, p.provider_id),
                service_id: service_id.to_string(),
                country_id: Some(c.number_id.clone()),
                label: match &p.server_id {
                    Some(s) => format!("Server {s} · #{}", p.provider_id),
                    None => format!("#{}", p.provider_id),
                },
                // What the buy charges: price_jual = price + markup.
                price: p.price + self.markup,
                stock: p.stock.map(|s| s.max(0) as u64),
                success_rate: p.rate,
                operators: ops.unwrap_or_else(|e| {
                    tracing::debug!(provider = %p.provider_id, error = %e, "GateOTP operators unavailable");
                    Vec::new()
                }),
                available: true,
            })
            .collect())
    }

    async fn buy(&self, req: &BuyRequest) -> Result<PlacedOrder, ProviderError> {
        let (number_id, provider_id) = split_offer(&req.offer_id)?;
        // The offer's price already carries the markup.
        let price_jual = req.price;
        let body = json!({
            "number_id": number_id,
            "provider_id": provider_id,
            "operator_id": req.operator.as_deref().unwrap_or("any"),
            "price_jual": price_jual.0,
            "service_name": req.service_name,
        });
        let v = self
            .post(
                "/api/otp/order",
                body,
                Retry::for_call(SpendingCall::SmsBuy(ProviderKind::GateOtp)),
            )
            .await?;
        let o: wire::Order = parse(v, "order")?;
        let status = match &o.status {
            Some(s) => status_word(s)?,
            None => OrderStatus::Waiting,
        };
        Ok(PlacedOrder {
            provider_order_id: o.trx_id,
            number: o.phone_number.unwrap_or_default(),
            price: o.amount.unwrap_or(price_jual),
            status,
            expires_at: expiry_after(chrono::Utc::now(), self.lifetime),
            otps: Vec::new(),
            sn: None,
        })
    }

    async fn status(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        let v = self
            .get(&format!(
                "/api/otp/status/{}",
                path_part(&order.provider_order_id)
            ))
            .await?;
        let s: wire::Status = parse(v, "status")?;
        let mut status = status_word(&s.status)?;
        let otps: Vec<String> = s
            .otp_code
            .filter(|c| !c.trim().is_empty() && c.trim() != "-")
            .map(|c| vec![extract_code(&c)])
            .unwrap_or_default();
        // "completed" without a code yet is still waiting for the SMS.
        if status == OrderStatus::OtpReceived && otps.is_empty() {
            status = OrderStatus::Waiting;
        }
        Ok(OrderUpdate {
            status: Some(status),
            otps,
            ..Default::default()
        })
    }

    async fn cancel(&self, order: &OrderRef) -> Result<CancelOutcome, ProviderError> {
        let message = self.set_status(order, "cancel").await?;
        Ok(CancelOutcome {
            refunded: None,
            message,
        })
    }

    async fn finish(&self, order: &OrderRef) -> Result<(), ProviderError> {
        self.set_status(order, "done").await.map(|_| ())
    }

    async fn resend(&self, order: &OrderRef) -> Result<(), ProviderError> {
        self.set_status(order, "resend").await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: body.to_string(),
        }
    }

    /// The doc's status example has `// waiting, ...` comments inside the
    /// JSON; strip them as a reader would.
    fn doc(body: &str) -> String {
        body.lines()
            .map(|l| l.split(" //").next().unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn every_doc_example_parses() {
        let profile = r#"{"success": true, "data": {"username": "developer_pro", "email": "dev@mail.com", "balance": 150000, "referralCode": "A1B2C3"}}"#;
        let p: wire::Profile = parse(payload(&reply(200, profile)).unwrap(), "p").unwrap();
        assert_eq!(p.balance, Rupiah(150_000));

        let services = r#"{"success": true, "data": [{"service_code": 14, "service_name": "WhatsApp", "service_img": "https://link/wa.png"}, {"service_code": 86, "service_name": "Telegram", "service_img": "https://link/tg.png"}]}"#;
        let s: Vec<wire::Service> = parse(payload(&reply(200, services)).unwrap(), "s").unwrap();
        assert_eq!(
            (s[0].service_code.as_str(), s[1].service_name.as_str()),
            ("14", "Telegram")
        );

        let countries = r#"{"success": true, "data": [{"number_id": 340437, "name": "Indonesia", "prefix": "+62", "stock_total": 103, "pricelist": [{"provider_id": "3837", "server_id": 3, "stock": 103, "rate": 81.6, "price": 1100}]}]}"#;
        let c: Vec<wire::Country> = parse(payload(&reply(200, countries)).unwrap(), "c").unwrap();
        assert_eq!(c[0].number_id, "340437");
        assert_eq!(c[0].pricelist[0].price, Rupiah(1100));
        assert_eq!(c[0].pricelist[0].rate, Some(81.6));
        assert_eq!(c[0].pricelist[0].server_id.as_deref(), Some("3"));

        let ops = r#"{"success": true, "data": [{"id": "any", "name": "any", "image": "https://link/any.ico"}, {"id": "telkomsel", "name": "telkomsel", "image": "https://link/telkomsel.jpg"}]}"#;
        let o: Vec<wire::Operator> = parse(payload(&reply(200, ops)).unwrap(), "o").unwrap();
        assert_eq!(o[1].id, "telkomsel");

        let order = r#"{"success": true, "data": {"trxId": "WN0000000125", "serviceName": "WhatsApp", "phoneNumber": "+62 812 3456 7890", "amount": 3500, "status": "waiting", "createdAt": "2026-04-02T12:00:00.000Z"}}"#;
        let o: wire::Order = parse(payload(&reply(200, order)).unwrap(), "o").unwrap();
        assert_eq!(o.trx_id, "WN0000000125");
        assert_eq!(o.amount, Some(Rupiah(3500)));

        let status = doc("{\n\"success\": true,\n\"status\": \"completed\", // waiting, completed, canceled\n\"otp_code\": \"949708\"\n}");
        let s: wire::Status = parse(payload(&reply(200, &status)).unwrap(), "s").unwrap();
        assert_eq!(status_word(&s.status).unwrap(), OrderStatus::OtpReceived);
        assert_eq!(s.otp_code.as_deref(), Some("949708"));

        let set = r#"{"success": true, "message": "Status berhasil diubah menjadi cancel"}"#;
        assert_eq!(
            message_of(&payload(&reply(200, set)).unwrap()).as_deref(),
            Some("Status berhasil diubah menjadi cancel")
        );

        // Deposit bodies (used by a later issue): no `data` envelope.
        let rp = |v: &Value| lenient::rupiah(v).ok();
        let created = payload(&reply(200, r#"{"success": true, "trxId": "WN0000000050", "qr_string": "00020101021126600015...", "qr_image": "https://qris.url/img.png", "total": 50200, "expired_at": 1775022865340}"#)).unwrap();
        assert_eq!(created["trxId"], "WN0000000050");
        assert_eq!(rp(&created["total"]), Some(Rupiah(50_200)));
        assert_eq!(created["qr_string"], "00020101021126600015...");
        assert_eq!(created["expired_at"].as_i64(), Some(1_775_022_865_340));

        let paid = payload(&reply(200, r#"{"success": true, "status": "success", "amount": 50000, "detail": {"created_at": "2026-04-02 12:34:25", "total": 50200, "fee": 200, "diterima": 50000, "brand_name": "DANA", "buyer_reff": "1js8mUeShBIw"}}"#)).unwrap();
        assert_eq!(paid["status"], "success");
        assert_eq!(rp(&paid["amount"]), Some(Rupiah(50_000)));
        let d = &paid["detail"];
        assert_eq!(
            (rp(&d["total"]), rp(&d["fee"]), rp(&d["diterima"])),
            (
                Some(Rupiah(50_200)),
                Some(Rupiah(200)),
                Some(Rupiah(50_000))
            )
        );
        assert_eq!(d["brand_name"], "DANA");

        let cancelled = payload(&reply(200, r#"{"success": true, "message": "Deposit dibatalkan", "detail": {"created_at": "2026-04-02 12:34:25", "total": 50200, "fee": 200, "diterima": 50000, "brand_name": "QRIS", "buyer_reff": "-"}}"#)).unwrap();
        assert_eq!(
            message_of(&cancelled).as_deref(),
            Some("Deposit dibatalkan")
        );
        assert_eq!(rp(&cancelled["detail"]["total"]), Some(Rupiah(50_200)));
        assert_eq!(cancelled["detail"]["brand_name"], "QRIS");
    }

    #[test]
    fn drift_is_tolerated() {
        let bare = r#"{"balance": "150000"}"#;
        let p: wire::Profile = parse(payload(&reply(200, bare)).unwrap(), "p").unwrap();
        assert_eq!(p.balance, Rupiah(150_000));
        let s = r#"{"status": "CANCELLED"}"#;
        let s: wire::Status = parse(payload(&reply(200, s)).unwrap(), "s").unwrap();
        assert_eq!(status_word(&s.status).unwrap(), OrderStatus::Cancelled);
    }

    #[test]
    fn bad_replies_are_typed_errors() {
        assert!(
            matches!(status_word("teleported"), Err(ProviderError::Malformed(m)) if m.contains("teleported"))
        );
        let missing = r#"{"success": true, "data": {"serviceName": "WhatsApp"}}"#;
        assert!(matches!(
            parse::<wire::Order>(payload(&reply(200, missing)).unwrap(), "order"),
            Err(ProviderError::Malformed(_))
        ));
        let refused = r#"{"success": false, "message": "Stok habis"}"#;
        assert!(
            matches!(payload(&reply(200, refused)), Err(ProviderError::Rejected { message, .. }) if message == "Stok habis")
        );
        let poor = r#"{"success": false, "message": "Saldo tidak cukup"}"#;
        assert!(matches!(
            payload(&reply(400, poor)),
            Err(ProviderError::InsufficientBalance(_))
        ));
        assert!(matches!(
            payload(&reply(
                401,
                r#"{"success":false,"message":"API key invalid"}"#
            )),
            Err(ProviderError::Unauthorized(_))
        ));
        assert!(matches!(
            payload(&reply(200, "<html>")),
            Err(ProviderError::Malformed(_))
        ));
    }

    #[test]
    fn offer_ids_round_trip() {
        assert_eq!(split_offer("340437:3837").unwrap(), ("340437", "3837"));
        assert!(split_offer("3837").is_err());
    }

    #[test]
    fn a_balance_message_is_insufficient_balance_only_below_500() {
        let low = r#"{"success": false, "message": "Saldo tidak cukup"}"#;
        assert!(matches!(
            payload(&reply(400, low)),
            Err(ProviderError::InsufficientBalance(_))
        ));
        assert!(matches!(
            payload(&reply(200, low)),
            Err(ProviderError::InsufficientBalance(_))
        ));
        // A gateway page that happens to mention balance is not a refusal.
        let outage = "upstream balance service unavailable";
        assert!(matches!(
            payload(&reply(503, outage)),
            Err(ProviderError::Unavailable { .. })
        ));
    }
}

//! The Bearer-key buyer API (`/api/buyer/*`).
//!
//! Where `api-docs/gotopup.txt` is silent we assume:
//! * There is no per-transaction status call: the status of a buy is read
//!   from `/api/buyer/transactions` (history), found by `ref_id`, paging from
//!   the order's date. pending/processing → Waiting, success → Finished with
//!   the SN (also reported as the order's "OTP" so `watch` prints it),
//!   failed → Failed (the provider refunds).
//! * A buy whose `ref_id` was already used (409) is looked up in history: if
//!   code and customer match, that transaction is the order (a replay never
//!   charges twice). A `ref_id` already taken whose transaction the history
//!   does not show (or shows for another product or customer) is no clear
//!   reply: this key may have been charged, so it is never read as "not
//!   bought".

use super::refusal::{self, RefSignal};
use super::{payload, wire, GoTopUp};
use crate::domain::spending::SpendingCall;
use crate::domain::*;
use crate::providers::http::Retry;
use crate::providers::lenient::{self, parse};
use crate::providers::{OrderRef, ProviderError};
use crate::secret::Secret;
use serde_json::{json, Value};

pub(super) fn status_word(word: &str) -> Result<OrderStatus, ProviderError> {
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

/// A history row (or a transaction reply) as a provider-neutral
/// `Transaction`; an unknown status word is an error, not a guess.
pub(super) fn transaction_of(t: wire::Transaction) -> Result<Transaction, ProviderError> {
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

pub(super) fn update_of(t: &Transaction) -> OrderUpdate {
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

/// A transaction reply (buy or bill payment) as the placed order.
pub(super) fn placed_from(v: Value, req: &BuyRequest) -> Result<PlacedOrder, ProviderError> {
    Ok(placed_of(&transaction_of(parse(v, "transaction")?)?, req))
}

impl GoTopUp {
    /// A POST that must go out: waits for a slot in the account's budget.
    pub(super) async fn post(
        &self,
        path: &str,
        body: Value,
        key: &Secret,
    ) -> Result<Value, ProviderError> {
        self.post_with(path, body, key, Retry::Safe).await
    }

    /// A spending POST: retried by the HTTP layer only as the spending
    /// table allows (a ref_id the doc does not say is deduplicated: never).
    pub(super) async fn post_spending(
        &self,
        path: &str,
        body: Value,
        key: &Secret,
        call: SpendingCall,
    ) -> Result<Value, ProviderError> {
        self.post_with(path, body, key, Retry::for_call(call)).await
    }

    async fn post_with(
        &self,
        path: &str,
        body: Value,
        key: &Secret,
        retry: Retry,
    ) -> Result<Value, ProviderError> {
        self.load_rate_limit(key).await;
        self.with_slots(retry, || self.send_post(path, body.clone(), key))
            .await
    }

    /// One POST whose slot the caller has taken, never repeated here (a
    /// history round holds the rounds lock through it: its failure goes
    /// back to the poller's back-off, not into a retry under the lock).
    pub(super) async fn send_post(
        &self,
        path: &str,
        body: Value,
        key: &Secret,
    ) -> Result<Value, ProviderError> {
        let url = self.http.url(path);
        let reply = self
            .http
            .send(Retry::Never, |c| {
                c.post(&url).bearer_auth(key.expose()).json(&body)
            })
            .await?;
        payload(&reply)
    }

    /// Finds a transaction by ref_id in the history, newest pages first.
    pub(super) async fn find_in_history(
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
                return Ok(None);
            }
        }
        // Not every page was read: "not there" would be a guess.
        Err(ProviderError::Malformed(format!(
            "ref_id {} is not in the first 10 pages of history",
            order.idempotency_key
        )))
    }

    /// A lost buy or bill payment looked up by its ref_id before it may be
    /// sent again (the spending table's `LookupFirst`).
    pub(super) async fn lookup_by_ref(
        &self,
        key: &Secret,
        req: &BuyRequest,
        created_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<PlacedOrder>, ProviderError> {
        let r = OrderRef {
            provider_order_id: req.idempotency_key.clone(),
            idempotency_key: req.idempotency_key.clone(),
            created_at: Some(created_at),
            offer_id: Some(req.offer_id.clone()),
            customer_number: req.customer_number.clone(),
        };
        match self.find_in_history(key, &r).await? {
            None => Ok(None),
            Some(t)
                if t.product
                    .as_deref()
                    .is_none_or(|c| c.eq_ignore_ascii_case(&req.offer_id))
                    && t.customer_number
                        .as_deref()
                        .is_none_or(|c| Some(c) == req.customer_number.as_deref()) =>
            {
                Ok(Some(placed_of(&t, req)))
            }
            Some(t) => Err(ProviderError::Malformed(format!(
                "ref_id {} is in the history for {} / {}, not this buy: check the provider",
                req.idempotency_key,
                t.product.as_deref().unwrap_or("?"),
                t.customer_number.as_deref().unwrap_or("?"),
            ))),
        }
    }

    /// Buys `req` for `customer`. A refusal that says the ref_id is taken
    /// (in any status and wording, see `refusal`) is resolved from the
    /// history; one that is only about the ref_id stays unclear. Neither is
    /// ever read as "not bought".
    pub(super) async fn buyer_buy(
        &self,
        key: &Secret,
        req: &BuyRequest,
        customer: &str,
    ) -> Result<PlacedOrder, ProviderError> {
        let body = json!({"code": req.offer_id, "customer_number": customer, "ref_id": req.idempotency_key});
        match self
            .post_spending("/api/buyer/transaction", body, key, SpendingCall::TopUp)
            .await
        {
            Ok(v) => Ok(placed_of(&transaction_of(parse(v, "transaction")?)?, req)),
            Err(e) => match refusal::error_signal(&e) {
                RefSignal::Taken => {
                    self.settle_taken_ref(key, req, customer, &e.to_string())
                        .await
                }
                RefSignal::Unsure => Err(refusal::unclear(&req.idempotency_key, &e.to_string())),
                RefSignal::None => Err(e),
            },
        }
    }

    /// The ref_id of `req` is taken, so this buy (or an earlier try) may
    /// have gone through: the history decides, and a failed or empty
    /// look-up stays ambiguous.
    pub(super) async fn settle_taken_ref(
        &self,
        key: &Secret,
        req: &BuyRequest,
        customer: &str,
        msg: &str,
    ) -> Result<PlacedOrder, ProviderError> {
        let r = OrderRef {
            provider_order_id: req.idempotency_key.clone(),
            idempotency_key: req.idempotency_key.clone(),
            created_at: Some(chrono::Utc::now()),
            offer_id: Some(req.offer_id.clone()),
            customer_number: Some(customer.to_string()),
        };
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
                    && t.customer_number.as_deref().is_none_or(|c| c == customer) =>
            {
                Ok(placed_of(&t, req))
            }
            // Taken, but not visibly by this buy: still no proof that this
            // key was never charged.
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

    /// One order's state, from the account's history round (`rounds`).
    pub(super) async fn buyer_status(
        &self,
        key: &Secret,
        order: &OrderRef,
    ) -> Result<OrderUpdate, ProviderError> {
        self.round_status(key, order).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{doc, ok, rp};
    use super::*;
    use crate::money::Rupiah;

    fn tx(body: &str) -> Transaction {
        transaction_of(ok(body)).unwrap()
    }

    #[test]
    fn transaction_examples_map_to_updates() {
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
        let pay = tx(
            r#"{"status": "success", "code": "00", "data": {"ref_id": "PAY-001", "transaction_id": "TXN123456", "customer_number": "12345678901", "product_name": "PLN Pascabayar", "price": 152500, "status": "pending"}}"#,
        );
        assert_eq!(
            (pay.status, pay.price),
            (OrderStatus::Waiting, Some(Rupiah(152_500)))
        );
        assert_eq!(update_of(&pay).status, Some(OrderStatus::Waiting));
    }

    #[test]
    fn history_and_report_examples_parse() {
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
    }

    #[test]
    fn callback_and_webhook_examples_are_transactions() {
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
    fn drift_and_unknown_status_words() {
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
    }
}

//! The Otomax flavour: `username` + `sign` in the query of GET requests
//! (`/api/otomax/*`).
//!
//! Otomax accounts have no history endpoint; as Otomax H2H servers do,
//! re-sending `/api/otomax/request` with the same `ref_id` is assumed to
//! return that transaction's current state instead of buying again. Codes:
//! "00" success (with `sn`, the only code `api-docs/gotopup.txt` documents)
//! and "68" pending (the Otomax convention). The docs document no failure
//! code, so any other code is no clear reply: a buy that gets one is kept
//! Unknown (it may have gone through), a status poll that gets one changes
//! nothing and reports it.

use super::{payload, wire, GoTopUp};
use crate::domain::*;
use crate::providers::http::{encode, Retry};
use crate::providers::lenient::parse;
use crate::providers::{Auth, OrderRef, ProviderError};
use serde_json::Value;

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

/// The reply's status, or the error for a code that says nothing certain.
fn known_status(r: &wire::OtomaxReply) -> Result<OrderStatus, ProviderError> {
    match otomax_status(&r.status) {
        OrderStatus::Unknown => Err(otomax_unclear(r)),
        status => Ok(status),
    }
}

impl GoTopUp {
    pub(super) async fn otomax(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<Value, ProviderError> {
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

    /// Buys, or (same `ref_id`) reads the state of an earlier buy.
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

    pub(super) async fn otomax_buy(
        &self,
        req: &BuyRequest,
        customer: &str,
    ) -> Result<PlacedOrder, ProviderError> {
        let r = self
            .otomax_request(&req.offer_id, customer, &req.idempotency_key)
            .await?;
        let status = known_status(&r)?;
        Ok(PlacedOrder {
            provider_order_id: req.idempotency_key.clone(),
            number: customer.to_string(),
            price: r.price.unwrap_or(req.price),
            status,
            expires_at: None,
            otps: if status == OrderStatus::Finished {
                r.sn.clone()
                    .filter(|s| !s.trim().is_empty())
                    .into_iter()
                    .collect()
            } else {
                Vec::new()
            },
            sn: r.sn,
        })
    }

    pub(super) async fn otomax_poll(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        let (Some(code), Some(customer)) = (&order.offer_id, &order.customer_number) else {
            return Err(ProviderError::Unsupported(
                "Otomax status without product and customer",
            ));
        };
        let r = self
            .otomax_request(code, customer, &order.idempotency_key)
            .await?;
        let status = known_status(&r)?;
        Ok(OrderUpdate {
            status: Some(status),
            otps: if status == OrderStatus::Finished {
                r.sn.clone()
                    .filter(|s| !s.trim().is_empty())
                    .into_iter()
                    .collect()
            } else {
                Vec::new()
            },
            sn: r.sn,
            message: r.message,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ok, reply};
    use super::*;
    use crate::money::Rupiah;
    use crate::providers::lenient;

    #[test]
    fn otomax_examples_parse() {
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
    }
}

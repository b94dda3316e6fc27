//! The Otomax flavour: `username` + `sign` in the query of GET requests
//! (`/api/otomax/*`).
//!
//! Otomax accounts have no status call of their own, and the docs do not say
//! whether re-sending `/api/otomax/request` with a used `ref_id` returns that
//! transaction or buys again. So the request is sent once (never retried by
//! the HTTP layer) and re-sent to poll only where the account says the
//! server treats a repeat as a status check (`otomax_resend_is_status`).
//! Otherwise status comes from the Bearer history when the account has a
//! key, else from the provider's callback: meanwhile the order stays
//! pending, and no request is made.
//!
//! Codes: "00" success (the only code `api-docs/gotopup.txt` documents; its
//! example carries `sn: null`, so "00" without an SN is accepted-and-pending)
//! and "68" pending (the Otomax convention). The docs document no failure
//! code, so any other code is no clear reply: a buy that gets one is kept
//! Unknown (it may have gone through), a status poll that gets one changes
//! nothing and reports it.

use super::refusal::{self, RefSignal};
use super::sign::{compute, SignInput};
use super::{payload, wire, GoTopUp};
use crate::domain::*;
use crate::providers::http::{encode, Retry};
use crate::providers::lenient::parse;
use crate::providers::{Auth, OrderRef, ProviderError};
use serde_json::Value;

/// Shown on a pending Otomax order that nothing may poll.
pub const WAITING_FOR_CALLBACK: &str = "pending, waiting for the provider's callback";

/// An Otomax reply as a status; `Unknown` for every code the docs do not
/// document (none is documented as a failure, so none means "not bought").
fn otomax_status(r: &wire::OtomaxReply) -> OrderStatus {
    let has_sn = r.sn.as_deref().is_some_and(|s| !s.trim().is_empty());
    match r.status.trim() {
        "00" if has_sn => OrderStatus::Finished,
        // Accepted: the SN (a PLN token, a voucher) is still to come.
        "00" | "68" => OrderStatus::Waiting,
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
    match otomax_status(r) {
        OrderStatus::Unknown => Err(otomax_unclear(r)),
        status => Ok(status),
    }
}

fn otps_of(r: &wire::OtomaxReply, status: OrderStatus) -> Vec<String> {
    if status == OrderStatus::Finished {
        r.sn.clone()
            .filter(|s| !s.trim().is_empty())
            .into_iter()
            .collect()
    } else {
        Vec::new()
    }
}

impl GoTopUp {
    pub(super) async fn otomax(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<Value, ProviderError> {
        self.otomax_with(path, params, &SignInput::default(), Retry::Safe)
            .await
    }

    async fn otomax_with(
        &self,
        path: &str,
        params: &[(&str, &str)],
        input: &SignInput<'_>,
        retry: Retry,
    ) -> Result<Value, ProviderError> {
        let Auth::Otomax { username, sign } = &self.auth else {
            return Err(ProviderError::Unsupported("otomax".into()));
        };
        // With a rule, `sign` holds the password the hash is made from.
        let computed = self
            .gtu
            .sign_rule
            .as_ref()
            .map(|rule| compute(rule, username, sign, input));
        let sent = computed.as_ref().unwrap_or(sign);
        let mut query: Vec<(&str, &str)> =
            vec![("username", username.as_str()), ("sign", sent.expose())];
        query.extend_from_slice(params);
        let qs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        let url = format!("{}?{}", self.http.url(path), qs.join("&"));
        if let Some(key) = &self.gtu.history_key {
            self.load_rate_limit(key).await;
        }
        self.with_slots(retry, || async {
            let reply = self.http.send(Retry::Never, |c| c.get(&url)).await?;
            payload(&reply)
        })
        .await
    }

    /// Sends `/api/otomax/request`: a buy, and on a server that treats a
    /// repeated `ref_id` as a status check, also a status read. Retried by
    /// the HTTP layer only on such a server.
    async fn otomax_request(
        &self,
        req_code: &str,
        customer: &str,
        ref_id: &str,
    ) -> Result<wire::OtomaxReply, ProviderError> {
        let retry = Retry::for_call(crate::domain::spending::SpendingCall::OtomaxRequest {
            resend_is_status: self.gtu.resend_is_status,
        });
        let input = SignInput {
            ref_id,
            code: req_code,
            customer,
        };
        let v = self
            .otomax_with(
                "/api/otomax/request",
                &[
                    ("code", req_code),
                    ("customer", customer),
                    ("ref_id", ref_id),
                ],
                &input,
                retry,
            )
            .await?;
        parse(v, "otomax reply")
    }

    pub(super) async fn otomax_buy(
        &self,
        req: &BuyRequest,
        customer: &str,
    ) -> Result<PlacedOrder, ProviderError> {
        let r = match self
            .otomax_request(&req.offer_id, customer, &req.idempotency_key)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                return match refusal::error_signal(&e) {
                    RefSignal::Taken => self.otomax_taken(req, customer, &e.to_string()).await,
                    RefSignal::Unsure => {
                        Err(refusal::unclear(&req.idempotency_key, &e.to_string()))
                    }
                    RefSignal::None => Err(e),
                }
            }
        };
        let status = match otomax_status(&r) {
            OrderStatus::Unknown => {
                let said = r.message.clone().unwrap_or_default();
                return match refusal::ref_signal(&said) {
                    RefSignal::Taken => {
                        let msg = format!("Otomax code {}: {said}", r.status.trim());
                        self.otomax_taken(req, customer, &msg).await
                    }
                    _ => Err(otomax_unclear(&r)),
                };
            }
            s => s,
        };
        Ok(PlacedOrder {
            provider_order_id: req.idempotency_key.clone(),
            number: customer.to_string(),
            price: r.price.unwrap_or(req.price),
            status,
            expires_at: None,
            otps: otps_of(&r, status),
            sn: r.sn,
        })
    }

    /// A used `ref_id` on an Otomax buy: the Bearer history settles it when
    /// the account has a key; otherwise it stays unclear.
    async fn otomax_taken(
        &self,
        req: &BuyRequest,
        customer: &str,
        msg: &str,
    ) -> Result<PlacedOrder, ProviderError> {
        match &self.gtu.history_key {
            Some(key) => self.settle_taken_ref(key, req, customer, msg).await,
            None => Err(refusal::unclear(&req.idempotency_key, msg)),
        }
    }

    pub(super) async fn otomax_poll(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        if !self.gtu.resend_is_status {
            return match &self.gtu.history_key {
                Some(key) => self.buyer_status(key, order).await,
                // Nothing may be asked: re-sending could buy again.
                None => Ok(OrderUpdate {
                    message: Some(WAITING_FOR_CALLBACK.into()),
                    ..Default::default()
                }),
            };
        }
        let (Some(code), Some(customer)) = (&order.offer_id, &order.customer_number) else {
            return Err(ProviderError::Unsupported(
                "Otomax status without product and customer".into(),
            ));
        };
        let r = self
            .otomax_request(code, customer, &order.idempotency_key)
            .await?;
        let status = known_status(&r)?;
        Ok(OrderUpdate {
            status: Some(status),
            otps: otps_of(&r, status),
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
        // The doc's "00" carries no SN: accepted, not finished.
        assert_eq!((otomax_status(&o), o.sn), (OrderStatus::Waiting, None));
        let done: wire::OtomaxReply = ok(r#"{"status": "00", "ref_id": "T", "sn": "5512"}"#);
        assert_eq!(otomax_status(&done), OrderStatus::Finished);
        let blank: wire::OtomaxReply = ok(r#"{"status": "00", "ref_id": "T", "sn": " "}"#);
        assert_eq!(otomax_status(&blank), OrderStatus::Waiting);
        let odd: wire::OtomaxReply = ok(r#"{"status": "40", "ref_id": "T"}"#);
        assert!(known_status(&odd).is_err());
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

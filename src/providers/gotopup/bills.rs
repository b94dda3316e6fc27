//! Postpaid bills: `/api/buyer/inquiry`, then `/api/buyer/payment` with a
//! `ref_id`. A payment answers like a top-up (a transaction, usually
//! pending) and is settled by the same history rounds; a used `ref_id` is
//! read as for a top-up (`refusal`). Bearer accounts only: the Otomax
//! endpoints document no bills.

use super::refusal::{self, RefSignal};
use super::{wire, GoTopUp};
use crate::domain::bill::Bill;
use crate::domain::{BuyRequest, PlacedOrder};
use crate::providers::lenient::parse;
use crate::providers::{Auth, Bills, ProviderError};
use crate::secret::Secret;
use async_trait::async_trait;
use serde_json::json;

#[async_trait]
impl Bills for GoTopUp {
    async fn inquiry(&self, code: &str, customer: &str) -> Result<Bill, ProviderError> {
        let Auth::ApiKey(key) = &self.auth else {
            return Err(ProviderError::Unsupported(
                "postpaid bills on Otomax accounts".into(),
            ));
        };
        let v = self
            .post(
                "/api/buyer/inquiry",
                json!({"code": code, "customer_number": customer}),
                key,
            )
            .await?;
        let i: wire::Inquiry = parse(v, "inquiry")?;
        Ok(Bill {
            product: code.to_string(),
            customer_number: i.customer_number.unwrap_or_else(|| customer.to_string()),
            customer_name: i.customer_name,
            period: i.bill_period,
            bill: i.total_bill,
            admin_fee: i.admin_fee.unwrap_or_default(),
            total: i.total_amount,
        })
    }
}

impl GoTopUp {
    pub(super) async fn pay_bill(
        &self,
        key: &Secret,
        req: &BuyRequest,
        customer: &str,
    ) -> Result<PlacedOrder, ProviderError> {
        let body = json!({"code": req.offer_id, "customer_number": customer, "ref_id": req.idempotency_key});
        match self
            .post_spending(
                "/api/buyer/payment",
                body,
                key,
                crate::domain::spending::SpendingCall::BillPayment,
            )
            .await
        {
            Ok(v) => super::buyer::placed_from(v, req),
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
}

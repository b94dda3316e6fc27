//! Server 3, email OTP: sites, domains, and the email order endpoints.
//! Email orders travel through the same `Provider` calls as SMS orders
//! (the offer id says which), so the journal, poller, watch and ops need
//! nothing of their own. Catalog: the "Email" service, sites as its
//! countries, domains as its offers.

use super::email_wire as w;
use super::{OtpZap, Retry};
pub(super) use crate::domain::email::{is_email_offer, EMAIL_SERVICE_ID};
use crate::domain::email::{EmailSpec, EMAIL_WINDOW_SECS};
use crate::domain::*;
use crate::providers::{OrderRef, ProviderError};
use serde_json::{json, Value};

/// Whether an order reference is an email order: by its offer id, or by
/// the `APIE-` prefix the doc shows for email refs.
pub(super) fn is_email(order: &OrderRef) -> bool {
    order.offer_id.as_deref().is_some_and(is_email_offer)
        || order.provider_order_id.starts_with("APIE-")
}

pub(super) fn email_service() -> Service {
    Service {
        id: EMAIL_SERVICE_ID.into(),
        name: "Email OTP".into(),
        category: Some("Email".into()),
        path: Vec::new(),
    }
}

impl OtpZap {
    /// Suggested sites, as the Email branch's "countries".
    pub(super) async fn email_sites(&self) -> Result<Vec<Country>, ProviderError> {
        let sites = self.list("/s3/sites", &[], "email sites", w::site).await?;
        Ok(sites
            .into_iter()
            .map(|s| Country {
                id: s.site.clone(),
                name: if s.name.eq_ignore_ascii_case(&s.site) {
                    s.site
                } else {
                    format!("{} ({})", s.name, s.site)
                },
                prefix: None,
                stock: None,
            })
            .collect())
    }

    /// A site's domains as offers: price, stock, activation rate, and the
    /// cancellation fee (in the label and carried in the offer id).
    pub(super) async fn email_domains(&self, site: &str) -> Result<Vec<Offer>, ProviderError> {
        let site = email::normalize_site(site);
        if site.is_empty() {
            return Err(ProviderError::Rejected {
                status: 0,
                message: "an email buy needs a site, e.g. openai.com".into(),
            });
        }
        let domains = self
            .list(
                "/s3/domains",
                &[("site", &site)],
                "email domains",
                w::domain,
            )
            .await?;
        Ok(domains
            .into_iter()
            .map(|d| {
                let spec = EmailSpec {
                    site: site.clone(),
                    domains: vec![d.domain.clone()],
                    fee: d.cancel_fee.map(|f| f.0),
                    ..EmailSpec::default()
                };
                let label = match d.cancel_fee {
                    Some(f) => format!("@{} · fee {f}", d.domain),
                    None => format!("@{}", d.domain),
                };
                Offer {
                    id: spec.offer_id(),
                    service_id: EMAIL_SERVICE_ID.into(),
                    country_id: Some(site.clone()),
                    label,
                    price: d.price,
                    stock: d.stock,
                    success_rate: d.activation_rate,
                    operators: Vec::new(),
                    available: d.available,
                }
            })
            .collect())
    }

    /// `/order/email-create`. Not retried: the doc documents no
    /// Idempotency-Key here, so a lost reply leaves the order UNKNOWN. The
    /// key is still sent, in case OTPZap honours it as on `/order/create`.
    pub(super) async fn email_create(
        &self,
        req: &BuyRequest,
    ) -> Result<PlacedOrder, ProviderError> {
        let spec = EmailSpec::parse(&req.offer_id).ok_or_else(|| ProviderError::Rejected {
            status: 0,
            message: format!("'{}' is not an email offer", req.offer_id),
        })?;
        let mut body = json!({ "site": spec.site });
        match spec.domains.as_slice() {
            [] => {}
            [one] => body["domain"] = json!(one),
            many => body["domains"] = json!(many),
        }
        if let Some(s) = spec.subject.as_deref().filter(|s| !s.is_empty()) {
            body["subject"] = json!(s);
        }
        if let Some(r) = spec.regex.as_deref().filter(|s| !s.is_empty()) {
            body["regex"] = json!(r);
        }
        let v = self
            .post(
                "/order/email-create",
                body,
                Retry::for_call(crate::domain::spending::SpendingCall::EmailCreate),
                Some(&req.idempotency_key),
            )
            .await?;
        let o = w::email_order(&v)?;
        let address = o
            .address
            .clone()
            .ok_or_else(|| ProviderError::Malformed("email order: missing 'email'".into()))?;
        let now = chrono::Utc::now();
        Ok(PlacedOrder {
            provider_order_id: o.reference.clone(),
            number: address,
            price: o.price.unwrap_or(req.price),
            status: o.status.unwrap_or(OrderStatus::Waiting),
            expires_at: o
                .expires_at
                .or_else(|| now.checked_add_signed(chrono::Duration::seconds(EMAIL_WINDOW_SECS))),
            otps: o.codes(),
            sn: None,
        })
    }

    pub(super) async fn email_check(&self, order: &OrderRef) -> Result<OrderUpdate, ProviderError> {
        let v = self
            .get("/order/email-check", &[("ref", &order.provider_order_id)])
            .await?;
        let o = w::email_order(&v)?;
        let status = o
            .status
            .ok_or_else(|| ProviderError::Malformed("email order: missing 'status'".into()))?;
        let message = o.message.clone().or_else(|| {
            (status == OrderStatus::Expired)
                .then(|| "no mail in the window; OTPZap refunds the balance".into())
        });
        Ok(OrderUpdate {
            status: Some(status),
            otps: o.codes(),
            number: o.address.clone(),
            expires_at: o.expires_at,
            message,
            messages: o.messages,
            ..OrderUpdate::default()
        })
    }

    async fn email_action(
        &self,
        path: &str,
        order: &OrderRef,
        retry: Retry,
    ) -> Result<Value, ProviderError> {
        let body = json!({ "ref": order.provider_order_id });
        self.post(path, body, retry, None).await
    }

    /// Cancel before any message: the refund is what the reply says (the
    /// price less the cancellation fee).
    pub(super) async fn email_cancel(
        &self,
        order: &OrderRef,
    ) -> Result<CancelOutcome, ProviderError> {
        let v = self
            .email_action("/order/email-cancel", order, Retry::Never)
            .await?;
        let o = w::email_order(&v).ok();
        let refunded = o.as_ref().and_then(|o| o.refund);
        let fee = o.as_ref().and_then(|o| o.fee);
        Ok(CancelOutcome {
            refunded,
            message: Some(match fee {
                Some(f) => format!("cancelled; OTPZap refunds less the {f} cancellation fee"),
                None => "cancelled; OTPZap refunds less any cancellation fee".into(),
            }),
        })
    }

    pub(super) async fn email_finish(&self, order: &OrderRef) -> Result<(), ProviderError> {
        self.email_action("/order/email-finish", order, Retry::Safe)
            .await
            .map(|_| ())
    }

    /// A new message on the same inbox; not charged again. Never retried:
    /// a second reorder would restart the window again.
    pub(super) async fn email_reorder(&self, order: &OrderRef) -> Result<(), ProviderError> {
        self.email_action("/order/email-reorder", order, Retry::Never)
            .await
            .map(|_| ())
    }
}

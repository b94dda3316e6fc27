//! Per-order rules for resend and replace that go beyond the API's
//! capabilities, as OTPZap documents them; the dashboard's keys and hints
//! and the engine (so the CLI) ask these same functions.

use super::{Capabilities, Order, OrderOp, ProviderKind};
use chrono::{DateTime, Utc};

impl OrderOp {
    /// Whether `self` can be asked of this order at all: the API offers it,
    /// and for OTPZap replace, the order is a Server 1 order ("/order/replace
    /// Server 1 only"; our S1 offer ids start with `s1:`, see
    /// `providers::otpzap::catalog`).
    pub fn offered_for(self, caps: &Capabilities, order: &Order) -> bool {
        self.offered_by(caps)
            && match (self, order.provider) {
                (OrderOp::Replace, ProviderKind::OtpZap) => order.offer_id.starts_with("s1:"),
                _ => true,
            }
    }
}

/// Whether an order that ended without its number being used is owed a
/// refund nobody has stated: no refund in the reply, and no doc promising
/// one (`spending::refund_promised`). Such an order counts as spent and
/// says "refund unknown" wherever it is listed.
pub fn refund_unknown(o: &Order) -> bool {
    use super::OrderStatus::*;
    let ended_unused = matches!(o.status, Cancelled | Expired)
        || (o.status == Failed && o.provider_order_id.is_some());
    ended_unused
        && o.otps.is_empty()
        && o.refunded.is_none()
        && !super::spending::refund_promised(o.provider, &o.offer_id, o.status)
}

/// What a done resend says: on an email inbox it is a reorder (a new
/// message, no new charge, the window back to 20 minutes).
pub fn resend_done(order: &Order) -> String {
    if super::email::is_email_offer(&order.offer_id) {
        format!(
            "Asked for a new message on inbox {} (order #{}; not charged again, the window restarts at 20 minutes)",
            order.number.as_deref().unwrap_or("-"),
            order.id
        )
    } else {
        format!("Asked for another SMS on order #{}", order.id)
    }
}

/// What an order's code is called: a top-up's is its SN (a PLN token is
/// what the customer needs), every other an OTP.
pub fn code_name(order: &Order) -> &'static str {
    if order.provider == ProviderKind::GoTopUp {
        "SN"
    } else {
        "OTP"
    }
}

/// What the buyer waits for: a mail on an email inbox, the SN (or token)
/// of a top-up, else an SMS.
pub fn awaited(order: &Order) -> &'static str {
    if order.provider == ProviderKind::GoTopUp {
        "the SN"
    } else if super::email::is_email_offer(&order.offer_id) {
        "the mail"
    } else {
        "the SMS"
    }
}

/// What the status line says once a buy is placed: a number bought and
/// waiting for its SMS or mail, or a top-up sent and processing.
pub fn placed_words(order: &Order) -> String {
    if order.provider == ProviderKind::GoTopUp {
        let to = order
            .customer_number
            .as_deref()
            .or(order.number.as_deref())
            .unwrap_or("");
        // Short enough for an 80-column status bar with a long name.
        return format!(
            "{} to {to}: processing, {} on {}; {} follows",
            order.service,
            order.price,
            order.account,
            awaited(order)
        );
    }
    format!(
        "Bought {} {} for {} on {}; waiting for {}",
        order.service,
        order.number.as_deref().unwrap_or(""),
        order.price,
        order.account,
        awaited(order)
    )
}

/// Why a resend must wait, or Ok. OTPZap gates resends per OTP: after one
/// resend, the next is refused (429) until a new OTP arrives. So with
/// `resend_count` resends made, another is allowed once the order holds
/// more OTPs than that (the first SMS plus one per resend); and never
/// before `resend_locked_until`. APIs that report no count are not gated.
pub fn resend_gate(order: &Order, now: DateTime<Utc>) -> Result<(), String> {
    let id = order.id;
    if let Some(until) = order.resend_locked_until.filter(|t| *t > now) {
        let left = (until - now).num_seconds().max(1);
        return Err(format!("#{id}: the provider allows another SMS in {left}s"));
    }
    match order.resend_count {
        Some(n) if n > 0 && order.otps.len() <= n as usize => Err(format!(
            "#{id}: the last resend's OTP has not arrived yet; one more resend is allowed after it"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rupiah;

    fn order(offer: &str, resends: Option<u32>, otps: usize) -> Order {
        let t = Utc::now();
        Order {
            id: 7,
            account: "zap".into(),
            provider: ProviderKind::OtpZap,
            idempotency_key: "k".into(),
            provider_order_id: Some("65".into()),
            service_id: "s1:1".into(),
            service: "WhatsApp".into(),
            country: Some("7".into()),
            country_name: None,
            resend_count: resends,
            resend_locked_until: None,
            offer_id: offer.into(),
            operator: None,
            number: Some("62812".into()),
            customer_number: None,
            price: Rupiah(3_500),
            status: super::super::OrderStatus::OtpReceived,
            created_at: t,
            updated_at: t,
            expires_at: None,
            otps: (0..otps).map(|i| format!("{i}")).collect(),
            sn: None,
            refunded: None,
            note: None,
        }
    }

    fn caps() -> Capabilities {
        Capabilities {
            countries: true,
            operators: true,
            cancel: true,
            finish: true,
            resend: true,
            replace: true,
            topup: false,
            otomax: None,
            cancel_after_secs: None,
        }
    }

    #[test]
    fn a_refund_nobody_stated_is_unknown_only_where_no_doc_promises_it() {
        use super::super::OrderStatus::*;
        let mut o = order("s1:101", None, 0);
        o.status = Cancelled;
        // OTPZap: "Balance is refunded automatically" on a cancel.
        assert!(!refund_unknown(&o));
        o.provider = ProviderKind::NexOtp;
        assert!(refund_unknown(&o));
        o.refunded = Some(Rupiah(3_500));
        assert!(!refund_unknown(&o));
        o.refunded = None;
        o.otps = vec!["1234".into()];
        assert!(!refund_unknown(&o), "a used number is owed nothing");
    }

    #[test]
    fn replace_only_on_server_1_orders() {
        assert!(OrderOp::Replace.offered_for(&caps(), &order("s1:101", None, 0)));
        assert!(!OrderOp::Replace.offered_for(&caps(), &order("s2:501:7", None, 0)));
        assert!(!OrderOp::Replace.offered_for(&caps(), &order("sp:901", None, 0)));
        assert!(OrderOp::Resend.offered_for(&caps(), &order("s2:501:7", None, 0)));
        let mut gate = order("1:2", None, 0);
        gate.provider = ProviderKind::GateOtp;
        assert!(OrderOp::Replace.offered_for(&caps(), &gate));
        let no = Capabilities {
            replace: false,
            ..caps()
        };
        assert!(!OrderOp::Replace.offered_for(&no, &order("s1:101", None, 0)));
    }

    #[test]
    fn one_resend_per_new_otp() {
        let now = Utc::now();
        assert!(resend_gate(&order("s1:1", Some(0), 1), now).is_ok());
        assert!(resend_gate(&order("s1:1", None, 1), now).is_ok());
        let e = resend_gate(&order("s1:1", Some(1), 1), now).unwrap_err();
        assert!(e.contains("has not arrived yet"), "{e}");
        assert!(resend_gate(&order("s1:1", Some(1), 2), now).is_ok());
        assert!(resend_gate(&order("s1:1", Some(2), 2), now).is_err());
        let mut locked = order("s1:1", Some(0), 1);
        locked.resend_locked_until = Some(now + chrono::Duration::seconds(30));
        assert!(resend_gate(&locked, now).unwrap_err().contains("in 30s"));
    }

    #[test]
    fn a_top_up_is_processing_not_waiting_for_an_sms() {
        let mut o = order("TELKOMSEL5", None, 0);
        o.provider = ProviderKind::GoTopUp;
        o.account = "topup".into();
        o.service = "Pulsa Telkomsel".into();
        o.number = None;
        o.customer_number = Some("081234567890".into());
        let words = placed_words(&o);
        assert_eq!(
            words,
            "Pulsa Telkomsel to 081234567890: processing, Rp 3.500 on topup; the SN follows"
        );
        assert!(!words.contains("SMS"), "{words}");
        let sms = order("s1:x", None, 0);
        assert!(placed_words(&sms).ends_with("waiting for the SMS"));
    }
}

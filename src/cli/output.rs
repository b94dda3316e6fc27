//! The stable JSON shapes of the scripting commands (documented in the
//! README) and their human-readable counterparts.

use crate::domain::columns::{Column, Table};
use crate::domain::{Order, OrderStatus};
use serde::Serialize;

/// One order as `buy`, `watch`, `cancel`, `orders` print it.
#[derive(Debug, Serialize)]
pub struct OrderJson<'a> {
    pub id: i64,
    pub account: &'a str,
    pub provider: &'a str,
    pub provider_order_id: Option<&'a str>,
    pub idempotency_key: &'a str,
    pub service: &'a str,
    pub service_id: &'a str,
    pub country: Option<&'a str>,
    pub country_name: Option<&'a str>,
    pub offer_id: &'a str,
    pub operator: Option<&'a str>,
    pub number: Option<&'a str>,
    pub customer_number: Option<&'a str>,
    /// Whole rupiah.
    pub price: i64,
    pub status: OrderStatus,
    /// The latest OTP (GoTopUp: the SN).
    pub otp: Option<&'a str>,
    pub otps: &'a [String],
    pub sn: Option<&'a str>,
    pub refunded: Option<i64>,
    /// Ended unused with no refund stated or promised by a doc.
    pub refund_unknown: bool,
    pub created_at: String,
    pub updated_at: String,
    pub expires_at: Option<String>,
    pub resend_count: Option<u32>,
    pub resend_locked_until: Option<String>,
    pub note: Option<&'a str>,
}

impl<'a> From<&'a Order> for OrderJson<'a> {
    fn from(o: &'a Order) -> Self {
        OrderJson {
            id: o.id,
            account: &o.account,
            provider: o.provider.as_str(),
            provider_order_id: o.provider_order_id.as_deref(),
            idempotency_key: &o.idempotency_key,
            service: &o.service,
            service_id: &o.service_id,
            country: o.country.as_deref(),
            country_name: o.country_name.as_deref(),
            offer_id: &o.offer_id,
            operator: o.operator.as_deref(),
            number: o.number.as_deref(),
            customer_number: o.customer_number.as_deref(),
            price: o.price.0,
            status: o.status,
            otp: o.latest_otp(),
            otps: &o.otps,
            sn: o.sn.as_deref(),
            refunded: o.refunded.map(|r| r.0),
            refund_unknown: crate::domain::order_ops::refund_unknown(o),
            created_at: o.created_at.to_rfc3339(),
            updated_at: o.updated_at.to_rfc3339(),
            expires_at: o.expires_at.map(|t| t.to_rfc3339()),
            resend_count: o.resend_count,
            resend_locked_until: o.resend_locked_until.map(|t| t.to_rfc3339()),
            note: o.note.as_deref(),
        }
    }
}

/// serde escapes C0 controls but writes C1 controls (U+009B is a CSI to
/// some terminals), bidi and zero-width characters as they are: those are
/// written as `\uXXXX` too, the same JSON value, harmless on a terminal.
fn json_safe(s: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write;
    let risky = crate::domain::text::is_unsafe;
    if !s.chars().any(|c| c != '\n' && risky(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if c != '\n' && risky(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{}", json_safe(&s)),
        Err(e) => say_err!("otpdeck: cannot encode JSON: {e}"),
    }
}

/// The orders for people: a table whose columns are as wide as their
/// widest cell, nothing cut (a number, an email address, an OTP or a token
/// is read off it), the status last.
pub fn orders_table(list: &[Order]) -> Table {
    let mut t = Table::new(vec![
        Column::value("#"),
        Column::value("account"),
        Column::value("provider"),
        Column::value("service"),
        Column::value("country"),
        Column::value("number"),
        Column::value("price").right(),
        Column::value("otp"),
        Column::value("expires"),
        Column::value("status"),
    ])
    .gap(2);
    for o in list {
        t.push(order_cells(o));
    }
    t
}

/// A table for people, every line through the sanitizer.
pub fn print_table(t: &Table) {
    for line in t.fit(usize::MAX).lines() {
        say!("{line}");
    }
}

/// One order's cells in `orders_table`.
fn order_cells(o: &Order) -> [String; 10] {
    let number = o.number.as_deref().unwrap_or("-");
    let country = o
        .country_name
        .as_deref()
        .or(o.country.as_deref())
        .unwrap_or("-");
    let otps = o.otps.join(", ");
    let status = match o.status {
        OrderStatus::Unknown => "UNKNOWN (reply lost: check the provider)".to_string(),
        // Settled by hand or by clues, or ended by an unsigned callback:
        // say how.
        s => match o
            .note
            .as_deref()
            .filter(|n| n.starts_with("settled by") || n.starts_with("by callback"))
        {
            Some(how) => format!(
                "{s} ({})",
                crate::domain::times::local_times(
                    how,
                    chrono::Utc::now(),
                    *chrono::Local::now().offset()
                )
            ),
            None if crate::domain::order_ops::refund_unknown(o) => {
                format!("{s} (refund unknown: counted as spent)")
            }
            None => s.to_string(),
        },
    };
    let expires = o
        .expires_at
        .filter(|_| o.status.is_active())
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    [
        format!("#{}", o.id),
        o.account.clone(),
        o.provider.as_str().to_string(),
        o.service.clone(),
        country.to_string(),
        number.to_string(),
        o.price.to_string(),
        otps,
        expires,
        status,
    ]
}

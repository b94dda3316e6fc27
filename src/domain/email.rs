//! Email OTP (OTPZap Server 3): an inbox rented for one site's verification
//! mail. An email order is an ordinary order (same journal row, poller,
//! watch and ops) whose `number` is the address and whose `offer_id` holds
//! the buy's options, so a restart or a replay knows exactly what was asked.
//!
//! The catalog shows email as a service (`EMAIL_SERVICE_ID`) whose
//! "countries" are target sites and whose offers are the site's domains.

use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The catalog service id of the Email branch.
pub const EMAIL_SERVICE_ID: &str = "email";
/// How an email offer id starts; the rest is the `EmailSpec` as JSON.
const PREFIX: &str = "email:";
/// The waiting window OTPZap documents for a new inbox (and after a reorder).
pub const EMAIL_WINDOW_SECS: i64 = 20 * 60;

/// Inboxes bought at once at most: the CLI's `--qty` and the dashboard's
/// `qty=`, each its own buy under its own key.
pub const MAX_QTY: u32 = 20;

/// Checks a quantity of inboxes (the CLI's and the dashboard's one rule).
pub fn check_qty(qty: u32) -> Result<u32, String> {
    if (1..=MAX_QTY).contains(&qty) {
        Ok(qty)
    } else {
        Err(format!("the quantity must be between 1 and {MAX_QTY}"))
    }
}

/// What an email buy asks for. `fee` is the cancellation fee the catalog
/// previewed for the domain (not sent; kept to show the refund).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmailSpec {
    pub site: String,
    /// One domain, or several (aggregator mode: OTPZap picks one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<i64>,
}

impl EmailSpec {
    pub fn new(site: &str) -> Self {
        EmailSpec {
            site: normalize_site(site),
            ..EmailSpec::default()
        }
    }

    pub fn offer_id(&self) -> String {
        // serde_json of plain strings cannot fail.
        format!(
            "{PREFIX}{}",
            serde_json::to_string(self).unwrap_or_default()
        )
    }

    pub fn parse(offer_id: &str) -> Option<EmailSpec> {
        let rest = offer_id.strip_prefix(PREFIX)?;
        serde_json::from_str(rest).ok()
    }

    pub fn fee(&self) -> Option<Rupiah> {
        self.fee.map(Rupiah)
    }

    /// What a short label shows: the site and the domain(s).
    pub fn label(&self) -> String {
        match self.domains.len() {
            0 => self.site.clone(),
            1 => format!("{} @{}", self.site, self.domains[0]),
            n => format!("{} @{} +{}", self.site, self.domains[0], n - 1),
        }
    }
}

/// Whether an offer id is an email buy.
pub fn is_email_offer(offer_id: &str) -> bool {
    offer_id.starts_with(PREFIX)
}

/// `https://OpenAI.com/` → `openai.com`: the API wants a bare site domain.
pub fn normalize_site(site: &str) -> String {
    let s = site.trim().to_ascii_lowercase();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(&s);
    let s = s.strip_prefix("www.").unwrap_or(s);
    s.trim_end_matches('/').to_string()
}

/// What a cancel before any message gives back: the price less the fee
/// (never below zero); the price when the fee is not known.
pub fn refund_after_fee(price: Rupiah, fee: Option<Rupiah>) -> Rupiah {
    match fee {
        Some(f) if f.0 > 0 => Rupiah((price.0 - f.0).max(0)),
        _ => price,
    }
}

/// One message of an inbox's timeline, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    pub from: String,
    pub subject: String,
    pub received_at: Option<DateTime<Utc>>,
    pub preview: String,
    /// The OTP OTPZap extracted, else its headline (what the OTP column
    /// and the log show).
    pub otp: Option<String>,
}

impl EmailMessage {
    /// What stands for this message in the OTP column: its code, else the
    /// subject.
    pub fn headline(&self) -> String {
        self.otp
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| self.subject.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_id_round_trips_with_every_option() {
        let spec = EmailSpec {
            site: "openai.com".into(),
            domains: vec!["gmail.com".into(), "outlook.com".into()],
            subject: Some("code: |x".into()),
            regex: Some(r"\d{6}".into()),
            fee: Some(500),
        };
        let id = spec.offer_id();
        assert!(is_email_offer(&id));
        assert_eq!(EmailSpec::parse(&id), Some(spec));
        assert_eq!(EmailSpec::parse("s1:101"), None);
        assert_eq!(EmailSpec::parse("email:{not json"), None);
    }

    #[test]
    fn refund_is_price_less_fee_never_negative() {
        assert_eq!(
            refund_after_fee(Rupiah(3000), Some(Rupiah(500))),
            Rupiah(2500)
        );
        assert_eq!(refund_after_fee(Rupiah(300), Some(Rupiah(500))), Rupiah(0));
        assert_eq!(refund_after_fee(Rupiah(3000), None), Rupiah(3000));
    }

    #[test]
    fn sites_are_bare_domains() {
        assert_eq!(normalize_site(" https://www.OpenAI.com/ "), "openai.com");
        assert_eq!(normalize_site("discord.com"), "discord.com");
    }
}

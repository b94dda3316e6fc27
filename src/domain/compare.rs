//! The compare table's rows and their order: pure types shared by the
//! engine (which fills them from the providers and the journal), the CLI's
//! `best` and the dashboard's compare view and auto-replace.

use crate::domain::{Country, Offer, ProviderKind, Service};
use serde::Serialize;

/// An offer's record over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct OwnRecord {
    pub orders: u32,
    pub with_otp: u32,
    /// Median seconds from the buy to the first OTP, of those that got one.
    pub median_secs: Option<i64>,
}

impl OwnRecord {
    /// Share of orders that got an OTP, in percent.
    pub fn otp_rate(&self) -> Option<f64> {
        (self.orders > 0).then(|| 100.0 * self.with_otp as f64 / self.orders as f64)
    }
}

/// One row of the compare table.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Row {
    pub account: String,
    pub provider: ProviderKind,
    pub service: Service,
    pub country: Country,
    pub offer: Offer,
    pub record: OwnRecord,
}

/// How the table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Price,
    /// The user's own delivery rate, best first (no record last).
    OwnRate,
    /// The user's median time to the OTP, fastest first.
    TimeToOtp,
}

impl SortBy {
    pub fn next(self) -> SortBy {
        match self {
            SortBy::Price => SortBy::OwnRate,
            SortBy::OwnRate => SortBy::TimeToOtp,
            SortBy::TimeToOtp => SortBy::Price,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Price => "price",
            SortBy::OwnRate => "own delivery rate",
            SortBy::TimeToOtp => "time to OTP",
        }
    }
}

/// Sorts rows; ties go to the better own delivery rate, then the price.
pub fn sort(rows: &mut [Row], by: SortBy) {
    let rate = |r: &Row| -> i64 { r.record.otp_rate().map(|x| -(x * 10.0) as i64).unwrap_or(1) };
    let time = |r: &Row| r.record.median_secs.unwrap_or(i64::MAX);
    match by {
        SortBy::Price => rows.sort_by_key(|r| (r.offer.price, rate(r), time(r))),
        SortBy::OwnRate => rows.sort_by_key(|r| (rate(r), r.offer.price)),
        SortBy::TimeToOtp => rows.sort_by_key(|r| (time(r), r.offer.price)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rupiah;

    fn row(account: &str, price: i64, orders: u32, with_otp: u32, secs: Option<i64>) -> Row {
        Row {
            account: account.into(),
            provider: ProviderKind::NexOtp,
            service: Service {
                id: "wa".into(),
                name: "WhatsApp".into(),
                category: None,
                path: Vec::new(),
            },
            country: Country {
                id: "id".into(),
                name: "Indonesia".into(),
                prefix: None,
                stock: None,
            },
            offer: Offer {
                id: format!("{account}-o"),
                service_id: "wa".into(),
                country_id: Some("id".into()),
                label: account.into(),
                price: Rupiah(price),
                stock: Some(5),
                success_rate: None,
                operators: Vec::new(),
                available: true,
            },
            record: OwnRecord {
                orders,
                with_otp,
                median_secs: secs,
            },
        }
    }

    #[test]
    fn price_first_then_own_rate_breaks_ties() {
        let mut rows = vec![
            row("slow", 3_000, 10, 2, Some(90)),
            row("good", 3_000, 10, 9, Some(20)),
            row("cheap", 2_500, 0, 0, None),
        ];
        sort(&mut rows, SortBy::Price);
        let order: Vec<&str> = rows.iter().map(|r| r.account.as_str()).collect();
        assert_eq!(order, ["cheap", "good", "slow"]);
        sort(&mut rows, SortBy::OwnRate);
        assert_eq!(rows[0].account, "good");
        assert_eq!(rows[2].account, "cheap", "no record sorts last");
        sort(&mut rows, SortBy::TimeToOtp);
        assert_eq!(rows[0].account, "good");
    }
}

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

/// How a row's offer reads in a table whose title already names the
/// service and the country: `(server, name)`. The server is the part the
/// adapters write before " · " (OTPZap's "S1", "S2", "S2 special",
/// GateOTP's "Server 3"), in a column of its own; the name is the rest, its
/// leading words that repeat the service's or the country's name left out
/// ("S1 · WhatsApp Indonesia Premium" reads "S1", "Premium"). So two offers
/// that differ only by server or by a tier at the end of a long label read
/// apart however narrow the name column is. A name that would be left
/// empty stays whole.
pub fn offer_words(row: &Row) -> (String, String) {
    let label = row.offer.label.as_str();
    let (server, rest) = match label.split_once(" · ") {
        Some((head, rest)) if is_server(head) => (head.to_string(), rest),
        _ => (String::new(), label),
    };
    let said: Vec<String> = row
        .service
        .name
        .split_whitespace()
        .chain(row.country.name.split_whitespace())
        .map(str::to_lowercase)
        .collect();
    let words: Vec<&str> = rest.split_whitespace().collect();
    let skip = words
        .iter()
        .take_while(|w| said.contains(&w.to_lowercase()))
        .count();
    let name = if skip < words.len() {
        words[skip..].join(" ")
    } else {
        rest.to_string()
    };
    (server, name)
}

/// "S1", "S2 special", "Server 3": where an offer is sold on its account.
fn is_server(head: &str) -> bool {
    let first = head.split_whitespace().next().unwrap_or("");
    first == "Server"
        || (first.len() > 1
            && first.starts_with('S')
            && first[1..].chars().all(|c| c.is_ascii_digit()))
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

    #[test]
    fn offer_words_split_the_server_and_leave_out_the_title() {
        let mut r = row("zap", 3_500, 0, 0, None);
        let words = |r: &Row| {
            let (a, b) = offer_words(r);
            (a.to_string(), b.to_string())
        };
        r.offer.label = "S1 · WhatsApp Indonesia Premium".into();
        assert_eq!(words(&r), ("S1".into(), "Premium".into()));
        r.offer.label = "S2 · WhatsApp".into();
        assert_eq!(words(&r), ("S2".into(), "WhatsApp".into()), "never empty");
        r.offer.label = "S2 special · WhatsApp Special ID".into();
        assert_eq!(words(&r), ("S2 special".into(), "Special ID".into()));
        r.offer.label = "Server 3 · #3837".into();
        assert_eq!(words(&r), ("Server 3".into(), "#3837".into()));
        r.offer.label = "Premium Route".into();
        assert_eq!(words(&r), ("".into(), "Premium Route".into()));
        r.offer.label = "Fast · WhatsApp Indonesia".into();
        assert_eq!(
            words(&r),
            ("".into(), "Fast · WhatsApp Indonesia".into()),
            "not a server: the label whole"
        );
    }
}

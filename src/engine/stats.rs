//! Delivery statistics from the journal, per provider, offer, service or
//! country: orders, the share that got an OTP, median and p90 time to the
//! first OTP, spent and refunded. The CLI's `stats` and the compare table
//! read the same numbers.

use super::journal::OrderFact;
use crate::domain::OrderStatus;
use crate::money::Rupiah;
use std::collections::BTreeMap;

pub use crate::domain::stats::{GroupStats, Overview};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Provider,
    Offer,
    Service,
    Country,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "provider" | "account" => GroupBy::Provider,
            "offer" => GroupBy::Offer,
            "service" => GroupBy::Service,
            "country" => GroupBy::Country,
            _ => return None,
        })
    }

    /// How people name a group: by offer, the account, service and country.
    fn label(self, f: &OrderFact) -> String {
        match self {
            GroupBy::Offer => format!(
                "{} · {} · {}",
                f.account,
                f.service,
                f.country.as_deref().unwrap_or("-")
            ),
            _ => self.key(f),
        }
    }

    fn key(self, f: &OrderFact) -> String {
        match self {
            GroupBy::Provider => format!("{} ({})", f.account, f.provider.as_str()),
            GroupBy::Offer => format!("{} {}", f.account, f.offer_id),
            GroupBy::Service => f.service.clone(),
            GroupBy::Country => f.country.clone().unwrap_or_else(|| "-".into()),
        }
    }
}

/// What came back of an order: the refund the provider reported, else the
/// whole price for an order that ended with no OTP where a doc promises
/// that refund (`spending::refund_promised`); otherwise nothing is assumed
/// back: an unknown refund counts as spent.
pub fn refund_of(f: &OrderFact) -> Rupiah {
    f.refunded.unwrap_or_else(|| {
        let back = matches!(
            f.status,
            OrderStatus::Cancelled | OrderStatus::Expired | OrderStatus::Failed
        ) && f.first_otp_at.is_none()
            && crate::domain::spending::refund_promised(f.provider, &f.offer_id, f.status);
        if back {
            f.price
        } else {
            Rupiah::ZERO
        }
    })
}

fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) * p / 100])
}

/// Groups `facts` and sums each group, busiest first.
pub fn group(facts: &[OrderFact], by: GroupBy) -> Vec<GroupStats> {
    let mut groups: BTreeMap<String, Vec<&OrderFact>> = BTreeMap::new();
    for f in facts {
        groups.entry(by.key(f)).or_default().push(f);
    }
    let mut out: Vec<GroupStats> = groups
        .into_iter()
        .map(|(group, fs)| {
            let mut waits: Vec<i64> = fs
                .iter()
                .filter_map(|f| {
                    f.first_otp_at
                        .map(|t| (t - f.created_at).num_seconds().max(0))
                })
                .collect();
            waits.sort_unstable();
            let orders = fs.len() as u32;
            GroupStats {
                label: by.label(fs[0]),
                topup: fs
                    .iter()
                    .all(|f| f.provider == crate::domain::ProviderKind::GoTopUp),
                group,
                orders,
                with_otp: waits.len() as u32,
                otp_rate: (orders > 0).then(|| 100.0 * waits.len() as f64 / orders as f64),
                median_secs: percentile(&waits, 50),
                p90_secs: percentile(&waits, 90),
                spent: fs.iter().map(|f| f.price).sum(),
                refunded: fs.iter().map(|f| refund_of(f)).sum(),
            }
        })
        .collect();
    // Top-ups after OTP orders (shown apart), each busiest first.
    out.sort_by(|a, b| (a.topup, b.orders, &a.group).cmp(&(b.topup, a.orders, &b.group)));
    // Two offers of one account for the same service and country would
    // read alike: those say their offer id too.
    let labels: Vec<String> = out.iter().map(|g| g.label.clone()).collect();
    for g in &mut out {
        if by == GroupBy::Offer && labels.iter().filter(|l| **l == g.label).count() > 1 {
            let id = g.group.split_once(' ').map_or("", |(_, id)| id);
            g.label = format!("{} · {id}", g.label);
        }
    }
    out
}

/// Buckets of seconds to the first OTP: upper bounds and labels.
const BUCKETS: [(i64, &str); 6] = [
    (10, "<10s"),
    (30, "<30s"),
    (60, "<1m"),
    (120, "<2m"),
    (300, "<5m"),
    (i64::MAX, "5m+"),
];

pub fn overview(
    facts: &[OrderFact],
    by: GroupBy,
    days: usize,
    today: chrono::NaiveDate,
    offset: chrono::FixedOffset,
) -> Overview {
    let mut spend = vec![0i64; days];
    for f in facts {
        let day = f.created_at.with_timezone(&offset).date_naive();
        let back = (today - day).num_days();
        if (0..days as i64).contains(&back) {
            spend[days - 1 - back as usize] += (f.price - refund_of(f)).0;
        }
    }
    let mut otp_times: Vec<(std::borrow::Cow<'static, str>, u64)> =
        BUCKETS.iter().map(|(_, l)| ((*l).into(), 0)).collect();
    // The time to an OTP; a top-up's SN is not one (shown apart).
    for f in facts
        .iter()
        .filter(|f| f.provider != crate::domain::ProviderKind::GoTopUp)
    {
        if let Some(t) = f.first_otp_at {
            let s = (t - f.created_at).num_seconds().max(0);
            if let Some(i) = BUCKETS.iter().position(|(max, _)| s < *max) {
                otp_times[i].1 += 1;
            }
        }
    }
    Overview {
        groups: group(facts, by),
        spend_per_day: spend,
        otp_times,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProviderKind;
    use chrono::{Duration, TimeZone, Utc};

    fn fact(account: &str, wait: Option<i64>, status: OrderStatus) -> OrderFact {
        let t = Utc
            .with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
            .single()
            .expect("time");
        OrderFact {
            account: account.into(),
            provider: ProviderKind::NexOtp,
            offer_id: "o1".into(),
            service: "WhatsApp".into(),
            country: Some("Indonesia".into()),
            price: Rupiah(5_000),
            refunded: None,
            status,
            created_at: t,
            first_otp_at: wait.map(|s| t + Duration::seconds(s)),
        }
    }

    #[test]
    fn a_refund_is_assumed_only_where_a_doc_promises_it() {
        let mut f = fact("a", None, OrderStatus::Cancelled);
        assert_eq!(refund_of(&f), Rupiah::ZERO);
        f.provider = ProviderKind::GateOtp;
        assert_eq!(refund_of(&f), Rupiah(5_000));
        f.status = OrderStatus::Expired;
        assert_eq!(refund_of(&f), Rupiah::ZERO);
        f.refunded = Some(Rupiah(4_000));
        assert_eq!(refund_of(&f), Rupiah(4_000));
    }

    #[test]
    fn rates_times_and_money_per_group() {
        let facts = vec![
            fact("a", Some(10), OrderStatus::Finished),
            fact("a", Some(30), OrderStatus::OtpReceived),
            fact("a", None, OrderStatus::Cancelled),
            fact("b", None, OrderStatus::Expired),
        ];
        let g = group(&facts, GroupBy::Provider);
        assert_eq!(g[0].group, "a (nexotp)");
        assert_eq!((g[0].orders, g[0].with_otp), (3, 2));
        assert_eq!(g[0].median_secs, Some(10));
        assert_eq!(g[0].p90_secs, Some(10));
        assert_eq!(g[0].spent, Rupiah(15_000));
        // NEXOTP refunds a cancel only "jika order memenuhi syarat refund":
        // a cancel whose reply named no refund counts as spent.
        assert_eq!(g[0].refunded, Rupiah(0));
        assert!((g[0].otp_rate.expect("rate") - 66.66).abs() < 0.1);
        assert_eq!(g[1].otp_rate, Some(0.0));
        assert_eq!(group(&facts, GroupBy::Service).len(), 1);
    }

    #[test]
    fn groups_read_by_name_and_top_ups_stand_apart() {
        let mut second = fact("a", Some(20), OrderStatus::OtpReceived);
        second.offer_id = "o2".into();
        let mut topup = fact("t", Some(4), OrderStatus::Finished);
        topup.provider = ProviderKind::GoTopUp;
        topup.service = "Pulsa Telkomsel".into();
        topup.country = None;
        let facts = vec![
            fact("a", Some(10), OrderStatus::OtpReceived),
            second,
            topup,
            fact("b", Some(30), OrderStatus::OtpReceived),
        ];
        let groups = group(&facts, GroupBy::Offer);
        let label = |g: &str| {
            groups
                .iter()
                .find(|x| x.group == g)
                .map(|x| (x.label.clone(), x.topup))
                .expect(g)
        };
        // Two offers of one account for the same service and country say
        // their ids; one alone does not.
        assert_eq!(
            label("a o1"),
            ("a · WhatsApp · Indonesia · o1".into(), false)
        );
        assert_eq!(
            label("a o2"),
            ("a · WhatsApp · Indonesia · o2".into(), false)
        );
        assert_eq!(label("b o1"), ("b · WhatsApp · Indonesia".into(), false));
        assert_eq!(label("t o1"), ("t · Pulsa Telkomsel · -".into(), true));
        // The time to an OTP counts OTP orders only.
        let today = facts[0].created_at.date_naive();
        let o = overview(
            &facts,
            GroupBy::Offer,
            7,
            today,
            chrono::FixedOffset::east_opt(0).unwrap(),
        );
        let counted: u64 = o.otp_times.iter().map(|(_, n)| n).sum();
        assert_eq!(counted, 3);
    }
}

//! Rules on spending (`[rules]` in the config), checked before every buy
//! from every path: the dashboard, `:buy`, the compare view and the CLI.
//! A price cap, overall or per service, and a daily spend cap per account
//! and in total, counted from the journal since local midnight (charges
//! minus refunds; unclear buys count as charged until settled).

use super::journal::Journal;
use super::stats::refund_of;
pub use crate::domain::Rules;
use crate::money::Rupiah;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};

/// Local midnight of `now`'s day, in UTC.
pub fn midnight(now: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
    let day = now.with_timezone(&offset).date_naive();
    offset
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now)
}

/// What was spent since `since`: charges minus refunds.
pub fn spent(journal: &Journal, account: Option<&str>, since: DateTime<Utc>) -> Rupiah {
    journal
        .spend_facts(account, since)
        .map(|facts| facts.iter().map(|f| f.price - refund_of(f)).sum())
        .unwrap_or_default()
}

/// Checks a buy of `price` for `service` on `account` against every rule.
/// The reason says what was spent today and what is left.
pub fn check_buy(
    rules: &Rules,
    journal: &Journal,
    account: &str,
    service: &str,
    price: Rupiah,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<(), String> {
    check_buys(rules, journal, account, service, price, 1, now, offset)
}

/// `count` buys of `price` at once (email inboxes by quantity): the price
/// rule per buy, the daily caps against their total, so the batch is
/// refused whole before anything is sent rather than stopping halfway.
#[allow(clippy::too_many_arguments)]
pub fn check_buys(
    rules: &Rules,
    journal: &Journal,
    account: &str,
    service: &str,
    each: Rupiah,
    count: u32,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<(), String> {
    rules.check_price(service, each)?;
    let price = Rupiah(each.0.saturating_mul(i64::from(count)));
    let since = midnight(now, offset);
    let caps = [
        (
            rules.daily_spend_cap_by_account.get(account).copied(),
            Some(account),
            format!("{account}'s"),
        ),
        (rules.daily_spend_cap, None, "the total".to_string()),
    ];
    for (cap, who, what) in caps {
        let Some(cap) = cap else { continue };
        let today = spent(journal, who, since);
        if today + price > cap {
            let left = if cap > today {
                cap - today
            } else {
                Rupiah::ZERO
            };
            return Err(format!(
                "{price} would pass {what} daily_spend_cap of {cap}: spent today {today}, left {left}; nothing was bought"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_is_local() {
        let wib = FixedOffset::east_opt(7 * 3600).expect("offset");
        let now = Utc
            .with_ymd_and_hms(2026, 12, 2, 18, 30, 0)
            .single()
            .expect("t");
        // 01:30 WIB on the 3rd: local midnight is 17:00 UTC on the 2nd.
        assert_eq!(
            midnight(now, wib),
            Utc.with_ymd_and_hms(2026, 12, 2, 17, 0, 0)
                .single()
                .expect("t")
        );
    }
}

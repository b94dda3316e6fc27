//! `otpdeck stats`: the user's own delivery statistics from the journal,
//! per provider, offer, service or country, as text, JSON or CSV.

use super::context::Context;
use super::output::{print_json, print_table};
use super::{exit, fail, CliResult};
use crate::domain::columns::{Column, Table};
use crate::engine::stats::{self, GroupBy};
use std::time::Duration;

pub(super) fn stats(ctx: &Context, since: Duration, by: &str, csv: bool) -> CliResult {
    let by = GroupBy::parse(by).ok_or_else(|| {
        fail(format!(
            "--by {by}: use provider, offer, service or country"
        ))
    })?;
    let journal = ctx.journal()?;
    let from = chrono::Utc::now() - chrono::Duration::from_std(since).unwrap_or_default();
    let facts = journal.order_facts(from).map_err(|e| fail(e.to_string()))?;
    let groups = stats::group(&facts, by);
    let secs = |s: Option<i64>| s.map(|s| s.to_string()).unwrap_or_default();
    if ctx.json {
        print_json(&groups);
    } else if csv {
        say!("group,orders,with_otp,otp_rate,median_secs,p90_secs,spent,refunded");
        for g in &groups {
            say!(
                "\"{}\",{},{},{},{},{},{},{}",
                g.group.replace('"', "\"\""),
                g.orders,
                g.with_otp,
                g.otp_rate.map(|r| format!("{r:.1}")).unwrap_or_default(),
                secs(g.median_secs),
                secs(g.p90_secs),
                g.spent.0,
                g.refunded.0
            );
        }
    } else if groups.is_empty() {
        say!("No orders in that period.");
    } else {
        // The group's name whole (it was cut at 30), every figure in a
        // column as wide as its widest.
        let mut rows = Table::new(vec![
            Column::value("group"),
            Column::value("orders").right(),
            Column::value("OTP %").right(),
            Column::value("median").right(),
            Column::value("p90").right(),
            Column::value("spent").right(),
            Column::value("refunded").right(),
        ])
        .gap(2);
        for g in &groups {
            rows.push([
                g.group.clone(),
                g.orders.to_string(),
                g.otp_rate
                    .map(|r| format!("{r:.0}%"))
                    .unwrap_or_else(|| "-".into()),
                g.median_secs
                    .map(|s| format!("{s}s"))
                    .unwrap_or_else(|| "-".into()),
                g.p90_secs
                    .map(|s| format!("{s}s"))
                    .unwrap_or_else(|| "-".into()),
                g.spent.to_string(),
                g.refunded.to_string(),
            ]);
        }
        print_table(&rows);
    }
    Ok(exit::OK)
}

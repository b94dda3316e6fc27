//! `otpdeck best`: one service and country across every OTP account, the
//! cheapest first, with the provider's rate and the user's own record; and
//! the choice `buy --best` makes from the same table.

use super::context::Context;
use super::output::{print_json, print_table};
use super::{exit, fail, CliError, CliResult};
use crate::domain::columns::{Column, Table};
use crate::engine::compare::{self, Row, SortBy};
use crate::engine::journal::Journal;
use serde::Serialize;
use serde_json::json;

/// What one account gave: its rows, or why none.
pub(super) struct AccountResult {
    pub account: String,
    pub rows: Result<Vec<Row>, String>,
}

/// Asks every OTP account at once; an account that fails keeps its error.
pub(super) async fn gather(
    ctx: &Context,
    journal: &Journal,
    service: &str,
    country: &str,
) -> Result<Vec<AccountResult>, CliError> {
    let now = chrono::Utc::now();
    let mut asks = Vec::new();
    // Seller accounts sell nothing to compare: left out.
    for acc in ctx.config.accounts.iter().filter(|a| !a.role.is_seller()) {
        let p = ctx.provider(acc);
        asks.push(async move {
            let rows = match p {
                Err(e) => Some(Err(e.to_string())),
                Ok(p) if !p.capabilities().countries => None,
                Ok(p) => Some(
                    compare::account_rows(p.as_ref(), journal, &acc.name, service, country, now)
                        .await,
                ),
            };
            rows.map(|rows| AccountResult {
                account: acc.name.clone(),
                rows,
            })
        });
    }
    Ok(futures::future::join_all(asks)
        .await
        .into_iter()
        .flatten()
        .collect())
}

#[derive(Serialize)]
struct RowJson<'a> {
    account: &'a str,
    provider: &'a str,
    service: &'a str,
    country: &'a str,
    offer_id: &'a str,
    label: &'a str,
    price: i64,
    stock: Option<u64>,
    provider_rate: Option<f64>,
    own_orders: u32,
    own_otp_rate: Option<f64>,
    own_median_secs: Option<i64>,
}

fn row_json(r: &Row) -> RowJson<'_> {
    RowJson {
        account: &r.account,
        provider: r.provider.as_str(),
        service: &r.service.name,
        country: &r.country.name,
        offer_id: &r.offer.id,
        label: &r.offer.label,
        price: r.offer.price.0,
        stock: r.offer.stock,
        provider_rate: r
            .offer
            .success_rate
            .map(|x| (f64::from(x) * 10.0).round() / 10.0),
        own_orders: r.record.orders,
        own_otp_rate: r.record.otp_rate(),
        own_median_secs: r.record.median_secs,
    }
}

pub(super) async fn best(ctx: &Context, service: &str, country: &str) -> CliResult {
    let journal = ctx.journal()?;
    let results = gather(ctx, &journal, service, country).await?;
    let mut rows: Vec<Row> = results
        .iter()
        .filter_map(|r| r.rows.as_ref().ok())
        .flatten()
        .cloned()
        .collect();
    compare::sort(&mut rows, SortBy::Price);
    let errors: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|r| {
            r.rows
                .as_ref()
                .err()
                .map(|e| (r.account.as_str(), e.as_str()))
        })
        .collect();
    if ctx.json {
        print_json(&json!({
            "offers": rows.iter().map(row_json).collect::<Vec<_>>(),
            "unmatched": errors.iter().map(|(a, e)| json!({"account": a, "error": e})).collect::<Vec<_>>(),
        }));
    } else {
        // Columns as wide as what they hold (in display width): a label is
        // never cut, and the offer id is the one `buy --offer` takes.
        let mut t = Table::new(vec![
            Column::value("account"),
            Column::value("provider"),
            Column::value("offer id"),
            Column::value("offer"),
            Column::value("price").right(),
            Column::value("stock").right(),
            Column::value("rate").right(),
            Column::value("own record (30 days)"),
        ]);
        for r in &rows {
            let own = match r.record.otp_rate() {
                Some(rate) => format!(
                    "{} orders, {rate:.0}% OTP{}",
                    r.record.orders,
                    r.record
                        .median_secs
                        .map(|s| format!(", median {s}s"))
                        .unwrap_or_default()
                ),
                None => "-".into(),
            };
            t.push([
                r.account.clone(),
                r.provider.display_name().to_string(),
                r.offer.id.clone(),
                r.offer.label.clone(),
                r.offer.price.to_string(),
                r.offer
                    .stock
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "-".into()),
                r.offer
                    .success_rate
                    .map(|x| format!("{x:.0}%"))
                    .unwrap_or_else(|| "-".into()),
                own,
            ]);
        }
        print_table(&t);
        for (a, e) in &errors {
            say_err!("otpdeck: {a}: {e}");
        }
    }
    if rows.is_empty() {
        return Err(fail(format!(
            "no account has {service} in {country} in stock"
        )));
    }
    Ok(exit::OK)
}

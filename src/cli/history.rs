//! `history`: a page of the provider's own transaction history (GoTopUp),
//! so purchases made elsewhere (the web dashboard, another machine) show
//! too. Newest first; `--page`/`--limit` (≤ 100) as the API pages.

use super::context::Context;
use super::output::{print_json, print_table};
use super::scripting::provider_err;
use super::{exit, fail, CliResult};
use crate::domain::columns::{Column, Table};
use crate::domain::history::{parse_opt_day, HistoryQuery, HISTORY_MAX_LIMIT};
use crate::providers::offered;
use clap::Args;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    account: String,
    /// pending, processing, success or failed.
    #[arg(long)]
    status: Option<String>,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    to: Option<String>,
    /// Page of the provider's list, from 1.
    #[arg(long, default_value_t = 1)]
    page: u32,
    /// Rows per page (the API allows up to 100).
    #[arg(long, default_value_t = 20)]
    limit: u32,
}

pub(super) async fn run(ctx: &Context, a: &HistoryArgs) -> CliResult {
    let q = HistoryQuery {
        status: a.status.as_ref().map(|s| s.trim().to_lowercase()),
        from: parse_opt_day("--from", a.from.as_deref()).map_err(fail)?,
        to: parse_opt_day("--to", a.to.as_deref()).map_err(fail)?,
        page: a.page,
        limit: a.limit,
    };
    q.check()
        .map_err(|e| fail(format!("{e} (limit ≤ {HISTORY_MAX_LIMIT})")))?;
    let acc = ctx.account(&a.account)?;
    let p = ctx.provider(acc)?;
    let page = offered(p.history(), "transaction history")
        .map_err(provider_err)?
        .page(&q)
        .await
        .map_err(provider_err)?;
    if ctx.json {
        print_json(&page);
        return Ok(exit::OK);
    }
    // Columns as wide as what they hold: a ref_id or an SN is never cut
    // and never runs into the next column.
    let mut rows = Table::new(vec![
        Column::value("time"),
        Column::value("status"),
        Column::value("product"),
        Column::value("customer"),
        Column::value("price").right(),
        Column::value("ref_id"),
        Column::value("sn"),
    ])
    .gap(2);
    for t in &page.transactions {
        rows.push([
            t.at.map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "-".into()),
            t.status.to_string(),
            t.product.clone().unwrap_or_else(|| "-".into()),
            t.customer_number.clone().unwrap_or_else(|| "-".into()),
            t.price.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            t.reference.clone(),
            t.sn.clone().unwrap_or_default(),
        ]);
    }
    if !rows.is_empty() {
        print_table(&rows);
    }
    say!(
        "page {} of {}{}{}",
        page.page,
        page.total_pages,
        page.total
            .map(|t| format!(", {t} transactions"))
            .unwrap_or_default(),
        if page.unreadable > 0 {
            format!(", {} rows with an unknown status left out", page.unreadable)
        } else {
            String::new()
        }
    );
    Ok(exit::OK)
}

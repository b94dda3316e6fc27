//! `seller products|product-add|product-set|settle|settlements|transactions`:
//! GoTopUp's seller side, for accounts with `role = "seller"`. Values are
//! checked before anything is sent (domain::seller); settlement is in
//! seller_settle.rs.

use super::context::Context;
use super::output::{print_json, print_table};
use super::scripting::provider_err;
use super::{exit, fail, CliError, CliResult};
use crate::domain::columns::{Column, Table};
use crate::domain::seller::*;
use crate::money::Rupiah;
use crate::providers::gotopup::GoTopUpSeller;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum SellerCmd {
    /// The seller's products.
    Products(AccountArg),
    /// Create a product.
    ProductAdd(ProductAddArgs),
    /// Change a product's price, status or description.
    ProductSet(ProductSetArgs),
    /// Request a settlement (withdrawal) to a bank account.
    Settle(super::seller_settle::SettleArgs),
    /// Settlements in the journal, with their last known status.
    Settlements(AccountArg),
    /// Sales of the seller's products.
    Transactions(SalesArgs),
}

#[derive(Debug, Args)]
pub struct AccountArg {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    pub account: String,
}

#[derive(Debug, Args)]
pub struct ProductAddArgs {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    account: String,
    /// The product code buyers order by.
    #[arg(long)]
    code: String,
    /// The product's name as buyers see it.
    #[arg(long)]
    name: String,
    /// prabayar or pascabayar.
    #[arg(long, default_value = "prabayar")]
    category: String,
    /// pulsa, data, pln, games…
    #[arg(long)]
    subcategory: String,
    /// The operator (telkomsel, indosat…).
    #[arg(long)]
    operator: Option<String>,
    /// Whole rupiah.
    #[arg(long)]
    price: i64,
    /// Create it inactive.
    #[arg(long)]
    inactive: bool,
}

#[derive(Debug, Args)]
pub struct ProductSetArgs {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    account: String,
    /// The code of the product to change.
    code: String,
    /// New price, whole rupiah.
    #[arg(long)]
    price: Option<i64>,
    /// Mark the product active.
    #[arg(long, conflicts_with_all = ["inactive", "maintenance"])]
    active: bool,
    /// Mark the product inactive.
    #[arg(long, conflicts_with = "maintenance")]
    inactive: bool,
    /// Mark the product in maintenance.
    #[arg(long)]
    maintenance: bool,
    /// A description buyers see.
    #[arg(long)]
    description: Option<String>,
}

#[derive(Debug, Args)]
pub struct SalesArgs {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    account: String,
    /// pending, success, failed or processing.
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

/// The seller client of a `role = "seller"` account; any other account is
/// refused before anything is sent.
pub(super) fn client(ctx: &Context, name: &str) -> Result<(String, GoTopUpSeller), CliError> {
    let acc = ctx.account(name)?;
    if !acc.role.is_seller() {
        return Err(fail(format!(
            "account '{}' is not a seller: seller commands need a gotopup account with role = \"seller\"",
            acc.name
        )));
    }
    let settings = acc.resolve().map_err(|e| fail(e.to_string()))?;
    let s =
        GoTopUpSeller::new(&settings).map_err(|e| fail(format!("account '{}': {e}", acc.name)))?;
    Ok((acc.name.clone(), s))
}

fn day(flag: &str, v: &Option<String>) -> Result<Option<NaiveDate>, CliError> {
    crate::domain::history::parse_opt_day(flag, v.as_deref()).map_err(fail)
}

/// The seller's products, in columns as wide as what they hold.
fn products_table<'a>(list: impl IntoIterator<Item = &'a SellerProduct>) -> Table {
    let mut t = Table::new(vec![
        Column::value("code"),
        Column::value("name"),
        Column::value("price").right(),
        Column::value("status"),
        Column::value("group"),
    ])
    .gap(2);
    for p in list {
        t.push([
            p.code.clone(),
            p.name.clone(),
            p.price.to_string(),
            p.status.clone(),
            [
                p.category.as_deref(),
                p.subcategory.as_deref(),
                p.operator.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("/"),
        ]);
    }
    t
}

/// One product, after what was done to it ("Created", "Updated").
fn print_product(done: &str, p: &SellerProduct) {
    say!("{done}:");
    print_table(&products_table([p]));
}

pub(super) async fn run(ctx: &Context, cmd: &SellerCmd) -> CliResult {
    match cmd {
        SellerCmd::Products(a) => {
            let (_, s) = client(ctx, &a.account)?;
            let list = s.products().await.map_err(provider_err)?;
            if ctx.json {
                print_json(&list);
            } else if list.is_empty() {
                say!("No products yet: add one with `otpdeck seller product-add`.");
            } else {
                print_table(&products_table(&list));
            }
            Ok(exit::OK)
        }
        SellerCmd::ProductAdd(a) => {
            let d = ProductDraft::typed(
                &a.code,
                &a.name,
                &a.category,
                &a.subcategory,
                a.operator.clone(),
                Rupiah(a.price),
                !a.inactive,
            );
            check_draft(&d).map_err(|e| fail(format!("not sent: {e}")))?;
            let (_, s) = client(ctx, &a.account)?;
            let p = s.create_product(&d).await.map_err(provider_err)?;
            if ctx.json {
                print_json(&p);
            } else {
                print_product("Created", &p);
            }
            Ok(exit::OK)
        }
        SellerCmd::ProductSet(a) => {
            let status = if a.active {
                Some("active")
            } else if a.inactive {
                Some("inactive")
            } else if a.maintenance {
                Some("maintenance")
            } else {
                None
            };
            let patch = ProductPatch {
                price: a.price.map(Rupiah),
                status: status.map(str::to_string),
                description: a.description.clone(),
            };
            let code = a.code.trim();
            check_patch(code, &patch).map_err(|e| fail(format!("not sent: {e}")))?;
            let (_, s) = client(ctx, &a.account)?;
            let p = s.update_product(code, &patch).await.map_err(provider_err)?;
            if ctx.json {
                print_json(&p);
            } else {
                print_product("Updated", &p);
            }
            Ok(exit::OK)
        }
        SellerCmd::Settle(a) => super::seller_settle::settle(ctx, a).await,
        SellerCmd::Settlements(a) => super::seller_settle::list(ctx, &a.account),
        SellerCmd::Transactions(a) => {
            let q = SalesQuery {
                status: a.status.as_ref().map(|s| s.trim().to_lowercase()),
                start_date: day("--from", &a.from)?,
                end_date: day("--to", &a.to)?,
                page: a.page,
                limit: a.limit,
            };
            check_sales_query(&q).map_err(|e| fail(format!("not sent: {e}")))?;
            let (_, s) = client(ctx, &a.account)?;
            let page = s.sales(&q).await.map_err(provider_err)?;
            if ctx.json {
                print_json(&page);
                return Ok(exit::OK);
            }
            // The ref_id and SN whole, in columns as wide as they are.
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
                    t.timestamp.as_deref().unwrap_or("-"),
                    &t.status,
                    t.code.as_deref().unwrap_or("-"),
                    t.customer_number.as_deref().unwrap_or("-"),
                    &t.price.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                    t.ref_id.as_deref().unwrap_or("-"),
                    t.sn.as_deref().unwrap_or(""),
                ]);
            }
            if !rows.is_empty() {
                print_table(&rows);
            }
            say!(
                "page {}/{}{}",
                page.page,
                page.total_pages,
                page.total
                    .map(|t| format!(", {t} in all"))
                    .unwrap_or_default()
            );
            Ok(exit::OK)
        }
    }
}

//! `bill inquiry|pay`: GoTopUp postpaid bills. `pay` asks the bill first,
//! shows it, and pays only when the total is confirmed (`--yes`, or typing
//! y at the prompt); the payment is a journaled buy (its ref_id written
//! before the request; re-running with the same --idempotency-key replays
//! it, never pays twice), then settles like a top-up (`watch`).

use super::context::Context;
use super::output::{print_json, OrderJson};
use super::scripting::{engine_err, provider_err};
use super::{exit, fail, CliResult};
use crate::domain::bill::{Bill, BILL_SERVICE_PREFIX};
use crate::domain::{idempotency_key, BuyRequest};
use crate::engine::orders::EngineError;
use crate::providers::offered;
use clap::{Args, Subcommand};
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, Args)]
pub struct BillArgs {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    account: String,
    /// Postpaid product code (PLN-PASCABAYAR…).
    #[arg(long)]
    product: String,
    /// Customer, meter or account number.
    #[arg(long)]
    customer: String,
    /// pay: reuse a ref_id to retry a payment safely.
    #[arg(long)]
    idempotency_key: Option<String>,
    /// pay: the total is confirmed; no prompt.
    #[arg(long)]
    yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum BillCmd {
    /// Show what the customer owes.
    Inquiry(BillArgs),
    /// Ask the bill, confirm its total, pay it.
    Pay(BillArgs),
}

fn describe(b: &Bill) -> String {
    format!(
        "{} for {} ({}), period {}: bill {} + admin fee {} = total {}",
        b.product,
        b.customer_number,
        b.customer_name.as_deref().unwrap_or("name not given"),
        b.period.as_deref().unwrap_or("-"),
        b.bill,
        b.admin_fee,
        b.total
    )
}

pub(super) async fn run(ctx: &Context, cmd: &BillCmd) -> CliResult {
    let (BillCmd::Inquiry(a) | BillCmd::Pay(a)) = cmd;
    let acc = ctx.account(&a.account)?;
    let p = ctx.provider(acc)?;
    let customer = a.customer.trim().to_string();
    let bill = offered(p.bills(), "postpaid bills")
        .map_err(provider_err)?
        .inquiry(&a.product, &customer)
        .await
        .map_err(provider_err)?;
    if let BillCmd::Inquiry(_) = cmd {
        if ctx.json {
            print_json(&bill);
        } else {
            say!("{}", describe(&bill));
        }
        return Ok(exit::OK);
    }
    say_err!("{}", describe(&bill));
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(fail(format!(
                "not paid: confirm the total {} with --yes",
                bill.total
            )));
        }
        say_err_part!("Pay {}? [y/N] ", bill.total);
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        if !line.trim().eq_ignore_ascii_case("y") {
            return Err(fail("not paid"));
        }
    }
    let key = a
        .idempotency_key
        .clone()
        .unwrap_or_else(|| idempotency_key(chrono::Utc::now(), rand::random()));
    let req = BuyRequest {
        service_id: format!("{BILL_SERVICE_PREFIX}{}", a.product),
        service_name: format!(
            "{} {} {}",
            a.product,
            bill.customer_name.as_deref().unwrap_or(""),
            bill.period.as_deref().unwrap_or("")
        )
        .trim()
        .to_string(),
        country_id: None,
        country_name: None,
        offer_id: a.product.clone(),
        price: bill.total,
        operator: None,
        idempotency_key: key,
        customer_number: Some(customer),
    };
    let journal = ctx.journal()?;
    // The rules on spending, checked before anything is sent.
    ctx.check_rules(&journal, &acc.name, &req.service_name, req.price, 1)?;
    // With an engine running, it pays (and then polls): one writer.
    let outcome =
        super::engine_client::buy_here_or_there(ctx, p.as_ref(), &journal, &acc.name, req).await?;
    match outcome {
        Ok(order) => {
            let o = &order;
            if ctx.json {
                print_json(&OrderJson::from(o));
            } else {
                say!(
                    "Paid {} for {} on {}: order #{} (ref_id {}), status {}. Follow it with: otpdeck watch --account {} {}",
                    o.price, o.service, o.account, o.id, o.idempotency_key, o.status, o.account, o.id
                );
            }
            Ok(exit::OK)
        }
        Err(EngineError::Ambiguous { order, reason }) => {
            if ctx.json {
                print_json(&OrderJson::from(order.as_ref()));
            }
            Err(fail(format!(
                "no clear reply to the payment ({reason}). Order #{} for {} is kept as UNKNOWN: re-running with --idempotency-key {} is safe",
                order.id, order.price, order.idempotency_key
            )))
        }
        Err(e) => Err(engine_err(e)),
    }
}

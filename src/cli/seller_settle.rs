//! `seller settle` and `seller settlements`. A settlement shows its amount,
//! the estimated fee and net (the doc's example fee, 1%; the doc gives no
//! rule) and is sent only when confirmed (`--yes`, or y at the prompt). It
//! is journaled before and after (engine::seller); `--resume REF` sends one
//! that never left again, with the same ref_id and the journaled amount and
//! bank. An unclear one is never sent again (see engine::seller).

use super::context::Context;
use super::output::{print_json, print_table};
use super::seller::client;
use super::{exit, fail, CliResult};
use crate::app::views::seller::SellerCall;
use crate::domain::columns::{Column, Table};
use crate::domain::seller::*;
use crate::engine::journal::SettlementRow;
use crate::engine::seller::{self, SettleOutcome};
use crate::money::Rupiah;
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, Args)]
pub struct SettleArgs {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    account: String,
    /// Whole rupiah, at least 50000.
    #[arg(long, required_unless_present = "resume", allow_negative_numbers = true, value_parser = super::amount::rupiah)]
    amount: Option<i64>,
    /// Bank code (BCA, BNI, MANDIRI…).
    #[arg(long, required_unless_present = "resume")]
    bank: Option<String>,
    /// The bank account number to pay out to.
    #[arg(long, required_unless_present = "resume")]
    account_number: Option<String>,
    /// Account holder's name.
    #[arg(long, required_unless_present = "resume")]
    account_name: Option<String>,
    /// Your reference; re-running with the same one never withdraws twice.
    #[arg(long)]
    ref_id: Option<String>,
    /// Send again a journaled settlement whose request never left.
    #[arg(long, conflicts_with_all = ["amount", "bank", "account_number", "account_name", "ref_id"])]
    resume: Option<String>,
    /// The amount is confirmed; no prompt.
    #[arg(long)]
    yes: bool,
}

fn money(v: Option<Rupiah>) -> String {
    v.map(|m| m.to_string())
        .unwrap_or_else(|| "not said".into())
}

fn line(r: &SettlementRow) -> String {
    format!(
        "{}  {:<10} {:>12}  fee {:<10} net {:<12} {} {}  {}{}",
        r.ref_id,
        r.status,
        r.amount.to_string(),
        money(r.fee),
        money(r.net_amount),
        r.bank.bank_code,
        r.bank.account_number,
        r.settlement_id.as_deref().unwrap_or("-"),
        r.note
            .as_deref()
            .map(|n| format!("  ({n})"))
            .unwrap_or_default()
    )
}

fn confirm(yes: bool, amount: Rupiah) -> Result<(), super::CliError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(fail(format!(
            "not sent: confirm the settlement of {amount} with --yes"
        )));
    }
    say_err_part!("Settle {amount}? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut l = String::new();
    let _ = std::io::stdin().lock().read_line(&mut l);
    if l.trim().eq_ignore_ascii_case("y") {
        Ok(())
    } else {
        Err(fail("not sent"))
    }
}

pub(super) async fn settle(ctx: &Context, a: &SettleArgs) -> CliResult {
    let journal = ctx.journal()?;
    let outcome = if let Some(ref_id) = &a.resume {
        let (name, s) = client(ctx, &a.account)?;
        let row = journal
            .settlement(&name, ref_id)
            .map_err(|e| fail(e.to_string()))?
            .ok_or_else(|| {
                fail(format!(
                    "no settlement {ref_id} in the journal for '{name}'"
                ))
            })?;
        if !seller::replayable(&row.status) {
            let why = if seller::unsettled(&row.status) {
                "it may have paid out, and GoTopUp documents no safe repeat: it is settled by the provider's settlement.completed push; check the seller dashboard, never settle it again by hand"
            } else {
                "only one whose request never left is sent again"
            };
            return Err(fail(format!(
                "settlement {ref_id} is {}: not sent; {why}\n{}",
                row.status,
                line(&row)
            )));
        }
        say_err!("{}", settlement_summary(&row.request()));
        confirm(a.yes, row.amount)?;
        // With an engine running, it sends: one writer.
        match super::engine_client::engine(ctx).await {
            Some(link) => {
                let call = SellerCall::Resume {
                    ref_id: ref_id.clone(),
                };
                super::engine_client::seller_settle(link, &name, call).await?
            }
            None => seller::resume(&journal, &s, &name, ref_id).await,
        }
    } else {
        let req = SettlementRequest {
            amount: Rupiah(a.amount.unwrap_or_default()),
            bank: BankAccount::typed(
                a.bank.as_deref().unwrap_or_default(),
                a.account_number.as_deref().unwrap_or_default(),
                a.account_name.as_deref().unwrap_or_default(),
            ),
            ref_id: a.ref_id.clone().unwrap_or_else(|| {
                crate::domain::idempotency_key(chrono::Utc::now(), rand::random())
            }),
        };
        check_settlement(&req).map_err(|e| fail(format!("not sent: {e}")))?;
        let (name, s) = client(ctx, &a.account)?;
        say_err!("{}", settlement_summary(&req));
        confirm(a.yes, req.amount)?;
        match super::engine_client::engine(ctx).await {
            Some(link) => {
                let call = SellerCall::Settle(req);
                super::engine_client::seller_settle(link, &name, call).await?
            }
            None => seller::settle(&journal, &s, &name, &req).await,
        }
    }
    .map_err(fail)?;
    if ctx.json {
        print_json(outcome.row());
    }
    let row = outcome.row();
    match &outcome {
        SettleOutcome::Sent(_) | SettleOutcome::Already(_) => {
            if !ctx.json {
                let what = if matches!(outcome, SettleOutcome::Already(_)) {
                    "Already requested (nothing sent)"
                } else {
                    "Requested"
                };
                say!("{what}: {}", line(row));
            }
            Ok(exit::OK)
        }
        SettleOutcome::Unclear(_) => Err(fail(format!(
            "no clear reply to settlement {} of {} ({}). It is kept as UNCLEAR, not failed: it may have paid out, and it is never sent again. The provider's settlement.completed push settles it; check the seller dashboard before settling that amount again",
            row.ref_id,
            row.amount,
            row.note.as_deref().unwrap_or("no reply"),
        ))),
        SettleOutcome::Refused(_) => Err(fail(format!(
            "settlement {} not made: {}",
            row.ref_id,
            row.note.as_deref().unwrap_or("refused")
        ))),
    }
}

pub(super) fn list(ctx: &Context, account: &str) -> CliResult {
    let acc = ctx.account(account)?;
    let rows = ctx
        .journal()?
        .settlements(Some(&acc.name))
        .map_err(|e| fail(e.to_string()))?;
    if ctx.json {
        print_json(&rows);
    } else if rows.is_empty() {
        say!("No settlements journaled for '{}'.", acc.name);
    } else {
        // Columns as wide as what they hold: the ref_id, the amounts and
        // the bank account whole.
        let mut t = Table::new(vec![
            Column::value("ref_id"),
            Column::value("status"),
            Column::value("amount").right(),
            Column::value("fee").right(),
            Column::value("net").right(),
            Column::value("bank"),
            Column::value("settlement"),
            Column::value("note"),
        ])
        .gap(2);
        for r in &rows {
            t.push([
                r.ref_id.clone(),
                r.status.clone(),
                r.amount.to_string(),
                money(r.fee),
                money(r.net_amount),
                format!("{} {}", r.bank.bank_code, r.bank.account_number),
                r.settlement_id.clone().unwrap_or_else(|| "-".into()),
                r.note.clone().unwrap_or_default(),
            ]);
        }
        print_table(&t);
    }
    Ok(exit::OK)
}

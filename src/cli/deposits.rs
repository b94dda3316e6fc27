//! `otpdeck deposit create|status|cancel|watch` and `otpdeck deposits`:
//! money into an account, through `engine::deposits`, the same code the
//! dashboard uses. `create` draws the QR code on stdout (or prints the
//! payload with `--json`).

use super::context::Context;
use super::output::{print_json, print_table};
use super::{exit, fail, CliError, CliResult};
use crate::domain::columns::{pad, width, Align, Column, Table};
use crate::domain::{
    check_deposit, idempotency_key, Deposit, DepositMethod, DepositRequest, DepositStatus,
};
use crate::engine::deposits::{self, DepositError};
use crate::engine::journal::Journal;
use crate::engine::poller::{PollOutcome, PollSchedule, PollTiming};
use crate::money::Rupiah;
use crate::ui::qr::Modules;
use clap::Subcommand;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

#[derive(Debug, Subcommand)]
pub enum DepositCmd {
    /// Creates a deposit invoice and shows how to pay it.
    Create {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Whole rupiah to credit.
        #[arg(long, allow_negative_numbers = true, value_parser = super::amount::rupiah)]
        amount: i64,
        /// qris (default) or usdt-trc-20 (GateOTP).
        #[arg(long)]
        method: Option<String>,
        /// Re-use a key to retry a create safely (OTPZap, GoTopUp).
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// Asks the provider where a deposit stands.
    Status {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local deposit number or the provider's deposit id.
        id: String,
    },
    /// Cancels a pending deposit (GateOTP).
    Cancel {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local deposit number or the provider's deposit id.
        id: String,
    },
    /// Polls until the deposit is paid (exit 0), ends otherwise (3) or
    /// `--timeout` passes (4).
    Watch {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local deposit number or the provider's deposit id.
        id: String,
        /// Give up after this long (e.g. 10m); exit 4.
        #[arg(long, value_parser = humantime::parse_duration)]
        timeout: Option<Duration>,
    },
}

fn deposit_err(e: DepositError) -> CliError {
    fail(e.to_string())
}

fn find(journal: &Journal, account: &str, id: &str) -> Result<Deposit, CliError> {
    journal
        .find_deposit(account, id)
        .map_err(|e| fail(e.to_string()))?
        .ok_or_else(|| {
            fail(format!(
                "no deposit '{id}' for account '{account}' in the journal (see `otpdeck deposits`)"
            ))
        })
}

/// One line about a deposit, for people.
pub fn deposit_line(d: &Deposit) -> String {
    let mut s = format!(
        "#{} {} {} {} {}",
        d.id,
        d.account,
        d.amount,
        d.method.as_str(),
        d.status
    );
    if let Some(t) = d.total.filter(|t| *t != d.amount) {
        s.push_str(&format!(" (pay {t})"));
    }
    if let Some(c) = d.credited {
        s.push_str(&format!(", credited {c}"));
    }
    if let Some(p) = &d.paid_with {
        s.push_str(&format!(" via {p}"));
    }
    if let Some(n) = &d.note {
        s.push_str(&format!(" — {n}"));
    }
    s
}

/// The payment details the API sent beyond the documented fields (a USDT
/// invoice's address and amount), one a line, labelled by the API's key
/// and whole.
pub fn extras_lines(d: &Deposit) -> Vec<String> {
    let w = d.extras.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    d.extras
        .iter()
        .map(|(k, v)| format!("{}  {v}", pad(k, w, Align::Left)))
        .collect()
}

fn show(ctx: &Context, d: &Deposit) {
    if ctx.json {
        print_json(d);
    } else {
        say!("{}", deposit_line(d));
        for l in extras_lines(d) {
            say!("{l}");
        }
    }
}

pub(super) async fn run(ctx: &Context, cmd: &DepositCmd) -> CliResult {
    match cmd {
        DepositCmd::Create {
            account,
            amount,
            method,
            idempotency_key: key,
        } => create(ctx, account, *amount, method.as_deref(), key.clone()).await,
        DepositCmd::Status { account, id } => {
            let acc = ctx.account(account)?;
            let p = ctx.provider(acc)?;
            let journal = ctx.journal()?;
            let d = find(&journal, &acc.name, id)?;
            let d = deposits::refresh(p.as_ref(), &journal, &d)
                .await
                .map_err(deposit_err)?;
            show(ctx, &d);
            Ok(exit::OK)
        }
        DepositCmd::Cancel { account, id } => {
            let acc = ctx.account(account)?;
            let p = ctx.provider(acc)?;
            let journal = ctx.journal()?;
            let d = find(&journal, &acc.name, id)?;
            // With an engine running, it cancels: one writer.
            let d = match super::engine_client::engine(ctx).await {
                Some(link) => super::engine_client::cancel_deposit(link, &d)
                    .await?
                    .map_err(fail)?,
                None => deposits::cancel(p.as_ref(), &journal, &d)
                    .await
                    .map_err(deposit_err)?,
            };
            show(ctx, &d);
            Ok(exit::OK)
        }
        DepositCmd::Watch {
            account,
            id,
            timeout,
        } => watch(ctx, account, id, *timeout).await,
    }
}

async fn create(
    ctx: &Context,
    account: &str,
    amount: i64,
    method: Option<&str>,
    key: Option<String>,
) -> CliResult {
    let acc = ctx.account(account)?;
    let method = match method {
        Some(m) => Some(DepositMethod::parse(m).ok_or_else(|| {
            fail(format!(
                "--method {m}: not a deposit method (qris, usdt-trc-20)"
            ))
        })?),
        None => None,
    };
    // Refused before anything is sent, with the reason.
    let method = check_deposit(acc.provider, Rupiah(amount), method).map_err(fail)?;
    let p = ctx.provider(acc)?;
    let journal = ctx.journal()?;
    let req = DepositRequest {
        amount: Rupiah(amount),
        method,
        key: key.unwrap_or_else(|| idempotency_key(chrono::Utc::now(), rand::random())),
    };
    // With an engine running, it creates the invoice and watches it.
    let made = match super::engine_client::engine(ctx).await {
        Some(link) => match super::engine_client::create_deposit(link, &acc.name, req).await? {
            Ok(d) if d.status == DepositStatus::Unknown => Err(DepositError::Unclear {
                deposit: Box::new(d),
                reason: "the engine got no clear reply".into(),
            }),
            Ok(d) => Ok(d),
            Err(why) => return Err(fail(format!("no deposit: {why}"))),
        },
        None => deposits::create(p.as_ref(), &journal, &acc.name, &req).await,
    };
    let d = match made {
        Ok(d) => d,
        Err(DepositError::Unclear { deposit, reason }) => {
            if ctx.json {
                print_json(&*deposit);
            }
            return Err(fail(format!(
                "no clear reply to the deposit ({reason}); deposit #{} is kept as UNKNOWN: check the provider before creating another (key {})",
                deposit.id, deposit.key
            )));
        }
        Err(e) => return Err(deposit_err(e)),
    };
    if ctx.json {
        print_json(&d);
        return Ok(exit::OK);
    }
    say!("{}", deposit_line(&d));
    for l in extras_lines(&d) {
        say!("{l}");
    }
    if let Some(payment) = d
        .payment
        .as_deref()
        .filter(|_| d.status == DepositStatus::Pending)
    {
        match Modules::of(payment) {
            // Our own colours, only for a terminal; a file gets the
            // blocks alone.
            Ok(m) if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() => {
                print!("{}", m.ansi())
            }
            Ok(m) => m.rows().iter().for_each(|r| println!("{r}")),
            Err(e) => say_err!("otpdeck: {e}"),
        }
        // A terminal that knows OSC 8 shows a payment page as a link.
        if payment.starts_with("http") && std::io::stdout().is_terminal() {
            // The link's escapes are ours; the URL inside is made visible.
            let p = crate::domain::text::visible(payment);
            println!("\x1b]8;;{p}\x1b\\{p}\x1b]8;;\x1b\\");
        } else {
            say!("{payment}");
        }
        let before = d
            .expires_at
            .map(|e| {
                e.with_timezone(&chrono::Local)
                    .format("%H:%M:%S")
                    .to_string()
            })
            .unwrap_or_else(|| "it expires".into());
        match d.total {
            // The payer sends USDT, not rupiah: the rupiah figure is how
            // GateOTP counts it.
            Some(t) if d.method == DepositMethod::UsdtTrc20 && !d.extras.is_empty() => say!(
                "Send the USDT above from a TRC-20 (TRON) wallet before {before} (GateOTP counts it as {t})."
            ),
            Some(t) if d.method == DepositMethod::UsdtTrc20 => say!(
                "Pay in USDT from a TRC-20 (TRON) wallet before {before}; GateOTP gave only the rupiah total, {t} (its doc names no USDT amount)."
            ),
            Some(t) => say!("Pay {t} before {before}."),
            None => {}
        }
        say!(
            "`otpdeck deposit watch --account {} {}` waits for the payment.",
            acc.name,
            d.id
        );
    }
    Ok(exit::OK)
}

async fn watch(ctx: &Context, account: &str, id: &str, timeout: Option<Duration>) -> CliResult {
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let journal = ctx.journal()?;
    let mut d = find(&journal, &acc.name, id)?;
    let started = Instant::now();
    let mut schedule = PollSchedule::new(PollTiming::from_env());
    let mut wait = schedule.first(rand::random());
    loop {
        if d.status.is_final() {
            show(ctx, &d);
            return Ok(if d.status == DepositStatus::Success {
                exit::OK
            } else {
                exit::NO_OTP
            });
        }
        if d.provider_id.is_none() {
            return Err(fail(format!(
                "deposit #{} is {} and has no provider id: check the provider",
                d.id, d.status
            )));
        }
        if timeout.is_some_and(|t| started.elapsed() + wait > t) {
            show(ctx, &d);
            return Ok(exit::TIMEOUT);
        }
        tokio::time::sleep(wait).await;
        match deposits::refresh(p.as_ref(), &journal, &d).await {
            Ok(next) => {
                d = next;
                wait = schedule.after(PollOutcome::Answered, rand::random());
            }
            Err(DepositError::Provider(e)) if e.is_transient() => {
                say_err!("otpdeck: {e} (retrying)");
                wait = schedule.after(PollOutcome::failed(&e), rand::random());
            }
            Err(e) => return Err(deposit_err(e)),
        }
    }
}

/// `otpdeck deposits`: the journal's deposits, newest first.
pub(super) fn list(ctx: &Context, account: Option<&str>) -> CliResult {
    let journal = ctx.journal()?;
    let list = journal
        .deposits(account, false, 500)
        .map_err(|e| fail(e.to_string()))?;
    if ctx.json {
        print_json(&list);
    } else if list.is_empty() {
        say!("No deposits yet.");
    } else {
        print_table(&deposits_table(&list));
    }
    Ok(exit::OK)
}

/// The deposits for people: amounts in columns as wide as the widest, so
/// `Rp 999.999.999.999` never runs into the next one.
fn deposits_table(list: &[Deposit]) -> Table {
    let money = |m: Option<Rupiah>| m.map_or("-".into(), |x| x.to_string());
    let mut t = Table::new(vec![
        Column::value("#"),
        Column::value("account"),
        Column::value("amount").right(),
        Column::value("pay").right(),
        Column::value("method"),
        Column::value("status"),
        Column::value("credited").right(),
        Column::value("via"),
        Column::value("note"),
    ])
    .gap(2);
    for d in list {
        t.push([
            format!("#{}", d.id),
            d.account.clone(),
            d.amount.to_string(),
            money(d.total),
            d.method.as_str().to_string(),
            d.status.to_string(),
            money(d.credited),
            d.paid_with.clone().unwrap_or_default(),
            d.note.clone().unwrap_or_default(),
        ]);
    }
    t
}

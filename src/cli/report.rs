//! `otpdeck report --account A --type T [--from D] [--to D] --format
//! json|csv [--output FILE]`: a GoTopUp report, the buyer's or (for
//! `role = "seller"`) the seller's. The kind and range are checked before
//! anything is sent (`domain::report`). JSON prints the report; CSV writes
//! its rows (or, with none, its summary) with the csv crate, to FILE or
//! stdout, and says the summary on stderr.

use super::context::Context;
use super::output::print_json;
use super::scripting::provider_err;
use super::{exit, fail, CliError, CliResult};
use crate::domain::report::{Report, ReportKind, ReportQuery};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    account: String,
    /// transaction, purchase or deposit (buyer); transaction, sales or
    /// product (seller).
    #[arg(long = "type")]
    kind: String,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: Option<String>,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    to: Option<String>,
    /// json or csv.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Write here instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
}

fn day(flag: &str, v: &Option<String>) -> Result<Option<NaiveDate>, CliError> {
    crate::domain::history::parse_opt_day(flag, v.as_deref())
        .map_err(|e| fail(format!("not sent: {e}")))
}

pub async fn run(ctx: &Context, a: &ReportArgs) -> CliResult {
    let acc = super::api_config::gotopup_account(ctx, &a.account, "reports are GoTopUp's")?;
    let seller = acc.role.is_seller();
    let q = ReportQuery {
        kind: ReportKind::parse(&a.kind).map_err(|e| fail(format!("not sent: {e}")))?,
        from: day("--from", &a.from)?,
        to: day("--to", &a.to)?,
    };
    q.check(seller)
        .map_err(|e| fail(format!("not sent: {e}")))?;
    let api = super::api_config::key_api(acc)?;
    let report = api.report(&q).await.map_err(provider_err)?;
    match a.format {
        Format::Json => match &a.output {
            Some(path) => {
                let text = serde_json::to_string_pretty(&report).unwrap_or_default();
                std::fs::write(path, text + "\n")
                    .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
                say_err_part!("{}", summary_text(&report));
            }
            None => print_json(&report),
        },
        Format::Csv => {
            write_csv(&report, a.output.as_ref())?;
            say_err_part!("{}", summary_text(&report));
        }
    }
    Ok(exit::OK)
}

fn write_csv(r: &Report, to: Option<&PathBuf>) -> Result<(), CliError> {
    let (header, rows) = r.table();
    let sink: Box<dyn std::io::Write> = match to {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    // To a terminal, each cell made visible (a provider's text may carry
    // escapes); to a file, the cells as they are (csv quotes them).
    let tty = to.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let mut w = csv::Writer::from_writer(sink);
    let err = |e: csv::Error| fail(format!("cannot write the CSV: {e}"));
    w.write_record(&header).map_err(err)?;
    for row in &rows {
        if tty {
            w.write_record(
                row.iter()
                    .map(|c| crate::domain::text::visible(c).into_owned()),
            )
            .map_err(err)?;
        } else {
            w.write_record(row).map_err(err)?;
        }
    }
    w.flush()
        .map_err(|e| fail(format!("cannot write the CSV: {e}")))
}

/// The figures, one a line, for a person.
fn summary_text(r: &Report) -> String {
    let mut out = format!(
        "{} report, {} to {}: {} rows\n",
        r.kind,
        r.start_date.as_deref().unwrap_or("the start"),
        r.end_date.as_deref().unwrap_or("today"),
        r.rows.len()
    );
    for (k, v) in &r.summary {
        out.push_str(&format!("  {k:<22} {v}\n"));
    }
    out
}

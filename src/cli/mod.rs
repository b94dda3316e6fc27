//! The command line: the dashboard by default, `demo`, `sim`, and the
//! scripting commands. Each command prints human text, or stable JSON with
//! `--json`; errors go to stderr as one sentence with a non-zero exit.

#[macro_use]
mod say;

mod accounts;
mod amount;
mod api_config;
mod balance;
mod best;
mod bills;
mod buy;
mod catalog;
mod context;
mod dashboard;
mod deposits;
mod email;
mod engine;
mod engine_client;
mod history;
mod orders;
mod output;
mod report;
mod scripting;
mod seller;
mod seller_settle;
mod simulate;
mod stats;
mod watch;
mod watch_push;
mod webhook;
mod webhook_url;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub use context::Context;

/// Exit codes scripts can rely on.
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERROR: u8 = 1;
    pub const USAGE: u8 = 2;
    /// `watch`: the order ended without an OTP (cancelled, expired, failed);
    /// a finished order is a success (0) even without an OTP or SN.
    pub const NO_OTP: u8 = 3;
    /// `watch`: --timeout passed first.
    pub const TIMEOUT: u8 = 4;
    /// `cancel` / `resend` / `finish` / `replace`: the provider allows it only after a
    /// cooldown (OTPZap's 2-minute cancel, resend until the new OTP); the
    /// message says how many seconds.
    pub const COOLDOWN: u8 = 5;
}

#[derive(Debug, Parser)]
#[command(
    name = "otpdeck",
    version,
    about = "One terminal dashboard for every OTP and top-up provider account"
)]
pub struct Cli {
    /// Config file (default: $XDG_CONFIG_HOME/otpdeck/config.toml).
    #[arg(long, global = true, env = "OTPDECK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the journal and logs live (default: the XDG data dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print stable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Open the dashboard through CMD, which speaks to an engine on its
    /// stdin/stdout (`ssh vps otpdeck attach --stdio`; `ssh://user@host`
    /// is short for that). Keys and secrets stay on the engine's machine.
    #[arg(long, value_name = "CMD")]
    pub remote: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the dashboard against the built-in simulator: no keys, no network.
    Demo,
    /// Run the engine (orders, pushes, rules, deposits) with no dashboard,
    /// until SIGTERM; dashboards and scripts attach to it.
    Serve,
    /// Open a dashboard on the running engine.
    Attach {
        /// Speak the engine's protocol on stdin/stdout instead (for
        /// `otpdeck --remote 'ssh host otpdeck attach --stdio'`).
        #[arg(long)]
        stdio: bool,
    },
    /// Run the simulator of all four APIs on a loopback port.
    Sim(simulate::SimArgs),
    /// List the configured accounts.
    Accounts,
    /// Show balances.
    Balance {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: Option<String>,
    },
    /// Browse services, their countries and offers.
    Catalog {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Service id or name (whatsapp, wa, telegram…).
        #[arg(long)]
        service: Option<String>,
        /// Country id, name, ISO or dial code (indonesia, id, +62…).
        #[arg(long)]
        country: Option<String>,
    },
    /// Buy a number (or, for GoTopUp, a top-up).
    Buy(buy::BuyArgs),
    /// The provider's own transaction history (GoTopUp), newest first.
    History(history::HistoryArgs),
    /// GoTopUp postpaid bills: inquiry, or pay after confirming the total.
    #[command(subcommand)]
    Bill(bills::BillCmd),
    /// GoTopUp seller accounts: products, settlements, sales.
    #[command(subcommand)]
    Seller(seller::SellerCmd),
    /// Wait for an order's OTP (or top-up SN) and print it.
    Watch {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
        /// Give up after this long (e.g. 90s, 5m); default: the order's own expiry.
        #[arg(long, value_parser = humantime::parse_duration)]
        timeout: Option<std::time::Duration>,
    },
    /// Cancel an order (refunded by the provider).
    Cancel {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
    },
    /// Mark an order finished.
    Finish {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
    },
    /// Ask for another SMS on the same number.
    Resend {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
    },
    /// Swap an order's number for a fresh one at the same price (OTPZap
    /// Server 1); the old order is cancelled and refunded.
    Replace {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
    },
    /// Settle an UNKNOWN order by hand, once you have checked the provider:
    /// it was charged (optionally with its number) or it was not.
    Resolve {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
        /// The provider charged it: a closed order with its amount spent.
        #[arg(
            long,
            conflicts_with = "not_charged",
            required_unless_present = "not_charged"
        )]
        charged: bool,
        /// The provider did not charge it: closed, nothing spent.
        #[arg(long)]
        not_charged: bool,
        /// The number the provider shows for it (with --charged).
        #[arg(long, requires = "charged")]
        number: Option<String>,
    },
    /// List orders from the journal, with their OTPs.
    Orders {
        /// Only orders still running (waiting, OTP received, UNKNOWN).
        #[arg(long)]
        active: bool,
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: Option<String>,
    },
    /// One service and country across every OTP account, cheapest first,
    /// with your own delivery record per offer.
    Best {
        /// Service id or name (whatsapp, wa, telegram…).
        #[arg(long)]
        service: String,
        /// Country id, name, ISO or dial code (indonesia, id, +62…).
        #[arg(long)]
        country: String,
    },
    /// Your own delivery statistics from the journal.
    Stats {
        /// How far back (e.g. 30d, 12h).
        #[arg(long, value_parser = humantime::parse_duration, default_value = "30d")]
        since: std::time::Duration,
        /// provider, offer, service or country.
        #[arg(long, default_value = "offer")]
        by: String,
        /// Comma-separated values instead of a table.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// Money into an account: create, status, cancel, watch.
    #[command(subcommand)]
    Deposit(deposits::DepositCmd),
    /// OTPZap Server 3 email OTP: sites, domains, buy, check, reorder,
    /// cancel, finish.
    #[command(subcommand)]
    Email(email::EmailCmd),
    /// A GoTopUp report (transactions, purchases, deposits; a seller's
    /// sales and products) as JSON or CSV.
    Report(report::ReportArgs),
    /// GoTopUp API settings (webhook URL, IP whitelist, rate limit): get or set.
    #[command(subcommand)]
    ApiConfig(api_config::ApiConfigCmd),
    /// OTPZap webhook settings: get, or set (the secret is shown once).
    #[command(subcommand)]
    Webhook(webhook::WebhookCmd),
    /// List the journal's deposits.
    Deposits {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: Option<String>,
    },
    /// Print the config, data, state and log paths in use.
    Info,
    /// Print the path to register as an account's webhook URL.
    WebhookUrl {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
    },
    /// Run many orders against the in-process simulator and check the books.
    Soak {
        /// Inject faults into about --fault-rate of all requests.
        #[arg(long)]
        chaos: bool,
        /// How many orders to place.
        #[arg(long, default_value_t = 2000)]
        orders: usize,
        /// Share of requests that get a fault (0 to 1).
        #[arg(long, default_value_t = 0.2)]
        fault_rate: f64,
        /// Orders in flight at once.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
        /// Run the real dashboard headless this long at the real poll
        /// cadence and report timings (poll intervals, OTP latency, CPU,
        /// peak RSS) besides the books; without it, the fast correctness run.
        #[arg(long)]
        seconds: Option<u64>,
        /// NEXOTP accounts the timing soak spreads its orders over.
        #[arg(long, default_value_t = 4)]
        accounts: usize,
    },
}

/// Runs the command line; never panics on user input.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // `otpdeck orders --json | head` must end quietly when the reader goes,
    // as other command-line tools do, not panic on the closed pipe. Not
    // for what serves others (the engine, a dashboard hosting it, the
    // simulator): a screen or client going away must not end them.
    let serves = matches!(
        cli.command,
        None | Some(
            Command::Serve
                | Command::Attach { .. }
                | Command::Demo
                | Command::Sim(_)
                | Command::Soak { .. }
        )
    );
    #[cfg(unix)]
    if !serves {
        // SAFETY: called before the async runtime or any thread starts;
        // restoring the default action of SIGPIPE touches no Rust state.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            say_err!("otpdeck: cannot start the async runtime: {e}");
            return ExitCode::from(exit::ERROR);
        }
    };
    let code = runtime.block_on(run(cli));
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(code)
}

async fn run(cli: Cli) -> u8 {
    let result = match &cli.command {
        Some(Command::Sim(args)) => simulate::sim(args).await,
        Some(Command::Demo) => dashboard::demo(&cli).await,
        Some(Command::Soak {
            chaos,
            orders,
            fault_rate,
            concurrency,
            seconds,
            accounts,
        }) => match seconds {
            Some(s) => simulate::timing_soak(*chaos, *orders, *fault_rate, *s, *accounts).await,
            None => simulate::soak(*chaos, *orders, *fault_rate, *concurrency).await,
        },
        Some(Command::Serve) => engine::serve(&cli).await,
        Some(Command::Attach { stdio }) => engine::attach(&cli, *stdio).await,
        None => match &cli.remote {
            Some(target) => engine::remote(&cli, target).await,
            None => dashboard::dashboard(&cli).await,
        },
        Some(cmd) => scripting::run(&cli, cmd).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            say_err!("otpdeck: {e}");
            e.code
        }
    }
}

/// An error for the user: one sentence and an exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: u8,
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub fn fail(msg: impl Into<String>) -> CliError {
    CliError {
        message: msg.into(),
        code: exit::ERROR,
    }
}

impl<E: std::fmt::Display> From<E> for CliError
where
    E: Into<Box<dyn std::error::Error>>,
{
    fn from(e: E) -> Self {
        fail(e.to_string())
    }
}

pub type CliResult = Result<u8, CliError>;

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every flag and argument of every command says what it is for.
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                if matches!(id, "help" | "version") || a.is_hide_set() {
                    continue;
                }
                if a.get_help().is_none() && a.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        let mut missing = Vec::new();
        walk(&cmd, "otpdeck", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:#?}");
    }
}

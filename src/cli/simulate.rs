//! `otpdeck sim` (the simulator on a loopback port) and `otpdeck demo`.

use super::{exit, fail, CliResult};
use crate::sim::{self, faults::Faults, SimOptions};
use clap::Args;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Loopback address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Time from a buy to its OTP (e.g. 5s).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "6s")]
    otp_delay: Duration,
    /// Lifetime of an OTP order.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "20m")]
    order_lifetime: Duration,
    /// OTPZap's cancel cooldown.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "2m")]
    cancel_cooldown: Duration,
    /// Starting balance of each simulated wallet, in rupiah.
    #[arg(long, default_value_t = 500_000)]
    balance: i64,
    /// A deposit invoice is paid this long after it was made.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "8s")]
    deposit_paid_after: Duration,
    /// An unpaid deposit invoice expires after this long.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30m")]
    deposit_lifetime: Duration,
    /// Faults to inject: comma-separated API:PATH:FAULT[=P], e.g.
    /// `otpzap:/order/create:lose=0.1,*:*:503=0.05` (see README).
    #[arg(long)]
    faults: Option<String>,
    /// Price one account differently: KEY=PERCENT (an API key and the
    /// percent added, negative for cheaper; NEXOTP and GateOTP), repeatable.
    #[arg(long = "price", value_name = "KEY=PERCENT", value_parser = parse_price)]
    prices: Vec<(String, i64)>,
    /// Make one API slower to deliver: API=DURATION (e.g. nexotp=12s).
    #[arg(long = "slower", value_name = "API=DURATION", value_parser = parse_slower)]
    slower: Vec<(crate::sim::faults::Api, Duration)>,
    /// Push one key's events (OTPZap orders and top-ups, GoTopUp top-ups,
    /// Otomax callbacks and settlements) to a URL, signed with
    /// --push-secret (the Otomax callback goes unsigned, as the real one):
    /// KEY=URL, e.g. sim-zap=http://127.0.0.1:8787/webhook/zap.
    #[arg(long = "push", value_name = "KEY=URL", value_parser = parse_push, requires = "push_secret")]
    push: Vec<(String, String)>,
    /// The webhook secret pushes are signed with (X-Signature, hex
    /// HMAC-SHA256): the account's webhook_secret in otpdeck's config.
    #[arg(long)]
    push_secret: Option<String>,
    /// What a spending request repeated under a used key or ref_id does:
    /// documented (each API as documented), original (the first result
    /// comes back), refused (409 "already used"), buys-again (no dedup).
    #[arg(long, value_parser = parse_repeat, default_value = "documented")]
    repeat: crate::sim::RepeatMode,
    /// A hostile provider: every name, message and OTP carries terminal
    /// escapes (a clipboard write, a title, a screen clear).
    #[arg(long)]
    hostile: bool,
    /// Print each request's API, method and path on stderr (to see how
    /// often a client polls).
    #[arg(long)]
    log_requests: bool,
    /// Print a config with one account per API on this simulator (a fixed
    /// --listen port) and exit: `otpdeck --config FILE …` then works
    /// against `otpdeck sim --listen` on the same address.
    #[arg(long)]
    print_config: bool,
}

/// A config for the CLI and the dashboard against a simulator on `at`.
fn config_for(at: SocketAddr) -> String {
    let base = format!("http://{at}");
    format!(
        "# otpdeck against `otpdeck sim --listen {at}`: any key starting with\n\
         # 'sim-' is valid and has its own wallet.\n\n\
         [[accounts]]\nname = \"gate\"\nprovider = \"gateotp\"\nbase_url = \"{base}/gateotp\"\napi_key = \"sim-gate\"\n\n\
         [[accounts]]\nname = \"nex\"\nprovider = \"nexotp\"\nbase_url = \"{base}/nexotp\"\napi_key = \"sim-nex\"\n\n\
         [[accounts]]\nname = \"zap\"\nprovider = \"otpzap\"\nbase_url = \"{base}/otpzap/api/v1\"\napi_key = \"sim-zap\"\n\n\
         [[accounts]]\nname = \"pulsa\"\nprovider = \"gotopup\"\nbase_url = \"{base}/gotopup\"\napi_key = \"sim-pulsa\"\n"
    )
}

fn parse_repeat(s: &str) -> Result<crate::sim::RepeatMode, String> {
    use crate::sim::RepeatMode::*;
    match s.trim() {
        "documented" => Ok(Documented),
        "original" => Ok(Original),
        "refused" => Ok(RefusedAsUsed),
        "buys-again" => Ok(BuysAgain),
        o => Err(format!(
            "'{o}': documented, original, refused or buys-again"
        )),
    }
}

fn parse_push(s: &str) -> Result<(String, String), String> {
    let (k, u) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}': give KEY=URL"))?;
    let u = u.trim();
    if !(u.starts_with("http://") || u.starts_with("https://")) {
        return Err(format!("'{u}' is not an http(s) URL"));
    }
    Ok((k.trim().to_string(), u.to_string()))
}

fn parse_price(s: &str) -> Result<(String, i64), String> {
    let (k, p) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("'{s}': give KEY=PERCENT"))?;
    let pct: i64 = p
        .trim()
        .parse()
        .map_err(|_| format!("'{p}' is not a whole percent"))?;
    if !(-90..=500).contains(&pct) {
        return Err(format!("{pct}%: give a percent from -90 to 500"));
    }
    Ok((k.trim().to_string(), pct))
}

fn parse_slower(s: &str) -> Result<(crate::sim::faults::Api, Duration), String> {
    let (a, d) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}': give API=DURATION"))?;
    let api = crate::sim::faults::Api::parse(a).ok_or_else(|| format!("no API '{a}'"))?;
    let d = humantime::parse_duration(d.trim()).map_err(|e| format!("'{d}': {e}"))?;
    Ok((api, d))
}

pub async fn sim(args: &SimArgs) -> CliResult {
    if args.print_config {
        if args.listen.port() == 0 {
            return Err(fail(
                "--print-config needs a fixed port: --listen 127.0.0.1:8900, the same as the simulator's",
            ));
        }
        print!("{}", config_for(args.listen));
        return Ok(exit::OK);
    }
    let rules = match &args.faults {
        Some(spec) => Faults::parse_spec(spec).map_err(|e| fail(format!("--faults: {e}")))?,
        None => Vec::new(),
    };
    let opts = SimOptions {
        otp_delay: args.otp_delay,
        order_lifetime: args.order_lifetime,
        cancel_cooldown: args.cancel_cooldown,
        initial_balance: crate::money::Rupiah(args.balance),
        deposit_paid_after: args.deposit_paid_after,
        deposit_lifetime: args.deposit_lifetime,
        price_percent: args.prices.clone(),
        slower: args.slower.clone(),
        push: args
            .push
            .iter()
            .map(|(key, url)| crate::sim::push::PushTarget {
                key: key.clone(),
                url: url.clone(),
                secret: args.push_secret.clone().unwrap_or_default(),
            })
            .collect(),
        repeat: args.repeat,
        hostile: args.hostile,
        log_requests: args.log_requests,
    };
    let handle = sim::start(args.listen, opts).await.map_err(|e| {
        fail(format!(
            "cannot start the simulator on {}: {e}",
            args.listen
        ))
    })?;
    for r in rules {
        handle.states.faults.push(r);
    }
    let urls = serde_json::to_string(&handle.urls).map_err(|e| fail(e.to_string()))?;
    say!("{urls}");
    let _ = std::io::stdout().flush();
    say_err!("otpdeck: simulator listening on {}; any API key starting with 'sim-' works. Ctrl-C stops it.", handle.addr);
    let _ = tokio::signal::ctrl_c().await;
    handle.stop().await;
    Ok(exit::OK)
}

/// `otpdeck soak [--chaos]`: the chaos scenario at a larger scale; prints
/// its figures as JSON and exits 1 if the books do not balance.
pub async fn soak(chaos: bool, orders: usize, fault_rate: f64, concurrency: usize) -> CliResult {
    use crate::engine::journal::Journal;
    use crate::sim::soak::{run_chaos, ChaosOptions};
    if !(0.0..=1.0).contains(&fault_rate) {
        return Err(fail("--fault-rate must be between 0 and 1"));
    }
    let dir = std::env::temp_dir().join(format!("otpdeck-soak-{}", std::process::id()));
    let journal = Journal::open(&dir.join("journal.sqlite3")).map_err(|e| fail(e.to_string()))?;
    let opts = ChaosOptions {
        orders,
        fault_rate: if chaos { fault_rate } else { 0.0 },
        concurrency,
        ..Default::default()
    };
    let report = run_chaos(&opts, std::sync::Arc::new(journal))
        .await
        .map_err(fail)?;
    say!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| fail(e.to_string()))?
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(if report.clean() {
        exit::OK
    } else {
        exit::ERROR
    })
}

/// `otpdeck soak --seconds S`: the dashboard headless at the real poll
/// cadence; prints the timings and the books as JSON, exits 1 if the books
/// do not balance.
pub async fn timing_soak(
    chaos: bool,
    orders: usize,
    fault_rate: f64,
    seconds: u64,
    accounts: usize,
) -> CliResult {
    use crate::engine::journal::Journal;
    use crate::sim::soak::{run_timing, TimingOptions};
    if !(0.0..=1.0).contains(&fault_rate) {
        return Err(fail("--fault-rate must be between 0 and 1"));
    }
    let dir = std::env::temp_dir().join(format!("otpdeck-timing-{}", std::process::id()));
    let journal = Journal::open(&dir.join("journal.sqlite3")).map_err(|e| fail(e.to_string()))?;
    let opts = TimingOptions {
        orders,
        seconds,
        fault_rate: if chaos { fault_rate } else { 0.0 },
        accounts,
        concurrency: 32,
    };
    let report = run_timing(&opts, std::sync::Arc::new(journal)).await;
    let _ = std::fs::remove_dir_all(&dir);
    let report = report.map_err(fail)?;
    say!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| fail(e.to_string()))?
    );
    Ok(if report.books.clean() {
        exit::OK
    } else {
        exit::ERROR
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_printed_config_loads_with_an_account_per_api() {
        let text = super::config_for("127.0.0.1:8900".parse().unwrap());
        let cfg = crate::config::from_toml_str(&text).expect("loads");
        assert_eq!(cfg.accounts.len(), 4);
        assert!(text.contains("http://127.0.0.1:8900/otpzap/api/v1"));
    }
}

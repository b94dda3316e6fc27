//! The scripting commands: accounts, balance, catalog, buy, watch, cancel,
//! finish, resend, replace, orders, info.

use super::context::Context;
use super::output::{order_line, print_json, OrderJson};
use super::{exit, fail, Cli, CliError, CliResult, Command};
use crate::domain::naming::{self, NameError, NameKind};
use crate::domain::{BuyRequest, Offer, Order, OrderOp, OrderStatus};
use crate::engine::journal::{Journal, OrderFilter};
use crate::engine::orders::{self, EngineError};
use crate::engine::poller::{PollOutcome, PollSchedule, PollTiming};
use crate::providers::ProviderError;
use clap::Args;
use serde_json::json;
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct BuyArgs {
    #[arg(long)]
    account: String,
    /// Service id or name (whatsapp, 14, Telegram…).
    #[arg(long)]
    service: Option<String>,
    /// Country id, name or ISO code (indonesia, id, 6…).
    #[arg(long)]
    country: Option<String>,
    /// A specific offer id from `catalog` (default: the cheapest in stock).
    #[arg(long)]
    offer: Option<String>,
    #[arg(long)]
    operator: Option<String>,
    /// Refuse to buy above this many rupiah.
    #[arg(long, value_name = "RUPIAH")]
    max_price: Option<i64>,
    /// Reuse a key to retry a buy safely (GoTopUp: the ref_id).
    #[arg(long)]
    idempotency_key: Option<String>,
    /// GoTopUp product code (TELKOMSEL10, PLN20…).
    #[arg(long)]
    product: Option<String>,
    /// GoTopUp customer number (phone or meter number).
    #[arg(long)]
    customer: Option<String>,
}

pub async fn run(cli: &Cli, cmd: &Command) -> CliResult {
    let ctx = Context::load(cli)?;
    let _log = match cmd {
        Command::Info | Command::Accounts => None,
        _ => ctx
            .paths
            .ensure()
            .ok()
            .and_then(|_| crate::logging::init(&ctx.paths.log_file)),
    };
    match cmd {
        Command::Accounts => accounts(&ctx),
        Command::Info => info(&ctx),
        Command::Balance { account } => balance(&ctx, account.as_deref()).await,
        Command::Catalog {
            account,
            service,
            country,
        } => catalog(&ctx, account, service.as_deref(), country.as_deref()).await,
        Command::Buy(args) => buy(&ctx, args).await,
        Command::Watch {
            account,
            id,
            timeout,
        } => watch(&ctx, account, id, *timeout).await,
        Command::Cancel { account, id } => order_op(&ctx, account, id, OrderOp::Cancel).await,
        Command::Finish { account, id } => order_op(&ctx, account, id, OrderOp::Finish).await,
        Command::Resend { account, id } => order_op(&ctx, account, id, OrderOp::Resend).await,
        Command::Replace { account, id } => order_op(&ctx, account, id, OrderOp::Replace).await,
        Command::Orders { active, account } => list_orders(&ctx, *active, account.as_deref()),
        Command::Demo | Command::Sim(_) | Command::Soak { .. } => {
            Err(fail("internal: not a scripting command"))
        }
    }
}

fn accounts(ctx: &Context) -> CliResult {
    if ctx.json {
        let list: Vec<_> = ctx
            .config
            .accounts
            .iter()
            .map(|a| {
                json!({
                    "name": a.name,
                    "provider": a.provider.as_str(),
                    "base_url": a.base_url,
                    "key_source": a.key.kind(),
                })
            })
            .collect();
        print_json(&list);
    } else if ctx.config.accounts.is_empty() {
        println!(
            "No accounts configured. Copy config.example.toml to your config file and add one."
        );
    } else {
        for a in &ctx.config.accounts {
            println!(
                "{:<16} {:<8} {:<40} key from {}",
                a.name,
                a.provider.as_str(),
                a.base_url,
                a.key.kind()
            );
        }
    }
    Ok(exit::OK)
}

fn info(ctx: &Context) -> CliResult {
    let p = &ctx.paths;
    let config = p
        .config_file
        .as_ref()
        .map(|c| c.display().to_string())
        .unwrap_or_else(|| "(none: built-in defaults)".into());
    if ctx.json {
        print_json(&json!({
            "config": p.config_file,
            "data_dir": p.data_dir,
            "state_dir": p.state_dir,
            "journal": p.journal,
            "log": p.log_file,
        }));
    } else {
        println!("config   {config}");
        println!("data     {}", p.data_dir.display());
        println!("state    {}", p.state_dir.display());
        println!("journal  {}", p.journal.display());
        println!("log      {}", p.log_file.display());
    }
    Ok(exit::OK)
}

async fn balance(ctx: &Context, only: Option<&str>) -> CliResult {
    let accounts: Vec<_> = match only {
        Some(name) => vec![ctx.account(name)?],
        None => ctx.config.accounts.iter().collect(),
    };
    if accounts.is_empty() {
        return Err(fail("no accounts configured"));
    }
    // Each account is asked at once; one account's failure never hides another's figure.
    let futures = accounts.iter().map(|a| async move {
        let r = match ctx.provider(a) {
            Ok(p) => p.balance().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.message),
        };
        (*a, r)
    });
    let results = futures::future::join_all(futures).await;
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    if ctx.json {
        let list: Vec<_> = results
            .iter()
            .map(|(a, r)| match r {
                Ok(b) => {
                    json!({"account": a.name, "provider": a.provider.as_str(), "balance": b.0})
                }
                Err(e) => json!({"account": a.name, "provider": a.provider.as_str(), "error": e}),
            })
            .collect();
        print_json(&list);
    } else {
        let mut total = crate::money::Rupiah::ZERO;
        for (a, r) in &results {
            match r {
                Ok(b) => {
                    total += *b;
                    println!(
                        "{:<16} {:<8} {:>16}",
                        a.name,
                        a.provider.as_str(),
                        b.to_string()
                    );
                }
                Err(e) => println!(
                    "{:<16} {:<8} {:>16}  {e}",
                    a.name,
                    a.provider.as_str(),
                    "error"
                ),
            }
        }
        if results.len() > 1 {
            println!("{:<25} {:>16}", "total", total.to_string());
        }
    }
    Ok(if failed > 0 { exit::ERROR } else { exit::OK })
}

/// The service `wanted` names (id or name): asked of the API's search
/// first (NEXOTP filters server-side), then of the whole list, so an id the
/// search does not match by name is still found.
async fn find_service(
    p: &dyn crate::providers::Provider,
    wanted: &str,
) -> Result<crate::domain::Service, CliError> {
    let narrowed = p
        .search_services(wanted, None)
        .await
        .map_err(provider_err)?;
    if let Ok(s) = naming::find_service(&narrowed, wanted) {
        return Ok(s.clone());
    }
    let all = p.services().await.map_err(provider_err)?;
    naming::find_service(&all, wanted)
        .cloned()
        .map_err(name_err)
}

/// A naming error as the CLI says it: a service list can be long, so it
/// points at the command that prints it.
fn name_err(e: NameError) -> CliError {
    match &e {
        NameError::NoMatch {
            kind: NameKind::Service,
            wanted,
            ..
        } => fail(format!(
            "no service matches '{wanted}' (try `otpdeck catalog --account …` to list them)"
        )),
        _ => fail(e.to_string()),
    }
}

async fn catalog(
    ctx: &Context,
    account: &str,
    service: Option<&str>,
    country: Option<&str>,
) -> CliResult {
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let caps = p.capabilities();
    let Some(wanted) = service else {
        let services = p.services().await.map_err(provider_err)?;
        if ctx.json {
            print_json(&services);
        } else {
            for s in &services {
                println!("{:<12} {}", s.id, s.name);
            }
        }
        return Ok(exit::OK);
    };
    let svc = &find_service(p.as_ref(), wanted).await?;
    let country_id = if caps.countries {
        let countries = p.countries(&svc.id).await.map_err(provider_err)?;
        match country {
            None => {
                if ctx.json {
                    print_json(&countries);
                } else {
                    for c in &countries {
                        let stock = c.stock.map(|s| format!("stock {s}")).unwrap_or_default();
                        println!(
                            "{:<10} {:<20} {:<6} {}",
                            c.id,
                            c.name,
                            c.prefix.as_deref().unwrap_or(""),
                            stock
                        );
                    }
                }
                return Ok(exit::OK);
            }
            Some(w) => Some(
                naming::find_country(&countries, w)
                    .map_err(name_err)?
                    .id
                    .clone(),
            ),
        }
    } else {
        None
    };
    let offers = p
        .offers(&svc.id, country_id.as_deref())
        .await
        .map_err(provider_err)?;
    if ctx.json {
        print_json(&offers);
    } else {
        for o in &offers {
            println!("{}", offer_line(o));
        }
    }
    Ok(exit::OK)
}

fn offer_line(o: &Offer) -> String {
    let stock = match o.stock {
        Some(s) => format!("stock {s}"),
        None => String::new(),
    };
    let rate = o
        .success_rate
        .map(|r| format!("{r:.0}% ok"))
        .unwrap_or_default();
    let ops = if o.operators.is_empty() {
        String::new()
    } else {
        format!(
            "operators {}",
            o.operators
                .iter()
                .map(|op| op.id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let sold_out = if o.in_stock() { "" } else { "  SOLD OUT" };
    format!(
        "{:<22} {:<30} {:>10}  {:<10} {:<8} {}{}",
        o.id,
        o.label,
        o.price.to_string(),
        stock,
        rate,
        ops,
        sold_out
    )
}

fn provider_err(e: ProviderError) -> CliError {
    fail(e.to_string())
}

fn engine_err(e: EngineError) -> CliError {
    fail(e.to_string())
}

/// The offer's operator matching `wanted` (id or name, any case). Offers
/// with no operator list (the API does not say) accept any operator as is.
fn offer_operator(o: &Offer, wanted: &str) -> Option<String> {
    if o.operators.is_empty() {
        return Some(wanted.to_string());
    }
    o.operators
        .iter()
        .find(|op| op.id.eq_ignore_ascii_case(wanted) || op.name.eq_ignore_ascii_case(wanted))
        .map(|op| op.id.clone())
}

fn operator_list(o: &Offer) -> String {
    o.operators
        .iter()
        .map(|op| op.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Chooses what to buy: the offer asked for, else the cheapest in stock
/// (with `operator`, the cheapest that has it). Returns the offer and the
/// operator id to send.
fn choose_offer<'a>(
    offers: &'a [Offer],
    wanted: Option<&str>,
    operator: Option<&str>,
) -> Result<(&'a Offer, Option<String>), CliError> {
    match wanted {
        Some(id) => {
            let o = offers
                .iter()
                .find(|o| o.id.eq_ignore_ascii_case(id))
                .ok_or_else(|| fail(format!("no offer '{id}' here (see `otpdeck catalog`)")))?;
            if !o.in_stock() {
                return Err(fail(format!("offer '{id}' is sold out")));
            }
            let op = match operator {
                None => None,
                Some(w) => Some(offer_operator(o, w).ok_or_else(|| {
                    fail(format!(
                        "offer '{id}' has no operator '{w}' (it has: {})",
                        operator_list(o)
                    ))
                })?),
            };
            Ok((o, op))
        }
        None => {
            let in_stock = offers.iter().filter(|o| o.in_stock());
            let cheapest = |it: &mut dyn Iterator<Item = (&'a Offer, Option<String>)>| {
                it.min_by_key(|(o, _)| (o.price, std::cmp::Reverse(o.stock.unwrap_or(0))))
            };
            match operator {
                None => cheapest(&mut in_stock.map(|o| (o, None)))
                    .ok_or_else(|| fail("every offer here is sold out")),
                Some(w) => cheapest(
                    &mut in_stock.filter_map(|o| offer_operator(o, w).map(|op| (o, Some(op)))),
                )
                .ok_or_else(|| {
                    let known: std::collections::BTreeSet<&str> = offers
                        .iter()
                        .flat_map(|o| o.operators.iter().map(|op| op.id.as_str()))
                        .collect();
                    fail(format!(
                        "no offer in stock here has operator '{w}' (operators: {})",
                        known.into_iter().collect::<Vec<_>>().join(", ")
                    ))
                }),
            }
        }
    }
}

async fn buy(ctx: &Context, args: &BuyArgs) -> CliResult {
    let acc = ctx.account(&args.account)?;
    let p = ctx.provider(acc)?;
    let caps = p.capabilities();
    let key = args
        .idempotency_key
        .clone()
        .unwrap_or_else(orders::new_idempotency_key);
    let req = if caps.topup {
        let (Some(product), Some(customer)) = (&args.product, &args.customer) else {
            return Err(fail(format!(
                "account '{}' sells top-ups: give --product CODE and --customer NUMBER",
                acc.name
            )));
        };
        let (svc, offer) = p
            .find_offer(product)
            .await
            .map_err(provider_err)?
            .ok_or_else(|| fail(format!("no product '{product}' in the price list")))?;
        if !offer.in_stock() {
            return Err(fail(format!(
                "product '{product}' is not available right now"
            )));
        }
        check_max_price(args.max_price, offer.price.0)?;
        BuyRequest {
            service_id: svc.id,
            service_name: offer.label.clone(),
            country_id: None,
            country_name: None,
            offer_id: offer.id.clone(),
            price: offer.price,
            operator: None,
            idempotency_key: key,
            customer_number: Some(customer.clone()),
        }
    } else {
        let Some(wanted) = &args.service else {
            return Err(fail("give --service (and --country) to say what to buy"));
        };
        let svc = find_service(p.as_ref(), wanted).await?;
        let country = if caps.countries {
            let Some(cw) = &args.country else {
                return Err(fail(format!(
                    "{} is sold per country: give --country",
                    svc.name
                )));
            };
            let countries = p.countries(&svc.id).await.map_err(provider_err)?;
            Some(
                naming::find_country(&countries, cw)
                    .map_err(name_err)?
                    .clone(),
            )
        } else {
            None
        };
        let country_id = country.as_ref().map(|c| c.id.clone());
        let offers = p
            .offers(&svc.id, country_id.as_deref())
            .await
            .map_err(provider_err)?;
        let (offer, operator) =
            choose_offer(&offers, args.offer.as_deref(), args.operator.as_deref())?;
        check_max_price(args.max_price, offer.price.0)?;
        BuyRequest {
            service_id: svc.id.clone(),
            service_name: svc.name.clone(),
            country_id,
            country_name: country.map(|c| c.name),
            offer_id: offer.id.clone(),
            price: offer.price,
            operator,
            idempotency_key: key,
            customer_number: None,
        }
    };
    let journal = ctx.journal()?;
    match orders::buy(p.as_ref(), &journal, &acc.name, &req).await {
        Ok(change) => {
            let o = &change.order;
            if ctx.json {
                print_json(&OrderJson::from(o));
            } else {
                println!(
                    "Bought {} {} for {} on {} — order #{} ({}), status {}.",
                    o.service,
                    o.number.as_deref().unwrap_or("-"),
                    o.price,
                    o.account,
                    o.id,
                    o.provider_order_id.as_deref().unwrap_or("-"),
                    o.status
                );
                println!(
                    "Idempotency key {} (pass it with --idempotency-key to retry this buy safely).",
                    o.idempotency_key
                );
                println!(
                    "Wait for the code with: otpdeck watch --account {} {}",
                    o.account, o.id
                );
            }
            Ok(exit::OK)
        }
        Err(EngineError::Ambiguous { order, reason }) => {
            if ctx.json {
                print_json(&OrderJson::from(order.as_ref()));
            }
            Err(fail(format!(
                "no clear reply to the buy ({reason}). Order #{} for {} is kept as UNKNOWN in the journal: \
                 check the provider before buying again{}",
                order.id,
                order.price,
                if caps.idempotent_buy {
                    format!("; re-running with --idempotency-key {} is safe", order.idempotency_key)
                } else {
                    String::new()
                }
            )))
        }
        Err(e) => Err(engine_err(e)),
    }
}

fn check_max_price(max: Option<i64>, price: i64) -> Result<(), CliError> {
    match max {
        Some(m) if price > m => Err(fail(format!(
            "the cheapest matching offer costs {}, above --max-price {}",
            crate::money::Rupiah(price),
            crate::money::Rupiah(m)
        ))),
        _ => Ok(()),
    }
}

fn find_order(journal: &Journal, account: &str, id: &str) -> Result<Order, CliError> {
    journal
        .find(Some(account), id)
        .map_err(|e| fail(e.to_string()))?
        .ok_or_else(|| {
            fail(format!(
                "no order '{id}' for account '{account}' in the journal (see `otpdeck orders`)"
            ))
        })
}

fn print_order_result(ctx: &Context, o: &Order, text: String) {
    if ctx.json {
        print_json(&OrderJson::from(o));
    } else {
        println!("{text}");
    }
}

async fn watch(ctx: &Context, account: &str, id: &str, timeout: Option<Duration>) -> CliResult {
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let journal = ctx.journal()?;
    let mut order = find_order(&journal, &acc.name, id)?;
    if order.provider_order_id.is_none() && p.capabilities().idempotent_buy {
        orders::reconcile_unknown(p.as_ref(), &journal, &acc.name)
            .await
            .map_err(engine_err)?;
        order = find_order(&journal, &acc.name, &order.id.to_string())?;
    }
    if order.provider_order_id.is_none() {
        return Err(fail(format!(
            "order #{} is {} with no provider id: it cannot be watched; check the provider",
            order.id, order.status
        )));
    }
    let started = Instant::now();
    // The dashboard's back-off: 4–5 s with jitter, doubling on errors,
    // Retry-After honoured (`OTPDECK_POLL_INTERVAL_MS` shortens it for tests).
    let mut schedule = PollSchedule::new(PollTiming::from_env());
    loop {
        if order.status.is_active() || order.status == OrderStatus::Unknown {
            match orders::poll(p.as_ref(), &journal, &order).await {
                Ok(change) => order = change.order,
                Err(EngineError::Provider(e)) if e.is_transient() => {
                    let wait = schedule.after(PollOutcome::failed(&e), rand::random());
                    eprintln!("otpdeck: {e}; trying again in {}s", wait.as_secs().max(1));
                    if !sleep_within(wait, started, timeout).await {
                        return timed_out(ctx, &order);
                    }
                    continue;
                }
                Err(e) => return Err(engine_err(e)),
            }
        }
        match verdict(&order, chrono::Utc::now(), timeout) {
            None => {}
            Some(Verdict::Code(code)) => {
                print_order_result(ctx, &order, code);
                return Ok(exit::OK);
            }
            Some(Verdict::FinishedWithoutCode) => {
                // A top-up (or an order closed by hand) that succeeded
                // without an SN is still a success; stdout stays empty so a
                // script never mistakes the sentence for a code.
                if ctx.json {
                    print_json(&OrderJson::from(&order));
                }
                eprintln!(
                    "otpdeck: order #{} finished; the provider gave no {}",
                    order.id,
                    if order.provider == crate::domain::ProviderKind::GoTopUp {
                        "SN"
                    } else {
                        "OTP"
                    }
                );
                return Ok(exit::OK);
            }
            Some(Verdict::Ended) => {
                print_order_result(
                    ctx,
                    &order,
                    format!("order #{} ended {} without an OTP", order.id, order.status),
                );
                if !ctx.json {
                    eprintln!(
                        "otpdeck: order #{} ended {} without an OTP",
                        order.id, order.status
                    );
                }
                return Ok(exit::NO_OTP);
            }
            Some(Verdict::PastExpiry) => {
                eprintln!(
                    "otpdeck: order #{} is 5 minutes past its expiry and still has no OTP",
                    order.id
                );
                return Ok(exit::NO_OTP);
            }
        }
        let wait = schedule.after(PollOutcome::Answered, rand::random());
        if !sleep_within(wait, started, timeout).await {
            return timed_out(ctx, &order);
        }
    }
}

/// What `watch` does with an order as it now stands.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// The latest OTP (GoTopUp: the SN): print it, exit 0.
    Code(String),
    /// Finished, but the provider gave no code or SN: still a success.
    FinishedWithoutCode,
    /// Cancelled, expired or failed without a code: exit 3.
    Ended,
    /// No --timeout, and the order is well past its own expiry with no word
    /// from the provider: exit 3.
    PastExpiry,
}

/// None: keep polling. Without --timeout, watch never gives up before the
/// order's own expiry (plus 5 minutes for the provider to say so).
fn verdict(
    order: &Order,
    now: chrono::DateTime<chrono::Utc>,
    timeout: Option<Duration>,
) -> Option<Verdict> {
    if let Some(code) = order.latest_otp() {
        return Some(Verdict::Code(code.to_string()));
    }
    if order.status == OrderStatus::Finished {
        return Some(match order.sn.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(sn) => Verdict::Code(sn.to_string()),
            None => Verdict::FinishedWithoutCode,
        });
    }
    if order.status.is_final() {
        return Some(Verdict::Ended);
    }
    match order.expires_at {
        Some(exp) if timeout.is_none() && now > exp + chrono::Duration::minutes(5) => {
            Some(Verdict::PastExpiry)
        }
        _ => None,
    }
}

/// Sleeps, unless that would pass the timeout: then returns false.
async fn sleep_within(d: Duration, started: Instant, timeout: Option<Duration>) -> bool {
    match timeout {
        Some(t) => {
            let left = t.saturating_sub(started.elapsed());
            if left.is_zero() {
                return false;
            }
            tokio::time::sleep(d.min(left)).await;
            started.elapsed() < t
        }
        None => {
            tokio::time::sleep(d).await;
            true
        }
    }
}

fn timed_out(ctx: &Context, order: &Order) -> CliResult {
    if ctx.json {
        print_json(&OrderJson::from(order));
    }
    eprintln!(
        "otpdeck: timed out waiting for order #{} (still {})",
        order.id, order.status
    );
    Ok(exit::TIMEOUT)
}

/// Cancel, finish or resend (any `OrderOp`) through the engine's one entry
/// point; the command only words the outcome.
async fn order_op(ctx: &Context, account: &str, id: &str, op: OrderOp) -> CliResult {
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let journal = ctx.journal()?;
    let order = find_order(&journal, &acc.name, id)?;
    match orders::run_op(op, p.as_ref(), &journal, &order).await {
        Ok(done) => {
            let o = &done.order;
            let text = match op {
                OrderOp::Cancel => match o.refunded {
                    Some(r) => format!("Cancelled order #{}; refunded {r}.", o.id),
                    None => format!("Cancelled order #{}.", o.id),
                },
                OrderOp::Finish => format!("Finished order #{}.", o.id),
                OrderOp::Resend => format!(
                    "Asked for another SMS on order #{}; watch it for the new code.",
                    o.id
                ),
                OrderOp::Replace => format!(
                    "Replaced order #{} with #{} ({}).",
                    order.id,
                    o.id,
                    o.number.as_deref().unwrap_or("-")
                ),
            };
            print_order_result(ctx, o, text);
            Ok(exit::OK)
        }
        // A cooldown is a state, not a failure: say when it ends, with its
        // own exit code.
        Err(EngineError::Provider(ProviderError::RateLimited {
            retry_after: Some(d),
            ..
        })) => {
            let secs = d.as_secs().max(1);
            let message = match op {
                OrderOp::Cancel => format!("the provider allows cancelling in {secs} s"),
                OrderOp::Resend => format!("the provider allows another SMS in {secs} s"),
                OrderOp::Finish => format!("the provider allows finishing in {secs} s"),
                OrderOp::Replace => format!("the provider allows replacing in {secs} s"),
            };
            if ctx.json {
                print_json(&json!({
                    "id": order.id,
                    "action": op.as_str(),
                    "cooldown_seconds": secs,
                    "message": message,
                }));
            }
            Err(CliError {
                message,
                code: exit::COOLDOWN,
            })
        }
        Err(e) => Err(engine_err(e)),
    }
}

fn list_orders(ctx: &Context, active: bool, account: Option<&str>) -> CliResult {
    let account = match account {
        Some(a) => Some(ctx.account(a)?.name.clone()),
        None => None,
    };
    let journal = ctx.journal()?;
    let list = journal
        .orders(&OrderFilter {
            account,
            active_only: active,
            limit: None,
        })
        .map_err(|e| fail(e.to_string()))?;
    if ctx.json {
        let v: Vec<OrderJson> = list.iter().map(OrderJson::from).collect();
        print_json(&v);
    } else if list.is_empty() {
        println!("No orders{}.", if active { " active" } else { "" });
    } else {
        for o in &list {
            println!("{}", order_line(o));
        }
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProviderKind;
    use crate::money::Rupiah;
    use chrono::{TimeZone, Utc};

    fn order(status: OrderStatus) -> Order {
        let t = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        Order {
            id: 7,
            account: "topup".into(),
            provider: ProviderKind::GoTopUp,
            idempotency_key: "k".into(),
            provider_order_id: Some("TXN1".into()),
            service_id: "pulsa:telkomsel".into(),
            service: "Pulsa Telkomsel 5.000".into(),
            country: None,
            country_name: None,
            resend_count: None,
            resend_locked_until: None,
            offer_id: "TELKOMSEL5".into(),
            operator: None,
            number: Some("0812".into()),
            customer_number: Some("0812".into()),
            price: Rupiah(5550),
            status,
            created_at: t,
            updated_at: t,
            expires_at: Some(t + chrono::Duration::minutes(20)),
            otps: Vec::new(),
            sn: None,
            refunded: None,
            note: None,
        }
    }

    #[test]
    fn a_finished_order_without_a_code_is_a_success() {
        let now = Utc::now();
        let o = order(OrderStatus::Finished);
        assert_eq!(verdict(&o, now, None), Some(Verdict::FinishedWithoutCode));
        let mut with_sn = o.clone();
        with_sn.sn = Some("1234".into());
        assert_eq!(
            verdict(&with_sn, now, None),
            Some(Verdict::Code("1234".into()))
        );
        let mut with_otp = order(OrderStatus::OtpReceived);
        with_otp.otps = vec!["111".into(), "222".into()];
        assert_eq!(
            verdict(&with_otp, now, None),
            Some(Verdict::Code("222".into()))
        );
        for s in [
            OrderStatus::Cancelled,
            OrderStatus::Expired,
            OrderStatus::Failed,
        ] {
            assert_eq!(verdict(&order(s), now, None), Some(Verdict::Ended), "{s}");
        }
    }

    #[test]
    fn watch_never_gives_up_before_the_orders_expiry() {
        let o = order(OrderStatus::Waiting);
        let exp = o.expires_at.unwrap();
        for before in [
            o.created_at,
            exp - chrono::Duration::seconds(1),
            exp,
            exp + chrono::Duration::minutes(4),
        ] {
            assert_eq!(verdict(&o, before, None), None, "{before}");
        }
        assert_eq!(
            verdict(&o, exp + chrono::Duration::minutes(6), None),
            Some(Verdict::PastExpiry)
        );
        // With --timeout, the timeout alone decides.
        assert_eq!(
            verdict(
                &o,
                exp + chrono::Duration::minutes(6),
                Some(Duration::from_secs(3600))
            ),
            None
        );
        // No known expiry: keep waiting.
        let mut open = o.clone();
        open.expires_at = None;
        assert_eq!(verdict(&open, exp + chrono::Duration::days(2), None), None);
    }
}

//! `email`: OTPZap Server 3 inboxes from a script. Sites and domains come
//! from the adapter's Email branch; buy, check, reorder, cancel and finish
//! go through the same engine functions as SMS orders (`orders::buy`,
//! `poll`, `run_op`), so the journal, rules and `watch` treat them alike.

use super::context::Context;
use super::orders::{find_order, order_op};
use super::output::{print_json, print_table, OrderJson};
use super::scripting::{engine_err, provider_err};
use super::{exit, fail, CliError, CliResult};
use crate::domain::columns::{Column, Table};
use crate::domain::email::{self, EmailSpec, EMAIL_SERVICE_ID};
use crate::domain::{idempotency_key, BuyRequest, EmailMessage, Offer, Order, OrderOp};
use crate::engine::orders::{self, EngineError};
use crate::money::Rupiah;
use clap::{Args, Subcommand};
use serde::Serialize;

#[derive(Debug, Subcommand)]
pub enum EmailCmd {
    /// Suggested target sites (any site domain can be bought).
    Sites {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
    },
    /// A site's domains: price, stock, activation rate, cancellation fee.
    Domains {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// The site whose mail is awaited (see `otpdeck email sites`).
        #[arg(long)]
        site: String,
    },
    /// Rent an inbox for a site's verification mail.
    Buy(EmailBuyArgs),
    /// Poll an email order once and print its messages.
    Check {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
    },
    /// Ask for a new message on the same inbox (no new charge; the window
    /// restarts at 20 minutes).
    Reorder {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
    },
    /// Cancel before any message arrives (refund less the cancellation fee).
    Cancel {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
    },
    /// Finish after a message arrived.
    Finish {
        /// The account's name in the config (see `otpdeck accounts`).
        #[arg(long)]
        account: String,
        /// Local order number (#12) or the provider's order id.
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct EmailBuyArgs {
    /// The account's name in the config (see `otpdeck accounts`).
    #[arg(long)]
    account: String,
    /// The site whose mail you wait for (openai.com, discord.com…).
    #[arg(long)]
    site: String,
    /// A domain; give several for aggregator mode (OTPZap picks one).
    /// Default: the cheapest in stock.
    #[arg(long = "domain")]
    domains: Vec<String>,
    /// How many inboxes: each is its own order, journaled and charged on
    /// its own.
    #[arg(long, default_value_t = 1)]
    qty: u32,
    /// Only mail whose subject matches this.
    #[arg(long)]
    subject: Option<String>,
    /// Extract the OTP with this regex.
    #[arg(long)]
    regex: Option<String>,
    /// Refuse to buy above this many rupiah (per inbox).
    #[arg(long, value_name = "RUPIAH", allow_negative_numbers = true, value_parser = super::amount::rupiah)]
    max_price: Option<i64>,
    /// The key journaled with the buy (with --qty, KEY-1, KEY-2…). An email
    /// buy is never re-sent: a lost reply stays UNKNOWN.
    #[arg(long)]
    idempotency_key: Option<String>,
}

pub(super) async fn run(ctx: &Context, cmd: &EmailCmd) -> CliResult {
    match cmd {
        EmailCmd::Sites { account } => sites(ctx, account).await,
        EmailCmd::Domains { account, site } => domains(ctx, account, site).await,
        EmailCmd::Buy(args) => buy(ctx, args).await,
        EmailCmd::Check { account, id } => check(ctx, account, id).await,
        EmailCmd::Reorder { account, id } => email_op(ctx, account, id, OrderOp::Resend).await,
        EmailCmd::Cancel { account, id } => email_op(ctx, account, id, OrderOp::Cancel).await,
        EmailCmd::Finish { account, id } => email_op(ctx, account, id, OrderOp::Finish).await,
    }
}

async fn sites(ctx: &Context, account: &str) -> CliResult {
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let sites = p.countries(EMAIL_SERVICE_ID).await.map_err(provider_err)?;
    if ctx.json {
        let rows: Vec<_> = sites
            .iter()
            .map(|s| serde_json::json!({"site": s.id, "name": s.name}))
            .collect();
        print_json(&rows);
    } else {
        for s in &sites {
            say!("{}", s.name);
        }
    }
    Ok(exit::OK)
}

#[derive(Serialize)]
struct DomainJson<'a> {
    domain: String,
    offer_id: &'a str,
    price: i64,
    stock: Option<u64>,
    activation_rate: Option<f32>,
    cancel_fee: Option<i64>,
    available: bool,
}

fn domain_of(o: &Offer) -> String {
    EmailSpec::parse(&o.id)
        .and_then(|s| s.domains.first().cloned())
        .unwrap_or_else(|| o.label.clone())
}

async fn domains(ctx: &Context, account: &str, site: &str) -> CliResult {
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let offers = p
        .offers(EMAIL_SERVICE_ID, Some(site))
        .await
        .map_err(provider_err)?;
    if ctx.json {
        let rows: Vec<_> = offers
            .iter()
            .map(|o| DomainJson {
                domain: domain_of(o),
                offer_id: &o.id,
                price: o.price.0,
                stock: o.stock,
                activation_rate: o.success_rate,
                cancel_fee: EmailSpec::parse(&o.id).and_then(|s| s.fee),
                available: o.in_stock(),
            })
            .collect();
        print_json(&rows);
    } else {
        let mut t = Table::new(vec![
            Column::value("domain"),
            Column::value("price").right(),
            Column::value("stock").right(),
            Column::value("rate").right(),
            Column::value("cancel fee").right(),
        ])
        .gap(2);
        for o in &offers {
            let fee = EmailSpec::parse(&o.id)
                .and_then(|s| s.fee())
                .map_or("-".into(), |f| f.to_string());
            t.push([
                domain_of(o),
                o.price.to_string(),
                o.stock.map_or("-".into(), |s| s.to_string()),
                o.success_rate.map_or("-".into(), |r| format!("{r:.1}%")),
                fee,
            ]);
        }
        print_table(&t);
    }
    Ok(exit::OK)
}

/// The offer spec and the price a buy may charge: one domain's price, or
/// with several, the dearest of them (the amount at risk; the reply names
/// the real one).
fn choose(offers: &[Offer], args: &EmailBuyArgs) -> Result<(EmailSpec, Rupiah), CliError> {
    let site = email::normalize_site(&args.site);
    let find = |d: &str| {
        offers
            .iter()
            .find(|o| domain_of(o).eq_ignore_ascii_case(d.trim().trim_start_matches('@')))
    };
    let picked: Vec<&Offer> = if args.domains.is_empty() {
        let cheapest = offers
            .iter()
            .filter(|o| o.in_stock())
            .min_by_key(|o| o.price)
            .ok_or_else(|| fail(format!("no domain for {site} is in stock")))?;
        vec![cheapest]
    } else {
        let mut v = Vec::new();
        for d in &args.domains {
            let o = find(d).ok_or_else(|| {
                fail(format!(
                    "no domain '{d}' for {site} (see `otpdeck email domains --site {site}`)"
                ))
            })?;
            v.push(o);
        }
        if v.iter().all(|o| !o.in_stock()) {
            return Err(fail("every domain asked for is sold out"));
        }
        v
    };
    let price = picked.iter().map(|o| o.price).max().unwrap_or(Rupiah::ZERO);
    let fee = picked
        .iter()
        .filter_map(|o| EmailSpec::parse(&o.id).and_then(|s| s.fee))
        .max();
    Ok((
        EmailSpec {
            site,
            domains: picked.iter().map(|o| domain_of(o)).collect(),
            subject: args.subject.clone().filter(|s| !s.trim().is_empty()),
            regex: args.regex.clone().filter(|s| !s.trim().is_empty()),
            fee,
        },
        price,
    ))
}

async fn buy(ctx: &Context, args: &EmailBuyArgs) -> CliResult {
    email::check_qty(args.qty).map_err(|e| fail(format!("--qty: {e}")))?;
    if let Some(r) = &args.regex {
        regex_check(r)?;
    }
    let acc = ctx.account(&args.account)?;
    let p = ctx.provider(acc)?;
    let site = email::normalize_site(&args.site);
    let offers = p
        .offers(EMAIL_SERVICE_ID, Some(&site))
        .await
        .map_err(provider_err)?;
    let (spec, price) = choose(&offers, args)?;
    if let Some(m) = args.max_price {
        if price.0 > m {
            return Err(fail(format!(
                "this inbox costs up to {price}, above --max-price {}",
                Rupiah(m)
            )));
        }
    }
    let journal = ctx.journal()?;
    // The whole quantity against the daily caps first: refused whole, not
    // halfway through the inboxes.
    ctx.check_rules(&journal, &acc.name, "Email OTP", price, args.qty)?;
    let base = args
        .idempotency_key
        .clone()
        .unwrap_or_else(|| idempotency_key(chrono::Utc::now(), rand::random()));
    let mut bought: Vec<Order> = Vec::new();
    for n in 1..=args.qty {
        let key = crate::domain::batch_key(&base, n, args.qty);
        let req = BuyRequest {
            service_id: EMAIL_SERVICE_ID.into(),
            service_name: "Email OTP".into(),
            country_id: Some(site.clone()),
            country_name: Some(site.clone()),
            offer_id: spec.offer_id(),
            price,
            operator: None,
            idempotency_key: key,
            customer_number: None,
        };
        // The rules on spending, checked before anything is sent.
        ctx.check_rules(&journal, &acc.name, &req.service_name, req.price, 1)?;
        match orders::buy(p.as_ref(), &journal, &acc.name, &req).await {
            Ok(change) => {
                let o = change.order;
                if !ctx.json {
                    say!(
                        "Bought inbox {} for {} at {} on {} — order #{} ({}), status {}.",
                        o.number.as_deref().unwrap_or("-"),
                        site,
                        o.price,
                        o.account,
                        o.id,
                        o.provider_order_id.as_deref().unwrap_or("-"),
                        o.status
                    );
                }
                bought.push(o);
            }
            Err(EngineError::Ambiguous { order, reason }) => {
                if ctx.json {
                    print_json(&OrderJson::from(order.as_ref()));
                }
                return Err(fail(format!(
                    "no clear reply to the email buy ({reason}). Order #{} for {} is kept as UNKNOWN: \
                     OTPZap documents no idempotency key for email orders, so it is not re-sent; \
                     check the OTPZap dashboard before buying again",
                    order.id, order.price
                )));
            }
            Err(e) => return Err(engine_err(e)),
        }
    }
    if ctx.json {
        let rows: Vec<OrderJson> = bought.iter().map(OrderJson::from).collect();
        if rows.len() == 1 {
            print_json(&rows[0]);
        } else {
            print_json(&rows);
        }
    } else if let Some(o) = bought.first() {
        say!(
            "Wait for the mail with: otpdeck watch --account {} {}",
            o.account,
            o.id
        );
    }
    Ok(exit::OK)
}

/// A regex the user typed is only passed on; refuse the obviously broken
/// one (unbalanced brackets) here rather than pay for an order that fails.
fn regex_check(r: &str) -> Result<(), CliError> {
    let mut depth: i32 = 0;
    let mut escaped = false;
    for c in r.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '(') => depth += 1,
            (false, ')') => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            break;
        }
    }
    if depth != 0 || r.trim().is_empty() {
        return Err(fail(format!("--regex '{r}' has unbalanced parentheses")));
    }
    Ok(())
}

fn email_order(ctx: &Context, account: &str, id: &str) -> Result<Order, CliError> {
    let acc = ctx.account(account)?;
    let journal = ctx.journal()?;
    let o = find_order(&journal, &acc.name, id)?;
    if !email::is_email_offer(&o.offer_id) {
        return Err(fail(format!(
            "order #{} is not an email order (use `otpdeck cancel|finish|resend`)",
            o.id
        )));
    }
    Ok(o)
}

async fn email_op(ctx: &Context, account: &str, id: &str, op: OrderOp) -> CliResult {
    let o = email_order(ctx, account, id)?;
    order_op(ctx, account, &o.id.to_string(), op).await
}

#[derive(Serialize)]
struct CheckJson<'a> {
    #[serde(flatten)]
    order: OrderJson<'a>,
    messages: &'a [EmailMessage],
}

async fn check(ctx: &Context, account: &str, id: &str) -> CliResult {
    let order = email_order(ctx, account, id)?;
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let journal = ctx.journal()?;
    let order = if order.provider_order_id.is_some() && !order.status.is_final() {
        orders::poll(p.as_ref(), &journal, &order)
            .await
            .map_err(engine_err)?
            .order
    } else {
        order
    };
    let messages = journal
        .email_messages(order.id)
        .map_err(|e| fail(e.to_string()))?;
    if ctx.json {
        print_json(&CheckJson {
            order: OrderJson::from(&order),
            messages: &messages,
        });
    } else {
        say!(
            "#{} {} {} — {}{}",
            order.id,
            order.number.as_deref().unwrap_or("-"),
            order.status,
            order.latest_otp().unwrap_or("no mail yet"),
            order
                .expires_at
                .map(|t| format!(
                    " (window ends {})",
                    t.with_timezone(&chrono::Local).format("%H:%M:%S")
                ))
                .unwrap_or_default()
        );
        for m in &messages {
            say!(
                "  {}  {}  {}  {}",
                m.received_at
                    .map(|t| t
                        .with_timezone(&chrono::Local)
                        .format("%H:%M:%S")
                        .to_string())
                    .unwrap_or_else(|| "--:--:--".into()),
                m.from,
                m.subject,
                m.preview
            );
        }
    }
    Ok(exit::OK)
}

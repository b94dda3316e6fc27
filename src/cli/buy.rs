//! `buy`: what to buy (service, country, offer, operator, price cap) and
//! the buy itself through the engine.

use super::catalog::{find_service, name_err};
use super::context::Context;
use super::output::{print_json, OrderJson};
use super::scripting::{engine_err, provider_err};
use super::{exit, fail, CliError, CliResult};
use crate::domain::naming;
use crate::domain::{idempotency_key, BuyRequest, Offer};
use crate::engine::orders::EngineError;
use clap::Args;

#[derive(Debug, Args)]
pub struct BuyArgs {
    /// The account to buy on (not with --best).
    #[arg(long, required_unless_present = "best")]
    account: Option<String>,
    /// Buy the cheapest offer in stock across every OTP account (ties go to
    /// your own best delivery rate), within --max-price.
    #[arg(long, conflicts_with_all = ["account", "offer", "product"])]
    best: bool,
    /// Service id or name (whatsapp, 14, Telegram…).
    #[arg(long)]
    service: Option<String>,
    /// Country id, name or ISO code (indonesia, id, 6…).
    #[arg(long)]
    country: Option<String>,
    /// A specific offer id from `catalog` (default: the cheapest in stock).
    #[arg(long)]
    offer: Option<String>,
    /// GateOTP: the operator (telkomsel, any…), as `catalog` lists them.
    #[arg(long)]
    operator: Option<String>,
    /// Refuse to buy above this many rupiah.
    #[arg(long, value_name = "RUPIAH", allow_negative_numbers = true, value_parser = super::amount::rupiah)]
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

/// `--best`: the account and offer the compare table puts first, among
/// those within `--max-price`.
async fn best_choice(ctx: &Context, args: &BuyArgs) -> Result<(String, String), CliError> {
    let (Some(service), Some(country)) = (&args.service, &args.country) else {
        return Err(fail("--best needs --service and --country"));
    };
    let journal = ctx.journal()?;
    let results = super::best::gather(ctx, &journal, service, country).await?;
    let mut rows: Vec<_> = results
        .iter()
        .filter_map(|r| r.rows.as_ref().ok())
        .flatten()
        .filter(|r| args.max_price.is_none_or(|m| r.offer.price.0 <= m))
        .filter(|r| {
            ctx.config
                .rules
                .check_price(&r.service.name, r.offer.price)
                .is_ok()
        })
        .cloned()
        .collect();
    crate::engine::compare::sort(&mut rows, crate::engine::compare::SortBy::Price);
    let first = rows.first().ok_or_else(|| {
        fail(match args.max_price {
            Some(m) => format!(
                "no account has {service} in {country} in stock at or below {}",
                crate::money::Rupiah(m)
            ),
            None => format!("no account has {service} in {country} in stock"),
        })
    })?;
    Ok((first.account.clone(), first.offer.id.clone()))
}

pub(super) async fn buy(ctx: &Context, args: &BuyArgs) -> CliResult {
    let (account, best_offer) = if args.best {
        let (a, o) = best_choice(ctx, args).await?;
        (a, Some(o))
    } else {
        (args.account.clone().unwrap_or_default(), None)
    };
    let acc = ctx.account(&account)?;
    let p = ctx.provider(acc)?;
    let caps = p.capabilities();
    // A random nonce: two buys in the same millisecond get different keys.
    let key = args
        .idempotency_key
        .clone()
        .unwrap_or_else(|| idempotency_key(chrono::Utc::now(), rand::random()));
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
        if crate::domain::bill::is_bill(&svc.id) {
            return Err(fail(format!(
                "'{product}' is a postpaid bill, not a top-up: `otpdeck bill inquiry --account {} --product {product} --customer N`, then `bill pay`",
                acc.name
            )));
        }
        if !offer.in_stock() {
            return Err(fail(format!(
                "product '{product}' is not available right now"
            )));
        }
        check_max_price(args.max_price, offer.price.0)?;
        // Checked before anything is sent (issue 11): a wrong number would
        // be charged and not refunded.
        let customer = crate::domain::check_customer_number(&svc.id, customer)
            .map_err(|why| fail(format!("not sent: {why}")))?;
        BuyRequest {
            service_id: svc.id,
            service_name: offer.label.clone(),
            country_id: None,
            country_name: None,
            offer_id: offer.id.clone(),
            price: offer.price,
            operator: None,
            idempotency_key: key,
            customer_number: Some(customer),
        }
    } else {
        if args.product.is_some() || args.customer.is_some() {
            return Err(fail(format!(
                "--product and --customer are for GoTopUp top-up accounts; '{}' sells numbers: give --service and --country",
                acc.name
            )));
        }
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
        let (offer, operator) = choose_offer(
            &offers,
            best_offer.as_deref().or(args.offer.as_deref()),
            args.operator.as_deref(),
        )?;
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
    // A key given again: the journal's order under it is what comes back.
    let before = journal
        .find_by_key(&acc.name, &req.idempotency_key)
        .map_err(|e| fail(e.to_string()))?;
    // The rules on spending, checked before anything is sent.
    if before.is_none() {
        ctx.check_rules(&journal, &acc.name, &req.service_name, req.price, 1)?;
    }
    // With an engine running, it buys (and then polls): one writer.
    let outcome =
        super::engine_client::buy_here_or_there(ctx, p.as_ref(), &journal, &acc.name, req).await?;
    match outcome {
        Ok(order) => {
            let o = &order;
            if ctx.json {
                print_json(&OrderJson::from(o));
            } else if before.is_some() {
                say!(
                    "Key {} was used before: it is order #{} ({} {} for {} on {}), status {}. Nothing new was bought.",
                    o.idempotency_key,
                    o.id,
                    o.service,
                    o.number.as_deref().unwrap_or("-"),
                    o.price,
                    o.account,
                    o.status
                );
            } else {
                say!(
                    "Bought {} {} for {} on {} — order #{} ({}), status {}.",
                    o.service,
                    o.number.as_deref().unwrap_or("-"),
                    o.price,
                    o.account,
                    o.id,
                    o.provider_order_id.as_deref().unwrap_or("-"),
                    o.status
                );
                say!(
                    "Idempotency key {} (pass it with --idempotency-key to retry this buy safely).",
                    o.idempotency_key
                );
                say!(
                    "Wait for the code with: otpdeck watch --account {} {}",
                    o.account,
                    o.id
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
                if caps
                    .buy_call(p.kind(), &order.service_id, &order.offer_id)
                    .replayable() {
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

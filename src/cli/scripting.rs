//! The scripting commands: each command group lives in its own file
//! (accounts, balance, catalog, buy, watch, orders); this file dispatches.

use super::context::Context;
use super::{
    accounts, balance, buy, catalog, fail, orders, watch, Cli, CliError, CliResult, Command,
};
use crate::domain::OrderOp;
use crate::engine::orders::EngineError;
use crate::providers::ProviderError;

pub async fn run(cli: &Cli, cmd: &Command) -> CliResult {
    let ctx = Context::load(cli)?;
    let _log = match cmd {
        Command::Info | Command::Accounts | Command::WebhookUrl { .. } => None,
        _ => crate::logging::init(&ctx.paths.log_file),
    };
    match cmd {
        Command::Accounts => accounts::accounts(&ctx),
        Command::Info => accounts::info(&ctx),
        Command::WebhookUrl { account } => super::webhook_url::url(&ctx, account),
        Command::Balance { account } => balance::balance(&ctx, account.as_deref()).await,
        Command::Catalog {
            account,
            service,
            country,
        } => catalog::catalog(&ctx, account, service.as_deref(), country.as_deref()).await,
        Command::Buy(args) => buy::buy(&ctx, args).await,
        Command::Bill(cmd) => super::bills::run(&ctx, cmd).await,
        Command::Seller(cmd) => super::seller::run(&ctx, cmd).await,
        Command::History(a) => super::history::run(&ctx, a).await,
        Command::Watch {
            account,
            id,
            timeout,
        } => watch::watch(&ctx, account, id, *timeout).await,
        Command::Cancel { account, id } => {
            orders::order_op(&ctx, account, id, OrderOp::Cancel).await
        }
        Command::Finish { account, id } => {
            orders::order_op(&ctx, account, id, OrderOp::Finish).await
        }
        Command::Resend { account, id } => {
            orders::order_op(&ctx, account, id, OrderOp::Resend).await
        }
        Command::Replace { account, id } => {
            orders::order_op(&ctx, account, id, OrderOp::Replace).await
        }
        Command::Stats { since, by, csv } => super::stats::stats(&ctx, *since, by, *csv),
        Command::Best { service, country } => super::best::best(&ctx, service, country).await,
        Command::Deposit(d) => super::deposits::run(&ctx, d).await,
        Command::Email(e) => super::email::run(&ctx, e).await,
        Command::Deposits { account } => super::deposits::list(&ctx, account.as_deref()),
        Command::Webhook(w) => super::webhook::run(&ctx, w).await,
        Command::ApiConfig(c) => super::api_config::run(&ctx, c).await,
        Command::Report(r) => super::report::run(&ctx, r).await,
        Command::Resolve {
            account,
            id,
            charged,
            number,
            ..
        } => orders::resolve(&ctx, account, id, *charged, number.as_deref()).await,
        Command::Orders { active, account } => {
            orders::list_orders(&ctx, *active, account.as_deref())
        }
        Command::Demo
        | Command::Sim(_)
        | Command::Soak { .. }
        | Command::Serve
        | Command::Attach { .. } => Err(fail("internal: not a scripting command")),
    }
}

pub(super) fn provider_err(e: ProviderError) -> CliError {
    fail(e.to_string())
}

pub(super) fn engine_err(e: EngineError) -> CliError {
    fail(e.to_string())
}

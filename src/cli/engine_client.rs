//! The CLI through the engine: when an engine runs on the data dir, the
//! commands that spend (`buy`, `bill pay`, `cancel`, `finish`, `resend`,
//! `resolve`, `deposit create/cancel`, `seller settle`) ask it rather than
//! the provider, so one process writes every money decision and the engine
//! polls what the CLI bought; `watch` takes its news. With no engine, the
//! CLI works alone.

use super::context::Context;
use super::fail;
use super::CliError;
use crate::app::{Action, BookAction};
use crate::domain::{BuyRequest, Order, OrderOp, OrderStatus};
use crate::tui::link::{check_welcome, socket, ScreenLink, ToEngine, ToScreen};
use std::time::Duration;

/// How long the CLI waits for the engine's word on a request it sent.
const REPLY_WAIT: Duration = Duration::from_secs(180);

/// The engine of this data dir past its welcome, if one answers.
pub async fn engine(ctx: &Context) -> Option<ScreenLink> {
    let path = socket::path_for(&ctx.paths.data_dir, &ctx.paths.state_dir);
    let mut link = socket::connect(&path).await?;
    let first = tokio::time::timeout(Duration::from_secs(10), link.rx.recv())
        .await
        .ok()??;
    match check_welcome(first) {
        Ok(_) => Some(link),
        Err(e) => {
            say_err!("otpdeck: the engine is there but {e}; going on alone");
            None
        }
    }
}

/// The engine with its book (the snapshot that follows its welcome).
pub async fn engine_with_book(ctx: &Context) -> Option<(ScreenLink, crate::app::book::Book)> {
    let mut link = engine(ctx).await?;
    match tokio::time::timeout(Duration::from_secs(10), link.rx.recv()).await {
        Ok(Some(ToScreen::Action(Action::Attached(s)))) => Some((link, s.book)),
        _ => None,
    }
}

/// How a buy sent through the engine ended.
// Made once per command; boxing the order would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Bought {
    /// Placed (or an earlier order under the key).
    Order(Order),
    /// No clear reply: the order is UNKNOWN in the journal.
    Unclear(Order),
    /// Refused (nothing charged): why.
    Failed(String),
}

/// Waits for the next action from the engine, or says why none comes.
/// The next action from the engine, and whether it answers this client's
/// own request (rather than being what every screen is sent).
async fn next(link: &mut ScreenLink, what: &str) -> Result<(Action, bool), CliError> {
    match tokio::time::timeout(REPLY_WAIT, link.rx.recv()).await {
        Ok(Some(ToScreen::Action(a))) => Ok((a, false)),
        Ok(Some(ToScreen::Reply(a))) => Ok((a, true)),
        Ok(Some(ToScreen::Welcome(_))) => Ok((Action::Told(Vec::new()), false)),
        Ok(Some(ToScreen::Refused(why))) => Err(fail(format!(
            "the engine dropped this command before {what} was answered ({why}): see `otpdeck orders`"
        ))),
        Ok(None) => Err(fail(format!(
            "the engine went before {what} was answered: see `otpdeck orders` before trying again"
        ))),
        Err(_) => Err(fail(format!(
            "no word from the engine on {what} in {} s: see `otpdeck orders`",
            REPLY_WAIT.as_secs()
        ))),
    }
}

/// Sends `msg` and waits for the action `answer` recognises as its reply
/// (anything else, a poll of another order say, is passed over).
async fn ask<T>(
    mut link: ScreenLink,
    msg: ToEngine,
    what: &str,
    mut answer: impl FnMut(Action, bool) -> Option<T>,
) -> Result<T, CliError> {
    link.tx.send(msg).map_err(|_| {
        fail(format!(
            "the engine went before {what} was sent: nothing was sent"
        ))
    })?;
    loop {
        let (action, reply) = next(&mut link, what).await?;
        if let Some(t) = answer(action, reply) {
            return Ok(t);
        }
    }
}

/// A buy through the engine's book (it journals, sends, and polls).
pub async fn buy(link: ScreenLink, account: &str, req: BuyRequest) -> Result<Bought, CliError> {
    let key = req.idempotency_key.clone();
    let start = BookAction::StartBuys {
        account: account.to_string(),
        requests: vec![req],
        now: chrono::Utc::now(),
    };
    ask(link, ToEngine::Book(start), "the buy", |a, _| match a {
        Action::Book(BookAction::OrderChanged(o))
            if o.idempotency_key == key && o.account == account =>
        {
            match o.status {
                OrderStatus::Buying => None,
                OrderStatus::Unknown => Some(Bought::Unclear(o)),
                _ => Some(Bought::Order(o)),
            }
        }
        Action::Book(BookAction::BuyFailed {
            idempotency_key,
            error,
            ..
        }) if idempotency_key == key => Some(Bought::Failed(error)),
        _ => None,
    })
    .await
}

/// A buy (or a bill's payment) by the rules every spending command
/// follows: through the engine's book when one runs, else here through
/// `orders::buy`; the journal's order, or why not.
pub async fn buy_here_or_there(
    ctx: &Context,
    p: &dyn crate::providers::Provider,
    journal: &crate::engine::journal::Journal,
    account: &str,
    req: BuyRequest,
) -> Result<Result<Order, crate::engine::orders::EngineError>, CliError> {
    use crate::engine::orders::{self, EngineError};
    Ok(match engine(ctx).await {
        Some(link) => match buy(link, account, req).await? {
            Bought::Order(o) => Ok(o),
            Bought::Unclear(o) => Err(EngineError::Ambiguous {
                order: Box::new(o),
                reason: "the engine got no clear reply".into(),
            }),
            Bought::Failed(why) => return Err(fail(format!("not bought: {why}"))),
        },
        None => orders::buy(p, journal, account, &req)
            .await
            .map(|c| c.order),
    })
}

/// How an order operation through the engine ended.
#[allow(clippy::large_enum_variant)]
pub enum Done {
    Order(Order),
    Failed {
        error: String,
        retry_after: Option<Duration>,
    },
}

/// Cancel, finish or resend through the engine.
pub async fn order_op(link: ScreenLink, op: OrderOp, order: &Order) -> Result<Done, CliError> {
    let id = order.id;
    let msg = ToEngine::Effect(crate::app::Effect::Order { op, order_id: id });
    // A poll of the same order may report first: the answer is the order
    // ended (cancel, finish) or the engine's word on the resend.
    let mut resent = false;
    ask(link, msg, "the request", |a, reply| match a {
        Action::Book(BookAction::ActionFailed {
            order_id,
            op: Some(failed),
            error,
            retry_after,
            ..
        }) if order_id == id && failed == op => Some(Done::Failed { error, retry_after }),
        // The engine's word on the resend is this client's own reply.
        Action::Notice(_) if reply && op == OrderOp::Resend => {
            resent = true;
            None
        }
        Action::Book(BookAction::OrderChanged(o)) if o.id == id => {
            let ended = o.status.is_final();
            let done = (op == OrderOp::Resend && resent) || (op != OrderOp::Resend && ended);
            done.then_some(Done::Order(o))
        }
        _ => None,
    })
    .await
}

/// Settles an UNKNOWN order by hand through the engine: the order as
/// settled, or why the engine refused.
pub async fn settle(
    link: ScreenLink,
    order: &Order,
    verdict: crate::domain::clues::Verdict,
    number: Option<String>,
) -> Result<Result<Order, String>, CliError> {
    let id = order.id;
    let msg = ToEngine::Effect(crate::app::Effect::Settle {
        order_id: id,
        verdict,
        number,
    });
    ask(link, msg, "settling the order", |a, _| match a {
        Action::Book(BookAction::SettleFailed { order_id, error }) if order_id == id => {
            Some(Err(error))
        }
        Action::Book(BookAction::OrderChanged(o))
            if o.id == id && o.status != OrderStatus::Unknown =>
        {
            Some(Ok(o))
        }
        _ => None,
    })
    .await
}

/// Creates a deposit through the engine (it journals it, then watches it
/// for the payment): the deposit, or why not.
pub async fn create_deposit(
    link: ScreenLink,
    account: &str,
    request: crate::domain::DepositRequest,
) -> Result<Result<crate::domain::Deposit, String>, CliError> {
    let key = request.key.clone();
    let msg = ToEngine::Effect(crate::app::Effect::CreateDeposit {
        account: account.to_string(),
        request,
    });
    ask(link, msg, "the deposit", |a, _| match a {
        Action::Book(BookAction::DepositChanged(d))
            if d.key == key
                && d.account == account
                && d.status != crate::domain::DepositStatus::Creating =>
        {
            Some(Ok(d))
        }
        Action::DepositFailed {
            account: a,
            deposit_id: None,
            error,
        } if a == account => Some(Err(error)),
        _ => None,
    })
    .await
}

/// Cancels a deposit through the engine: the deposit after, or why not.
pub async fn cancel_deposit(
    link: ScreenLink,
    deposit: &crate::domain::Deposit,
) -> Result<Result<crate::domain::Deposit, String>, CliError> {
    let id = deposit.id;
    let msg = ToEngine::Effect(crate::app::Effect::CancelDeposit { deposit_id: id });
    ask(link, msg, "the cancel", |a, _| match a {
        Action::Book(BookAction::DepositChanged(d)) if d.id == id && d.status.is_final() => {
            Some(Ok(d))
        }
        Action::DepositFailed {
            deposit_id: Some(d),
            error,
            ..
        } if d == id => Some(Err(error)),
        _ => None,
    })
    .await
}

/// A seller's settlement (or its resumption) through the engine: how it
/// ended, or why not.
pub async fn seller_settle(
    link: ScreenLink,
    account: &str,
    call: crate::app::views::seller::SellerCall,
) -> Result<Result<crate::domain::seller::SettleOutcome, String>, CliError> {
    use crate::app::views::seller::SellerReply;
    let msg = ToEngine::Effect(crate::app::Effect::Seller {
        account: account.to_string(),
        call,
    });
    ask(link, msg, "the settlement", |a, _| match a {
        Action::Seller {
            account: a,
            reply: SellerReply::Settled(r),
        } if a == account => Some(r),
        _ => None,
    })
    .await
}

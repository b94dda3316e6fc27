//! The CLI through the engine: when an engine runs on the data dir, the
//! commands that spend (`buy`, `cancel`, `finish`, `resend`) ask it rather
//! than the provider, so one process writes every money decision and the
//! engine polls what the CLI bought. With no engine, the CLI works alone.

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
async fn next(link: &mut ScreenLink, what: &str) -> Result<Action, CliError> {
    match tokio::time::timeout(REPLY_WAIT, link.rx.recv()).await {
        Ok(Some(ToScreen::Action(a))) => Ok(a),
        Ok(Some(ToScreen::Welcome(_))) => Ok(Action::Notice(String::new())),
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

/// A buy through the engine's book (it journals, sends, and polls).
pub async fn buy(mut link: ScreenLink, account: &str, req: BuyRequest) -> Result<Bought, CliError> {
    let key = req.idempotency_key.clone();
    let start = BookAction::StartBuys {
        account: account.to_string(),
        requests: vec![req],
        now: chrono::Utc::now(),
    };
    link.tx
        .send(ToEngine::Book(start))
        .map_err(|_| fail("the engine went before the buy was sent; nothing was bought"))?;
    loop {
        match next(&mut link, "the buy").await? {
            Action::Book(BookAction::OrderChanged(o))
                if o.idempotency_key == key && o.account == account =>
            {
                match o.status {
                    OrderStatus::Buying => {}
                    OrderStatus::Unknown => return Ok(Bought::Unclear(o)),
                    _ => return Ok(Bought::Order(o)),
                }
            }
            Action::Book(BookAction::BuyFailed {
                idempotency_key,
                error,
                ..
            }) if idempotency_key == key => return Ok(Bought::Failed(error)),
            _ => {}
        }
    }
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
pub async fn order_op(mut link: ScreenLink, op: OrderOp, order: &Order) -> Result<Done, CliError> {
    let id = order.id;
    link.tx
        .send(ToEngine::Effect(crate::app::Effect::Order {
            op,
            order_id: id,
        }))
        .map_err(|_| fail("the engine went before the request was sent; nothing changed"))?;
    // A poll of the same order may report first: the answer is the order
    // ended (cancel, finish) or the engine's word on the resend.
    let mut resent = false;
    loop {
        match next(&mut link, "the request").await? {
            Action::Book(BookAction::ActionFailed {
                order_id,
                op: Some(failed),
                error,
                retry_after,
                ..
            }) if order_id == id && failed == op => return Ok(Done::Failed { error, retry_after }),
            Action::Notice(_) if op == OrderOp::Resend => resent = true,
            Action::Book(BookAction::OrderChanged(o)) if o.id == id => {
                let ended = o.status.is_final();
                if (op == OrderOp::Resend && resent) || (op != OrderOp::Resend && ended) {
                    return Ok(Done::Order(o));
                }
            }
            _ => {}
        }
    }
}

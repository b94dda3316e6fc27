//! The orders in the journal: `cancel`, `finish`, `resend`, `replace`
//! (one `OrderOp` each, through `engine::orders::run_op`) and `orders`.

use super::context::Context;
use super::output::{orders_table, print_json, print_table, OrderJson};
use super::scripting::engine_err;
use super::{exit, fail, CliError, CliResult};
use crate::domain::{Order, OrderOp};
use crate::engine::journal::{Journal, OrderFilter};
use crate::engine::orders::{self, EngineError, Verdict};
use crate::providers::ProviderError;
use serde_json::json;

pub(super) fn find_order(journal: &Journal, account: &str, id: &str) -> Result<Order, CliError> {
    journal
        .find(Some(account), id)
        .map_err(|e| fail(e.to_string()))?
        .ok_or_else(|| {
            fail(format!(
                "no order '{id}' for account '{account}' in the journal (see `otpdeck orders`)"
            ))
        })
}

pub(super) fn print_order_result(ctx: &Context, o: &Order, text: String) {
    if ctx.json {
        print_json(&OrderJson::from(o));
    } else {
        // One line whatever the provider sent: `$(otpdeck watch …)` gets
        // the code, never a second line the provider wrote.
        println!("{}", crate::domain::text::visible(&text));
    }
}

/// Cancel, finish or resend (any `OrderOp`) through the engine's one entry
/// point (the engine process's, when one runs; replace always here); the
/// command only words the outcome.
pub(super) async fn order_op(ctx: &Context, account: &str, id: &str, op: OrderOp) -> CliResult {
    let acc = ctx.account(account)?;
    let p = ctx.provider(acc)?;
    let journal = ctx.journal()?;
    let order = find_order(&journal, &acc.name, id)?;
    if op != OrderOp::Replace {
        if let Some(link) = super::engine_client::engine(ctx).await {
            use super::engine_client::Done;
            return match super::engine_client::order_op(link, op, &order).await? {
                Done::Order(o) => {
                    print_order_result(ctx, &o, done_text(op, &order, &o));
                    Ok(exit::OK)
                }
                Done::Failed {
                    retry_after: Some(d),
                    ..
                } => Err(cooldown(ctx, op, &order, d)),
                Done::Failed { error, .. } => Err(fail(error)),
            };
        }
    }
    match orders::run_op(op, p.as_ref(), &journal, &order).await {
        Ok(done) => {
            print_order_result(ctx, &done.order, done_text(op, &order, &done.order));
            Ok(exit::OK)
        }
        // A cooldown is a state, not a failure: say when it ends, with its
        // own exit code.
        Err(EngineError::Provider(ProviderError::RateLimited {
            retry_after: Some(d),
            ..
        })) => Err(cooldown(ctx, op, &order, d)),
        Err(e) => Err(engine_err(e)),
    }
}

/// What an operation that went through says (`o`: the order after it).
fn done_text(op: OrderOp, order: &Order, o: &Order) -> String {
    match op {
        OrderOp::Cancel => match o.refunded {
            Some(r) => format!("Cancelled order #{}; refunded {r}.", o.id),
            None if crate::domain::order_ops::refund_unknown(o) => format!(
                "Cancelled order #{}; the provider named no refund, so it counts as spent until it does (refund unknown).",
                o.id
            ),
            None => format!("Cancelled order #{}.", o.id),
        },
        OrderOp::Finish => format!("Finished order #{}.", o.id),
        OrderOp::Resend => format!(
            "{}; watch it for the new code.",
            crate::domain::order_ops::resend_done(o)
        ),
        OrderOp::Replace => format!(
            "Replaced order #{} with #{} ({}).",
            order.id,
            o.id,
            o.number.as_deref().unwrap_or("-")
        ),
    }
}

/// A cooldown is a state, not a failure: when it ends, with its own exit
/// code.
fn cooldown(ctx: &Context, op: OrderOp, order: &Order, d: std::time::Duration) -> CliError {
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
    CliError {
        message,
        code: exit::COOLDOWN,
    }
}

/// `resolve`: the user checked the provider; the engine's one "settle by
/// hand" rule closes the UNKNOWN order (the dashboard's popup calls the
/// same function).
pub(super) async fn resolve(
    ctx: &Context,
    account: &str,
    id: &str,
    charged: bool,
    number: Option<&str>,
) -> CliResult {
    let acc = ctx.account(account)?;
    let journal = ctx.journal()?;
    let order = find_order(&journal, &acc.name, id)?;
    let verdict = if charged {
        Verdict::Charged
    } else {
        Verdict::NotCharged
    };
    // With an engine running, it settles (its book then knows): one writer.
    let o = match super::engine_client::engine(ctx).await {
        Some(link) => {
            super::engine_client::settle(link, &order, verdict, number.map(str::to_string))
                .await?
                .map_err(fail)?
        }
        None => orders::settle_by_hand(&journal, &order, verdict, number, chrono::Utc::now())
            .map_err(engine_err)?,
    };
    let text = if charged {
        format!(
            "Order #{} settled by hand: charged {}{}.",
            o.id,
            o.price,
            o.number
                .as_deref()
                .map(|n| format!(", number {n}"))
                .unwrap_or_default()
        )
    } else {
        format!("Order #{} settled by hand: not charged.", o.id)
    };
    print_order_result(ctx, &o, text);
    Ok(exit::OK)
}

pub(super) fn list_orders(ctx: &Context, active: bool, account: Option<&str>) -> CliResult {
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
        say!("No orders{}.", if active { " active" } else { "" });
    } else {
        print_table(&orders_table(&list));
    }
    Ok(exit::OK)
}

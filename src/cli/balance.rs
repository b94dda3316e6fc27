//! `balance`: every account's balance, asked at once.

use super::context::Context;
use super::output::{print_json, print_table};
use super::{exit, fail, CliResult};
use crate::domain::columns::{Column, Table};
use serde_json::json;

pub(super) async fn balance(ctx: &Context, only: Option<&str>) -> CliResult {
    let accounts: Vec<_> = match only {
        Some(name) => vec![ctx.account(name)?],
        // Seller keys answer no buyer balance call: left out of "all".
        None => ctx
            .config
            .accounts
            .iter()
            .filter(|a| !a.role.is_seller())
            .collect(),
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
        // Columns as wide as the names and figures they hold.
        let mut t = Table::new(vec![
            Column::value("account"),
            Column::value("provider"),
            Column::value("balance").right(),
            Column::value(""),
        ])
        .gap(2);
        let mut total = crate::money::Rupiah::ZERO;
        for (a, r) in &results {
            match r {
                Ok(b) => {
                    total += *b;
                    t.push([&a.name, a.provider.as_str(), &b.to_string(), ""]);
                }
                Err(e) => t.push([&a.name, a.provider.as_str(), "error", e]),
            }
        }
        if results.len() > 1 {
            t.push(["total", "", &total.to_string(), ""]);
        }
        print_table(&t);
    }
    Ok(if failed > 0 { exit::ERROR } else { exit::OK })
}

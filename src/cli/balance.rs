//! `balance`: every account's balance, asked at once.

use super::context::Context;
use super::output::print_json;
use super::{exit, fail, CliResult};
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
        let mut total = crate::money::Rupiah::ZERO;
        for (a, r) in &results {
            match r {
                Ok(b) => {
                    total += *b;
                    say!(
                        "{:<16} {:<8} {:>16}",
                        a.name,
                        a.provider.as_str(),
                        b.to_string()
                    );
                }
                Err(e) => say!(
                    "{:<16} {:<8} {:>16}  {e}",
                    a.name,
                    a.provider.as_str(),
                    "error"
                ),
            }
        }
        if results.len() > 1 {
            say!("{:<25} {:>16}", "total", total.to_string());
        }
    }
    Ok(if failed > 0 { exit::ERROR } else { exit::OK })
}

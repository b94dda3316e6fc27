//! `catalog`: services, their countries and offers. Names are resolved by
//! `domain::naming`, the rule the dashboard uses too.

use super::context::Context;
use super::output::print_json;
use super::scripting::provider_err;
use super::{exit, fail, CliError, CliResult};
use crate::domain::naming::{self, NameError, NameKind};
use crate::domain::Offer;

/// The service `wanted` names: asked of the API's search first (NEXOTP
/// filters server-side), then of the whole list. A search result only
/// counts when it names the service exactly: a prefix match among a few
/// search results could differ from what the whole list would give.
pub(super) async fn find_service(
    p: &dyn crate::providers::Provider,
    wanted: &str,
) -> Result<crate::domain::Service, CliError> {
    use crate::engine::compare::{lookup_service, LookupError};
    lookup_service(p, wanted).await.map_err(|e| match e {
        LookupError::Provider(e) => provider_err(e),
        LookupError::Name(e) => name_err(e),
        LookupError::NoCountries(m) => fail(m),
    })
}

/// A naming error as the CLI says it: a service list can be long, so it
/// points at the command that prints it.
pub(super) fn name_err(e: NameError) -> CliError {
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

pub(super) async fn catalog(
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
                say!("{:<12} {}", s.id, s.name);
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
                        say!(
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
            say!("{}", offer_line(o));
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

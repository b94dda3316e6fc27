//! `catalog`: services, their countries and offers. Names are resolved by
//! `domain::naming`, the rule the dashboard uses too.

use super::context::Context;
use super::output::{print_json, print_table};
use super::scripting::provider_err;
use super::{exit, fail, CliError, CliResult};
use crate::domain::columns::{Column, Table};
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
            let mut t = Table::new(vec![Column::value("id"), Column::value("name")]).gap(2);
            for s in &services {
                t.push([&s.id, &s.name]);
            }
            print_table(&t);
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
                    let mut t = Table::new(vec![
                        Column::value("id"),
                        Column::value("country"),
                        Column::value("prefix"),
                        Column::value("stock").right(),
                    ])
                    .gap(2);
                    for c in &countries {
                        t.push([
                            c.id.clone(),
                            c.name.clone(),
                            c.prefix.clone().unwrap_or_default(),
                            c.stock.map(|s| s.to_string()).unwrap_or_default(),
                        ]);
                    }
                    print_table(&t);
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
        let mut t = Table::new(vec![
            Column::value("offer id"),
            Column::value("offer"),
            Column::value("price").right(),
            Column::value("stock").right(),
            Column::value("rate").right(),
            Column::value("operators"),
        ])
        .gap(2);
        for o in &offers {
            t.push(offer_cells(o));
        }
        print_table(&t);
    }
    Ok(exit::OK)
}

/// An offer's cells: the id `buy --offer` takes, the label, the price, the
/// stock (or SOLD OUT), the success rate and the operators.
fn offer_cells(o: &Offer) -> [String; 6] {
    let stock = match o.stock {
        _ if !o.in_stock() => "SOLD OUT".to_string(),
        Some(s) => s.to_string(),
        None => "-".to_string(),
    };
    let rate = o
        .success_rate
        .map(|r| format!("{r:.0}%"))
        .unwrap_or_else(|| "-".into());
    let ops = o
        .operators
        .iter()
        .map(|op| op.id.as_str())
        .collect::<Vec<_>>()
        .join(",");
    [
        o.id.clone(),
        o.label.clone(),
        o.price.to_string(),
        stock,
        rate,
        ops,
    ]
}

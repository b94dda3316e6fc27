//! `accounts` and `info`: what is configured and where things live.

use super::context::Context;
use super::output::{print_json, print_table};
use super::{exit, CliResult};
use crate::domain::columns::{Column, Table};
use crate::domain::text::url_without_userinfo;
use serde_json::json;

pub(super) fn accounts(ctx: &Context) -> CliResult {
    if ctx.json {
        let list: Vec<_> = ctx
            .config
            .accounts
            .iter()
            .map(|a| {
                json!({
                    "name": a.name,
                    "provider": a.provider.as_str(),
                    "base_url": url_without_userinfo(&a.base_url),
                    "key_source": a.key.kind(),
                    "role": if a.role.is_seller() { "seller" } else { "buyer" },
                })
            })
            .collect();
        print_json(&list);
    } else if ctx.config.accounts.is_empty() {
        say!("No accounts configured. Copy config.example.toml to your config file and add one.");
    } else {
        let mut t = Table::new(vec![
            Column::value("name"),
            Column::value("provider"),
            Column::value("role"),
            Column::value("base url"),
            Column::value("key from"),
        ])
        .gap(2);
        for a in &ctx.config.accounts {
            t.push([
                a.name.as_str(),
                a.provider.as_str(),
                if a.role.is_seller() {
                    "seller"
                } else {
                    "buyer"
                },
                &url_without_userinfo(&a.base_url),
                a.key.kind(),
            ]);
        }
        print_table(&t);
    }
    Ok(exit::OK)
}

pub(super) fn info(ctx: &Context) -> CliResult {
    let p = &ctx.paths;
    // Where a config was looked for: the file named (--config or
    // OTPDECK_CONFIG) is read or is an error, so only the default is
    // ever searched without being found.
    let searched = crate::config::default_path();
    let config = p
        .config_file
        .as_ref()
        .map(|c| c.display().to_string())
        .unwrap_or_else(|| match &searched {
            Some(s) => format!("(none: built-in defaults; looked for {})", s.display()),
            None => "(none: built-in defaults; no config folder on this system)".into(),
        });
    if ctx.json {
        print_json(&json!({
            "config": p.config_file,
            "config_searched": searched,
            "data_dir": p.data_dir,
            "state_dir": p.state_dir,
            "journal": p.journal,
            "log": p.log_file,
        }));
    } else {
        say!("config   {config}");
        say!("data     {}", p.data_dir.display());
        say!("state    {}", p.state_dir.display());
        say!("journal  {}", p.journal.display());
        say!("log      {}", p.log_file.display());
    }
    Ok(exit::OK)
}

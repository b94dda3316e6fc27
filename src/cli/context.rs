//! What every scripting command needs: the config, the paths, the journal,
//! and a provider adapter for a named account.

use super::{fail, Cli, CliError};
use crate::config::{self, AccountConfig, Config};
use crate::engine::journal::Journal;
use crate::paths::Paths;
use crate::providers::{self, SharedProvider};

pub struct Context {
    pub config: Config,
    pub paths: Paths,
    pub json: bool,
}

impl Context {
    pub fn load(cli: &Cli) -> Result<Context, CliError> {
        let loaded = config::load(cli.config.as_deref()).map_err(|e| fail(e.to_string()))?;
        for w in &loaded.warnings {
            say_err!("otpdeck: warning: {w}");
        }
        crate::domain::naming::install_aliases(&loaded.config.aliases);
        let paths = Paths::resolve(loaded.path.clone(), cli.data_dir.clone(), &loaded.config);
        Ok(Context {
            config: loaded.config,
            paths,
            json: cli.json,
        })
    }

    pub fn journal(&self) -> Result<Journal, CliError> {
        self.paths.ensure().map_err(|e| {
            fail(format!(
                "cannot create {}: {e}",
                self.paths.data_dir.display()
            ))
        })?;
        Journal::open(&self.paths.journal).map_err(|e| fail(e.to_string()))
    }

    /// The rules on spending for `count` buys of `price` on `account`,
    /// now, at the local midnight: checked before anything is sent.
    pub fn check_rules(
        &self,
        journal: &Journal,
        account: &str,
        service: &str,
        price: crate::money::Rupiah,
        count: u32,
    ) -> Result<(), CliError> {
        let offset = *chrono::Local::now().offset();
        crate::engine::spend_limits::check_buys(
            &self.config.rules,
            journal,
            account,
            service,
            price,
            count,
            chrono::Utc::now(),
            offset,
        )
        .map_err(fail)
    }

    pub fn account(&self, name: &str) -> Result<&AccountConfig, CliError> {
        let found = self
            .config
            .accounts
            .iter()
            .find(|a| a.name == name)
            .or_else(|| {
                self.config
                    .accounts
                    .iter()
                    .find(|a| a.name.eq_ignore_ascii_case(name))
            });
        found.ok_or_else(|| {
            let names: Vec<&str> = self.config.accounts.iter().map(|a| a.name.as_str()).collect();
            if names.is_empty() {
                fail(format!(
                    "no account named '{name}': the config has no accounts (see config.example.toml)"
                ))
            } else {
                fail(format!("no account named '{name}' (configured: {})", names.join(", ")))
            }
        })
    }

    pub fn provider(&self, account: &AccountConfig) -> Result<SharedProvider, CliError> {
        let settings = account.buyer_settings().map_err(fail)?;
        providers::build(&settings).map_err(|e| fail(format!("account '{}': {e}", account.name)))
    }
}

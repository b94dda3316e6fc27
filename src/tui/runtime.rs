//! The runtime: what carries out the app's effects. It holds each
//! account's adapter, the journal and the pollers (the engine's: copy,
//! bell and notifications are each screen's, `screen.rs`); the
//! effects themselves are in `effects/`, one file per feature.

use crate::app::{AccountInfo, Action, AppSettings};
use crate::domain::{Order, ProviderKind};
use crate::engine::journal::Journal;
use crate::engine::poller::PollTiming;
use crate::providers::gotopup::{GoTopUpKeyApi, GoTopUpSeller};
use crate::providers::{ProviderSettings, SharedProvider};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// One account ready for the dashboard: its adapter, or why it has none.
pub struct RuntimeAccount {
    pub info: AccountInfo,
    pub provider: Result<SharedProvider, String>,
    /// A seller key's clients (the seller view), or why there are none.
    pub seller: Option<Result<Arc<SellerClients>, String>>,
}

impl RuntimeAccount {
    /// Builds the adapter from resolved settings (or carries why there are
    /// none); the account's capabilities come from its adapter.
    pub fn new(
        name: String,
        kind: ProviderKind,
        settings: Result<ProviderSettings, String>,
    ) -> RuntimeAccount {
        let provider =
            settings.and_then(|s| crate::providers::build(&s).map_err(|e| e.to_string()));
        let caps = provider
            .as_ref()
            .map(|p| p.capabilities())
            .unwrap_or_default();
        RuntimeAccount {
            info: AccountInfo {
                name,
                kind,
                caps,
                seller: false,
            },
            provider,
            seller: None,
        }
    }

    /// A GoTopUp seller account: no buyer adapter, its seller clients
    /// from its settings (or why not, said in the accounts pane).
    pub fn seller_account(
        name: String,
        settings: Result<ProviderSettings, String>,
    ) -> RuntimeAccount {
        let clients = settings.and_then(|s| SellerClients::new(&s)).map(Arc::new);
        RuntimeAccount {
            info: AccountInfo {
                name,
                kind: ProviderKind::GoTopUp,
                caps: Default::default(),
                seller: true,
            },
            provider: Err("a seller key answers the seller calls only".into()),
            seller: Some(clients),
        }
    }
}

pub struct RuntimeOptions {
    pub accounts: Vec<RuntimeAccount>,
    pub settings: AppSettings,
    pub journal: Arc<Journal>,
    pub clipboard: crate::config::ClipboardMode,
    pub osc52_passthrough: bool,
    pub balance_refresh: Duration,
    /// Said in the status bar at start (config warnings, demo hints).
    pub notices: Vec<String>,
    /// Rules on spending, checked before every buy is sent.
    pub rules: crate::domain::Rules,
    /// The webhook receiver, when configured.
    pub webhook: Option<super::webhook::WebhookRun>,
}

pub(super) struct Runtime {
    pub tx: UnboundedSender<Action>,
    pub providers: HashMap<String, SharedProvider>,
    pub journal: Arc<Journal>,
    pub pollers: HashMap<i64, JoinHandle<()>>,
    pub deposit_pollers: HashMap<i64, JoinHandle<()>>,
    pub timing: PollTiming,
    pub rules: crate::domain::Rules,
    /// Seller keys' clients by account name.
    pub sellers: HashMap<String, Arc<SellerClients>>,
}

/// A seller key's clients: its `/api/seller/*` calls and its reports.
pub struct SellerClients {
    pub seller: GoTopUpSeller,
    pub keys: GoTopUpKeyApi,
}

impl SellerClients {
    /// From the account's resolved settings; why not, in words without
    /// the key.
    pub fn new(settings: &ProviderSettings) -> Result<SellerClients, String> {
        Ok(SellerClients {
            seller: GoTopUpSeller::new(settings).map_err(|e| e.to_string())?,
            keys: GoTopUpKeyApi::new(settings, true).map_err(|e| e.to_string())?,
        })
    }
}

pub(super) fn send(tx: &UnboundedSender<Action>, a: Action) {
    // The loop is gone only while the engine stops; nothing left to tell.
    let _ = tx.send(a);
}

impl Runtime {
    pub(super) fn provider(&self, account: &str) -> Option<SharedProvider> {
        self.providers.get(account).cloned()
    }

    pub(super) fn order(&self, id: i64) -> Option<Order> {
        self.journal.order(id).ok().flatten()
    }

    pub fn stop_all(&mut self) {
        for (_, h) in self.pollers.drain().chain(self.deposit_pollers.drain()) {
            h.abort();
        }
    }
}

//! API settings of a GoTopUp key: `GET`/`POST /api/buyer/api/config` and,
//! for a seller key, `/api/seller/api/config`. The doc shows only a POST
//! for the seller; a GET of the same path with the buyer's reply shape is
//! assumed (a server without it answers 404/405, shown as such).
//!
//! Both calls are safe to repeat: one reads, the other sets values.

use super::payload;
use crate::domain::api_config::{ApiSettings, ApiSettingsChange};
use crate::providers::http::{Http, Retry};
use crate::providers::lenient::{self, parse};
use crate::providers::{extensions, Auth, ProviderError, ProviderSettings};
use crate::secret::Secret;
use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{json, Value};

/// `data` of both replies. `api_key` is deliberately not a field: the key
/// is a secret and is never read back. `is_active` is in the GET only.
#[derive(Deserialize)]
struct Wire {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    webhook_url: Option<String>,
    /// Assumed a list of strings as in the example; `null` reads as empty.
    #[serde(default)]
    ip_whitelist: Option<Vec<String>>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    rate_limit: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    is_active: Option<bool>,
}

/// A Bearer key's own calls, buyer's or seller's: its API settings here,
/// its reports (reports.rs).
pub struct GoTopUpKeyApi {
    pub(super) http: Http,
    pub(super) key: Secret,
    /// `/api/buyer` or `/api/seller`: the settings are at ROLE/api/config,
    /// the reports at ROLE/reports.
    pub(super) role: &'static str,
}

impl GoTopUpKeyApi {
    /// The settings client of a Bearer-key account; `seller` picks the
    /// seller's path. An Otomax-only account has no such settings.
    pub fn new(settings: &ProviderSettings, seller: bool) -> Result<Self, ProviderError> {
        let key = bearer_key(&settings.auth, "API settings and reports with Otomax auth")?;
        Ok(GoTopUpKeyApi {
            http: Http::new(&settings.base_url, settings.http, settings.auth.secrets())?,
            key,
            role: if seller { "/api/seller" } else { "/api/buyer" },
        })
    }

    /// The buyer's settings client of the dashboard's own adapter: same
    /// connections, same key.
    pub(super) fn of_buyer(g: &super::GoTopUp) -> Result<Self, ProviderError> {
        Ok(GoTopUpKeyApi {
            http: g.http.clone(),
            key: bearer_key(&g.auth, "API settings with Otomax auth")?,
            role: "/api/buyer",
        })
    }

    pub async fn get(&self) -> Result<ApiSettings, ProviderError> {
        self.call(reqwest::Method::GET, None).await
    }

    /// Sends only what `change` gives; the reply is the settings now.
    pub async fn set(&self, change: &ApiSettingsChange) -> Result<ApiSettings, ProviderError> {
        crate::domain::api_config::check_change(change).map_err(|m| ProviderError::Rejected {
            status: 0,
            message: format!("not sent: {m}"),
        })?;
        let mut body = serde_json::Map::new();
        if let Some(u) = &change.webhook_url {
            body.insert("webhook_url".into(), json!(u.trim()));
        }
        if let Some(ips) = &change.ip_whitelist {
            body.insert("ip_whitelist".into(), json!(ips));
        }
        if let Some(n) = change.rate_limit {
            body.insert("rate_limit".into(), json!(n));
        }
        self.call(reqwest::Method::POST, Some(Value::Object(body)))
            .await
    }

    async fn call(
        &self,
        method: reqwest::Method,
        body: Option<Value>,
    ) -> Result<ApiSettings, ProviderError> {
        let path = format!("{}/api/config", self.role);
        let v = bearer_call(&self.http, &self.key, method, &path, body, Retry::Safe).await?;
        let w: Wire = parse(v, "API settings")?;
        Ok(settings_of(w))
    }
}

impl super::GoTopUp {
    /// The buyer key's own client, once a slot of the account's rate limit
    /// is taken for its call.
    pub(super) async fn key_api(&self) -> Result<GoTopUpKeyApi, ProviderError> {
        let c = GoTopUpKeyApi::of_buyer(self)?;
        self.limiter.acquire().await;
        Ok(c)
    }
}

/// A buyer key's settings, through its own client.
#[async_trait]
impl extensions::ApiSettings for super::GoTopUp {
    async fn get_settings(&self) -> Result<ApiSettings, ProviderError> {
        let c = self.key_api().await?;
        c.get().await
    }

    /// A saved rate limit is the one the poller keeps to from now on.
    async fn set_settings(&self, change: &ApiSettingsChange) -> Result<ApiSettings, ProviderError> {
        let c = self.key_api().await?;
        let saved = c.set(change).await?;
        if let Some(n) = saved.rate_limit {
            self.limiter.set_limit(n.clamp(1, 1000));
        }
        Ok(saved)
    }
}

/// One call with a Bearer key, answered with the reply's payload: the
/// seller's calls, the settings and the reports alike.
pub(super) async fn bearer_call(
    http: &Http,
    key: &Secret,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    retry: Retry,
) -> Result<Value, ProviderError> {
    let url = http.url(path);
    let reply = http
        .send(retry, |c| {
            let r = c.request(method.clone(), &url).bearer_auth(key.expose());
            match &body {
                Some(b) => r.json(b),
                None => r,
            }
        })
        .await?;
    payload(&reply)
}

/// The Bearer key of an account; `what` is what an Otomax-only account
/// cannot do (those calls need the key).
pub(super) fn bearer_key(auth: &Auth, what: &'static str) -> Result<Secret, ProviderError> {
    match auth {
        Auth::ApiKey(k) => Ok(k.clone()),
        Auth::Otomax { .. } => Err(ProviderError::Unsupported(what.into())),
    }
}

fn settings_of(w: Wire) -> ApiSettings {
    ApiSettings {
        webhook_url: w.webhook_url.filter(|u| !u.is_empty()),
        ip_whitelist: w.ip_whitelist.unwrap_or_default(),
        rate_limit: w.rate_limit.and_then(|n| u32::try_from(n).ok()),
        is_active: w.is_active,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::ok;
    use super::*;

    #[test]
    fn doc_examples_read_without_the_key() {
        let get: Wire = ok(
            r#"{"status": "success", "code": "00", "data": {"api_key": "buyer_api_key_123", "webhook_url": "https://your-domain.com/webhook", "ip_whitelist": ["192.168.1.1"], "rate_limit": 100, "is_active": true}}"#,
        );
        let s = settings_of(get);
        assert_eq!(
            s,
            ApiSettings {
                webhook_url: Some("https://your-domain.com/webhook".into()),
                ip_whitelist: vec!["192.168.1.1".into()],
                rate_limit: Some(100),
                is_active: Some(true),
            }
        );
        assert!(!format!("{s:?}").contains("api_key_123"));
        // The seller's POST reply: an empty whitelist, no is_active.
        let post: Wire = ok(
            r#"{"status": "success", "code": "00", "message": "API config berhasil diupdate", "data": {"api_key": "seller_api_key_123", "webhook_url": "https://your-domain.com/webhook", "ip_whitelist": [], "rate_limit": 100}}"#,
        );
        let s = settings_of(post);
        assert_eq!((s.ip_whitelist.len(), s.is_active), (0, None));
    }
}

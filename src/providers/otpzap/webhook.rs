//! Webhook settings: `GET /webhook/get` and `PATCH /webhook/update`.
//!
//! Assumed shapes (the doc names the fields, shows no bodies):
//! * get → `data: {"url": "https://…" | null, "events": ["order.otp_received",
//!   …], "is_active": true}`; never a secret ("only shown once at
//!   set/update time"). `events` may also come as one comma-separated string.
//! * update, PATCH with only the fields to change: `{"url", "events",
//!   "is_active"}` → the saved configuration, plus `secret` when one was set
//!   or generated at this call. We never send a secret: OTPZap then
//!   generates a 48-char hex one. The doc does not say whether an update
//!   without a secret rotates an existing one, so we show whatever secret a
//!   reply carries, once, and say when none came.
//! * 422 for a URL that is not HTTPS or resolves to a private address, or
//!   an unknown event.
//!
//! Not retried: a lost reply may have carried the only copy of a new secret,
//! and a replay could generate another.

use super::wire::{self, Obj};
use super::OtpZap;
use crate::domain::webhook::{WebhookChange, WebhookConfig, WebhookSaved};
use crate::providers::http::Retry;
use crate::providers::{ProviderError, Webhooks};
use crate::secret::Secret;
use async_trait::async_trait;
use serde_json::{Map, Value};

#[async_trait]
impl Webhooks for OtpZap {
    async fn get_webhook(&self) -> Result<WebhookConfig, ProviderError> {
        let v = self.get("/webhook/get", &[]).await?;
        config(&v)
    }

    async fn update_webhook(&self, change: &WebhookChange) -> Result<WebhookSaved, ProviderError> {
        let mut body = Map::new();
        if let Some(u) = &change.url {
            body.insert("url".into(), Value::from(u.trim()));
        }
        if let Some(e) = &change.events {
            body.insert("events".into(), Value::from(e.clone()));
        }
        if let Some(a) = change.is_active {
            body.insert("is_active".into(), Value::from(a));
        }
        let url = self.http.url("/webhook/update");
        let body = Value::Object(body);
        let reply = self
            .http
            .send(Retry::Never, |c| {
                c.patch(&url).bearer_auth(self.key.expose()).json(&body)
            })
            .await?;
        let v = wire::payload(&reply)?;
        let secret = Obj::new(&v, "webhook")?
            .opt_string(&["secret", "webhook_secret"])?
            .filter(|s| !s.is_empty())
            .map(Secret::new);
        Ok(WebhookSaved {
            config: config(&v)?,
            secret,
        })
    }
}

fn config(v: &Value) -> Result<WebhookConfig, ProviderError> {
    // No webhook set yet may come as `data: null`.
    if v.is_null() {
        return Ok(WebhookConfig::default());
    }
    let o = Obj::new(v, "webhook")?;
    let events = match o.value(&["events", "event"]) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|e| e.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => crate::domain::webhook::parse_events(s),
        _ => Vec::new(),
    };
    Ok(WebhookConfig {
        url: o
            .opt_string(&["url", "webhook_url"])?
            .filter(|u| !u.is_empty()),
        events,
        is_active: o.opt_bool(&["is_active", "active"]).unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn config_reads_list_or_string_events_and_null() {
        let c = config(&json!({"url": "https://a.example/h", "events": ["*"], "is_active": true}))
            .unwrap();
        assert_eq!(c.url.as_deref(), Some("https://a.example/h"));
        assert_eq!(c.events, ["*"]);
        assert!(c.is_active);
        let c = config(&json!({"url": null, "events": "order.finished, deposit.success"})).unwrap();
        assert_eq!(c.events, ["order.finished", "deposit.success"]);
        assert_eq!(config(&Value::Null).unwrap(), WebhookConfig::default());
        assert!(config(&json!("nope")).is_err());
    }
}

//! `otpdeck webhook-url --account A` (the path to register with the
//! provider, behind your proxy or tunnel) and the dashboard's receiver set
//! up from `[webhook]`.

use super::context::Context;
use super::{exit, fail, CliResult};
use crate::config::Config;
use crate::engine::webhook::inbox;
use crate::engine::webhook::server::path_for;
use crate::paths::Paths;
use crate::tui::webhook::WebhookRun;

pub fn url(ctx: &Context, account: &str) -> CliResult {
    let Some(hook) = ctx
        .config
        .webhook
        .accounts
        .iter()
        .find(|h| h.account == account)
    else {
        return Err(fail(format!(
            "account '{account}' has no webhook_secret: set one (webhook_secret, webhook_secret_env or webhook_secret_cmd) for an otpzap or gotopup account"
        )));
    };
    let path = path_for(&hook.account);
    let listen = ctx.config.webhook.listen;
    if ctx.json {
        println!(
            "{}",
            serde_json::json!({
                "account": hook.account,
                "path": path,
                "listen": listen.map(|l| l.to_string()),
                "header": hook.header,
            })
        );
    } else {
        println!("{path}");
        match listen {
            Some(l) => eprintln!(
                "otpdeck: register https://<your public host>{path}; the receiver listens on http://{l}{path}"
            ),
            None => eprintln!(
                "otpdeck: register https://<your public host>{path}; the receiver is off until [webhook] listen (or enabled = true) is set"
            ),
        }
    }
    Ok(exit::OK)
}

/// The receiver to start with the dashboard, if `[webhook]` asks for one.
/// An account whose secret cannot be read is left out, with a notice.
pub fn receiver_of(cfg: &Config, paths: &Paths, notices: &mut Vec<String>) -> Option<WebhookRun> {
    let listen = cfg.webhook.listen?;
    let mut accounts = Vec::new();
    for h in &cfg.webhook.accounts {
        match h.resolve() {
            Ok(a) => accounts.push(a),
            Err(e) => notices.push(format!("Webhooks: {e}")),
        }
    }
    if accounts.is_empty() {
        notices.push("Webhooks: [webhook] is set but no account has a webhook_secret".into());
    }
    Some(WebhookRun {
        listen,
        accounts,
        inbox: Some(paths.data_dir.join(inbox::FILE_NAME)),
    })
}

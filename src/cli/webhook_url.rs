//! `otpdeck webhook-url --account A` (the path to register with the
//! provider, behind your proxy or tunnel) and the dashboard's receiver set
//! up from `[webhook]`.

use super::context::Context;
use super::{exit, fail, CliResult};
use crate::config::{Config, KeySource};
use crate::engine::webhook::inbox;
use crate::engine::webhook::server::path_for;
use crate::paths::Paths;
use crate::providers::SharedProvider;
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
            "account '{account}' takes no webhooks: set a webhook_secret (webhook_secret, webhook_secret_env or webhook_secret_cmd) for an otpzap or gotopup account, or webhook_signature = \"none\" for a gotopup one"
        )));
    };
    let path = path_for(&hook.account);
    let listen = ctx.config.webhook.listen;
    if ctx.json {
        say!(
            "{}",
            serde_json::json!({
                "account": hook.account,
                "path": path,
                "listen": listen.map(|l| l.to_string()),
                "header": hook.secret.as_ref().map(|_| &hook.header),
                "signature": if hook.unsigned { "none" } else { "required" },
            })
        );
    } else {
        say!("{path}");
        match listen {
            Some(l) => say_err!(
                "otpdeck: register https://<your public host>{path}; the receiver listens on http://{l}{path}"
            ),
            None => say_err!(
                "otpdeck: register https://<your public host>{path}; the receiver is off until [webhook] listen (or enabled = true) is set"
            ),
        }
    }
    Ok(exit::OK)
}

/// The receiver to start with the dashboard (and `watch`), if `[webhook]`
/// asks for one. An account whose secret or Bearer key cannot be read is
/// left out, with a notice; one taking unsigned deliveries is announced.
pub fn receiver_of(cfg: &Config, paths: &Paths, notices: &mut Vec<String>) -> Option<WebhookRun> {
    let listen = cfg.webhook.listen?;
    let mut accounts = Vec::new();
    for h in &cfg.webhook.accounts {
        let mut a = match h.resolve() {
            Ok(a) => crate::engine::webhook::server::HookAccount::from(a),
            Err(e) => {
                notices.push(format!("Webhooks: {e}"));
                continue;
            }
        };
        if let Some(u) = a.unsigned.as_mut() {
            match confirm_of(cfg, &h.account) {
                Ok(confirm) => u.confirm = confirm,
                Err(e) => {
                    notices.push(format!("Webhooks: account '{}' left out: {e}", h.account));
                    continue;
                }
            }
            notices.push(unsigned_notice(&h.account, u.confirm.is_some()));
        }
        accounts.push(a);
    }
    if accounts.is_empty() {
        notices.push(
            "Webhooks: [webhook] is set but no account takes webhooks (webhook_secret, or webhook_signature = \"none\")".into(),
        );
    }
    Some(WebhookRun {
        listen,
        accounts,
        inbox: Some(paths.data_dir.join(inbox::FILE_NAME)),
    })
}

/// The adapter that confirms an unsigned delivery by history: the
/// account's Bearer key (its `api_key`, or the one beside an Otomax pair).
/// None when it has none; an error when it has one that cannot be read,
/// since taking the account's callbacks unchecked would then be a
/// surprise.
fn confirm_of(cfg: &Config, account: &str) -> Result<Option<SharedProvider>, String> {
    let Some(a) = cfg.accounts.iter().find(|a| a.name == account) else {
        return Ok(None);
    };
    let bearer = !matches!(a.key, KeySource::Otomax { .. }) || a.otomax.history_key.is_some();
    if !bearer {
        return Ok(None);
    }
    let settings = a.buyer_settings()?;
    crate::providers::build(&settings)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Said at start, in the status bar and on stderr: this account's
/// callbacks are taken without a signature.
fn unsigned_notice(account: &str, confirmed: bool) -> String {
    let how = if confirmed {
        "each is confirmed by a history lookup before an order ends"
    } else {
        "no Bearer key to check them, so orders they end are marked \"by callback, unverified\""
    };
    format!(
        "WARNING Webhooks: account '{account}' takes UNSIGNED callbacks (webhook_signature = \"none\"): anyone who can reach the receiver can end its waiting top-ups; {how}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_accounts_are_announced_and_confirm_only_with_a_bearer_key() {
        let cfg = crate::config::from_toml_str(
            "[webhook]\nenabled = true\n\
             [[accounts]]\nname='oto'\nprovider='gotopup'\notomax_username='u'\notomax_sign='sim-s'\nwebhook_signature='none'\n\
             [[accounts]]\nname='oto-key'\nprovider='gotopup'\notomax_username='u'\notomax_sign='sim-s'\napi_key='sim-k'\nwebhook_signature='none'\n\
             [[accounts]]\nname='oto-lost'\nprovider='gotopup'\notomax_username='u'\notomax_sign='sim-s'\napi_key_env='OTPDECK_TEST_UNSET_KEY_41'\nwebhook_signature='none'\n",
        )
        .unwrap();
        let dir = std::path::PathBuf::from("/nonexistent-otpdeck-test");
        let paths = Paths {
            config_file: None,
            data_dir: dir.clone(),
            state_dir: dir.clone(),
            journal: dir.join("j"),
            log_file: dir.join("l"),
        };
        let mut notices = Vec::new();
        let run = receiver_of(&cfg, &paths, &mut notices).unwrap();
        let confirm = |name: &str| {
            run.accounts
                .iter()
                .find(|a| a.name == name)
                .and_then(|a| a.unsigned.as_ref())
                .map(|u| u.confirm.is_some())
        };
        assert_eq!(confirm("oto"), Some(false));
        assert_eq!(confirm("oto-key"), Some(true));
        // A Bearer key that cannot be read: left out, not taken unchecked.
        assert_eq!(confirm("oto-lost"), None);
        let said = notices.join("\n");
        assert!(said.contains("'oto' takes UNSIGNED"), "{said}");
        assert!(said.contains("unverified"), "{said}");
        assert!(said.contains("'oto-key' takes UNSIGNED"), "{said}");
        assert!(said.contains("'oto-lost' left out"), "{said}");
        assert!(!said.contains("sim-k") && !said.contains("sim-s"), "{said}");
    }
}

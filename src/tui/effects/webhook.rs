//! OTPZap's webhook settings, read and changed from the dashboard.

use crate::app::Action;
use crate::domain::webhook::WebhookChange;
use crate::providers::offered;
use crate::tui::runtime::Runtime;

impl Runtime {
    pub(super) fn webhook_get(&self, account: String) {
        let acc = account.clone();
        self.ask(
            &acc,
            |p| async move {
                offered(p.webhooks(), "webhook settings")?
                    .get_webhook()
                    .await
            },
            move |result| Action::WebhookLoaded { account, result },
        );
    }

    pub(super) fn webhook_set(&self, account: String, change: WebhookChange) {
        let acc = account.clone();
        self.ask(
            &acc,
            move |p| async move {
                offered(p.webhooks(), "webhook settings")?
                    .update_webhook(&change)
                    .await
            },
            move |result| Action::WebhookSaved {
                account,
                result: result.map(|s| (s.config, s.secret)),
            },
        );
    }
}

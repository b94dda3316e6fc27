//! What only some APIs can do, one small trait each. An adapter that has
//! one implements it and returns `Some(self)` from the matching accessor on
//! `Provider` (`bills()`, `history()`, `reports()`, `api_settings()`,
//! `webhooks()`, `deposits()`); the others keep the accessor's `None`.
//! A caller asks with `offered(p.bills(), "postpaid bills")?`, which fails
//! with the same `Unsupported` words as before when the API has none.
//!
//! | trait         | GoTopUp | OTPZap         | GateOTP                | NEXOTP |
//! | ------------- | ------- | -------------- | ---------------------- | ------ |
//! | `Bills`       | yes     |                |                        |        |
//! | `History`     | yes     |                |                        |        |
//! | `Reports`     | yes     |                |                        |        |
//! | `ApiSettings` | yes     |                |                        |        |
//! | `Webhooks`    |         | yes            |                        |        |
//! | `Deposits`    | create  | create, status | create, status, cancel |        |

use super::ProviderError;
use crate::domain::api_config;
use crate::domain::bill::Bill;
use crate::domain::history::{HistoryPage, HistoryQuery};
use crate::domain::report::{Report, ReportQuery};
use crate::domain::webhook::{WebhookChange, WebhookConfig, WebhookSaved};
use crate::domain::{DepositRequest, DepositUpdate};
use async_trait::async_trait;

/// The extension an accessor returned, or `Unsupported(what)` when the API
/// has none: `offered(p.history(), "transaction history")?.page(&q)`.
pub fn offered<'a, T: ?Sized>(
    ext: Option<&'a T>,
    what: &'static str,
) -> Result<&'a T, ProviderError> {
    ext.ok_or(ProviderError::Unsupported(what.into()))
}

/// Postpaid bills (GoTopUp, "Inquiry (Pascabayar)": `POST
/// /api/buyer/inquiry`). The payment is a `Provider::buy` whose service id
/// starts with `domain::bill::BILL_SERVICE_PREFIX` ("Payment (Pascabayar)").
#[async_trait]
pub trait Bills: Send + Sync {
    /// A bill's amount, name and period for a product and customer number.
    async fn inquiry(&self, product: &str, customer: &str) -> Result<Bill, ProviderError>;
}

/// The provider's own transaction history (GoTopUp, "Transaction History":
/// `POST /api/buyer/transactions`).
#[async_trait]
pub trait History: Send + Sync {
    /// One page of it, newest first.
    async fn page(&self, q: &HistoryQuery) -> Result<HistoryPage, ProviderError>;
}

/// Reports (GoTopUp, "Reports": `POST /api/buyer/reports`).
#[async_trait]
pub trait Reports: Send + Sync {
    /// Figures and rows for a kind and a range.
    async fn report(&self, q: &ReportQuery) -> Result<Report, ProviderError>;
}

/// The API's own settings: webhook URL, IP whitelist, rate limit (GoTopUp,
/// "API Configuration": `GET`/`POST /api/buyer/api/config`).
#[async_trait]
pub trait ApiSettings: Send + Sync {
    async fn get_settings(&self) -> Result<api_config::ApiSettings, ProviderError>;
    /// Saves a change; the reply is the settings as saved.
    async fn set_settings(
        &self,
        change: &api_config::ApiSettingsChange,
    ) -> Result<api_config::ApiSettings, ProviderError>;
}

/// Webhook settings (OTPZap, "Webhook Management": `GET /webhook/get`,
/// `PATCH /webhook/update`).
#[async_trait]
pub trait Webhooks: Send + Sync {
    async fn get_webhook(&self) -> Result<WebhookConfig, ProviderError>;
    /// Saves a change; a secret the reply carries is shown only then.
    async fn update_webhook(&self, change: &WebhookChange) -> Result<WebhookSaved, ProviderError>;
}

/// Deposits: GoTopUp ("Deposit": `POST /api/buyer/deposit`, no status
/// call), OTPZap ("Account & Balance": `/topup/create`, `/topup/check`) and
/// GateOTP ("Create Deposit", "Deposit Status", "Deposit Cancel" (V2):
/// `/api/deposit/create`, `/status/:trxId`, `/cancel`).
#[async_trait]
pub trait Deposits: Send + Sync {
    /// Creates a deposit invoice (or, on GoTopUp, the deposit itself).
    async fn create(&self, req: &DepositRequest) -> Result<DepositUpdate, ProviderError>;
    /// Where deposit `id` (the provider's id) stands. GoTopUp has no such
    /// call: its deposit is as the create reply left it.
    async fn status(&self, _id: &str) -> Result<DepositUpdate, ProviderError> {
        Err(ProviderError::Unsupported("deposit status".into()))
    }
    /// Cancels a pending deposit (GateOTP only).
    async fn cancel(&self, _id: &str) -> Result<DepositUpdate, ProviderError> {
        Err(ProviderError::Unsupported("deposit cancel".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProviderKind;
    use crate::providers::{build, Auth, ProviderSettings, SharedProvider};
    use crate::secret::Secret;

    /// An adapter that is never asked anything: nothing listens there.
    fn adapter(kind: ProviderKind) -> SharedProvider {
        let auth = Auth::ApiKey(Secret::new("unused-key"));
        build(&ProviderSettings::new(kind, "http://127.0.0.1:9", auth)).expect("adapter")
    }

    #[test]
    fn each_adapter_offers_what_the_table_says() {
        let offers = |kind| {
            let p = adapter(kind);
            [
                p.bills().is_some(),
                p.history().is_some(),
                p.reports().is_some(),
                p.api_settings().is_some(),
                p.webhooks().is_some(),
                p.deposits().is_some(),
            ]
        };
        use ProviderKind::*;
        assert_eq!(offers(GoTopUp), [true, true, true, true, false, true]);
        assert_eq!(offers(OtpZap), [false, false, false, false, true, true]);
        assert_eq!(offers(GateOtp), [false, false, false, false, false, true]);
        assert_eq!(offers(NexOtp), [false; 6]);
    }

    #[tokio::test]
    async fn what_an_api_lacks_is_unsupported_in_the_old_words() {
        let nex = adapter(ProviderKind::NexOtp);
        let e = offered(nex.bills(), "postpaid bills").err().unwrap();
        assert_eq!(
            e.to_string(),
            "postpaid bills is not supported by this provider"
        );
        // Within Deposits, the calls an API does not document (nothing is
        // sent: the defaults answer).
        let gtu = adapter(ProviderKind::GoTopUp);
        let gtu = gtu.deposits().unwrap();
        assert_eq!(
            gtu.status("x").await,
            Err(ProviderError::Unsupported("deposit status".into()))
        );
        let zap = adapter(ProviderKind::OtpZap);
        assert_eq!(
            zap.deposits().unwrap().cancel("x").await,
            Err(ProviderError::Unsupported("deposit cancel".into()))
        );
    }
}

//! GoTopUp buyer deposits (`POST /api/buyer/deposit` with `amount` and a
//! `ref_id`). The doc's reply is the deposit done: `data: {"ref_id",
//! "amount", "balance_before", "balance_after", "timestamp"}` with "Deposit
//! berhasil", so a clear reply is a success crediting `amount`. Where the
//! reply carries a `status` other than success (pending, with payment
//! instructions in `message` or `data.instructions`), that is shown as it
//! is. There is no status call for deposits; the ref_id makes a repeated
//! request safe. Otomax accounts have no documented deposit call.

use super::{lenient, GoTopUp, ProviderError};
use crate::domain::spending::SpendingCall;
use crate::domain::{DepositRequest, DepositStatus, DepositUpdate};
use crate::money::Rupiah;
use crate::providers::{Auth, Deposits};
use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Deposited {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    ref_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_rupiah")]
    amount: Option<Rupiah>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    instructions: Option<String>,
}

/// A deposit status word; None for a word the doc does not use, which is
/// kept pending (shown as it came), never read as credited.
fn status_word(word: &str) -> Option<DepositStatus> {
    Some(match lenient::norm(word).as_str() {
        "success" | "sukses" | "berhasil" | "paid" | "completed" => DepositStatus::Success,
        "pending" | "processing" | "waiting" => DepositStatus::Pending,
        "failed" | "rejected" | "gagal" => DepositStatus::Failed,
        "expired" => DepositStatus::Expired,
        _ => return None,
    })
}

/// No `status`: the trait's default says GoTopUp has no such call.
#[async_trait]
impl Deposits for GoTopUp {
    async fn create(&self, req: &DepositRequest) -> Result<DepositUpdate, ProviderError> {
        let Auth::ApiKey(key) = &self.auth else {
            return Err(ProviderError::Unsupported(
                "deposits on Otomax accounts".into(),
            ));
        };
        let v = self
            .post_spending(
                "/api/buyer/deposit",
                json!({"amount": req.amount.0, "ref_id": req.key}),
                key,
                SpendingCall::DepositCreate(crate::domain::ProviderKind::GoTopUp),
            )
            .await?;
        let d: Deposited = lenient::parse(v, "deposit")?;
        // The doc's reply has no status word: "Deposit berhasil" is success.
        let (status, odd) = match d.status.as_deref() {
            None => (DepositStatus::Success, None),
            Some(w) => match status_word(w) {
                Some(s) => (s, None),
                None => (DepositStatus::Pending, Some(w.to_string())),
            },
        };
        let amount = d.amount.unwrap_or(req.amount);
        let note = match (odd, d.instructions) {
            (Some(w), i) => Some(format!(
                "the provider said {:?}, a word its doc does not use: kept pending, not credited{}",
                w,
                i.map(|i| format!("; {i}")).unwrap_or_default()
            )),
            (None, i) => i,
        };
        Ok(DepositUpdate {
            provider_id: Some(d.ref_id.unwrap_or_else(|| req.key.clone())),
            status: Some(status),
            total: Some(amount),
            credited: (status == DepositStatus::Success).then_some(amount),
            note,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_doc_example_is_a_credited_deposit() {
        let v = super::super::payload(&super::super::tests::reply(
            200,
            r#"{"status": "success", "code": "00", "message": "Deposit berhasil", "data": {"ref_id": "DEPO-001", "amount": 100000, "balance_before": 500000, "balance_after": 600000, "timestamp": "2025-01-15T10:30:00Z"}}"#,
        ))
        .unwrap();
        let d: Deposited = lenient::parse(v, "d").unwrap();
        assert_eq!(d.ref_id.as_deref(), Some("DEPO-001"));
        assert_eq!(d.amount, Some(Rupiah(100_000)));
        assert_eq!(status_word("PENDING"), Some(DepositStatus::Pending));
        // A word the doc does not use is never read as credited.
        assert_eq!(status_word("quantum_flux"), None);
    }
}

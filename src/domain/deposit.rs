//! Deposits: money paid into an account's own balance (GateOTP QRIS or
//! USDT, OTPZap QRIS top-ups, GoTopUp buyer deposits), and the one rule
//! for what each API accepts, shared by the CLI and the dashboard.

use super::ProviderKind;
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a deposit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepositStatus {
    /// Journaled, request not answered yet.
    Creating,
    /// Invoice made, waiting for the payment.
    Pending,
    /// Paid and credited.
    Success,
    Cancelled,
    Expired,
    Failed,
    /// The create request got no clear reply: an invoice may exist.
    Unknown,
}

impl DepositStatus {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DepositStatus::Success
                | DepositStatus::Cancelled
                | DepositStatus::Expired
                | DepositStatus::Failed
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DepositStatus::Creating => "creating",
            DepositStatus::Pending => "pending",
            DepositStatus::Success => "success",
            DepositStatus::Cancelled => "cancelled",
            DepositStatus::Expired => "expired",
            DepositStatus::Failed => "failed",
            DepositStatus::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<DepositStatus> {
        Some(match s {
            "creating" => DepositStatus::Creating,
            "pending" => DepositStatus::Pending,
            "success" => DepositStatus::Success,
            "cancelled" => DepositStatus::Cancelled,
            "expired" => DepositStatus::Expired,
            "failed" => DepositStatus::Failed,
            "unknown" => DepositStatus::Unknown,
            _ => return None,
        })
    }
}

impl std::fmt::Display for DepositStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the user pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DepositMethod {
    #[serde(rename = "qris")]
    Qris,
    #[serde(rename = "usdt-trc-20")]
    UsdtTrc20,
    /// The API takes no method (GoTopUp).
    #[serde(rename = "direct")]
    Direct,
}

impl DepositMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            DepositMethod::Qris => "qris",
            DepositMethod::UsdtTrc20 => "usdt-trc-20",
            DepositMethod::Direct => "direct",
        }
    }

    pub fn parse(s: &str) -> Option<DepositMethod> {
        match s.trim().to_ascii_lowercase().as_str() {
            "qris" => Some(DepositMethod::Qris),
            "usdt-trc-20" | "usdt" | "usdt-trc20" => Some(DepositMethod::UsdtTrc20),
            "direct" => Some(DepositMethod::Direct),
            _ => None,
        }
    }
}

/// What an API's deposit call takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepositRules {
    /// The doc's minimum; None where it names none.
    pub min: Option<Rupiah>,
    pub methods: &'static [DepositMethod],
    pub cancel: bool,
}

/// The deposit rules of `kind`'s API; None where it takes no deposits.
pub fn deposit_rules(kind: ProviderKind) -> Option<DepositRules> {
    match kind {
        ProviderKind::GateOtp => Some(DepositRules {
            min: Some(Rupiah(2_000)),
            methods: &[DepositMethod::Qris, DepositMethod::UsdtTrc20],
            cancel: true,
        }),
        // The doc names no minimum: any positive amount is sent, and the
        // API's own refusal is shown as such.
        ProviderKind::OtpZap => Some(DepositRules {
            min: None,
            methods: &[DepositMethod::Qris],
            cancel: false,
        }),
        ProviderKind::GoTopUp => Some(DepositRules {
            min: Some(Rupiah(50_000)),
            methods: &[DepositMethod::Direct],
            cancel: false,
        }),
        ProviderKind::NexOtp => None,
    }
}

/// The most one invoice asks for (no API names a maximum).
pub const MAX_DEPOSIT: Rupiah = Rupiah(100_000_000);

/// Checks a deposit before anything is sent: the API takes deposits, the
/// amount is at least its minimum, the method is one it offers (None: its
/// first). Gives the method to use, or the reason in words.
pub fn check_deposit(
    kind: ProviderKind,
    amount: Rupiah,
    method: Option<DepositMethod>,
) -> Result<DepositMethod, String> {
    let Some(rules) = deposit_rules(kind) else {
        return Err(format!(
            "{} takes no deposits through its API",
            kind.display_name()
        ));
    };
    if amount.0 <= 0 {
        return Err(format!(
            "{amount} is not an amount to deposit; nothing was sent"
        ));
    }
    if let Some(min) = rules.min.filter(|m| amount < *m) {
        return Err(format!(
            "{} takes deposits of at least {min}; {amount} was not sent",
            kind.display_name(),
        ));
    }
    // No doc names a maximum; past this a typo (one zero too many) is far
    // likelier than a wish, and an invoice for it is refused here.
    if amount > MAX_DEPOSIT {
        return Err(format!(
            "{amount} is more than otpdeck puts in one invoice ({MAX_DEPOSIT}); nothing was sent: check the amount, or split it"
        ));
    }
    match method {
        None => Ok(rules.methods[0]),
        Some(m) if rules.methods.contains(&m) => Ok(m),
        Some(m) => Err(format!(
            "{} has no deposit method {} (has: {})",
            kind.display_name(),
            m.as_str(),
            rules
                .methods
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A deposit request: what the user asked for and the key it is sent with
/// (GoTopUp's `ref_id`, OTPZap's Idempotency-Key; GateOTP takes none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositRequest {
    pub amount: Rupiah,
    pub method: DepositMethod,
    pub key: String,
}

/// What a provider says about a deposit.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DepositUpdate {
    /// The provider's id (trxId, order_id, ref_id).
    pub provider_id: Option<String>,
    pub status: Option<DepositStatus>,
    /// What the payer pays (amount plus fee), where the API gives it.
    pub total: Option<Rupiah>,
    pub fee: Option<Rupiah>,
    /// What is credited to the balance, once known.
    pub credited: Option<Rupiah>,
    /// A QRIS payload or a payment URL to pay with, while pending.
    pub payment: Option<String>,
    /// Payment instructions or the API's message.
    pub note: Option<String>,
    /// The wallet or bank that paid (GateOTP `brand_name`).
    pub paid_with: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Fields of the reply beyond those the adapter reads, as (the API's
    /// key, its value): payment details the doc does not name (a USDT
    /// invoice's address and amount). Empty: nothing new, the kept ones
    /// stay.
    pub extras: Vec<(String, String)>,
}

/// A deposit as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deposit {
    /// Local number (journal row).
    pub id: i64,
    pub account: String,
    pub provider: ProviderKind,
    pub key: String,
    pub provider_id: Option<String>,
    pub amount: Rupiah,
    pub method: DepositMethod,
    pub status: DepositStatus,
    pub total: Option<Rupiah>,
    pub fee: Option<Rupiah>,
    pub credited: Option<Rupiah>,
    pub payment: Option<String>,
    pub paid_with: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Payment details the API sent beyond the documented fields, as
    /// (its key, the value), shown whole (`DepositUpdate::extras`).
    #[serde(default)]
    pub extras: Vec<(String, String)>,
}

impl Deposit {
    /// A poller can ask about it: the provider knows it and it is not over.
    pub fn pollable(&self) -> bool {
        self.provider_id.is_some() && self.status == DepositStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimums_and_methods_are_checked_before_sending() {
        let gate = ProviderKind::GateOtp;
        assert!(check_deposit(gate, Rupiah(1_999), None)
            .unwrap_err()
            .contains("at least Rp 2.000"));
        assert_eq!(
            check_deposit(gate, Rupiah(2_000), None),
            Ok(DepositMethod::Qris)
        );
        assert_eq!(
            check_deposit(gate, Rupiah(5_000), Some(DepositMethod::UsdtTrc20)),
            Ok(DepositMethod::UsdtTrc20)
        );
        assert!(check_deposit(ProviderKind::GoTopUp, Rupiah(49_999), None).is_err());
        assert!(check_deposit(
            ProviderKind::OtpZap,
            Rupiah(50_000),
            Some(DepositMethod::UsdtTrc20)
        )
        .is_err());
        assert!(check_deposit(ProviderKind::NexOtp, Rupiah(50_000), None)
            .unwrap_err()
            .contains("no deposits"));
        // OTPZap names no minimum: none is invented.
        assert!(check_deposit(ProviderKind::OtpZap, Rupiah(1), None).is_ok());
        // No API names a maximum: one zero too many is refused here.
        assert!(
            check_deposit(ProviderKind::OtpZap, Rupiah(999_999_999_999), None)
                .unwrap_err()
                .contains("nothing was sent")
        );
        assert!(check_deposit(gate, MAX_DEPOSIT, None).is_ok());
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            DepositStatus::Creating,
            DepositStatus::Pending,
            DepositStatus::Success,
            DepositStatus::Cancelled,
            DepositStatus::Expired,
            DepositStatus::Failed,
            DepositStatus::Unknown,
        ] {
            assert_eq!(DepositStatus::parse(s.as_str()), Some(s));
        }
    }
}

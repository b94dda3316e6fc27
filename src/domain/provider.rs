//! Which API an account speaks and what that API can do.

use super::spending;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    GateOtp,
    NexOtp,
    OtpZap,
    GoTopUp,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 4] = [
        ProviderKind::GateOtp,
        ProviderKind::NexOtp,
        ProviderKind::OtpZap,
        ProviderKind::GoTopUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::GateOtp => "gateotp",
            ProviderKind::NexOtp => "nexotp",
            ProviderKind::OtpZap => "otpzap",
            ProviderKind::GoTopUp => "gotopup",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::GateOtp => "GateOTP",
            ProviderKind::NexOtp => "NEXOTP",
            ProviderKind::OtpZap => "OTPZap",
            ProviderKind::GoTopUp => "GoTopUp",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gateotp" => Ok(ProviderKind::GateOtp),
            "nexotp" => Ok(ProviderKind::NexOtp),
            "otpzap" => Ok(ProviderKind::OtpZap),
            "gotopup" => Ok(ProviderKind::GoTopUp),
            other => Err(format!(
                "unknown provider '{other}' (expected gateotp, nexotp, otpzap or gotopup)"
            )),
        }
    }
}

/// What an account's API can do; the UI offers only what is supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct Capabilities {
    /// Catalog goes service -> country -> offer (false: service -> offer).
    pub countries: bool,
    pub operators: bool,
    pub cancel: bool,
    pub finish: bool,
    pub resend: bool,
    pub replace: bool,
    /// Buys take a product code and a customer number (PPOB top-up).
    pub topup: bool,
    /// Otomax accounts (GoTopUp): Some(`otomax_resend_is_status`). Which
    /// buys may be replayed is the spending table's answer
    /// (`spending::buy_call`), not the adapter's.
    pub otomax: Option<bool>,
    /// Seconds after a buy before the API lets it be cancelled (OTPZap: 120).
    pub cancel_after_secs: Option<u64>,
}

impl Capabilities {
    /// The spending call a buy of `offer_id` on this account makes.
    pub fn buy_call(
        &self,
        kind: ProviderKind,
        service_id: &str,
        offer_id: &str,
    ) -> spending::SpendingCall {
        spending::buy_call(kind, self.otomax, service_id, offer_id)
    }
}

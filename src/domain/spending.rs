//! The one table of calls that move money, and what their replies mean.
//!
//! Every path that spends (buys, top-ups, bills, inboxes, deposits,
//! settlements) asks this table two things: may the request be sent again
//! after a lost reply (`SpendingCall::repeat`), and what does a failure say
//! about the money (`verdict`). Adapters only say which call a request is;
//! the HTTP layer's retries, the dashboard's replays, the reconcile at
//! start and `watch` all take their answer from here. Anything a doc does
//! not state is `Unclear`: never a blind retry, never "not charged".
//!
//! The README's money section is this table (`markdown`), checked by a test.

use super::ProviderKind;

/// A request that may take money from (or commit money of) an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpendingCall {
    /// An SMS number (GateOTP, NEXOTP, OTPZap Server 1 and 2).
    SmsBuy(ProviderKind),
    /// OTPZap Server 3 `/order/email-create`.
    EmailCreate,
    /// OTPZap Server 1 `/order/replace`: cancel and buy again in one call.
    SmsReplace,
    /// OTPZap `/order/email-reorder`.
    EmailReorder,
    /// GoTopUp Bearer `/api/buyer/transaction`.
    TopUp,
    /// GoTopUp Otomax `/api/otomax/request`; `resend_is_status` is the
    /// account's opt-in that a repeated `ref_id` is only a status check.
    OtomaxRequest { resend_is_status: bool },
    /// GoTopUp `/api/buyer/payment` (postpaid bill).
    BillPayment,
    /// A deposit invoice (GateOTP, OTPZap, GoTopUp).
    DepositCreate(ProviderKind),
    /// GoTopUp seller `/api/seller/settlement/request`.
    SettlementRequest,
}

/// What makes sending the same request again safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// The doc says a repeat under the same key returns the original.
    Keyed,
    /// The doc gives a read that finds the request by its reference: a lost
    /// reply is looked up there first, and re-sent only when the read says
    /// the reference is unused.
    LookupFirst,
    /// The doc says a repeat is not charged again.
    Free,
    /// Nothing: a lost reply stays unclear until the provider's own record
    /// (a push, a status read, the user) settles it.
    Never,
}

/// What a failed request says about the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Carried out (a reply we could read said so).
    Done,
    /// Certainly not carried out.
    NotDone,
    /// May have been carried out: keep it, show the amount at risk.
    Unclear,
}

/// A failure as the table reads it (from `ProviderError::failure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The request never left (connect failure, refused before sending).
    NotSent,
    /// The provider answered with this HTTP status.
    Status(u16),
    /// The provider answered 2xx with an explicit failure word in the body.
    Refused,
    /// The request went out and no reply came back (timeout, cut).
    NoReply,
    /// A reply came that could not be read.
    Unreadable,
}

/// One row: the call, its endpoint, and the doc sentences it rests on.
#[derive(Debug, Clone, Copy)]
pub struct SpendingRule {
    pub call: SpendingCall,
    pub api: &'static str,
    pub endpoint: &'static str,
    pub repeat: Repeat,
    /// The doc sentence the repeat rule rests on, or "doc silent".
    pub repeat_doc: &'static str,
    /// 5xx statuses the doc names as "not done" for this call.
    pub refusals: &'static [u16],
    /// The doc sentence behind `refusals`.
    pub refusal_doc: &'static str,
}

const SILENT: &str = "doc silent: unclear";

/// Every spending call. Order: as the README shows them.
pub const TABLE: &[SpendingRule] = &[
    SpendingRule {
        call: SpendingCall::SmsBuy(ProviderKind::GateOtp),
        api: "GateOTP",
        endpoint: "POST /api/otp/order",
        repeat: Repeat::Never,
        repeat_doc: "doc silent: no idempotency key, no lookup by reference",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::SmsBuy(ProviderKind::NexOtp),
        api: "NEXOTP",
        endpoint: "POST /api/v1/order",
        repeat: Repeat::Keyed,
        repeat_doc: "idempotencyKey: \"Mencegah order ganda saat retry\"",
        refusals: &[503],
        refusal_doc: "503: \"Nomor tidak tersedia\"",
    },
    SpendingRule {
        call: SpendingCall::SmsBuy(ProviderKind::OtpZap),
        api: "OTPZap S1/S2",
        endpoint: "/order/create",
        repeat: Repeat::Keyed,
        repeat_doc: "\"Optional header Idempotency-Key prevents duplicate orders on retry\"",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::EmailCreate,
        api: "OTPZap S3",
        endpoint: "/order/email-create",
        repeat: Repeat::Never,
        repeat_doc: "doc silent: no key for email orders",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::SmsReplace,
        api: "OTPZap S1",
        endpoint: "/order/replace",
        repeat: Repeat::Never,
        repeat_doc: "doc silent: \"Atomically cancel the current order and buy a fresh number\", no key",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::EmailReorder,
        api: "OTPZap S3",
        endpoint: "/order/email-reorder",
        repeat: Repeat::Free,
        repeat_doc: "\"OTPZap balance is not debited again\" (still sent once: a repeat would reset the window twice)",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::TopUp,
        api: "GoTopUp Bearer",
        endpoint: "POST /api/buyer/transaction",
        repeat: Repeat::LookupFirst,
        repeat_doc: "ref_id: \"Unique reference ID for this transaction\"; /api/buyer/transactions lists ref_id",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::OtomaxRequest {
            resend_is_status: false,
        },
        api: "GoTopUp Otomax",
        endpoint: "GET /api/otomax/request",
        repeat: Repeat::Never,
        repeat_doc: "doc silent on a repeated ref_id; opt-in: otomax_resend_is_status = true makes it Keyed",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::BillPayment,
        api: "GoTopUp Bearer",
        endpoint: "POST /api/buyer/payment",
        repeat: Repeat::LookupFirst,
        repeat_doc: "ref_id: \"Unique reference ID for this payment\"; /api/buyer/transactions lists ref_id",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::DepositCreate(ProviderKind::GateOtp),
        api: "GateOTP",
        endpoint: "POST /api/deposit/create",
        repeat: Repeat::Never,
        repeat_doc: "doc silent: no key (and at most 3 pending invoices)",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::DepositCreate(ProviderKind::OtpZap),
        api: "OTPZap",
        endpoint: "/topup/create",
        repeat: Repeat::Keyed,
        repeat_doc: "\"Send a unique Idempotency-Key header to avoid duplicate invoices on retry\"",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::DepositCreate(ProviderKind::GoTopUp),
        api: "GoTopUp",
        endpoint: "POST /api/buyer/deposit",
        repeat: Repeat::Never,
        repeat_doc: "doc silent: ref_id \"Unique reference ID for this deposit\", no lookup",
        refusals: &[],
        refusal_doc: SILENT,
    },
    SpendingRule {
        call: SpendingCall::SettlementRequest,
        api: "GoTopUp seller",
        endpoint: "POST /api/seller/settlement/request",
        repeat: Repeat::Never,
        repeat_doc: "doc silent: ref_id optional, \"Unique reference ID\", no settlement lookup",
        refusals: &[],
        refusal_doc: SILENT,
    },
];

impl SpendingCall {
    /// The row of the table for this call.
    pub fn rule(self) -> &'static SpendingRule {
        let key = match self {
            SpendingCall::OtomaxRequest { .. } => SpendingCall::OtomaxRequest {
                resend_is_status: false,
            },
            c => c,
        };
        // Every call has a row (a test walks them all); NEXOTP deposits do
        // not exist, so an unknown call falls back to the strictest row.
        TABLE.iter().find(|r| r.call == key).unwrap_or(&TABLE[0])
    }

    /// What makes a repeat safe, with the account's opt-ins applied.
    pub fn repeat(self) -> Repeat {
        match self {
            SpendingCall::OtomaxRequest {
                resend_is_status: true,
            } => Repeat::Keyed,
            c => c.rule().repeat,
        }
    }

    /// Whether the HTTP layer may send it again on its own (a 502, a cut
    /// connection): only under a key the doc says is honoured.
    pub fn http_retry_safe(self) -> bool {
        self.repeat() == Repeat::Keyed
    }

    /// Whether a lost reply may be replayed under the same key or ref
    /// (directly, or after a lookup finds nothing).
    pub fn replayable(self) -> bool {
        matches!(self.repeat(), Repeat::Keyed | Repeat::LookupFirst)
    }
}

/// The buy call for an order of `kind` for `service_id` / `offer_id`.
/// `otomax` is Some (with the account's `otomax_resend_is_status`) for
/// Otomax accounts.
pub fn buy_call(
    kind: ProviderKind,
    otomax: Option<bool>,
    service_id: &str,
    offer_id: &str,
) -> SpendingCall {
    match kind {
        ProviderKind::OtpZap if super::email::is_email_offer(offer_id) => SpendingCall::EmailCreate,
        ProviderKind::GoTopUp => match otomax {
            Some(resend_is_status) => SpendingCall::OtomaxRequest { resend_is_status },
            None if super::bill::is_bill(service_id) => SpendingCall::BillPayment,
            None => SpendingCall::TopUp,
        },
        k => SpendingCall::SmsBuy(k),
    }
}

/// What `failure` of `call` says about the money. `replay`: the request
/// had been sent before under the same key, so a refusal speaks of this
/// attempt only, not of the first.
pub fn verdict(call: SpendingCall, failure: Failure, replay: bool) -> Verdict {
    match failure {
        // Whatever stopped a replay, the first attempt is still unknown.
        _ if replay => Verdict::Unclear,
        Failure::NotSent => Verdict::NotDone,
        Failure::NoReply | Failure::Unreadable => Verdict::Unclear,
        Failure::Refused => Verdict::NotDone,
        // RFC 9110 §15.5: a 4xx is the client's error, the request was not
        // carried out (429 included: refused before it was looked at).
        Failure::Status(s) if (400..500).contains(&s) => Verdict::NotDone,
        Failure::Status(s) if call.rule().refusals.contains(&s) => Verdict::NotDone,
        // 5xx, or a status no doc explains: it may have been carried out.
        Failure::Status(_) => Verdict::Unclear,
    }
}

/// Whether a doc promises the whole price back for an order of `kind`
/// (with `offer_id`) that ended `status` and named no refund. Where none
/// does, the refund is unknown and the order counts as spent (the daily
/// cap, the statistics) until the provider says otherwise.
pub fn refund_promised(kind: ProviderKind, offer_id: &str, status: super::OrderStatus) -> bool {
    use super::OrderStatus::*;
    match kind {
        // "Saldo akan dikembalikan jika dibatalkan."
        ProviderKind::GateOtp => status == Cancelled,
        // Email cancel: "Refund can be reduced by the system cancellation fee."
        ProviderKind::OtpZap if super::email::is_email_offer(offer_id) => false,
        // "Balance is refunded automatically when system confirms
        // cancellation"; "Failed orders are auto-refunded" (an order that
        // ran out of time ends failed there).
        ProviderKind::OtpZap => matches!(status, Cancelled | Failed | Expired),
        // "Jika order memenuhi syarat refund": only the reply's
        // refundAmount says; GoTopUp names no refund for a failed top-up.
        ProviderKind::NexOtp | ProviderKind::GoTopUp => false,
    }
}

/// The table as the README shows it.
pub fn markdown() -> String {
    let mut out = String::from(
        "| call | endpoint | a repeat is safe when | doc | 5xx that mean \"not done\" |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in TABLE {
        let repeat = match r.repeat {
            Repeat::Keyed => "same key returns the original",
            Repeat::LookupFirst => "looked up by ref_id first, re-sent only if unused",
            Repeat::Free => "not charged again",
            Repeat::Never => "never: unclear until the provider's record settles it",
        };
        let refusals = if r.refusals.is_empty() {
            "none (unclear)".to_string()
        } else {
            format!(
                "{} ({})",
                r.refusals
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                r.refusal_doc
            )
        };
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.api,
            r.endpoint,
            repeat,
            r.repeat_doc.replace('|', "\\|"),
            refusals
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProviderKind::*;

    #[test]
    fn every_call_has_its_own_row() {
        let calls = [
            SpendingCall::SmsBuy(GateOtp),
            SpendingCall::SmsBuy(NexOtp),
            SpendingCall::SmsBuy(OtpZap),
            SpendingCall::EmailCreate,
            SpendingCall::SmsReplace,
            SpendingCall::EmailReorder,
            SpendingCall::TopUp,
            SpendingCall::OtomaxRequest {
                resend_is_status: true,
            },
            SpendingCall::BillPayment,
            SpendingCall::DepositCreate(GateOtp),
            SpendingCall::DepositCreate(OtpZap),
            SpendingCall::DepositCreate(GoTopUp),
            SpendingCall::SettlementRequest,
        ];
        for c in calls {
            let r = c.rule();
            let same = matches!(
                (r.call, c),
                (
                    SpendingCall::OtomaxRequest { .. },
                    SpendingCall::OtomaxRequest { .. }
                )
            ) || r.call == c;
            assert!(same, "{c:?} falls back to {:?}", r.call);
        }
        assert_eq!(TABLE.len(), calls.len());
    }

    #[test]
    fn only_documented_keys_are_replayed() {
        assert!(!SpendingCall::SmsBuy(GateOtp).replayable());
        assert!(SpendingCall::SmsBuy(NexOtp).http_retry_safe());
        let otomax = |resend_is_status| SpendingCall::OtomaxRequest { resend_is_status };
        assert!(!otomax(false).replayable());
        assert!(otomax(true).replayable());
        assert!(SpendingCall::TopUp.replayable());
        assert!(!SpendingCall::TopUp.http_retry_safe());
        assert!(!SpendingCall::SettlementRequest.replayable());
        assert!(!SpendingCall::DepositCreate(GoTopUp).replayable());
        assert!(!SpendingCall::EmailCreate.replayable());
    }

    #[test]
    fn the_calls_of_a_buy() {
        let email = super::super::email::EmailSpec::new("openai.com").offer_id();
        assert_eq!(
            buy_call(OtpZap, None, "email", &email),
            SpendingCall::EmailCreate
        );
        assert_eq!(
            buy_call(OtpZap, None, "wa", "s1:1"),
            SpendingCall::SmsBuy(OtpZap)
        );
        assert_eq!(
            buy_call(GoTopUp, Some(false), "pulsa:telkomsel", "TELKOMSEL5"),
            SpendingCall::OtomaxRequest {
                resend_is_status: false
            }
        );
        assert_eq!(
            buy_call(GoTopUp, None, "pulsa:telkomsel", "TELKOMSEL5"),
            SpendingCall::TopUp
        );
        let bill = format!("{}PLN-PASCABAYAR", super::super::bill::BILL_SERVICE_PREFIX);
        assert_eq!(
            buy_call(GoTopUp, None, &bill, "PLN-PASCABAYAR"),
            SpendingCall::BillPayment
        );
    }

    #[test]
    fn a_5xx_is_unclear_unless_the_doc_names_it() {
        let gate = SpendingCall::SmsBuy(GateOtp);
        assert_eq!(verdict(gate, Failure::Status(503), false), Verdict::Unclear);
        assert_eq!(verdict(gate, Failure::Status(500), false), Verdict::Unclear);
        assert_eq!(verdict(gate, Failure::Status(402), false), Verdict::NotDone);
        assert_eq!(verdict(gate, Failure::NotSent, false), Verdict::NotDone);
        assert_eq!(verdict(gate, Failure::NoReply, false), Verdict::Unclear);
        assert_eq!(verdict(gate, Failure::Unreadable, false), Verdict::Unclear);
        let nex = SpendingCall::SmsBuy(NexOtp);
        assert_eq!(verdict(nex, Failure::Status(503), false), Verdict::NotDone);
        assert_eq!(verdict(nex, Failure::Status(502), false), Verdict::Unclear);
        // A replay's refusal says nothing of the first attempt.
        assert_eq!(verdict(nex, Failure::Status(402), true), Verdict::Unclear);
        assert_eq!(verdict(nex, Failure::NotSent, true), Verdict::Unclear);
    }

    #[test]
    fn readme_shows_the_table() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&markdown()),
            "README.md's money section differs from domain::spending::TABLE; paste this:\n{}",
            markdown()
        );
    }
}

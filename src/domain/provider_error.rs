//! One error type for every adapter. Messages are the API's own words where
//! it gave some, scrubbed of secrets; never a backtrace.

use super::spending::{verdict, Failure, SpendingCall, Verdict};
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ProviderError {
    #[error("the API key was refused: {0}")]
    Unauthorized(String),
    #[error("not enough balance: {0}")]
    InsufficientBalance(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("rate limited{}: {message}", retry_after.map(|d| format!(" (retry in {}s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("the provider is unavailable (HTTP {status}): {message}")]
    Unavailable { status: u16, message: String },
    #[error("the provider refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("unexpected reply from the provider: {0}")]
    Malformed(String),
    #[error("no reply within the time limit")]
    Timeout,
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("connection broke: {0}")]
    Network(String),
    #[error("{0} is not supported by this provider")]
    Unsupported(std::borrow::Cow<'static, str>),
    /// The account has no adapter (its settings could not be read, or it
    /// is a seller key): nothing was sent. The text says why.
    #[error("{0}")]
    NoAdapter(String),
}

impl ProviderError {
    /// True when the request may have reached the provider and been carried
    /// out: a buy that ends like this must not be blindly re-sent.
    /// Any 5xx may come after the work was done (a gateway that timed out
    /// behind the provider); the spending table names the few a doc
    /// documents as refusals (`domain::spending`).
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            ProviderError::Timeout
                | ProviderError::Network(_)
                | ProviderError::Malformed(_)
                | ProviderError::Unavailable { .. }
        )
    }

    /// The failure as the spending table reads it.
    pub fn failure(&self) -> Failure {
        match self {
            ProviderError::Connect(_)
            | ProviderError::Unsupported(_)
            | ProviderError::NoAdapter(_) => Failure::NotSent,
            ProviderError::Timeout | ProviderError::Network(_) => Failure::NoReply,
            ProviderError::Malformed(_) => Failure::Unreadable,
            ProviderError::Unauthorized(_) => Failure::Status(401),
            ProviderError::InsufficientBalance(_) => Failure::Status(402),
            ProviderError::NotFound(_) => Failure::Status(404),
            ProviderError::Conflict(_) => Failure::Status(409),
            ProviderError::RateLimited { .. } => Failure::Status(429),
            ProviderError::Unavailable { status, .. } => Failure::Status(*status),
            // Refused by otpdeck itself before sending (status 0), or an
            // explicit failure word in a 2xx body.
            ProviderError::Rejected { status: 0, .. } => Failure::NotSent,
            ProviderError::Rejected { status, .. } if (200..300).contains(status) => {
                Failure::Refused
            }
            ProviderError::Rejected { status, .. } => Failure::Status(*status),
        }
    }

    /// Whether this failure of `call` may have spent money.
    pub fn unclear_for(&self, call: SpendingCall, replay: bool) -> bool {
        verdict(call, self.failure(), replay) == Verdict::Unclear
    }

    /// Worth trying again later (polls, safe reads).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::Timeout
                | ProviderError::Connect(_)
                | ProviderError::Network(_)
                | ProviderError::Unavailable { .. }
                | ProviderError::RateLimited { .. }
                | ProviderError::Malformed(_)
        )
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A short tag for logs and the journal.
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderError::Unauthorized(_) => "unauthorized",
            ProviderError::InsufficientBalance(_) => "insufficient_balance",
            ProviderError::Conflict(_) => "conflict",
            ProviderError::RateLimited { .. } => "rate_limited",
            ProviderError::NotFound(_) => "not_found",
            ProviderError::Unavailable { .. } => "unavailable",
            ProviderError::Rejected { .. } => "rejected",
            ProviderError::Malformed(_) => "malformed",
            ProviderError::Timeout => "timeout",
            ProviderError::Connect(_) => "connect",
            ProviderError::Network(_) => "network",
            ProviderError::Unsupported(_) => "unsupported",
            ProviderError::NoAdapter(_) => "no_adapter",
        }
    }
}

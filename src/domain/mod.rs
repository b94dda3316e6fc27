//! Provider-neutral types. Adapters map their wire formats onto these; nothing
//! else in otpdeck sees a provider's JSON.

pub mod api_config;
pub mod bill;
mod catalog;
pub mod clues;
pub mod columns;
pub mod compare;
pub mod countries;
mod customer_number;
mod deposit;
pub mod email;
pub mod history;
mod idempotency;
pub mod naming;
mod order;
pub mod order_ops;
mod provider;
mod provider_error;
mod replace;
pub mod report;
pub mod seller;
mod spend_limits;
pub mod spending;
pub mod stats;
pub mod text;
pub mod times;
pub mod webhook;
pub use customer_number::check_customer_number;

pub use catalog::{Country, Offer, Operator, Service};
pub use deposit::{
    check_deposit, deposit_rules, Deposit, DepositMethod, DepositRequest, DepositRules,
    DepositStatus, DepositUpdate,
};
pub use email::EmailMessage;
pub use idempotency::{batch_key, idempotency_key, replacement_key, KEY_LEN};
pub use naming::{find_country, find_service, NameError, NameKind};
pub use order::*;
pub use provider::{Capabilities, ProviderKind};
pub use provider_error::ProviderError;
pub use replace::{ReplaceLink, ReplaceStep};
pub use spend_limits::Rules;

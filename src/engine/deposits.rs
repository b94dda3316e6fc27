//! Deposit flows: create (journaled before the request and after every
//! reply), status and cancel. The CLI and the dashboard both go through
//! these, so the rules (minimums checked before sending, a key already
//! journaled returns its deposit, a lost reply replayed only where the
//! spending table says the key is honoured) are one piece of code.

use super::journal::{Journal, JournalError, NewDeposit};
use crate::domain::spending::SpendingCall;
use crate::domain::{
    check_deposit, deposit_rules, Deposit, DepositRequest, DepositStatus, DepositUpdate,
};
use crate::providers::{offered, Provider, ProviderError};
use chrono::Utc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DepositError {
    /// Refused before anything was sent (amount, method, no deposits).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The create got no clear reply: an invoice may exist.
    #[error("no clear reply to the deposit ({reason}); deposit #{} of {} is kept as UNKNOWN: check the provider before creating another", .deposit.id, .deposit.amount)]
    Unclear {
        deposit: Box<Deposit>,
        reason: String,
    },
}

/// Creates a deposit: checks it, journals it, sends it. A key the journal
/// already holds returns that deposit (a re-run never makes a second
/// invoice); a lost reply is replayed once with the same key where the
/// spending table says the API honours it (OTPZap), and otherwise the
/// deposit stays UNKNOWN and is never re-sent.
pub async fn create(
    p: &dyn Provider,
    journal: &Journal,
    account: &str,
    req: &DepositRequest,
) -> Result<Deposit, DepositError> {
    let kind = p.kind();
    check_deposit(kind, req.amount, Some(req.method)).map_err(DepositError::Refused)?;
    // Before any request, a replay's too (see `Journal::check_file`).
    journal.check_file()?;
    let call = SpendingCall::DepositCreate(kind);
    let keyed = call.replayable();
    if let Some(d) = journal.deposit_by_key(account, &req.key)? {
        return again(p, journal, d, req, keyed).await;
    }
    let d = journal.begin_deposit(
        &NewDeposit {
            account: account.to_string(),
            provider: kind,
            key: req.key.clone(),
            amount: req.amount,
            method: req.method,
        },
        Utc::now(),
    )?;
    let mut reply = send_create(p, req).await;
    let mut replay = false;
    if keyed && matches!(&reply, Err(e) if e.unclear_for(call, false)) {
        tracing::warn!(
            deposit = d.id,
            "deposit reply lost; replaying once with its key"
        );
        reply = send_create(p, req).await;
        replay = true;
    }
    settle_create(journal, d, reply, call, replay)
}

/// A create under a key the journal holds: the deposit as journaled, with
/// one keyed replay when its create was never answered.
async fn again(
    p: &dyn Provider,
    journal: &Journal,
    d: Deposit,
    req: &DepositRequest,
    keyed: bool,
) -> Result<Deposit, DepositError> {
    if d.amount != req.amount || d.method != req.method {
        return Err(DepositError::Refused(format!(
            "key {} was already used for deposit #{} of {} ({}); use another key",
            req.key,
            d.id,
            d.amount,
            d.method.as_str()
        )));
    }
    let unanswered = matches!(d.status, DepositStatus::Creating | DepositStatus::Unknown)
        && d.provider_id.is_none();
    if !unanswered {
        return Ok(d);
    }
    if !keyed {
        let reason =
            "its create was never answered, and this API cannot be asked again safely".to_string();
        // Cut off before its reply was journaled: an invoice may exist.
        let d = if d.status == DepositStatus::Creating {
            journal.mark_deposit(
                d.id,
                DepositStatus::Unknown,
                &format!("otpdeck stopped before the reply was journaled: {reason}; check the provider before creating another"),
                Utc::now(),
            )?
        } else {
            d
        };
        return Err(DepositError::Unclear {
            deposit: Box::new(d),
            reason,
        });
    }
    tracing::info!(deposit = d.id, "deposit create replayed with its key");
    let reply = send_create(p, req).await;
    settle_create(
        journal,
        d,
        reply,
        SpendingCall::DepositCreate(p.kind()),
        true,
    )
}

/// The create request; an API without deposits answers as any refusal
/// does, so the journaled deposit is marked failed with it.
async fn send_create(
    p: &dyn Provider,
    req: &DepositRequest,
) -> Result<DepositUpdate, ProviderError> {
    offered(p.deposits(), "deposits")?.create(req).await
}

/// The status request; `Unsupported` where the API has no such call.
async fn send_status(p: &dyn Provider, id: &str) -> Result<DepositUpdate, ProviderError> {
    offered(p.deposits(), "deposit status")?.status(id).await
}

/// Journals what a create (or its replay) came back with.
fn settle_create(
    journal: &Journal,
    d: Deposit,
    reply: Result<DepositUpdate, ProviderError>,
    call: SpendingCall,
    replay: bool,
) -> Result<Deposit, DepositError> {
    let keyed = call.replayable();
    match reply {
        Ok(u) => Ok(journal.record_deposit(d.id, "created", &u, Utc::now())?),
        Err(e) if e.unclear_for(call, replay) => {
            let reason = e.to_string();
            let note = if keyed {
                format!("no clear reply, even to a replay with the same key ({reason}); check the provider")
            } else {
                format!("no clear reply ({reason}); an invoice may exist: check the provider before creating another")
            };
            let deposit = journal.mark_deposit(d.id, DepositStatus::Unknown, &note, Utc::now())?;
            Err(DepositError::Unclear {
                deposit: Box::new(deposit),
                reason,
            })
        }
        Err(e) => {
            journal.mark_deposit(d.id, DepositStatus::Failed, &e.to_string(), Utc::now())?;
            Err(e.into())
        }
    }
}

fn provider_id(d: &Deposit) -> Result<&str, DepositError> {
    d.provider_id.as_deref().ok_or_else(|| {
        DepositError::Refused(format!(
            "deposit #{} has no provider id (status {}), so the provider cannot be asked about it",
            d.id, d.status
        ))
    })
}

/// Asks where a deposit stands and journals the answer. GoTopUp has no
/// status call: its deposit is as the create reply left it.
pub async fn refresh(
    p: &dyn Provider,
    journal: &Journal,
    d: &Deposit,
) -> Result<Deposit, DepositError> {
    let id = provider_id(d)?;
    match send_status(p, id).await {
        Ok(u) => Ok(journal.record_deposit(d.id, "poll", &u, Utc::now())?),
        Err(ProviderError::Unsupported(_)) => Ok(d.clone()),
        Err(e) => Err(e.into()),
    }
}

/// Cancels a pending deposit where the API has it (GateOTP).
pub async fn cancel(
    p: &dyn Provider,
    journal: &Journal,
    d: &Deposit,
) -> Result<Deposit, DepositError> {
    if !deposit_rules(p.kind()).is_some_and(|r| r.cancel) {
        return Err(DepositError::Refused(format!(
            "{} deposits cannot be cancelled through its API",
            p.kind().display_name()
        )));
    }
    if d.status != DepositStatus::Pending {
        return Err(DepositError::Refused(format!(
            "deposit #{} is {}: nothing to cancel",
            d.id, d.status
        )));
    }
    let id = provider_id(d)?;
    let u = offered(p.deposits(), "deposit cancel")?.cancel(id).await?;
    Ok(journal.record_deposit(d.id, "cancel", &u, Utc::now())?)
}

/// What a deposit poller reports.
#[derive(Debug, Clone)]
pub enum DepositEvent {
    Changed(Box<Deposit>),
    Failed { deposit_id: i64, error: String },
    Stopped { deposit_id: i64 },
}

/// Polls a pending deposit every 4–5 s (the order pollers' schedule and
/// back-off) until it is final; five refusals in a row stop it, the
/// journal keeping the deposit for the user to check.
pub fn spawn_watch(
    provider: crate::providers::SharedProvider,
    journal: std::sync::Arc<Journal>,
    deposit: Deposit,
    timing: super::poller::PollTiming,
    emit: impl Fn(DepositEvent) + Send + Sync + 'static,
) -> tokio::task::JoinHandle<()> {
    use super::poller::{PollOutcome, PollSchedule, HARD_FAILURE_LIMIT};
    tokio::spawn(async move {
        let mut d = deposit;
        let mut schedule = PollSchedule::new(timing);
        let mut wait = schedule.first(rand::random());
        let mut hard = 0u32;
        loop {
            tokio::time::sleep(wait).await;
            match refresh(provider.as_ref(), &journal, &d).await {
                Ok(next) => {
                    hard = 0;
                    let done = next.status.is_final() || !next.pollable();
                    d = next.clone();
                    emit(DepositEvent::Changed(Box::new(next)));
                    if done {
                        break;
                    }
                    wait = schedule.after(PollOutcome::Answered, rand::random());
                }
                Err(DepositError::Provider(e)) => {
                    hard = if e.is_transient() { 0 } else { hard + 1 };
                    emit(DepositEvent::Failed {
                        deposit_id: d.id,
                        error: e.to_string(),
                    });
                    if hard >= HARD_FAILURE_LIMIT {
                        break;
                    }
                    wait = schedule.after(PollOutcome::failed(&e), rand::random());
                }
                Err(e) => {
                    emit(DepositEvent::Failed {
                        deposit_id: d.id,
                        error: e.to_string(),
                    });
                    break;
                }
            }
        }
        emit(DepositEvent::Stopped { deposit_id: d.id });
    })
}

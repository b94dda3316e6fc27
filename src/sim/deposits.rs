//! Simulated deposits, shared by the three APIs that take them: an invoice
//! is "paid" `deposit_paid_after` after creation (the demo shows the whole
//! flow that way), credited to the wallet once, and expires after
//! `deposit_lifetime` unpaid. Keys make a repeated create return the first
//! invoice (OTPZap's Idempotency-Key, GoTopUp's ref_id).

use super::SimOptions;
use crate::money::Rupiah;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepState {
    Pending,
    Paid,
    Cancelled,
    Expired,
}

#[derive(Debug, Clone)]
pub struct SimDeposit {
    pub id: String,
    pub wallet: String,
    pub client_key: Option<String>,
    pub amount: Rupiah,
    pub fee: Rupiah,
    pub created: Instant,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub state: DepState,
}

impl SimDeposit {
    pub fn expires_at(&self, opts: &SimOptions) -> chrono::DateTime<chrono::Utc> {
        self.created_at + chrono::Duration::from_std(opts.deposit_lifetime).unwrap_or_default()
    }
}

#[derive(Debug, Default)]
pub struct DepositBook {
    list: Vec<SimDeposit>,
    seq: u64,
}

impl DepositBook {
    /// Opens an invoice; with a key already used by `wallet`, gives back
    /// the invoice that key made instead.
    pub fn open(
        &mut self,
        wallet: &str,
        prefix: &str,
        client_key: Option<&str>,
        amount: Rupiah,
        fee: Rupiah,
    ) -> SimDeposit {
        if let Some(d) = client_key.and_then(|k| self.by_key(wallet, k)) {
            return d;
        }
        self.open_fresh(wallet, prefix, client_key, amount, fee)
    }

    /// Opens an invoice even under a key used before (a server that does
    /// not deduplicate).
    pub fn open_fresh(
        &mut self,
        wallet: &str,
        prefix: &str,
        client_key: Option<&str>,
        amount: Rupiah,
        fee: Rupiah,
    ) -> SimDeposit {
        self.seq += 1;
        let d = SimDeposit {
            id: format!("{prefix}{:010}", self.seq),
            wallet: wallet.to_string(),
            client_key: client_key.map(str::to_string),
            amount,
            fee,
            created: Instant::now(),
            created_at: chrono::Utc::now(),
            state: DepState::Pending,
        };
        self.list.push(d.clone());
        d
    }

    pub fn by_key(&self, wallet: &str, key: &str) -> Option<SimDeposit> {
        self.list
            .iter()
            .find(|d| d.wallet == wallet && d.client_key.as_deref() == Some(key))
            .cloned()
    }

    /// Brings a deposit up to date with the clock (paid, or expired). Gives
    /// it back, with the amount to credit when it was paid just now.
    pub fn settle(
        &mut self,
        wallet: &str,
        id: &str,
        opts: &SimOptions,
    ) -> Option<(SimDeposit, Option<Rupiah>)> {
        let d = self
            .list
            .iter_mut()
            .find(|d| d.id == id && d.wallet == wallet)?;
        let age = d.created.elapsed();
        let mut credit = None;
        if d.state == DepState::Pending && age >= opts.deposit_paid_after {
            d.state = DepState::Paid;
            credit = Some(d.amount);
        } else if d.state == DepState::Pending && age >= opts.deposit_lifetime {
            d.state = DepState::Expired;
        }
        Some((d.clone(), credit))
    }

    /// Cancels a pending deposit. None when unknown; the deposit as it
    /// stands otherwise (not cancelled when it was no longer pending), with
    /// any credit settling it brought.
    pub fn cancel(
        &mut self,
        wallet: &str,
        id: &str,
        opts: &SimOptions,
    ) -> Option<(SimDeposit, Option<Rupiah>)> {
        let (d, credit) = self.settle(wallet, id, opts)?;
        if d.state != DepState::Pending {
            return Some((d, credit));
        }
        let x = self.list.iter_mut().find(|x| x.id == id)?;
        x.state = DepState::Cancelled;
        Some((x.clone(), None))
    }

    /// `wallet`'s deposits, oldest first.
    pub fn of_wallet(&self, wallet: &str) -> Vec<&SimDeposit> {
        self.list.iter().filter(|d| d.wallet == wallet).collect()
    }

    /// Ids of `wallet`'s deposits.
    pub fn ids(&self, wallet: &str) -> Vec<String> {
        self.list
            .iter()
            .filter(|d| d.wallet == wallet)
            .map(|d| d.id.clone())
            .collect()
    }

    /// Marks a deposit paid at once (GoTopUp's buyer deposit).
    pub fn mark_paid(&mut self, id: &str) {
        if let Some(x) = self.list.iter_mut().find(|x| x.id == id) {
            x.state = DepState::Paid;
        }
    }
}

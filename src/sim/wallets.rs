//! Per-key wallets and the books every simulated API keeps: balances, each
//! charge with the order it paid for, and the OTPs made visible, so tests
//! can check the client's journal against them order by order.

use super::SimOptions;
use crate::money::Rupiah;
use std::collections::HashMap;

/// One charge the simulator took for an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCharge {
    /// The API key (or Otomax username) charged.
    pub wallet: String,
    /// The API's id of the order the charge paid for.
    pub order_id: String,
    /// The idempotency key / ref_id the buy carried, if any.
    pub client_key: Option<String>,
    pub amount: Rupiah,
}

#[derive(Debug, Default)]
pub struct Books {
    balances: HashMap<String, Rupiah>,
    charged: HashMap<String, usize>,
    ledger: Vec<SimCharge>,
    delivered: Vec<(String, String)>,
}

impl Books {
    pub fn balance(&mut self, key: &str, opts: &SimOptions) -> Rupiah {
        *self
            .balances
            .entry(key.to_string())
            .or_insert(opts.initial_balance)
    }

    pub fn peek(&self, key: &str) -> Option<Rupiah> {
        self.balances.get(key).copied()
    }

    /// Takes `amount` if the wallet holds it.
    pub fn charge(&mut self, key: &str, amount: Rupiah, opts: &SimOptions) -> bool {
        let b = self.balance(key, opts);
        if b < amount {
            return false;
        }
        self.balances.insert(key.to_string(), b - amount);
        *self.charged.entry(key.to_string()).or_default() += 1;
        true
    }

    /// Notes which order a charge taken with `charge` paid for.
    pub fn record_charge(
        &mut self,
        wallet: &str,
        order_id: &str,
        client_key: Option<&str>,
        amount: Rupiah,
    ) {
        self.ledger.push(SimCharge {
            wallet: wallet.to_string(),
            order_id: order_id.to_string(),
            client_key: client_key.map(str::to_string),
            amount,
        });
    }

    /// Every charge taken from `wallet`, oldest first.
    pub fn charges(&self, wallet: &str) -> Vec<SimCharge> {
        self.ledger
            .iter()
            .filter(|c| c.wallet == wallet)
            .cloned()
            .collect()
    }

    pub fn refund(&mut self, key: &str, amount: Rupiah, opts: &SimOptions) {
        let b = self.balance(key, opts);
        self.balances.insert(key.to_string(), b + amount);
    }

    pub fn charged(&self, key: &str) -> usize {
        self.charged.get(key).copied().unwrap_or(0)
    }

    pub fn deliver(&mut self, order: &str, code: &str) {
        let entry = (order.to_string(), code.to_string());
        if !self.delivered.contains(&entry) {
            self.delivered.push(entry);
        }
    }

    pub fn delivered(&self) -> Vec<(String, String)> {
        self.delivered.clone()
    }
}

/// Indonesian-looking mobile numbers, distinct per order.
pub fn phone(prefix: &str, seq: u64) -> String {
    let n = seq.wrapping_mul(2654435761) % 100_000_000;
    match prefix {
        "+62" => format!("+62 812 {:04} {:04}", n / 10_000, n % 10_000),
        p => format!("{p} {:04} {:04}", n / 10_000, n % 10_000),
    }
}

/// The figures every simulated API exposes to tests (wallets, charges,
/// delivered codes); an API module only says where its books are.
pub trait SimBooks {
    fn with_books<R>(&self, f: impl FnOnce(&mut Books) -> R) -> R;

    fn balance(&self, key: &str) -> Option<Rupiah> {
        self.with_books(|b| b.peek(key))
    }

    /// How many orders `key` was charged for.
    fn orders_charged(&self, key: &str) -> usize {
        self.with_books(|b| b.charged(key))
    }

    /// Every charge taken from `key`, with the order it paid for.
    fn charges(&self, key: &str) -> Vec<SimCharge> {
        self.with_books(|b| b.charges(key))
    }

    /// (order id, code) of every OTP (or SN) a reply has carried so far.
    fn delivered_otps(&self) -> Vec<(String, String)> {
        self.with_books(|b| b.delivered())
    }
}

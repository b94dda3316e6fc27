//! Per-key wallets and the books every simulated API keeps: balances, how
//! many orders each key was charged for, and the OTPs made visible, so
//! tests can check the client's journal against them.

use super::SimOptions;
use crate::money::Rupiah;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Books {
    balances: HashMap<String, Rupiah>,
    charged: HashMap<String, usize>,
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

    /// (order id, code) of every OTP (or SN) a reply has carried so far.
    fn delivered_otps(&self) -> Vec<(String, String)> {
        self.with_books(|b| b.delivered())
    }
}

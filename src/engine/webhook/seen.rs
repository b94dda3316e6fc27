//! Deliveries already answered, so a repeat is recognised by what it says
//! rather than by a payload timestamp: GoTopUp's `timestamp` is the
//! transaction's own time, so a first delivery may carry an old one and a
//! replay a fresh-looking one. The memory is bounded (oldest out) and per
//! process: after a restart a repeat is applied again, which the journal
//! makes harmless (statuses only move forward, codes are not added twice).

use crate::providers::push::{PushAbout, PushEvent};
use sha2::{Digest, Sha256};
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// How many deliveries are remembered.
pub const CAPACITY: usize = 10_000;

pub type Key = [u8; 32];

/// What makes two deliveries the same: the account, whether it was signed,
/// the event, the thing it is about and the state it names (status and
/// codes). The state is part of it because one event name may bring news
/// twice: OTPZap's `order.otp_received` with a second OTP, an Otomax
/// callback saying "pending" and later "success".
pub fn key_of(account: &str, signed: bool, e: &PushEvent) -> Key {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update(s.as_bytes());
        h.update([0]);
    };
    put(account);
    put(if signed { "signed" } else { "unsigned" });
    put(&e.event);
    match &e.about {
        PushAbout::Order {
            provider_id,
            key,
            update,
        } => {
            put(provider_id.as_deref().unwrap_or(""));
            put(key.as_deref().unwrap_or(""));
            put(update.status.map(|s| s.as_str()).unwrap_or(""));
            put(update.sn.as_deref().unwrap_or(""));
            for c in &update.otps {
                put(c);
            }
        }
        PushAbout::Deposit { update } => {
            put(update.provider_id.as_deref().unwrap_or(""));
            put(&format!("{:?}", update.status));
        }
        PushAbout::Settlement { ref_id, settlement } => {
            put(ref_id.as_deref().unwrap_or(""));
            put(settlement.settlement_id.as_deref().unwrap_or(""));
            put(&settlement.status);
        }
    }
    h.finalize().into()
}

/// The last [`CAPACITY`] keys answered.
#[derive(Debug)]
pub struct Seen {
    cap: usize,
    inner: Mutex<(HashSet<Key>, VecDeque<Key>)>,
}

impl Default for Seen {
    fn default() -> Self {
        Seen::with_capacity(CAPACITY)
    }
}

impl Seen {
    pub fn with_capacity(cap: usize) -> Seen {
        Seen {
            cap: cap.max(1),
            inner: Mutex::default(),
        }
    }

    pub fn contains(&self, k: &Key) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .contains(k)
    }

    /// Remembers `k`; the oldest key goes when the memory is full.
    pub fn insert(&self, k: Key) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if !g.0.insert(k) {
            return;
        }
        g.1.push_back(k);
        while g.1.len() > self.cap {
            if let Some(old) = g.1.pop_front() {
                g.0.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderStatus, OrderUpdate};

    fn ev(event: &str, id: &str, status: OrderStatus, otps: &[&str]) -> PushEvent {
        PushEvent {
            event: event.into(),
            sent_at: None,
            about: PushAbout::Order {
                provider_id: Some(id.into()),
                key: None,
                update: OrderUpdate {
                    status: Some(status),
                    otps: otps.iter().map(|s| s.to_string()).collect(),
                    ..Default::default()
                },
            },
        }
    }

    #[test]
    fn same_news_is_one_key_new_news_another() {
        let a = ev(
            "order.otp_received",
            "OZ1",
            OrderStatus::OtpReceived,
            &["1"],
        );
        let k = key_of("zap", true, &a);
        assert_eq!(k, key_of("zap", true, &a.clone()));
        let second = ev(
            "order.otp_received",
            "OZ1",
            OrderStatus::OtpReceived,
            &["1", "2"],
        );
        assert_ne!(k, key_of("zap", true, &second));
        assert_ne!(k, key_of("zap", false, &a));
        assert_ne!(k, key_of("other", true, &a));
        let done = ev("otomax", "R1", OrderStatus::Finished, &[]);
        let pending = ev("otomax", "R1", OrderStatus::Waiting, &[]);
        assert_ne!(key_of("g", false, &done), key_of("g", false, &pending));
    }

    #[test]
    fn bounded_oldest_out() {
        let s = Seen::with_capacity(3);
        let keys: Vec<Key> = (0u8..5).map(|i| [i; 32]).collect();
        for k in &keys {
            s.insert(*k);
        }
        s.insert(keys[4]);
        assert!(!s.contains(&keys[0]) && !s.contains(&keys[1]));
        assert!(keys[2..].iter().all(|k| s.contains(k)));
        assert_eq!(s.inner.lock().unwrap().1.len(), 3);
    }
}

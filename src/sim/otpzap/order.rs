//! A simulated order, computed lazily from its creation time: which OTPs
//! are visible, its status word, the resend lock and its JSON view.

use super::otp_code;
use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    S1 { product: u32 },
    S2 { service: u32, country: u32 },
    Special { service: u32 },
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Final {
    Cancelled,
    Finished,
    Failed,
}

pub(super) struct SimOrder {
    pub(super) id: u64,
    pub(super) owner: String,
    pub(super) kind: Kind,
    pub(super) operator: Option<String>,
    pub(super) service_name: String,
    pub(super) price: Rupiah,
    pub(super) number: String,
    pub(super) created: Instant,
    pub(super) created_wall: DateTime<Utc>,
    /// When each OTP arrives, as time since creation (first, then resends).
    pub(super) otp_at: Vec<Duration>,
    pub(super) resend_count: u32,
    /// Final state and when it was reached.
    pub(super) ended: Option<(Final, Duration)>,
    pub(super) delivered: usize,
}

impl SimOrder {
    pub(super) fn s1(&self) -> bool {
        matches!(self.kind, Kind::S1 { .. })
    }

    /// OTPs visible at `at` (none arrive after the order ended).
    pub(super) fn visible(&self, at: Duration) -> usize {
        let cutoff = self.ended.map_or(at, |(_, t)| t.min(at));
        self.otp_at.iter().filter(|t| **t <= cutoff).count()
    }

    pub(super) fn word(&self, at: Duration) -> &'static str {
        match self.ended {
            Some((Final::Cancelled, _)) => "cancelled",
            Some((Final::Finished, _)) => "success",
            Some((Final::Failed, _)) => "failed",
            None if self.visible(at) == 0 => "pending",
            None if self.s1() => "otp_received",
            None => "success",
        }
    }

    /// When the outstanding resent OTP arrives, while one is outstanding.
    pub(super) fn resend_lock(&self, at: Duration) -> Option<Duration> {
        if self.ended.is_some() || self.resend_count == 0 {
            return None;
        }
        self.otp_at.last().copied().filter(|t| *t > at)
    }

    pub(super) fn wall(&self, offset: Duration) -> DateTime<Utc> {
        self.created_wall + chrono::Duration::from_std(offset).unwrap_or_default()
    }

    pub(super) fn view(&self, at: Duration) -> Value {
        let n = self.visible(at);
        let otps: Vec<Value> = self.otp_at[..n.min(self.otp_at.len())]
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let code = otp_code(self.id, i as u32);
                json!({
                    "code": code,
                    "message": format!("<#> Kode verifikasi {} Anda: {code}. JANGAN berikan kode ini ke siapa pun.", self.service_name),
                    "received_at": wib(self.wall(*t)),
                })
            })
            .collect();
        let latest = n.checked_sub(1).map(|i| otp_code(self.id, i as u32));
        let mut v = json!({
            "order_id": self.id,
            "number": self.number,
            "price": self.price.amount(),
            "service_name": self.service_name,
            "status": self.word(at),
            "otp_code": latest,
            "otps": otps,
            "resend_count": self.resend_count,
            "resend_locked_until": self.resend_lock(at).map(|t| wib(self.wall(t))),
            "created_at": wib(self.created_wall),
        });
        if let Value::Object(m) = &mut v {
            match self.kind {
                Kind::S1 { product } => {
                    m.insert("server".into(), json!(1));
                    m.insert("product_id".into(), json!(product));
                }
                Kind::S2 { service, country } => {
                    m.insert("server".into(), json!(2));
                    m.insert("service_id".into(), json!(service));
                    m.insert("country_id".into(), json!(country));
                    m.insert("operator_id".into(), json!(self.operator));
                }
                Kind::Special { service } => {
                    m.insert("server".into(), json!(2));
                    m.insert("service_id".into(), json!(service));
                    m.insert("special".into(), json!(true));
                }
            }
        }
        v
    }
}

/// Naive WIB (UTC+7) timestamp, as OTPZap writes them.
pub(super) fn wib(t: DateTime<Utc>) -> String {
    (t + chrono::Duration::hours(7))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

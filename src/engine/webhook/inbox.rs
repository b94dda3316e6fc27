//! Deliveries that could not be applied (an order the journal does not
//! know, a deposit or settlement event) are kept here for the user, never
//! dropped: one JSON line each in `webhook-inbox.jsonl` in the data dir,
//! and in memory for the running session. A repeated delivery is kept once.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

pub const FILE_NAME: &str = "webhook-inbox.jsonl";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Kept {
    pub at: DateTime<Utc>,
    pub account: String,
    pub event: String,
    pub reason: String,
    /// The OTP or SN the delivery carried, if any: still the user's to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The delivery as received (UTF-8, lossy). Webhook bodies carry no API
    /// key; the signature header is not kept.
    pub body: String,
}

#[derive(Debug, Default)]
pub struct Inbox {
    path: Option<PathBuf>,
    kept: Mutex<(Vec<Kept>, HashSet<[u8; 32]>)>,
}

impl Inbox {
    /// `path`: the file to append to (None: memory only, for tests).
    pub fn new(path: Option<PathBuf>) -> Inbox {
        Inbox {
            path,
            kept: Mutex::default(),
        }
    }

    /// Keeps a delivery; gives it back the first time, None for a repeat.
    pub fn keep(
        &self,
        account: &str,
        event: &str,
        reason: &str,
        code: Option<String>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Option<Kept> {
        let mut h = Sha256::new();
        h.update(account.as_bytes());
        h.update([0]);
        h.update(body);
        let digest: [u8; 32] = h.finalize().into();
        let mut g = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if !g.1.insert(digest) {
            return None;
        }
        let k = Kept {
            at: now,
            account: account.into(),
            event: event.into(),
            reason: reason.into(),
            code,
            body: String::from_utf8_lossy(body).into_owned(),
        };
        if let Some(p) = &self.path {
            let line = serde_json::to_string(&k).unwrap_or_default();
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .and_then(|mut f| writeln!(f, "{line}"));
            if let Err(e) = written {
                tracing::warn!(path = %p.display(), "cannot write the webhook inbox: {e}");
            }
        }
        g.0.push(k.clone());
        Some(k)
    }

    /// What was kept in this session, oldest first.
    pub fn kept(&self) -> Vec<Kept> {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }
}

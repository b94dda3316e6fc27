//! Deliveries that could not be applied (an order the journal does not
//! know, a deposit or settlement event) are kept here for the user, never
//! dropped: one JSON line each in `webhook-inbox.jsonl` in the data dir,
//! and in memory for the running session. A repeated delivery is kept once.
//!
//! Bounded, since a provider (or whoever holds its secret) can send without
//! end: the newest `IN_MEMORY` in memory, the newest `REMEMBERED` digests
//! for repeats, and a file that, past `FILE_BYTES`, is moved to
//! `webhook-inbox.jsonl.1` (replacing the one before) and started afresh.
//! Each of those is said in the log.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::{HashSet, VecDeque};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

pub const FILE_NAME: &str = "webhook-inbox.jsonl";
const IN_MEMORY: usize = 500;
const REMEMBERED: usize = 10_000;
const FILE_BYTES: u64 = 8 << 20;
/// Bytes of a kept body held in memory (the file has it whole).
const HELD_BODY: usize = 16 << 10;

pub use crate::domain::webhook::Kept;

#[derive(Debug, Default)]
struct Held {
    kept: VecDeque<Kept>,
    seen: HashSet<[u8; 32]>,
    seen_order: VecDeque<[u8; 32]>,
    /// The memory limit was reached (said once in the log).
    trimmed: bool,
}

#[derive(Debug, Default)]
pub struct Inbox {
    path: Option<PathBuf>,
    kept: Mutex<Held>,
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
        if !g.seen.insert(digest) {
            return None;
        }
        g.seen_order.push_back(digest);
        if g.seen_order.len() > REMEMBERED {
            if let Some(old) = g.seen_order.pop_front() {
                g.seen.remove(&old);
            }
        }
        let k = Kept {
            at: now,
            account: account.into(),
            event: event.into(),
            reason: reason.into(),
            code,
            body: String::from_utf8_lossy(body).into_owned(),
        };
        // The file keeps the body whole; memory (and the screen) a head of
        // it, so 500 kept deliveries of 2 MB each cannot fill it.
        let mut k = k;
        if let Some(p) = &self.path {
            rotate_if_full(p);
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
        let mut held = k.clone();
        if held.body.len() > HELD_BODY {
            let mut end = HELD_BODY;
            while !held.body.is_char_boundary(end) {
                end -= 1;
            }
            held.body.truncate(end);
            held.body.push_str(" …(cut; whole in the file)");
        }
        k = held;
        g.kept.push_back(k.clone());
        if g.kept.len() > IN_MEMORY {
            g.kept.pop_front();
            if !std::mem::replace(&mut g.trimmed, true) {
                tracing::info!("webhook inbox: only the newest {IN_MEMORY} kept deliveries stay in memory; all are in the file");
            }
        }
        Some(k)
    }

    /// What was kept in this session, oldest first.
    pub fn kept(&self) -> Vec<Kept> {
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .kept
            .iter()
            .cloned()
            .collect()
    }
}

/// Moves a full inbox file aside (one older generation kept).
fn rotate_if_full(p: &std::path::Path) {
    if std::fs::metadata(p).is_ok_and(|m| m.len() >= FILE_BYTES) {
        let old = p.with_extension("jsonl.1");
        match std::fs::rename(p, &old) {
            Ok(()) => tracing::warn!(
                "webhook inbox reached {} MB: moved to {} (replacing the one before), a new one started",
                FILE_BYTES >> 20,
                old.display()
            ),
            Err(e) => tracing::warn!(path = %p.display(), "cannot move the full webhook inbox aside: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inbox_keeps_the_newest_and_rotates_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        // A file already at the size limit is moved aside on the next keep.
        std::fs::write(&path, vec![b'x'; FILE_BYTES as usize]).unwrap();
        let inbox = Inbox::new(Some(path.clone()));
        let now = Utc::now();
        for i in 0..(IN_MEMORY + 100) {
            let body = format!("{{\"n\":{i}}}");
            assert!(inbox
                .keep("acc", "e", "r", None, body.as_bytes(), now)
                .is_some());
        }
        // A repeat is kept once.
        assert!(inbox
            .keep("acc", "e", "r", None, b"{\"n\":7}", now)
            .is_none());
        let kept = inbox.kept();
        assert_eq!(kept.len(), IN_MEMORY);
        assert_eq!(
            kept.last().unwrap().body,
            format!("{{\"n\":{}}}", IN_MEMORY + 99)
        );
        assert_eq!(
            std::fs::metadata(path.with_extension("jsonl.1"))
                .unwrap()
                .len(),
            FILE_BYTES
        );
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert_eq!(lines, IN_MEMORY + 100);
        // A huge body: a head of it in memory, all of it in the file.
        let big = format!("{{\"x\":\"{}\"}}", "a".repeat(100_000));
        let k = inbox
            .keep("acc", "e", "r", None, big.as_bytes(), now)
            .unwrap();
        assert!(k.body.len() < HELD_BODY + 64 && k.body.ends_with("file)"));
        let aaa = "a".repeat(100_000);
        assert!(std::fs::read_to_string(&path).unwrap().contains(&aaa));
    }
}

//! The idempotency key a buy is sent with (NEXOTP `idempotencyKey`, OTPZap
//! `Idempotency-Key`, GoTopUp `ref_id`), and journaled under on the others.
//!
//! None of the three documents a length or a character set; their examples
//! are short ASCII words with dashes (`order-1001`, `TXN-001`), and GoTopUp's
//! Otomax scheme sends `ref_id` in a query string. So a key is 32 characters
//! of `[0-9a-z-]`: safe in JSON, a header and a URL without escaping, and
//! within any `VARCHAR(32)` a provider might keep it in.

use chrono::{DateTime, Utc};

/// Every key `idempotency_key` makes is exactly this long.
pub const KEY_LEN: usize = 32;

/// A key made from the time and a nonce, and nothing else, so the pure
/// dashboard can make one (it passes a per-session salt mixed with a
/// counter; the CLI passes a random nonce). Distinct nonces give distinct
/// keys within the same millisecond; keys sort by time.
///
/// Lowercase hex after the `otpd-` prefix: no `-r<digits>` can appear in a
/// key, which the journal's legacy replace marker relies on.
pub fn idempotency_key(now: DateTime<Utc>, nonce: u64) -> String {
    // 44 bits of milliseconds last until the year 2527.
    let ms = now.timestamp_millis().max(0) as u64 & ((1 << 44) - 1);
    format!("otpd-{ms:011x}{:016x}", mix(nonce))
}

/// The key of attempt `attempt` (2 = the first replacement) of an
/// auto-replace chain: made by the same rule from the chain root's buy
/// time and a nonce drawn from the root's own key and the attempt, so a
/// restart that resumes the chain makes the very same key (and the API
/// that deduplicates, or the journal, recognises the buy).
pub fn replacement_key(root_key: &str, root_created_at: DateTime<Utc>, attempt: u32) -> String {
    // FNV-1a over the root's key: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in root_key.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    idempotency_key(
        root_created_at,
        h ^ ((attempt as u64) << 48 | attempt as u64),
    )
}

/// The key of buy `n` (from 1) of `count` bought at once (email inboxes by
/// quantity): the batch's key itself for a single buy, else `KEY-n`, so a
/// batch asked again with the same key finds each of its buys.
pub fn batch_key(base: &str, n: u32, count: u32) -> String {
    if count <= 1 {
        base.to_string()
    } else {
        format!("{base}-{n}")
    }
}

/// splitmix64's finalizer: a bijection on u64, so a counter's neighbours
/// give unrelated-looking keys and no two nonces give the same one.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::HashSet;

    fn at(ms: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).unwrap()
    }

    #[test]
    fn keys_are_deterministic_short_and_plain() {
        let now = at(1_767_225_600_123);
        let k = idempotency_key(now, 42);
        assert_eq!(k, idempotency_key(now, 42), "same inputs, same key");
        assert_eq!(k.len(), KEY_LEN);
        assert!(k.starts_with("otpd-"));
        assert!(
            k.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'-'),
            "{k}"
        );
        assert!(!k.contains("-r"), "never looks like a replacement: {k}");
        for edge in [at(0), at(-5), DateTime::<Utc>::MAX_UTC, Utc::now()] {
            for nonce in [0, 1, u64::MAX] {
                assert_eq!(
                    idempotency_key(edge, nonce).len(),
                    KEY_LEN,
                    "{edge} {nonce}"
                );
            }
        }
    }

    #[test]
    fn replacement_keys_are_the_same_on_every_run_and_differ_by_attempt() {
        let t = at(1_767_225_600_123);
        let a2 = replacement_key("otpd-root", t, 2);
        assert_eq!(a2, replacement_key("otpd-root", t, 2));
        assert_ne!(a2, replacement_key("otpd-root", t, 3));
        assert_ne!(a2, replacement_key("otpd-other", t, 2));
        assert_ne!(a2, "otpd-root");
        assert_eq!(a2.len(), KEY_LEN);
    }

    #[test]
    fn distinct_nonces_or_times_give_distinct_keys() {
        let now = at(1_767_225_600_123);
        let salt = 0x5eed_u64 << 32;
        let keys: HashSet<String> = (0..10_000u64)
            .map(|n| idempotency_key(now, salt ^ n))
            .collect();
        assert_eq!(keys.len(), 10_000);
        assert_ne!(
            idempotency_key(now, 7),
            idempotency_key(at(1_767_225_600_124), 7)
        );
        // Later keys sort after earlier ones.
        assert!(idempotency_key(at(1_000), u64::MAX) < idempotency_key(at(1_001), 0));
    }
}

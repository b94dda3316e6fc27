//! Webhook signatures: an HMAC-SHA256 of the raw body with the account's
//! `webhook_secret`, in a header. The docs do not spell out the header or
//! the encoding (OTPZap's section is cut short; GoTopUp only hints at
//! `x-signature`), so both are configurable per account; the default is
//! `X-Signature: <hex>`.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub use crate::domain::webhook::{Scheme, DEFAULT_HEADER};

/// Deliveries whose own timestamp is older than this are refused (a replay
/// of a captured delivery).
pub const MAX_AGE: Duration = Duration::minutes(5);

/// Why a delivery was refused. The texts never carry the secret or the
/// signature itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Wrong,
    Stale,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::Missing => "no signature",
            Refusal::Wrong => "signature does not match",
            Refusal::Stale => "delivery older than 5 minutes",
        })
    }
}

fn mac(secret: &[u8], body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; new_from_slice cannot fail for it.
    let mut m = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    m.update(body);
    m
}

/// The header value a sender would write (tests and the simulator).
pub fn sign(secret: &[u8], scheme: Scheme, body: &[u8]) -> String {
    let bytes = mac(secret, body).finalize().into_bytes();
    match scheme {
        Scheme::Hex => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Scheme::Base64 => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(bytes)
        }
    }
}

fn decode(scheme: Scheme, value: &str) -> Option<Vec<u8>> {
    let v = value.trim();
    match scheme {
        Scheme::Hex => {
            let v = v.strip_prefix("sha256=").unwrap_or(v);
            if !v.len().is_multiple_of(2) || !v.is_ascii() {
                return None;
            }
            (0..v.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&v[i..i + 2], 16).ok())
                .collect()
        }
        Scheme::Base64 => {
            use base64::Engine;
            let v = v.strip_prefix("sha256=").unwrap_or(v);
            base64::engine::general_purpose::STANDARD
                .decode(v)
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(v))
                .ok()
        }
    }
}

/// Checks `header` (the signature header's value, if any) against the raw
/// body. The MAC comparison is constant-time (`Mac::verify_slice`).
pub fn verify(
    secret: &[u8],
    scheme: Scheme,
    header: Option<&str>,
    body: &[u8],
) -> Result<(), Refusal> {
    // An empty key would let anyone sign: config refuses one, and so does
    // this, whatever a caller passes.
    if secret.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::Wrong);
    }
    let value = header
        .filter(|h| !h.trim().is_empty())
        .ok_or(Refusal::Missing)?;
    let given = decode(scheme, value).ok_or(Refusal::Wrong)?;
    mac(secret, body)
        .verify_slice(&given)
        .map_err(|_| Refusal::Wrong)
}

/// Refuses a delivery whose own timestamp is more than [`MAX_AGE`] old,
/// or more than that far in the future (a replay made to outlive the
/// window). Clocks drift: a timestamp a little ahead is accepted.
pub fn check_fresh(sent: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), Refusal> {
    match sent {
        Some(t) if now - t > MAX_AGE || t - now > MAX_AGE => Err(Refusal::Stale),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"sim-webhook-secret-0123456789";
    const BODY: &[u8] = br#"{"event":"order.otp_received","data":{"order_id":"OZ1"}}"#;

    #[test]
    fn signed_passes_in_both_schemes() {
        for scheme in [Scheme::Hex, Scheme::Base64] {
            let sig = sign(SECRET, scheme, BODY);
            assert_eq!(verify(SECRET, scheme, Some(&sig), BODY), Ok(()));
        }
        let sig = sign(SECRET, Scheme::Hex, BODY);
        assert_eq!(sig.len(), 64);
        let prefixed = format!("sha256={}", sig.to_uppercase());
        assert_eq!(verify(SECRET, Scheme::Hex, Some(&prefixed), BODY), Ok(()));
    }

    #[test]
    fn forged_body_secret_or_garbage_is_wrong() {
        let sig = sign(SECRET, Scheme::Hex, BODY);
        let mut tampered = BODY.to_vec();
        tampered[10] ^= 1;
        assert_eq!(
            verify(SECRET, Scheme::Hex, Some(&sig), &tampered),
            Err(Refusal::Wrong)
        );
        let other = sign(b"another-secret-entirely", Scheme::Hex, BODY);
        assert_eq!(
            verify(SECRET, Scheme::Hex, Some(&other), BODY),
            Err(Refusal::Wrong)
        );
        for junk in ["zz", "abc", "é1", &sig[..62]] {
            assert_eq!(
                verify(SECRET, Scheme::Hex, Some(junk), BODY),
                Err(Refusal::Wrong),
                "{junk}"
            );
        }
    }

    #[test]
    fn unsigned_is_missing() {
        assert_eq!(
            verify(SECRET, Scheme::Hex, None, BODY),
            Err(Refusal::Missing)
        );
        assert_eq!(
            verify(SECRET, Scheme::Hex, Some("  "), BODY),
            Err(Refusal::Missing)
        );
    }

    #[test]
    fn an_empty_secret_verifies_nothing() {
        let sig = sign(b"", Scheme::Hex, BODY);
        assert_eq!(
            verify(b"", Scheme::Hex, Some(&sig), BODY),
            Err(Refusal::Wrong)
        );
        assert_eq!(
            verify(b"  ", Scheme::Hex, Some(&sig), BODY),
            Err(Refusal::Wrong)
        );
    }

    #[test]
    fn stale_is_refused_fresh_and_timeless_pass() {
        let now = Utc::now();
        assert_eq!(
            check_fresh(Some(now - Duration::minutes(6)), now),
            Err(Refusal::Stale)
        );
        assert_eq!(check_fresh(Some(now - Duration::minutes(4)), now), Ok(()));
        assert_eq!(check_fresh(Some(now + Duration::seconds(30)), now), Ok(()));
        assert_eq!(
            check_fresh(Some(now + Duration::hours(2)), now),
            Err(Refusal::Stale)
        );
        assert_eq!(check_fresh(None, now), Ok(()));
    }
}

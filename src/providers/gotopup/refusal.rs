//! Reading a refusal that may be about the `ref_id`.
//!
//! The docs say nothing about how a used `ref_id` is refused: not the HTTP
//! status (409 is only our guess), not the code, not the wording. So the
//! refusal is read from what the API says, whatever the status: a message
//! that says the reference is already used means "this key was taken" (so
//! it may have been charged: look it up); a message that mentions the
//! reference in any other way is no clear reply. Neither ever means "not
//! bought".

use crate::providers::ProviderError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefSignal {
    /// The reply says the ref_id is already used.
    Taken,
    /// The reply is about the ref_id, but not clearly "already used".
    Unsure,
    /// Nothing about the ref_id.
    None,
}

const REF_WORDS: [&str; 6] = [
    "ref_id",
    "ref id",
    "refid",
    "reference",
    "referensi",
    "trxid",
];
const TAKEN_WORDS: [&str; 9] = [
    "already",
    "sudah",
    "used",
    "digunakan",
    "dipakai",
    "duplicate",
    "duplikat",
    "exist",
    "double",
];

/// What a message (and its API code, when there is one) says about the key.
pub fn ref_signal(message: &str) -> RefSignal {
    // A body with no message field comes back as an excerpt of itself; its
    // keys ("ref_id": ...) are not the API saying anything.
    if message.trim_start().starts_with(['{', '[']) {
        return RefSignal::None;
    }
    let low = message.to_lowercase();
    let about_ref = REF_WORDS.iter().any(|w| low.contains(w));
    let taken = TAKEN_WORDS.iter().any(|w| low.contains(w));
    match (about_ref, taken) {
        (true, true) => RefSignal::Taken,
        // "Transaksi sudah ada" / "duplicate transaction": the same thing
        // said without naming the reference.
        (false, true) if low.contains("transaksi") || low.contains("transaction") => {
            if low.contains("duplicate") || low.contains("duplikat") || low.contains("sudah ada") {
                RefSignal::Taken
            } else {
                RefSignal::None
            }
        }
        (true, false) => RefSignal::Unsure,
        _ => RefSignal::None,
    }
}

/// The signal carried by a buy's error: a 409 is always worth a look-up,
/// any other refusal only when its message is about the reference.
pub fn error_signal(e: &ProviderError) -> RefSignal {
    match e {
        ProviderError::Conflict(_) => RefSignal::Taken,
        // A balance refusal is about the balance, whatever else it says.
        ProviderError::Rejected { message, .. } | ProviderError::NotFound(message) => {
            ref_signal(message)
        }
        _ => RefSignal::None,
    }
}

/// The error for a reply about the ref_id that settles nothing.
pub fn unclear(ref_id: &str, said: &str) -> ProviderError {
    ProviderError::Malformed(format!(
        "the provider answered about ref_id {ref_id} ({said}): the top-up may have gone through, check before buying again"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_refusals_in_any_wording() {
        for m in [
            "ref_id sudah digunakan",
            "Ref ID sudah pernah dipakai",
            "Duplicate ref_id",
            "reference already exists",
            "Transaksi duplikat",
        ] {
            assert_eq!(ref_signal(m), RefSignal::Taken, "{m}");
        }
        assert_eq!(ref_signal("ref_id tidak valid"), RefSignal::Unsure);
        assert_eq!(ref_signal("Saldo tidak cukup"), RefSignal::None);
        assert_eq!(ref_signal("Produk sedang tidak aktif"), RefSignal::None);
        assert_eq!(
            ref_signal(r#"{"ref_id": "x", "status": null}"#),
            RefSignal::None
        );
    }

    #[test]
    fn any_status_can_carry_it() {
        let e = ProviderError::Rejected {
            status: 400,
            message: "ref_id sudah digunakan".into(),
        };
        assert_eq!(error_signal(&e), RefSignal::Taken);
        let e = ProviderError::Rejected {
            status: 422,
            message: "Nomor pelanggan tidak valid".into(),
        };
        assert_eq!(error_signal(&e), RefSignal::None);
        assert_eq!(
            error_signal(&ProviderError::Conflict("x".into())),
            RefSignal::Taken
        );
    }
}

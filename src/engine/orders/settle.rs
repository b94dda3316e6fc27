//! Settling UNKNOWN orders: by hand, once the user has checked the
//! provider, or by clues that agree. Each clue is journaled as it is seen,
//! and each settlement says how it was reached. The CLI's `resolve` and the
//! dashboard's "I checked the provider" both call `settle_by_hand`.

use super::EngineError;
use crate::domain::Order;
use crate::engine::journal::Journal;
use crate::providers::ProviderError;
use chrono::{DateTime, Utc};

/// The journal events of this module.
pub const SETTLED_BY_HAND: &str = "settled_by_hand";
pub const SETTLED_BY_CLUES: &str = "settled_by_clues";
pub const CLUE: &str = "clue";
/// The event `buy` writes when a replay was answered with an error.
pub const REPLAY_UNSETTLED: &str = "replay_unsettled";
/// Written after it when that error was a refusal that is a clue.
pub const REPLAY_REFUSED: &str = "replay_refused";
/// That clue in words.
pub const REPLAY_REFUSED_CLUE: &str = "a replay with the same key was refused";

/// Whether a replay's error says "no order under this key now": not
/// enough balance, no number in stock (503), a refused request. A 409
/// (the key is taken), a rate limit or a failed connection say nothing.
pub fn refusal_is_a_clue(e: &ProviderError) -> bool {
    matches!(
        e,
        ProviderError::InsufficientBalance(_)
            | ProviderError::Unavailable { status: 503, .. }
            | ProviderError::Rejected { .. }
    )
}

pub use crate::domain::clues::{balance_clue, Verdict};

/// A number as a person pastes it: digits, with `+`, spaces, dashes, dots
/// or brackets; kept as digits with a leading `+` where given.
fn clean_number(raw: &str) -> Result<String, EngineError> {
    let t = raw.trim();
    let ok = t
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    if !ok || !(5..=20).contains(&digits.len()) {
        return Err(EngineError::Refused(format!(
            "'{t}' is not a phone number (5 to 20 digits, with + - . ( ) or spaces)"
        )));
    }
    Ok(if t.starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    })
}

/// The user checked the provider: `Charged` makes the order a closed order
/// with its amount spent (and its number, when given), `NotCharged` closes
/// it with nothing spent. Journaled as "settled by hand" with the time.
/// Only an UNKNOWN order can be settled.
pub fn settle_by_hand(
    journal: &Journal,
    order: &Order,
    verdict: Verdict,
    number: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Order, EngineError> {
    let number = match (verdict, number.map(str::trim).filter(|n| !n.is_empty())) {
        (Verdict::NotCharged, Some(_)) => {
            return Err(EngineError::Refused(
                "a number belongs to a charged order; leave it out with --not-charged".into(),
            ))
        }
        (_, Some(n)) => Some(clean_number(n)?),
        (_, None) => None,
    };
    let detail = match verdict {
        Verdict::Charged => format!(
            "settled by hand at {}: charged {} (checked on the provider)",
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            order.price
        ),
        Verdict::NotCharged => format!(
            "settled by hand at {}: not charged (checked on the provider)",
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
    };
    tracing::info!(
        order = order.id,
        verdict = verdict.as_str(),
        "settled by hand"
    );
    Ok(journal.record_settled(
        order.id,
        verdict.charged(),
        number.as_deref(),
        SETTLED_BY_HAND,
        &detail,
        now,
    )?)
}

/// Journals one clue about an UNKNOWN order (it does not settle it).
pub fn note_clue(
    journal: &Journal,
    order_id: i64,
    clue: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    Ok(journal.note_event(order_id, CLUE, Some(clue), now)?)
}

/// Two clues agree: the order is settled without the user, saying which.
pub fn settle_by_clues(
    journal: &Journal,
    order: &Order,
    verdict: Verdict,
    clues: &[String],
    now: DateTime<Utc>,
) -> Result<Order, EngineError> {
    let detail = format!(
        "settled by clues: {} ({})",
        verdict.as_str(),
        clues.join("; ")
    );
    tracing::info!(
        order = order.id,
        verdict = verdict.as_str(),
        "settled by clues"
    );
    Ok(journal.record_settled(
        order.id,
        verdict.charged(),
        None,
        SETTLED_BY_CLUES,
        &detail,
        now,
    )?)
}

/// Whether the order's last replay was answered with a refusal (no order
/// under its key now): a clue that agrees with "not charged", never enough
/// on its own.
pub fn replay_refused(journal: &Journal, order_id: i64) -> Result<bool, EngineError> {
    Ok(journal
        .events(order_id)?
        .last()
        .is_some_and(|e| e.0 == REPLAY_REFUSED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrderStatus;
    use crate::engine::journal::NewOrder;
    use crate::money::Rupiah;

    fn unknown(j: &Journal) -> Order {
        let o = j
            .begin_order(
                &NewOrder {
                    account: "a".into(),
                    provider: crate::domain::ProviderKind::GateOtp,
                    idempotency_key: "k".into(),
                    service_id: "wa".into(),
                    service: "WhatsApp".into(),
                    country: None,
                    country_name: None,
                    offer_id: "1".into(),
                    operator: None,
                    customer_number: None,
                    price: Rupiah(3300),
                },
                Utc::now(),
            )
            .expect("row");
        j.record_unknown(o.id, "reply lost", Utc::now())
            .expect("unknown")
    }

    #[test]
    fn the_balance_clue_reads_only_zero_or_the_exact_amount() {
        let p = Rupiah(3300);
        assert_eq!(
            balance_clue(Rupiah(10_000), Rupiah(10_000), p),
            Some(Verdict::NotCharged)
        );
        assert_eq!(
            balance_clue(Rupiah(10_000), Rupiah(6_700), p),
            Some(Verdict::Charged)
        );
        assert_eq!(balance_clue(Rupiah(10_000), Rupiah(6_000), p), None);
        assert_eq!(balance_clue(Rupiah(10_000), Rupiah(10_500), p), None);
        assert_eq!(
            balance_clue(Rupiah(10_000), Rupiah(10_000), Rupiah(0)),
            None
        );
    }

    #[test]
    fn by_hand_closes_an_unknown_order_and_journals_how() {
        let j = Journal::open_in_memory().expect("journal");
        let o = unknown(&j);
        let s = settle_by_hand(
            &j,
            &o,
            Verdict::Charged,
            Some("+62 812-3456 7890"),
            Utc::now(),
        )
        .expect("settled");
        assert_eq!(s.status, OrderStatus::Finished);
        assert_eq!(s.number.as_deref(), Some("+6281234567890"));
        assert!(s.note.as_deref().unwrap_or("").contains("settled by hand"));
        let ev = j.events(o.id).expect("events");
        assert!(ev.iter().any(|e| e.0 == SETTLED_BY_HAND));
        // Only once: it is no longer unknown.
        assert!(settle_by_hand(&j, &s, Verdict::NotCharged, None, Utc::now()).is_err());
    }

    #[test]
    fn not_charged_closes_with_nothing_spent_and_takes_no_number() {
        let j = Journal::open_in_memory().expect("journal");
        let o = unknown(&j);
        assert!(settle_by_hand(&j, &o, Verdict::NotCharged, Some("0812"), Utc::now()).is_err());
        assert!(settle_by_hand(&j, &o, Verdict::Charged, Some("call me"), Utc::now()).is_err());
        let s = settle_by_hand(&j, &o, Verdict::NotCharged, None, Utc::now()).expect("settled");
        assert_eq!(s.status, OrderStatus::Failed);
        assert!(s.note.as_deref().unwrap_or("").contains("not charged"));
    }
}

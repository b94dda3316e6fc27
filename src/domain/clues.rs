//! What is known about an unclear buy: a verdict, and the balance clue
//! that can give one. Pure: the engine settles by them, the dashboard
//! weighs them.

use crate::money::Rupiah;

/// What was found about an unclear buy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    Charged,
    NotCharged,
}

impl Verdict {
    pub fn charged(self) -> bool {
        self == Verdict::Charged
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Charged => "charged",
            Verdict::NotCharged => "not charged",
        }
    }

    /// The balance clue as evidence to show.
    pub fn balance_evidence(self) -> &'static str {
        match self {
            Verdict::Charged => "balance fell by the amount since the buy: likely charged",
            Verdict::NotCharged => "balance unchanged since the buy: likely not charged",
        }
    }
}

/// The balance clue: the account's balance read before the buy and after
/// its unclear reply, with no other buy or refund of the account in flight
/// in between. Unchanged says "not charged", moved by exactly the amount
/// says "charged"; anything else says nothing.
pub fn balance_clue(before: Rupiah, after: Rupiah, price: Rupiah) -> Option<Verdict> {
    if price.0 <= 0 {
        return None;
    }
    let moved = before.0 - after.0;
    if moved == 0 {
        Some(Verdict::NotCharged)
    } else if moved == price.0 {
        Some(Verdict::Charged)
    } else {
        None
    }
}

//! Money is whole rupiah in an `i64`: every provider prices in IDR without
//! decimals, and floats would let rounding errors creep into balances.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Rupiah(pub i64);

impl Rupiah {
    pub const ZERO: Rupiah = Rupiah(0);

    pub fn new(amount: i64) -> Self {
        Rupiah(amount)
    }

    pub fn amount(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Rupiah) -> Option<Rupiah> {
        self.0.checked_add(other.0).map(Rupiah)
    }
}

/// Indonesian formatting: `Rp 150.000`, `-Rp 2.500`.
impl fmt::Display for Rupiah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(c);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        f.pad(&format!("{sign}Rp {grouped}"))
    }
}

impl Add for Rupiah {
    type Output = Rupiah;
    fn add(self, rhs: Rupiah) -> Rupiah {
        Rupiah(self.0 + rhs.0)
    }
}

impl Sub for Rupiah {
    type Output = Rupiah;
    fn sub(self, rhs: Rupiah) -> Rupiah {
        Rupiah(self.0 - rhs.0)
    }
}

impl Neg for Rupiah {
    type Output = Rupiah;
    fn neg(self) -> Rupiah {
        Rupiah(-self.0)
    }
}

impl AddAssign for Rupiah {
    fn add_assign(&mut self, rhs: Rupiah) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Rupiah {
    fn sub_assign(&mut self, rhs: Rupiah) {
        self.0 -= rhs.0;
    }
}

impl std::iter::Sum for Rupiah {
    fn sum<I: Iterator<Item = Rupiah>>(iter: I) -> Rupiah {
        Rupiah(iter.map(|r| r.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_dots() {
        assert_eq!(Rupiah(150_000).to_string(), "Rp 150.000");
        assert_eq!(Rupiah(0).to_string(), "Rp 0");
        assert_eq!(Rupiah(999).to_string(), "Rp 999");
        assert_eq!(Rupiah(1_000).to_string(), "Rp 1.000");
        assert_eq!(Rupiah(-2_500).to_string(), "-Rp 2.500");
        assert_eq!(Rupiah(1_234_567_890).to_string(), "Rp 1.234.567.890");
    }
}

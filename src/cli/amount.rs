//! Amounts typed on the command line: whole rupiah above zero, with the
//! thousands dots a rupiah amount is written with (`50.000`) allowed. clap
//! alone read `--amount -5` as an unknown flag; this says what is wrong.

/// More than any account holds: a typo, not an amount.
const ABSURD: i64 = 10_000_000_000_000;

pub fn rupiah(s: &str) -> Result<i64, String> {
    let bad = || format!("'{s}': amount must be a positive number of rupiah, like 50000 or 50.000");
    let digits: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | '_'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    match digits.parse::<i64>() {
        Ok(0) => Err(bad()),
        Ok(v) if v < ABSURD => Ok(v),
        _ => Err(format!("'{s}': more rupiah than any account holds")),
    }
}

#[cfg(test)]
mod tests {
    use super::rupiah;

    #[test]
    fn amounts_are_whole_positive_rupiah() {
        assert_eq!(rupiah("50000"), Ok(50_000));
        assert_eq!(rupiah("50.000"), Ok(50_000));
        for bad in ["-5", "0", "", "5e3", "12,5", "abc"] {
            let e = rupiah(bad).unwrap_err();
            assert!(e.contains("positive number of rupiah"), "{bad}: {e}");
        }
        assert!(rupiah("99999999999999999999")
            .unwrap_err()
            .contains("more rupiah"));
    }
}

//! The customer number of a top-up, checked before anything is sent: one
//! rule for the CLI and the dashboard.
//!
//! The product's group id is `subcategory:operator` (GoTopUp's price list,
//! e.g. `pulsa:telkomsel`, `pln:pln`). Pulsa and data need an Indonesian
//! mobile number (08…, or +62/62…, 10–13 digits) whose prefix belongs to
//! the product's operator where the operator is one we know; PLN needs an
//! 11-digit meter number or a 12-digit customer ID; other products (games,
//! e-wallets) an ID of 4–32 digits. Prefixes as the operators publish them.

const PREFIXES: &[(&str, &[&str])] = &[
    (
        "telkomsel",
        &[
            "0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853",
        ],
    ),
    (
        "indosat",
        &["0814", "0815", "0816", "0855", "0856", "0857", "0858"],
    ),
    ("xl", &["0817", "0818", "0819", "0859", "0877", "0878"]),
    ("axis", &["0831", "0832", "0833", "0838"]),
    ("tri", &["0895", "0896", "0897", "0898", "0899"]),
    (
        "smartfren",
        &[
            "0881", "0882", "0883", "0884", "0885", "0886", "0887", "0888", "0889",
        ],
    ),
];

/// The operator whose prefix `number` (already 08…) carries.
fn operator_of(number: &str) -> Option<&'static str> {
    PREFIXES
        .iter()
        .find(|(_, ps)| ps.iter().any(|p| number.starts_with(p)))
        .map(|(op, _)| *op)
}

/// The number as it will be sent (spaces, dashes and dots dropped; +62 or
/// 62 written 0 for a mobile), or why it cannot be right for this product.
pub fn check_customer_number(service_id: &str, number: &str) -> Result<String, String> {
    let cleaned: String = number
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.'))
        .collect();
    if cleaned.is_empty() {
        return Err("type the customer number first".into());
    }
    let (kind, operator) = service_id.split_once(':').unwrap_or((service_id, ""));
    let kind = kind.to_ascii_lowercase();
    let operator = operator.to_ascii_lowercase().replace(['-', '_', ' '], "");
    let mobile = matches!(
        kind.as_str(),
        "pulsa" | "data" | "paketdata" | "sms" | "telpon"
    );
    if mobile {
        let local = if let Some(rest) = cleaned.strip_prefix("+62") {
            format!("0{rest}")
        } else if let Some(rest) = cleaned.strip_prefix("62") {
            format!("0{rest}")
        } else {
            cleaned.clone()
        };
        if !local.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{number}' is not a phone number: digits only"));
        }
        if !local.starts_with("08") {
            return Err(format!(
                "'{number}' is not an Indonesian mobile number (08…, or +62 8…)"
            ));
        }
        if !(10..=13).contains(&local.len()) {
            return Err(format!(
                "'{number}' has {} digits; an Indonesian mobile number has 10 to 13",
                local.len()
            ));
        }
        let known = PREFIXES.iter().any(|(op, _)| *op == operator);
        if known {
            match operator_of(&local) {
                Some(op) if op == operator => {}
                Some(op) => {
                    return Err(format!(
                        "{} is a {op} number ({}…), but this product is for {operator}",
                        local,
                        &local[..4]
                    ))
                }
                None => return Err(format!("{}… is not a {operator} prefix", &local[..4])),
            }
        }
        return Ok(local);
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("'{number}' must be digits only"));
    }
    if kind == "pln" {
        if !(11..=12).contains(&cleaned.len()) {
            return Err(format!(
                "'{number}' has {} digits; a PLN meter number has 11, a customer ID 12",
                cleaned.len()
            ));
        }
        return Ok(cleaned);
    }
    if !(4..=32).contains(&cleaned.len()) {
        return Err(format!(
            "'{number}' has {} digits; expected 4 to 32",
            cleaned.len()
        ));
    }
    Ok(cleaned)
}

#[cfg(test)]
mod tests {
    use super::check_customer_number as check;

    #[test]
    fn mobile_numbers_match_their_operator() {
        assert_eq!(
            check("pulsa:telkomsel", "0812-3456-7890").unwrap(),
            "081234567890"
        );
        assert_eq!(
            check("pulsa:telkomsel", "+6281234567890").unwrap(),
            "081234567890"
        );
        assert_eq!(check("data:xl", "6281734567890").unwrap(), "081734567890");
        let e = check("pulsa:xl", "081234567890").unwrap_err();
        assert!(e.contains("telkomsel") && e.contains("xl"), "{e}");
        assert!(check("pulsa:indosat", "089912345678")
            .unwrap_err()
            .contains("tri"));
        assert!(check("pulsa:telkomsel", "0812345")
            .unwrap_err()
            .contains("digits"));
        assert!(check("pulsa:telkomsel", "021345678901")
            .unwrap_err()
            .contains("mobile"));
        assert!(check("pulsa:telkomsel", "0812abc45678").is_err());
        // An operator we do not know: only the format is checked.
        assert!(check("pulsa:byu", "081234567890").is_ok());
        assert!(check("pulsa:telkomsel", "  ").is_err());
    }

    #[test]
    fn meter_and_account_numbers_have_their_length() {
        assert_eq!(check("pln:pln", "12345678901").unwrap(), "12345678901");
        assert!(check("pln:pln", "123456789012").is_ok());
        assert!(check("pln:pln", "1234567890").unwrap_err().contains("11"));
        assert!(check("pln:pln", "1234567890x1").is_err());
        assert!(check("games:mobilelegends", "12345678").is_ok());
        assert!(check("games:freefire", "12").is_err());
    }
}

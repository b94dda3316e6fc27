//! GoTopUp reports (`/api/buyer/reports`, `/api/seller/reports`): the kinds
//! each role has, the date range, and a report as figures plus rows, the
//! same for the screen, `--format json` and `--format csv`.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    Transaction,
    Purchase,
    Deposit,
    Sales,
    Product,
}

impl ReportKind {
    pub const ALL: [ReportKind; 5] = [
        ReportKind::Transaction,
        ReportKind::Purchase,
        ReportKind::Deposit,
        ReportKind::Sales,
        ReportKind::Product,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Transaction => "transaction",
            ReportKind::Purchase => "purchase",
            ReportKind::Deposit => "deposit",
            ReportKind::Sales => "sales",
            ReportKind::Product => "product",
        }
    }

    pub fn parse(s: &str) -> Result<ReportKind, String> {
        let w = s.trim().to_ascii_lowercase();
        ReportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == w)
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a report type (transaction, purchase, deposit, sales, product)"
                )
            })
    }

    /// The kinds the doc lists for a buyer key and for a seller key.
    pub fn for_role(seller: bool) -> &'static [ReportKind] {
        if seller {
            &[
                ReportKind::Transaction,
                ReportKind::Sales,
                ReportKind::Product,
            ]
        } else {
            &[
                ReportKind::Transaction,
                ReportKind::Purchase,
                ReportKind::Deposit,
            ]
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportQuery {
    pub kind: ReportKind,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl ReportQuery {
    /// Refuses, before sending, a kind the key's role has not and a range
    /// that ends before it starts.
    pub fn check(&self, seller: bool) -> Result<(), String> {
        let kinds = ReportKind::for_role(seller);
        if !kinds.contains(&self.kind) {
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            return Err(format!(
                "a {} key has no '{}' report (it has: {})",
                if seller { "seller" } else { "buyer" },
                self.kind.as_str(),
                names.join(", ")
            ));
        }
        if let (Some(f), Some(t)) = (self.from, self.to) {
            if f > t {
                return Err(format!("--from {f} is after --to {t}"));
            }
        }
        Ok(())
    }
}

/// A report as the API gave it: the summary's figures by name and the
/// rows (whose fields the doc leaves open, `[...]`), fields in name order.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Report {
    #[serde(rename = "type")]
    pub kind: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub summary: Map<String, Value>,
    pub rows: Vec<Map<String, Value>>,
}

impl Report {
    /// The rows as a table: the header is every field of any row, once, in
    /// name order; a cell is the value as text (numbers as they are, whole rupiah;
    /// missing or null empty; a nested value as JSON). With no rows, the
    /// summary as `field,value` lines.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        if self.rows.is_empty() {
            let rows = self
                .summary
                .iter()
                .map(|(k, v)| vec![k.clone(), cell(Some(v))])
                .collect();
            return (vec!["field".into(), "value".into()], rows);
        }
        let mut header: Vec<String> = Vec::new();
        for r in &self.rows {
            for k in r.keys() {
                if !header.contains(k) {
                    header.push(k.clone());
                }
            }
        }
        header.sort();
        let rows = self
            .rows
            .iter()
            .map(|r| header.iter().map(|h| cell(r.get(h))).collect())
            .collect();
        (header, rows)
    }
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_follow_the_role_and_ranges_are_checked() {
        let q = |kind, from: &str, to: &str| ReportQuery {
            kind,
            from: NaiveDate::parse_from_str(from, "%Y-%m-%d").ok(),
            to: NaiveDate::parse_from_str(to, "%Y-%m-%d").ok(),
        };
        assert_eq!(q(ReportKind::Deposit, "", "").check(false), Ok(()));
        assert!(q(ReportKind::Deposit, "", "")
            .check(true)
            .unwrap_err()
            .contains("seller key has no 'deposit'"));
        assert!(q(ReportKind::Sales, "", "").check(false).is_err());
        assert_eq!(q(ReportKind::Sales, "", "").check(true), Ok(()));
        assert!(q(ReportKind::Transaction, "2025-02-01", "2025-01-01")
            .check(false)
            .is_err());
        assert_eq!(ReportKind::parse(" Sales "), Ok(ReportKind::Sales));
        assert!(ReportKind::parse("bogus").is_err());
    }

    #[test]
    fn a_table_has_every_field_once() {
        let r = Report {
            kind: "transaction".into(),
            start_date: None,
            end_date: None,
            summary: json!({"total": 2}).as_object().cloned().unwrap_or_default(),
            rows: vec![
                json!({"ref_id": "A", "price": 5500})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                json!({"ref_id": "B", "sn": null, "note": "x,\"y\""})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            ],
        };
        let (h, rows) = r.table();
        assert_eq!(h, ["note", "price", "ref_id", "sn"]);
        assert_eq!(rows[0], ["", "5500", "A", ""]);
        assert_eq!(rows[1], ["x,\"y\"", "", "B", ""]);
        let empty = Report { rows: vec![], ..r };
        assert_eq!(empty.table().1, [["total", "2"]]);
    }
}

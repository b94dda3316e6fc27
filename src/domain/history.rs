//! A page of a provider's own transaction history (GoTopUp
//! `/api/buyer/transactions`): what was bought anywhere, not only what the
//! journal knows.

use super::Transaction;
use chrono::NaiveDate;
use serde::Serialize;

/// A day as the APIs take it (`YYYY-MM-DD`), or why not; `what` names the
/// field in the refusal. The CLI's flags and the dashboard's fields alike.
pub fn parse_day(what: &str, text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("{what} '{t}' is not a date like 2026-12-03"))
}

/// `parse_day` of a value that may be absent (or blank: absent too).
pub fn parse_opt_day(what: &str, text: Option<&str>) -> Result<Option<NaiveDate>, String> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| parse_day(what, t))
        .transpose()
}

/// The most rows the API gives per page.
pub const HISTORY_MAX_LIMIT: u32 = 100;

#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct HistoryQuery {
    /// pending, processing, success or failed.
    pub status: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// 1-based.
    pub page: u32,
    /// 1..=100.
    pub limit: u32,
}

impl HistoryQuery {
    /// Checks what the API documents; the reason when something is off.
    pub fn check(&self) -> Result<(), String> {
        if let Some(s) = &self.status {
            if !matches!(s.as_str(), "pending" | "processing" | "success" | "failed") {
                return Err(format!(
                    "status '{s}' is not one of pending, processing, success, failed"
                ));
            }
        }
        if self.page == 0 {
            return Err("page starts at 1".into());
        }
        if !(1..=HISTORY_MAX_LIMIT).contains(&self.limit) {
            return Err(format!("limit must be 1 to {HISTORY_MAX_LIMIT}"));
        }
        if let (Some(f), Some(t)) = (self.from, self.to) {
            if f > t {
                return Err(format!("--from {f} is after --to {t}"));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct HistoryPage {
    /// Newest first.
    pub transactions: Vec<Transaction>,
    pub page: u32,
    pub total_pages: u32,
    pub total: Option<u64>,
    /// Rows whose status word no one documents, left out.
    pub unreadable: usize,
}

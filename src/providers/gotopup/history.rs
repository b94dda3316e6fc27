//! A page of `/api/buyer/transactions` for the history view and
//! `otpdeck history`: the filters as documented (status, start_date,
//! end_date, page, limit ≤ 100), rows newest first.

use super::buyer::transaction_of;
use super::{wire, GoTopUp};
use crate::domain::history::{HistoryPage, HistoryQuery};
use crate::providers::lenient::parse;
use crate::providers::{Auth, History, ProviderError};
use async_trait::async_trait;
use serde_json::json;

#[async_trait]
impl History for GoTopUp {
    async fn page(&self, q: &HistoryQuery) -> Result<HistoryPage, ProviderError> {
        let key = match &self.auth {
            Auth::ApiKey(k) => k,
            Auth::Otomax { .. } => match &self.gtu.history_key {
                Some(k) => k,
                None => {
                    return Err(ProviderError::Unsupported(
                        "history on an Otomax account without an API key".into(),
                    ))
                }
            },
        };
        let mut body = json!({"page": q.page.max(1), "limit": q.limit.clamp(1, 100)});
        if let Some(m) = body.as_object_mut() {
            if let Some(s) = &q.status {
                m.insert("status".into(), json!(s));
            }
            if let Some(d) = q.from {
                m.insert("start_date".into(), json!(d.format("%Y-%m-%d").to_string()));
            }
            if let Some(d) = q.to {
                m.insert("end_date".into(), json!(d.format("%Y-%m-%d").to_string()));
            }
        }
        let h: wire::History = parse(
            self.post("/api/buyer/transactions", body, key).await?,
            "history",
        )?;
        let total_pages = h
            .pagination
            .as_ref()
            .and_then(|p| p.total_pages)
            .unwrap_or(1)
            .max(1) as u32;
        let total = h
            .pagination
            .as_ref()
            .and_then(|p| p.total)
            .map(|t| t.max(0) as u64);
        let mut unreadable = 0;
        let mut transactions: Vec<_> = h
            .transactions
            .into_iter()
            .filter_map(|t| match transaction_of(t) {
                Ok(t) => Some(t),
                Err(_) => {
                    unreadable += 1;
                    None
                }
            })
            .collect();
        // Newest first whatever order the page came in (rows without a
        // time keep their place at the end).
        transactions.sort_by_key(|t| std::cmp::Reverse(t.at));
        Ok(HistoryPage {
            transactions,
            page: q.page.max(1),
            total_pages,
            total,
            unreadable,
        })
    }
}

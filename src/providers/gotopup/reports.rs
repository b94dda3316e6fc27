//! `POST /api/buyer/reports` and `/api/seller/reports`. otpdeck always asks
//! for `format: "json"` and writes any CSV itself: the API's own CSV has no
//! documented shape. The reply's `data` is read as `type`, `period`,
//! `summary` (figures by name) and one list of rows; the doc shows the
//! buyer's rows as `transactions: [...]` and no rows for the seller, so
//! rows are taken from whichever list `data` holds (`transactions`,
//! `sales`, `products`, `deposits`, `rows`), each row's fields as given.

use super::api_config::{bearer_call, GoTopUpKeyApi};
use crate::domain::report::{Report, ReportQuery};
use crate::providers::http::Retry;
use crate::providers::{ProviderError, Reports};
use async_trait::async_trait;
use serde_json::{json, Map, Value};

const ROW_LISTS: [&str; 5] = ["transactions", "sales", "products", "deposits", "rows"];

/// A buyer key's reports; a seller key's go to its own client
/// (`GoTopUpKeyApi`), which the dashboard and `otpdeck report` look for first.
#[async_trait]
impl Reports for super::GoTopUp {
    async fn report(&self, q: &ReportQuery) -> Result<Report, ProviderError> {
        let c = self.key_api().await?;
        c.report(q).await
    }
}

impl GoTopUpKeyApi {
    /// A report is a read: safe to repeat.
    pub async fn report(&self, q: &ReportQuery) -> Result<Report, ProviderError> {
        let mut body = json!({"type": q.kind.as_str(), "format": "json"});
        if let Some(m) = body.as_object_mut() {
            if let Some(f) = q.from {
                m.insert("start_date".into(), json!(f.to_string()));
            }
            if let Some(t) = q.to {
                m.insert("end_date".into(), json!(t.to_string()));
            }
        }
        let path = format!("{}/reports", self.role);
        let v = bearer_call(
            &self.http,
            &self.key,
            reqwest::Method::POST,
            &path,
            Some(body),
            Retry::Safe,
        )
        .await?;
        report_of(v, q)
    }
}

fn report_of(data: Value, q: &ReportQuery) -> Result<Report, ProviderError> {
    let Value::Object(d) = data else {
        return Err(ProviderError::Malformed(
            "report: data is not an object".into(),
        ));
    };
    let period = d.get("period").and_then(Value::as_object);
    let date = |k: &str| {
        period
            .and_then(|p| p.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let summary = match d.get("summary") {
        Some(Value::Object(m)) => m.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => {
            return Err(ProviderError::Malformed(
                "report: summary is not an object".into(),
            ))
        }
    };
    let rows = ROW_LISTS
        .iter()
        .find_map(|k| d.get(*k).and_then(Value::as_array))
        .map(|list| {
            list.iter()
                .map(|r| match r {
                    Value::Object(m) => m.clone(),
                    other => Map::from_iter([("value".to_string(), other.clone())]),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Report {
        kind: d
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or(q.kind.as_str())
            .to_string(),
        start_date: date("start_date").or(q.from.map(|f| f.to_string())),
        end_date: date("end_date").or(q.to.map(|t| t.to_string())),
        summary,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::ok;
    use super::*;
    use crate::domain::report::ReportKind;

    #[test]
    fn doc_examples_read() {
        let q = ReportQuery {
            kind: ReportKind::Sales,
            from: None,
            to: None,
        };
        let v: Value = ok(
            r#"{"status": "success", "code": "00", "data": {"type": "sales", "period": {"start_date": "2025-01-01", "end_date": "2025-01-31"}, "summary": {"total_transactions": 45, "success_transactions": 42, "failed_transactions": 3, "total_revenue": 231000, "success_revenue": 231000, "commission_rate": 0.05, "commission_amount": 11550, "net_revenue": 219450}}}"#,
        );
        let r = report_of(v, &q).expect("report");
        assert_eq!(r.start_date.as_deref(), Some("2025-01-01"));
        assert_eq!(r.summary["net_revenue"], 219450);
        assert!(r.rows.is_empty());
        let v: Value = ok(
            r#"{"status": "success", "code": "00", "data": {"type": "transaction", "summary": {"total_transactions": 1}, "transactions": [{"ref_id": "TXN-1", "price": 5500}]}}"#,
        );
        let r = report_of(v, &q).expect("report");
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0]["ref_id"], "TXN-1");
        let bad: Value = ok(r#"{"status": "success", "code": "00", "data": {"summary": 3}}"#);
        assert!(report_of(bad, &q).is_err());
    }
}

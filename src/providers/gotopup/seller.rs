//! GoTopUp's seller API (`/api/seller/*`): products, settlement requests
//! and the seller's sales. A seller key answers these calls only, so this
//! is its own client rather than a `Provider` (which is a buyer).

use super::seller_wire as w;
use crate::domain::seller::*;
use crate::providers::http::{Http, Retry};
use crate::providers::lenient::{self, parse};
use crate::providers::{ProviderError, ProviderSettings};
use crate::secret::Secret;
use serde_json::{json, Value};

pub struct GoTopUpSeller {
    http: Http,
    key: Secret,
}

fn product_of(p: w::SellerProduct) -> SellerProduct {
    SellerProduct {
        name: p.name.unwrap_or_else(|| p.code.clone()),
        code: p.code,
        category: p.category,
        subcategory: p.subcategory,
        operator: p.operator,
        price: p.price,
        status: p
            .status
            .map(|s| lenient::norm(&s))
            .unwrap_or_else(|| "active".into()),
    }
}

fn sale_of(s: w::Sale) -> SellerSale {
    SellerSale {
        ref_id: s.ref_id,
        transaction_id: s.transaction_id,
        code: s.code,
        customer_number: s.customer_number,
        price: s.price,
        status: lenient::norm(&s.status),
        sn: s.sn,
        timestamp: s.timestamp,
    }
}

impl GoTopUpSeller {
    pub fn new(settings: &ProviderSettings) -> Result<Self, ProviderError> {
        let key = super::api_config::bearer_key(&settings.auth, "the seller API with Otomax auth")?;
        Ok(GoTopUpSeller {
            http: Http::new(&settings.base_url, settings.http, settings.auth.secrets())?,
            key,
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        retry: Retry,
    ) -> Result<Value, ProviderError> {
        super::api_config::bearer_call(&self.http, &self.key, method, path, body, retry).await
    }

    pub async fn products(&self) -> Result<Vec<SellerProduct>, ProviderError> {
        let v = self
            .call(
                reqwest::Method::GET,
                "/api/seller/products",
                None,
                Retry::Safe,
            )
            .await?;
        let rows: Vec<w::SellerProduct> = parse(v, "seller products")?;
        Ok(rows.into_iter().map(product_of).collect())
    }

    /// Creating twice is refused by the code being unique, so a retry is
    /// safe at worst a "taken" error.
    pub async fn create_product(&self, d: &ProductDraft) -> Result<SellerProduct, ProviderError> {
        check_draft(d).map_err(invalid)?;
        let mut body = json!({
            "code": d.code, "name": d.name, "category": d.category,
            "subcategory": d.subcategory, "price": d.price.amount(),
            "status": if d.active { "active" } else { "inactive" },
        });
        if let (Some(op), Some(m)) = (&d.operator, body.as_object_mut()) {
            m.insert("operator".into(), json!(op));
        }
        let v = self
            .call(
                reqwest::Method::POST,
                "/api/seller/products",
                Some(body),
                Retry::Never,
            )
            .await?;
        Ok(product_of(parse(v, "created product")?))
    }

    /// A PUT sets values, so repeating it is harmless.
    pub async fn update_product(
        &self,
        code: &str,
        p: &ProductPatch,
    ) -> Result<SellerProduct, ProviderError> {
        check_patch(code, p).map_err(invalid)?;
        let mut m = serde_json::Map::new();
        if let Some(price) = p.price {
            m.insert("price".into(), json!(price.amount()));
        }
        if let Some(s) = &p.status {
            m.insert("status".into(), json!(s));
        }
        if let Some(d) = &p.description {
            m.insert("description".into(), json!(d));
        }
        let path = format!(
            "/api/seller/products/{}",
            crate::providers::http::encode(code)
        );
        let v = self
            .call(
                reqwest::Method::PUT,
                &path,
                Some(Value::Object(m)),
                Retry::Safe,
            )
            .await?;
        Ok(product_of(parse(v, "updated product")?))
    }

    /// Sent once (never retried here): a retry is the caller's replay of
    /// the same ref_id from the journal.
    pub async fn request_settlement(
        &self,
        r: &SettlementRequest,
    ) -> Result<Settlement, ProviderError> {
        check_settlement(r).map_err(invalid)?;
        let body = json!({
            "amount": r.amount.amount(),
            "bank_account": {
                "bank_code": r.bank.bank_code,
                "account_number": r.bank.account_number,
                "account_name": r.bank.account_name,
            },
            "ref_id": r.ref_id,
        });
        let v = self
            .call(
                reqwest::Method::POST,
                "/api/seller/settlement/request",
                Some(body),
                Retry::Never,
            )
            .await?;
        let s: w::Settlement = parse(v, "settlement")?;
        Ok(Settlement {
            settlement_id: s.settlement_id,
            amount: s.amount.unwrap_or(r.amount),
            fee: s.fee,
            net_amount: s.net_amount,
            status: lenient::norm(&s.status),
            estimated_completion: s.estimated_completion,
        })
    }

    pub async fn sales(&self, q: &SalesQuery) -> Result<SellerSalesPage, ProviderError> {
        check_sales_query(q).map_err(invalid)?;
        let mut m = serde_json::Map::new();
        m.insert("page".into(), json!(q.page));
        m.insert("limit".into(), json!(q.limit));
        if let Some(s) = &q.status {
            m.insert("status".into(), json!(s));
        }
        if let Some(d) = q.start_date {
            m.insert("start_date".into(), json!(d.format("%Y-%m-%d").to_string()));
        }
        if let Some(d) = q.end_date {
            m.insert("end_date".into(), json!(d.format("%Y-%m-%d").to_string()));
        }
        let v = self
            .call(
                reqwest::Method::POST,
                "/api/seller/transactions",
                Some(Value::Object(m)),
                Retry::Safe,
            )
            .await?;
        let page: w::Sales = parse(v, "seller transactions")?;
        let transactions = page
            .transactions
            .into_iter()
            .filter_map(|t| serde_json::from_value::<w::Sale>(t).ok().map(sale_of))
            .collect();
        let pg = page.pagination.as_ref();
        Ok(SellerSalesPage {
            transactions,
            page: q.page,
            total_pages: pg.and_then(|p| p.total_pages).unwrap_or(1).max(1) as u32,
            total: pg.and_then(|p| p.total).map(|t| t.max(0) as u64),
        })
    }
}

fn invalid(message: String) -> ProviderError {
    ProviderError::Rejected {
        status: 0,
        message: format!("not sent: {message}"),
    }
}

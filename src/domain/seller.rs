//! GoTopUp's seller side in our own words: products a seller lists,
//! settlements (withdrawals) and the seller's sales. The checks here run
//! before anything is sent, for the CLI and the dashboard alike.

use crate::money::Rupiah;
use serde::Serialize;

/// The doc's minimum settlement: "Minimum: Rp 50,000".
pub const MIN_SETTLEMENT: Rupiah = Rupiah(50_000);

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SellerProduct {
    pub code: String,
    pub name: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub operator: Option<String>,
    pub price: Rupiah,
    /// "active", "inactive" or "maintenance" as the API says it.
    pub status: String,
}

/// A new product (`POST /api/seller/products`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProductDraft {
    pub code: String,
    pub name: String,
    pub category: String,
    pub subcategory: String,
    pub operator: Option<String>,
    pub price: Rupiah,
    pub active: bool,
}

/// A change to a product (`PUT /api/seller/products/{code}`); `None` is
/// left as it is.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ProductPatch {
    pub price: Option<Rupiah>,
    pub status: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct BankAccount {
    pub bank_code: String,
    pub account_number: String,
    pub account_name: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SettlementRequest {
    pub amount: Rupiah,
    pub bank: BankAccount,
    pub ref_id: String,
}

/// What the API said about a settlement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settlement {
    pub settlement_id: Option<String>,
    pub amount: Rupiah,
    pub fee: Option<Rupiah>,
    pub net_amount: Option<Rupiah>,
    /// "pending", "completed", "failed" (lower case).
    pub status: String,
    pub estimated_completion: Option<String>,
}

/// One sale of the seller's products.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SellerSale {
    pub ref_id: Option<String>,
    pub transaction_id: Option<String>,
    pub code: Option<String>,
    pub customer_number: Option<String>,
    pub price: Option<Rupiah>,
    pub status: String,
    pub sn: Option<String>,
    pub timestamp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SellerSalesPage {
    pub transactions: Vec<SellerSale>,
    pub page: u32,
    pub total_pages: u32,
    pub total: Option<u64>,
}

/// Filters of `POST /api/seller/transactions`, as documented.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct SalesQuery {
    pub status: Option<String>,
    pub start_date: Option<chrono::NaiveDate>,
    pub end_date: Option<chrono::NaiveDate>,
    pub page: u32,
    pub limit: u32,
}

impl BankAccount {
    /// As typed, made the shape the API takes (CLI and dashboard): each
    /// field trimmed, the bank code in capitals.
    pub fn typed(bank_code: &str, account_number: &str, account_name: &str) -> BankAccount {
        BankAccount {
            bank_code: bank_code.trim().to_uppercase(),
            account_number: account_number.trim().to_string(),
            account_name: account_name.trim().to_string(),
        }
    }
}

impl ProductDraft {
    /// As typed (CLI and dashboard): code and name trimmed, category and
    /// subcategory trimmed and in lower case; the operator as the caller
    /// has it.
    pub fn typed(
        code: &str,
        name: &str,
        category: &str,
        subcategory: &str,
        operator: Option<String>,
        price: Rupiah,
        active: bool,
    ) -> ProductDraft {
        ProductDraft {
            code: code.trim().to_string(),
            name: name.trim().to_string(),
            category: category.trim().to_lowercase(),
            subcategory: subcategory.trim().to_lowercase(),
            operator,
            price,
            active,
        }
    }
}

pub const PRODUCT_STATUSES: [&str; 3] = ["active", "inactive", "maintenance"];
pub const SALE_STATUSES: [&str; 4] = ["pending", "success", "failed", "processing"];

fn check_code(code: &str) -> Result<(), String> {
    let ok = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "product code '{code}' must be 1-64 letters, digits, '-', '_' or '.'"
        ))
    }
}

pub fn check_draft(d: &ProductDraft) -> Result<(), String> {
    check_code(&d.code)?;
    if d.name.trim().is_empty() {
        return Err("a product needs a name".into());
    }
    if !matches!(d.category.as_str(), "prabayar" | "pascabayar") {
        return Err(format!(
            "category '{}' is not prabayar or pascabayar",
            d.category
        ));
    }
    if d.subcategory.trim().is_empty() {
        return Err("a product needs a subcategory (e.g. pulsa, pln, games)".into());
    }
    if d.price < Rupiah::ZERO {
        return Err("the price cannot be negative".into());
    }
    Ok(())
}

pub fn check_patch(code: &str, p: &ProductPatch) -> Result<(), String> {
    check_code(code)?;
    if p.price.is_none() && p.status.is_none() && p.description.is_none() {
        return Err(
            "nothing to change: give --price, --active/--inactive/--maintenance or --description"
                .into(),
        );
    }
    if p.price.is_some_and(|v| v < Rupiah::ZERO) {
        return Err("the price cannot be negative".into());
    }
    if let Some(s) = &p.status {
        if !PRODUCT_STATUSES.contains(&s.as_str()) {
            return Err(format!(
                "status '{s}' is not active, inactive or maintenance"
            ));
        }
    }
    Ok(())
}

pub fn check_settlement(r: &SettlementRequest) -> Result<(), String> {
    if r.amount < MIN_SETTLEMENT {
        return Err(format!(
            "a settlement is at least {MIN_SETTLEMENT} (asked {})",
            r.amount
        ));
    }
    let b = &r.bank;
    if b.bank_code.trim().is_empty() {
        return Err("the bank code is empty (e.g. BCA, BNI, MANDIRI)".into());
    }
    if b.account_number.is_empty() || !b.account_number.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "account number '{}' must be digits only",
            b.account_number
        ));
    }
    if b.account_name.trim().is_empty() {
        return Err("the account holder's name is empty".into());
    }
    if r.ref_id.is_empty() || r.ref_id.len() > 64 {
        return Err("the ref_id must be 1-64 characters".into());
    }
    Ok(())
}

pub fn check_sales_query(q: &SalesQuery) -> Result<(), String> {
    if let Some(s) = &q.status {
        if !SALE_STATUSES.contains(&s.as_str()) {
            return Err(format!(
                "status '{s}' is not one of {}",
                SALE_STATUSES.join(", ")
            ));
        }
    }
    if !(1..=100).contains(&q.limit) {
        return Err(format!("limit {} is not 1-100", q.limit));
    }
    if q.page == 0 {
        return Err("page starts at 1".into());
    }
    if let (Some(a), Some(b)) = (q.start_date, q.end_date) {
        if a > b {
            return Err(format!("start date {a} is after end date {b}"));
        }
    }
    Ok(())
}

/// The fee the doc's only example shows (5.000 on 500.000, 1%). The doc
/// states no rule, so this is an estimate shown before confirming; the
/// reply's own fee and net are what get recorded.
pub fn estimated_fee(amount: Rupiah) -> Rupiah {
    Rupiah(amount.0 / 100)
}

/// A settlement in words before it is confirmed (CLI and dashboard): the
/// amount, the bank, the ref_id, the estimated fee and net.
pub fn settlement_summary(r: &SettlementRequest) -> String {
    let fee = estimated_fee(r.amount);
    format!(
        "Settle {} to {} {} ({}), ref_id {}: estimated fee {} (1%, as in GoTopUp's example; the reply's fee counts), net about {}",
        r.amount,
        r.bank.bank_code,
        r.bank.account_number,
        r.bank.account_name,
        r.ref_id,
        fee,
        Rupiah(r.amount.0 - fee.0)
    )
}

/// How a settlement request ended, for the CLI and the dashboard alike.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub enum SettleOutcome {
    /// The API answered; the row holds its id, fee, net and status.
    Sent(SettlementRow),
    /// The ref_id was already settled (or refused): nothing was sent.
    Already(SettlementRow),
    /// Sent, but no readable reply: it may have gone through. Never taken
    /// as failed, never sent again.
    Unclear(SettlementRow),
    /// The API refused it (or it could not be sent); the note says why.
    Refused(SettlementRow),
}

impl SettleOutcome {
    pub fn row(&self) -> &SettlementRow {
        match self {
            SettleOutcome::Sent(r)
            | SettleOutcome::Already(r)
            | SettleOutcome::Unclear(r)
            | SettleOutcome::Refused(r) => r,
        }
    }
}

/// Statuses whose request may be sent (again) under the same ref_id: only
/// one that certainly never reached the provider.
pub fn replayable(status: &str) -> bool {
    status == "not_sent"
}

/// A settlement as the journal holds it.
/// Statuses in the journal: "sending" (written, reply not in yet),
/// "unclear" (sent, no readable reply: may have gone through), "refused"
/// (the API said no), then the API's own "pending", "completed", "failed".
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SettlementRow {
    pub id: i64,
    pub account: String,
    pub ref_id: String,
    pub amount: Rupiah,
    pub bank: BankAccount,
    pub settlement_id: Option<String>,
    pub fee: Option<Rupiah>,
    pub net_amount: Option<Rupiah>,
    pub status: String,
    pub note: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl SettlementRow {
    /// The request as first journaled: a replay sends exactly this.
    pub fn request(&self) -> SettlementRequest {
        SettlementRequest {
            amount: self.amount,
            bank: self.bank.clone(),
            ref_id: self.ref_id.clone(),
        }
    }

    /// Final: nothing will change it (a "completed" or "failed" from the API).
    pub fn is_final(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "failed" | "refused")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(amount: i64) -> SettlementRequest {
        SettlementRequest {
            amount: Rupiah(amount),
            bank: BankAccount {
                bank_code: "BCA".into(),
                account_number: "1234567890".into(),
                account_name: "Nama".into(),
            },
            ref_id: "S-1".into(),
        }
    }

    #[test]
    fn settlement_minimum_and_bank_fields() {
        assert!(check_settlement(&req(49_999))
            .unwrap_err()
            .contains("at least"));
        assert!(check_settlement(&req(50_000)).is_ok());
        let mut r = req(60_000);
        r.bank.account_number = "12-34".into();
        assert!(check_settlement(&r).is_err());
        assert_eq!(estimated_fee(Rupiah(500_000)), Rupiah(5_000));
    }

    #[test]
    fn patches_need_something_valid() {
        assert!(check_patch("T5", &ProductPatch::default()).is_err());
        let p = ProductPatch {
            status: Some("paused".into()),
            ..Default::default()
        };
        assert!(check_patch("T5", &p).is_err());
        let p = ProductPatch {
            price: Some(Rupiah(-1)),
            ..Default::default()
        };
        assert!(check_patch("T5", &p).is_err());
        assert!(check_patch(
            "bad code",
            &ProductPatch {
                price: Some(Rupiah(1)),
                ..Default::default()
            }
        )
        .is_err());
    }
}

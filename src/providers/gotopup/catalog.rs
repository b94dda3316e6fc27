//! The catalog: services are price-list groups (subcategory or category +
//! operator, e.g. `pulsa:telkomsel`); offers are the group's products, offer
//! id = product code. Postpaid groups carry the bill prefix
//! (`bill:pln:pln`): their products are paid after an inquiry, never
//! bought as top-ups.

use super::{wire, GoTopUp};
use crate::domain::bill::BILL_SERVICE_PREFIX;
use crate::domain::Offer;
use crate::providers::lenient::{self, parse};
use crate::providers::{Auth, ProviderError};
use serde_json::{json, Value};

/// A product's group as (service id, display name).
pub(super) fn group_of(p: &wire::Product) -> (String, String) {
    let cat = p
        .subcategory
        .clone()
        .or_else(|| p.category.clone())
        .unwrap_or_else(|| "produk".into());
    let op = p.operator.clone().unwrap_or_else(|| "lainnya".into());
    let mut id = format!("{}:{}", lenient::norm(&cat), lenient::norm(&op));
    if is_postpaid(p) {
        id.insert_str(0, BILL_SERVICE_PREFIX);
    }
    // The words as GoTopUp gives them: the group in title case (acronyms
    // such as PLN kept), then the operator as written, unless it only
    // repeats the group ("pln" by "PLN" is "PLN", not "Pln PLN").
    let group = title(&cat);
    let name = if lenient::norm(&op) == lenient::norm(&cat) || op.trim().is_empty() {
        group
    } else {
        format!("{group} {}", op.trim())
    };
    (id, name)
}

/// A pascabayar product: a bill, not a top-up.
pub(super) fn is_postpaid(p: &wire::Product) -> bool {
    p.category
        .as_deref()
        .is_some_and(|c| lenient::norm(c) == "pascabayar")
}

/// Capitalised words: "pulsa" → "Pulsa", "e_money" → "E Money"; the
/// acronyms PPOB users know stay capitals ("pln" → "PLN").
fn title(s: &str) -> String {
    const ACRONYMS: &[&str] = &["pln", "pdam", "bpjs", "sms", "tv"];
    s.split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            if ACRONYMS.contains(&w.to_ascii_lowercase().as_str()) {
                return w.to_ascii_uppercase();
            }
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a product's group sits in the catalog tree: category (prabayar,
/// pascabayar), then subcategory (pulsa, data, pln…); either may be
/// missing from a product, and then that level is.
pub(super) fn path_of(p: &wire::Product) -> Vec<String> {
    [p.category.as_deref(), p.subcategory.as_deref()]
        .into_iter()
        .flatten()
        .map(title)
        .filter(|t| !t.is_empty())
        .collect()
}

pub(super) fn offer_of(p: &wire::Product, service_id: &str) -> Offer {
    Offer {
        id: p.code.clone(),
        service_id: service_id.to_string(),
        country_id: None,
        label: p.name.clone(),
        price: p.price,
        stock: None,
        success_rate: None,
        operators: Vec::new(),
        available: p
            .status
            .as_deref()
            .map(|s| lenient::norm(s) == "active")
            .unwrap_or(true),
    }
}

impl GoTopUp {
    /// The price list, filtered server-side when a category or operator is
    /// given; both auth flavours have one.
    pub(super) async fn products(
        &self,
        category: Option<&str>,
        operator: Option<&str>,
    ) -> Result<Vec<wire::Product>, ProviderError> {
        let v = match &self.auth {
            Auth::ApiKey(k) => {
                let mut body = serde_json::Map::new();
                if let Some(c) = category {
                    body.insert("category".into(), json!(c));
                }
                if let Some(o) = operator {
                    body.insert("operator".into(), json!(o));
                }
                self.post("/api/buyer/price-list", Value::Object(body), k)
                    .await?
            }
            Auth::Otomax { .. } => {
                let mut p = Vec::new();
                if let Some(c) = category {
                    p.push(("category", c));
                }
                if let Some(o) = operator {
                    p.push(("operator", o));
                }
                lenient::unwrap_data(self.otomax("/api/otomax/price-list", &p).await?)
            }
        };
        // Postpaid rows stay: their groups carry the bill prefix, and the
        // callers route them to the inquiry instead of a top-up.
        parse(v, "price list")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::ok;
    use super::*;
    use crate::money::Rupiah;

    #[test]
    fn buyer_price_list_example_groups_by_subcategory_and_operator() {
        let p: Vec<wire::Product> = ok(
            r#"{"status": "success", "code": "00", "data": [{"code": "TELKOMSEL5", "name": "Pulsa Telkomsel 5.000", "category": "prabayar", "subcategory": "pulsa", "operator": "Telkomsel", "price": 5500, "status": "active"}, {"code": "TELKOMSEL10", "name": "Pulsa Telkomsel 10.000", "category": "prabayar", "subcategory": "pulsa", "operator": "Telkomsel", "price": 10500, "status": "active"}]}"#,
        );
        assert_eq!(
            group_of(&p[0]),
            ("pulsa:telkomsel".to_string(), "Pulsa Telkomsel".to_string())
        );
        assert_eq!(p[1].price, Rupiah(10_500));
    }

    /// Group names read as GoTopUp writes them: an operator that only
    /// repeats the group is not said twice, acronyms stay capitals, the
    /// operator keeps its own spelling.
    #[test]
    fn group_names_read_as_gotopup_gives_them() {
        let p: Vec<wire::Product> = ok(r#"{"status": "success", "code": "00", "data": [
                {"code": "PLN20", "name": "Token PLN 20.000", "category": "prabayar", "subcategory": "pln", "operator": "PLN", "price": 20500, "status": "active"},
                {"code": "DANA10", "name": "DANA 10.000", "category": "prabayar", "subcategory": "e_money", "operator": "DANA", "price": 10300, "status": "active"},
                {"code": "XLD1", "name": "XL Data 1GB", "category": "prabayar", "subcategory": "data", "operator": "XL", "price": 15000, "status": "active"}]}"#);
        let names: Vec<String> = p.iter().map(|x| group_of(x).1).collect();
        assert_eq!(names, ["PLN", "E Money DANA", "Data XL"]);
        assert_eq!(group_of(&p[0]).0, "pln:pln");
    }

    #[test]
    fn seller_product_examples_parse_as_offers() {
        // GET /api/seller/products
        let products: Vec<wire::Product> = ok(r#"{
"status": "success",
"code": "00",
"data": [
{
"code": "TELKOMSEL5",
"name": "Pulsa Telkomsel 5.000",
"category": "prabayar",
"subcategory": "pulsa",
"operator": "Telkomsel",
"price": 5500,
"status": "active"
}
]
}"#);
        let offer = offer_of(&products[0], "pulsa:telkomsel");
        assert_eq!(
            (offer.id.as_str(), offer.price, offer.available),
            ("TELKOMSEL5", Rupiah(5500), true)
        );

        // POST /api/seller/products
        let created: wire::Product = ok(r#"{
"status": "success",
"code": "00",
"message": "Product created successfully",
"data": {
"code": "TELKOMSEL5",
"name": "Pulsa Telkomsel 5.000",
"category": "prabayar",
"subcategory": "pulsa",
"operator": "Telkomsel",
"price": 5500,
"status": "active"
}
}"#);
        assert_eq!(group_of(&created).0, "pulsa:telkomsel");
        assert_eq!(created.category.as_deref(), Some("prabayar"));

        // PUT /api/seller/products/TELKOMSEL5: no category or operator.
        let updated: wire::Product = ok(r#"{
"status": "success",
"code": "00",
"message": "Product updated successfully",
"data": {
"code": "TELKOMSEL5",
"name": "Pulsa Telkomsel 5.000",
"price": 5500,
"status": "active"
}
}"#);
        assert_eq!(
            (
                updated.code.as_str(),
                updated.price,
                updated.operator.as_deref()
            ),
            ("TELKOMSEL5", Rupiah(5500), None)
        );
        assert_eq!(group_of(&updated).0, "produk:lainnya");
    }
}

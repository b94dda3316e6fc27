//! The read-only listings (countries, S1 platforms and products, S2
//! services) rendered from the catalog.

use super::reply::{fail, ok, Resp};
use super::{q_num, SimState};
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;

impl SimState {
    pub(super) fn countries_json(&self, only: Option<&[u32]>) -> Value {
        self.catalog
            .countries
            .iter()
            .filter(|c| only.is_none_or(|o| o.contains(&c.id)))
            .map(|c| json!({"id": c.id, "name": c.name, "code": c.code, "prefix": c.prefix}))
            .collect()
    }

    pub(super) fn platforms_json(&self, country: Option<u32>) -> Value {
        self.catalog
            .platforms
            .iter()
            .filter(|p| {
                country.is_none_or(|c| {
                    self.catalog
                        .products
                        .iter()
                        .any(|x| x.platform == p.id && x.country == c)
                })
            })
            .map(|p| json!({"id": p.id, "name": p.name, "category": p.category}))
            .collect()
    }

    pub(super) fn products(&self, q: &HashMap<String, String>) -> Resp {
        let platform = q_num(q, "platform_id");
        let country = q_num(q, "country_id");
        let mut rows: Vec<_> = self
            .catalog
            .products
            .iter()
            .filter(|p| platform.is_none_or(|x| p.platform == x))
            .filter(|p| country.is_none_or(|x| p.country == x))
            .collect();
        match q.get("sort").map(String::as_str) {
            Some("price" | "price_asc") => rows.sort_by_key(|p| p.price),
            Some("price_desc") => rows.sort_by_key(|p| -p.price),
            Some("stock") => rows.sort_by_key(|p| std::cmp::Reverse(p.stock)),
            _ => {}
        }
        let limit = q_num(q, "limit").unwrap_or(50).clamp(1, 100) as usize;
        let page = q_num(q, "page").unwrap_or(1).max(1) as usize;
        let total = rows.len();
        let last_page = total.div_ceil(limit).max(1);
        let data: Vec<Value> = rows
            .iter()
            .skip((page - 1) * limit)
            .take(limit)
            .map(|p| {
                json!({
                    "id": p.id,
                    "platform_id": p.platform,
                    "platform_name": self.catalog.platform(p.platform).map(|x| x.name),
                    "country_id": p.country,
                    "country_name": self.catalog.country(p.country).map(|x| x.name),
                    "name": p.name,
                    "price": p.price,
                    "stock": p.stock,
                    "success_rate": p.success_rate,
                })
            })
            .collect();
        Resp {
            body: json!({
                "success": true,
                "data": data,
                "meta": {"page": page, "limit": limit, "total": total, "last_page": last_page},
            }),
            ..ok(Value::Null)
        }
    }

    pub(super) fn s2_services(&self, q: &HashMap<String, String>) -> Resp {
        let Some(country) = q_num(q, "country_id") else {
            return fail(StatusCode::BAD_REQUEST, "country_id is required");
        };
        ok(self
            .catalog
            .s2_entries
            .iter()
            .filter(|e| e.country == country)
            .filter_map(|e| {
                let s = self.catalog.s2_service(e.service)?;
                Some(json!({
                    "id": s.id,
                    "name": s.name,
                    "country_id": e.country,
                    "price": e.price,
                    "stock": e.stock,
                    "success_rate": e.success_rate,
                }))
            })
            .collect())
    }
}

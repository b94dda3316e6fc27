//! The catalog: ours is service → country → offer; OTPZap is country-first
//! with two servers, so:
//! * services = S1 `/services` (all platforms) merged by name (case and
//!   punctuation ignored) with the S2 services of every S2 country, plus one
//!   service per `/s2/special` entry. Ids: `s1:<platform>`, `s2:<service>`,
//!   `s1:<platform>,s2:<service>` when merged, `sp:<special id>`.
//! * countries = where the service has S1 products and/or S2 entries; a
//!   special service has one synthetic country `special`.
//! * offers = S1 products for (platform, country) as `s1:<product_id>`, and
//!   the S2 entry for that country as `s2:<service_id>:<country_id>` with the
//!   country's operators; specials as `sp:<id>`.

use super::{wire, OtpZap};
use crate::domain::*;
use crate::providers::ProviderError;
use futures::future::try_join_all;
use std::collections::HashMap;

/// Pages of `/products` fetched at most per listing.
const MAX_PAGES: i64 = 10;
const PAGE_LIMIT: usize = 100;
/// Synthetic country under which special services are offered.
const SPECIAL_COUNTRY: &str = "special";

impl OtpZap {
    async fn s1_countries(&self) -> Result<Vec<wire::WCountry>, ProviderError> {
        self.list("/countries", &[], "countries", wire::country)
            .await
    }

    async fn s2_countries(&self) -> Result<Vec<wire::WCountry>, ProviderError> {
        self.list("/s2/countries", &[], "S2 countries", wire::country)
            .await
    }

    async fn s2_services(&self, country: &str) -> Result<Vec<wire::WService>, ProviderError> {
        self.list(
            "/s2/services",
            &[("country_id", country)],
            "S2 services",
            wire::service,
        )
        .await
    }

    async fn s2_operators(&self, country: &str) -> Result<Vec<wire::WOperator>, ProviderError> {
        self.list(
            "/s2/operators",
            &[("country_id", country)],
            "S2 operators",
            wire::operator,
        )
        .await
    }

    async fn s2_special(&self) -> Result<Vec<wire::WService>, ProviderError> {
        self.list("/s2/special", &[], "special services", wire::service)
            .await
    }

    /// S2 services of every S2 country, fetched side by side.
    async fn s2_by_country(
        &self,
    ) -> Result<Vec<(wire::WCountry, Vec<wire::WService>)>, ProviderError> {
        let countries = self.s2_countries().await?;
        let lists = try_join_all(countries.iter().map(|c| self.s2_services(&c.id))).await?;
        Ok(countries.into_iter().zip(lists).collect())
    }

    /// Every product of a platform (optionally in one country), all pages.
    async fn products(
        &self,
        platform: &str,
        country: Option<&str>,
    ) -> Result<Vec<wire::WProduct>, ProviderError> {
        let mut out = Vec::new();
        let limit = PAGE_LIMIT.to_string();
        let mut page = 1i64;
        loop {
            let page_s = page.to_string();
            let mut q = vec![("platform_id", platform)];
            if let Some(c) = country {
                q.push(("country_id", c));
            }
            q.push(("page", &page_s));
            q.push(("limit", &limit));
            let v = self.get("/products", &q).await?;
            let last = wire::last_page(&v);
            let rows = wire::rows(v, "products")?;
            let n = rows.len();
            for r in &rows {
                out.push(wire::product(r)?);
            }
            let more = match last {
                Some(last) => page < last,
                None => n >= PAGE_LIMIT,
            };
            if !more || n == 0 || page >= MAX_PAGES {
                return Ok(out);
            }
            page += 1;
        }
    }

    pub(super) async fn catalog_services(&self) -> Result<Vec<Service>, ProviderError> {
        let (platforms, s2, special) = futures::try_join!(
            self.list("/services", &[], "services", wire::service),
            self.s2_by_country(),
            self.s2_special(),
        )?;
        // (ids, name, category) in S1 order, then S2-only names.
        let mut merged: Vec<(ServiceIds, String, Option<String>)> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for p in platforms {
            let key = name_key(&p.name);
            match by_name.get(&key).copied() {
                Some(i) if merged[i].0.s1.is_none() => merged[i].0.s1 = Some(p.id),
                _ => {
                    by_name.insert(key, merged.len());
                    let ids = ServiceIds {
                        s1: Some(p.id),
                        ..Default::default()
                    };
                    merged.push((ids, p.name, p.category));
                }
            }
        }
        for s in s2.into_iter().flat_map(|(_, list)| list) {
            let key = name_key(&s.name);
            match by_name.get(&key).copied() {
                Some(i) if merged[i].0.s2.is_none() => merged[i].0.s2 = Some(s.id),
                // The same S2 service again, from another country.
                Some(i) if merged[i].0.s2.as_ref() == Some(&s.id) => {}
                _ => {
                    by_name.insert(key, merged.len());
                    let ids = ServiceIds {
                        s2: Some(s.id),
                        ..Default::default()
                    };
                    merged.push((ids, s.name, Some("Server 2".into())));
                }
            }
        }
        let mut out: Vec<Service> = merged
            .into_iter()
            .map(|(ids, name, category)| Service {
                id: ids.encode(),
                name,
                category,
            })
            .collect();
        out.extend(special.into_iter().map(|s| Service {
            id: format!("sp:{}", s.id),
            name: format!("{} (special)", s.name),
            category: Some("Special".into()),
        }));
        Ok(out)
    }

    pub(super) async fn catalog_countries(
        &self,
        service_id: &str,
    ) -> Result<Vec<Country>, ProviderError> {
        let ids = ServiceIds::parse(service_id)?;
        let mut out: Vec<Country> = Vec::new();
        if let Some(sp) = &ids.special {
            let stock = self
                .s2_special()
                .await?
                .into_iter()
                .find(|s| s.id == *sp)
                .and_then(|s| s.stock);
            out.push(Country {
                id: SPECIAL_COUNTRY.into(),
                name: "Special (pre-allocated numbers)".into(),
                prefix: None,
                stock,
            });
        }
        let add = |out: &mut Vec<Country>, c: &wire::WCountry, stock: Option<u64>| match out
            .iter_mut()
            .find(|x| x.id == c.id)
        {
            Some(x) => x.stock = add_stock(x.stock, stock),
            None => out.push(Country {
                id: c.id.clone(),
                name: c.name.clone(),
                prefix: c.prefix.clone(),
                stock,
            }),
        };
        if let Some(platform) = &ids.s1 {
            let (countries, products) =
                futures::try_join!(self.s1_countries(), self.products(platform, None))?;
            for c in &countries {
                let mine: Vec<_> = products
                    .iter()
                    .filter(|p| p.country_id.as_deref() == Some(c.id.as_str()))
                    .collect();
                if !mine.is_empty() {
                    let stock = mine.iter().fold(None, |acc, p| add_stock(acc, p.stock));
                    add(&mut out, c, stock);
                }
            }
        }
        if let Some(service) = &ids.s2 {
            for (c, list) in self.s2_by_country().await? {
                if let Some(s) = list.iter().find(|s| s.id == *service) {
                    add(&mut out, &c, s.stock);
                }
            }
        }
        Ok(out)
    }

    pub(super) async fn catalog_offers(
        &self,
        service_id: &str,
        country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError> {
        let ids = ServiceIds::parse(service_id)?;
        let mut out = Vec::new();
        if let Some(sp) = &ids.special {
            if country_id.is_none_or(|c| c == SPECIAL_COUNTRY) {
                for s in self.s2_special().await?.into_iter().filter(|s| s.id == *sp) {
                    let price = s.price.ok_or_else(|| {
                        ProviderError::Malformed("special service: missing 'price'".into())
                    })?;
                    out.push(Offer {
                        id: format!("sp:{}", s.id),
                        service_id: service_id.to_string(),
                        country_id: Some(SPECIAL_COUNTRY.into()),
                        label: format!("S2 special · {}", s.name),
                        price,
                        stock: s.stock,
                        success_rate: s.success_rate,
                        operators: Vec::new(),
                        available: s.available,
                    });
                }
            }
        }
        let country = country_id.filter(|c| *c != SPECIAL_COUNTRY);
        if let Some(platform) = &ids.s1 {
            if country_id != Some(SPECIAL_COUNTRY) {
                for p in self.products(platform, country).await? {
                    out.push(Offer {
                        id: format!("s1:{}", p.id),
                        service_id: service_id.to_string(),
                        country_id: p.country_id.clone().or_else(|| country.map(str::to_string)),
                        label: format!("S1 · {}", p.name.as_deref().unwrap_or(&p.id)),
                        price: p.price,
                        stock: p.stock,
                        success_rate: p.success_rate,
                        operators: Vec::new(),
                        available: p.available,
                    });
                }
            }
        }
        // S2 entries exist per country only.
        if let (Some(service), Some(c)) = (&ids.s2, country) {
            let (services, operators) =
                futures::try_join!(self.s2_services(c), self.s2_operators(c),)?;
            for s in services.into_iter().filter(|s| s.id == *service) {
                let price = s.price.ok_or_else(|| {
                    ProviderError::Malformed("S2 service: missing 'price'".into())
                })?;
                out.push(Offer {
                    id: format!("s2:{}:{c}", s.id),
                    service_id: service_id.to_string(),
                    country_id: Some(c.to_string()),
                    label: format!("S2 · {}", s.name),
                    price,
                    stock: s.stock,
                    success_rate: s.success_rate,
                    operators: operators
                        .iter()
                        .map(|o| Operator {
                            id: o.id.clone(),
                            name: o.name.clone(),
                        })
                        .collect(),
                    available: s.available,
                });
            }
        }
        out.sort_by_key(|o| o.price);
        Ok(out)
    }
}

/// Which OTPZap ids a catalog service stands for.
#[derive(Debug, Default, PartialEq)]
pub(super) struct ServiceIds {
    s1: Option<String>,
    s2: Option<String>,
    special: Option<String>,
}

impl ServiceIds {
    fn parse(id: &str) -> Result<ServiceIds, ProviderError> {
        let mut out = ServiceIds::default();
        for part in id.split(',') {
            match part.split_once(':') {
                Some(("s1", v)) if !v.is_empty() => out.s1 = Some(v.to_string()),
                Some(("s2", v)) if !v.is_empty() => out.s2 = Some(v.to_string()),
                Some(("sp", v)) if !v.is_empty() => out.special = Some(v.to_string()),
                _ => {
                    return Err(ProviderError::Rejected {
                        status: 0,
                        message: format!("'{id}' is not an OTPZap service id"),
                    })
                }
            }
        }
        Ok(out)
    }

    fn encode(&self) -> String {
        let parts: Vec<String> = [("s1", &self.s1), ("s2", &self.s2), ("sp", &self.special)]
            .iter()
            .filter_map(|(p, v)| v.as_ref().map(|v| format!("{p}:{v}")))
            .collect();
        parts.join(",")
    }
}

/// What a buy sends, rebuilt from an offer id.
#[derive(Debug, PartialEq)]
pub(super) enum OfferIds {
    S1 { product: String },
    S2 { service: String, country: String },
    Special { service: String },
}

impl OfferIds {
    pub(super) fn parse(id: &str) -> Result<OfferIds, ProviderError> {
        let bad = || ProviderError::Rejected {
            status: 0,
            message: format!("'{id}' is not an OTPZap offer id"),
        };
        match id.split_once(':') {
            Some(("s1", p)) if !p.is_empty() => Ok(OfferIds::S1 {
                product: p.to_string(),
            }),
            Some(("sp", s)) if !s.is_empty() => Ok(OfferIds::Special {
                service: s.to_string(),
            }),
            Some(("s2", rest)) => match rest.rsplit_once(':') {
                Some((s, c)) if !s.is_empty() && !c.is_empty() => Ok(OfferIds::S2 {
                    service: s.to_string(),
                    country: c.to_string(),
                }),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

/// Services compare by name without case or punctuation when merging
/// S1 platforms with S2 services.
fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn add_stock(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_ids_round_trip() {
        let ids = ServiceIds::parse("s1:1,s2:501").unwrap();
        assert_eq!(ids.s1.as_deref(), Some("1"));
        assert_eq!(ids.s2.as_deref(), Some("501"));
        assert_eq!(ids.encode(), "s1:1,s2:501");
        assert_eq!(
            ServiceIds::parse("sp:901").unwrap().special.as_deref(),
            Some("901")
        );
        assert!(ServiceIds::parse("whatsapp").is_err());
        assert!(ServiceIds::parse("s1:").is_err());
    }

    #[test]
    fn offer_ids_rebuild_the_body() {
        assert_eq!(
            OfferIds::parse("s1:101").unwrap(),
            OfferIds::S1 {
                product: "101".into()
            }
        );
        assert_eq!(
            OfferIds::parse("s2:wa:x:7").unwrap(),
            OfferIds::S2 {
                service: "wa:x".into(),
                country: "7".into()
            }
        );
        assert!(OfferIds::parse("s2:501").is_err());
        assert!(OfferIds::parse("101").is_err());
    }

    #[test]
    fn names_merge_without_case_or_punctuation() {
        assert_eq!(name_key("Whats App"), name_key("whatsapp"));
        assert_eq!(name_key("Go-Jek"), "gojek");
    }
}

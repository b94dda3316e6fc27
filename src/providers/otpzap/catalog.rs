//! The catalog: ours is service → country → offer; OTPZap is country-first
//! with two servers, so:
//! * services = S1 `/services` (platforms, `s1:<platform>`), plus two
//!   branches: `s2` (Server 2 by country) and `sp` (special services).
//! * countries: of an S1 platform, where it has products; of `s2`, the
//!   `/s2/countries` list (one request, nothing per country); of `sp`, one
//!   synthetic country `special`.
//! * offers: S1 products for (platform, country) as `s1:<product_id>`; for
//!   `s2` and a country, that country's `/s2/services` (one request) as
//!   `s2:<service_id>:<country_id>`, each with the country's operators
//!   ("any" first), the operator chosen at buy time; specials as `sp:<id>`.
//!
//! Loading S2 per opened country replaces the old fan-out of one
//! `/s2/services` per country at once, where one 429 failed the whole tree.

use super::{wire, OtpZap};
use crate::domain::*;
use crate::providers::ProviderError;

/// A listing read whole stops with an error after this many pages (100,000
/// products): a server whose pages never end must not loop forever, and a
/// list cut short would hide countries and offers without a word.
const MAX_PAGES: u32 = 1000;
const PAGE_LIMIT: usize = 100;
/// Synthetic country under which special services are offered.
const SPECIAL_COUNTRY: &str = "special";
/// Service ids of the two Server 2 branches.
const S2_BRANCH: &str = "s2";
const SPECIAL_BRANCH: &str = "sp";

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

    /// One page of a platform's products (optionally in one country),
    /// cheapest first, and whether another page follows.
    async fn products_page(
        &self,
        platform: &str,
        country: Option<&str>,
        page: u32,
    ) -> Result<(Vec<wire::WProduct>, bool), ProviderError> {
        let limit = PAGE_LIMIT.to_string();
        let page_s = page.to_string();
        let mut q = vec![("platform_id", platform)];
        if let Some(c) = country {
            q.push(("country_id", c));
        }
        // Cheapest first from the API too (the doc names `sort` but not
        // its values; "price" is assumed, and we sort again anyway), so
        // the pages we do fetch hold the offers most worth seeing.
        q.push(("sort", "price"));
        q.push(("page", &page_s));
        q.push(("limit", &limit));
        let v = self.catalog_get("/products", &q).await?;
        let last = wire::last_page(&v);
        let rows = wire::rows(v, "products")?;
        let n = rows.len();
        let out = rows
            .iter()
            .map(wire::product)
            .collect::<Result<Vec<_>, _>>()?;
        let more = n > 0
            && match last {
                Some(last) => i64::from(page) < last,
                None => n >= PAGE_LIMIT,
            };
        Ok((out, more))
    }

    /// Every product of a platform (optionally in one country), every page:
    /// for the country list and the scripting commands. The dashboard's
    /// offers page on demand instead (`offers_page`).
    async fn products(
        &self,
        platform: &str,
        country: Option<&str>,
    ) -> Result<Vec<wire::WProduct>, ProviderError> {
        let mut out = Vec::new();
        let mut last_first: Option<String> = None;
        for page in 1..=MAX_PAGES {
            let (rows, more) = self.products_page(platform, country, page).await?;
            // A server that ignores `page` sends page 1 again and again.
            let first = rows.first().map(|p| p.id.clone());
            if first.is_some() && first == last_first {
                return Err(ProviderError::Malformed(format!(
                    "page {page} of the product list repeats the page before it"
                )));
            }
            last_first = first;
            out.extend(rows);
            if !more {
                return Ok(out);
            }
        }
        Err(ProviderError::Malformed(format!(
            "the product list did not end after {MAX_PAGES} pages"
        )))
    }

    /// One page of offers: S1 products of a country page on demand; every
    /// other listing is whole on page 1.
    pub(super) async fn catalog_offers_page(
        &self,
        service_id: &str,
        country_id: Option<&str>,
        page: u32,
    ) -> Result<(Vec<Offer>, bool), ProviderError> {
        let country = country_id.filter(|c| *c != SPECIAL_COUNTRY);
        if let (ServiceIds::S1(platform), Some(c)) = (ServiceIds::parse(service_id)?, country) {
            let (products, more) = self.products_page(&platform, Some(c), page).await?;
            let mut out: Vec<Offer> = products
                .into_iter()
                .map(|p| s1_offer(p, service_id, Some(c)))
                .collect();
            out.sort_by_key(|o| o.price);
            return Ok((out, more));
        }
        if page > 1 {
            return Ok((Vec::new(), false));
        }
        Ok((self.catalog_offers(service_id, country_id).await?, false))
    }

    /// Server 2 offers of one named service in one named country: the S2
    /// countries, then that country's services and operators (three
    /// requests). A country or service S2 does not have is no offer.
    pub(super) async fn s2_offers_by_name(
        &self,
        service: &str,
        country: &str,
    ) -> Result<Vec<(Service, Country, Offer)>, ProviderError> {
        let countries: Vec<Country> = self
            .s2_countries()
            .await?
            .into_iter()
            .map(|c| Country {
                id: c.id,
                name: c.name,
                prefix: c.prefix,
                stock: None,
            })
            .collect();
        let Ok(c) = crate::domain::naming::find_country(&countries, country) else {
            return Ok(Vec::new());
        };
        let offers = self.catalog_offers(S2_BRANCH, Some(&c.id)).await?;
        // Offers carry "S2 · <name>": named back as services to match.
        let named: Vec<Service> = offers
            .iter()
            .map(|o| Service {
                id: o.id.clone(),
                name: o.label.trim_start_matches("S2 · ").to_string(),
                category: None,
                path: Vec::new(),
            })
            .collect();
        let Ok(s) = crate::domain::naming::find_service(&named, service) else {
            return Ok(Vec::new());
        };
        Ok(offers
            .into_iter()
            .filter(|o| o.id == s.id)
            .map(|o| {
                let svc = Service {
                    id: S2_BRANCH.into(),
                    name: s.name.clone(),
                    category: Some("Server 2".into()),
                    path: Vec::new(),
                };
                (svc, c.clone(), o)
            })
            .collect())
    }

    pub(super) async fn catalog_services(&self) -> Result<Vec<Service>, ProviderError> {
        let platforms = self
            .list("/services", &[], "services", wire::service)
            .await?;
        let mut out: Vec<Service> = platforms
            .into_iter()
            .map(|p| Service {
                id: format!("s1:{}", p.id),
                name: p.name,
                category: p.category,
                path: Vec::new(),
            })
            .collect();
        // Server 2 is country-first: its services are listed per country,
        // so they are loaded when a country is opened (one request), never
        // for every country at once.
        out.push(Service {
            id: S2_BRANCH.into(),
            name: "Server 2 (by country)".into(),
            category: Some("Server 2".into()),
            path: Vec::new(),
        });
        out.push(Service {
            id: SPECIAL_BRANCH.into(),
            name: "Server 2 special services".into(),
            category: Some("Server 2".into()),
            path: Vec::new(),
        });
        Ok(out)
    }

    pub(super) async fn catalog_countries(
        &self,
        service_id: &str,
    ) -> Result<Vec<Country>, ProviderError> {
        let country = |c: wire::WCountry, stock| Country {
            id: c.id,
            name: c.name,
            prefix: c.prefix,
            stock,
        };
        match ServiceIds::parse(service_id)? {
            ServiceIds::Special(_) => Ok(vec![Country {
                id: SPECIAL_COUNTRY.into(),
                name: "Special (pre-allocated numbers)".into(),
                prefix: None,
                stock: None,
            }]),
            // One request: the S2 countries. Their services load when one
            // of them is opened.
            ServiceIds::S2Branch => Ok(self
                .s2_countries()
                .await?
                .into_iter()
                .map(|c| country(c, None))
                .collect()),
            ServiceIds::S1(platform) => {
                let (countries, products) =
                    futures::try_join!(self.s1_countries(), self.products(&platform, None))?;
                Ok(countries
                    .into_iter()
                    .filter_map(|c| {
                        let mine: Vec<_> = products
                            .iter()
                            .filter(|p| p.country_id.as_deref() == Some(c.id.as_str()))
                            .collect();
                        let stock = mine.iter().fold(None, |acc, p| add_stock(acc, p.stock));
                        (!mine.is_empty()).then(|| country(c, stock))
                    })
                    .collect())
            }
        }
    }

    pub(super) async fn catalog_offers(
        &self,
        service_id: &str,
        country_id: Option<&str>,
    ) -> Result<Vec<Offer>, ProviderError> {
        let mut out = Vec::new();
        match ServiceIds::parse(service_id)? {
            ServiceIds::Special(only) => {
                if country_id.is_some_and(|c| c != SPECIAL_COUNTRY) {
                    return Ok(out);
                }
                let specials = self.s2_special().await?;
                for s in specials
                    .into_iter()
                    .filter(|s| only.as_ref().is_none_or(|o| *o == s.id))
                {
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
            ServiceIds::S1(platform) => {
                let country = country_id.filter(|c| *c != SPECIAL_COUNTRY);
                for p in self.products(&platform, country).await? {
                    out.push(s1_offer(p, service_id, country));
                }
            }
            // One services and one operators request for the opened country.
            ServiceIds::S2Branch => {
                let Some(c) = country_id else {
                    return Ok(out);
                };
                let (services, operators) =
                    futures::try_join!(self.s2_services(c), self.s2_operators(c))?;
                let operators = operators_any_first(operators);
                for s in services {
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
                        operators: operators.clone(),
                        available: s.available,
                    });
                }
            }
        }
        out.sort_by_key(|o| o.price);
        Ok(out)
    }
}

fn s1_offer(p: wire::WProduct, service_id: &str, country: Option<&str>) -> Offer {
    Offer {
        id: format!("s1:{}", p.id),
        service_id: service_id.to_string(),
        country_id: p.country_id.clone().or_else(|| country.map(str::to_string)),
        label: format!("S1 · {}", p.name.as_deref().unwrap_or(&p.id)),
        price: p.price,
        stock: p.stock,
        success_rate: p.success_rate,
        operators: Vec::new(),
        available: p.available,
    }
}

/// The operators as offered for choice: "any" first when the API lists
/// it (the buy sends "any" when none is chosen).
fn operators_any_first(list: Vec<wire::WOperator>) -> Vec<Operator> {
    let mut ops: Vec<Operator> = list
        .into_iter()
        .map(|o| Operator {
            id: o.id,
            name: o.name,
        })
        .collect();
    ops.sort_by_key(|o| !o.id.eq_ignore_ascii_case("any"));
    ops
}

/// Which OTPZap listing a catalog service stands for.
#[derive(Debug, PartialEq)]
pub(super) enum ServiceIds {
    /// An S1 platform (`s1:<platform id>`).
    S1(String),
    /// The Server 2 branch (`s2`): countries, then their services.
    S2Branch,
    /// The special services (`sp`), or one of them (`sp:<id>`).
    Special(Option<String>),
}

impl ServiceIds {
    fn parse(id: &str) -> Result<ServiceIds, ProviderError> {
        if id == S2_BRANCH {
            return Ok(ServiceIds::S2Branch);
        }
        if id == SPECIAL_BRANCH {
            return Ok(ServiceIds::Special(None));
        }
        // Ids written before S2 got its own branch merged S1 and S2 as
        // "s1:1,s2:501"; the S1 part still names the platform.
        for part in id.split(',') {
            match part.split_once(':') {
                Some(("s1", v)) if !v.is_empty() => return Ok(ServiceIds::S1(v.to_string())),
                Some(("sp", v)) if !v.is_empty() => {
                    return Ok(ServiceIds::Special(Some(v.to_string())))
                }
                _ => {}
            }
        }
        Err(ProviderError::Rejected {
            status: 0,
            message: format!("'{id}' is not an OTPZap service id"),
        })
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
    fn service_ids_parse() {
        assert_eq!(
            ServiceIds::parse("s1:1").unwrap(),
            ServiceIds::S1("1".into())
        );
        assert_eq!(
            ServiceIds::parse("s1:1,s2:501").unwrap(),
            ServiceIds::S1("1".into())
        );
        assert_eq!(ServiceIds::parse("s2").unwrap(), ServiceIds::S2Branch);
        assert_eq!(ServiceIds::parse("sp").unwrap(), ServiceIds::Special(None));
        assert_eq!(
            ServiceIds::parse("sp:901").unwrap(),
            ServiceIds::Special(Some("901".into()))
        );
        assert!(ServiceIds::parse("whatsapp").is_err());
        assert!(ServiceIds::parse("s1:").is_err());
        assert!(ServiceIds::parse("s2:501").is_err());
    }

    #[test]
    fn any_operator_comes_first() {
        let op = |id: &str| wire::WOperator {
            id: id.into(),
            name: id.into(),
        };
        let ops = operators_any_first(vec![op("telkomsel"), op("any"), op("xl")]);
        let ids: Vec<_> = ops.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["any", "telkomsel", "xl"]);
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
}

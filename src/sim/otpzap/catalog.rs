//! The simulated OTPZap catalog: an Indonesian-flavoured reseller's stock on
//! Server 1 (products) and Server 2 (per-country services, operators,
//! specials). Built once, deterministic, never changes while running.

/// Server 1 product that never receives an SMS, for expiry tests: WhatsApp
/// Indonesia, clearly named, priced above the regular tier so "cheapest in
/// stock" never picks it.
pub const NEVER_OTP_PRODUCT: u32 = 1999;

pub struct Country {
    pub id: u32,
    pub name: &'static str,
    pub code: &'static str,
    pub prefix: &'static str,
    /// Start of the numbers handed out there.
    pub number_prefix: &'static str,
}

pub struct Platform {
    pub id: u32,
    pub name: &'static str,
    pub category: &'static str,
}

pub struct Product {
    pub id: u32,
    pub platform: u32,
    pub country: u32,
    pub name: String,
    pub price: i64,
    pub stock: u64,
    pub success_rate: f32,
    pub never_otp: bool,
}

pub struct S2Service {
    pub id: u32,
    pub name: &'static str,
}

pub struct S2Entry {
    pub service: u32,
    pub country: u32,
    pub price: i64,
    pub stock: u64,
    pub success_rate: f32,
}

pub struct Special {
    pub id: u32,
    pub name: &'static str,
    pub price: i64,
    pub stock: u64,
}

pub struct Catalog {
    pub countries: Vec<Country>,
    pub platforms: Vec<Platform>,
    pub products: Vec<Product>,
    pub s2_countries: Vec<u32>,
    pub s2_services: Vec<S2Service>,
    pub s2_entries: Vec<S2Entry>,
    pub operators: Vec<(u32, Vec<(&'static str, &'static str)>)>,
    pub specials: Vec<Special>,
}

const INDONESIA: u32 = 7;

/// (id, name, code, prefix, number prefix, price factor in percent)
const COUNTRIES: [(u32, &str, &str, &str, &str, i64); 6] = [
    (INDONESIA, "Indonesia", "ID", "+62", "62812", 100),
    (6, "Malaysia", "MY", "+60", "6011", 160),
    (4, "Philippines", "PH", "+63", "63917", 130),
    (10, "Vietnam", "VN", "+84", "8490", 120),
    (52, "Thailand", "TH", "+66", "6681", 150),
    (22, "India", "IN", "+91", "9170", 80),
];

/// (id, name, category, base price in Indonesia, countries: None = all)
type PlatformRow = (u32, &'static str, &'static str, i64, Option<&'static [u32]>);
const PLATFORMS: [PlatformRow; 12] = [
    (1, "WhatsApp", "Chat", 3_500, None),
    (2, "Telegram", "Chat", 3_000, None),
    (3, "Shopee", "E-commerce", 2_500, Some(&[7, 6, 4, 10, 52])),
    (4, "Gojek", "Transport & food", 2_000, Some(&[7])),
    (
        5,
        "Grab",
        "Transport & food",
        2_200,
        Some(&[7, 6, 4, 10, 52]),
    ),
    (6, "Tokopedia", "E-commerce", 2_000, Some(&[7])),
    (7, "TikTok", "Social", 1_800, None),
    (8, "Facebook", "Social", 1_500, None),
    (9, "Google", "Email & cloud", 2_500, None),
    (10, "Instagram", "Social", 1_700, None),
    (11, "DANA", "E-wallet", 2_800, Some(&[7])),
    (12, "OVO", "E-wallet", 2_600, Some(&[7])),
];

/// (id, name, base price in Indonesia, countries: None = every S2 country)
type S2Row = (u32, &'static str, i64, Option<&'static [u32]>);
const S2_SERVICES: [S2Row; 9] = [
    (501, "WhatsApp", 4_000, None),
    (502, "Telegram", 3_500, None),
    (503, "Shopee", 3_000, None),
    (504, "Gojek", 2_500, Some(&[7])),
    (505, "Tokopedia", 2_500, Some(&[7])),
    (506, "Facebook", 2_000, None),
    (507, "Google", 3_000, None),
    (508, "TikTok", 2_300, None),
    (
        509,
        "WhatsApp + Telegram (multiservice)",
        6_500,
        Some(&[7, 6]),
    ),
];

const S2_COUNTRIES: [u32; 4] = [INDONESIA, 6, 4, 52];

fn factor(country: u32) -> i64 {
    COUNTRIES
        .iter()
        .find(|c| c.0 == country)
        .map_or(100, |c| c.5)
}

/// Price scaled by a country factor, rounded to Rp 100.
fn scaled(base: i64, country: u32) -> i64 {
    (base * factor(country) / 100 + 50) / 100 * 100
}

/// Stock that looks random but is fixed; about one row in seven is sold out.
fn stock(a: u32, b: u32) -> u64 {
    if (a + b).is_multiple_of(7) {
        0
    } else {
        u64::from((a * 37 + b * 11) % 150 + 3)
    }
}

fn rate(a: u32, b: u32) -> f32 {
    60.0 + ((a * 13 + b * 7) % 38) as f32
}

impl Catalog {
    pub fn build() -> Catalog {
        let countries = COUNTRIES
            .iter()
            .map(|&(id, name, code, prefix, number_prefix, _)| Country {
                id,
                name,
                code,
                prefix,
                number_prefix,
            })
            .collect();
        let mut platforms = Vec::new();
        let mut products = Vec::new();
        let mut next = 101;
        for &(pid, name, category, base, only) in &PLATFORMS {
            platforms.push(Platform {
                id: pid,
                name,
                category,
            });
            for c in COUNTRIES
                .iter()
                .filter(|c| only.is_none_or(|o| o.contains(&c.0)))
            {
                let tiers: &[(&str, i64, f32)] = if c.0 == INDONESIA {
                    &[("Reguler", 100, 0.0), ("Premium", 180, 8.0)]
                } else {
                    &[("Reguler", 100, 0.0)]
                };
                for &(tier, pct, bonus) in tiers {
                    products.push(Product {
                        id: next,
                        platform: pid,
                        country: c.0,
                        name: format!("{name} {} {tier}", c.1),
                        price: scaled(base * pct / 100, c.0),
                        stock: stock(pid + next, c.0),
                        success_rate: (rate(pid, c.0) + bonus).min(99.0),
                        never_otp: false,
                    });
                    next += 1;
                }
            }
        }
        products.push(Product {
            id: NEVER_OTP_PRODUCT,
            platform: 1,
            country: INDONESIA,
            name: "WhatsApp Indonesia SIMULASI: tidak pernah menerima OTP".into(),
            price: 9_900,
            stock: 999,
            success_rate: 0.0,
            never_otp: true,
        });
        let s2_services = S2_SERVICES
            .iter()
            .map(|&(id, name, _, _)| S2Service { id, name })
            .collect();
        let mut s2_entries = Vec::new();
        for &(sid, _, base, only) in &S2_SERVICES {
            for &c in S2_COUNTRIES
                .iter()
                .filter(|c| only.is_none_or(|o| o.contains(c)))
            {
                s2_entries.push(S2Entry {
                    service: sid,
                    country: c,
                    price: scaled(base, c),
                    stock: stock(sid, c),
                    success_rate: rate(sid, c),
                });
            }
        }
        let operators = vec![
            (
                INDONESIA,
                vec![
                    ("any", "Any operator"),
                    ("telkomsel", "Telkomsel"),
                    ("indosat", "Indosat Ooredoo"),
                    ("xl", "XL Axiata"),
                    ("tri", "Tri (3)"),
                    ("smartfren", "Smartfren"),
                    ("axis", "AXIS"),
                ],
            ),
            (
                6,
                vec![
                    ("any", "Any operator"),
                    ("maxis", "Maxis"),
                    ("celcom", "Celcom"),
                    ("digi", "Digi"),
                    ("umobile", "U Mobile"),
                ],
            ),
            (
                4,
                vec![
                    ("any", "Any operator"),
                    ("globe", "Globe"),
                    ("smart", "Smart"),
                    ("dito", "DITO"),
                ],
            ),
            (
                52,
                vec![
                    ("any", "Any operator"),
                    ("ais", "AIS"),
                    ("dtac", "dtac"),
                    ("truemove", "TrueMove H"),
                ],
            ),
        ];
        let specials = vec![
            Special {
                id: 901,
                name: "WhatsApp Special ID",
                price: 15_000,
                stock: 12,
            },
            Special {
                id: 902,
                name: "Telegram Special ID",
                price: 12_000,
                stock: 5,
            },
            Special {
                id: 903,
                name: "Shopee Special ID",
                price: 9_000,
                stock: 0,
            },
        ];
        Catalog {
            countries,
            platforms,
            products,
            s2_countries: S2_COUNTRIES.to_vec(),
            s2_services,
            s2_entries,
            operators,
            specials,
        }
    }

    pub fn country(&self, id: u32) -> Option<&Country> {
        self.countries.iter().find(|c| c.id == id)
    }

    pub fn platform(&self, id: u32) -> Option<&Platform> {
        self.platforms.iter().find(|p| p.id == id)
    }

    pub fn product(&self, id: u32) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    pub fn s2_service(&self, id: u32) -> Option<&S2Service> {
        self.s2_services.iter().find(|s| s.id == id)
    }

    pub fn s2_entry(&self, service: u32, country: u32) -> Option<&S2Entry> {
        self.s2_entries
            .iter()
            .find(|e| e.service == service && e.country == country)
    }

    pub fn operators(&self, country: u32) -> &[(&'static str, &'static str)] {
        self.operators
            .iter()
            .find(|(c, _)| *c == country)
            .map_or(&[], |(_, ops)| ops.as_slice())
    }

    pub fn special(&self, id: u32) -> Option<&Special> {
        self.specials.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_sane() {
        let c = Catalog::build();
        let wa_id: Vec<&Product> = c
            .products
            .iter()
            .filter(|p| p.platform == 1 && p.country == INDONESIA)
            .collect();
        assert_eq!(wa_id.len(), 3);
        assert_eq!(wa_id.iter().filter(|p| p.never_otp).count(), 1);
        let cheapest = wa_id
            .iter()
            .filter(|p| p.stock > 0)
            .min_by_key(|p| p.price)
            .unwrap();
        assert!(!cheapest.never_otp);
        assert_eq!(cheapest.price, 3_500);
        assert!(c.products.iter().any(|p| p.stock == 0));
        assert!(c
            .products
            .iter()
            .all(|p| p.price % 100 == 0 && p.price > 500));
        assert_eq!(c.operators(INDONESIA).len(), 7);
        assert!(c.s2_entry(504, 6).is_none());
        assert!(c.s2_entry(501, 52).is_some());
    }
}

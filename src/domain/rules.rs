//! Rules on spending, as the config states them (`[rules]`): a price cap
//! overall or per service, and daily spend caps. The price rule is pure and
//! lives here; the daily caps need the journal (`engine::rules`).

use super::naming::normalize;
use crate::money::Rupiah;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub max_price: Option<Rupiah>,
    /// Per service, by name (any case or spacing).
    pub max_price_by_service: BTreeMap<String, Rupiah>,
    pub daily_spend_cap: Option<Rupiah>,
    pub daily_spend_cap_by_account: BTreeMap<String, Rupiah>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        *self == Rules::default()
    }

    /// The price cap for `service`: its own, else the overall one.
    pub fn price_cap(&self, service: &str) -> Option<Rupiah> {
        let s = normalize(service);
        self.max_price_by_service
            .iter()
            .find(|(k, _)| normalize(k) == s)
            .map(|(_, v)| *v)
            .or(self.max_price)
    }

    /// The price rule alone (pure): the confirmation shows it, every buy
    /// checks it.
    pub fn check_price(&self, service: &str, price: Rupiah) -> Result<(), String> {
        match self.price_cap(service) {
            Some(cap) if price > cap => Err(format!(
                "{price} is above the max_price rule for {service} ({cap}); nothing was bought"
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_caps_per_service_win_over_the_overall_one() {
        let mut r = Rules {
            max_price: Some(Rupiah(10_000)),
            ..Default::default()
        };
        r.max_price_by_service
            .insert("WhatsApp".into(), Rupiah(5_000));
        assert!(r.check_price("whatsapp", Rupiah(5_000)).is_ok());
        assert!(r.check_price("Whats App", Rupiah(5_001)).is_err());
        assert!(r.check_price("telegram", Rupiah(9_000)).is_ok());
        assert!(r
            .check_price("telegram", Rupiah(10_001))
            .unwrap_err()
            .contains("max_price"));
    }
}

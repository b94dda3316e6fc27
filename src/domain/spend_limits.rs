//! Rules on spending, as the config states them (`[rules]`): a price cap
//! overall or per service, and daily spend caps. The price rule is pure and
//! lives here; the daily caps need the journal (`engine::spend_limits`).

use super::naming::normalize;
use crate::money::Rupiah;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rules {
    pub max_price: Option<Rupiah>,
    /// Per service, by name (any case or spacing).
    pub max_price_by_service: BTreeMap<String, Rupiah>,
    pub daily_spend_cap: Option<Rupiah>,
    pub daily_spend_cap_by_account: BTreeMap<String, Rupiah>,
    /// `auto_replace_after`: an order with no SMS this long after its buy
    /// is cancelled and, once the cancel is confirmed, replaced by the next
    /// best offer (None: off).
    pub auto_replace_after: Option<Duration>,
    /// Per account (zero turns the rule off for that account).
    pub auto_replace_after_by_account: BTreeMap<String, Duration>,
    /// Orders in one replace chain, the first counting as attempt 1
    /// (None: `DEFAULT_MAX_ATTEMPTS`).
    pub max_attempts: Option<u32>,
}

/// `max_attempts` when the config does not say.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

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

    /// How long an order of `account` may wait for its SMS before the
    /// replace rule steps in (None: the rule is off for it).
    pub fn replace_after(&self, account: &str) -> Option<Duration> {
        self.auto_replace_after_by_account
            .get(account)
            .copied()
            .or(self.auto_replace_after)
            .filter(|d| !d.is_zero())
    }

    /// The most orders one replace chain may hold (the first included).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS).max(1)
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

    #[test]
    fn replace_after_per_account_wins_and_zero_turns_it_off() {
        let mut r = Rules {
            auto_replace_after: Some(Duration::from_secs(180)),
            ..Default::default()
        };
        r.auto_replace_after_by_account
            .insert("slow".into(), Duration::from_secs(600));
        r.auto_replace_after_by_account
            .insert("never".into(), Duration::ZERO);
        assert_eq!(r.replace_after("any"), Some(Duration::from_secs(180)));
        assert_eq!(r.replace_after("slow"), Some(Duration::from_secs(600)));
        assert_eq!(r.replace_after("never"), None);
        assert_eq!(r.max_attempts(), DEFAULT_MAX_ATTEMPTS);
        assert_eq!(Rules::default().replace_after("any"), None);
    }
}

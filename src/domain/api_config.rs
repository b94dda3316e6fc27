//! GoTopUp's API settings (`/api/buyer/api/config`, `/api/seller/api/config`):
//! the webhook URL, the IP whitelist and the rate limit. A change is checked
//! here, for the CLI and the dashboard alike, before anything is sent.

use serde::Serialize;
use std::net::IpAddr;

/// What the API says of a key's settings. The `api_key` the API echoes is
/// a secret and is never read into this.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ApiSettings {
    pub webhook_url: Option<String>,
    pub ip_whitelist: Vec<String>,
    pub rate_limit: Option<u32>,
    /// In the GET reply only.
    pub is_active: Option<bool>,
}

/// A change: only what is given is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApiSettingsChange {
    pub webhook_url: Option<String>,
    pub ip_whitelist: Option<Vec<String>>,
    pub rate_limit: Option<u32>,
}

/// The documented range of `rate_limit` (requests a minute).
pub const RATE_LIMIT_RANGE: std::ops::RangeInclusive<u32> = 1..=1000;

/// Splits `a, b,c` into addresses, without empties ("" clears the list).
pub fn parse_ip_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

/// Refuses what the API would refuse and what we can tell here: an empty
/// change, a rate limit outside 1–1000, a webhook URL that is not
/// `https://host…`, an entry of the whitelist that is not an IP address
/// (or an IPv4/IPv6 network like `203.0.113.0/24`; the doc's example is
/// a plain address, networks are assumed allowed).
pub fn check_change(c: &ApiSettingsChange) -> Result<(), String> {
    if c.webhook_url.is_none() && c.ip_whitelist.is_none() && c.rate_limit.is_none() {
        return Err("nothing to change: give --webhook-url, --ip-whitelist or --rate-limit".into());
    }
    if let Some(n) = c.rate_limit {
        if !RATE_LIMIT_RANGE.contains(&n) {
            return Err(format!(
                "the rate limit must be 1 to 1000 a minute (got {n})"
            ));
        }
    }
    if let Some(url) = &c.webhook_url {
        super::webhook::check_webhook_url(url)?;
    }
    for a in c.ip_whitelist.iter().flatten() {
        if !is_ip_or_network(a) {
            return Err(format!("'{a}' is not an IP address or network"));
        }
    }
    Ok(())
}

fn is_ip_or_network(s: &str) -> bool {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    bits.is_none_or(|b| b.parse::<u8>().is_ok_and(|n| n <= max))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change() -> ApiSettingsChange {
        ApiSettingsChange::default()
    }

    #[test]
    fn a_change_is_checked_before_sending() {
        assert!(check_change(&change()).is_err(), "empty");
        for n in [0, 1001] {
            let c = ApiSettingsChange {
                rate_limit: Some(n),
                ..change()
            };
            assert!(check_change(&c).unwrap_err().contains("1 to 1000"), "{n}");
        }
        for n in [1, 100, 1000] {
            let c = ApiSettingsChange {
                rate_limit: Some(n),
                ..change()
            };
            assert_eq!(check_change(&c), Ok(()), "{n}");
        }
        for bad in ["http://x.example/h", "https://", "ftp://x"] {
            let c = ApiSettingsChange {
                webhook_url: Some(bad.into()),
                ..change()
            };
            assert!(check_change(&c).is_err(), "{bad}");
        }
        let c = ApiSettingsChange {
            webhook_url: Some("https://hooks.example.com/webhook/pulsa".into()),
            ip_whitelist: Some(parse_ip_list("203.0.113.7, 198.51.100.0/24,2001:db8::1")),
            ..change()
        };
        assert_eq!(check_change(&c), Ok(()));
        for bad in ["300.1.1.1", "10.0.0.0/33", "host.example", "1.2.3.4/x"] {
            let c = ApiSettingsChange {
                ip_whitelist: Some(vec![bad.into()]),
                ..change()
            };
            assert!(check_change(&c).is_err(), "{bad}");
        }
        // An empty list clears the whitelist: allowed.
        let c = ApiSettingsChange {
            ip_whitelist: Some(parse_ip_list("")),
            ..change()
        };
        assert_eq!(check_change(&c), Ok(()));
    }
}

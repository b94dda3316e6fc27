//! What the statistics show: per-group delivery figures, spend per day and
//! the time-to-OTP histogram. Pure types: the engine computes them from the
//! journal (`engine::stats`), the CLI prints them and the dashboard draws
//! them.

use crate::money::Rupiah;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct GroupStats {
    /// The group's key (stable for scripts: "account offer_id" by offer).
    pub group: String,
    /// The group as people name it: account, service and country by
    /// offer (the offer id added only where two offers would read alike).
    pub label: String,
    /// Top-ups (GoTopUp): their "code" is an SN, and they are shown apart
    /// from OTP orders.
    pub topup: bool,
    pub orders: u32,
    pub with_otp: u32,
    /// Percent of orders that got an OTP.
    pub otp_rate: Option<f64>,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
    pub spent: Rupiah,
    pub refunded: Rupiah,
}

/// What the statistics view shows: the groups, spend per day (oldest
/// first, `days` of them ending today in the user's zone) and a histogram
/// of the time to the first OTP.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Overview {
    pub groups: Vec<GroupStats>,
    /// Net spend (charged minus refunded) per day, whole rupiah.
    pub spend_per_day: Vec<i64>,
    /// (bucket label, orders) for the time to the first OTP.
    pub otp_times: Vec<(std::borrow::Cow<'static, str>, u64)>,
}

/// One line of the statistics table: a group, or the header that starts
/// the top-ups (shown apart from OTP orders).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StatsLine<'a> {
    Group(&'a GroupStats),
    TopUpHeader,
}

impl Overview {
    /// How many lines `lines` gives (groups, and the top-ups' header if
    /// any), without building them: asked on every key and frame.
    pub fn line_count(&self) -> usize {
        self.groups.len() + self.groups.iter().any(|g| g.topup) as usize
    }

    /// The table's lines: OTP orders, then a header and the top-ups (the
    /// engine sorts top-ups last). What the view scrolls through.
    pub fn lines(&self) -> Vec<StatsLine<'_>> {
        let mut out = Vec::with_capacity(self.groups.len() + 1);
        let mut header = false;
        for g in &self.groups {
            if g.topup && !header {
                out.push(StatsLine::TopUpHeader);
                header = true;
            }
            out.push(StatsLine::Group(g));
        }
        out
    }
}

//! The OTPZap events the simulator pushes (see `sim::push`): an OTP that
//! became visible (`order.otp_received`, once per OTP, resends included),
//! an order's end (`order.cancelled`, `order.finished`; an order refunded
//! at expiry is pushed as cancelled, the doc having no event for it) and a
//! paid top-up (`deposit.success`). `data` is what `/order/check` and
//! `/topup/check` answer at that moment. Server 3 (email) has no
//! documented events and is not pushed.

use super::order::Final;
use super::{topup, Inner, SimState};
use crate::sim::deposits::DepState;
use crate::sim::push::{envelope, Due};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

#[derive(Default)]
pub(super) struct Pushed {
    /// Order id → (OTPs pushed, end pushed).
    orders: HashMap<u64, (usize, bool)>,
    deposits: HashSet<String>,
}

impl SimState {
    /// Events of `keys`' orders and top-ups not pushed yet, marked pushed.
    pub fn due_pushes(&self, keys: &HashSet<String>) -> Vec<Due> {
        let mut g = self.lock();
        let now = Instant::now();
        let mut out = Vec::new();
        let Inner { orders, pushed, .. } = &mut *g;
        for o in orders.iter().filter(|o| keys.contains(&o.owner)) {
            let at = now.saturating_duration_since(o.created);
            let seen = pushed.orders.entry(o.id).or_default();
            let n = o.visible(at);
            if n > seen.0 {
                seen.0 = n;
                out.push(due(&o.owner, "order.otp_received", o.view(at)));
            }
            if let (Some((end, _)), false) = (o.ended, seen.1) {
                seen.1 = true;
                let event = match end {
                    Final::Finished => "order.finished",
                    Final::Cancelled | Final::Failed => "order.cancelled",
                };
                out.push(due(&o.owner, event, o.view(at)));
            }
        }
        for key in keys {
            for id in g.deposits.ids(key) {
                if g.pushed.deposits.contains(&id) {
                    continue;
                }
                let Some(d) = topup::settle(self, &mut g, key, &id) else {
                    continue;
                };
                if d.state == DepState::Paid {
                    g.pushed.deposits.insert(id);
                    out.push(due(key, "deposit.success", topup::view(&d, self)));
                }
            }
        }
        out
    }
}

fn due(key: &str, event: &str, data: serde_json::Value) -> Due {
    Due {
        key: key.to_string(),
        event: event.to_string(),
        body: envelope(event, data),
        signed: true,
    }
}

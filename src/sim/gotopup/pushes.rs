//! The GoTopUp events the simulator pushes (see `sim::push`): a top-up's
//! end, as `transaction.success` / `transaction.failed` with `data` shaped
//! like a transaction (the SN on success), or, for one placed through the
//! Otomax GET, the bare Otomax callback (`ref_id`, `code`,
//! `customer_number`, `status`, `sn`, `message`), sent unsigned as the doc
//! has it; and a seller's
//! settlement that completed or failed, as `settlement.completed` with the
//! settlement in `data` (the doc names the event and shows no body).

use super::seller::settlement_json;
use super::{deliver, settle, sn_of, txn_json, word, SimState, St};
use crate::sim::push::{envelope, Due};
use serde_json::{json, Value};
use std::collections::HashSet;

impl SimState {
    /// Ends of `keys`' transactions and settlements not pushed yet, marked
    /// pushed.
    pub fn due_pushes(&self, keys: &HashSet<String>) -> Vec<Due> {
        let mut out = Vec::new();
        {
            let mut g = self.lock();
            for i in 0..g.txns.len() {
                if g.pushed.contains(&i) || !keys.contains(&g.txns[i].wallet) {
                    continue;
                }
                let st = settle(&mut g, i, &self.opts);
                if st == St::Pending {
                    continue;
                }
                g.pushed.insert(i);
                deliver(&mut g, i, st);
                let t = &g.txns[i];
                let (event, body) = if t.otomax {
                    ("otomax", otomax_callback(t, st))
                } else {
                    let e = match st {
                        St::Success => "transaction.success",
                        _ => "transaction.failed",
                    };
                    (e, envelope(e, txn_json(t, st)))
                };
                out.push(Due {
                    key: t.wallet.clone(),
                    event: event.into(),
                    body,
                    signed: !t.otomax,
                });
            }
        }
        let mut s = self.seller();
        let done: Vec<(String, Value)> = s
            .settlements
            .iter()
            .filter(|(k, _)| keys.contains(*k))
            .flat_map(|(k, v)| v.iter().map(move |w| (k, w)))
            .map(|(k, w)| (k.clone(), settlement_json(w, &self.opts)))
            .filter(|(_, j)| j["status"] != "pending")
            .collect();
        for (key, data) in done {
            let id = data["settlement_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if s.pushed.insert(id) {
                out.push(Due {
                    key,
                    event: "settlement.completed".into(),
                    body: envelope("settlement.completed", data),
                    signed: true,
                });
            }
        }
        out
    }
}

fn otomax_callback(t: &super::Txn, st: St) -> Value {
    json!({
        "ref_id": t.ref_id, "code": t.code, "customer_number": t.customer,
        "status": word(st), "sn": (st == St::Success).then(|| sn_of(t)),
        "message": match st {
            St::Success => "Transaksi berhasil",
            St::Failed => "Transaksi gagal, saldo dikembalikan",
            St::Pending => "Transaksi sedang diproses",
        },
    })
}

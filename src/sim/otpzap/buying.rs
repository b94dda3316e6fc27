//! Creating orders (S1 product, S2 service + country + operator, or a
//! special), with Idempotency-Key replay, and replacing an S1 order.

use super::order::{Final, Kind, SimOrder};
use super::reply::{bad, fail, ok_msg, Resp};
use super::{num, Inner, SimState};
use crate::money::Rupiah;
use crate::sim::wallets::SimCharge;
use crate::sim::RepeatMode;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A resolved create request.
pub(super) struct Wanted {
    kind: Kind,
    price: Rupiah,
    name: String,
    operator: Option<String>,
    number_prefix: String,
}
impl SimState {
    /// What a create body asks for.
    pub(super) fn resolve(&self, body: &Value) -> Result<Wanted, Resp> {
        let wanted = if let Some(pid) = num(body.get("product_id")) {
            self.resolve_s1(pid)?
        } else if let Some(sid) = num(body.get("service_id")) {
            let sid = u32::try_from(sid).unwrap_or(0);
            match num(body.get("country_id")) {
                None => self.resolve_special(sid)?,
                Some(cid) => self.resolve_s2(sid, u32::try_from(cid).unwrap_or(0), body)?,
            }
        } else {
            return Err(bad("Send product_id (Server 1) or service_id (Server 2)"));
        };
        if let Some(sent) = body.get("service_name").and_then(Value::as_str) {
            if !sent.trim().eq_ignore_ascii_case(&wanted.name) {
                return Err(bad("service_name does not match the selected service"));
            }
        }
        Ok(wanted)
    }

    fn resolve_s1(&self, pid: u64) -> Result<Wanted, Resp> {
        let product = u32::try_from(pid)
            .ok()
            .and_then(|id| self.catalog.product(id));
        let Some(p) = product else {
            return Err(bad("Unknown product_id"));
        };
        if p.stock == 0 {
            return Err(bad("Product is out of stock"));
        }
        let name = self.catalog.platform(p.platform).map_or("OTP", |x| x.name);
        Ok(Wanted {
            kind: Kind::S1 { product: p.id },
            price: Rupiah(p.price),
            name: name.to_string(),
            operator: None,
            number_prefix: self.number_prefix(p.country),
        })
    }

    fn resolve_special(&self, sid: u32) -> Result<Wanted, Resp> {
        let Some(s) = self.catalog.special(sid) else {
            return Err(bad(
                "Unknown special service_id (send country_id for Server 2 services)",
            ));
        };
        if s.stock == 0 {
            return Err(bad("Special service is out of stock"));
        }
        Ok(Wanted {
            kind: Kind::Special { service: s.id },
            price: Rupiah(s.price),
            name: s.name.to_string(),
            operator: None,
            number_prefix: "62811".into(),
        })
    }

    fn resolve_s2(&self, sid: u32, cid: u32, body: &Value) -> Result<Wanted, Resp> {
        let service = self.catalog.s2_service(sid);
        let entry = self.catalog.s2_entry(sid, cid);
        let (Some(s), Some(e)) = (service, entry) else {
            return Err(bad("Unknown service_id for this country_id"));
        };
        if e.stock == 0 {
            return Err(bad("Service is out of stock in this country"));
        }
        let op = match body.get("operator_id") {
            None | Some(Value::Null) => "any".to_string(),
            Some(Value::String(s)) => s.trim().to_ascii_lowercase(),
            Some(other) => other.to_string(),
        };
        if !self.catalog.operators(cid).iter().any(|(id, _)| *id == op) {
            return Err(bad("Unknown operator_id for this country"));
        }
        Ok(Wanted {
            kind: Kind::S2 {
                service: sid,
                country: cid,
            },
            price: Rupiah(e.price),
            name: s.name.to_string(),
            operator: Some(op),
            number_prefix: self.number_prefix(cid),
        })
    }

    fn number_prefix(&self, country: u32) -> String {
        self.catalog
            .country(country)
            .map_or("62812", |c| c.number_prefix)
            .to_string()
    }

    pub(super) fn create(
        &self,
        inner: &mut Inner,
        key: &str,
        headers: &HeaderMap,
        body: &Value,
    ) -> Resp {
        let idem = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let fingerprint = body.to_string();
        let seen = idem.as_ref().is_some_and(|k| {
            inner
                .idempotency
                .contains_key(&(key.to_string(), k.clone()))
        });
        match self.opts.repeat {
            RepeatMode::RefusedAsUsed if seen => {
                return fail(StatusCode::CONFLICT, "Idempotency-Key was already used");
            }
            RepeatMode::BuysAgain => {}
            _ => {}
        }
        let lookup = idem
            .as_ref()
            .filter(|_| self.opts.repeat != RepeatMode::BuysAgain);
        if let Some(k) = lookup {
            if let Some((fp, id)) = inner.idempotency.get(&(key.to_string(), k.clone())) {
                if *fp != fingerprint {
                    return fail(
                        StatusCode::CONFLICT,
                        "Idempotency-Key was already used with a different request",
                    );
                }
                let id = *id;
                return match inner.orders.iter().find(|o| o.id == id) {
                    Some(o) => ok_msg("Order already created", o.view(o.created.elapsed())),
                    None => fail(StatusCode::NOT_FOUND, "Order not found"),
                };
            }
        }
        let wanted = match self.resolve(body) {
            Ok(w) => w,
            Err(resp) => return resp,
        };
        let view = match self.place(inner, key, idem.as_deref(), wanted) {
            Ok(v) => v,
            Err(resp) => return resp,
        };
        if let Some(k) = idem {
            if let Some(id) = num(view.get("order_id")) {
                inner
                    .idempotency
                    .insert((key.to_string(), k), (fingerprint, id));
            }
        }
        ok_msg("Order created", view)
    }

    /// Charges the wallet and opens an order; returns its view.
    pub(super) fn place(
        &self,
        inner: &mut Inner,
        key: &str,
        client_key: Option<&str>,
        wanted: Wanted,
    ) -> Result<Value, Resp> {
        let Wanted {
            kind,
            price,
            name: service_name,
            operator,
            number_prefix,
        } = wanted;
        let Some(w) = inner.wallets.get_mut(key) else {
            return Err(fail(StatusCode::UNAUTHORIZED, "Invalid or missing API key"));
        };
        if w.balance < price {
            return Err(fail(
                StatusCode::PAYMENT_REQUIRED,
                format!(
                    "Insufficient balance: this order costs {price}, your balance is {}",
                    w.balance
                ),
            ));
        }
        w.balance -= price;
        w.charged += 1;
        let id = 65 + inner.orders.len() as u64;
        inner.ledger.push(SimCharge {
            wallet: key.to_string(),
            order_id: id.to_string(),
            client_key: client_key.map(str::to_string),
            amount: price,
        });
        let never = match kind {
            Kind::S1 { product } => self.catalog.product(product).is_some_and(|p| p.never_otp),
            _ => false,
        };
        let digits = (id.wrapping_mul(7_919).wrapping_add(1_234_567)) % 10_000_000;
        let order = SimOrder {
            id,
            owner: key.to_string(),
            kind,
            operator,
            service_name,
            price,
            number: format!("{number_prefix}{digits:07}"),
            created: Instant::now(),
            created_wall: Utc::now(),
            otp_at: if never {
                Vec::new()
            } else {
                vec![self.opts.otp_delay]
            },
            resend_count: 0,
            ended: None,
            delivered: 0,
        };
        let view = order.view(Duration::ZERO);
        inner.orders.push(order);
        Ok(view)
    }

    pub(super) fn replace(&self, inner: &mut Inner, key: &str, id: Option<u64>) -> Resp {
        let Some(id) = id else {
            return fail(StatusCode::BAD_REQUEST, "order_id is required");
        };
        let Some(idx) = inner
            .orders
            .iter()
            .position(|o| o.id == id && o.owner == key)
        else {
            return fail(StatusCode::NOT_FOUND, "Order not found");
        };
        let (kind, price, name, number_prefix, at, word) = {
            let o = &inner.orders[idx];
            let at = o.created.elapsed();
            let prefix: String = o
                .number
                .chars()
                .take(o.number.len().saturating_sub(7))
                .collect();
            (
                o.kind,
                o.price,
                o.service_name.clone(),
                prefix,
                at,
                o.word(at),
            )
        };
        let Kind::S1 { product } = kind else {
            return fail(
                StatusCode::BAD_REQUEST,
                "Replace is only available for Server 1 orders",
            );
        };
        if word != "pending" {
            return fail(
                StatusCode::CONFLICT,
                format!("Order status is {word}; only pending orders can be replaced"),
            );
        }
        if self.catalog.product(product).is_none_or(|p| p.stock == 0) {
            return fail(StatusCode::BAD_REQUEST, "Product is out of stock");
        }
        // One transaction: refund, then charge the same price (cannot fail
        // for lack of balance, the refund covers it).
        if let Some(w) = inner.wallets.get_mut(key) {
            w.balance += price;
        }
        inner.orders[idx].ended = Some((Final::Cancelled, at));
        let wanted = Wanted {
            kind,
            price,
            name,
            operator: None,
            number_prefix,
        };
        // A replace carries no Idempotency-Key.
        match self.place(inner, key, None, wanted) {
            Ok(mut view) => {
                if let Value::Object(m) = &mut view {
                    m.insert("replaced_order_id".into(), json!(id));
                    m.insert("refund".into(), json!(price.amount()));
                }
                ok_msg("Order replaced with a new number", view)
            }
            Err(resp) => resp,
        }
    }
}

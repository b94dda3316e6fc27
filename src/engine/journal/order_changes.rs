//! Every change to an order: the row written before a buy is sent, the
//! reply, polls, cancels and plain events. Each is one transaction.

use super::orders::load_order;
use super::otps::append_otps;
use super::{ms, Change, Journal, JournalError, NewOrder, Result, REPLACE_SENT};
use crate::domain::{CancelOutcome, Order, OrderStatus, OrderUpdate, PlacedOrder};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

impl Journal {
    /// Writes the order row before its buy request is sent.
    pub fn begin_order(&self, new: &NewOrder, now: DateTime<Utc>) -> Result<Order> {
        self.check_file()?;
        self.insert_order(new, now, "buy_sent")
    }

    /// Writes the row of the new order an OTPZap replace will create, before
    /// the replace is sent. Its key was never sent to the provider (replace
    /// carries no Idempotency-Key), so the row is marked, in the same
    /// transaction, as one that must never be replayed as a buy.
    pub fn begin_replacement(&self, new: &NewOrder, now: DateTime<Utc>) -> Result<Order> {
        self.check_file()?;
        self.insert_order(new, now, REPLACE_SENT)
    }

    /// Whether the order was journaled as the new half of a replace (see
    /// `begin_replacement`): replaying its key as a buy would buy afresh.
    pub fn is_replacement(&self, id: i64) -> Result<bool> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM order_events WHERE order_id = ?1 AND kind = ?2",
            params![id, REPLACE_SENT],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    fn insert_order(&self, new: &NewOrder, now: DateTime<Utc>, event: &str) -> Result<Order> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO orders (account, provider, idempotency_key, service_id, service, country, \
             offer_id, operator, customer_number, number, price, status, created_at, updated_at, \
             country_name) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, 'buying', ?11, ?11, ?12)",
            params![
                new.account,
                new.provider.as_str(),
                new.idempotency_key,
                new.service_id,
                new.service,
                new.country,
                new.offer_id,
                new.operator,
                new.customer_number,
                new.price.0,
                ms(now),
                new.country_name
            ],
        )?;
        let id = tx.last_insert_rowid();
        insert_event(&tx, id, now, event, OrderStatus::Buying, None)?;
        tx.commit()?;
        drop(conn);
        self.order(id)?.ok_or(JournalError::NoSuchOrder(id))
    }

    /// Records the provider's reply to a buy (or to a replay of it).
    pub fn record_placed(
        &self,
        id: i64,
        placed: &PlacedOrder,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        let status = before.status.advance(placed.status);
        tx.execute(
            "UPDATE orders SET provider_order_id = ?2, number = ?3, price = ?4, status = ?5, \
             expires_at = COALESCE(?6, expires_at), sn = COALESCE(?7, sn), updated_at = ?8, \
             note = NULL WHERE id = ?1",
            params![
                id,
                placed.provider_order_id,
                placed.number,
                placed.price.0,
                status.as_str(),
                placed.expires_at.map(ms),
                placed.sn,
                ms(now)
            ],
        )?;
        insert_event(
            &tx,
            id,
            now,
            "placed",
            status,
            Some(&placed.provider_order_id),
        )?;
        let new_otps = append_otps(&tx, id, &before.otps, &placed.otps, now)?;
        tx.commit()?;
        drop(conn);
        let order = self.order(id)?.ok_or(JournalError::NoSuchOrder(id))?;
        Ok(Change {
            status_changed: order.status != before.status,
            order,
            new_otps,
            note: None,
        })
    }

    /// The provider said no before charging: the order never existed.
    pub fn record_buy_failed(&self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<Order> {
        self.set_status(id, OrderStatus::Failed, "buy_failed", Some(reason), now)
    }

    /// The buy may or may not have gone through: keep it, with its amount.
    pub fn record_unknown(&self, id: i64, reason: &str, now: DateTime<Utc>) -> Result<Order> {
        self.set_status(id, OrderStatus::Unknown, "reply_lost", Some(reason), now)
    }

    /// Applies a status poll. Stale replies never move an order backwards.
    pub fn record_update(
        &self,
        id: i64,
        update: &OrderUpdate,
        now: DateTime<Utc>,
    ) -> Result<Change> {
        self.check_file()?;
        let conns = self.conn();
        // A file journal's poll connection commits without waiting for the
        // disk (see `Conns`); in memory there is one connection.
        let conn = conns.polls.as_ref().unwrap_or(&conns.main);
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        let status = next_status(&before, update);
        // An email inbox may repeat a headline: a longer timeline is news.
        let new_messages =
            !update.messages.is_empty() && update.messages.len() > super::emails::count(&tx, id)?;
        if status == before.status && says_nothing_new(&before, update) && !new_messages {
            // Most polls of a waiting order: nothing to write, so no commit
            // and no fsync (the transaction only read).
            return Ok(Change {
                status_changed: false,
                order: before,
                new_otps: Vec::new(),
                note: None,
            });
        }
        // Cached: a thousand orders bring two thousand of these a minute.
        tx.prepare_cached(
            "UPDATE orders SET status = ?2, number = COALESCE(number, ?3), \
             expires_at = COALESCE(?4, expires_at), sn = COALESCE(?5, sn), updated_at = ?6, \
             resend_count = COALESCE(?7, resend_count), resend_locked_until = ?8 \
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            status.as_str(),
            update.number,
            update.expires_at.map(ms),
            update.sn,
            ms(now),
            update.resend_count,
            update.resend_locked_until.map(ms)
        ])?;
        if status != before.status {
            insert_event(&tx, id, now, "status", status, update.message.as_deref())?;
        }
        super::emails::append_messages(&tx, id, status, &update.messages, now)?;
        let new_otps = append_otps(&tx, id, &before.otps, &update.otps, now)?;
        tx.commit()?;
        // Read back on the same connection: the other one would find its
        // page cache stale after this commit and read the pages again.
        let order = load_order(conn, id)?;
        Ok(Change {
            status_changed: order.status != before.status,
            order,
            new_otps,
            note: None,
        })
    }

    /// A cancel the provider confirmed.
    pub fn record_cancelled(
        &self,
        id: i64,
        outcome: &CancelOutcome,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        let status = before.status.advance(OrderStatus::Cancelled);
        tx.execute(
            "UPDATE orders SET status = ?2, refunded = COALESCE(?3, refunded), updated_at = ?4 WHERE id = ?1",
            params![id, status.as_str(), outcome.refunded.map(|r| r.0), ms(now)],
        )?;
        insert_event(
            &tx,
            id,
            now,
            "cancelled",
            status,
            outcome.message.as_deref(),
        )?;
        tx.commit()?;
        drop(conn);
        self.order(id)?.ok_or(JournalError::NoSuchOrder(id))
    }

    /// Moves an order to `status` (finish, expiry seen locally, …).
    pub fn set_status(
        &self,
        id: i64,
        status: OrderStatus,
        kind: &str,
        detail: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        // Buy outcomes may overwrite Buying/Unknown; otherwise only advance.
        let next = match (before.status, status) {
            (OrderStatus::Buying | OrderStatus::Unknown, s) => s,
            (b, s) => b.advance(s),
        };
        tx.execute(
            "UPDATE orders SET status = ?2, updated_at = ?3, note = COALESCE(?4, note) WHERE id = ?1",
            params![id, next.as_str(), ms(now), detail],
        )?;
        insert_event(&tx, id, now, kind, next, detail)?;
        tx.commit()?;
        drop(conn);
        self.order(id)?.ok_or(JournalError::NoSuchOrder(id))
    }

    /// Closes an UNKNOWN order on a verdict (by hand, or by agreeing
    /// clues): `Finished` when it was charged (with the number, when the
    /// user gave it), `Failed` when it was not; `kind` and `detail` say how
    /// it was settled. Only an Unknown row may be settled (a Buying one may
    /// still have its buy in flight).
    pub fn record_settled(
        &self,
        id: i64,
        charged: bool,
        number: Option<&str>,
        kind: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        let before = load_order(&tx, id)?;
        if before.status != OrderStatus::Unknown {
            return Err(JournalError::NotUnknown(id, before.status.as_str()));
        }
        let status = if charged {
            OrderStatus::Finished
        } else {
            OrderStatus::Failed
        };
        tx.execute(
            "UPDATE orders SET status = ?2, updated_at = ?3, note = ?4, \
             number = COALESCE(?5, number) WHERE id = ?1",
            params![id, status.as_str(), ms(now), detail, number],
        )?;
        insert_event(&tx, id, now, kind, status, Some(detail))?;
        tx.commit()?;
        drop(conn);
        self.order(id)?.ok_or(JournalError::NoSuchOrder(id))
    }

    /// Appends an event that does not change the status (cancel asked,
    /// rate-limited, resend asked).
    pub fn note_event(
        &self,
        id: i64,
        kind: &str,
        detail: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let conn = self.conn();
        let status: String = conn
            .query_row("SELECT status FROM orders WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(JournalError::NoSuchOrder(id))?;
        conn.execute(
            "INSERT INTO order_events (order_id, at, kind, status, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, ms(now), kind, status, detail],
        )?;
        Ok(())
    }
}

pub(super) fn insert_event(
    conn: &Connection,
    id: i64,
    now: DateTime<Utc>,
    kind: &str,
    status: OrderStatus,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO order_events (order_id, at, kind, status, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, ms(now), kind, status.as_str(), detail])?;
    Ok(())
}

/// True when a poll's reply would change nothing the journal keeps:
/// writing it anyway would commit (and fsync) once per poll per order.
/// An expiry this close to the recorded one is the same expiry: NEXOTP
/// gives `remainingSeconds`, so each poll's expiry (now + remaining) lands
/// a few milliseconds to a second away from the last; taking that as news
/// wrote (and committed) every poll of every order.
const EXPIRY_JITTER_MS: i64 = 2_000;

/// The status `update` moves `before` to (never back).
fn next_status(before: &Order, update: &OrderUpdate) -> OrderStatus {
    let status = match update.status {
        Some(s) => before.status.advance(s),
        None => before.status,
    };
    if !update.otps.is_empty() && status == OrderStatus::Waiting {
        OrderStatus::OtpReceived
    } else {
        status
    }
}

/// Whether `update` may change what is known of `before`: a new status,
/// code, number, expiry or resend state, or mail (whose news only the
/// journal's timeline can tell). The poller asks this of its own copy of
/// the order so that the most common poll, "still waiting", touches
/// neither the journal nor the screen. A stale copy only sends an update
/// to the journal that would not have been needed: the journal's order
/// only grows from the copy's.
pub fn may_be_news(before: &Order, update: &OrderUpdate) -> bool {
    next_status(before, update) != before.status
        || !says_nothing_new(before, update)
        || !update.messages.is_empty()
}

fn says_nothing_new(before: &Order, u: &OrderUpdate) -> bool {
    let same = |new: Option<&String>, old: Option<&String>| new.is_none_or(|n| old == Some(n));
    same(u.number.as_ref(), before.number.as_ref())
        && same(u.sn.as_ref(), before.sn.as_ref())
        && u.expires_at.is_none_or(|e| {
            before
                .expires_at
                .is_some_and(|b| (ms(b) - ms(e)).abs() < EXPIRY_JITTER_MS)
        })
        && u.resend_count
            .is_none_or(|c| before.resend_count == Some(c))
        && u.resend_locked_until.map(ms) == before.resend_locked_until.map(ms)
        && u.otps
            .iter()
            .map(|c| c.trim())
            .all(|c| c.is_empty() || before.otps.iter().any(|k| k == c))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{new_order, placed};
    use super::*;
    use crate::money::Rupiah;
    use rusqlite::Connection;

    /// A poll's news commits on the poll connection (NORMAL); the main
    /// connection, which every buy, cancel and deposit uses, stays FULL,
    /// and each sees what the other committed.
    #[test]
    fn polls_commit_relaxed_and_money_stays_synchronous_full() {
        let dir = tempfile::tempdir().expect("dir");
        let j = Journal::open(&dir.path().join("j.sqlite3")).expect("journal");
        let sync = |c: &Connection| -> i64 {
            c.query_row("PRAGMA synchronous", [], |r| r.get(0))
                .expect("pragma")
        };
        {
            let conns = j.conn();
            assert_eq!(sync(&conns.main), 2, "main: FULL");
            assert_eq!(sync(conns.polls.as_ref().expect("a file has two")), 1);
        }
        let o = j.begin_order(&new_order("k1"), Utc::now()).expect("row");
        j.record_placed(o.id, &placed(&[]), Utc::now())
            .expect("placed");
        let news = OrderUpdate {
            otps: vec!["123456".into()],
            ..Default::default()
        };
        let c = j.record_update(o.id, &news, Utc::now()).expect("update");
        assert_eq!(c.new_otps, vec!["123456".to_string()]);
        assert_eq!(c.order.otps, vec!["123456".to_string()]);
        // The main connection reads the poll's commit.
        let again = j.order(o.id).expect("read").expect("row");
        assert_eq!(again.otps, vec!["123456".to_string()]);
        // The same news again changes nothing; a missing order is an error.
        let c = j.record_update(o.id, &news, Utc::now()).expect("update");
        assert!(c.new_otps.is_empty());
        assert!(j.record_update(o.id + 99, &news, Utc::now()).is_err());
        // A money write after a poll's commit goes through on main.
        let o2 = j.begin_order(&new_order("k2"), Utc::now()).expect("row");
        assert!(j.order(o2.id).expect("read").is_some());
        assert_eq!(sync(&j.conn().main), 2, "main still FULL");
    }

    /// An expiry that only moved by the jitter of `remainingSeconds` is not
    /// news: nothing is written. One that really moved is.
    #[test]
    fn an_expiry_within_a_second_or_so_is_not_news() {
        let j = Journal::open_in_memory().expect("journal");
        let t0 = Utc::now();
        let o = j.begin_order(&new_order("k1"), t0).expect("row");
        let mut p = placed(&[]);
        let exp = t0 + chrono::Duration::minutes(20);
        p.expires_at = Some(exp);
        j.record_placed(o.id, &p, t0).expect("placed");
        let at = |ms: i64| OrderUpdate {
            expires_at: Some(exp + chrono::Duration::milliseconds(ms)),
            ..Default::default()
        };
        let later = t0 + chrono::Duration::seconds(5);
        let c = j.record_update(o.id, &at(900), later).expect("update");
        assert_eq!(c.order.updated_at.timestamp_millis(), t0.timestamp_millis());
        let c = j.record_update(o.id, &at(-1_500), later).expect("update");
        assert_eq!(c.order.updated_at.timestamp_millis(), t0.timestamp_millis());
        let c = j.record_update(o.id, &at(120_000), later).expect("update");
        assert_eq!(
            c.order.updated_at.timestamp_millis(),
            later.timestamp_millis()
        );
        assert_eq!(
            c.order.expires_at.map(|e| e.timestamp_millis()),
            Some((exp + chrono::Duration::minutes(2)).timestamp_millis())
        );
    }

    /// OTPZap's resend gating survives in the journal and is cleared when
    /// the API says it is over.
    #[test]
    fn resend_count_and_lock_are_kept() {
        let j = Journal::open_in_memory().expect("journal");
        let o = j.begin_order(&new_order("k1"), Utc::now()).expect("row");
        j.record_placed(o.id, &placed(&[]), Utc::now())
            .expect("placed");
        let until = Utc::now() + chrono::Duration::seconds(40);
        let upd = OrderUpdate {
            resend_count: Some(2),
            resend_locked_until: Some(until),
            ..Default::default()
        };
        let c = j.record_update(o.id, &upd, Utc::now()).expect("update");
        assert_eq!(c.order.resend_count, Some(2));
        assert_eq!(
            c.order.resend_locked_until.map(|t| t.timestamp_millis()),
            Some(until.timestamp_millis())
        );
        let c = j
            .record_update(o.id, &OrderUpdate::default(), Utc::now())
            .expect("update");
        assert_eq!(c.order.resend_count, Some(2), "a poll without it keeps it");
        assert_eq!(c.order.resend_locked_until, None, "unlocked");
    }

    /// A poll that says what the journal already has writes nothing; one
    /// with news writes it.
    #[test]
    fn polls_with_nothing_new_write_nothing() {
        let j = Journal::open_in_memory().expect("journal");
        let t = Utc::now();
        let o = j.begin_order(&new_order("k1"), t).expect("row");
        j.record_placed(o.id, &placed(&[]), t).expect("placed");
        let waiting = OrderUpdate {
            status: Some(OrderStatus::Waiting),
            number: Some("+62812".into()),
            ..Default::default()
        };
        let later = t + chrono::Duration::seconds(5);
        let c = j.record_update(o.id, &waiting, later).expect("poll");
        assert_eq!(c.order.updated_at.timestamp_millis(), t.timestamp_millis());
        assert!(!c.status_changed && c.new_otps.is_empty());
        let events = j.events(o.id).expect("events").len();
        let otp = OrderUpdate {
            otps: vec!["123456".into()],
            ..waiting
        };
        let c = j.record_update(o.id, &otp, later).expect("poll");
        assert_eq!(c.new_otps, vec!["123456".to_string()]);
        assert_eq!(c.order.status, OrderStatus::OtpReceived);
        assert!(j.events(o.id).expect("events").len() > events);
        let c = j.record_update(o.id, &otp, later).expect("poll");
        assert!(c.new_otps.is_empty() && !c.status_changed);
    }

    #[test]
    fn order_lifecycle_is_journaled() {
        let j = Journal::open_in_memory().unwrap();
        let now = Utc::now();
        let o = j.begin_order(&new_order("k1"), now).unwrap();
        assert_eq!(o.status, OrderStatus::Buying);
        let c = j.record_placed(o.id, &placed(&[]), now).unwrap();
        assert_eq!(c.order.status, OrderStatus::Waiting);
        assert_eq!(c.order.provider_order_id.as_deref(), Some("ord_1"));
        let upd = OrderUpdate {
            status: Some(OrderStatus::OtpReceived),
            otps: vec!["111111".into()],
            ..Default::default()
        };
        let c = j.record_update(o.id, &upd, now).unwrap();
        assert_eq!(c.new_otps, vec!["111111"]);
        // The same timeline again adds nothing; a longer one adds the new code.
        assert!(j
            .record_update(o.id, &upd, now)
            .unwrap()
            .new_otps
            .is_empty());
        let upd2 = OrderUpdate {
            otps: vec!["111111".into(), "222222".into()],
            ..Default::default()
        };
        assert_eq!(
            j.record_update(o.id, &upd2, now).unwrap().new_otps,
            vec!["222222"]
        );
        // A latest-only API that sends just the newest code adds nothing new.
        let latest = OrderUpdate {
            otps: vec!["222222".into()],
            ..Default::default()
        };
        assert!(j
            .record_update(o.id, &latest, now)
            .unwrap()
            .new_otps
            .is_empty());
        let o2 = j.order(o.id).unwrap().unwrap();
        assert_eq!(o2.otps, vec!["111111", "222222"]);
        assert_eq!(j.otp_log(10).unwrap().len(), 2);
        assert_eq!(j.find(None, "ord_1").unwrap().unwrap().id, o.id);
        assert_eq!(
            j.find(Some("acc"), &o.id.to_string()).unwrap().unwrap().id,
            o.id
        );
        assert!(j.find(Some("other"), "ord_1").unwrap().is_none());
    }

    #[test]
    fn stale_updates_do_not_move_back() {
        let j = Journal::open_in_memory().unwrap();
        let now = Utc::now();
        let o = j.begin_order(&new_order("k2"), now).unwrap();
        j.record_placed(o.id, &placed(&[]), now).unwrap();
        j.record_cancelled(
            o.id,
            &CancelOutcome {
                refunded: Some(Rupiah(6500)),
                message: None,
            },
            now,
        )
        .unwrap();
        let upd = OrderUpdate {
            status: Some(OrderStatus::Waiting),
            ..Default::default()
        };
        let c = j.record_update(o.id, &upd, now).unwrap();
        assert_eq!(c.order.status, OrderStatus::Cancelled);
        assert_eq!(c.order.refunded, Some(Rupiah(6500)));
        assert!(!c.status_changed);
    }

    #[test]
    fn idempotency_key_is_unique_per_account() {
        let j = Journal::open_in_memory().unwrap();
        let now = Utc::now();
        j.begin_order(&new_order("dup"), now).unwrap();
        assert!(j.begin_order(&new_order("dup"), now).is_err());
        assert!(j.find_by_key("acc", "dup").unwrap().is_some());
    }
}

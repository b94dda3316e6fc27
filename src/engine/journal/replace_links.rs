//! Auto-replace chain links (`domain::ReplaceLink`). The link is written
//! when the rule decides to cancel; the replacement's account and request
//! are written before its buy is sent, and once written they are what
//! every later attempt buys (a restart never picks another offer, so the
//! key cannot reach a second account).

use super::{from_ms, ms, Journal, Result};
use crate::domain::{BuyRequest, ReplaceLink, ReplaceStep};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

const COLUMNS: &str =
    "from_order, root_order, attempt, key, step, account, request, note, updated_at";

fn link_from_row(row: &Row<'_>) -> rusqlite::Result<(ReplaceLink, DateTime<Utc>)> {
    let step: String = row.get(4)?;
    let request: Option<String> = row.get(6)?;
    Ok((
        ReplaceLink {
            from_order: row.get(0)?,
            root_order: row.get(1)?,
            attempt: row.get(2)?,
            idempotency_key: row.get(3)?,
            // An unreadable step is treated as a sent buy: it is never
            // sent again, only looked up.
            step: ReplaceStep::parse(&step).unwrap_or(ReplaceStep::Buying),
            account: row.get(5)?,
            request: request.and_then(|r| serde_json::from_str::<BuyRequest>(&r).ok()),
            replacement: None,
            note: row.get(7)?,
        },
        from_ms(row.get(8)?),
    ))
}

impl Journal {
    /// Writes the link when the rule decides to cancel `from_order`; a link
    /// already there (a restart deciding again) is kept and given back.
    pub fn begin_link(&self, link: &ReplaceLink, now: DateTime<Utc>) -> Result<ReplaceLink> {
        {
            let conn = self.conn();
            let tx = conn.unchecked_transaction()?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO replace_links \
                 (from_order, root_order, attempt, key, step, note, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, 'cancelling', ?5, ?6, ?6)",
                params![
                    link.from_order,
                    link.root_order,
                    link.attempt,
                    link.idempotency_key,
                    link.note,
                    ms(now)
                ],
            )?;
            if n == 1 {
                let detail = format!(
                    "no SMS in time: cancelling, then attempt {} with key {}",
                    link.attempt, link.idempotency_key
                );
                let status: String = tx.query_row(
                    "SELECT status FROM orders WHERE id = ?1",
                    [link.from_order],
                    |r| r.get(0),
                )?;
                tx.execute(
                    "INSERT INTO order_events (order_id, at, kind, status, detail) \
                     VALUES (?1, ?2, 'auto_replace', ?3, ?4)",
                    params![link.from_order, ms(now), status, detail],
                )?;
            }
            tx.commit()?;
        }
        self.link(link.from_order)
            .map(|l| l.unwrap_or_else(|| link.clone()))
    }

    /// Gives the link its replacement's account and request, before the
    /// buy is sent. A link that already has them keeps its own: the caller
    /// buys what this returns.
    pub fn link_buying(
        &self,
        from_order: i64,
        account: &str,
        request: &BuyRequest,
        now: DateTime<Utc>,
    ) -> Result<Option<ReplaceLink>> {
        let text = serde_json::to_string(request).unwrap_or_default();
        let n = self.conn().execute(
            "UPDATE replace_links SET step = 'buying', account = ?2, request = ?3, updated_at = ?4 \
             WHERE from_order = ?1 AND step = 'cancelling'",
            params![from_order, account, text, ms(now)],
        )?;
        if n == 1 {
            let detail = format!(
                "replacing with {} on {account} for {} (key {})",
                request.offer_id, request.price, request.idempotency_key
            );
            self.note_event(from_order, "auto_replace_buy", Some(&detail), now)?;
        }
        self.link(from_order)
    }

    /// The chain stops at this link without a replacement.
    pub fn link_ended(&self, from_order: i64, note: &str, now: DateTime<Utc>) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE replace_links SET step = 'ended', note = ?2, updated_at = ?3 \
             WHERE from_order = ?1 AND step != 'ended'",
            params![from_order, note, ms(now)],
        )?;
        if n == 1 {
            self.note_event(from_order, "auto_replace_ended", Some(note), now)?;
        }
        Ok(())
    }

    pub fn link(&self, from_order: i64) -> Result<Option<ReplaceLink>> {
        let conn = self.conn();
        let found = conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM replace_links WHERE from_order = ?1"),
                [from_order],
                link_from_row,
            )
            .optional()?;
        drop(conn);
        found.map(|(l, _)| self.with_replacement(l)).transpose()
    }

    /// Links touched since `since`, oldest first, each with its
    /// replacement's row id when the journal has one.
    pub fn links_since(&self, since: DateTime<Utc>) -> Result<Vec<ReplaceLink>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM replace_links WHERE updated_at >= ?1 ORDER BY from_order"
        ))?;
        let rows: Vec<(ReplaceLink, DateTime<Utc>)> = stmt
            .query_map([ms(since)], link_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        drop(conn);
        rows.into_iter()
            .map(|(l, _)| self.with_replacement(l))
            .collect()
    }

    fn with_replacement(&self, mut link: ReplaceLink) -> Result<ReplaceLink> {
        if let Some(account) = link.account.clone() {
            link.replacement = self
                .find_by_key(&account, &link.idempotency_key)?
                .map(|o| o.id);
        }
        Ok(link)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::new_order;
    use super::*;
    use crate::money::Rupiah;

    fn request(offer: &str, key: &str) -> BuyRequest {
        BuyRequest {
            service_id: "wa".into(),
            service_name: "WhatsApp".into(),
            country_id: Some("id".into()),
            country_name: Some("Indonesia".into()),
            offer_id: offer.into(),
            price: Rupiah(3000),
            operator: None,
            idempotency_key: key.into(),
            customer_number: None,
        }
    }

    #[test]
    fn a_link_keeps_its_first_request_and_finds_its_replacement() {
        let j = Journal::open_in_memory().expect("journal");
        let now = Utc::now();
        let from = j.begin_order(&new_order("k1"), now).expect("order");
        let link = ReplaceLink {
            from_order: from.id,
            root_order: from.id,
            attempt: 2,
            idempotency_key: "k2".into(),
            step: ReplaceStep::Cancelling,
            account: None,
            request: None,
            replacement: None,
            note: None,
        };
        let first = j.begin_link(&link, now).expect("link");
        assert_eq!(first.step, ReplaceStep::Cancelling);
        // Deciding again (a restart) keeps the first row.
        let again = j
            .begin_link(
                &ReplaceLink {
                    idempotency_key: "other".into(),
                    ..link.clone()
                },
                now,
            )
            .expect("again");
        assert_eq!(again.idempotency_key, "k2");
        let chosen = j
            .link_buying(from.id, "acc", &request("cheap", "k2"), now)
            .expect("buying")
            .expect("row");
        assert_eq!(chosen.step, ReplaceStep::Buying);
        assert_eq!(chosen.replacement, None, "no row for the key yet");
        // A second choice does not replace the first.
        let kept = j
            .link_buying(from.id, "elsewhere", &request("dear", "k2"), now)
            .expect("buying")
            .expect("row");
        assert_eq!(kept.account.as_deref(), Some("acc"));
        assert_eq!(kept.request.expect("request").offer_id, "cheap");
        let r = j.begin_order(&new_order("k2"), now).expect("replacement");
        let links = j
            .links_since(now - chrono::Duration::minutes(1))
            .expect("links");
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].replacement, Some(r.id));
        let kinds: Vec<String> = j
            .events(from.id)
            .expect("events")
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(kinds, vec!["buy_sent", "auto_replace", "auto_replace_buy"]);
    }
}

//! Reads of the local journal a view asks for: an email order's messages
//! and the statistics. The journal is local and quick; each is asked once.

use crate::app::Action;
use crate::engine::stats::{overview, GroupBy};
use crate::tui::runtime::{send, Runtime};
use chrono::Utc;

impl Runtime {
    pub(super) fn email_messages(&self, order_id: i64) {
        let result = self
            .journal
            .email_messages(order_id)
            .map_err(|e| e.to_string());
        send(&self.tx, Action::EmailMessages { order_id, result });
    }

    pub(super) fn stats(&self, days: usize) {
        let since = Utc::now() - chrono::Duration::days(days as i64);
        let offset = *chrono::Local::now().offset();
        let today = Utc::now().with_timezone(&offset).date_naive();
        let figures = self
            .journal
            .order_facts(since)
            .map(|f| overview(&f, GroupBy::Offer, days, today, offset))
            .map_err(|e| e.to_string());
        send(&self.tx, Action::StatsLoaded(figures));
    }
}

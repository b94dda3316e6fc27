//! The status line's message: set with a level, and gone once old.

use super::{App, Level};

impl App {
    pub fn set_status(&mut self, text: impl Into<String>, level: Level) {
        // Newer than anything the book said earlier in this update.
        self.book.news.clear();
        self.view.status = Some((text.into(), level));
        self.view.status_at = self.now;
    }

    /// The newest of what the book said during this update goes to the
    /// status line (each attached screen shows the book's news this way).
    pub(super) fn show_news(&mut self) {
        if let Some((text, level)) = self.book.news.pop() {
            self.set_status(text, level);
        }
    }

    /// Forgets a status message past its time: news and information after
    /// 30 s, warnings and errors after 5 minutes (what must stay, an
    /// UNKNOWN order's amount or a key problem, is pinned in the header).
    pub(super) fn age_status(&mut self) {
        let keep = match self.view.status.as_ref().map(|(_, l)| *l) {
            Some(Level::Info | Level::Ok) => chrono::Duration::seconds(30),
            Some(Level::Warn | Level::Error) => chrono::Duration::minutes(5),
            None => return,
        };
        if self.now - self.view.status_at > keep {
            self.view.status = None;
        }
    }
}

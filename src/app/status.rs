//! The status line's message: set with a level, and gone once old.

use super::book::News;
use super::{App, Effect, Level, Notification};
use crate::domain::times::local_times;

impl App {
    pub fn set_status(&mut self, text: impl Into<String>, level: Level) {
        // Newer than anything the book said earlier in this update.
        self.book.news.clear();
        self.view.status = Some((text.into(), level));
        self.view.status_at = self.now;
    }

    /// What the book said during this update, as this screen shows it: the
    /// newest line in the status bar; a new code copied, rung and notified
    /// as this screen's settings ask.
    pub(super) fn show_news(&mut self) -> Vec<Effect> {
        let news = std::mem::take(&mut self.book.news);
        if self.settings.role == super::role::Role::Engine {
            // The engine shows nothing: its screens show what it says.
            return match news.is_empty() {
                true => Vec::new(),
                false => vec![Effect::Tell(news)],
            };
        }
        let mut effects = Vec::new();
        for n in &news {
            if let News::Code { name, code, .. } = n {
                effects.extend(self.on_new_code(name, code, &n.text()));
            }
        }
        if let Some(last) = news.last() {
            // Stamps in the book's words (a settled note) read local here.
            let text = local_times(&last.text(), self.now, self.settings.utc_offset);
            self.set_status(text, last.level());
        }
        effects
    }

    fn on_new_code(&self, name: &str, code: &str, text: &str) -> Vec<Effect> {
        let s = &self.settings;
        let mut effects = Vec::new();
        if s.auto_copy {
            effects.push(Effect::Copy {
                text: code.to_string(),
                what: name.to_string(),
            });
        }
        if s.bell {
            effects.push(Effect::Bell);
        }
        if s.notify_osc9 || s.notify_osc777 || s.notify_desktop {
            effects.push(Effect::Notify(Notification {
                title: "otpdeck".into(),
                body: text.trim_end().to_string(),
                osc9: s.notify_osc9,
                osc777: s.notify_osc777,
                desktop: s.notify_desktop,
            }));
        }
        effects
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

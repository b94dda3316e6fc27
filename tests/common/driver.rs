//! Driving the real event loop on a `TestBackend`: keys in through a
//! channel, the screen read back as text.

use super::shared_backend::SharedBackend;
use futures::channel::mpsc::UnboundedSender;
use ratatui::crossterm::event::Event;
use std::time::{Duration, Instant};

pub type Keys = UnboundedSender<std::io::Result<Event>>;

pub fn press(tx: &Keys, s: &str) {
    for k in super::parse_keys(s) {
        tx.unbounded_send(Ok(Event::Key(k)))
            .expect("loop is listening");
    }
}

/// Waits until the screen satisfies `ok`; on a real hang, fails with the
/// last screen. The limit is generous: a busy machine only makes it slow.
pub async fn wait_for(screen: &SharedBackend, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let text = screen.text();
        if ok(&text) {
            return text;
        }
        if start.elapsed() > Duration::from_secs(120) {
            panic!("never saw {what}; the screen:\n{text}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

//! An email order's message timeline: read-only; ↑/↓, Home/End and the
//! page keys scroll it a message at a time, `c` copies the latest OTP (or
//! headline) as on the row, Esc closes.
//!
//! The timeline is laid out here, line by line (`layout`): the drawing
//! shows those lines and the keys scroll by them, so a sender or subject
//! that wraps onto more lines at a narrow width is counted as drawn and no
//! message or key line is clipped.

use crate::app::keymap::Cmd;
use crate::app::popups::Popup;
use crate::app::{App, Effect};
use crate::domain::columns::{width, wrap, wrap_words};
use crate::domain::text::visible;
use crate::domain::EmailMessage;

/// An email order's message timeline; None until the journal answers.
#[derive(Debug, Clone)]
pub struct EmailDetail {
    pub order_id: i64,
    pub messages: Option<Result<Vec<EmailMessage>, String>>,
    /// The first message shown (the timeline scrolls when it is taller
    /// than the screen).
    pub first: usize,
}

/// How a piece of a line is drawn; the drawing picks the theme's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Dim,
    Code,
    Error,
}

/// One line of the box: pieces of text, each with its tone.
pub type Row = Vec<(String, Tone)>;

/// The timeline laid out for a screen: the box's width, the lines above
/// the messages, each message's lines, and how many lines the messages
/// may take. Drawing and the keys use this one layout.
#[derive(Debug, Clone)]
pub struct Laid {
    /// The box's width, borders included.
    pub width: u16,
    /// The inbox's address and what it is, then a blank line; under it,
    /// what stands for the messages when there are none to list.
    pub head: Vec<Row>,
    pub messages: Vec<Vec<Row>>,
    /// Lines for the messages inside the box.
    budget: usize,
    /// More messages than fit at once: the key line says where it stands.
    scrolls: bool,
    inner: usize,
    copy_keys: String,
    close_keys: String,
    scroll_keys: String,
}

/// The box's width on a screen `w` columns wide.
fn box_width(w: u16) -> u16 {
    84.min(w)
}

/// `s` made visible and wrapped at spaces in `w` columns, each line after
/// `indent`.
fn text(s: &str, w: usize, indent: &str, tone: Tone) -> Vec<Row> {
    wrap_words(&visible(s), w.saturating_sub(indent.len()))
        .into_iter()
        .map(|l| vec![(format!("{indent}{l}"), tone)])
        .collect()
}

/// One message's lines: number, time, sender and code (or headline) on
/// one line where they fit, else one under the other; the subject; the
/// preview. Nothing is cut: a long part wraps.
fn message(app: &App, i: usize, m: &EmailMessage, inner: usize) -> Vec<Row> {
    let at = m
        .received_at
        .map(|t| {
            t.with_timezone(&app.settings.utc_offset)
                .format("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|| "--:--:--".into());
    let head = format!("{}. {at}  ", i + 1);
    let from = visible(&m.from).into_owned();
    let headline = visible(&m.headline()).into_owned();
    let mut out = Vec::new();
    if width(&head) + width(&from) + 2 + width(&headline) <= inner {
        out.push(vec![
            (head, Tone::Dim),
            (from, Tone::Plain),
            ("  ".into(), Tone::Plain),
            (headline, Tone::Code),
        ]);
    } else {
        // The sender on its line, the code or headline under it.
        if width(&head) + width(&from) <= inner {
            out.push(vec![(head, Tone::Dim), (from, Tone::Plain)]);
        } else {
            out.push(vec![(head, Tone::Dim)]);
            out.extend(text(&from, inner, "   ", Tone::Plain));
        }
        out.extend(text(&headline, inner, "   ", Tone::Code));
    }
    out.extend(text(&m.subject, inner, "   ", Tone::Plain));
    out.extend(text(&m.preview, inner, "   ", Tone::Dim));
    out
}

/// The timeline of `d` laid out on a screen of `(w, h)`; None when its
/// order is gone.
pub fn layout(app: &App, d: &EmailDetail, (w, h): (u16, u16)) -> Option<Laid> {
    let o = app.book.orders.get(&d.order_id)?;
    let width_ = box_width(w);
    let inner = width_.saturating_sub(2) as usize;
    let window = match o.expires_at {
        Some(t) if !o.status.is_final() => {
            let left = (t - app.now).num_seconds().max(0);
            format!("{}:{:02} left", left / 60, left % 60)
        }
        _ => o.status.to_string(),
    };
    // An address is never cut: where it does not fit beside the rest of
    // its line, the rest goes under it.
    let address = visible(o.number.as_deref().unwrap_or("-")).into_owned();
    let about = format!(
        "{} · #{} · {} · {}",
        o.country_name
            .as_deref()
            .or(o.country.as_deref())
            .unwrap_or("-"),
        o.id,
        o.price,
        window
    );
    let mut head: Vec<Row> = Vec::new();
    if width(&address) + 2 + width(&about) <= inner {
        head.push(vec![
            (address, Tone::Code),
            (format!("  {about}"), Tone::Plain),
        ]);
    } else {
        for part in wrap(&address, inner) {
            head.push(vec![(part, Tone::Code)]);
        }
        head.extend(text(&about, inner, "  ", Tone::Plain));
    }
    head.push(Vec::new());
    let mut messages = Vec::new();
    match &d.messages {
        None => head.push(vec![("reading the journal…".into(), Tone::Dim)]),
        Some(Err(e)) => head.extend(text(
            &format!("cannot read messages: {e}"),
            inner,
            "",
            Tone::Error,
        )),
        Some(Ok(list)) if list.is_empty() => head.push(vec![(
            "no message yet: OTPZap is waiting for the site's mail".into(),
            Tone::Dim,
        )]),
        Some(Ok(list)) => {
            messages = list
                .iter()
                .enumerate()
                .map(|(i, m)| message(app, i, m, inner))
                .collect();
        }
    }
    let mut laid = Laid {
        width: width_,
        head,
        messages,
        budget: 0,
        scrolls: false,
        inner,
        copy_keys: app.keymap.labels(Cmd::CopyOtp),
        close_keys: app.keymap.labels(Cmd::Dismiss),
        scroll_keys: format!(
            "{}/{}",
            app.keymap.label(Cmd::Down),
            app.keymap.label(Cmd::Up)
        ),
    };
    // The borders, the lines above, a blank line and the keys below.
    let all: usize = laid.messages.iter().map(Vec::len).sum();
    let around = |l: &Laid, scrolls: bool| {
        let n = l.messages.len();
        2 + l.head.len() + 1 + l.keys(scrolls, n, n, n).len()
    };
    if around(&laid, false) + all <= h as usize {
        laid.budget = all;
    } else {
        laid.scrolls = true;
        laid.budget = (h as usize).saturating_sub(around(&laid, true)).max(1);
    }
    Some(laid)
}

impl Laid {
    /// The key line(s), with where the timeline stands when it scrolls.
    fn keys(&self, scrolls: bool, from: usize, to: usize, n: usize) -> Vec<Row> {
        let mut s = format!("{} copy OTP · {} close", self.copy_keys, self.close_keys);
        if scrolls {
            s.push_str(&format!(
                " · {from}–{to} of {n} · {} scroll",
                self.scroll_keys
            ));
        }
        text(&s, self.inner, "", Tone::Dim)
    }

    /// How many messages from `first` on fit in the box (at least one).
    pub fn shown_from(&self, first: usize) -> usize {
        fitting(self.messages.iter().skip(first), self.budget)
    }

    /// How many messages just before `first` fit in the box: a page up.
    fn before(&self, first: usize) -> usize {
        let first = first.min(self.messages.len());
        fitting(self.messages[..first].iter().rev(), self.budget).min(first)
    }

    /// The first message shown at the end: the newest ones fill the box.
    pub fn last_first(&self) -> usize {
        let n = self.messages.len();
        n - fitting(self.messages.iter().rev(), self.budget).min(n)
    }

    /// Where a list key takes the first message shown; None for another key.
    fn moved(&self, cmd: Option<Cmd>, first: usize) -> Option<usize> {
        let last = self.last_first();
        let first = first.min(last);
        let to = match cmd? {
            Cmd::Up => first.saturating_sub(1),
            Cmd::Down => first + 1,
            Cmd::ListTop => 0,
            Cmd::ListBottom => last,
            Cmd::ListPageDown => first + self.shown_from(first),
            Cmd::ListPageUp => first - self.before(first),
            _ => return None,
        };
        Some(to.min(last))
    }

    /// Every line of the box from message `first` on: the lines above, the
    /// messages that fit, a blank line and the keys.
    pub fn lines(&self, first: usize) -> Vec<Row> {
        let n = self.messages.len();
        let first = first.min(self.last_first());
        let shown = self.shown_from(first).min(n - first);
        let mut out = self.head.clone();
        for m in &self.messages[first..first + shown] {
            out.extend(m.iter().cloned());
        }
        out.push(Vec::new());
        out.extend(self.keys(self.scrolls, first + 1, first + shown, n));
        out
    }
}

/// How many of `messages` fit, in order, in `budget` lines; at least one
/// (a message taller than the box is shown from its top).
fn fitting<'a>(messages: impl Iterator<Item = &'a Vec<Row>>, budget: usize) -> usize {
    let mut used = 0;
    let mut n = 0;
    for m in messages {
        if n > 0 && used + m.len() > budget {
            break;
        }
        used += m.len();
        n += 1;
    }
    n
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    let Some(Popup::EmailDetail(d)) = app.view.popups.last() else {
        return Vec::new();
    };
    let order_id = d.order_id;
    let to = layout(app, d, app.view.size).and_then(|l| l.moved(cmd, d.first));
    if let Some(to) = to {
        if let Some(Popup::EmailDetail(d)) = app.view.popups.last_mut() {
            d.first = to;
        }
        return Vec::new();
    }
    if cmd != Some(Cmd::CopyOtp) {
        return Vec::new();
    }
    let found = app
        .book
        .orders
        .get(&order_id)
        .map(|o| (o.latest_otp().map(str::to_string), o.number.clone()));
    crate::app::panes::orders::copy_effect(app, found, true)
}

/// The journal's messages arrived: the timeline keeps its place, within
/// the new list.
pub fn loaded(d: &mut EmailDetail, result: Result<Vec<EmailMessage>, String>) {
    d.messages = Some(result);
    let n = match &d.messages {
        Some(Ok(list)) => list.len(),
        _ => 0,
    };
    d.first = d.first.min(n.saturating_sub(1));
}

impl crate::app::popups::PopupState for EmailDetail {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

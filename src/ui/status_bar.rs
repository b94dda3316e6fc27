//! Status bar: the last message in plain words, and the keys that matter in
//! the focused pane (from the command table, like `?`).

use super::theme::Theme;
use crate::app::{App, Level};
use crate::domain::columns::{ellipsis, pad, width, wrap_words, Align};
use crate::domain::text::visible;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let (text, style) = match &app.view.status {
        Some((t, Level::Error)) => (t.clone(), theme.error),
        Some((t, Level::Warn)) => (t.clone(), theme.warn),
        Some((t, Level::Ok)) => (t.clone(), theme.ok),
        Some((t, Level::Info)) => (t.clone(), theme.text),
        None => (
            "Ready. Tab moves between panes; ? lists every key.".into(),
            theme.dim,
        ),
    };
    let pairs: Vec<(String, &str)> = app
        .keymap
        .hints(&crate::app::key_layers(app), |c| {
            crate::app::command_applies(app, c)
        })
        .into_iter()
        .map(|(k, h)| (k, crate::app::panes::orders::hint_word(app, h)))
        .collect();
    let w = area.width as usize;
    let spans = |pairs: Vec<(String, &str)>| -> Vec<Span<'static>> {
        let mut out = Vec::new();
        for (k, h) in pairs {
            out.push(Span::styled(format!(" {k}"), theme.title));
            out.push(Span::styled(format!(" {h} "), theme.dim));
        }
        out
    };
    let text = visible(&text).into_owned();
    if width(&text) < w {
        let lines = vec![
            Line::from(Span::styled(format!(" {text}"), style)),
            Line::from(spans(fitting(pairs, w))),
        ];
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    // Too long for a line: it goes on over the hints line, which keeps
    // `? help` and `q quit` at its end; only what still does not fit there
    // gives way, with an ellipsis (a message says its values first).
    let essential: Vec<(String, &str)> = fitting(pairs, 0);
    let keys_w: usize = essential.iter().map(|(k, h)| width(k) + width(h) + 3).sum();
    let parts = wrap_words(&text, w.saturating_sub(1));
    let rest = parts[1..].join(" ");
    let room = w.saturating_sub(keys_w + 2);
    let rest = if width(&rest) <= room {
        pad(&rest, room, Align::Left)
    } else {
        ellipsis(&rest, room)
    };
    let mut second = vec![Span::styled(format!(" {rest} "), style)];
    second.extend(spans(essential));
    let lines = vec![
        Line::from(Span::styled(format!(" {}", parts[0]), style)),
        Line::from(second),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

/// The hints that fit in `width` columns: the last ones drop first, but
/// `? help` and `q quit` stay, so a small terminal still says how to
/// find every key and how to leave.
fn fitting(pairs: Vec<(String, &str)>, width: usize) -> Vec<(String, &str)> {
    let cost = |(k, h): &(String, &str)| k.chars().count() + h.chars().count() + 3;
    let essential = |h: &str| h == "help" || h == "quit";
    let mut total: usize = pairs.iter().map(cost).sum();
    let mut keep = vec![true; pairs.len()];
    for i in (0..pairs.len()).rev() {
        if total <= width {
            break;
        }
        if !essential(pairs[i].1) {
            keep[i] = false;
            total -= cost(&pairs[i]);
        }
    }
    pairs
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fitting;

    #[test]
    fn help_and_quit_outlive_the_other_hints() {
        let pairs = vec![
            ("Enter".to_string(), "open/buy"),
            ("/".to_string(), "filter"),
            ("?".to_string(), "help"),
            ("q".to_string(), "quit"),
            ("d".to_string(), "deposit"),
        ];
        let keys =
            |w| -> Vec<String> { fitting(pairs.clone(), w).into_iter().map(|p| p.0).collect() };
        assert_eq!(keys(200), ["Enter", "/", "?", "q", "d"]);
        assert_eq!(keys(32), ["Enter", "?", "q"]);
        assert_eq!(keys(5), ["?", "q"]);
    }
}

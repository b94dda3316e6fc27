//! Drawing: a pure function of the app state (no I/O, no clock reads; the
//! time shown is `app.now`). Long lists draw only their visible rows.

mod balance;
mod catalog;
mod orders;
mod otp_log;
pub(crate) mod popups;
pub mod qr;
mod status_bar;
pub(crate) mod table;
mod views;
pub use crate::theme;

use crate::app::Pane;
use crate::app::{layout, App};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};
use ratatui::Frame;
use theme::Theme;

/// Spinner frames, advanced by the clock in state.
pub fn spinner(app: &App) -> &'static str {
    const FRAMES: [&str; 4] = ["◐", "◓", "◑", "◒"];
    // Whole seconds: the loop ticks once a second while something spins.
    FRAMES[app.now.timestamp().rem_euclid(4) as usize]
}

pub fn pane_block<'a>(app: &App, theme: &Theme, pane: Pane, title: String) -> Block<'a> {
    let focused = app.view.focus == pane;
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused { theme.focus } else { theme.border })
        .title(Span::styled(
            format!(" {title} "),
            if focused { theme.focus } else { theme.title },
        ))
}

pub fn theme_of(app: &App) -> Theme {
    if app.settings.no_color {
        Theme::no_color()
    } else {
        Theme::by_name(&app.settings.theme).unwrap_or_default()
    }
}

pub fn draw(frame: &mut Frame, app: &App) {
    draw_panes(frame, app);
    no_hidden_text(frame.buffer_mut());
}

/// ratatui drops control characters from cells, but not bidi overrides
/// or zero-width characters, which make a provider's name read one way
/// and be another: whatever reached a cell leaves it only as
/// `text::visible` has it.
fn no_hidden_text(buf: &mut ratatui::buffer::Buffer) {
    use crate::domain::text::{is_unsafe, visible};
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(is_unsafe) {
            let shown = visible(cell.symbol()).into_owned();
            cell.set_symbol(if shown.is_empty() { " " } else { &shown });
        }
    }
}

fn draw_panes(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = theme_of(app);
    let Some(l) = layout::compute(area, app.accounts.len()) else {
        let msg = Paragraph::new(vec![
            Line::from("otpdeck needs more room"),
            Line::from(format!(
                "at least {}x{} (now {}x{})",
                layout::MIN_W,
                layout::MIN_H,
                area.width,
                area.height
            )),
        ])
        .wrap(Wrap { trim: true })
        .style(theme.warn);
        frame.render_widget(msg, area);
        return;
    };
    header(frame, app, &theme, l.header);
    balance::draw(frame, app, &theme, l.balance);
    catalog::draw(frame, app, &theme, l.catalog);
    orders::draw(frame, app, &theme, l.orders);
    otp_log::draw(frame, app, &theme, l.otp_log);
    status_bar::draw(frame, app, &theme, l.status);
    popups::draw(frame, app, &theme, area);
}

fn header(frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let who = app.active_name().unwrap_or("All accounts");
    let mut line = Line::from(vec![
        Span::styled(" otpdeck ", theme.title),
        Span::styled(format!("│ {who} "), theme.header),
        Span::styled(format!("│ total {} ", app.total_balance()), theme.header),
        Span::styled(
            format!(
                "│ {} active ",
                app.book
                    .orders
                    .values()
                    .filter(|o| o.status.is_active())
                    .count()
            ),
            theme.header,
        ),
    ]);
    let unclear = app.book.unclear_amount(app.active_name());
    if unclear.0 > 0 {
        // What is at stake until the UNKNOWN orders are settled.
        line.spans
            .push(Span::styled(format!("│ unclear {unclear} "), theme.warn));
    }
    if !app.key_problems.is_empty() {
        // Pinned, so later messages cannot hide a broken [keys] section.
        line.spans.push(Span::styled(
            format!("│ ⚠ {} key problem(s): see ? ", app.key_problems.len()),
            theme.warn,
        ));
    }
    frame.render_widget(Paragraph::new(line).style(theme.header), area);
}

/// Text cut to `w` columns with an ellipsis.
pub fn fit(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        s.to_string()
    } else if w == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push('…');
        t
    }
}

/// Cuts the middle out of a long name, so `gateotp-main` and `gateotp-alt`
/// stay apart (`gat…main`, `gat…-alt`).
pub fn fit_middle(s: &str, w: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= w {
        return s.to_string();
    }
    if w < 5 {
        return fit(s, w);
    }
    let tail = (w - 1) / 2;
    let head = w - 1 - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

pub fn styled(s: String, st: Style) -> Span<'static> {
    Span::styled(s, st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_keep_both_ends() {
        assert_eq!(fit_middle("gateotp-main", 8), "gate…ain");
        assert_eq!(fit_middle("gateotp-alt", 9), "gate…-alt");
        assert_eq!(fit_middle("short", 8), "short");
        assert_eq!(fit_middle("abcdefgh", 3), "ab…");
    }
}

//! `?`: the keys of every place, a section each, so no column wraps at
//! 80×24; it scrolls when taller than the terminal.

use super::{boxed, centered};
use crate::app::keymap::Cmd;
use crate::app::popups::help::{box_height, lines, HelpLine};
use crate::app::App;
use crate::ui::fit;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

const KEYS_W: usize = 22;

pub fn draw(frame: &mut Frame, app: &App, scroll: u16, theme: &Theme, area: Rect) {
    let all = lines(app);
    let (h, visible) = box_height(app, all.len());
    let r = centered(area, 84, h);
    let text_w = r.width.saturating_sub(2) as usize;
    let help_w = text_w.saturating_sub(KEYS_W + 1);
    let skip = (scroll as usize).min(all.len().saturating_sub(visible.max(1)));
    let mut out: Vec<Line> = all
        .iter()
        .skip(skip)
        .take(visible)
        .map(|l| match l {
            HelpLine::Heading(place) => Line::styled(fit(place, text_w), theme.focus),
            HelpLine::Row { keys, help } => Line::from(vec![
                Span::styled(format!("{:<KEYS_W$} ", fit(keys, KEYS_W)), theme.title),
                Span::styled(fit(help, help_w), theme.text),
            ]),
            HelpLine::Problem(p) => Line::styled(fit(p, text_w), theme.warn),
        })
        .collect();
    let more = if skip + visible < all.len() {
        format!(
            " · {}/{} scroll · {}/{} a page",
            app.keymap.label(Cmd::Down),
            app.keymap.label(Cmd::Up),
            app.keymap.label(Cmd::ListPageDown),
            app.keymap.label(Cmd::ListPageUp)
        )
    } else {
        String::new()
    };
    out.push(Line::styled(
        fit(
            &format!(
                "{} or {} closes{more}",
                app.keymap.label(Cmd::Dismiss),
                app.keymap.label(Cmd::Help)
            ),
            text_w,
        ),
        theme.dim,
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(out).block(boxed(theme, "Keys")), r);
}

impl crate::ui::popups::Draw for crate::app::popups::Help {
    fn draw(&self, frame: &mut Frame, app: &App, theme: &Theme, area: Rect) {
        draw(frame, app, self.scroll, theme, area)
    }
}

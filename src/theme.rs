//! Themes: `themes/*.toml`, embedded in the binary so it runs without the
//! folder. `NO_COLOR` gives a theme of modifiers only.
//! It sits below `app` and `ui`: the app checks names, drawing takes colours.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::str::FromStr;

const EMBEDDED: &[(&str, &str)] = &[
    ("default", include_str!("../themes/default.toml")),
    ("light", include_str!("../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
];

#[derive(Debug, Deserialize)]
struct Raw {
    name: String,
    text: String,
    dim: String,
    border: String,
    focus: String,
    title: String,
    highlight_bg: String,
    highlight_fg: String,
    ok: String,
    warn: String,
    error: String,
    otp: String,
    price: String,
    header_bg: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub dim: Style,
    pub border: Style,
    pub focus: Style,
    pub title: Style,
    pub highlight: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub otp: Style,
    pub price: Style,
    pub header: Style,
}

fn color(s: &str) -> Result<Color, String> {
    Color::from_str(s.trim()).map_err(|_| format!("'{s}' is not a colour"))
}

impl Theme {
    pub fn names() -> Vec<&'static str> {
        EMBEDDED.iter().map(|(n, _)| *n).collect()
    }

    fn parse(text: &str) -> Result<Theme, String> {
        let r: Raw = toml::from_str(text).map_err(|e| e.to_string())?;
        let fg = |s: &str| color(s).map(|c| Style::default().fg(c));
        Ok(Theme {
            name: r.name,
            text: fg(&r.text)?,
            dim: fg(&r.dim)?,
            border: fg(&r.border)?,
            focus: fg(&r.focus)?.add_modifier(Modifier::BOLD),
            title: fg(&r.title)?.add_modifier(Modifier::BOLD),
            highlight: Style::default()
                .bg(color(&r.highlight_bg)?)
                .fg(color(&r.highlight_fg)?),
            ok: fg(&r.ok)?,
            warn: fg(&r.warn)?.add_modifier(Modifier::BOLD),
            error: fg(&r.error)?.add_modifier(Modifier::BOLD),
            otp: fg(&r.otp)?.add_modifier(Modifier::BOLD),
            price: fg(&r.price)?,
            header: Style::default()
                .bg(color(&r.header_bg)?)
                .fg(color(&r.text)?),
        })
    }

    pub fn by_name(name: &str) -> Option<Theme> {
        // Parsed once: drawing asks for the theme on every frame.
        static PARSED: std::sync::OnceLock<Vec<Theme>> = std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                EMBEDDED
                    .iter()
                    .filter_map(|(_, t)| Theme::parse(t).ok())
                    .collect()
            })
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
            .cloned()
    }

    /// For `NO_COLOR`: emphasis by modifiers alone.
    pub fn no_color() -> Theme {
        let s = Style::default();
        Theme {
            name: "no-color".into(),
            text: s,
            dim: s.add_modifier(Modifier::DIM),
            border: s,
            focus: s.add_modifier(Modifier::BOLD),
            title: s.add_modifier(Modifier::BOLD),
            highlight: s.add_modifier(Modifier::REVERSED),
            ok: s,
            warn: s.add_modifier(Modifier::BOLD),
            error: s.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            otp: s.add_modifier(Modifier::BOLD),
            price: s,
            header: s.add_modifier(Modifier::REVERSED),
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::by_name("default").unwrap_or_else(Theme::no_color)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_theme_parses() {
        for n in Theme::names() {
            let t = Theme::by_name(n).unwrap_or_else(|| panic!("theme {n} does not parse"));
            assert_eq!(t.name, n);
        }
        assert!(Theme::by_name("nope").is_none());
        assert_ne!(Theme::by_name("light"), Theme::by_name("default"));
    }
}

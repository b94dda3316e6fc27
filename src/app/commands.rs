//! The one command table. Key hints in the status bar and the `?` help are
//! both generated from it, so they cannot disagree; `[keys]` in the config
//! overrides single keys, and every problem with an override is reported.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Balance,
    Catalog,
    Orders,
    OtpLog,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Balance, Pane::Catalog, Pane::Orders, Pane::OtpLog];

    pub fn short(self) -> &'static str {
        match self {
            Pane::Balance => "balance",
            Pane::Catalog => "catalog",
            Pane::Orders => "orders",
            Pane::OtpLog => "log",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Balance => "Balance",
            Pane::Catalog => "Catalog",
            Pane::Orders => "Active orders",
            Pane::OtpLog => "OTP log",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// The key an event stands for; SHIFT is folded into the character so
    /// `R` matches whether or not the terminal reports the modifier.
    pub fn of(ev: &KeyEvent) -> Key {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if let KeyCode::Char(_) = ev.code {
            mods.remove(KeyModifiers::SHIFT);
        }
        let code = match ev.code {
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            c => c,
        };
        Key { code, mods }
    }

    /// Parses `x`, `R`, `ctrl-x`, `alt-k`, `F5`, `enter`, `esc`, `tab`,
    /// `shift-tab`, `up`, `space`, …
    pub fn parse(s: &str) -> Option<Key> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower
                .strip_prefix("ctrl-")
                .or_else(|| lower.strip_prefix("c-"))
            {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower
                .strip_prefix("alt-")
                .or_else(|| lower.strip_prefix("m-"))
            {
                mods |= KeyModifiers::ALT;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                KeyCode::F(f[1..].parse().ok().filter(|n| (1..=24).contains(n))?)
            }
            _ => {
                let mut chars = rest.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                let c = if mods.contains(KeyModifiers::SHIFT) {
                    mods.remove(KeyModifiers::SHIFT);
                    c.to_ascii_uppercase()
                } else {
                    c
                };
                KeyCode::Char(c)
            }
        };
        Some(Key { code, mods })
    }

    pub fn label(&self) -> String {
        let mut s = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            s.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            s.push_str("Alt-");
        }
        s.push_str(&match self.code {
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        });
        s
    }
}

/// What a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    Quit,
    FocusNext,
    FocusPrev,
    Help,
    CommandLine,
    AccountPicker,
    NextAccount,
    PrevAccount,
    Up,
    Down,
    Expand,
    Collapse,
    Filter,
    Sort,
    CopyOtp,
    CopyNumber,
    Cancel,
    Resend,
    Finish,
    Replace,
    Refresh,
}

pub struct CommandDef {
    pub cmd: Cmd,
    pub id: &'static str,
    pub keys: &'static [Key],
    /// Panes where it applies; empty means everywhere.
    pub panes: &'static [Pane],
    pub hint: &'static str,
    pub help: &'static str,
}

use KeyCode::*;
const ORD: &[Pane] = &[Pane::Orders];
const ORD_LOG: &[Pane] = &[Pane::Orders, Pane::OtpLog];
const CAT: &[Pane] = &[Pane::Catalog];

pub const COMMANDS: &[CommandDef] = &[
    CommandDef {
        cmd: Cmd::Expand,
        id: "expand",
        keys: &[Key::plain(Enter), Key::plain(Right), Key::ch('l')],
        panes: CAT,
        hint: "open/buy",
        help: "Expand a node; on an offer, buy it (asks first)",
    },
    CommandDef {
        cmd: Cmd::Collapse,
        id: "collapse",
        keys: &[Key::plain(Left), Key::ch('h')],
        panes: CAT,
        hint: "close",
        help: "Collapse the node",
    },
    CommandDef {
        cmd: Cmd::Filter,
        id: "filter",
        keys: &[Key::ch('/')],
        panes: CAT,
        hint: "filter",
        help: "Filter the catalog as you type (fuzzy)",
    },
    CommandDef {
        cmd: Cmd::Sort,
        id: "sort",
        keys: &[Key::ch('s')],
        panes: CAT,
        hint: "sort",
        help: "Sort offers by price, stock or name",
    },
    CommandDef {
        cmd: Cmd::CopyOtp,
        id: "copy_otp",
        keys: &[Key::ch('c')],
        panes: ORD_LOG,
        hint: "copy OTP",
        help: "Copy the OTP to the clipboard (OSC 52 over SSH)",
    },
    CommandDef {
        cmd: Cmd::CopyNumber,
        id: "copy_number",
        keys: &[Key::ch('n')],
        panes: ORD_LOG,
        hint: "copy number",
        help: "Copy the phone number",
    },
    CommandDef {
        cmd: Cmd::Cancel,
        id: "cancel",
        keys: &[Key::ch('x')],
        panes: ORD,
        hint: "cancel",
        help: "Cancel the order (asks first; refunded)",
    },
    CommandDef {
        cmd: Cmd::Resend,
        id: "resend",
        keys: &[Key::ch('r')],
        panes: ORD,
        hint: "resend",
        help: "Ask for another SMS",
    },
    CommandDef {
        cmd: Cmd::Finish,
        id: "finish",
        keys: &[Key::ch('f')],
        panes: ORD,
        hint: "finish",
        help: "Mark the order finished",
    },
    CommandDef {
        cmd: Cmd::Replace,
        id: "replace",
        keys: &[Key::ch('R')],
        panes: ORD,
        hint: "replace",
        help: "Cancel and buy a fresh number (OTPZap S1)",
    },
    CommandDef {
        cmd: Cmd::Refresh,
        id: "refresh",
        keys: &[Key::ch('g')],
        panes: &[Pane::Balance],
        hint: "refresh",
        help: "Refresh balances now",
    },
    CommandDef {
        cmd: Cmd::Up,
        id: "up",
        keys: &[Key::plain(Up), Key::ch('k')],
        panes: &[],
        hint: "",
        help: "Move up",
    },
    CommandDef {
        cmd: Cmd::Down,
        id: "down",
        keys: &[Key::plain(Down), Key::ch('j')],
        panes: &[],
        hint: "",
        help: "Move down",
    },
    CommandDef {
        cmd: Cmd::FocusNext,
        id: "focus_next",
        keys: &[Key::plain(Tab)],
        panes: &[],
        hint: "pane",
        help: "Focus the next pane",
    },
    CommandDef {
        cmd: Cmd::FocusPrev,
        id: "focus_prev",
        keys: &[Key::plain(BackTab)],
        panes: &[],
        hint: "",
        help: "Focus the previous pane",
    },
    CommandDef {
        cmd: Cmd::NextAccount,
        id: "next_account",
        keys: &[Key::ch(']')],
        panes: &[],
        hint: "",
        help: "Next account",
    },
    CommandDef {
        cmd: Cmd::PrevAccount,
        id: "prev_account",
        keys: &[Key::ch('[')],
        panes: &[],
        hint: "",
        help: "Previous account",
    },
    CommandDef {
        cmd: Cmd::AccountPicker,
        id: "accounts",
        keys: &[Key::ch('a')],
        panes: &[],
        hint: "accounts",
        help: "Pick an account, or All accounts",
    },
    CommandDef {
        cmd: Cmd::CommandLine,
        id: "command",
        keys: &[Key::ch(':')],
        panes: &[],
        hint: "command",
        help: ":account NAME  :theme NAME  :buy SERVICE COUNTRY  :q",
    },
    CommandDef {
        cmd: Cmd::Help,
        id: "help",
        keys: &[Key::ch('?')],
        panes: &[],
        hint: "help",
        help: "Show this help",
    },
    CommandDef {
        cmd: Cmd::Quit,
        id: "quit",
        keys: &[
            Key::ch('q'),
            Key {
                code: Char('c'),
                mods: KeyModifiers::CONTROL,
            },
        ],
        panes: &[],
        hint: "quit",
        help: "Quit (active orders stay in the journal)",
    },
];

/// The key map in force: defaults with the user's overrides applied.
#[derive(Debug, Clone)]
pub struct KeyMap {
    bindings: Vec<(Cmd, Vec<Key>)>,
}

impl KeyMap {
    pub fn defaults() -> KeyMap {
        KeyMap {
            bindings: COMMANDS.iter().map(|c| (c.cmd, c.keys.to_vec())).collect(),
        }
    }

    /// Applies `[keys]` overrides (command id -> key). Returns the map and
    /// every problem found; a bad override is skipped, never guessed at.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> (KeyMap, Vec<String>) {
        let mut map = KeyMap::defaults();
        let mut problems = Vec::new();
        for (id, key) in overrides {
            let Some(def) = COMMANDS.iter().find(|c| c.id == id) else {
                let known: Vec<&str> = COMMANDS.iter().map(|c| c.id).collect();
                problems.push(format!(
                    "[keys] {id}: no such command (known: {})",
                    known.join(", ")
                ));
                continue;
            };
            let Some(k) = Key::parse(key) else {
                problems.push(format!(
                    "[keys] {id} = \"{key}\": not a key name (try \"x\", \"ctrl-x\", \"F5\")"
                ));
                continue;
            };
            if let Some(b) = map.bindings.iter_mut().find(|(c, _)| *c == def.cmd) {
                b.1 = vec![k];
            }
        }
        // Two commands on one key where both apply is a conflict.
        for (i, (a, ka)) in map.bindings.iter().enumerate() {
            for (b, kb) in map.bindings.iter().skip(i + 1) {
                let (da, db) = (def_of(*a), def_of(*b));
                let overlap = da.panes.is_empty()
                    || db.panes.is_empty()
                    || da.panes.iter().any(|p| db.panes.contains(p));
                if !overlap {
                    continue;
                }
                for k in ka.iter().filter(|k| kb.contains(k)) {
                    problems.push(format!(
                        "[keys] {} and {} both use {} in the same pane; change one of them",
                        da.id,
                        db.id,
                        k.label()
                    ));
                }
            }
        }
        (map, problems)
    }

    pub fn keys(&self, cmd: Cmd) -> &[Key] {
        self.bindings
            .iter()
            .find(|(c, _)| *c == cmd)
            .map(|(_, k)| k.as_slice())
            .unwrap_or(&[])
    }

    /// The command a key triggers in `pane`; pane commands win over global.
    pub fn lookup(&self, key: Key, pane: Pane) -> Option<Cmd> {
        let hit = |pane_specific: bool| {
            self.bindings.iter().find(|(c, keys)| {
                let d = def_of(*c);
                keys.contains(&key)
                    && (if pane_specific {
                        d.panes.contains(&pane)
                    } else {
                        d.panes.is_empty()
                    })
            })
        };
        hit(true).or_else(|| hit(false)).map(|(c, _)| *c)
    }

    /// `key hint` pairs for the status bar of `pane`.
    pub fn hints(&self, pane: Pane) -> Vec<(String, &'static str)> {
        self.hints_where(pane, |_| true)
    }

    /// The hints for `pane` of the commands that `applies` lets through (the
    /// order commands only where the selected order's API has them).
    pub fn hints_where(
        &self,
        pane: Pane,
        applies: impl Fn(Cmd) -> bool,
    ) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = COMMANDS
            .iter()
            .filter(|d| d.panes.contains(&pane))
            .chain(COMMANDS.iter().filter(|d| d.panes.is_empty()))
            .filter(|d| !d.hint.is_empty() && applies(d.cmd))
            .filter_map(|d| self.keys(d.cmd).first().map(|k| (k.label(), d.hint)))
            .collect();
        out.dedup();
        out
    }

    /// Every command with its keys, for `?`.
    pub fn help_rows(&self) -> Vec<(String, &'static str, String)> {
        COMMANDS
            .iter()
            .map(|d| {
                let keys: Vec<String> = self.keys(d.cmd).iter().map(Key::label).collect();
                let panes = if d.panes.is_empty() {
                    "anywhere".to_string()
                } else {
                    d.panes
                        .iter()
                        .map(|p| p.short())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                (keys.join(" "), d.help, panes)
            })
            .collect()
    }
}

pub fn def_of(cmd: Cmd) -> &'static CommandDef {
    COMMANDS
        .iter()
        .find(|c| c.cmd == cmd)
        .unwrap_or(&COMMANDS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_key_names() {
        assert_eq!(Key::parse("x"), Some(Key::ch('x')));
        assert_eq!(
            Key::parse("ctrl-y"),
            Some(Key {
                code: KeyCode::Char('y'),
                mods: KeyModifiers::CONTROL
            })
        );
        assert_eq!(Key::parse("F5"), Some(Key::plain(KeyCode::F(5))));
        assert_eq!(Key::parse("shift-tab"), Some(Key::plain(KeyCode::BackTab)));
        assert_eq!(Key::parse("shift-r"), Some(Key::ch('R')));
        assert_eq!(Key::parse("nope"), None);
        assert_eq!(Key::parse("F99"), None);
    }

    #[test]
    fn overrides_report_problems() {
        let mut o = BTreeMap::new();
        o.insert("cancel".to_string(), "ctrl-x".to_string());
        o.insert("teleport".to_string(), "t".to_string());
        o.insert("resend".to_string(), "hyper-z".to_string());
        o.insert("finish".to_string(), "c".to_string());
        let (map, problems) = KeyMap::with_overrides(&o);
        assert_eq!(
            map.keys(Cmd::Cancel),
            &[Key {
                code: KeyCode::Char('x'),
                mods: KeyModifiers::CONTROL
            }]
        );
        assert!(problems.iter().any(|p| p.contains("teleport")));
        assert!(problems.iter().any(|p| p.contains("hyper-z")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("copy_otp") && p.contains("finish")),
            "{problems:?}"
        );
        let (_, none) = KeyMap::with_overrides(&BTreeMap::new());
        assert!(none.is_empty(), "defaults conflict: {none:?}");
    }

    #[test]
    fn pane_commands_win_and_hints_come_from_the_table() {
        let m = KeyMap::defaults();
        assert_eq!(m.lookup(Key::ch('c'), Pane::Orders), Some(Cmd::CopyOtp));
        assert_eq!(m.lookup(Key::ch('c'), Pane::Catalog), None);
        assert_eq!(m.lookup(Key::ch('q'), Pane::Catalog), Some(Cmd::Quit));
        let hints = m.hints(Pane::Orders);
        assert!(hints.iter().any(|(k, h)| k == "x" && *h == "cancel"));
        assert!(m.help_rows().iter().any(|(k, _, _)| k.contains('?')));
    }
}

//! The key map in force: the table's defaults with the user's `[keys]`
//! overrides applied. A command may have several keys (`cancel = ["x",
//! "ctrl-x"]`) or none (`cancel = ""`); every problem with an override is
//! reported, never guessed at.

mod cmd;
mod key;
mod line_table;
mod places;
mod table;

pub use cmd::{Cmd, CommandDef, Layer, PopupKind};
pub use key::Key;
pub use line_table::{LineDef, LINE_COMMANDS};
pub use places::{place_label, place_name};
pub use table::{def_of, COMMANDS};

use std::collections::BTreeMap;

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

    /// Applies `[keys]` overrides (command id -> keys). An empty list, or
    /// one empty name, unbinds the command. Returns the map and every
    /// problem found; a bad override leaves the default in place.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> (KeyMap, Vec<String>) {
        let mut map = KeyMap::defaults();
        let mut problems = Vec::new();
        for (id, names) in overrides {
            let Some(def) = COMMANDS.iter().find(|c| c.id == id) else {
                let known: Vec<&str> = COMMANDS.iter().map(|c| c.id).collect();
                problems.push(format!(
                    "[keys] {id}: no such command (known: {})",
                    known.join(", ")
                ));
                continue;
            };
            let names: Vec<&String> = names.iter().filter(|n| !n.trim().is_empty()).collect();
            let parsed: Vec<Option<Key>> = names.iter().map(|n| Key::parse(n)).collect();
            if let Some(bad) = names
                .iter()
                .zip(&parsed)
                .find(|(_, k)| k.is_none())
                .map(|(n, _)| n)
            {
                problems.push(format!(
                    "[keys] {id} = \"{bad}\": not a key name (try \"x\", \"ctrl-x\", \"F5\", or \"\" to unbind)"
                ));
                continue;
            }
            let mut keys: Vec<Key> = parsed.into_iter().flatten().collect();
            keys.dedup();
            if let Some(b) = map.bindings.iter_mut().find(|(c, _)| *c == def.cmd) {
                b.1 = keys;
            }
        }
        problems.extend(map.conflicts());
        (map, problems)
    }

    /// Two commands on one key in overlapping layers cannot both work.
    fn conflicts(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, (a, ka)) in self.bindings.iter().enumerate() {
            for (b, kb) in self.bindings.iter().skip(i + 1) {
                let (da, db) = (def_of(*a), def_of(*b));
                let overlap = da
                    .layers
                    .iter()
                    .any(|la| db.layers.iter().any(|lb| la.overlaps(*lb)));
                if !overlap {
                    continue;
                }
                for k in ka.iter().filter(|k| kb.contains(k)) {
                    problems.push(format!(
                        "[keys] {} and {} both use {} in the same place; change one of them",
                        da.id,
                        db.id,
                        k.label()
                    ));
                }
            }
        }
        problems
    }

    pub fn keys(&self, cmd: Cmd) -> &[Key] {
        self.bindings
            .iter()
            .find(|(c, _)| *c == cmd)
            .map(|(_, k)| k.as_slice())
            .unwrap_or(&[])
    }

    /// The command `key` runs where the user is: `layers` from the most
    /// specific to the least (the first layer with a binding wins).
    pub fn lookup(&self, key: Key, layers: &[Layer]) -> Option<Cmd> {
        layers.iter().find_map(|layer| {
            self.bindings
                .iter()
                .find(|(c, keys)| keys.contains(&key) && def_of(*c).layers.contains(layer))
                .map(|(c, _)| *c)
        })
    }

    /// `key hint` pairs for the status bar where the user is, for the
    /// commands that `applies` lets through (the order commands only
    /// where the selected order's API has them).
    pub fn hints(
        &self,
        layers: &[Layer],
        applies: impl Fn(Cmd) -> bool,
    ) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for layer in layers {
            for d in COMMANDS.iter().filter(|d| d.layers.contains(layer)) {
                if d.hint.is_empty() || !applies(d.cmd) || out.iter().any(|(_, h)| *h == d.hint) {
                    continue;
                }
                if let Some(k) = self.keys(d.cmd).first() {
                    out.push((k.label(), d.hint));
                }
            }
        }
        out
    }

    /// The first key of `cmd` as a label, or "(unbound)".
    pub fn label(&self, cmd: Cmd) -> String {
        self.keys(cmd)
            .first()
            .map(Key::label)
            .unwrap_or_else(|| "(unbound)".into())
    }

    /// Every key of `cmd`, as "Enter/y", or "(unbound)".
    pub fn labels(&self, cmd: Cmd) -> String {
        self.labels_when(cmd, false)
    }

    /// The keys of `cmd` that work now: while a text field takes the
    /// typing, a letter bound to it (`y`, `n`) types itself and a
    /// line-editing key (Home, Ctrl-u) edits the field instead, so
    /// neither is offered.
    pub fn labels_when(&self, cmd: Cmd, typing: bool) -> String {
        let keys: Vec<String> = self
            .keys(cmd)
            .iter()
            .filter(|k| !(typing && (k.is_text() || k.edits_line())))
            .map(Key::label)
            .collect();
        if keys.is_empty() {
            "(unbound)".into()
        } else {
            keys.join("/")
        }
    }

    /// `?` help: one section per place, each command once, in table order;
    /// then the `:` commands.
    pub fn help_sections(&self) -> Vec<(String, Vec<(String, &'static str)>)> {
        let mut sections: Vec<(String, Vec<(String, &'static str)>)> = Vec::new();
        for d in COMMANDS {
            let place = place_label(d.layers);
            let keys: Vec<String> = self.keys(d.cmd).iter().map(Key::label).collect();
            let keys = if keys.is_empty() {
                "(unbound)".to_string()
            } else {
                keys.join(" ")
            };
            match sections.iter_mut().find(|(p, _)| *p == place) {
                Some((_, rows)) => rows.push((keys, d.help)),
                None => sections.push((place, vec![(keys, d.help)])),
            }
        }
        sections.push((
            "Command line (:)".to_string(),
            LINE_COMMANDS
                .iter()
                .map(|l| (format!(":{}", l.usage), l.help))
                .chain(std::iter::once((
                    ":ID".to_string(),
                    "Any command above by its name, e.g. :refresh",
                )))
                .collect(),
        ));
        sections
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::panes::Pane;
    use crate::domain::OrderOp;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn o(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    const ORDERS: &[Layer] = &[Layer::Global, Layer::Pane(Pane::Orders), Layer::Panes];

    /// While a field takes the typing, `y` and `n` type themselves: the
    /// hints name only Enter and Esc then.
    #[test]
    fn letters_are_not_offered_while_typing() {
        let m = KeyMap::defaults();
        assert_eq!(m.labels_when(Cmd::Confirm, false), "Enter/y");
        assert_eq!(m.labels_when(Cmd::Confirm, true), "Enter");
        assert_eq!(m.labels_when(Cmd::Dismiss, true), "Esc");
        assert_eq!(m.labels_when(Cmd::CopyOtp, true), "(unbound)");
    }

    #[test]
    fn overrides_remap_unbind_and_report_problems() {
        let (map, problems) = KeyMap::with_overrides(&o(&[
            ("cancel", &["x", "ctrl-x"]),
            ("teleport", &["t"]),
            ("resend", &["hyper-z"]),
            ("finish", &["c"]),
            ("sort", &[""]),
            ("confirm", &["ctrl-y"]),
        ]));
        let ctrl_x = Key {
            code: KeyCode::Char('x'),
            mods: KeyModifiers::CONTROL,
        };
        assert_eq!(
            map.keys(Cmd::Order(OrderOp::Cancel)),
            &[Key::ch('x'), ctrl_x]
        );
        assert_eq!(
            map.lookup(ctrl_x, ORDERS),
            Some(Cmd::Order(OrderOp::Cancel))
        );
        assert!(map.keys(Cmd::Sort).is_empty());
        assert_eq!(
            map.keys(Cmd::Order(OrderOp::Resend)),
            &[Key::ch('r')],
            "bad name keeps the default"
        );
        assert!(problems.iter().any(|p| p.contains("teleport")));
        assert!(problems.iter().any(|p| p.contains("hyper-z")));
        assert!(
            problems
                .iter()
                .any(|p| p.contains("copy_otp") && p.contains("finish")),
            "{problems:?}"
        );
        let buy = &[Layer::Global, Layer::Popup(PopupKind::ConfirmBuy)];
        assert_eq!(map.lookup(Key::plain(KeyCode::Enter), buy), None);
        let ctrl_y = Key::parse("ctrl-y").expect("key");
        assert_eq!(map.lookup(ctrl_y, buy), Some(Cmd::Confirm));
    }

    #[test]
    fn defaults_have_no_conflicts() {
        let (_, none) = KeyMap::with_overrides(&BTreeMap::new());
        assert!(none.is_empty(), "defaults conflict: {none:?}");
    }

    #[test]
    fn pane_commands_win_and_hints_come_from_the_table() {
        let m = KeyMap::defaults();
        assert_eq!(m.lookup(Key::ch('c'), ORDERS), Some(Cmd::CopyOtp));
        let catalog = &[Layer::Global, Layer::Pane(Pane::Catalog), Layer::Panes];
        assert_eq!(m.lookup(Key::ch('c'), catalog), None);
        assert_eq!(m.lookup(Key::ch('q'), catalog), Some(Cmd::Quit));
        let hints = m.hints(ORDERS, |_| true);
        assert!(hints.iter().any(|(k, h)| k == "x" && *h == "cancel"));
        let picker = &[Layer::Global, Layer::Popup(PopupKind::AccountPicker)];
        assert_eq!(m.lookup(Key::ch('q'), picker), None);
        assert_eq!(m.lookup(Key::ch('?'), picker), Some(Cmd::Help));
        assert!(m
            .help_sections()
            .iter()
            .any(|(_, rows)| rows.iter().any(|(k, _)| k.contains('?'))));
    }
}

//! Where a command applies, in words, for `?` and the hints.

use super::cmd::Layer;

/// Where a command applies, in words, for `?`: the panes, then the
/// popups ("popups" when it is most of them).
pub fn place_label(layers: &[Layer]) -> String {
    let popups: Vec<&str> = layers
        .iter()
        .filter(|l| matches!(l, Layer::Popup(_)))
        .map(|l| place_name(*l))
        .collect();
    let mut parts: Vec<String> = layers
        .iter()
        .filter(|l| !matches!(l, Layer::Popup(_)))
        .map(|l| place_name(*l).to_string())
        .collect();
    match popups.len() {
        0 => {}
        n if n >= 3 => parts.push("popups".into()),
        _ => parts.extend(popups.iter().map(|p| p.to_string())),
    }
    let joined = parts.join(", ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => joined,
    }
}

/// Where a command applies, in words, for `?`.
pub fn place_name(layer: Layer) -> &'static str {
    match layer {
        Layer::Global => "Anywhere",
        Layer::Panes => "Any pane",
        Layer::Pane(p) => p.title(),
        Layer::Filter => "Catalog filter",
        Layer::Popup(kind) => kind.place(),
    }
}

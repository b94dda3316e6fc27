//! Where a command applies, in words, for `?` and the hints.

use super::cmd::{Layer, PopupKind};

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
        Layer::Popup(PopupKind::ConfirmBuy) => "buy confirmation",
        Layer::Popup(PopupKind::ConfirmCancel) => "cancel confirmation",
        Layer::Popup(PopupKind::Help) => "help",
        Layer::Popup(PopupKind::AccountPicker) => "account picker",
        Layer::Popup(PopupKind::CommandLine) => "command line",
        Layer::Popup(PopupKind::DepositForm) => "deposit form",
        Layer::Popup(PopupKind::ConfirmDeposit) => "deposit confirmation",
        Layer::Popup(PopupKind::Deposits) => "deposits",
        Layer::Popup(PopupKind::DepositQr) => "deposit QR",
        Layer::Popup(PopupKind::Compare) => "compare",
        Layer::Popup(PopupKind::Stats) => "statistics",
        Layer::Popup(PopupKind::Settle) => "I checked the provider",
        Layer::Popup(PopupKind::EmailDetail) => "email messages",
        Layer::Popup(PopupKind::Webhook) => "webhook settings",
        Layer::Popup(PopupKind::ApiSettings) => "API settings",
        Layer::Popup(PopupKind::Report) => "report",
        Layer::Popup(PopupKind::Bill) => "postpaid bill",
        Layer::Popup(PopupKind::History) => "transaction history",
        Layer::Popup(PopupKind::Inbox) => "webhook inbox",
        Layer::Popup(PopupKind::Seller) => "seller view",
        Layer::Popup(PopupKind::SellerForm) => "seller form",
    }
}

//! Popups on a stack: a popup can open another on top (help over the
//! account picker, a confirmation over a form), keys go to the top one, and
//! dismissing closes the top one only. Each popup's keys are in its file.

mod account_picker;
pub mod api_settings;
pub mod bill;
mod command_line;
pub mod compare;
pub mod confirm_buy;
mod confirm_cancel;
mod confirm_deposit;
pub mod deposit_form;
mod deposit_qr;
mod deposits;
mod email_detail;
pub mod help;
pub mod history;
pub mod inbox;
pub mod report;
pub mod seller;
pub mod seller_form;
mod settle;
mod stats;
pub mod webhook;

pub use account_picker::AccountPicker;
pub use command_line::{complete, completion_candidates, CommandLine};
pub use confirm_buy::ConfirmBuy;
pub use confirm_cancel::ConfirmCancel;
pub use confirm_deposit::ConfirmDeposit;
pub use deposit_form::DepositForm;
pub use deposit_qr::DepositQr;
pub use deposits::Deposits;
pub use email_detail::EmailDetail;
pub use help::Help;
pub use settle::Settle;
pub use stats::Stats;

use super::keymap::{Cmd, Key, Layer, PopupKind};
use super::{App, Effect};
use ratatui::crossterm::event::KeyEvent;

// Popups are moved, not stored in bulk; boxing the big one would only add
// noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Popup {
    ConfirmBuy(ConfirmBuy),
    ConfirmCancel(ConfirmCancel),
    Help(Help),
    AccountPicker(AccountPicker),
    CommandLine(CommandLine),
    DepositForm(DepositForm),
    ConfirmDeposit(ConfirmDeposit),
    Deposits(Deposits),
    DepositQr(DepositQr),
    Compare(Box<compare::CompareView>),
    /// The statistics view; None until the journal's figures arrive.
    Stats(Stats),
    /// "I checked the provider" on an UNKNOWN order; the number is typed
    /// here when the user has it.
    Settle(Settle),
    /// An email order's message timeline; None until the journal answers.
    EmailDetail(EmailDetail),
    /// OTPZap webhook settings (`webhook.rs`).
    Webhook(webhook::WebhookPopup),
    /// GoTopUp postpaid bill: inquiry, then pay the total (`bill.rs`).
    Bill(bill::BillPopup),
    /// GoTopUp transaction history from the API (`history.rs`).
    History(Box<history::HistoryPopup>),
    ApiSettings(api_settings::ApiSettingsPopup),
    Report(Box<report::ReportPopup>),
    /// Webhook deliveries kept for the user (`inbox.rs`).
    Inbox(inbox::InboxPopup),
    /// A GoTopUp seller's products, sales and settlements (`seller.rs`).
    Seller(Box<seller::SellerView>),
    /// A form over the seller view (`seller_form.rs`).
    SellerForm(Box<seller_form::SellerForm>),
}

impl Popup {
    pub fn kind(&self) -> PopupKind {
        match self {
            Popup::ConfirmBuy(ConfirmBuy { .. }) => PopupKind::ConfirmBuy,
            Popup::ConfirmCancel(ConfirmCancel { .. }) => PopupKind::ConfirmCancel,
            Popup::Help(Help { .. }) => PopupKind::Help,
            Popup::AccountPicker(AccountPicker { .. }) => PopupKind::AccountPicker,
            Popup::CommandLine(CommandLine(_)) => PopupKind::CommandLine,
            Popup::DepositForm(DepositForm { .. }) => PopupKind::DepositForm,
            Popup::ConfirmDeposit(ConfirmDeposit { .. }) => PopupKind::ConfirmDeposit,
            Popup::Deposits(Deposits { .. }) => PopupKind::Deposits,
            Popup::DepositQr(DepositQr { .. }) => PopupKind::DepositQr,
            Popup::Compare(_) => PopupKind::Compare,
            Popup::Stats(Stats(_)) => PopupKind::Stats,
            Popup::Settle(Settle { .. }) => PopupKind::Settle,
            Popup::EmailDetail(EmailDetail { .. }) => PopupKind::EmailDetail,
            Popup::Webhook(_) => PopupKind::Webhook,
            Popup::Bill(_) => PopupKind::Bill,
            Popup::History(_) => PopupKind::History,
            Popup::ApiSettings(_) => PopupKind::ApiSettings,
            Popup::Report(_) => PopupKind::Report,
            Popup::Inbox(_) => PopupKind::Inbox,
            Popup::Seller(_) => PopupKind::Seller,
            Popup::SellerForm(_) => PopupKind::SellerForm,
        }
    }

    /// Whether typed characters go into a text field of this popup.
    pub fn takes_text(&self) -> bool {
        match self {
            Popup::ConfirmBuy(ConfirmBuy { customer, .. }) => customer.is_some(),
            Popup::CommandLine(CommandLine(_)) | Popup::DepositForm(DepositForm { .. }) => true,
            Popup::Webhook(w) => w.takes_text(),
            Popup::Bill(b) => b.takes_text(),
            Popup::History(h) => h.field != history::Field::Rows,
            Popup::ApiSettings(_) => true,
            Popup::SellerForm(f) => f.takes_text(),
            _ => false,
        }
    }
}

/// A key for the top popup.
pub fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    let Some(top) = app.view.popups.last() else {
        return Vec::new();
    };
    let key = Key::of(&k);
    let cmd = if top.takes_text() && key.is_text() {
        None
    } else {
        app.keymap
            .lookup(key, &[Layer::Global, Layer::Popup(top.kind())])
    };
    match cmd {
        Some(Cmd::QuitNow) => return app.quit(),
        Some(Cmd::Dismiss) => {
            let kind = top.kind();
            app.close_top();
            if kind == PopupKind::ConfirmBuy {
                app.set_status("Buy cancelled", super::Level::Info);
            }
            return Vec::new();
        }
        Some(Cmd::Help) => {
            if top.kind() == PopupKind::Help {
                app.close_top();
            } else {
                app.open(Popup::Help(Help { scroll: 0 }));
            }
            return Vec::new();
        }
        _ => {}
    }
    match top.kind() {
        PopupKind::ConfirmBuy => confirm_buy::on_key(app, cmd, k),
        PopupKind::ConfirmCancel => confirm_cancel::on_key(app, cmd),
        PopupKind::Help => help::on_key(app, cmd),
        PopupKind::AccountPicker => account_picker::on_key(app, cmd),
        PopupKind::CommandLine => command_line::on_key(app, cmd, k),
        PopupKind::DepositForm => deposit_form::on_key(app, cmd, k),
        PopupKind::ConfirmDeposit => confirm_deposit::on_key(app, cmd),
        PopupKind::Deposits => deposits::list_key(app, cmd),
        PopupKind::DepositQr => deposits::qr_key(app, cmd),
        PopupKind::Compare => compare::on_key(app, cmd),
        // The statistics view only closes (Dismiss, handled above).
        PopupKind::Stats => Vec::new(),
        PopupKind::Settle => settle::on_key(app, cmd, k),
        PopupKind::EmailDetail => email_detail::on_key(app, cmd),
        PopupKind::Webhook => webhook::on_key(app, cmd, k),
        PopupKind::Bill => bill::on_key(app, cmd, k),
        PopupKind::History => history::on_key(app, cmd, k),
        PopupKind::ApiSettings => api_settings::on_key(app, cmd, k),
        PopupKind::Report => report::on_key(app, cmd),
        PopupKind::Inbox => inbox::on_key(app, cmd),
        PopupKind::Seller => seller::on_key(app, cmd),
        PopupKind::SellerForm => seller_form::on_key(app, cmd, k),
    }
}

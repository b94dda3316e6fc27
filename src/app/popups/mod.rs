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
mod deposits;
mod email_detail;
pub mod help;
pub mod history;
pub mod inbox;
pub mod report;
pub mod seller;
pub mod seller_form;
mod settle;
pub mod webhook;

pub use command_line::{complete, completion_candidates};

use super::keymap::{Cmd, Key, Layer, PopupKind};
use super::{App, Effect};
use crate::domain::{BuyRequest, DepositRequest, ProviderKind};
use crate::money::Rupiah;
use ratatui::crossterm::event::KeyEvent;
use tui_input::Input;

// Popups are moved, not stored in bulk; boxing the big one would only add
// noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Popup {
    ConfirmBuy {
        account: String,
        /// What is bought, in words: service, country and offer.
        what: String,
        request: BuyRequest,
        balance_after: Option<Rupiah>,
        /// Top-ups ask for the customer number here.
        customer: Option<Input>,
        /// The offer's operators to choose from (`request.operator` is the
        /// choice); empty when the API takes none.
        operators: Vec<crate::domain::Operator>,
        /// How many are bought (email inboxes by quantity); 1 otherwise.
        qty: u32,
    },
    ConfirmCancel {
        order_id: i64,
    },
    Help {
        /// First help line shown (the help scrolls on small terminals).
        scroll: u16,
    },
    AccountPicker {
        selected: usize,
    },
    CommandLine(Input),
    DepositForm {
        account: String,
        kind: ProviderKind,
        amount: Input,
        /// Index into the API's deposit methods.
        method: usize,
    },
    ConfirmDeposit {
        account: String,
        kind: ProviderKind,
        request: DepositRequest,
    },
    Deposits {
        selected: usize,
    },
    DepositQr {
        id: i64,
    },
    Compare(Box<compare::CompareView>),
    /// The statistics view; None until the journal's figures arrive.
    Stats(Option<Box<Result<crate::domain::stats::Overview, String>>>),
    /// "I checked the provider" on an UNKNOWN order; the number is typed
    /// here when the user has it.
    Settle {
        order_id: i64,
        number: Input,
    },
    /// An email order's message timeline; None until the journal answers.
    EmailDetail {
        order_id: i64,
        messages: Option<Result<Vec<crate::domain::EmailMessage>, String>>,
    },
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
            Popup::ConfirmBuy { .. } => PopupKind::ConfirmBuy,
            Popup::ConfirmCancel { .. } => PopupKind::ConfirmCancel,
            Popup::Help { .. } => PopupKind::Help,
            Popup::AccountPicker { .. } => PopupKind::AccountPicker,
            Popup::CommandLine(_) => PopupKind::CommandLine,
            Popup::DepositForm { .. } => PopupKind::DepositForm,
            Popup::ConfirmDeposit { .. } => PopupKind::ConfirmDeposit,
            Popup::Deposits { .. } => PopupKind::Deposits,
            Popup::DepositQr { .. } => PopupKind::DepositQr,
            Popup::Compare(_) => PopupKind::Compare,
            Popup::Stats(_) => PopupKind::Stats,
            Popup::Settle { .. } => PopupKind::Settle,
            Popup::EmailDetail { .. } => PopupKind::EmailDetail,
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
            Popup::ConfirmBuy { customer, .. } => customer.is_some(),
            Popup::CommandLine(_) | Popup::DepositForm { .. } => true,
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
                app.open(Popup::Help { scroll: 0 });
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

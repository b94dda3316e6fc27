//! The one list of popups and full-screen views. Adding one is a line
//! here, its own files (`app/popups/` or `app/views/` for its state and
//! keys, `ui/popups/` or `ui/views/` for its drawing) and its rows in the
//! command table; the `Popup` enum, `PopupKind`, the key and draw
//! dispatch and the module declarations are made from this list.
//!
//! Each entry: the variant, the module and type holding its state
//! (`boxed` when it is big), and how `?` names the place its keys live.

macro_rules! popup_list {
    ($then:path) => {
        $then! {
            popups {
                ConfirmBuy(confirm_buy::ConfirmBuy) = "buy confirmation",
                ConfirmCancel(confirm_cancel::ConfirmCancel) = "cancel confirmation",
                Help(help::Help) = "help",
                AccountPicker(account_picker::AccountPicker) = "account picker",
                CommandLine(command_line::CommandLine) = "command line",
                DepositForm(deposit_form::DepositForm) = "deposit form",
                ConfirmDeposit(confirm_deposit::ConfirmDeposit) = "deposit confirmation",
                Deposits(deposits::Deposits) = "deposits",
                DepositQr(deposit_qr::DepositQr) = "deposit QR",
                ConfirmDepositCancel(confirm_deposit_cancel::ConfirmDepositCancel) = "deposit cancel confirmation",
                Settle(settle::Settle) = "I checked the provider",
                EmailDetail(email_detail::EmailDetail) = "email messages",
                Webhook(webhook::WebhookPopup) = "webhook settings",
                ApiSettings(api_settings::ApiSettingsPopup) = "API settings",
                Bill(bill::BillPopup) = "postpaid bill",
                Inbox(inbox::InboxPopup) = "webhook inbox",
                SellerForm(seller_form::SellerForm boxed) = "seller form",
            }
            views {
                Compare(compare::CompareView boxed) = "compare",
                Stats(stats::Stats) = "statistics",
                History(history::HistoryPopup boxed) = "transaction history",
                Report(report::ReportPopup boxed) = "report",
                Seller(seller::SellerView boxed) = "seller view",
            }
        }
    };
}
pub(crate) use popup_list;

/// A popup's state type as the enum holds it: big ones boxed.
macro_rules! held {
    (boxed $t:ty) => { Box<$t> };
    ($t:ty) => { $t };
}
pub(crate) use held;

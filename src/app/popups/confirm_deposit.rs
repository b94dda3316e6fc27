//! "Pay in Rp N?": yes creates the deposit (journaled first) and closes
//! the form beneath; its QR code opens when the invoice arrives.

use crate::app::keymap::Cmd;
use crate::app::popups::DepositForm;
use crate::app::popups::Popup;
use crate::app::{App, Effect, Level};
use crate::domain::DepositRequest;
use crate::domain::ProviderKind;

#[derive(Debug, Clone)]
pub struct ConfirmDeposit {
    pub account: String,
    pub kind: ProviderKind,
    pub request: DepositRequest,
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>) -> Vec<Effect> {
    if cmd != Some(Cmd::Confirm) {
        return Vec::new();
    }
    let Some(Popup::ConfirmDeposit(ConfirmDeposit {
        account, request, ..
    })) = app.close_top()
    else {
        return Vec::new();
    };
    if matches!(
        app.view.popups.last(),
        Some(Popup::DepositForm(DepositForm { .. }))
    ) {
        app.close_top();
    }
    app.view.deposit_to_show = Some(request.key.clone());
    app.set_status(
        format!("Creating a deposit of {} on {account}…", request.amount),
        Level::Info,
    );
    vec![Effect::CreateDeposit { account, request }]
}

impl crate::app::popups::PopupState for ConfirmDeposit {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        let _ = k;
        on_key(app, cmd)
    }
}

//! The four panes: which one has focus, how long each list is, moving the
//! selection, and the commands that are not about one pane's content.
//! Each pane's own commands live in its file.

pub mod balance;
pub mod catalog;
pub mod orders;
pub mod otp_log;

use super::keymap::Cmd;
use super::{App, Effect};
use crate::app::popups::AccountPicker;
use crate::app::popups::CommandLine;
use crate::app::popups::Deposits;
use crate::app::popups::Help;
use crate::app::views::stats::Stats;

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

pub fn pane_len(app: &App, pane: Pane) -> usize {
    match pane {
        Pane::Balance => app.accounts.len(),
        Pane::Catalog => super::catalog::rows(app).len(),
        Pane::Orders => app.visible_pending().len() + app.visible_orders().len(),
        Pane::OtpLog => app.visible_otps().len(),
    }
}

/// Moves the selection of `pane` by `delta` rows, within the list. The
/// catalog scrolls from where it was shown, as little as keeps the new row
/// in sight.
pub fn move_sel(app: &mut App, pane: Pane, delta: i64) {
    let len = pane_len(app, pane);
    if len == 0 {
        return;
    }
    let cur = app.sel(pane).min(len - 1);
    let next = (cur as i64 + delta).clamp(0, len as i64 - 1) as usize;
    if pane == Pane::Catalog {
        let visible = catalog::visible_rows(app);
        let shown = super::first_row(app.view.catalog_top, cur, len, visible);
        app.view.catalog_top = super::first_row(shown, next, len, visible);
    }
    app.view.selected.insert(pane, next);
}

/// The lines of rows `pane` shows in `height` rows of screen: less the
/// borders and, in the orders and the OTP log, the header line. Drawing
/// scrolls by it (`scroll_offset`) and a page key moves by it.
pub fn row_lines(pane: Pane, height: u16) -> usize {
    let header = matches!(pane, Pane::Orders | Pane::OtpLog) as usize;
    (height as usize).saturating_sub(2 + header).max(1)
}

/// The rows a page key moves in `pane`: what the pane shows at the app's
/// size (`View::size`, from the last resize, through the layout `ui::draw`
/// uses), so a page down from the top picks the first row not shown. In
/// the OTP log an entry may take more than one line: the entries that fit
/// from the selection on (down) or before it (up).
pub fn page(app: &App, pane: Pane, down: bool) -> usize {
    let height = super::layout::compute(app.view.area(), app.accounts.len())
        .map_or(0, |l| l.pane(pane).height);
    let lines = row_lines(pane, height);
    match pane {
        Pane::OtpLog => otp_log::entries_in(app, app.sel(pane), lines, down),
        _ => lines,
    }
}

/// Days the statistics view covers.
pub const STATS_DAYS: usize = 30;

/// Runs a command bound in the panes (the caller looked it up for the
/// focused pane).
pub fn run(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    match cmd {
        Cmd::Quit | Cmd::QuitNow => app.quit(),
        Cmd::FocusNext | Cmd::FocusPrev => {
            let i = Pane::ALL
                .iter()
                .position(|p| *p == app.view.focus)
                .unwrap_or(0);
            let n = Pane::ALL.len();
            app.view.focus = Pane::ALL[if cmd == Cmd::FocusNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
            Vec::new()
        }
        Cmd::Help => {
            app.open(super::popups::Popup::Help(Help { scroll: 0 }));
            Vec::new()
        }
        Cmd::CommandLine => {
            app.open(super::popups::Popup::CommandLine(CommandLine(
                Default::default(),
            )));
            Vec::new()
        }
        Cmd::AccountPicker => {
            let selected = app.view.active.map(|i| i + 1).unwrap_or(0);
            app.open(super::popups::Popup::AccountPicker(AccountPicker {
                selected,
            }));
            Vec::new()
        }
        Cmd::NextAccount | Cmd::PrevAccount => {
            let n = app.accounts.len() + 1;
            let cur = app.view.active.map(|i| i + 1).unwrap_or(0);
            let next = if cmd == Cmd::NextAccount {
                (cur + 1) % n
            } else {
                (cur + n - 1) % n
            };
            app.switch_account(next.checked_sub(1));
            Vec::new()
        }
        Cmd::Up => {
            move_sel(app, app.view.focus, -1);
            Vec::new()
        }
        Cmd::Down => {
            move_sel(app, app.view.focus, 1);
            Vec::new()
        }
        Cmd::ListTop | Cmd::ListBottom | Cmd::ListPageDown | Cmd::ListPageUp => {
            let focus = app.view.focus;
            let delta = match cmd {
                Cmd::ListTop => i64::MIN / 2,
                Cmd::ListBottom => i64::MAX / 2,
                Cmd::ListPageDown => page(app, focus, true) as i64,
                _ => -(page(app, focus, false) as i64),
            };
            move_sel(app, app.view.focus, delta);
            Vec::new()
        }
        Cmd::Expand | Cmd::Collapse | Cmd::Filter | Cmd::Sort => catalog::run(app, cmd),
        Cmd::CopyOtp | Cmd::CopyNumber if app.view.focus == Pane::OtpLog => otp_log::run(app, cmd),
        Cmd::CopyOtp | Cmd::CopyNumber | Cmd::Order(_) | Cmd::Settle | Cmd::EmailDetail => {
            orders::run(app, cmd)
        }
        Cmd::Refresh => balance::refresh_key(app),
        Cmd::Webhook => super::popups::webhook::open(app),
        Cmd::NewDeposit => {
            crate::app::popups::deposit_form::open(app);
            Vec::new()
        }
        Cmd::Best => super::views::compare::from_catalog(app, false),
        Cmd::BuyBest => super::views::compare::from_catalog(app, true),
        Cmd::Stats => {
            app.open(super::popups::Popup::Stats(Stats::default()));
            vec![Effect::LoadStats { days: STATS_DAYS }]
        }
        Cmd::Deposits => {
            app.open(super::popups::Popup::Deposits(Deposits { selected: 0 }));
            Vec::new()
        }
        // Popup and filter commands do nothing in the panes.
        Cmd::FilterDone
        | Cmd::FilterClear
        | Cmd::Confirm
        | Cmd::Dismiss
        | Cmd::RunCommand
        | Cmd::Complete
        | Cmd::CancelDeposit
        | Cmd::NextPreset
        | Cmd::SettleCharged
        | Cmd::SettleNotCharged
        | Cmd::NextOperator
        | Cmd::NextField
        | Cmd::NextTab
        | Cmd::SellerAdd
        | Cmd::SellerPrice
        | Cmd::SellerToggle
        | Cmd::SellerSettle
        | Cmd::SellerReplay
        | Cmd::SellerFilter => Vec::new(),
    }
}

//! The words of the command table: what a key can do (`Cmd`), where the
//! user is (`Layer`, `PopupKind`), and one row of the table (`CommandDef`).

use super::key::Key;
use crate::app::panes::Pane;
use crate::domain::OrderOp;

macro_rules! define_kinds {
    (
        popups { $($p:ident($($pt:tt)+) = $pplace:literal,)* }
        views { $($v:ident($($vt:tt)+) = $vplace:literal,)* }
    ) => {
        /// The kinds of popup and full-screen view, for the table (their
        /// state lives in `Popup`); made from `app/popup_list.rs`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum PopupKind {
            $($p,)*
            $($v,)*
        }

        impl PopupKind {
            /// Where its keys live, in words, for `?`.
            pub fn place(self) -> &'static str {
                match self {
                    $(PopupKind::$p => $pplace,)*
                    $(PopupKind::$v => $vplace,)*
                }
            }
        }
    };
}
crate::app::popup_list::popup_list!(define_kinds);

/// Where the user is; each command is bound in one or more layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Everywhere, popups and text inputs included.
    Global,
    /// Any pane, when no popup is open.
    Panes,
    /// One pane (wins over `Panes`).
    Pane(Pane),
    /// The catalog filter while typing.
    Filter,
    Popup(PopupKind),
}

impl Layer {
    /// Whether a key bound in both layers would be ambiguous.
    pub fn overlaps(self, other: Layer) -> bool {
        self == other
            || matches!(self, Layer::Global)
            || matches!(other, Layer::Global)
            || matches!(
                (self, other),
                (Layer::Panes, Layer::Pane(_)) | (Layer::Pane(_), Layer::Panes)
            )
    }
}

/// What a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    QuitNow,
    /// First, last, a page down or up of a list: the focused pane's, or
    /// the top popup's (a scrolled text: its first line shown).
    ListTop,
    ListBottom,
    ListPageDown,
    ListPageUp,
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
    /// An operation on the selected order.
    Order(OrderOp),
    /// "I checked the provider" on an UNKNOWN order, and its two answers.
    Settle,
    SettleCharged,
    SettleNotCharged,
    Refresh,
    FilterDone,
    FilterClear,
    Confirm,
    Dismiss,
    RunCommand,
    Complete,
    NewDeposit,
    Deposits,
    CancelDeposit,
    NextPreset,
    Best,
    BuyBest,
    Stats,
    /// An email order's message timeline.
    EmailDetail,
    /// Buy confirmation: the next operator of the offer (OTPZap Server 2).
    NextOperator,
    /// Balance pane: the account's webhook settings (OTPZap).
    Webhook,
    /// Webhook settings: the next field.
    NextField,
    /// Seller view: the next tab, and the tabs' own commands.
    NextTab,
    SellerAdd,
    SellerPrice,
    SellerToggle,
    SellerSettle,
    SellerReplay,
    SellerFilter,
}

pub struct CommandDef {
    pub cmd: Cmd,
    /// The name in `[keys]` and in `?`.
    pub id: &'static str,
    pub keys: &'static [Key],
    pub layers: &'static [Layer],
    /// Short word for the status-bar hints; empty: not hinted.
    pub hint: &'static str,
    pub help: &'static str,
}

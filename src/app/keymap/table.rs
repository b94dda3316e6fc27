//! The one command table: every key of every place the user can be (the
//! panes, the filter, each popup, the command line). Hints, `?` help, Tab
//! completion of `:` words and `[keys]` overrides all read it.

use super::key::Key;
use crate::app::panes::Pane;
use crate::domain::OrderOp;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// The kinds of popup, for the table (a popup's state lives in `Popup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PopupKind {
    ConfirmBuy,
    ConfirmCancel,
    Help,
    AccountPicker,
    CommandLine,
    DepositForm,
    ConfirmDeposit,
    Deposits,
    DepositQr,
    Compare,
    Stats,
    Settle,
    EmailDetail,
    Webhook,
    ApiSettings,
    Report,
    Bill,
    History,
    Inbox,
    Seller,
    SellerForm,
}

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
    /// Layers that take typed text: a printable key goes to the input
    /// before the table is asked.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Layer::Filter
                | Layer::Popup(
                    PopupKind::CommandLine
                        | PopupKind::DepositForm
                        | PopupKind::Webhook
                        | PopupKind::ApiSettings
                        | PopupKind::Bill
                        | PopupKind::History
                        | PopupKind::SellerForm
                )
        )
    }

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
    /// First, last, a page down or up of the focused pane's list.
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
    /// History view: the next and previous page.
    NextPage,
    PrevPage,
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

use KeyCode::*;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ORD: &[Layer] = &[Layer::Pane(Pane::Orders)];
const ORD_LOG: &[Layer] = &[Layer::Pane(Pane::Orders), Layer::Pane(Pane::OtpLog)];
const CAT: &[Layer] = &[Layer::Pane(Pane::Catalog)];
const PANES: &[Layer] = &[Layer::Panes];
const LISTS: &[Layer] = &[
    Layer::Panes,
    Layer::Popup(PopupKind::AccountPicker),
    Layer::Popup(PopupKind::Help),
    Layer::Popup(PopupKind::Deposits),
    Layer::Popup(PopupKind::DepositForm),
    Layer::Popup(PopupKind::Compare),
    Layer::Popup(PopupKind::History),
    Layer::Popup(PopupKind::Report),
    Layer::Popup(PopupKind::Inbox),
    Layer::Popup(PopupKind::Seller),
];
const SELLER: &[Layer] = &[Layer::Popup(PopupKind::Seller)];
const DEPOSIT_VIEWS: &[Layer] = &[
    Layer::Popup(PopupKind::Deposits),
    Layer::Popup(PopupKind::DepositQr),
];

const fn def(
    cmd: Cmd,
    id: &'static str,
    keys: &'static [Key],
    layers: &'static [Layer],
    hint: &'static str,
    help: &'static str,
) -> CommandDef {
    CommandDef {
        cmd,
        id,
        keys,
        layers,
        hint,
        help,
    }
}

pub const COMMANDS: &[CommandDef] = &[
    def(
        Cmd::Expand,
        "expand",
        &[Key::plain(Enter), Key::plain(Right), Key::ch('l')],
        CAT,
        "open/buy",
        "Expand a node; on an offer, buy it (asks first)",
    ),
    def(
        Cmd::Collapse,
        "collapse",
        &[Key::plain(Left), Key::ch('h')],
        CAT,
        "close",
        "Collapse the node",
    ),
    def(
        Cmd::Filter,
        "filter",
        &[Key::ch('/')],
        // From any pane: the letters typed after it go to the filter,
        // never to the focused pane's commands.
        PANES,
        "filter",
        "Filter the catalog as you type (fuzzy), from any pane",
    ),
    def(
        Cmd::Sort,
        "sort",
        &[Key::ch('s')],
        &[Layer::Pane(Pane::Catalog), Layer::Popup(PopupKind::Compare)],
        "sort",
        "Sort offers (compare: price, own rate, time to OTP)",
    ),
    def(
        Cmd::CopyOtp,
        "copy_otp",
        &[Key::ch('c')],
        &[
            Layer::Pane(Pane::Orders),
            Layer::Pane(Pane::OtpLog),
            Layer::Popup(PopupKind::EmailDetail),
            Layer::Popup(PopupKind::History),
            Layer::Popup(PopupKind::Inbox),
            Layer::Popup(PopupKind::Seller),
            Layer::Popup(PopupKind::DepositQr),
        ],
        "copy OTP",
        "Copy the OTP, or a top-up's SN (OSC 52 over SSH)",
    ),
    def(
        Cmd::CopyNumber,
        "copy_number",
        &[Key::ch('n')],
        ORD_LOG,
        "copy number",
        "Copy the phone number",
    ),
    def(
        Cmd::Order(OrderOp::Cancel),
        "cancel",
        &[Key::ch('x')],
        ORD,
        "cancel",
        "Cancel the order (asks first; refunded)",
    ),
    def(
        Cmd::Order(OrderOp::Resend),
        "resend",
        &[Key::ch('r')],
        ORD,
        "resend",
        "Ask for another SMS (email: reorder, same inbox)",
    ),
    def(
        Cmd::Order(OrderOp::Finish),
        "finish",
        &[Key::ch('f')],
        ORD,
        "finish",
        "Mark the order finished",
    ),
    def(
        Cmd::Order(OrderOp::Replace),
        "replace",
        &[Key::ch('R')],
        ORD,
        "replace",
        "Cancel and buy a fresh number (OTPZap S1)",
    ),
    def(
        Cmd::EmailDetail,
        "email_messages",
        &[Key::ch('m')],
        ORD,
        "messages",
        "Email order: the message timeline",
    ),
    def(
        Cmd::Settle,
        "settle",
        &[Key::ch('u')],
        ORD,
        "checked provider",
        "UNKNOWN order: I checked the provider",
    ),
    def(
        Cmd::SettleCharged,
        "settle_charged",
        &[Key::ch('c')],
        &[Layer::Popup(PopupKind::Settle)],
        "it was charged",
        "It was charged (type its number first if you have it)",
    ),
    def(
        Cmd::SettleNotCharged,
        "settle_not_charged",
        &[Key::ch('x')],
        &[Layer::Popup(PopupKind::Settle)],
        "it was not charged",
        "It was not charged: closed, nothing spent",
    ),
    def(
        Cmd::Webhook,
        "webhook",
        &[Key::ch('w')],
        &[Layer::Pane(Pane::Balance)],
        "webhook",
        "Webhook (OTPZap) or API settings (GoTopUp)",
    ),
    def(
        Cmd::NextField,
        "next_field",
        &[Key::plain(Tab)],
        &[
            Layer::Popup(PopupKind::Webhook),
            Layer::Popup(PopupKind::ApiSettings),
            Layer::Popup(PopupKind::Bill),
            Layer::Popup(PopupKind::History),
            Layer::Popup(PopupKind::SellerForm),
        ],
        "next field",
        "Next field (Space flips active, Enter saves)",
    ),
    def(
        Cmd::NextPage,
        "next_page",
        &[Key::plain(PageDown)],
        &[
            Layer::Popup(PopupKind::History),
            Layer::Popup(PopupKind::Seller),
        ],
        "next page",
        "Next page (history, seller's sales)",
    ),
    def(
        Cmd::PrevPage,
        "prev_page",
        &[Key::plain(PageUp)],
        &[
            Layer::Popup(PopupKind::History),
            Layer::Popup(PopupKind::Seller),
        ],
        "prev page",
        "Previous page (history, seller's sales)",
    ),
    def(
        Cmd::Refresh,
        "refresh",
        &[Key::ch('g')],
        &[Layer::Pane(Pane::Balance), Layer::Popup(PopupKind::Seller)],
        "refresh",
        "Refresh balances now (seller view: reload the tab)",
    ),
    def(
        Cmd::Up,
        "up",
        &[Key::plain(Up), Key::ch('k')],
        LISTS,
        "",
        "Move up",
    ),
    def(
        Cmd::Down,
        "down",
        &[Key::plain(Down), Key::ch('j')],
        LISTS,
        "",
        "Move down",
    ),
    def(
        Cmd::ListTop,
        "list_top",
        &[Key::plain(Home)],
        &[Layer::Panes],
        "",
        "First row of the list",
    ),
    def(
        Cmd::ListBottom,
        "list_bottom",
        &[Key::plain(End)],
        &[Layer::Panes],
        "",
        "Last row of the list",
    ),
    def(
        Cmd::ListPageDown,
        "list_page_down",
        &[
            Key::plain(PageDown),
            Key {
                code: Char('d'),
                mods: CTRL,
            },
        ],
        &[Layer::Panes],
        "",
        "A page down the list",
    ),
    def(
        Cmd::ListPageUp,
        "list_page_up",
        &[
            Key::plain(PageUp),
            Key {
                code: Char('u'),
                mods: CTRL,
            },
        ],
        &[Layer::Panes],
        "",
        "A page up the list",
    ),
    def(
        Cmd::FocusNext,
        "focus_next",
        &[Key::plain(Tab)],
        PANES,
        "pane",
        "Focus the next pane",
    ),
    def(
        Cmd::FocusPrev,
        "focus_prev",
        &[Key::plain(BackTab)],
        PANES,
        "",
        "Focus the previous pane",
    ),
    def(
        Cmd::NextAccount,
        "next_account",
        &[Key::ch(']')],
        PANES,
        "",
        "Next account",
    ),
    def(
        Cmd::PrevAccount,
        "prev_account",
        &[Key::ch('[')],
        PANES,
        "",
        "Previous account",
    ),
    def(
        Cmd::AccountPicker,
        "accounts",
        &[Key::ch('a')],
        PANES,
        "accounts",
        "Pick an account, or All accounts",
    ),
    def(
        Cmd::CommandLine,
        "command",
        &[Key::ch(':')],
        PANES,
        "command",
        "Command line (:buy, :account, :theme, :q)",
    ),
    def(
        Cmd::FilterDone,
        "filter_done",
        &[Key::plain(Enter), Key::plain(Down), Key::plain(Up)],
        &[Layer::Filter],
        "keep filter",
        "Stop typing, keep the filter",
    ),
    def(
        Cmd::FilterClear,
        "filter_clear",
        &[Key::plain(Esc)],
        &[Layer::Filter],
        "clear",
        "Clear the filter",
    ),
    def(
        Cmd::Confirm,
        "confirm",
        &[Key::plain(Enter), Key::ch('y')],
        &[
            Layer::Popup(PopupKind::ConfirmBuy),
            Layer::Popup(PopupKind::ConfirmCancel),
            Layer::Popup(PopupKind::AccountPicker),
            Layer::Popup(PopupKind::Help),
            Layer::Popup(PopupKind::DepositForm),
            Layer::Popup(PopupKind::ConfirmDeposit),
            Layer::Popup(PopupKind::Deposits),
            Layer::Popup(PopupKind::Compare),
            Layer::Popup(PopupKind::Webhook),
            Layer::Popup(PopupKind::ApiSettings),
            Layer::Popup(PopupKind::Bill),
            Layer::Popup(PopupKind::History),
            Layer::Popup(PopupKind::SellerForm),
        ],
        "confirm",
        "Yes: buy, pay in, pick, open (Enter)",
    ),
    def(
        Cmd::NextOperator,
        "next_operator",
        &[Key::ch('o')],
        &[Layer::Popup(PopupKind::ConfirmBuy)],
        // Not hinted: the popup shows the key beside the operator, and
        // only when the offer has operators.
        "",
        "Next operator of the offer (\"any\" first)",
    ),
    def(
        Cmd::Dismiss,
        "dismiss",
        &[Key::plain(Esc), Key::ch('n')],
        &[
            Layer::Popup(PopupKind::ConfirmBuy),
            Layer::Popup(PopupKind::ConfirmCancel),
            Layer::Popup(PopupKind::AccountPicker),
            Layer::Popup(PopupKind::Help),
            Layer::Popup(PopupKind::CommandLine),
            Layer::Popup(PopupKind::DepositForm),
            Layer::Popup(PopupKind::ConfirmDeposit),
            Layer::Popup(PopupKind::Deposits),
            Layer::Popup(PopupKind::DepositQr),
            Layer::Popup(PopupKind::Compare),
            Layer::Popup(PopupKind::Stats),
            Layer::Popup(PopupKind::Settle),
            Layer::Popup(PopupKind::EmailDetail),
            Layer::Popup(PopupKind::Webhook),
            Layer::Popup(PopupKind::ApiSettings),
            Layer::Popup(PopupKind::Bill),
            Layer::Popup(PopupKind::History),
            Layer::Popup(PopupKind::Report),
            Layer::Popup(PopupKind::Inbox),
            Layer::Popup(PopupKind::Seller),
            Layer::Popup(PopupKind::SellerForm),
        ],
        "back",
        "No: close the top popup only",
    ),
    def(
        Cmd::RunCommand,
        "run_command",
        &[Key::plain(Enter)],
        &[Layer::Popup(PopupKind::CommandLine)],
        "run",
        "Run the typed command",
    ),
    def(
        Cmd::Complete,
        "complete",
        &[Key::plain(Tab)],
        &[Layer::Popup(PopupKind::CommandLine)],
        "complete",
        "Complete the word: command, account, service, country",
    ),
    def(
        Cmd::CancelDeposit,
        "cancel_deposit",
        &[Key::ch('x')],
        DEPOSIT_VIEWS,
        "cancel",
        "Cancel the pending deposit (GateOTP)",
    ),
    def(
        Cmd::NextPreset,
        "next_preset",
        &[Key::plain(Tab)],
        &[Layer::Popup(PopupKind::DepositForm)],
        "amount",
        "Next preset amount",
    ),
    def(
        Cmd::Best,
        "best",
        &[Key::ch('b')],
        CAT,
        // Not hinted: at 80 columns it would push "? help" off the bar.
        "",
        "Compare this service and country on every account",
    ),
    def(
        Cmd::BuyBest,
        "buy_best",
        &[Key::ch('B')],
        CAT,
        "",
        "Buy the cheapest of every account (asks first)",
    ),
    def(
        Cmd::Help,
        "help",
        &[Key::ch('?')],
        &[
            Layer::Panes,
            Layer::Popup(PopupKind::ConfirmBuy),
            Layer::Popup(PopupKind::ConfirmCancel),
            Layer::Popup(PopupKind::AccountPicker),
            Layer::Popup(PopupKind::Help),
            Layer::Popup(PopupKind::ConfirmDeposit),
            Layer::Popup(PopupKind::Deposits),
            Layer::Popup(PopupKind::DepositQr),
            Layer::Popup(PopupKind::Compare),
            Layer::Popup(PopupKind::Stats),
            Layer::Popup(PopupKind::Settle),
            Layer::Popup(PopupKind::EmailDetail),
            Layer::Popup(PopupKind::Seller),
        ],
        "help",
        "Show this help (over a popup too; again closes it)",
    ),
    def(
        Cmd::Quit,
        "quit",
        &[Key::ch('q')],
        PANES,
        "quit",
        "Quit (active orders stay in the journal)",
    ),
    def(
        Cmd::NewDeposit,
        "new_deposit",
        &[Key::ch('d')],
        PANES,
        "deposit",
        "Pay into the account shown (or selected balance)",
    ),
    def(
        Cmd::Deposits,
        "deposits",
        &[Key::ch('D')],
        PANES,
        "",
        "Deposits: status, QR code, cancel",
    ),
    def(
        Cmd::Stats,
        "stats",
        &[Key::ch('S')],
        PANES,
        "",
        "Your statistics: OTP rate, time to OTP, spend",
    ),
    def(
        Cmd::NextTab,
        "next_tab",
        &[Key::plain(Tab)],
        SELLER,
        "tab",
        "Seller view: products, sales, settlements",
    ),
    def(
        Cmd::SellerAdd,
        "seller_add",
        &[Key::ch('a')],
        SELLER,
        "add",
        "Seller: add a product",
    ),
    def(
        Cmd::SellerPrice,
        "seller_price",
        &[Key::ch('p')],
        SELLER,
        "price",
        "Seller: change the picked product's price",
    ),
    def(
        Cmd::SellerToggle,
        "seller_toggle",
        &[Key::ch('t')],
        SELLER,
        "on/off",
        "Seller: switch the picked product active or inactive",
    ),
    def(
        Cmd::SellerSettle,
        "seller_settle",
        &[Key::ch('s')],
        SELLER,
        "settle",
        "Seller: request a settlement (fee and net shown first)",
    ),
    def(
        Cmd::SellerReplay,
        "seller_replay",
        &[Key::ch('r')],
        SELLER,
        "",
        "Seller: send an UNCLEAR settlement again (same ref_id)",
    ),
    def(
        Cmd::SellerFilter,
        "seller_filter",
        &[Key::ch('f')],
        SELLER,
        "",
        "Seller's sales: the next status filter",
    ),
    def(
        Cmd::QuitNow,
        "quit_now",
        &[Key {
            code: Char('c'),
            mods: CTRL,
        }],
        &[Layer::Global],
        "",
        "Quit from anywhere, popups and inputs too",
    ),
];

pub fn def_of(cmd: Cmd) -> &'static CommandDef {
    COMMANDS
        .iter()
        .find(|c| c.cmd == cmd)
        .unwrap_or(&COMMANDS[0])
}

//! The postpaid bill popup (`:bill [CODE]`): choose a GoTopUp account
//! (Space on the account line), type the product code and the customer
//! number, Enter asks the bill (an Effect; the runtime does the I/O). The
//! answer shows name, period, bill, admin fee and total; y/Enter then pays
//! the TOTAL through the same journaled buy as the CLI (`bill:` service id,
//! ref_id journaled first), and the order shows as a row like a top-up.
//! The customer number is checked by `domain::check_customer_number` first.

use crate::app::keymap::Cmd;
use crate::app::panes::Pane;
use crate::app::popups::Popup;
use crate::app::{App, Effect, Level};
use crate::domain::bill::{Bill, BILL_SERVICE_PREFIX};
use crate::domain::BuyRequest;
use crate::domain::ProviderError;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Account,
    Product,
    Customer,
}

#[derive(Debug, Clone)]
pub struct BillPopup {
    /// GoTopUp accounts to choose from (names).
    pub accounts: Vec<String>,
    pub account: usize,
    pub product: Input,
    pub customer: Input,
    pub field: Field,
    /// The inquiry is out.
    pub busy: bool,
    pub error: Option<String>,
    /// What the inquiry said; while shown, y/Enter pays its total.
    pub bill: Option<Bill>,
}

impl BillPopup {
    pub fn account_name(&self) -> &str {
        self.accounts
            .get(self.account)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Text goes into the fields until a bill is shown (then y/n answer).
    pub fn takes_text(&self) -> bool {
        self.bill.is_none() && self.field != Field::Account
    }
}

/// The number check's product kind for a postpaid code: PLN bills take a
/// PLN customer ID, others the generic 4–32 digit ID.
fn check_kind(product: &str) -> &'static str {
    if product.to_ascii_lowercase().starts_with("pln") {
        "pln:pln"
    } else {
        "bill"
    }
}

/// `:bill [CODE]`: opens the popup on the shown (or first) GoTopUp account.
pub fn open(app: &mut App, product: Option<&str>) -> Vec<Effect> {
    let accounts: Vec<String> = app
        .accounts
        .iter()
        // A seller key answers no buyer call: bills are paid as a buyer.
        .filter(|a| a.info.is_gotopup_buyer())
        .map(|a| a.info.name.clone())
        .collect();
    if accounts.is_empty() {
        app.set_status("Bills need a GoTopUp account", Level::Warn);
        return Vec::new();
    }
    let shown = app
        .view
        .active
        .and_then(|i| app.accounts.get(i))
        .and_then(|a| accounts.iter().position(|n| *n == a.info.name))
        .unwrap_or(0);
    let product = product.unwrap_or("").to_string();
    let field = if product.is_empty() {
        Field::Product
    } else {
        Field::Customer
    };
    app.open(Popup::Bill(BillPopup {
        accounts,
        account: shown,
        product: Input::new(product),
        customer: Input::default(),
        field,
        busy: false,
        error: None,
        bill: None,
    }));
    Vec::new()
}

impl App {
    /// Opens the bill popup for `account` (and a product when known), as
    /// the catalog does on a postpaid product.
    pub fn open_bill(&mut self, account: &str, product: Option<&str>) -> Vec<Effect> {
        let fx = open(self, product);
        if let Some(Popup::Bill(b)) = self.view.popups.last_mut() {
            if let Some(i) = b.accounts.iter().position(|n| n == account) {
                b.account = i;
            }
        }
        fx
    }
}

fn top(app: &mut App) -> Option<&mut BillPopup> {
    match app.view.popups.last_mut() {
        Some(Popup::Bill(b)) => Some(b),
        _ => None,
    }
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let Some(b) = top(app) else {
        return Vec::new();
    };
    if b.bill.is_some() {
        return match cmd {
            Some(Cmd::Confirm) => pay(app),
            _ => Vec::new(),
        };
    }
    match cmd {
        Some(Cmd::NextField) => {
            b.field = match b.field {
                Field::Account => Field::Product,
                Field::Product => Field::Customer,
                Field::Customer => Field::Account,
            };
            Vec::new()
        }
        Some(Cmd::Confirm) => inquire(b),
        _ => {
            match b.field {
                Field::Account if k.code == KeyCode::Char(' ') => {
                    b.account = (b.account + 1) % b.accounts.len().max(1);
                }
                Field::Account => {}
                Field::Product => {
                    b.product.handle_event(&Event::Key(k));
                }
                Field::Customer => {
                    b.customer.handle_event(&Event::Key(k));
                }
            }
            b.error = None;
            Vec::new()
        }
    }
}

fn inquire(b: &mut BillPopup) -> Vec<Effect> {
    if b.busy {
        return Vec::new();
    }
    let product = b.product.value().trim().to_string();
    if product.is_empty() {
        b.error = Some("type the postpaid product code first".into());
        return Vec::new();
    }
    // The one rule the CLI and top-ups use too.
    let customer =
        match crate::domain::check_customer_number(check_kind(&product), b.customer.value()) {
            Ok(c) => c,
            Err(why) => {
                b.error = Some(format!("Not sent: {why}"));
                return Vec::new();
            }
        };
    b.busy = true;
    b.error = None;
    vec![Effect::BillInquiry {
        account: b.account_name().to_string(),
        product,
        customer,
    }]
}

/// The inquiry's answer, for the popup still asking it.
pub fn inquired(app: &mut App, account: &str, result: Result<Bill, ProviderError>) {
    let Some(b) = app.view.popups.iter_mut().rev().find_map(|p| match p {
        Popup::Bill(b) if b.account_name() == account && b.busy => Some(b),
        _ => None,
    }) else {
        return;
    };
    b.busy = false;
    match result {
        Ok(bill) => b.bill = Some(bill),
        Err(e) => b.error = Some(e.to_string()),
    }
}

/// y/Enter on a shown bill: the journaled buy of its total.
fn pay(app: &mut App) -> Vec<Effect> {
    let key = app.next_key(app.now);
    let Some(Popup::Bill(b)) = app.close_top() else {
        return Vec::new();
    };
    let Some(bill) = b.bill.clone() else {
        return Vec::new();
    };
    let account = b.account_name().to_string();
    let request = BuyRequest {
        service_id: format!("{BILL_SERVICE_PREFIX}{}", bill.product),
        service_name: format!(
            "{} {} {}",
            bill.product,
            bill.customer_name.as_deref().unwrap_or(""),
            bill.period.as_deref().unwrap_or("")
        )
        .trim()
        .to_string(),
        country_id: None,
        country_name: None,
        offer_id: bill.product.clone(),
        price: bill.total,
        operator: None,
        idempotency_key: key,
        customer_number: Some(bill.customer_number.clone()),
    };
    app.set_status(
        format!("Paying {} for {} on {account}…", bill.total, bill.product),
        Level::Info,
    );
    app.view.focus = Pane::Orders;
    let now = app.now;
    app.book_intent(crate::app::BookAction::StartBuys {
        account,
        requests: vec![request],
        now,
    })
}

impl crate::app::popups::PopupState for BillPopup {
    fn takes_text(&self) -> bool {
        BillPopup::takes_text(self)
    }

    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        on_key(app, cmd, k)
    }
}

//! "Buy?": what, on which account, the price as charged and the balance
//! after; a top-up also asks for the customer number here.

use crate::app::keymap::Cmd;
use crate::app::panes::Pane;
use crate::app::popups::Popup;
use crate::app::{App, BookAction, Effect, Level};
use crate::domain::{BuyRequest, Country, Offer, Service};
use crate::money::Rupiah;
use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug, Clone)]
pub struct ConfirmBuy {
    pub account: String,
    /// What is bought, in words: service, country and offer.
    pub what: String,
    pub request: BuyRequest,
    pub balance_after: Option<Rupiah>,
    /// Top-ups ask for the customer number here.
    pub customer: Option<Input>,
    /// The offer's operators to choose from (`request.operator` is the
    /// choice); empty when the API takes none.
    pub operators: Vec<crate::domain::Operator>,
    /// How many are bought (email inboxes by quantity); 1 otherwise.
    pub qty: u32,
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let Some(Popup::ConfirmBuy(ConfirmBuy {
        customer,
        operators,
        request,
        ..
    })) = app.view.popups.last_mut()
    else {
        return Vec::new();
    };
    if cmd == Some(Cmd::NextOperator) && !operators.is_empty() {
        request.operator = Some(next_operator(operators, request.operator.as_deref()));
        return Vec::new();
    }
    if cmd != Some(Cmd::Confirm) {
        if let Some(input) = customer {
            input.handle_event(&Event::Key(k));
        }
        return Vec::new();
    }
    let mut number = customer.as_ref().map(|i| i.value().trim().to_string());
    if let Some(Popup::ConfirmBuy(ConfirmBuy { request, .. })) = app.view.popups.last() {
        if let Err(why) = app
            .settings
            .rules
            .check_price(&request.service_name, request.price)
        {
            app.set_status(why, Level::Warn);
            return Vec::new();
        }
    }
    if let (Some(n), Some(Popup::ConfirmBuy(ConfirmBuy { request, .. }))) =
        (&number, app.view.popups.last())
    {
        // The one rule the CLI uses too (domain::customer_number).
        match crate::domain::check_customer_number(&request.service_id, n) {
            Ok(clean) => number = Some(clean),
            Err(why) => {
                app.set_status(format!("Not sent: {why}"), Level::Warn);
                return Vec::new();
            }
        }
    }
    let Some(Popup::ConfirmBuy(ConfirmBuy {
        account,
        mut request,
        qty,
        ..
    })) = app.close_top()
    else {
        return Vec::new();
    };
    request.customer_number = number;
    // Bought from the compare view: it has done its job.
    if matches!(app.view.popups.last(), Some(Popup::Compare(_))) {
        app.close_top();
    }
    // Each of a quantity is its own buy under its own key (the CLI's rule).
    let requests: Vec<BuyRequest> = (1..=qty.max(1))
        .map(|n| BuyRequest {
            idempotency_key: crate::domain::batch_key(&request.idempotency_key, n, qty),
            ..request.clone()
        })
        .collect();
    let what = match qty {
        0 | 1 => request.service_name.clone(),
        n => format!("{n} × {}", request.service_name),
    };
    app.set_status(format!("Buying {what} on {account}…"), Level::Info);
    app.view.focus = Pane::Orders;
    let now = app.now;
    app.book_intent(BookAction::StartBuys {
        account,
        requests,
        now,
    })
}

/// The operator after `current` in the list, wrapping round.
fn next_operator(list: &[crate::domain::Operator], current: Option<&str>) -> String {
    let at = current.and_then(|c| list.iter().position(|o| o.id == c));
    let next = at.map_or(0, |i| (i + 1) % list.len());
    list[next].id.clone()
}

impl App {
    /// Opens the buy confirmation for `offer`: the price is what the buy
    /// charges, and the balance after is computed from it.
    pub fn confirm_buy(
        &mut self,
        account: usize,
        service: &Service,
        country: Option<&Country>,
        offer: &Offer,
    ) {
        let key = self.next_key(self.now);
        let Some(acc) = self.accounts.get(account) else {
            return;
        };
        let name = acc.info.name.clone();
        let balance_after = acc.balance.map(|b| b - offer.price);
        let what = [
            Some(service.name.as_str()),
            country.map(|c| c.name.as_str()),
            Some(offer.label.as_str()),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        let customer = acc.info.caps.topup.then(Input::default);
        // Where the API lists "any" (first), it is the default choice;
        // otherwise none is sent unless the user picks one.
        let operator = offer
            .operators
            .first()
            .filter(|o| o.id.eq_ignore_ascii_case("any"))
            .map(|o| o.id.clone());
        self.open(Popup::ConfirmBuy(ConfirmBuy {
            account: name,
            what,
            request: BuyRequest {
                service_id: service.id.clone(),
                service_name: service.name.clone(),
                country_id: country.map(|c| c.id.clone()),
                country_name: country.map(|c| c.name.clone()),
                offer_id: offer.id.clone(),
                price: offer.price,
                operator,
                idempotency_key: key,
                customer_number: None,
            },
            balance_after,
            customer,
            operators: offer.operators.clone(),
            qty: 1,
        }));
    }

    /// Makes the open buy confirmation one of `qty` alike (email inboxes):
    /// the balance after counts them all.
    pub(crate) fn set_confirm_qty(&mut self, n: u32) {
        let balance = self
            .view
            .popups
            .last()
            .and_then(|p| match p {
                Popup::ConfirmBuy(ConfirmBuy { account, .. }) => self.account_of(account),
                _ => None,
            })
            .and_then(|a| a.balance);
        if let Some(Popup::ConfirmBuy(ConfirmBuy {
            request,
            balance_after,
            qty,
            ..
        })) = self.view.popups.last_mut()
        {
            *qty = n.max(1);
            *balance_after = balance.map(|b| b - total(request.price, *qty));
        }
    }
}

/// `qty` buys at `each`.
pub fn total(each: crate::money::Rupiah, qty: u32) -> crate::money::Rupiah {
    crate::money::Rupiah(each.0.saturating_mul(i64::from(qty)))
}

impl crate::app::popups::PopupState for ConfirmBuy {
    fn takes_text(&self) -> bool {
        self.customer.is_some()
    }

    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        on_key(app, cmd, k)
    }
}

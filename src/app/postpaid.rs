//! A postpaid (pascabayar) product is paid as a bill, after an inquiry,
//! never bought as a top-up: choosing one opens the bill popup on it.

use super::{App, Effect, Level};

impl App {
    /// A postpaid product chosen: the bill popup for it (the inquiry comes
    /// once the customer number is typed), never a buy confirmation.
    pub fn postpaid_chosen(&mut self, account: &str, code: &str) -> Vec<Effect> {
        let fx = self.open_bill(account, Some(code));
        self.set_status(
            format!("{code} is a postpaid bill: type the customer number for its inquiry"),
            Level::Info,
        );
        fx
    }
}

//! A postpaid (pascabayar) product is paid as a bill, after an inquiry,
//! never bought as a top-up. Enter on one in the catalog ends here; at
//! merge this is the one place to open the bill popup instead.

use super::{App, Level};

impl App {
    /// Enter on a postpaid product: say how to pay it (`:bill CODE`),
    /// buy nothing.
    pub fn postpaid_chosen(&mut self, account: &str, code: &str) {
        self.set_status(
            format!(
                "{code} on {account} is a postpaid bill, not a top-up: pay it with :bill {code}"
            ),
            Level::Warn,
        );
    }
}

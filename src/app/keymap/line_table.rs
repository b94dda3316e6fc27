//! The words of the `:` command line, with their usage and help: Tab
//! completion and the `?` help read them (the keys are in `table.rs`).

/// A word of the `:` command line.
pub struct LineDef {
    pub word: &'static str,
    /// Other words for it.
    pub aliases: &'static [&'static str],
    pub usage: &'static str,
    pub help: &'static str,
}

/// The `:` commands besides the table's ids (`:refresh`, `:cancel`…).
pub const LINE_COMMANDS: &[LineDef] = &[
    LineDef {
        word: "buy",
        aliases: &[],
        usage: "buy SERVICE [COUNTRY]",
        help: "Cheapest offer in stock on the account shown",
    },
    LineDef {
        word: "bill",
        aliases: &[],
        usage: "bill [CODE]",
        help: "GoTopUp postpaid bill: inquiry, then pay the total",
    },
    LineDef {
        word: "history",
        aliases: &[],
        usage: "history [ACCOUNT]",
        help: "GoTopUp transaction history from the API, filtered and paged",
    },
    LineDef {
        word: "report",
        aliases: &[],
        usage: "report TYPE [FROM] [TO]",
        help: "GoTopUp report: transaction, purchase, deposit (seller: sales, product)",
    },
    LineDef {
        word: "seller",
        aliases: &[],
        usage: "seller [ACCOUNT]",
        help: "GoTopUp seller: products, sales, settlements",
    },
    LineDef {
        word: "inbox",
        aliases: &[],
        usage: "inbox",
        help: "Webhook deliveries kept: orders the journal does not know",
    },
    LineDef {
        word: "email",
        aliases: &[],
        usage: "email SITE [domain=D] [subject=S] [regex=R] [qty=N]",
        help: "Email OTP: open SITE's domains, or confirm a buy with options",
    },
    LineDef {
        word: "best",
        aliases: &[],
        usage: "best SERVICE COUNTRY",
        help: "Compare a service and country on every account",
    },
    LineDef {
        word: "buy-best",
        aliases: &[],
        usage: "buy-best SERVICE COUNTRY",
        help: "Buy the cheapest of every account (asks first)",
    },
    LineDef {
        word: "account",
        aliases: &[],
        usage: "account NAME|all",
        help: "Show one account, or all",
    },
    LineDef {
        word: "theme",
        aliases: &[],
        usage: "theme NAME",
        help: "Switch the colour theme",
    },
    LineDef {
        word: "quit",
        aliases: &["q"],
        usage: "quit, :q",
        help: "Quit",
    },
];

//! The CLI's tables never cut a value and never let one run into the next
//! column: through the real binary against `otpdeck sim`, long values (a
//! 32-digit customer number, a 40-character ref_id, a 20-digit PLN token,
//! an email address, amounts of nine digits) are found whole in `orders`,
//! `history`, `deposits`, `seller transactions`, `seller settlements`,
//! `stats` and `email check`, each in its column: a left-aligned value
//! starts where its column's title starts, a right-aligned one ends where
//! its title ends.

use serde_json::Value;

use crate::common;

use common::process::{account_toml, CliEnv, SimProcess};

const PLN_REF: &str = "otpdeck-cli-20261123-0900-4f0c9e2a17b3d5";
const SALE_REF: &str = "BUYER-REF-20261123-0000000000000042";
const SETTLE_REF: &str = "otpdeck-settle-20261123-7f3a9c0d1e2b";
const GAME_ID: &str = "12345678901234567890123456789012";
const METER: &str = "532100012345";

struct Env(CliEnv);

impl Env {
    /// An OTPZap account, a GoTopUp buyer and a GoTopUp seller.
    fn new(sim: &SimProcess) -> Env {
        let (z, t) = (sim.url("otpzap"), sim.url("gotopup"));
        Env(CliEnv::new(
            &[
                account_toml("zap", "otpzap", z, "sim-values-whole-z", None),
                account_toml("pulsa", "gotopup", t, "sim-values-whole-p", None),
                account_toml("shop", "gotopup", t, "sim-values-whole-s", Some("seller")),
            ]
            .concat(),
        ))
    }

    /// stdout of a command that must succeed.
    fn ok(&self, args: &[&str]) -> String {
        let mut c = self.0.command(args);
        c.env("OTPDECK_POLL_INTERVAL_MS", "200");
        common::process::stdout_of(c, args)
    }

    fn json(&self, args: &[&str]) -> Value {
        let all = common::process::json_args(args);
        serde_json::from_str(&self.ok(&all)).expect("valid JSON")
    }

    /// Buys, waits for the end, gives the order as journaled.
    fn buy_done(&self, args: &[&str]) -> Value {
        let mut a = vec!["buy", "--account", "pulsa"];
        a.extend_from_slice(args);
        let id = self.json(&a)["id"].as_i64().expect("id").to_string();
        self.ok(&["watch", "--account", "pulsa", &id, "--timeout", "30s"]);
        self.json(&["orders", "--account", "pulsa"])
            .as_array()
            .expect("orders")
            .iter()
            .find(|o| o["id"].as_i64().map(|i| i.to_string()) == Some(id.clone()))
            .cloned()
            .expect("the order in the journal")
    }
}

#[derive(Clone, Copy)]
enum Side {
    Left,
    Right,
}
use Side::{Left, Right};

/// Where `title` stands in `header` as a whole word (char index).
fn title_at(header: &str, title: &str) -> usize {
    let chars: Vec<char> = header.chars().collect();
    let t: Vec<char> = title.chars().collect();
    (0..=chars.len().saturating_sub(t.len()))
        .find(|&i| {
            chars[i..i + t.len()] == t[..]
                && (i == 0 || chars[i - 1] == ' ')
                && chars.get(i + t.len()).is_none_or(|c| *c == ' ')
        })
        .unwrap_or_else(|| panic!("no column {title:?} in {header:?}"))
}

/// In the table `out` (its first line the header), the row holding `key`
/// has each value whole in its column.
fn in_columns(what: &str, out: &str, key: &str, cells: &[(&str, &str, Side)]) {
    let header = out.lines().next().unwrap_or_default();
    let row = out
        .lines()
        .skip(1)
        .find(|l| l.contains(key))
        .unwrap_or_else(|| panic!("{what}: no row with {key}:\n{out}"));
    for (title, value, side) in cells {
        let at = title_at(header, title);
        let fits = row.match_indices(value).any(|(byte, _)| {
            let start = row[..byte].chars().count();
            match side {
                Left => start == at,
                Right => start + value.chars().count() == at + title.chars().count(),
            }
        });
        assert!(
            fits,
            "{what}: {value:?} is not whole in its column {title:?}:\n{out}"
        );
    }
}

#[test]
fn cli_tables_show_long_values_whole_in_their_columns() {
    let sim = SimProcess::start("300ms");
    let env = Env::new(&sim);
    // The seller sells what the buyer buys: the sale shows on its side.
    env.ok(&[
        "seller",
        "product-add",
        "--account",
        "shop",
        "--code",
        "TELKOMSEL5",
        "--name",
        "Pulsa Telkomsel 5rb",
        "--subcategory",
        "pulsa",
        "--operator",
        "Telkomsel",
        "--price",
        "5600",
    ]);
    let pln = env.buy_done(&[
        "--product",
        "PLN100",
        "--customer",
        METER,
        "--idempotency-key",
        PLN_REF,
    ]);
    let token = pln["sn"].as_str().expect("a token").to_string();
    assert_eq!(token.len(), 20, "a 20-digit PLN token: {pln}");
    let game = env.buy_done(&["--product", "ML86", "--customer", GAME_ID]);
    let game_id = format!("#{}", game["id"]);
    let sale = env.buy_done(&[
        "--product",
        "TELKOMSEL5",
        "--customer",
        "081234567890",
        "--idempotency-key",
        SALE_REF,
    ]);
    let inbox = env.json(&[
        "email",
        "buy",
        "--account",
        "zap",
        "--site",
        "openai.com",
        "--domain",
        "gmail.com",
    ]);
    let address = inbox["number"].as_str().expect("an address").to_string();

    let orders = env.ok(&["orders"]);
    let pln_id = format!("#{}", pln["id"]);
    in_columns(
        "orders",
        &orders,
        &token,
        &[
            ("#", &pln_id, Left),
            ("number", METER, Left),
            ("price", "Rp 101.500", Right),
            ("otp", &token, Left),
        ],
    );
    in_columns(
        "orders",
        &orders,
        GAME_ID,
        &[
            ("#", &game_id, Left),
            ("number", GAME_ID, Left),
            ("price", "Rp 21.000", Right),
        ],
    );
    in_columns(
        "orders",
        &orders,
        &address,
        &[("number", &address, Left), ("price", "Rp 3.000", Right)],
    );
    let id = inbox["id"].to_string();
    let check = env.ok(&["email", "check", "--account", "zap", &id]);
    assert!(check.contains(&address), "email check: {check}");

    let history = env.ok(&["history", "--account", "pulsa"]);
    in_columns(
        "history",
        &history,
        PLN_REF,
        &[
            ("customer", METER, Left),
            ("price", "Rp 101.500", Right),
            ("ref_id", PLN_REF, Left),
            ("sn", &token, Left),
        ],
    );
    in_columns(
        "history",
        &history,
        GAME_ID,
        &[("customer", GAME_ID, Left), ("price", "Rp 21.000", Right)],
    );

    env.ok(&[
        "deposit",
        "create",
        "--account",
        "pulsa",
        "--amount",
        "100000000",
    ]);
    env.ok(&[
        "deposit",
        "create",
        "--account",
        "pulsa",
        "--amount",
        "50000",
    ]);
    let deposits = env.ok(&["deposits"]);
    in_columns(
        "deposits",
        &deposits,
        "Rp 100.000.000",
        &[
            ("amount", "Rp 100.000.000", Right),
            ("pay", "Rp 100.000.000", Right),
            ("credited", "Rp 100.000.000", Right),
        ],
    );
    in_columns(
        "deposits",
        &deposits,
        "Rp 50.000",
        &[("amount", "Rp 50.000", Right), ("pay", "Rp 50.000", Right)],
    );

    let sales = env.ok(&["seller", "transactions", "--account", "shop"]);
    let sale_sn = sale["sn"].as_str().expect("the sale's SN");
    in_columns(
        "seller transactions",
        &sales,
        SALE_REF,
        &[
            ("customer", "081234567890", Left),
            ("price", "Rp 5.500", Right),
            ("ref_id", SALE_REF, Left),
            ("sn", sale_sn, Left),
        ],
    );

    env.ok(&[
        "seller",
        "settle",
        "--account",
        "shop",
        "--amount",
        "250000",
        "--bank",
        "MANDIRI",
        "--account-number",
        "1230004567890123",
        "--account-name",
        "Toko Maju",
        "--ref-id",
        SETTLE_REF,
        "--yes",
    ]);
    let settlements = env.ok(&["seller", "settlements", "--account", "shop"]);
    in_columns(
        "seller settlements",
        &settlements,
        SETTLE_REF,
        &[
            ("ref_id", SETTLE_REF, Left),
            ("amount", "Rp 250.000", Right),
            ("fee", "Rp 2.500", Right),
            ("net", "Rp 247.500", Right),
            ("bank", "MANDIRI 1230004567890123", Left),
        ],
    );

    let stats = env.ok(&["stats", "--by", "offer"]);
    in_columns("stats", &stats, "PLN100", &[("spent", "Rp 101.500", Right)]);
    in_columns("stats", &stats, "ML86", &[("spent", "Rp 21.000", Right)]);
    // An email offer's group names its whole spec: long, and whole.
    let groups = env.json(&["stats", "--by", "offer"]);
    let email_group = groups
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["group"].as_str())
        .find(|g| g.contains("gmail.com"))
        .expect("the email offer's group")
        .to_string();
    assert!(email_group.chars().count() > 40, "{email_group}");
    in_columns(
        "stats",
        &stats,
        "gmail.com",
        &[("group", &email_group, Left), ("spent", "Rp 3.000", Right)],
    );
}

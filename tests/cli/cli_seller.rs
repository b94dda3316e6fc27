//! `otpdeck seller …` through the real binary against `otpdeck sim`, and a
//! seller account kept away from every buyer command. The seller key must
//! never show in output or in the data dir.

use serde_json::Value;
use std::process::Output;

use crate::common;

use common::process::{account_toml, walk, CliEnv, SimProcess};

const MARKER: &str = "sim-MARKERKEY-5e11e7";

struct Env(CliEnv);

impl Env {
    /// A buyer and a seller key on the simulator's GoTopUp.
    fn new(sim: &SimProcess) -> Env {
        let t = sim.url("gotopup");
        Env(CliEnv::new(
            &[
                account_toml("topup", "gotopup", t, &format!("{MARKER}-b"), None),
                account_toml("shop", "gotopup", t, &format!("{MARKER}-s"), Some("seller")),
            ]
            .concat(),
        ))
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self
            .0
            .command(args)
            .env("OTPDECK_LOG", "trace")
            .output()
            .expect("run otpdeck");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("MARKERKEY"), "key leaked by {args:?}: {all}");
        out
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        serde_json::from_str(&self.ok(&a)).expect("valid JSON")
    }

    fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        // `balance` reports each account's error on stdout.
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

#[test]
fn a_seller_account_is_shown_as_one_and_refused_buyer_commands() {
    let sim = SimProcess::start("200ms");
    let env = Env::new(&sim);
    let list = env.json(&["accounts"]);
    assert_eq!(list[0]["role"], "buyer");
    assert_eq!(list[1]["role"], "seller");
    assert!(env
        .ok(&["accounts"])
        .lines()
        .any(|l| l.starts_with("shop") && l.contains("seller")));
    for args in [
        &["balance", "--account", "shop"][..],
        &["catalog", "--account", "shop"][..],
        &[
            "buy",
            "--account",
            "shop",
            "--product",
            "TELKOMSEL5",
            "--customer",
            "081234567890",
        ][..],
        &["history", "--account", "shop"][..],
    ] {
        let e = env.refused(args);
        assert!(
            e.contains("seller account") && e.contains("otpdeck seller"),
            "{args:?}: {e}"
        );
    }
    // "All accounts" leaves the seller out rather than asking with its key.
    let all = env.json(&["balance"]);
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
    assert_eq!(all[0]["account"], "topup");
    // And seller commands refuse a buyer account.
    let e = env.refused(&["seller", "products", "--account", "topup"]);
    assert!(e.contains("not a seller"), "{e}");
}

#[test]
fn products_are_added_repriced_and_deactivated() {
    let sim = SimProcess::start("200ms");
    let env = Env::new(&sim);
    env.ok(&[
        "seller",
        "product-add",
        "--account",
        "shop",
        "--code",
        "TELKOMSEL5",
        "--name",
        "Pulsa Telkomsel 5.000",
        "--subcategory",
        "pulsa",
        "--operator",
        "Telkomsel",
        "--price",
        "5500",
    ]);
    let out = env.ok(&[
        "seller",
        "product-set",
        "--account",
        "shop",
        "TELKOMSEL5",
        "--price",
        "5700",
        "--inactive",
    ]);
    assert!(out.contains("5.700") && out.contains("inactive"), "{out}");
    let list = env.json(&["seller", "products", "--account", "shop"]);
    assert_eq!(list[0]["code"], "TELKOMSEL5");
    assert_eq!(list[0]["price"], 5700);
    assert_eq!(list[0]["status"], "inactive");
    // Checked before sending.
    let e = env.refused(&["seller", "product-set", "--account", "shop", "TELKOMSEL5"]);
    assert!(e.contains("nothing to change"), "{e}");
    let e = env.refused(&[
        "seller",
        "product-set",
        "--account",
        "shop",
        "TELKOMSEL5",
        "--price=-1",
    ]);
    assert!(e.contains("not sent"), "{e}");
    let e = env.refused(&[
        "seller",
        "product-add",
        "--account",
        "shop",
        "--code",
        "X1",
        "--name",
        "x",
        "--category",
        "postpaid",
        "--subcategory",
        "pulsa",
        "--price",
        "1",
    ]);
    assert!(e.contains("prabayar"), "{e}");
    let e = env.refused(&[
        "seller",
        "transactions",
        "--account",
        "shop",
        "--limit",
        "500",
    ]);
    assert!(e.contains("limit"), "{e}");
    let t = env.json(&["seller", "transactions", "--account", "shop"]);
    assert_eq!(t["transactions"].as_array().map(Vec::len), Some(0));
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn a_settlement_needs_confirming_is_journaled_and_not_repeated() {
    let sim = SimProcess::start("200ms");
    let env = Env::new(&sim);
    let settle = |amount: &str, extra: &[&str]| {
        let mut a = vec![
            "seller",
            "settle",
            "--account",
            "shop",
            "--amount",
            amount,
            "--bank",
            "bca",
            "--account-number",
            "1234567890",
            "--account-name",
            "Nama Pemilik",
            "--ref-id",
            "SETTLE-001",
        ];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let small = settle("49999", &["--yes"]);
    let e = env.refused(&args(&small));
    assert!(e.contains("not sent") && e.contains("50.000"), "{e}");
    // No --yes and no terminal: shown, not sent.
    let e = env.refused(&args(&settle("200000", &[])));
    assert!(
        e.contains("--yes") && e.contains("fee Rp 2.000") && e.contains("Rp 198.000"),
        "{e}"
    );
    let none = env.json(&["seller", "settlements", "--account", "shop"]);
    assert_eq!(
        none.as_array().map(Vec::len),
        Some(0),
        "nothing journaled: {none}"
    );
    let out = env.ok(&args(&settle("200000", &["--yes"])));
    assert!(
        out.contains("Requested") && out.contains("pending"),
        "{out}"
    );
    assert!(
        out.contains("fee Rp 2.000") && out.contains("net Rp 198.000"),
        "{out}"
    );
    // Same ref_id again: nothing sent, the journal's row shown.
    let out = env.ok(&args(&settle("200000", &["--yes"])));
    assert!(out.contains("Already requested"), "{out}");
    // The same ref_id for another amount is refused.
    let e = env.refused(&args(&settle("300000", &["--yes"])));
    assert!(e.contains("already used"), "{e}");
    let rows = env.json(&["seller", "settlements", "--account", "shop"]);
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
    assert_eq!(rows[0]["ref_id"], "SETTLE-001");
    assert_eq!(rows[0]["bank"]["bank_code"], "BCA");
    assert_eq!(rows[0]["net_amount"], 198000);
    // Only one that never left is sent again.
    let e = env.refused(&[
        "seller",
        "settle",
        "--account",
        "shop",
        "--resume",
        "SETTLE-001",
        "--yes",
    ]);
    assert!(e.contains("only one whose request never left"), "{e}");
    for f in walk(env.0.dir.path()) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap_or_default()).to_string();
        assert!(
            !text.contains("MARKERKEY") || f.ends_with("config.toml"),
            "key in {}",
            f.display()
        );
    }
}

/// `api-config`: the buyer's and the seller's settings round-trip through
/// the simulator; a bad change is refused before sending (the settings
/// stay as they were); the key the API echoes is never printed (`run`
/// fails on any trace of it).
#[test]
fn api_settings_round_trip_for_buyer_and_seller() {
    let sim = SimProcess::start("200ms");
    let env = Env::new(&sim);
    let before = env.json(&["api-config", "get", "--account", "topup"]);
    assert_eq!(before["settings"]["rate_limit"], 100, "{before}");
    assert_eq!(before["settings"]["is_active"], true, "{before}");

    let set = env.json(&[
        "api-config",
        "set",
        "--account",
        "topup",
        "--webhook-url",
        "https://hooks.example.com/webhook/topup",
        "--ip-whitelist",
        "203.0.113.7, 198.51.100.0/24",
        "--rate-limit",
        "250",
    ]);
    assert_eq!(set["settings"]["rate_limit"], 250, "{set}");
    let got = env.json(&["api-config", "get", "--account", "topup"]);
    assert_eq!(
        got["settings"]["webhook_url"],
        "https://hooks.example.com/webhook/topup"
    );
    assert_eq!(
        got["settings"]["ip_whitelist"],
        serde_json::json!(["203.0.113.7", "198.51.100.0/24"])
    );
    assert_eq!(got["settings"]["rate_limit"], 250);
    let text = env.ok(&["api-config", "get", "--account", "topup"]);
    assert!(
        text.contains("250 a minute") && text.contains("203.0.113.7"),
        "{text}"
    );

    // Refused before sending, and nothing changed.
    for (args, why) in [
        (&["--rate-limit", "0"][..], "1 to 1000"),
        (&["--rate-limit", "1001"][..], "1 to 1000"),
        (
            &["--webhook-url", "http://hooks.example.com/h"][..],
            "https://",
        ),
        (&["--ip-whitelist", "10.0.0.300"][..], "not an IP"),
        (&[][..], "nothing to change"),
    ] {
        let mut a = vec!["api-config", "set", "--account", "topup"];
        a.extend_from_slice(args);
        let e = env.refused(&a);
        assert!(e.contains("not sent") && e.contains(why), "{args:?}: {e}");
    }
    assert_eq!(env.json(&["api-config", "get", "--account", "topup"]), got);

    // The seller key has settings of its own, on the seller's path.
    env.ok(&[
        "api-config",
        "set",
        "--account",
        "shop",
        "--register-webhook",
        "https://vps.example.com",
        "--rate-limit",
        "60",
    ]);
    let shop = env.json(&["api-config", "get", "--account", "shop"]);
    assert_eq!(
        shop["settings"]["webhook_url"],
        "https://vps.example.com/webhook/shop"
    );
    assert_eq!(shop["settings"]["rate_limit"], 60);
    let buyer = env.json(&["api-config", "get", "--account", "topup"]);
    assert_eq!(buyer["settings"]["rate_limit"], 250, "the buyer's stayed");
}

/// `report`: the buyer's transaction report written as CSV and parsed
/// back (every top-up once, prices and totals agreeing with the summary),
/// the seller's product report, and kinds a role has not refused before
/// sending.
#[test]
fn reports_as_json_and_csv() {
    let sim = SimProcess::start("200ms");
    let env = Env::new(&sim);
    let mut refs = Vec::new();
    for (product, customer) in [
        ("TELKOMSEL5", "081234567890"),
        ("TELKOMSEL10", "081298765432"),
        ("TELKOMSEL5", "081355501234"),
    ] {
        let o = env.json(&[
            "buy",
            "--account",
            "topup",
            "--product",
            product,
            "--customer",
            customer,
        ]);
        refs.push(o["idempotency_key"].as_str().expect("key").to_string());
    }
    let csv_path = env.0.dir.path().join("report.csv");
    let out = env.run(&[
        "report",
        "--account",
        "topup",
        "--type",
        "transaction",
        "--format",
        "csv",
        "--output",
        csv_path.to_str().expect("path"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("total_transactions") && said.contains("3 rows"),
        "{said}"
    );

    let mut r = csv::Reader::from_path(&csv_path).expect("CSV opens");
    let header = r.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (ref_col, price_col) = (col("ref_id"), col("price"));
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(rows.len(), 3);
    let mut seen: Vec<String> = rows.iter().map(|x| x[ref_col].to_string()).collect();
    seen.sort();
    refs.sort();
    assert_eq!(seen, refs, "each top-up once, by its ref_id");
    let total: i64 = rows
        .iter()
        .map(|x| x[price_col].parse::<i64>().expect("whole rupiah"))
        .sum();
    let json = env.json(&["report", "--account", "topup", "--type", "transaction"]);
    assert_eq!(json["summary"]["total_amount"], total, "{json}");
    assert_eq!(json["rows"].as_array().map(Vec::len), Some(3));

    // A range with nothing in it: no rows, the summary says 0.
    let none = env.json(&[
        "report",
        "--account",
        "topup",
        "--type",
        "transaction",
        "--from",
        "2020-01-01",
        "--to",
        "2020-01-31",
    ]);
    assert_eq!(none["summary"]["total_transactions"], 0, "{none}");

    // The seller's product report counts what the seller listed.
    env.ok(&[
        "seller",
        "product-add",
        "--account",
        "shop",
        "--code",
        "RPT5",
        "--name",
        "Pulsa 5",
        "--subcategory",
        "pulsa",
        "--price",
        "5600",
    ]);
    let p = env.json(&["report", "--account", "shop", "--type", "product"]);
    assert_eq!(p["summary"]["total_products"], 1, "{p}");
    assert_eq!(p["rows"][0]["code"], "RPT5");

    // Refused before sending.
    for (args, why) in [
        (
            &["--account", "shop", "--type", "deposit"][..],
            "seller key has no 'deposit'",
        ),
        (
            &["--account", "topup", "--type", "sales"][..],
            "buyer key has no 'sales'",
        ),
        (
            &["--account", "topup", "--type", "bogus"][..],
            "not a report type",
        ),
        (
            &[
                "--account",
                "topup",
                "--type",
                "transaction",
                "--from",
                "2025-02-01",
                "--to",
                "2025-01-01",
            ][..],
            "after",
        ),
        (
            &[
                "--account",
                "topup",
                "--type",
                "transaction",
                "--from",
                "1/2/2025",
            ][..],
            "not a date",
        ),
    ] {
        let mut a = vec!["report"];
        a.extend_from_slice(args);
        let e = env.refused(&a);
        assert!(e.contains("not sent") && e.contains(why), "{args:?}: {e}");
    }
}

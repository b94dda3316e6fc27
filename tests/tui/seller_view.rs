//! The seller view in the real event loop against the in-process
//! simulator, driven from the keyboard: a product created, repriced and
//! switched off; a buyer's purchase of it listed as a sale; a settlement
//! shown with its fee and net, sent only on y, journaled; one whose reply
//! is lost kept UNCLEAR and sent again with its ref_id, withdrawing once.

use crate::common;

use common::driver::{press, wait_for};
use common::shared_backend::SharedBackend;
use futures::channel::mpsc::unbounded;
use otpdeck::app::AppSettings;
use otpdeck::domain::{BuyRequest, ProviderKind};
use otpdeck::engine::journal::Journal;
use otpdeck::providers::{Auth, ProviderSettings};
use otpdeck::secret::Secret;
use otpdeck::sim::{self, SimOptions};
use otpdeck::tui::clipboard::Recorder;
use otpdeck::tui::{self, Io, RuntimeAccount, RuntimeOptions};
use ratatui::Terminal;
use std::sync::Arc;
use std::time::Duration;

const SELLER_KEY: &str = "sim-test-seller-view";
const BUYER_KEY: &str = "sim-test-seller-view-buyer";

fn settings(url: &str, key: &str) -> ProviderSettings {
    ProviderSettings::new(
        ProviderKind::GoTopUp,
        url.to_string(),
        Auth::ApiKey(Secret::new(key)),
    )
}

/// The line of `screen` holding `needle`, or "".
fn line<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen.lines().find(|l| l.contains(needle)).unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_runs_products_sales_and_settlements_from_the_keyboard() {
    let sim = sim::start_local(SimOptions {
        otp_delay: Duration::from_millis(300),
        ..Default::default()
    })
    .await
    .expect("simulator");
    let url = sim.urls.gotopup.clone();
    let journal = Arc::new(Journal::open_in_memory().expect("journal"));
    let opts = RuntimeOptions {
        accounts: vec![
            RuntimeAccount::new(
                "topup".into(),
                ProviderKind::GoTopUp,
                Ok(settings(&url, BUYER_KEY)),
            ),
            RuntimeAccount::seller_account("shop".into(), Ok(settings(&url, SELLER_KEY))),
        ],
        settings: AppSettings::default(),
        journal: journal.clone(),
        clipboard: Default::default(),
        osc52_passthrough: false,
        balance_refresh: Duration::from_secs(60),
        notices: Vec::new(),
        rules: Default::default(),
        webhook: None,
    };
    let backend = SharedBackend::new(140, 40);
    let screen = backend.clone();
    let mut terminal = Terminal::new(backend).expect("terminal");
    let io = Io {
        clipboard: Box::new(Recorder::default()),
        out: Box::new(std::io::sink()),
    };
    let (tx, rx) = unbounded();
    let states = sim.states.clone();
    let buyer = otpdeck::providers::build(&settings(&url, BUYER_KEY)).expect("buyer");
    let script = async move {
        press(&tx, ":seller<Enter>");
        wait_for(&screen, "the empty product list", |s| {
            s.contains("Seller · shop") && s.contains("No products yet")
        })
        .await;

        // A product, from the form.
        press(&tx, "a");
        wait_for(&screen, "the product form", |s| s.contains("New product")).await;
        press(
            &tx,
            "TELKOMSEL5<Tab>Pulsa Telkomsel 5rb<Tab><Tab>pulsa<Tab>Telkomsel<Tab>5.600",
        );
        press(&tx, "<Enter>");
        let s = wait_for(&screen, "the new product", |s| {
            line(s, "TELKOMSEL5").contains("Rp 5.600")
        })
        .await;
        assert!(line(&s, "TELKOMSEL5").contains("active"), "{s}");
        assert!(
            line(&s, "TELKOMSEL5").contains("prabayar/pulsa/Telkomsel"),
            "{s}"
        );

        // Repriced: the field starts at the price shown.
        press(&tx, "p");
        wait_for(&screen, "the price form", |s| {
            s.contains("New price of TELKOMSEL5")
        })
        .await;
        press(&tx, "<BS><BS><BS><BS>6100<Enter>");
        wait_for(&screen, "the new price", |s| {
            line(s, "TELKOMSEL5").contains("Rp 6.100")
        })
        .await;

        // A buyer's purchase of the code is the seller's sale.
        let req = BuyRequest {
            service_id: "pulsa:telkomsel".into(),
            service_name: "Pulsa Telkomsel 5.000".into(),
            country_id: None,
            country_name: None,
            offer_id: "TELKOMSEL5".into(),
            price: otpdeck::money::Rupiah(5_500),
            operator: None,
            idempotency_key: "SALE-0001".into(),
            customer_number: Some("081234567890".into()),
        };
        buyer.buy(&req).await.expect("buyer purchase");
        press(&tx, "<Tab>g");
        let s = wait_for(&screen, "the sale", |s| {
            line(s, "SALE-0001").contains("TELKOMSEL5")
        })
        .await;
        assert!(line(&s, "SALE-0001").contains("081234567890"), "{s}");

        // Switched off, back on the products tab.
        press(&tx, "<Tab>");
        wait_for(&screen, "the settlements tab", |s| {
            s.contains("No settlements in the journal")
        })
        .await;
        press(&tx, "<Tab>t");
        wait_for(&screen, "the product switched off", |s| {
            line(s, "TELKOMSEL5").contains("inactive")
        })
        .await;

        // A settlement: the fee and net before anything is sent.
        press(&tx, "s");
        wait_for(&screen, "the settlement form", |s| {
            s.contains("Settlement (withdrawal)")
        })
        .await;
        press(&tx, "200.000<Tab>bca<Tab>1234567890<Tab>Toko Maju<Enter>");
        let s = wait_for(&screen, "the fee and net", |s| s.contains("net about")).await;
        assert!(s.contains("Settle Rp 200.000 to BCA 1234567890"), "{s}");
        assert!(s.contains("estimated fee Rp 2.000"), "{s}");
        assert!(s.contains("net about Rp 198.000"), "{s}");
        assert_eq!(
            states.gotopup.settlement_requests(SELLER_KEY),
            0,
            "asked, not sent"
        );
        press(&tx, "y");
        let s = wait_for(&screen, "the settlement row", |s| {
            s.contains("requested") && line(s, "Rp 200.000").contains("pending")
        })
        .await;
        assert!(line(&s, "Rp 200.000").contains("BCA 1234567890"), "{s}");

        // The reply of the next one is lost: UNCLEAR, and `r` does not send
        // it again (it may have paid out); it withdraws once.
        states.gotopup.lose_settlement_replies(SELLER_KEY, 1);
        press(&tx, "s");
        wait_for(&screen, "the settlement form", |s| {
            s.contains("Settlement (withdrawal)")
        })
        .await;
        press(&tx, "60000<Tab>BNI<Tab>99887766<Tab>Toko Maju<Enter>");
        wait_for(&screen, "the fee and net", |s| {
            s.contains("net about Rp 59.400")
        })
        .await;
        press(&tx, "<Enter>");
        let s = wait_for(&screen, "the unclear row", |s| {
            s.contains("UNCLEAR") && line(s, "Rp 60.000").contains("unclear")
        })
        .await;
        assert_eq!(states.gotopup.settlements_made(SELLER_KEY), 2, "{s}");
        press(&tx, "r");
        wait_for(&screen, "the refusal to send it again", |s| {
            s.contains("only one whose request never left is sent again")
        })
        .await;
        assert_eq!(states.gotopup.settlement_requests(SELLER_KEY), 2);
        assert_eq!(
            states.gotopup.settlements_made(SELLER_KEY),
            2,
            "withdrawn once"
        );

        // The seller key's own API settings, from the accounts pane.
        press(&tx, "<Esc>:account shop<Enter><S-Tab>w");
        wait_for(&screen, "the seller's API settings", |s| {
            s.contains("API settings · shop") && line(s, "rate limit").contains("100")
        })
        .await;
        press(&tx, "<Tab><Tab><BS><BS><BS>250<Enter>");
        wait_for(&screen, "the settings saved", |s| {
            s.contains("API settings saved on shop")
        })
        .await;
        press(&tx, "<Esc>q");
    };
    let (ran, ()) = tokio::join!(tui::run(&mut terminal, rx, opts, io), script);
    ran.expect("the loop ends cleanly");
    let keys = otpdeck::providers::gotopup::GoTopUpKeyApi::new(&settings(&url, SELLER_KEY), true)
        .expect("seller settings client");
    assert_eq!(keys.get().await.expect("settings").rate_limit, Some(250));
    let rows = journal.settlements(Some("shop")).expect("journal");
    let statuses: Vec<&str> = rows.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["unclear", "pending"]);
    sim.stop().await;
}

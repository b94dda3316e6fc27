//! The fault matrix: every row of the spending table (`domain::spending`)
//! against the simulator, under each fault, on three kinds of server (a
//! repeated key returns the original, is refused as used, or buys again).
//!
//! Each cell is one user intent on a wallet of its own: the buy (deposit,
//! settlement) with the fault on its request, then everything that may
//! send it again: the same request re-run with its key (the dashboard's
//! replay, `otpdeck buy --idempotency-key`), the reconcile every start and
//! `watch` run, and for settlements `--resume`. Then, against the
//! simulator's own ledger: at most one charge, no charge the journal calls
//! failed or not charged, nothing left mid-request (every row is a placed
//! order, a known non-order, or UNKNOWN with its amount for `resolve`), and
//! the journal's spend (what the daily cap counts) never below what the
//! provider took. The one exception is shown, not held: a row whose doc
//! promises its key (NEXOTP, OTPZap) on a server that ignores that key.
//! The table prints with `-- --nocapture` (one row or fault alone with
//! MATRIX_ROW="GoTopUp top-up" / MATRIX_FAULT="reply lost"); the README
//! shows it.

use otpdeck::domain::bill::BILL_SERVICE_PREFIX;
use otpdeck::domain::email::EMAIL_SERVICE_ID;
use otpdeck::domain::seller::{BankAccount, SettlementRequest};
use otpdeck::domain::spending::{Repeat, SpendingCall};
use otpdeck::domain::*;
use otpdeck::engine::journal::Journal;
use otpdeck::engine::seller::{self, SettleOutcome};
use otpdeck::engine::{deposits, orders, spend_limits};
use otpdeck::money::Rupiah;
use otpdeck::providers::gotopup::GoTopUpSeller;
use otpdeck::providers::{self, Auth, HttpPolicy, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::faults::{Api, Fault, FaultRule};
use otpdeck::sim::{self, RepeatMode, SimBooks, SimHandle, SimOptions};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Row {
    GateBuy,
    NexBuy,
    ZapBuy,
    EmailCreate,
    TopUp,
    Otomax,
    Bill,
    GateDeposit,
    ZapDeposit,
    GtuDeposit,
    Settlement,
}

const ROWS: [Row; 11] = [
    Row::GateBuy,
    Row::NexBuy,
    Row::ZapBuy,
    Row::EmailCreate,
    Row::TopUp,
    Row::Otomax,
    Row::Bill,
    Row::GateDeposit,
    Row::ZapDeposit,
    Row::GtuDeposit,
    Row::Settlement,
];

impl Row {
    fn name(self) -> &'static str {
        match self {
            Row::GateBuy => "GateOTP buy",
            Row::NexBuy => "NEXOTP buy",
            Row::ZapBuy => "OTPZap S1 buy",
            Row::EmailCreate => "OTPZap email create",
            Row::TopUp => "GoTopUp top-up",
            Row::Otomax => "GoTopUp Otomax",
            Row::Bill => "GoTopUp bill payment",
            Row::GateDeposit => "GateOTP deposit",
            Row::ZapDeposit => "OTPZap deposit",
            Row::GtuDeposit => "GoTopUp deposit",
            Row::Settlement => "GoTopUp settlement",
        }
    }

    /// Its row in the spending table.
    fn call(self) -> SpendingCall {
        match self {
            Row::GateBuy | Row::NexBuy | Row::ZapBuy => SpendingCall::SmsBuy(self.kind()),
            Row::EmailCreate => SpendingCall::EmailCreate,
            Row::TopUp => SpendingCall::TopUp,
            Row::Otomax => SpendingCall::OtomaxRequest {
                resend_is_status: false,
            },
            Row::Bill => SpendingCall::BillPayment,
            Row::GateDeposit | Row::ZapDeposit | Row::GtuDeposit => {
                SpendingCall::DepositCreate(self.kind())
            }
            Row::Settlement => SpendingCall::SettlementRequest,
        }
    }

    /// The rows whose API doc names a key that makes a repeat harmless,
    /// written here from the docs and not read from the code's table: were
    /// the table to trust a key the docs never promised (an Otomax ref_id,
    /// a settlement's), the "buys again" cells would fail instead of being
    /// excused as the doc's fault.
    fn doc_keyed(self) -> bool {
        matches!(self, Row::NexBuy | Row::ZapBuy | Row::ZapDeposit)
    }

    fn kind(self) -> ProviderKind {
        match self {
            Row::GateBuy | Row::GateDeposit => ProviderKind::GateOtp,
            Row::NexBuy => ProviderKind::NexOtp,
            Row::ZapBuy | Row::EmailCreate | Row::ZapDeposit => ProviderKind::OtpZap,
            _ => ProviderKind::GoTopUp,
        }
    }

    fn api(self) -> Api {
        match self.kind() {
            ProviderKind::GateOtp => Api::GateOtp,
            ProviderKind::NexOtp => Api::NexOtp,
            ProviderKind::OtpZap => Api::OtpZap,
            ProviderKind::GoTopUp => Api::GoTopUp,
        }
    }

    /// The path of its spending request (the fault fires on the first
    /// request matching it, which is that one).
    fn path(self) -> &'static str {
        match self {
            Row::GateBuy => "/api/otp/order",
            Row::NexBuy => "/api/v1/order",
            Row::ZapBuy => "/order/create",
            Row::EmailCreate => "/order/email-create",
            Row::TopUp => "/api/buyer/transaction",
            Row::Otomax => "/api/otomax/request",
            Row::Bill => "/api/buyer/payment",
            Row::GateDeposit => "/api/deposit/create",
            Row::ZapDeposit => "/topup/create",
            Row::GtuDeposit => "/api/buyer/deposit",
            Row::Settlement => "/api/seller/settlement/request",
        }
    }
}

const TIMEOUT: Duration = Duration::from_millis(600);

fn faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("reply lost", Fault::LoseReply),
        ("500 after", Fault::StatusAfter(500)),
        ("502 after", Fault::StatusAfter(502)),
        ("503 after", Fault::StatusAfter(503)),
        ("504 after", Fault::StatusAfter(504)),
        ("timeout after", Fault::SlowAfter(TIMEOUT * 3)),
        ("429 before", Fault::RateLimit(30)),
        ("malformed 200", Fault::Malformed),
    ]
}

fn settings(sim: &SimHandle, row: Row, key: &str) -> ProviderSettings {
    let auth = match row {
        Row::Otomax => Auth::Otomax {
            username: key.into(),
            sign: Secret::new("SIGN-1"),
        },
        _ => Auth::ApiKey(Secret::new(key.to_string())),
    };
    let mut s = ProviderSettings::new(row.kind(), sim.urls.for_kind(row.kind()), auth);
    s.http = HttpPolicy {
        request_timeout: TIMEOUT,
        backoff: Duration::from_millis(10),
        max_retry_wait: Duration::from_millis(50),
        ..HttpPolicy::default()
    };
    s
}

async fn sms_request(p: &SharedProvider, key: &str) -> BuyRequest {
    let services = p.services().await.expect("services");
    for s in services.iter().filter(|s| s.id != EMAIL_SERVICE_ID) {
        let countries = p.countries(&s.id).await.unwrap_or_default();
        let country = countries.first();
        let offers = p
            .offers(&s.id, country.map(|c| c.id.as_str()))
            .await
            .unwrap_or_default();
        if let Some(o) = offers
            .iter()
            .find(|o| o.in_stock() && !o.id.starts_with("s2"))
        {
            return BuyRequest {
                service_id: s.id.clone(),
                service_name: s.name.clone(),
                country_id: country.map(|c| c.id.clone()),
                country_name: country.map(|c| c.name.clone()),
                offer_id: o.id.clone(),
                price: o.price,
                operator: None,
                idempotency_key: key.into(),
                customer_number: None,
            };
        }
    }
    panic!("no offer in stock");
}

async fn request(p: &SharedProvider, row: Row, key: &str) -> BuyRequest {
    let topup = |offer: &str, price: i64| BuyRequest {
        service_id: "pulsa:telkomsel".into(),
        service_name: "Pulsa Telkomsel".into(),
        country_id: None,
        country_name: None,
        offer_id: offer.into(),
        price: Rupiah(price),
        operator: None,
        idempotency_key: key.into(),
        customer_number: Some("081234567890".into()),
    };
    match row {
        Row::TopUp | Row::Otomax => topup("TELKOMSEL10", 10_500),
        Row::Bill => {
            let bill = p
                .bills()
                .expect("GoTopUp has bills")
                .inquiry("PLN-PASCABAYAR", "12345678901")
                .await
                .expect("inquiry");
            BuyRequest {
                service_id: format!("{BILL_SERVICE_PREFIX}PLN-PASCABAYAR"),
                service_name: "PLN-PASCABAYAR".into(),
                offer_id: "PLN-PASCABAYAR".into(),
                price: bill.total,
                customer_number: Some("12345678901".into()),
                ..topup("PLN-PASCABAYAR", 0)
            }
        }
        Row::EmailCreate => {
            let offers = p
                .offers(EMAIL_SERVICE_ID, Some("openai.com"))
                .await
                .expect("email offers");
            let o = offers.iter().find(|o| o.in_stock()).expect("a domain");
            BuyRequest {
                service_id: EMAIL_SERVICE_ID.into(),
                service_name: "Email OTP".into(),
                country_id: o.country_id.clone(),
                country_name: o.country_id.clone(),
                offer_id: o.id.clone(),
                price: o.price,
                operator: None,
                idempotency_key: key.into(),
                customer_number: None,
            }
        }
        _ => sms_request(p, key).await,
    }
}

/// Charges (invoices, withdrawals) the simulator made for `key`.
fn charged(sim: &SimHandle, row: Row, key: &str) -> usize {
    let st = &sim.states;
    match row {
        Row::GateBuy => st.gateotp.charges(key).len(),
        Row::NexBuy => st.nexotp.charges(key).len(),
        Row::ZapBuy | Row::EmailCreate => st.otpzap.charges(key).len(),
        Row::TopUp | Row::Otomax | Row::Bill => st.gotopup.charges(key).len(),
        Row::GateDeposit => st.gateotp.deposits_made(key),
        Row::ZapDeposit => st.otpzap.deposits_made(key),
        Row::GtuDeposit => st.gotopup.deposits_made(key),
        Row::Settlement => st.gotopup.settlements_made(key),
    }
}

/// What the journal ends with, and whether it calls the intent "not
/// charged" (failed, refused, never sent).
struct Ended {
    outcome: String,
    not_charged: bool,
    mid_request: bool,
    spent: Rupiah,
}

async fn buy_cell(sim: &SimHandle, row: Row, key: &str, intent: &str, fault: &Fault) -> Ended {
    let p = providers::build(&settings(sim, row, key)).expect("adapter");
    let j = Journal::open_in_memory().expect("journal");
    let req = request(&p, row, intent).await;
    sim.states
        .faults
        .push(FaultRule::once(row.api(), row.path(), fault.clone()));
    let _ = orders::buy(p.as_ref(), &j, "acct", &req).await;
    sim.states.faults.clear();
    // Everything that may send it again: a re-run with the key (the
    // dashboard's replay), the reconcile of every start and of `watch`.
    let _ = orders::buy(p.as_ref(), &j, "acct", &req).await;
    let _ = orders::reconcile_unknown(p.as_ref(), &j, "acct").await;
    let _ = orders::buy(p.as_ref(), &j, "acct", &req).await;
    let o = j
        .find_by_key("acct", &req.idempotency_key)
        .expect("journal")
        .expect("the order is journaled");
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    Ended {
        outcome: o.status.as_str().to_string(),
        not_charged: o.status == OrderStatus::Failed,
        mid_request: o.status == OrderStatus::Buying,
        spent: spend_limits::spent(&j, Some("acct"), since),
    }
}

async fn deposit_cell(sim: &SimHandle, row: Row, key: &str, intent: &str, fault: &Fault) -> Ended {
    let p = providers::build(&settings(sim, row, key)).expect("adapter");
    let j = Journal::open_in_memory().expect("journal");
    let method = match row {
        Row::GtuDeposit => DepositMethod::Direct,
        _ => DepositMethod::Qris,
    };
    let req = DepositRequest {
        amount: Rupiah(60_000),
        method,
        key: intent.to_string(),
    };
    sim.states
        .faults
        .push(FaultRule::once(row.api(), row.path(), fault.clone()));
    let _ = deposits::create(p.as_ref(), &j, "acct", &req).await;
    sim.states.faults.clear();
    let _ = deposits::create(p.as_ref(), &j, "acct", &req).await;
    let _ = deposits::create(p.as_ref(), &j, "acct", &req).await;
    let d = j
        .deposit_by_key("acct", &req.key)
        .expect("journal")
        .expect("the deposit is journaled");
    Ended {
        outcome: d.status.as_str().to_string(),
        not_charged: d.status == DepositStatus::Failed,
        mid_request: d.status == DepositStatus::Creating,
        spent: Rupiah::ZERO,
    }
}

async fn settlement_cell(sim: &SimHandle, key: &str, intent: &str, fault: &Fault) -> Ended {
    let s = GoTopUpSeller::new(&settings(sim, Row::Settlement, key)).expect("seller");
    let j = Journal::open_in_memory().expect("journal");
    let req = SettlementRequest {
        amount: Rupiah(60_000),
        bank: BankAccount::typed("BCA", "1234567890", "Toko Maju"),
        ref_id: intent.to_string(),
    };
    sim.states.faults.push(FaultRule::once(
        Api::GoTopUp,
        Row::Settlement.path(),
        fault.clone(),
    ));
    let _ = seller::settle(&j, &s, "acct", &req).await;
    sim.states.faults.clear();
    let _ = seller::resume(&j, &s, "acct", &req.ref_id).await;
    let last = seller::settle(&j, &s, "acct", &req).await;
    let row = j
        .settlement("acct", &req.ref_id)
        .expect("journal")
        .expect("the settlement is journaled");
    if let Ok(SettleOutcome::Refused(_)) = last {
        assert!(matches!(row.status.as_str(), "refused" | "not_sent"));
    }
    Ended {
        not_charged: matches!(row.status.as_str(), "refused" | "not_sent" | "failed"),
        mid_request: row.status == "sending",
        outcome: row.status,
        spent: Rupiah::ZERO,
    }
}

async fn cell(sim: &SimHandle, row: Row, key: &str, intent: &str, fault: &Fault) -> Ended {
    match row {
        Row::GateDeposit | Row::ZapDeposit | Row::GtuDeposit => {
            deposit_cell(sim, row, key, intent, fault).await
        }
        Row::Settlement => settlement_cell(sim, key, intent, fault).await,
        _ => buy_cell(sim, row, key, intent, fault).await,
    }
}

fn mode_name(m: RepeatMode) -> &'static str {
    match m {
        RepeatMode::Original => "returns original",
        RepeatMode::RefusedAsUsed => "refused as used",
        RepeatMode::BuysAgain => "buys again",
        RepeatMode::Documented => "documented",
    }
}

#[test]
fn the_table_trusts_no_key_the_docs_do_not_name() {
    for row in ROWS {
        if row.call().repeat() == Repeat::Keyed {
            assert!(
                row.doc_keyed(),
                "{} is replayed under a key its doc never promised",
                row.name()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spending_call_holds_under_every_fault_on_every_server() {
    let modes = [
        RepeatMode::Original,
        RepeatMode::RefusedAsUsed,
        RepeatMode::BuysAgain,
    ];
    let faults = faults();
    let mut table = String::from("| call | fault |");
    for m in modes {
        table.push_str(&format!(" {} |", mode_name(m)));
    }
    table.push_str("\n| --- | --- | --- | --- | --- |\n");
    let mut broken = Vec::new();
    let mut cells: Vec<Vec<String>> =
        vec![vec![String::new(); modes.len()]; ROWS.len() * faults.len()];
    for (mi, mode) in modes.iter().enumerate() {
        let sim = sim::start_local(SimOptions {
            otp_delay: Duration::from_millis(200),
            deposit_paid_after: Duration::from_secs(600),
            repeat: *mode,
            ..Default::default()
        })
        .await
        .expect("simulator");
        for (ri, row) in ROWS.iter().enumerate() {
            if std::env::var("MATRIX_ROW").is_ok_and(|r| r != row.name()) {
                continue;
            }
            for (fi, (fname, fault)) in faults.iter().enumerate() {
                if std::env::var("MATRIX_FAULT").is_ok_and(|f| f != *fname) {
                    continue;
                }
                // The API key (the wallet) and the intent's key differ: a
                // reply is scrubbed of the API key wherever it appears.
                let key = format!("sim-m{mi}-r{ri}-f{fi}");
                let intent = format!("intent-{mi}-{ri}-{fi}");
                let end = cell(&sim, *row, &key, &intent, fault).await;
                let n = charged(&sim, *row, &key);
                let what = format!("{} / {fname} / {}", row.name(), mode_name(*mode));
                // A row the table trusts to its doc's key, on a server that
                // ignores that key: the doc is broken, and a replay (the
                // HTTP layer's, the engine's) may buy again. Shown, not held.
                let doc_broken = row.doc_keyed() && *mode == RepeatMode::BuysAgain;
                if n > 1 && !doc_broken {
                    broken.push(format!("{what}: charged {n} times for one intent"));
                }
                if n > 0 && end.not_charged {
                    broken.push(format!(
                        "{what}: the provider charged it but the journal says {}",
                        end.outcome
                    ));
                }
                if end.mid_request {
                    broken.push(format!("{what}: left mid-request ({})", end.outcome));
                }
                let took: Rupiah = match row {
                    Row::GateBuy => sim
                        .states
                        .gateotp
                        .charges(&key)
                        .iter()
                        .map(|c| c.amount)
                        .sum(),
                    Row::NexBuy => sim
                        .states
                        .nexotp
                        .charges(&key)
                        .iter()
                        .map(|c| c.amount)
                        .sum(),
                    Row::ZapBuy | Row::EmailCreate => sim
                        .states
                        .otpzap
                        .charges(&key)
                        .iter()
                        .map(|c| c.amount)
                        .sum(),
                    Row::TopUp | Row::Otomax | Row::Bill => sim
                        .states
                        .gotopup
                        .charges(&key)
                        .iter()
                        .map(|c| c.amount)
                        .sum(),
                    _ => Rupiah::ZERO,
                };
                if end.spent < took && !doc_broken {
                    broken.push(format!(
                        "{what}: the daily cap counts {} where the provider took {took}",
                        end.spent
                    ));
                }
                cells[ri * faults.len() + fi][mi] = format!(
                    "{} ({n}){}",
                    end.outcome,
                    if doc_broken && n > 1 {
                        " doc broken"
                    } else {
                        ""
                    }
                );
            }
        }
        sim.stop().await;
    }
    for (ri, row) in ROWS.iter().enumerate() {
        for (fi, (fname, _)) in faults.iter().enumerate() {
            table.push_str(&format!("| {} | {fname} |", row.name()));
            for c in &cells[ri * faults.len() + fi] {
                table.push_str(&format!(" {c} |"));
            }
            table.push('\n');
        }
    }
    println!("journal outcome (charges the simulator made):\n{table}");
    assert!(broken.is_empty(), "{}\n\n{table}", broken.join("\n"));
}

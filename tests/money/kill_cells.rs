//! The fault matrix's SIGKILL cells for the spending calls that
//! `crash_recovery.rs` does not kill: deposits on the three APIs that take
//! them, a settlement, an Otomax top-up and a postpaid bill. The real
//! binary is killed twice per row: while its request is held before the
//! provider carries it out (the journal row is written, nothing is done),
//! and after the provider did the work but before the reply came back.
//! Then the same command is run again with the same key, and the journal is
//! checked against the simulator's own ledger: at most one charge
//! (invoice, withdrawal), no charge the journal calls failed or not sent,
//! and no row left mid-request once the command ran again.

use otpdeck::domain::{DepositStatus, OrderStatus};
use otpdeck::engine::journal::{Journal, OrderFilter};
use otpdeck::sim::faults::{Api, Fault, FaultRule};
use otpdeck::sim::{self, SimBooks, SimHandle, SimOptions};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_otpdeck");
const HOLD: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Row {
    GateDeposit,
    ZapDeposit,
    GtuDeposit,
    Settlement,
    Otomax,
    Bill,
}

impl Row {
    fn api(self) -> Api {
        match self {
            Row::GateDeposit => Api::GateOtp,
            Row::ZapDeposit => Api::OtpZap,
            _ => Api::GoTopUp,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Row::GateDeposit => "/api/deposit/create",
            Row::ZapDeposit => "/topup/create",
            Row::GtuDeposit => "/api/buyer/deposit",
            Row::Settlement => "/api/seller/settlement/request",
            Row::Otomax => "/api/otomax/request",
            Row::Bill => "/api/buyer/payment",
        }
    }

    fn account(self) -> &'static str {
        match self {
            Row::GateDeposit => "gate",
            Row::ZapDeposit => "zap",
            Row::GtuDeposit | Row::Bill => "gtu",
            Row::Settlement => "shop",
            Row::Otomax => "oto",
        }
    }

    fn args(self, key: &str) -> Vec<String> {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        match self {
            Row::GateDeposit | Row::ZapDeposit | Row::GtuDeposit => {
                let amount = if self == Row::GtuDeposit {
                    "60000"
                } else {
                    "20000"
                };
                a(&[
                    "deposit",
                    "create",
                    "--account",
                    self.account(),
                    "--amount",
                    amount,
                    "--idempotency-key",
                    key,
                ])
            }
            Row::Settlement => a(&[
                "seller",
                "settle",
                "--account",
                "shop",
                "--amount",
                "60000",
                "--bank",
                "BCA",
                "--account-number",
                "1234567890",
                "--account-name",
                "Toko Maju",
                "--ref-id",
                key,
                "--yes",
            ]),
            Row::Otomax => a(&[
                "buy",
                "--account",
                "oto",
                "--product",
                "TELKOMSEL10",
                "--customer",
                "081234567890",
                "--idempotency-key",
                key,
            ]),
            Row::Bill => a(&[
                "bill",
                "pay",
                "--account",
                "gtu",
                "--product",
                "PLN-PASCABAYAR",
                "--customer",
                "12345678901",
                "--idempotency-key",
                key,
                "--yes",
            ]),
        }
    }
}

struct World {
    rt: tokio::runtime::Runtime,
    sim: Option<SimHandle>,
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl World {
    fn start() -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = rt
            .block_on(sim::start_local(SimOptions {
                otp_delay: Duration::from_millis(300),
                deposit_paid_after: Duration::from_secs(600),
                ..Default::default()
            }))
            .expect("simulator");
        let dir = tempfile::tempdir().expect("tmp");
        let config = dir.path().join("config.toml");
        let u = &sim.urls;
        let text = format!(
            "[[accounts]]\nname = \"gate\"\nprovider = \"gateotp\"\nbase_url = \"{}\"\napi_key = \"sim-kill-gate\"\n\n\
             [[accounts]]\nname = \"zap\"\nprovider = \"otpzap\"\nbase_url = \"{}\"\napi_key = \"sim-kill-zap\"\n\n\
             [[accounts]]\nname = \"gtu\"\nprovider = \"gotopup\"\nbase_url = \"{}\"\napi_key = \"sim-kill-gtu\"\n\n\
             [[accounts]]\nname = \"shop\"\nprovider = \"gotopup\"\nrole = \"seller\"\nbase_url = \"{}\"\napi_key = \"sim-kill-shop\"\n\n\
             [[accounts]]\nname = \"oto\"\nprovider = \"gotopup\"\nbase_url = \"{}\"\notomax_username = \"sim-kill-oto\"\notomax_sign = \"SIGN-1\"\n",
            u.gateotp, u.otpzap, u.gotopup, u.gotopup, u.gotopup
        );
        std::fs::write(&config, text).expect("config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600));
        }
        World {
            rt,
            sim: Some(sim),
            dir,
            config,
        }
    }

    fn sim(&self) -> &SimHandle {
        self.sim.as_ref().expect("simulator running")
    }

    fn cmd(&self, args: &[String]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    fn journal(&self) -> Journal {
        Journal::open(&self.dir.path().join("data").join("journal.sqlite3")).expect("journal")
    }

    /// Faults fired so far: the held request has reached the simulator.
    fn fired(&self) -> u64 {
        self.sim().states.faults.injected()
    }

    /// Charges (invoices, withdrawals) the simulator made for the row.
    fn charged(&self, row: Row) -> usize {
        let st = &self.sim().states;
        match row {
            Row::GateDeposit => st.gateotp.deposits_made("sim-kill-gate"),
            Row::ZapDeposit => st.otpzap.deposits_made("sim-kill-zap"),
            Row::GtuDeposit => st.gotopup.deposits_made("sim-kill-gtu"),
            Row::Settlement => st.gotopup.settlements_made("sim-kill-shop"),
            Row::Otomax => st.gotopup.charges("sim-kill-oto").len(),
            Row::Bill => st
                .gotopup
                .charges("sim-kill-gtu")
                .iter()
                .filter(|c| {
                    c.client_key
                        .as_deref()
                        .is_some_and(|k| k.starts_with("bill-"))
                })
                .count(),
        }
    }

    /// Where the journal left the row's intent: (status, "not charged",
    /// "mid-request").
    fn ended(&self, row: Row, key: &str) -> (String, bool, bool) {
        let j = self.journal();
        let acct = row.account();
        match row {
            Row::GateDeposit | Row::ZapDeposit | Row::GtuDeposit => {
                let d = j
                    .deposit_by_key(acct, key)
                    .expect("journal")
                    .expect("journaled");
                (
                    d.status.as_str().to_string(),
                    d.status == DepositStatus::Failed,
                    d.status == DepositStatus::Creating,
                )
            }
            Row::Settlement => {
                let r = j
                    .settlement(acct, key)
                    .expect("journal")
                    .expect("journaled");
                let not = matches!(r.status.as_str(), "refused" | "not_sent");
                (r.status.clone(), not, r.status == "sending")
            }
            Row::Otomax | Row::Bill => {
                let o = j
                    .orders(&OrderFilter {
                        account: Some(acct.into()),
                        ..Default::default()
                    })
                    .expect("orders")
                    .into_iter()
                    .find(|o| o.idempotency_key == key)
                    .expect("journaled");
                (
                    o.status.as_str().to_string(),
                    o.status == OrderStatus::Failed,
                    o.status == OrderStatus::Buying,
                )
            }
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(s) = self.sim.take() {
            self.rt.block_on(s.stop());
        }
    }
}

/// Runs the row's command, SIGKILLs it once `ready` holds, then runs it
/// again with the same key (and `orders`, whose start reconciles nothing
/// it must not). Returns the outcome line.
fn kill_cell(
    w: &World,
    row: Row,
    key: &str,
    fault: Fault,
    ready: impl Fn(&World) -> bool,
) -> String {
    let base = w.charged(row);
    w.sim()
        .states
        .faults
        .push(FaultRule::once(row.api(), row.path(), fault));
    let mut child = w.cmd(&row.args(key)).spawn().expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !ready(w) {
        assert!(
            Instant::now() < deadline,
            "{row:?}: the request never arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    w.sim().states.faults.clear();
    let _ = w.cmd(&row.args(key)).status();
    let _ = w
        .cmd(&[
            "orders".to_string(),
            "--account".into(),
            row.account().into(),
        ])
        .status();
    let (status, not_charged, mid) = w.ended(row, key);
    let n = w.charged(row) - base;
    assert!(n <= 1, "{row:?} {key}: charged {n} times for one intent");
    assert!(
        !(n > 0 && not_charged),
        "{row:?} {key}: the provider charged it but the journal says {status}"
    );
    assert!(!mid, "{row:?} {key}: left mid-request ({status})");
    format!("{row:?} {key}: {status} ({n})")
}

#[test]
fn a_kill_before_or_after_the_provider_acts_never_charges_twice() {
    let w = World::start();
    let mut lines = Vec::new();
    let rows = [
        Row::GateDeposit,
        Row::ZapDeposit,
        Row::GtuDeposit,
        Row::Settlement,
        Row::Otomax,
        Row::Bill,
    ];
    for row in rows {
        // Killed while the request is held before the provider acts: the
        // journal row exists, nothing was done.
        let fired = w.fired();
        let key = format!("{}-before-{}", prefix(row), row.account());
        lines.push(kill_cell(&w, row, &key, Fault::Slow(HOLD), |w| {
            w.fired() > fired
        }));
        // Killed after the provider did the work, before the reply.
        let done = w.charged(row);
        let key = format!("{}-after-{}", prefix(row), row.account());
        lines.push(kill_cell(&w, row, &key, Fault::SlowAfter(HOLD), |w| {
            w.charged(row) > done
        }));
    }
    println!("{}", lines.join("\n"));
}

fn prefix(row: Row) -> &'static str {
    match row {
        Row::Bill => "bill",
        Row::Otomax => "oto",
        Row::Settlement => "set",
        _ => "dep",
    }
}

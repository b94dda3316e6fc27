//! Hostile input through the real binary: a provider stand-in whose names,
//! messages, OTPs and SNs carry terminal escapes (`otpdeck sim --hostile`)
//! drives catalog, buy, watch, orders, balance and errors, and no output
//! byte is an escape otpdeck did not write itself; a log file that cannot
//! be made is a warning, not a crash.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::common;

use common::process::{write_private, SimProcess, BIN};

struct Env {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Env {
    fn new(sim: &SimProcess) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        let mut text = String::new();
        for (name, api) in [
            ("gate", "gateotp"),
            ("nex", "nexotp"),
            ("zap", "otpzap"),
            ("gtu", "gotopup"),
        ] {
            text.push_str(&format!(
                "[[accounts]]\nname = \"{name}\"\nprovider = \"{api}\"\nbase_url = \"{}\"\napi_key = \"sim-hostile-{name}\"\n\n",
                sim.url(api)
            ));
        }
        write_private(&config, &text);
        Env { dir, config }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args)
            .output()
            .expect("run otpdeck")
    }
}

/// Every byte a terminal could act on: C0 controls but newline and tab,
/// DEL, C1 controls (UTF-8 C2 80..9F), and the bidi overrides and
/// zero-width characters that hide text.
fn escapes_in(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        let c1 = *b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n));
        // U+202A..U+202E, U+200B, U+200E, U+200F: E2 80 AA..AE, 8B, 8E, 8F.
        let bidi = *b == 0xE2
            && bytes.get(i + 1) == Some(&0x80)
            && bytes
                .get(i + 2)
                .is_some_and(|n| (0xAA..=0xAE).contains(n) || [0x8B, 0x8E, 0x8F].contains(n));
        if (*b < 0x20 && *b != b'\n' && *b != b'\t') || *b == 0x7F || c1 || bidi {
            out.push(i);
        }
    }
    out
}

fn clean(what: &str, o: &Output) -> String {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let at = escapes_in(bytes);
        assert!(
            at.is_empty(),
            "{what}: {stream} carries {} control bytes: {:?}",
            at.len(),
            String::from_utf8_lossy(bytes)
        );
    }
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn no_provider_text_reaches_the_terminal_as_escapes() {
    let sim = SimProcess::start_with("300ms", &["--hostile"]);
    let env = Env::new(&sim);
    let mut seen = String::new();
    for acc in ["gate", "nex", "zap", "gtu"] {
        let o = env.run(&["catalog", "--account", acc]);
        assert!(o.status.success(), "catalog {acc}");
        seen += &clean(&format!("catalog {acc}"), &o);
    }
    let o = env.run(&["catalog", "--account", "nex", "--service", "telegram"]);
    seen += &clean("countries", &o);
    let o = env.run(&[
        "catalog",
        "--account",
        "gtu",
        "--service",
        "pulsa:telkomsel",
    ]);
    seen += &clean("products", &o);
    seen += &clean("balance", &env.run(&["balance"]));
    let o = env.run(&[
        "buy",
        "--account",
        "nex",
        "--service",
        "telegram",
        "--country",
        "id",
    ]);
    assert!(
        o.status.success(),
        "buy: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    seen += &clean("buy", &o);
    let o = env.run(&["watch", "--account", "nex", "1"]);
    assert!(o.status.success(), "watch");
    let otp = clean("watch", &o);
    // The code itself is found inside the hostile SMS.
    assert!(
        otp.trim().chars().all(|c| c.is_ascii_digit()),
        "watch printed {otp:?}"
    );
    seen += &clean("orders", &env.run(&["orders"]));
    // A refusal whose message is hostile.
    let o = env.run(&["cancel", "--account", "nex", "1"]);
    assert!(!o.status.success());
    seen += &clean("cancel error", &o);
    // A top-up whose SN is hostile.
    let o = env.run(&[
        "buy",
        "--account",
        "gtu",
        "--product",
        "TELKOMSEL5",
        "--customer",
        "081234567890",
    ]);
    assert!(
        o.status.success(),
        "top-up: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    seen += &clean("top-up", &o);
    let o = env.run(&["watch", "--account", "gtu", "2"]);
    seen += &clean("top-up watch", &o);
    seen += &clean("orders after top-up", &env.run(&["orders"]));
    // What was hostile is still there to read, made visible.
    assert!(seen.contains("Telegram\u{241b}]52;c;"), "{seen}");
    assert!(seen.contains("\u{241b}[8m"), "{seen}");
    assert!(seen.contains("rm -rf ~"), "the SN's tail is shown: {seen}");
}

#[test]
fn a_log_file_that_cannot_be_made_is_a_warning() {
    let sim = SimProcess::start("300ms");
    let env = Env::new(&sim);
    // The log dir's place is taken by a file: nothing can be created in it.
    let state = env.dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(state.join("logs"), b"not a dir").unwrap();
    let o = Command::new(BIN)
        .arg("--config")
        .arg(&env.config)
        .arg("--data-dir")
        .arg(&state)
        .arg("balance")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "exit {:?}: {err}", o.status.code());
    assert!(err.contains("no log this run"), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("Rp 500.000"));
}

mod disk {
    //! The journal as a failing disk: a poll whose answer cannot be written
    //! keeps its poller alive and journals the OTP once writes work again;
    //! a journal deleted or replaced under a running process stops spending.

    use otpdeck::domain::{BuyRequest, OrderStatus, ProviderKind};
    use otpdeck::engine::journal::{Journal, JournalError};
    use otpdeck::engine::orders;
    use otpdeck::engine::poller::{self, PollEvent, PollTiming};
    use otpdeck::providers::{self, Auth, ProviderSettings, SharedProvider};
    use otpdeck::secret::Secret;
    use otpdeck::sim::{self, SimBooks, SimOptions};
    use std::sync::Arc;
    use std::time::Duration;

    async fn nexotp_buy(
        p: &SharedProvider,
        journal: &Journal,
        key: &str,
    ) -> Result<otpdeck::domain::Order, orders::EngineError> {
        let o = p
            .offers("whatsapp", Some("id"))
            .await
            .expect("offers")
            .into_iter()
            .find(|o| o.in_stock())
            .expect("an offer");
        let req = BuyRequest {
            service_id: "whatsapp".into(),
            service_name: "WhatsApp".into(),
            country_id: Some("id".into()),
            country_name: None,
            offer_id: o.id,
            price: o.price,
            operator: None,
            idempotency_key: key.into(),
            customer_number: None,
        };
        orders::buy(p.as_ref(), journal, "nex", &req)
            .await
            .map(|b| b.order)
    }

    fn provider(sim: &sim::SimHandle, key: &str) -> SharedProvider {
        providers::build(&ProviderSettings::new(
            ProviderKind::NexOtp,
            sim.urls.nexotp.clone(),
            Auth::ApiKey(Secret::new(key)),
        ))
        .expect("adapter")
    }

    /// Another process holds the journal's write lock (a stand-in for a
    /// full or failing disk: every write fails) while the OTP arrives.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_poll_that_cannot_be_written_is_retried_until_it_is() {
        let sim = sim::start_local(SimOptions {
            otp_delay: Duration::from_millis(300),
            ..Default::default()
        })
        .await
        .expect("sim");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite3");
        let journal = Arc::new(Journal::open(&path).expect("journal"));
        let p = provider(&sim, "sim-disk-1");
        let order = nexotp_buy(&p, &journal, "disk-k1").await.expect("buy");
        let blocker = rusqlite::Connection::open(&path).unwrap();
        blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let timing = PollTiming {
            min: Duration::from_millis(100),
            max: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        let _task = poller::spawn(
            p.clone(),
            journal.clone(),
            order.clone(),
            timing,
            move |e| {
                let _ = tx.send(e);
            },
        );
        // The answer that cannot be written is still shown, marked.
        let shown = loop {
            match super::next_event(&mut rx).await {
                PollEvent::Unsaved { order, error } => break (order, error),
                PollEvent::Stopped { .. } => panic!("the poller stopped on a journal error"),
                _ => {}
            }
        };
        assert!(!shown.0.otps.is_empty(), "the OTP is on screen: {shown:?}");
        // Not saved, so not final: the poller and the book go on as if
        // nothing ended.
        assert_eq!(shown.0.status, order.status);
        assert!(shown.0.note.as_deref().unwrap_or("").contains("NOT SAVED"));
        assert!(journal.order(order.id).unwrap().unwrap().otps.is_empty());
        // Space comes back: the same poller writes it, no restart.
        blocker.execute_batch("ROLLBACK").unwrap();
        drop(blocker);
        loop {
            match super::next_event(&mut rx).await {
                PollEvent::Changed(c) if !c.order.otps.is_empty() => break,
                PollEvent::Stopped { .. } => panic!("stopped before the OTP was written"),
                _ => {}
            }
        }
        let saved = journal.order(order.id).unwrap().unwrap();
        assert_eq!(saved.otps, shown.0.otps, "journaled once, the code shown");
        assert_ne!(saved.status, OrderStatus::Unknown);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_journal_deleted_or_replaced_under_a_running_process_stops_spending() {
        let sim = sim::start_local(SimOptions::default()).await.expect("sim");
        let p = provider(&sim, "sim-disk-2");
        for replace in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("journal.sqlite3");
            let journal = Journal::open(&path).expect("journal");
            nexotp_buy(&p, &journal, &format!("gone-{replace}-1"))
                .await
                .expect("the first buy");
            for f in [
                "journal.sqlite3",
                "journal.sqlite3-wal",
                "journal.sqlite3-shm",
            ] {
                let _ = std::fs::remove_file(dir.path().join(f));
            }
            if replace {
                drop(Journal::open(&path).expect("another journal"));
            }
            let before = sim.states.nexotp.charges("sim-disk-2").len();
            match nexotp_buy(&p, &journal, &format!("gone-{replace}-2")).await {
                Err(orders::EngineError::Journal(e @ JournalError::Replaced { .. })) => {
                    let said = e.to_string();
                    assert!(said.contains("restart otpdeck"), "{said}");
                    assert!(
                        said.contains(if replace { "replaced" } else { "deleted" }),
                        "{said}"
                    );
                }
                other => panic!("a buy into a vanished journal: {other:?}"),
            }
            assert_eq!(
                sim.states.nexotp.charges("sim-disk-2").len(),
                before,
                "nothing was sent"
            );
        }
    }
}

#[test]
fn a_corrupt_journal_names_its_path_and_what_to_do() {
    let sim = SimProcess::start("300ms");
    let env = Env::new(&sim);
    let data = env.dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("journal.sqlite3"), vec![0x5a; 64 * 1024]).unwrap();
    let o = env.run(&["orders"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("journal.sqlite3"), "{err}");
    assert!(err.contains("move it aside"), "{err}");
}

async fn next_event(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<otpdeck::engine::poller::PollEvent>,
) -> otpdeck::engine::poller::PollEvent {
    tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
        .await
        .expect("an event within 20 s")
        .expect("the poller is alive")
}

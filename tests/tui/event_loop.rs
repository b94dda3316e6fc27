//! The real event loop on ratatui's `TestBackend`, driven by a scripted
//! stream of key events: keys in, pollers against the in-process
//! simulator, effects carried out, frames drawn, copies recorded.

use crate::common;

use common::shared_backend::SharedBackend;
use futures::channel::mpsc::unbounded;
use otpdeck::app::AppSettings;
use otpdeck::domain::ProviderKind;
use otpdeck::engine::journal::{Journal, OrderFilter};
use otpdeck::providers::{Auth, ProviderSettings};
use otpdeck::secret::Secret;
use otpdeck::sim::faults::{Api, Fault, FaultRule};
use otpdeck::sim::{self, SimBooks, SimOptions};
use otpdeck::tui::clipboard::Recorder;
use otpdeck::tui::{self, Io, RuntimeAccount, RuntimeOptions};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::driver::{press, wait_for, Keys};

/// What a test runs the loop with.
struct Setup {
    /// (API, account name, GateOTP markup)
    accounts: Vec<(ProviderKind, String, i64)>,
    keys: BTreeMap<String, Vec<String>>,
    sim: SimOptions,
    size: (u16, u16),
    rules: otpdeck::domain::Rules,
    /// Faults the simulator injects from the start.
    faults: Vec<FaultRule>,
}

impl Setup {
    fn one(kind: ProviderKind, name: &str) -> Setup {
        Setup {
            accounts: vec![(kind, name.to_string(), 0)],
            keys: BTreeMap::new(),
            sim: SimOptions::default(),
            size: (120, 40),
            rules: Default::default(),
            faults: Vec::new(),
        }
    }
}

/// Runs the real loop against a fresh simulator and an in-memory journal
/// while `script` types keys and reads the screen; the loop must end
/// cleanly (the script quits). Gives back the script's result and the
/// journal.
async fn drive<T, Fut>(
    setup: Setup,
    script: impl FnOnce(Keys, SharedBackend, Recorder) -> Fut,
) -> (T, Arc<Journal>)
where
    Fut: Future<Output = T>,
{
    let handle = sim::start_local(setup.sim.clone())
        .await
        .expect("simulator");
    let journal = Arc::new(Journal::open_in_memory().expect("journal"));
    let out = drive_on(&handle, journal.clone(), setup, script).await;
    (out, journal)
}

/// Like `drive`, on a simulator and a journal the test keeps (to restart
/// the dashboard on them).
async fn drive_on<T, Fut>(
    handle: &sim::SimHandle,
    journal: Arc<Journal>,
    setup: Setup,
    script: impl FnOnce(Keys, SharedBackend, Recorder) -> Fut,
) -> T
where
    Fut: Future<Output = T>,
{
    for rule in setup.faults.iter().cloned() {
        handle.states.faults.push(rule);
    }
    let accounts = setup
        .accounts
        .iter()
        .map(|(kind, name, markup)| {
            let mut settings = ProviderSettings::new(
                *kind,
                handle.urls.for_kind(*kind),
                Auth::ApiKey(Secret::new(format!("sim-test-{name}"))),
            );
            settings.markup = otpdeck::money::Rupiah(*markup);
            RuntimeAccount::new(name.clone(), *kind, Ok(settings))
        })
        .collect();
    let opts = RuntimeOptions {
        accounts,
        settings: AppSettings {
            keys: setup.keys,
            // The app decides the timed rules (auto_replace_after) and
            // shows the price rule; the runtime checks them all again.
            rules: setup.rules.clone(),
            ..Default::default()
        },
        journal: journal.clone(),
        clipboard: Default::default(),
        osc52_passthrough: false,
        balance_refresh: Duration::from_secs(60),
        notices: Vec::new(),
        rules: setup.rules,
        webhook: None,
    };
    let backend = SharedBackend::new(setup.size.0, setup.size.1);
    let screen = backend.clone();
    let mut terminal = Terminal::new(backend).expect("terminal");
    let recorder = Recorder::default();
    let io = Io {
        clipboard: Box::new(recorder.clone()),
        out: Box::new(std::io::sink()),
    };
    let (tx, rx) = unbounded();
    let (ran, out) = tokio::join!(
        tui::run(&mut terminal, rx, opts, io),
        script(tx, screen, recorder)
    );
    ran.expect("the loop ends cleanly");
    out
}

/// The row (screen line) of the first line containing `needle` at or
/// after line `from`.
fn line_of(screen: &str, needle: &str, from: usize) -> Option<usize> {
    screen
        .lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buy_from_the_catalog_copy_the_otp_and_quit() {
    buy_copy_quit(false).await;
}

/// The same with a provider whose names and SMS carry escapes (an OSC 52
/// clipboard write, `rm -rf ~` on a line of its own): the screen shows no
/// control character and the clipboard gets the digits alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_provider_reaches_neither_screen_nor_clipboard() {
    buy_copy_quit(true).await;
}

async fn buy_copy_quit(hostile: bool) {
    std::env::set_var("OTPDECK_POLL_INTERVAL_MS", "200");
    let mut setup = Setup::one(ProviderKind::GateOtp, "gate");
    setup.sim.otp_delay = Duration::from_secs(1);
    setup.sim.hostile = hostile;
    setup.size = (120, 50);
    let (code, journal) = drive(setup, |tx, screen, recorder| async move {
        wait_for(&screen, "the balance", |s| s.contains("Rp 500.000")).await;
        // Open the account, then WhatsApp, then Indonesia.
        press(&tx, "<Enter>");
        let s = wait_for(&screen, "the services", |s| s.contains("WhatsApp")).await;
        let account_row = line_of(&s, "gate (GateOTP)", 0).expect("account row");
        let service_row = line_of(&s, "WhatsApp", 0).expect("service row");
        press(&tx, &"j".repeat(service_row - account_row));
        press(&tx, "<Enter>");
        let s = wait_for(&screen, "the countries", |s| s.contains("Indonesia")).await;
        let country_row = line_of(&s, "Indonesia", 0).expect("country row");
        press(&tx, &"j".repeat(country_row - service_row));
        press(&tx, "<Enter>");
        let s = wait_for(&screen, "offers in stock", |s| {
            line_of(s, "•", country_row + 1).is_some()
        })
        .await;
        let offer_row = line_of(&s, "•", country_row + 1).expect("offer row");
        press(&tx, &"j".repeat(offer_row - country_row));
        press(&tx, "<Enter>");
        wait_for(&screen, "the buy confirmation", |s| s.contains("Buy?")).await;
        press(&tx, "y");
        let s = wait_for(&screen, "the OTP", |s| {
            s.contains(" OTP ") && s.contains("for WhatsApp")
        })
        .await;
        let status = s
            .lines()
            .find(|l| l.contains("for WhatsApp"))
            .expect("status line")
            .to_string();
        let code = status
            .split_whitespace()
            .skip_while(|w| *w != "OTP")
            .nth(1)
            .expect("a code after OTP")
            .to_string();
        // The buy left the focus on the orders pane, on the new order.
        press(&tx, "c");
        wait_for(&screen, "the copy", |s| s.contains("Copied OTP")).await;
        assert_eq!(recorder.copied(), vec![code.clone()]);
        assert!(code.chars().all(|c| c.is_ascii_digit()), "copied {code:?}");
        let s = screen.text();
        assert!(
            !s.chars()
                .any(|c| c != '\n' && otpdeck::domain::text::is_unsafe(c)),
            "{s}"
        );
        press(&tx, "q");
        code
    })
    .await;
    let orders = journal
        .orders(&OrderFilter::default())
        .expect("journal orders");
    assert_eq!(orders.len(), 1, "one buy, one order");
    assert_eq!(orders[0].latest_otp(), Some(code.as_str()));
    assert!(orders[0].service.starts_with("WhatsApp"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn popups_stack_and_esc_closes_the_top_one() {
    let mut setup = Setup::one(ProviderKind::NexOtp, "nex");
    setup.size = (100, 40);
    let ((), _) = drive(setup, |tx, screen, _| async move {
        press(&tx, "a");
        wait_for(&screen, "the account picker", |s| s.contains(" Account ")).await;
        press(&tx, "?");
        let s = wait_for(&screen, "help over the picker", |s| s.contains(" Keys ")).await;
        assert!(s.contains("Any pane"), "{s}");
        press(&tx, "<Esc>");
        let s = wait_for(&screen, "the picker again", |s| !s.contains(" Keys ")).await;
        assert!(s.contains(" Account ") && s.contains("All accounts"), "{s}");
        press(&tx, "<Esc>");
        wait_for(&screen, "no popup", |s| !s.contains(" Account ")).await;
        // Esc with nothing open does nothing; q still quits.
        press(&tx, "<Esc>q");
    })
    .await;
}

/// A key bound twice, a key unbound and a popup key remapped work in the
/// loop, and `?` shows them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remapped_keys_work_and_help_shows_them() {
    let mut setup = Setup::one(ProviderKind::OtpZap, "zap");
    let keys = [
        ("accounts", vec!["a", "ctrl-a"]),
        ("dismiss", vec!["ctrl-g"]),
        ("quit", vec![""]),
        ("help", vec!["F1"]),
    ];
    for (id, names) in keys {
        let names = names.into_iter().map(str::to_string).collect();
        setup.keys.insert(id.to_string(), names);
    }
    let ((), _) = drive(setup, |tx, screen, _| async move {
        let ctrl = |c| {
            Ok(Event::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::CONTROL,
            )))
        };
        tx.unbounded_send(ctrl('a')).expect("send");
        wait_for(&screen, "the picker from Ctrl-A", |s| {
            s.contains(" Account ")
        })
        .await;
        press(&tx, "<Esc>");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            screen.text().contains(" Account "),
            "Esc no longer dismisses"
        );
        tx.unbounded_send(ctrl('g')).expect("send");
        wait_for(&screen, "the picker closed by Ctrl-G", |s| {
            !s.contains(" Account ")
        })
        .await;
        press(&tx, "q");
        tokio::time::sleep(Duration::from_millis(100)).await;
        tx.unbounded_send(Ok(Event::Key(KeyEvent::new(
            KeyCode::F(1),
            KeyModifiers::NONE,
        ))))
        .expect("q did not quit: the loop still listens");
        wait_for(&screen, "help from F1", |s| s.contains(" Keys ")).await;
        // The help is longer than a screen: scroll through it, keeping
        // every screen seen, down to the quit line.
        let mut seen = String::new();
        for _ in 0..200 {
            seen.push_str(&screen.text());
            if seen.contains("(unbound)") {
                break;
            }
            press(&tx, "<Down>");
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        assert!(
            seen.contains("a Ctrl-a"),
            "both keys of accounts shown:\n{seen}"
        );
        assert!(
            seen.contains("Ctrl-g"),
            "the remapped dismiss key shown:\n{seen}"
        );
        assert!(seen.contains("(unbound)"), "quit shown unbound:\n{seen}");
        tx.unbounded_send(ctrl('g')).expect("send");
        tx.unbounded_send(ctrl('c')).expect("send");
    })
    .await;
}

/// `:buy whatsapp id` and `:buy whatsapp +62` reach the buy confirmation
/// on every OTP account of the demo, whichever way each API names
/// WhatsApp and Indonesia.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buy_by_iso_and_dial_code_on_every_otp_account() {
    let mut setup = Setup::one(ProviderKind::GateOtp, "unused");
    setup.accounts.clear();
    setup.size = (140, 50);
    let mut names = Vec::new();
    for kind in [
        ProviderKind::GateOtp,
        ProviderKind::NexOtp,
        ProviderKind::OtpZap,
    ] {
        for suffix in ["main", "alt"] {
            let name = format!("{}-{suffix}", kind.as_str());
            setup.accounts.push((kind, name.clone(), 0));
            names.push(name);
        }
    }
    let ((), _) = drive(setup, |tx, screen, _| async move {
        for name in &names {
            press(&tx, &format!(":account {name}<Enter>"));
            wait_for(&screen, "the account shown", |s| {
                s.contains(&format!("Showing {name}"))
            })
            .await;
            for country in ["id", "+62"] {
                press(&tx, &format!(":buy whatsapp {country}<Enter>"));
                let s = wait_for(&screen, "the confirmation or an error", |s| {
                    s.contains("Buy?")
                        || s.contains(": no ")
                        || s.contains("several")
                        || s.contains("stopped")
                })
                .await;
                assert!(
                    s.contains("Buy?") && s.contains("Indonesia"),
                    "{name}: :buy whatsapp {country} did not reach the confirmation:\n{s}"
                );
                press(&tx, "<Esc>");
                wait_for(&screen, "the confirmation closed", |s| !s.contains("Buy?")).await;
            }
        }
        press(&tx, "q");
    })
    .await;
}

/// Reads "price    Rp 3.300" and "after    Rp 496.700" off the buy
/// confirmation, in rupiah.
fn confirmation_figures(screen: &str) -> (i64, i64) {
    let figure = |label: &str| -> i64 {
        let line = screen
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no {label} line:\n{screen}"));
        let after = &line[line.find(label).expect("label") + label.len()..];
        let digits: String = after
            .trim_start()
            .trim_start_matches("Rp")
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .filter(|c| c.is_ascii_digit())
            .collect();
        digits.parse().expect("a rupiah figure")
    };
    (figure("price    "), figure("after    "))
}

/// With `markup = 700` on a GateOTP account, the confirmation shows what
/// the buy charges (price + 700) and the balance after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_confirmation_shows_the_price_with_markup() {
    let mut setup = Setup::one(ProviderKind::GateOtp, "plain");
    setup
        .accounts
        .push((ProviderKind::GateOtp, "marked".to_string(), 700));
    let (seen, _) = drive(setup, |tx, screen, _| async move {
        let mut seen = Vec::new();
        for name in ["plain", "marked"] {
            press(&tx, &format!(":account {name}<Enter>"));
            wait_for(&screen, "the balance", |s| {
                s.contains(&format!("Showing {name}")) && s.contains("Rp 500.000")
            })
            .await;
            press(&tx, ":buy whatsapp indonesia<Enter>");
            let s = wait_for(&screen, "the confirmation", |s| s.contains("Buy?")).await;
            seen.push(confirmation_figures(&s));
            press(&tx, "<Esc>");
            wait_for(&screen, "the confirmation closed", |s| !s.contains("Buy?")).await;
        }
        press(&tx, "q");
        seen
    })
    .await;
    let ((plain, plain_after), (marked, marked_after)) = (seen[0], seen[1]);
    assert_eq!(marked, plain + 700, "the markup is in the price shown");
    assert_eq!(plain_after, 500_000 - plain);
    assert_eq!(
        marked_after,
        500_000 - marked,
        "after = balance - price as charged"
    );
}

/// Finds the QR code on the screen (its top finder row, "█▀▀▀▀▀█") and
/// decodes the characters drawn there, as a phone would read them.
fn decode_qr_on(screen: &str) -> Option<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let finder: Vec<char> = "█▀▀▀▀▀█".chars().collect();
    let (row, col) = lines.iter().enumerate().find_map(|(y, l)| {
        l.windows(finder.len())
            .position(|w| w == finder.as_slice())
            .map(|x| (y, x))
    })?;
    // One row of quiet zone above, two columns to the left.
    let (y0, x0) = (row.checked_sub(1)?, col.checked_sub(2)?);
    // The code is square: as wide as its top finder row's line of modules.
    let side_modules = lines[row][col..]
        .iter()
        .rposition(|c| *c == '█')
        .map(|i| i + 1)?
        + 4;
    let rows = side_modules.div_ceil(2);
    let grid: Vec<Vec<bool>> = (y0..y0 + rows)
        .flat_map(|y| {
            let cells: Vec<char> = (x0..x0 + side_modules)
                .map(|x| lines.get(y).and_then(|l| l.get(x)).copied().unwrap_or(' '))
                .collect();
            let top = cells
                .iter()
                .map(|c| matches!(c, '█' | '▀'))
                .collect::<Vec<_>>();
            let bottom = cells
                .iter()
                .map(|c| matches!(c, '█' | '▄'))
                .collect::<Vec<_>>();
            [top, bottom]
        })
        .collect();
    let scale = 4;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(
        side_modules * scale,
        grid.len() * scale,
        |x, y| if grid[y / scale][x / scale] { 0 } else { 255 },
    );
    let grids = img.detect_grids();
    grids.first()?.decode().ok().map(|(_, text)| text)
}

/// A deposit made with the keyboard: the form, the confirmation, the QR
/// code on screen (decoded back to the invoice's payload), then paid, the
/// balance up by what was credited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deposit_from_the_keyboard_shows_a_qr_that_decodes_and_gets_paid() {
    std::env::set_var("OTPDECK_POLL_INTERVAL_MS", "200");
    for size in [(80, 24), (140, 40)] {
        let mut setup = Setup::one(ProviderKind::GateOtp, "gate");
        setup.sim.deposit_paid_after = Duration::from_secs(2);
        setup.size = size;
        let (decoded, journal) = drive(setup, |tx, screen, _| async move {
            wait_for(&screen, "the balance", |s| s.contains("Rp 500.000")).await;
            press(&tx, "d");
            wait_for(&screen, "the form", |s| s.contains("New deposit")).await;
            press(&tx, "<Enter>");
            wait_for(&screen, "the confirmation", |s| s.contains("Deposit?")).await;
            press(&tx, "y");
            let s = wait_for(&screen, "the QR code", |s| s.contains("█▀▀▀▀▀█")).await;
            assert!(s.contains("Rp 50.200"), "the total to pay:\n{s}");
            let decoded = decode_qr_on(&s);
            wait_for(&screen, "the payment", |s| s.contains("credited")).await;
            press(&tx, "<Esc>");
            wait_for(&screen, "the new balance", |s| s.contains("Rp 550.000")).await;
            press(&tx, "q");
            decoded
        })
        .await;
        let d = journal.deposits(None, false, 5).expect("deposits");
        assert_eq!(d.len(), 1, "{size:?}");
        assert_eq!(d[0].status, otpdeck::domain::DepositStatus::Success);
        assert_eq!(
            decoded.as_deref(),
            d[0].payment.as_deref(),
            "{size:?}: the drawn code decodes to the payload"
        );
    }
}

/// The journal keeps a deposit across a restart, and a pending one is
/// polled again by the restarted dashboard until it is paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_deposit_resumes_polling_after_a_restart() {
    std::env::set_var("OTPDECK_POLL_INTERVAL_MS", "200");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("journal.sqlite");
    let handle = sim::start_local(SimOptions {
        deposit_paid_after: Duration::from_secs(3),
        ..Default::default()
    })
    .await
    .expect("simulator");
    let first = Arc::new(Journal::open(&path).expect("journal"));
    drive_on(
        &handle,
        first,
        Setup::one(ProviderKind::OtpZap, "zap"),
        |tx, screen, _| async move {
            wait_for(&screen, "the balance", |s| s.contains("Rp 500.000")).await;
            press(&tx, "d<Enter>y");
            wait_for(&screen, "the QR code", |s| s.contains("█▀▀▀▀▀█")).await;
            press(&tx, "<Esc>q");
        },
    )
    .await;
    let again = Arc::new(Journal::open(&path).expect("reopened"));
    let pending = again.deposits(None, true, 5).expect("deposits");
    assert_eq!(pending.len(), 1, "kept across the restart, still pending");
    drive_on(
        &handle,
        again.clone(),
        Setup::one(ProviderKind::OtpZap, "zap"),
        |tx, screen, _| async move {
            wait_for(&screen, "the resumed deposit paid", |s| {
                s.contains("Deposit #1 paid")
            })
            .await;
            press(&tx, "D");
            let s = wait_for(&screen, "the deposits list", |s| s.contains(" Deposits ")).await;
            assert!(s.contains("success"), "{s}");
            press(&tx, "<Esc>q");
        },
    )
    .await;
    let d = again.deposit(pending[0].id).expect("read").expect("kept");
    assert_eq!(d.status, otpdeck::domain::DepositStatus::Success);
}

/// `:best whatsapp id` in the real loop asks every OTP account of the
/// simulator and lists each one's offers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn best_compares_every_otp_account_on_screen() {
    let mut setup = Setup::one(ProviderKind::GateOtp, "gate");
    setup.accounts.push((ProviderKind::NexOtp, "nex".into(), 0));
    setup.accounts.push((ProviderKind::OtpZap, "zap".into(), 0));
    setup.size = (120, 40);
    drive(setup, |tx, screen, _| async move {
        press(&tx, ":best whatsapp id<Enter>");
        let s = wait_for(&screen, "every account's offers", |s| {
            s.contains(" Compare ") && !s.contains("waiting for")
        })
        .await;
        for (account, api) in [("gate", "GateOTP"), ("nex", "NEXOTP"), ("zap", "OTPZap")] {
            assert!(
                s.lines().any(|l| l.contains(account) && l.contains(api)),
                "{account} missing:\n{s}"
            );
        }
        press(&tx, "<Esc>q");
    })
    .await;
}

/// A NEXOTP buy that never reached the provider (the connection broke
/// before anything was done) and whose replays are refused (no number):
/// the balance read after it has not moved, a replay with its key is
/// refused, and the two clues settle it as not charged without the user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_nexotp_buy_the_provider_never_made_is_settled_by_clues() {
    let mut setup = Setup::one(ProviderKind::NexOtp, "nex");
    setup.faults = vec![
        FaultRule::once(Api::NexOtp, "/api/v1/order", Fault::Reset),
        FaultRule {
            remaining: Some(20),
            ..FaultRule::once(Api::NexOtp, "/api/v1/order", Fault::Status(503))
        },
    ];
    let ((), journal) = drive(setup, |tx, screen, _| async move {
        wait_for(&screen, "the balance", |s| s.contains("Rp 500.000")).await;
        press(&tx, ":buy whatsapp id<Enter>");
        wait_for(&screen, "the buy confirmation", |s| s.contains("Buy?")).await;
        press(&tx, "y");
        wait_for(&screen, "the UNKNOWN row", |s| s.contains("UNKNOWN")).await;
        let s = wait_for(&screen, "the settlement", |s| {
            s.contains("settled by clues")
        })
        .await;
        assert!(!s.contains("unclear Rp"), "nothing left at stake: {s}");
        press(&tx, "q");
    })
    .await;
    let orders = journal.orders(&OrderFilter::default()).expect("orders");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].status, otpdeck::domain::OrderStatus::Failed);
    let events: Vec<String> = journal
        .events(orders[0].id)
        .expect("events")
        .into_iter()
        .map(|e| e.0)
        .collect();
    for kind in ["reply_lost", "replay_refused", "clue", "settled_by_clues"] {
        assert!(events.iter().any(|e| e == kind), "{kind} in {events:?}");
    }
    let active = OrderFilter {
        active_only: true,
        ..Default::default()
    };
    assert!(journal.orders(&active).expect("active").is_empty());
}

/// A GateOTP buy whose reply is lost after the provider charged it stays
/// UNKNOWN; `u` on its row, then `x` ("it was not charged") or `c` with
/// the number typed, settles it by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_gateotp_order_is_settled_by_hand_with_the_keyboard() {
    let mut setup = Setup::one(ProviderKind::GateOtp, "gate");
    setup.faults = vec![FaultRule {
        remaining: Some(2),
        ..FaultRule::once(Api::GateOtp, "/api/otp/order", Fault::LoseReply)
    }];
    let ((), journal) = drive(setup, |tx, screen, _| async move {
        wait_for(&screen, "the balance", |s| s.contains("Rp 500.000")).await;
        for _ in 0..2 {
            press(&tx, ":buy whatsapp id<Enter>");
            wait_for(&screen, "the buy confirmation", |s| s.contains("Buy?")).await;
            press(&tx, "y");
            wait_for(&screen, "the buy's end", |s| !s.contains("buying")).await;
        }
        let s = wait_for(&screen, "two UNKNOWN rows", |s| {
            s.matches("UNKNOWN").count() == 2
        })
        .await;
        assert!(s.contains("unclear Rp"), "the amount at stake shows: {s}");
        // The newest row is selected first.
        press(&tx, "u");
        wait_for(&screen, "the popup", |s| {
            s.contains("I checked the provider")
        })
        .await;
        press(&tx, "x");
        wait_for(&screen, "settled by hand", |s| s.contains("not charged")).await;
        press(&tx, "j");
        press(&tx, "u");
        wait_for(&screen, "the popup", |s| {
            s.contains("I checked the provider")
        })
        .await;
        press(&tx, "+62812000111");
        wait_for(&screen, "the number", |s| s.contains("+62812000111")).await;
        press(&tx, "c");
        let s = wait_for(&screen, "settled as charged", |s| {
            s.contains("settled by hand") && s.contains(": charged Rp")
        })
        .await;
        assert!(!s.contains("unclear Rp"), "nothing left at stake: {s}");
        press(&tx, "q");
    })
    .await;
    let orders = journal.orders(&OrderFilter::default()).expect("orders");
    assert_eq!(orders.len(), 2);
    use otpdeck::domain::OrderStatus;
    assert_eq!(orders[0].status, OrderStatus::Failed, "{:?}", orders[0]);
    assert_eq!(orders[1].status, OrderStatus::Finished, "{:?}", orders[1]);
    assert_eq!(orders[1].number.as_deref(), Some("+62812000111"));
    for o in &orders {
        let ev = journal.events(o.id).expect("events");
        assert!(ev.iter().any(|e| e.0 == "settled_by_hand"), "{ev:?}");
    }
}

/// `auto_replace_after` in the real loop: a NEXOTP order on the offer that
/// never delivers gets no SMS, so the rule cancels it (the simulator
/// refunds it) and, once the cancel is confirmed, buys the next best offer
/// (GateOTP's, the cheapest in stock) with the chain's key; the rows show
/// the chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_replace_cancels_a_silent_order_and_buys_the_next_best_elsewhere() {
    use otpdeck::domain::{BuyRequest, OrderStatus};
    let handle = sim::start_local(SimOptions::default())
        .await
        .expect("simulator");
    let journal = Arc::new(Journal::open_in_memory().expect("journal"));
    let nex = otpdeck::providers::build(&ProviderSettings::new(
        ProviderKind::NexOtp,
        handle.urls.for_kind(ProviderKind::NexOtp),
        Auth::ApiKey(Secret::new("sim-test-nex")),
    ))
    .expect("adapter");
    let first = otpdeck::engine::orders::buy(
        nex.as_ref(),
        &journal,
        "nex",
        &BuyRequest {
            service_id: "whatsapp".into(),
            service_name: "WhatsApp".into(),
            country_id: Some("id".into()),
            country_name: Some("Indonesia".into()),
            offer_id: otpdeck::sim::nexotp::NEVER_PROVIDER.into(),
            price: otpdeck::money::Rupiah(10_550),
            operator: None,
            idempotency_key: "never-1".into(),
            customer_number: None,
        },
    )
    .await
    .expect("bought")
    .order;
    assert_eq!(first.status, OrderStatus::Waiting);
    let mut setup = Setup::one(ProviderKind::NexOtp, "nex");
    setup
        .accounts
        .push((ProviderKind::GateOtp, "gate".into(), 0));
    setup.rules.auto_replace_after = Some(Duration::from_secs(2));
    setup.size = (140, 40);
    let key = otpdeck::domain::replacement_key(&first.idempotency_key, first.created_at, 2);
    let (j, k) = (journal.clone(), key.clone());
    drive_on(
        &handle,
        journal.clone(),
        setup,
        |tx, screen, _| async move {
            let s = wait_for(&screen, "the chain on screen", |s| s.contains("#1 → #2")).await;
            assert!(!s.contains("#1 → #2 → "), "one replacement: {s}");
            // The replacement is journaled under the chain's key on gate.
            let start = Instant::now();
            while j.find_by_key("gate", &k).expect("find").is_none() {
                assert!(
                    start.elapsed() < Duration::from_secs(60),
                    "no replacement row"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            press(&tx, "q");
        },
    )
    .await;
    let first = journal.order(first.id).expect("read").expect("kept");
    assert_eq!(first.status, OrderStatus::Cancelled);
    assert_eq!(first.refunded, Some(otpdeck::money::Rupiah(10_550)));
    let second = journal
        .find_by_key("gate", &key)
        .expect("find")
        .expect("replacement");
    assert_eq!(
        second.offer_id, "340437:3837",
        "GateOTP's cheapest offer in stock"
    );
    // The simulator's books: the silent order refunded, one replacement.
    let states = &handle.states;
    assert_eq!(
        states.nexotp.balance("sim-test-nex").map(|b| b.0),
        Some(500_000),
        "refunded"
    );
    let gate = states.gateotp.charges("sim-test-gate");
    assert_eq!(gate.len(), 1, "{gate:?}");
    assert_eq!(gate[0].amount, second.price);
    let links = journal
        .links_since(first.created_at - chrono::Duration::minutes(1))
        .expect("links");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].replacement, Some(second.id));
    assert_eq!(links[0].attempt, 2);
    // Each step is journaled on the replaced order, in this order.
    let kinds: Vec<String> = journal
        .events(first.id)
        .expect("events")
        .into_iter()
        .map(|e| e.0)
        .filter(|k| k.starts_with("auto_replace") || k == "cancelled")
        .collect();
    assert_eq!(kinds, ["auto_replace", "cancelled", "auto_replace_buy"]);
}

/// `:email SITE qty=N` in the dashboard: the confirmation shows the price
/// times N, the daily cap is checked against the whole batch before the
/// first inbox is sent (three under a cap fitting two buy nothing), and a
/// batch that fits is bought as N inboxes under the keys KEY-1…KEY-N.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_quantity_is_checked_whole_then_bought_one_by_one() {
    let mut setup = Setup::one(ProviderKind::OtpZap, "zap");
    setup.size = (140, 40);
    setup
        .rules
        .daily_spend_cap_by_account
        .insert("zap".into(), otpdeck::money::Rupiah(5_000));
    let handle = sim::start_local(SimOptions::default())
        .await
        .expect("simulator");
    let journal = Arc::new(Journal::open_in_memory().expect("journal"));
    let j = journal.clone();
    drive_on(
        &handle,
        journal.clone(),
        setup,
        |tx, screen, _| async move {
            wait_for(&screen, "the account", |s| s.contains("zap")).await;
            press(&tx, ":email openai.com domain=outlook.com qty=3<Enter>");
            let s = wait_for(&screen, "the confirmation", |s| s.contains("× 3 =")).await;
            assert!(s.contains("Rp 2.200 × 3 = Rp 6.600"), "{s}");
            press(&tx, "<Enter>");
            let s = wait_for(&screen, "the refusal", |s| s.contains("daily_spend_cap")).await;
            assert!(s.contains("nothing was bought"), "{s}");
            let none = j.orders(&OrderFilter::default()).expect("orders");
            assert!(none.is_empty(), "refused whole, not halfway: {none:?}");
            press(&tx, ":email openai.com domain=outlook.com qty=2<Enter>");
            wait_for(&screen, "the confirmation", |s| s.contains("× 2 =")).await;
            press(&tx, "<Enter>");
            let start = Instant::now();
            loop {
                let orders = j.orders(&OrderFilter::default()).expect("orders");
                if orders.len() == 2 && orders.iter().all(|o| o.number.is_some()) {
                    break;
                }
                assert!(start.elapsed() < Duration::from_secs(60), "{orders:?}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            press(&tx, "q");
        },
    )
    .await;
    assert_eq!(handle.states.otpzap.email_orders("sim-test-zap"), 2);
    let orders = journal.orders(&OrderFilter::default()).expect("orders");
    assert_eq!(orders.len(), 2, "{orders:?}");
    let mut keys: Vec<String> = orders.iter().map(|o| o.idempotency_key.clone()).collect();
    keys.sort();
    let base = keys[0].trim_end_matches("-1").to_string();
    assert_eq!(keys, [format!("{base}-1"), format!("{base}-2")]);
    assert!(orders.iter().all(|o| o.price.0 == 2_200));
}

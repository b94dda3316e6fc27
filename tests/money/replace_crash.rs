//! `auto_replace_after` survives a SIGKILL: the dashboard (the real binary
//! in a pty) replaces an order on the offer that never delivers, and is
//! killed between journaling the chain link (with the replacement's
//! request) and the buy's reply; once in the moment the link is written,
//! once just after the simulator charged the replacement. A restart
//! resumes the chain from the journal, and the simulator's own books show
//! exactly ONE replacement charged, under the chain's key.
//!
//! A proxy holds every reply for a while, so the kill lands before the
//! buy's reply whatever the machine's speed.

use otpdeck::domain::{OrderStatus, ReplaceLink, ReplaceStep};
use otpdeck::engine::journal::{Journal, OrderFilter};
use otpdeck::sim::{self, SimBooks, SimHandle, SimOptions};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_otpdeck");
const INITIAL: i64 = 500_000;
const REPLY_DELAY: Duration = Duration::from_millis(1000);

/// A TCP proxy that passes requests straight on and holds each chunk of a
/// reply for `delay`.
async fn delaying_proxy(target: SocketAddr, delay: Duration) -> std::io::Result<SocketAddr> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = async move {
                    let _ = tokio::io::copy(&mut cr, &mut sw).await;
                    let _ = sw.shutdown().await;
                };
                let down = async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = sr.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        tokio::time::sleep(delay).await;
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = cw.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    Ok(addr)
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The dashboard in a pty (util-linux `script`).
struct Dashboard {
    script: Child,
    otpdeck: Option<u32>,
}

impl Dashboard {
    fn start(config: &Path, data: &Path) -> Dashboard {
        let line = format!(
            "exec {} --config {} --data-dir {}",
            shell_quote(BIN),
            shell_quote(&config.display().to_string()),
            shell_quote(&data.display().to_string())
        );
        let mut script = Command::new("script")
            .args(["-qfec", &line, "/dev/null"])
            .env("OTPDECK_POLL_INTERVAL_MS", "200")
            .env("TERM", "xterm-256color")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("script");
        let children = format!("/proc/{0}/task/{0}/children", script.id());
        let start = Instant::now();
        let pid = loop {
            let text = std::fs::read_to_string(&children).unwrap_or_default();
            if let Some(pid) = text.split_whitespace().next().and_then(|p| p.parse().ok()) {
                break pid;
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = script.kill();
                let _ = script.wait();
                panic!("the dashboard did not start under script");
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        Dashboard {
            script,
            otpdeck: Some(pid),
        }
    }

    /// SIGKILLs the otpdeck process itself.
    fn kill(&mut self) {
        let Some(pid) = self.otpdeck.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
        let _ = self.script.wait();
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.kill();
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum KillAt {
    /// As soon as the link holds the replacement's request.
    LinkWritten,
    /// As soon as the simulator charged the replacement (its reply is
    /// still held by the proxy).
    Charged,
}

struct Case {
    dir: tempfile::TempDir,
    config: PathBuf,
    keys: [String; 2],
}

impl Case {
    fn new(tag: &str, proxy: SocketAddr, sim: &SimHandle) -> Case {
        let dir = tempfile::tempdir().expect("tmp");
        let config = dir.path().join("config.toml");
        let url = sim
            .urls
            .nexotp
            .replace(&sim.addr.to_string(), &proxy.to_string());
        let keys = [format!("sim-rc-{tag}-a"), format!("sim-rc-{tag}-b")];
        let text = format!(
            "auto_cancel_before = \"0\"\n\n[rules]\nauto_replace_after = \"3s\"\nmax_attempts = 2\n\n\
             [[accounts]]\nname = \"nex-a\"\nprovider = \"nexotp\"\nbase_url = \"{url}\"\napi_key = \"{}\"\n\n\
             [[accounts]]\nname = \"nex-b\"\nprovider = \"nexotp\"\nbase_url = \"{url}\"\napi_key = \"{}\"\n",
            keys[0], keys[1]
        );
        std::fs::write(&config, text).expect("config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600));
        }
        Case { dir, config, keys }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn journal(&self) -> Journal {
        Journal::open(&self.data().join("journal.sqlite3")).expect("journal")
    }
}

fn links(j: &Journal) -> Vec<ReplaceLink> {
    j.links_since(chrono::Utc::now() - chrono::Duration::hours(1))
        .expect("links")
}

fn run_case(sim: &SimHandle, proxy: SocketAddr, kill_at: KillAt) {
    let tag = format!("{kill_at:?}").to_lowercase();
    let case = Case::new(&tag, proxy, sim);
    let books = &sim.states.nexotp;
    // The order that will never get its SMS, bought by the CLI.
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&case.config)
        .arg("--data-dir")
        .arg(case.data())
        .args([
            "buy",
            "--account",
            "nex-a",
            "--service",
            "whatsapp",
            "--country",
            "indonesia",
            "--offer",
            otpdeck::sim::nexotp::NEVER_PROVIDER,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("buy");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let journal = case.journal();
    let mut dash = Dashboard::start(&case.config, &case.data());
    // Wait for the moment to kill.
    let start = Instant::now();
    let link = loop {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "{kill_at:?}: never reached the kill point; links {:?}",
            links(&journal)
        );
        let found = links(&journal)
            .into_iter()
            .find(|l| l.step == ReplaceStep::Buying);
        if let Some(l) = found {
            let charged = case.keys.iter().any(|k| {
                books
                    .charges(k)
                    .iter()
                    .any(|c| c.client_key.as_deref() == Some(l.idempotency_key.as_str()))
            });
            if kill_at == KillAt::LinkWritten || charged {
                dash.kill();
                break l;
            }
        }
        std::thread::sleep(Duration::from_micros(300));
    };
    // The kill landed before the buy's reply was journaled.
    let account = link.account.clone().expect("the link names the account");
    let row = journal
        .find_by_key(&account, &link.idempotency_key)
        .expect("find");
    assert!(
        row.as_ref().is_none_or(|o| o.provider_order_id.is_none()),
        "{kill_at:?}: the reply was journaled before the kill: {row:?}"
    );
    let row_at_kill = row.is_some();
    // Let a request the kill left in flight land (or be dropped).
    std::thread::sleep(REPLY_DELAY * 2);
    let charged_before: usize = case
        .keys
        .iter()
        .map(|k| {
            books
                .charges(k)
                .iter()
                .filter(|c| c.client_key.as_deref() == Some(link.idempotency_key.as_str()))
                .count()
        })
        .sum();
    if kill_at == KillAt::Charged {
        assert_eq!(charged_before, 1, "killed after the charge");
    }

    // The restart resumes the chain from the journal.
    let mut dash = Dashboard::start(&case.config, &case.data());
    let start = Instant::now();
    let placed = loop {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "{kill_at:?}: the replacement was never settled after the restart: {:?}",
            journal.orders(&OrderFilter::default())
        );
        let row = journal
            .find_by_key(&account, &link.idempotency_key)
            .expect("find");
        if let Some(o) = row.filter(|o| o.provider_order_id.is_some()) {
            break o;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Time for a second buy to show, were there one.
    std::thread::sleep(Duration::from_secs(2));
    dash.kill();

    let by_key: usize = case
        .keys
        .iter()
        .map(|k| {
            books
                .charges(k)
                .iter()
                .filter(|c| c.client_key.as_deref() == Some(link.idempotency_key.as_str()))
                .count()
        })
        .sum();
    let all: usize = case.keys.iter().map(|k| books.charges(k).len()).sum();
    assert_eq!(by_key, 1, "{kill_at:?}: exactly one replacement charged");
    assert_eq!(all, 2, "{kill_at:?}: the silent order and one replacement");
    assert_ne!(placed.status, OrderStatus::Unknown);
    let orders = journal.orders(&OrderFilter::default()).expect("orders");
    assert_eq!(orders.len(), 2, "{orders:?}");
    let first = orders
        .iter()
        .find(|o| o.offer_id == otpdeck::sim::nexotp::NEVER_PROVIDER)
        .expect("the silent order");
    assert_eq!(first.status, OrderStatus::Cancelled, "{first:?}");
    // The simulator's wallets: the silent order refunded, one replacement paid.
    let balances: i64 = case
        .keys
        .iter()
        .map(|k| books.balance(k).map_or(INITIAL, |b| b.0))
        .sum();
    assert_eq!(balances, 2 * INITIAL - placed.price.0, "{kill_at:?}");
    let ls = links(&journal);
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert_eq!(ls[0].replacement, Some(placed.id));
    println!(
        "{kill_at:?}: killed with {charged_before} charge(s) under the key and {} journal row; after the restart #{} → #{} ({})",
        if row_at_kill { "a" } else { "no" },
        first.id, placed.id, placed.account
    );
}

#[test]
fn a_sigkill_mid_replacement_then_a_restart_buys_exactly_one() {
    if Command::new("script")
        .arg("--version")
        .output()
        .map_or(true, |o| !o.status.success())
    {
        panic!("util-linux `script` is needed to run the dashboard in a pty");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = rt
        .block_on(sim::start_local(SimOptions {
            otp_delay: Duration::from_millis(800),
            ..Default::default()
        }))
        .expect("simulator");
    let proxy = rt
        .block_on(delaying_proxy(sim.addr, REPLY_DELAY))
        .expect("proxy");
    for kill_at in [KillAt::LinkWritten, KillAt::Charged] {
        run_case(&sim, proxy, kill_at);
    }
    rt.block_on(sim.stop());
}

//! The API key never shows up: not when a provider echoes it back in an
//! error body (as text, JSON with PHP's `\/` escapes, or plain), not on the
//! CLI's stdout or stderr, not in the trace log or the journal, and not on
//! the dashboard's screen, with keys from the file, `api_key_env` and
//! `api_key_cmd`, an unreachable host and a wrong key in the mix.
//!
//! The dashboard test needs tmux. Without it the test says so and passes,
//! unless OTPDECK_REQUIRE_TMUX is set.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common;

use common::process::{walk, write_private, SimProcess, BIN};
use common::tmux::{line_with, tmux_ready, Tmux};

/// Every key in these tests contains this; it must be found nowhere.
const MARKER: &str = "MARKER-7f3a";

/// A provider that refuses every request and echoes back whatever
/// credentials it was sent: the request target (query keys, the Otomax
/// sign), every non-standard header value and the body, in turn as JSON
/// with `\/` escapes, plain JSON and plain text.
struct EchoServer {
    url: String,
    /// Set once a request carried the marker, so the test knows the key
    /// really went out and came back.
    saw_marker: Arc<AtomicBool>,
}

impl EchoServer {
    fn start() -> EchoServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let saw_marker = Arc::new(AtomicBool::new(false));
        let saw = saw_marker.clone();
        let count = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (saw, count) = (saw.clone(), count.clone());
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                    let _ = serve(conn, &saw, count.fetch_add(1, Ordering::SeqCst));
                });
            }
        });
        EchoServer { url, saw_marker }
    }
}

fn serve(mut conn: std::net::TcpStream, saw: &AtomicBool, n: usize) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut creds = Vec::new();
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        let (name, value) = h.split_once(':').unwrap_or((&h, ""));
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_string());
        if name == "content-length" {
            length = value.parse().unwrap_or(0);
        }
        if !matches!(
            name.as_str(),
            "host" | "user-agent" | "accept" | "content-length" | "content-type"
        ) {
            creds.push(value);
        }
    }
    let mut body = vec![0u8; length.min(64 * 1024)];
    reader.read_exact(&mut body)?;
    creds.push(String::from_utf8_lossy(&body).to_string());
    creds.push(target);
    let echoed = creds.join(" ");
    if echoed.contains(MARKER) {
        saw.store(true, Ordering::SeqCst);
    }
    let message = format!("invalid key {echoed}");
    let (status, kind, text) = match n % 4 {
        0 => (
            "401 Unauthorized",
            "application/json",
            serde_json::json!({"success": false, "status": "error", "message": message})
                .to_string()
                .replace('/', "\\/"),
        ),
        1 => (
            "400 Bad Request",
            "application/json",
            serde_json::json!({"success": false, "status": "error", "code": "41", "message": message, "error": message})
                .to_string(),
        ),
        // Escapes that only a JSON decoder undoes.
        2 => (
            "403 Forbidden",
            "application/json",
            serde_json::json!({"error": {"message": message}})
                .to_string()
                .replace("MARKER", "\\u004dARKER")
                .replace('/', "\\u002f"),
        ),
        _ => ("401 Unauthorized", "text/plain", message),
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    conn.write_all(reply.as_bytes())?;
    conn.flush()
}

/// Asserts no file under `dir` (journal, its WAL, the log) holds the
/// marker, and returns the files searched.
fn no_marker_in_dir(dir: &Path) -> Vec<PathBuf> {
    let files = walk(dir);
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(MARKER),
            "API key found in {}",
            f.display()
        );
    }
    files
}

/// A state dir, a data dir and a HOME of its own, so nothing is read from
/// or written to the user's.
fn isolated(cmd: &mut Command, home: &Path) {
    cmd.env_remove("OTPDECK_CONFIG")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OTPDECK_LOG", "trace")
        .env("OTPDECK_POLL_INTERVAL_MS", "200");
}

#[test]
fn a_provider_echoing_the_key_never_gets_it_shown() {
    let echo = EchoServer::start();
    let home = tempfile::tempdir().expect("tmp");
    // The config holds the keys, so it lives outside the searched dirs.
    let config_dir = tempfile::tempdir().expect("tmp");
    let config = config_dir.path().join("config.toml");
    write_private(
        &config,
        &format!(
            r#"
[[accounts]]
name = "gate"
provider = "gateotp"
base_url = "{u}"
api_key = "sim-{MARKER}/g"

[[accounts]]
name = "nex"
provider = "nexotp"
base_url = "{u}"
api_key_env = "OTPDECK_TEST_SECRET_NEX"

[[accounts]]
name = "zap"
provider = "otpzap"
base_url = "{u}"
api_key_cmd = "printf '%s\n' sim-{MARKER}/z"

[[accounts]]
name = "topup"
provider = "gotopup"
base_url = "{u}"
api_key = "sim-{MARKER}/t"

[[accounts]]
name = "omx"
provider = "gotopup"
base_url = "{u}"
otomax_username = "sim-otomax-user"
otomax_sign = "sim-{MARKER}/o"
"#,
            u = echo.url
        ),
    );
    let run = |args: &[&str]| -> Output {
        let mut cmd = Command::new(BIN);
        cmd.arg("--config").arg(&config).args(args);
        isolated(&mut cmd, home.path());
        cmd.env("OTPDECK_TEST_SECRET_NEX", format!("sim-{MARKER}/n"));
        let out = cmd.output().expect("run otpdeck");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains(MARKER),
            "API key leaked in the output of {args:?}:\n{all}"
        );
        assert!(!all.contains("panicked"), "{args:?}:\n{all}");
        out
    };

    // Every request is refused with the key echoed back; each command says
    // so, with the provider's words but not the key.
    let mut said = String::new();
    for args in [
        vec!["balance"],
        vec!["--json", "balance"],
        vec!["catalog", "--account", "gate"],
        vec!["catalog", "--account", "nex", "--service", "whatsapp"],
        vec!["catalog", "--account", "zap"],
        vec!["catalog", "--account", "omx"],
        vec![
            "buy",
            "--account",
            "gate",
            "--service",
            "whatsapp",
            "--country",
            "indonesia",
        ],
        vec!["buy", "--account", "nex", "--offer", "1"],
        vec![
            "buy",
            "--account",
            "zap",
            "--service",
            "telegram",
            "--country",
            "id",
        ],
        vec![
            "--json",
            "buy",
            "--account",
            "topup",
            "--product",
            "TELKOMSEL10",
            "--customer",
            "081234567890",
        ],
        vec![
            "buy",
            "--account",
            "omx",
            "--product",
            "TELKOMSEL5",
            "--customer",
            "081355501234",
        ],
        vec!["watch", "--account", "nex", "12345", "--timeout", "2s"],
        vec!["cancel", "--account", "zap", "999"],
        vec!["orders"],
        vec!["info"],
    ] {
        let out = run(&args);
        said.push_str(&String::from_utf8_lossy(&out.stdout));
        said.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        echo.saw_marker.load(Ordering::SeqCst),
        "the key reached the echoing server"
    );
    assert!(
        said.contains("invalid key"),
        "the provider's message is shown (scrubbed):\n{said}"
    );
    assert!(said.contains("***"), "the key's place is marked:\n{said}");

    let files = no_marker_in_dir(home.path());
    let log = files
        .iter()
        .find(|f| f.ends_with("logs/otpdeck.log"))
        .expect("a log file in the state dir");
    let text = std::fs::read_to_string(log).expect("log");
    assert!(
        text.contains("TRACE") || text.contains("DEBUG"),
        "trace log"
    );
    assert!(
        files.iter().any(|f| f.ends_with("journal.sqlite3")),
        "a journal was written: {files:?}"
    );
}

/// Shell-quotes a path for the command line tmux runs.
fn q(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

#[test]
fn the_dashboard_never_shows_or_logs_the_key() {
    if !tmux_ready("the dashboard key-leak test") {
        return;
    }
    let sim = SimProcess::start("2s");
    let echo = EchoServer::start();
    let home = tempfile::tempdir().expect("tmp");
    // The config holds the keys, so it lives outside the searched dirs.
    let config_dir = tempfile::tempdir().expect("tmp");
    let config = config_dir.path().join("config.toml");
    write_private(
        &config,
        &format!(
            r#"
[[accounts]]
name = "envacct"
provider = "nexotp"
base_url = "{n}"
api_key_env = "OTPDECK_TEST_SECRET_NEX"

[[accounts]]
name = "cmdacct"
provider = "gateotp"
base_url = "{g}"
api_key_cmd = "printf '%s' sim-{MARKER}-g"

[[accounts]]
name = "down"
provider = "otpzap"
base_url = "http://127.0.0.1:9"
api_key = "sim-{MARKER}-z"

[[accounts]]
name = "wrong"
provider = "gotopup"
base_url = "{t}"
api_key = "bad-{MARKER}-t"

[[accounts]]
name = "echo"
provider = "nexotp"
base_url = "{e}"
api_key = "sim-{MARKER}/e"
"#,
            n = sim.url("nexotp"),
            g = sim.url("gateotp"),
            t = sim.url("gotopup"),
            e = echo.url,
        ),
    );
    let stderr_file = config_dir.path().join("stderr.txt");
    let command = format!(
        "env -u OTPDECK_CONFIG HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data \
         XDG_STATE_HOME={h}/state OTPDECK_LOG=trace OTPDECK_POLL_INTERVAL_MS=300 \
         OTPDECK_TEST_SECRET_NEX=sim-{MARKER}-n TERM=xterm-256color \
         {BIN} --config {c} 2>{e}",
        h = q(home.path()),
        c = q(&config),
        e = q(&stderr_file),
    );
    let t = Tmux::new("secrets");
    t.start_sized(&command, 250, 40);
    // Keep the pane after otpdeck exits, to read what it left behind.
    t.cmd(&["set-option", "-t", "secrets", "remain-on-exit", "on"]);
    t.cmd(&["set-option", "-t", "secrets", "history-limit", "50000"]);
    let mut screens = String::new();
    // Both good balances load: the env and command keys resolved.
    let s = t.wait_for("the two good balances", 20, |s| {
        s.matches("Rp 500.000").count() >= 2
    });
    screens.push_str(&s);

    // Buy on the env-key account with `:buy`, and get its OTP.
    t.keys(&["]"]);
    screens.push_str(&t.wait_for("envacct selected", 5, |s| s.contains("│ envacct ")));
    let mut confirmed = false;
    for _ in 0..6 {
        t.keys(&[":"]);
        t.type_text("buy telegram id");
        t.keys(&["Enter"]);
        std::thread::sleep(Duration::from_millis(400));
        let s = t.screen();
        screens.push_str(&s);
        if s.contains("Buy?") {
            t.keys(&["y"]);
            confirmed = true;
            break;
        }
    }
    assert!(confirmed, "no buy confirmation; screen:\n{}", t.screen());
    let s = t.wait_for("the OTP", 25, |s| {
        line_with(s, "#1")
            .split("otp")
            .nth(1)
            .is_some_and(|r| r.chars().filter(char::is_ascii_digit).count() >= 6)
    });
    screens.push_str(&s);

    // `:buy` on each other account: the command-key one buys, the rest
    // fail (no host, a wrong key, a key echoed back) and say why.
    for _ in 0..4 {
        t.keys(&["]"]);
        std::thread::sleep(Duration::from_millis(300));
        t.keys(&[":"]);
        t.type_text("buy whatsapp indonesia");
        t.keys(&["Enter"]);
        std::thread::sleep(Duration::from_millis(1500));
        let s = t.screen();
        screens.push_str(&s);
        if s.contains("Buy?") {
            t.keys(&["y"]);
            std::thread::sleep(Duration::from_millis(1000));
        }
        screens.push_str(&t.history());
    }
    // Walk every pane; the balance pane shows the selected account's
    // error in full.
    for _ in 0..4 {
        t.keys(&["Tab"]);
        for _ in 0..6 {
            t.keys(&["j"]);
            screens.push_str(&t.screen());
        }
    }
    // Let the last replies render.
    std::thread::sleep(Duration::from_secs(1));
    screens.push_str(&t.history());

    t.keys(&["q"]);
    let end = Instant::now() + Duration::from_secs(10);
    while !t.pane_dead() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(t.pane_dead(), "q quits:\n{}", t.screen());
    let after = t.history();
    screens.push_str(&after);

    assert!(
        echo.saw_marker.load(Ordering::SeqCst),
        "the echo account's key went out and came back"
    );
    assert!(
        !screens.contains(MARKER),
        "API key shown on the dashboard:\n{screens}"
    );
    // The errors were on screen: the echoed one with the key's place
    // marked, the unreachable host and the wrong key.
    for shown in [
        "invalid key Bearer ***",
        "could not connect",
        "the API key was refused",
    ] {
        assert!(
            screens.contains(shown),
            "no {shown:?} on screen:\n{screens}"
        );
    }
    let stderr = std::fs::read_to_string(&stderr_file).unwrap_or_default();
    assert!(!stderr.contains(MARKER), "API key on stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let info = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(["--json", "info"])
        .env_remove("OTPDECK_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .output()
        .expect("info");
    let info_text = String::from_utf8_lossy(&info.stdout).to_string();
    assert!(!info_text.contains(MARKER), "{info_text}");
    let files = no_marker_in_dir(home.path());
    let log = home
        .path()
        .join("state")
        .join("otpdeck")
        .join("logs")
        .join("otpdeck.log");
    let journal = home
        .path()
        .join("data")
        .join("otpdeck")
        .join("journal.sqlite3");
    assert!(
        files.contains(&log) && files.contains(&journal),
        "searched the log and the journal: {files:?}\ninfo: {info_text}"
    );
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(
        text.contains("TRACE") || text.contains("DEBUG"),
        "trace log"
    );
    assert!(
        info_text.contains(&log.display().to_string()),
        "`otpdeck info` names the log searched: {info_text}"
    );
}

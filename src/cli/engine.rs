//! The engine and its screens from the command line: `otpdeck serve` (the
//! engine alone), `otpdeck attach` (a dashboard on a running engine),
//! `attach --stdio` (the protocol on stdin/stdout, for ssh), `--remote CMD`
//! (a dashboard through such a command), and how a plain `otpdeck` finds
//! or hosts its engine.

use super::dashboard::{engine_options, settings_of};
use super::{exit, fail, Cli, CliResult};
use crate::config::Config;
use crate::paths::Paths;
use crate::tui::link::lock::{EngineLock, Refused};
use crate::tui::link::{self, socket, ScreenLink};
use crate::tui::{Connect, Io};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// Where the engine of this config and data dir listens.
fn socket_path(paths: &Paths) -> PathBuf {
    socket::path_for(&paths.data_dir, &paths.state_dir)
}

/// A screen's clipboard and terminal output, as the config asks.
pub(super) fn screen_io(cfg: &Config) -> Io {
    let (clipboard, note) =
        crate::tui::clipboard::Clipboard::new(cfg.clipboard, cfg.osc52_passthrough);
    tracing::info!(note = %note, "clipboard chosen");
    Io {
        clipboard: Box::new(clipboard),
        out: Box::new(std::io::stdout()),
    }
}

/// `otpdeck serve`: the engine in the foreground until SIGTERM or Ctrl-C.
pub async fn serve(cli: &Cli) -> CliResult {
    let loaded = crate::config::load(cli.config.as_deref())
        .map_err(|e| fail(format!("config error: {e}")))?;
    crate::domain::naming::install_aliases(&loaded.config.aliases);
    let paths = Paths::resolve(loaded.path.clone(), cli.data_dir.clone(), &loaded.config);
    paths
        .ensure()
        .map_err(|e| fail(format!("cannot create {}: {e}", paths.data_dir.display())))?;
    let _log = crate::logging::init(&paths.log_file);
    let lock = EngineLock::acquire(&paths.data_dir).map_err(|e| fail(e.to_string()))?;
    let path = socket_path(&paths);
    let listener = socket::bind(&path)
        .map_err(|e| fail(format!("cannot listen on {}: {e}", path.display())))?;
    let opts = engine_options(&loaded.config, &paths, loaded.warnings)?;
    for n in &opts.notices {
        say_err!("otpdeck: {n}");
    }
    let (joins_tx, joins_rx) = mpsc::channel(16);
    let accept = tokio::spawn(socket::accept(listener, joins_tx));
    say_err!(
        "otpdeck engine (PID {}) on {}; log: {}",
        std::process::id(),
        path.display(),
        paths.log_file.display()
    );
    tracing::info!(socket = %path.display(), "engine started");
    crate::tui::run_engine(opts, joins_rx, stop_signal()).await;
    accept.abort();
    let _ = std::fs::remove_file(&path);
    drop(lock);
    say_err!("otpdeck engine stopped");
    Ok(exit::OK)
}

/// SIGTERM or SIGINT.
async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// `otpdeck attach`: a dashboard on the running engine; `--stdio`: the
/// protocol carried between stdin/stdout and the engine's socket.
pub async fn attach(cli: &Cli, stdio: bool) -> CliResult {
    let (cfg, paths) = super::dashboard::look_and_feel(cli);
    let path = socket_path(&paths);
    if stdio {
        return carry_stdio(&path).await;
    }
    let _log = crate::logging::init(&paths.log_file);
    let io = screen_io(&cfg);
    crate::tui::run_screen_terminal(socket::connector(path), settings_of(&cfg), io)
        .await
        .map_err(fail)?;
    Ok(exit::OK)
}

/// Copies bytes both ways between stdin/stdout and the engine's socket
/// until either side ends. The two ends speak the protocol themselves.
async fn carry_stdio(path: &std::path::Path) -> CliResult {
    let stream = tokio::net::UnixStream::connect(path).await.map_err(|e| {
        fail(format!(
            "no engine answers on {} ({e}): start one with `otpdeck serve`",
            path.display()
        ))
    })?;
    let (mut read, mut write) = stream.into_split();
    let mut stdin = tokio::io::stdin();
    let mut stdout = tokio::io::stdout();
    tokio::select! {
        _ = tokio::io::copy(&mut stdin, &mut write) => {}
        _ = async {
            let _ = tokio::io::copy(&mut read, &mut stdout).await;
            use tokio::io::AsyncWriteExt;
            let _ = stdout.flush().await;
        } => {}
    }
    Ok(exit::OK)
}

/// `--remote CMD`: the dashboard through a command that speaks the
/// protocol on its stdin/stdout (`ssh vps otpdeck attach --stdio`;
/// `ssh://user@host[:port]` is short for that).
pub async fn remote(cli: &Cli, target: &str) -> CliResult {
    let (cfg, paths) = super::dashboard::look_and_feel(cli);
    let _log = crate::logging::init(&paths.log_file);
    let command = remote_command(target);
    let said = Arc::new(Mutex::new(String::new()));
    let said_in = said.clone();
    let connect: Connect = Arc::new(move || {
        let command = command.clone();
        let said = said_in.clone();
        Box::pin(async move { spawn_remote(&command, said) })
    });
    let io = screen_io(&cfg);
    let result = crate::tui::run_screen_terminal(connect, settings_of(&cfg), io).await;
    result.map_err(|e| {
        let stderr = said
            .lock()
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        match stderr.is_empty() {
            true => fail(e),
            false => fail(format!("{e}; the command said: {stderr}")),
        }
    })?;
    Ok(exit::OK)
}

/// The shell command for `--remote`.
fn remote_command(target: &str) -> String {
    match target.strip_prefix("ssh://") {
        Some(rest) => {
            let (host, port) = match rest.rsplit_once(':') {
                Some((h, p)) if p.parse::<u16>().is_ok() => (h, Some(p)),
                _ => (rest, None),
            };
            let port = port.map(|p| format!("-p {p} ")).unwrap_or_default();
            format!("ssh {port}{host} otpdeck attach --stdio")
        }
        None => target.to_string(),
    }
}

/// Runs `command` under sh with its stdin/stdout as the link; what it
/// says on stderr is kept (the last 2,000 bytes) for the error message.
fn spawn_remote(command: &str, said: Arc<Mutex<String>>) -> Result<ScreenLink, String> {
    use std::process::Stdio;
    use tokio::io::AsyncReadExt;
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(format!("`{command}` has no stdin/stdout"));
    };
    if let Some(mut stderr) = child.stderr.take() {
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let raw = String::from_utf8_lossy(&buf[..n]).into_owned();
                let text = crate::domain::text::visible(&raw);
                tracing::warn!("remote: {}", text.trim_end());
                if let Ok(mut s) = said.lock() {
                    s.push_str(&text);
                    let cut = s.len().saturating_sub(2000);
                    let cut = (cut..s.len()).find(|i| s.is_char_boundary(*i)).unwrap_or(0);
                    s.drain(..cut);
                }
            }
        });
    }
    // The child lives as long as the link: ended when the screen is.
    tokio::spawn(async move {
        let _ = child.wait().await;
    });
    Ok(link::stream::attach(stdout, stdin))
}

/// A plain `otpdeck`: attach to this data dir's engine, or host it here.
pub(super) fn attach_or_host(cfg: Arc<Config>, paths: Paths, warnings: Vec<String>) -> Connect {
    let warnings = Arc::new(Mutex::new(Some(warnings)));
    Arc::new(move || {
        let cfg = cfg.clone();
        let paths = paths.clone();
        let warnings = warnings.clone();
        Box::pin(async move {
            let path = socket_path(&paths);
            if let Some(link) = socket::connect(&path).await {
                return Ok(link);
            }
            let notices = warnings
                .lock()
                .ok()
                .and_then(|mut w| w.take())
                .unwrap_or_default();
            host(&cfg, &paths, notices)
        })
    })
}

/// Hosts the engine in this process: the lock, the socket for other
/// screens, and the link of this one.
fn host(cfg: &Config, paths: &Paths, notices: Vec<String>) -> Result<ScreenLink, String> {
    let lock = match EngineLock::acquire(&paths.data_dir) {
        Ok(l) => l,
        Err(Refused::Running(pid)) => {
            let pid = pid.map(|p| format!(" (PID {p})")).unwrap_or_default();
            return Err(format!(
                "an engine runs on this data dir{pid} but does not answer on its socket yet"
            ));
        }
        Err(e) => return Err(e.to_string()),
    };
    let opts = engine_options(cfg, paths, notices).map_err(|e| e.message)?;
    let (joins_tx, joins_rx) = mpsc::channel(16);
    let path = socket_path(paths);
    let accept = match socket::bind(&path) {
        Ok(listener) => Some(tokio::spawn(socket::accept(listener, joins_tx.clone()))),
        Err(e) => {
            // The dashboard still works; other screens cannot attach.
            tracing::warn!("cannot listen on {}: {e}", path.display());
            None
        }
    };
    let (screen, joined) = link::in_process();
    let _ = joins_tx.try_send(joined);
    // The engine runs as long as this process: the task holds the lock
    // and the accept loop's handle until then.
    tokio::spawn(async move {
        let _held = (lock, accept);
        crate::tui::run_engine(opts, joins_rx, std::future::pending()).await;
    });
    Ok(screen)
}

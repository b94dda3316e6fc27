//! The engine's Unix socket: where it is, made private (the directory
//! 0700, the socket 0600) and open only to this user (the peer's uid is
//! checked on every connection).

use super::Joined;
use std::path::{Path, PathBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;

/// The socket of the engine for `data_dir`: in `$XDG_RUNTIME_DIR/otpdeck/`
/// (a per-user tmpfs), else in the state dir; named after the data dir, so
/// engines of two data dirs never meet.
pub fn path_for(data_dir: &Path, state_dir: &Path) -> PathBuf {
    use sha2::Digest;
    let canonical = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    let digest = sha2::Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    let name: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d).join("otpdeck"),
        None => state_dir.to_path_buf(),
    };
    dir.join(format!("engine-{name}.sock"))
}

/// Binds the socket: its directory private, a stale socket (no engine
/// behind it) removed, the socket itself 0600.
pub fn bind(path: &Path) -> std::io::Result<UnixListener> {
    if let Some(dir) = path.parent() {
        crate::paths::private_dir(dir)?;
    }
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                format!("an engine already answers on {}", path.display()),
            ));
        }
        std::fs::remove_file(path)?;
    }
    let listener = UnixListener::bind(path)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// Whether the peer runs as this user.
fn same_user(s: &UnixStream) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    s.peer_cred().map(|c| c.uid() == me).unwrap_or(false)
}

/// Accepts screens until `joins` closes: each checked for its user, then
/// its hello, in its own task.
pub async fn accept(listener: UnixListener, joins: mpsc::Sender<Joined>) {
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                // Out of descriptors, say: wait rather than spin.
                tracing::warn!(error = %e, "cannot accept a screen");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            }
        };
        if joins.is_closed() {
            return;
        }
        if !same_user(&stream) {
            tracing::warn!("a connection from another user was refused");
            continue;
        }
        let (read, write) = stream.into_split();
        tokio::spawn(super::stream::serve(
            read,
            write,
            joins.clone(),
            "socket".into(),
        ));
    }
}

/// Connects to the engine of this socket, if one answers.
pub async fn connect(path: &Path) -> Option<super::ScreenLink> {
    let stream = UnixStream::connect(path).await.ok()?;
    let (read, write) = stream.into_split();
    Some(super::stream::attach(read, write))
}

/// How a screen reaches the engine of this socket, each time it tries.
pub fn connector(path: PathBuf) -> crate::tui::Connect {
    std::sync::Arc::new(move || {
        let path = path.clone();
        Box::pin(async move {
            connect(&path)
                .await
                .ok_or_else(|| format!("no engine answers on {}", path.display()))
        })
    })
}

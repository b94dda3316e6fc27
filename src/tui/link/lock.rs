//! One engine per data dir: an exclusive lock on `engine.lock`, which
//! holds the engine's process id so a second one can say which runs. The
//! lock goes with the process, however it ends (SIGKILL included).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held while this process is the data dir's engine.
pub struct EngineLock {
    _file: File,
    pub path: PathBuf,
}

/// Why this process cannot be the engine.
#[derive(Debug)]
pub enum Refused {
    /// Another engine runs (its process id, when it wrote one).
    Running(Option<u32>),
    Io(std::io::Error),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Running(Some(pid)) => {
                write!(f, "an engine already runs on this data dir (PID {pid})")
            }
            Refused::Running(None) => write!(f, "an engine already runs on this data dir"),
            Refused::Io(e) => write!(f, "cannot take the engine lock: {e}"),
        }
    }
}

impl EngineLock {
    pub fn acquire(data_dir: &Path) -> Result<EngineLock, Refused> {
        let path = data_dir.join("engine.lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(Refused::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(Refused::Running(text.trim().parse().ok()));
            }
            Err(TryLockError::Error(e)) => return Err(Refused::Io(e)),
        }
        file.set_len(0).map_err(Refused::Io)?;
        file.rewind().map_err(Refused::Io)?;
        write!(file, "{}", std::process::id()).map_err(Refused::Io)?;
        file.flush().map_err(Refused::Io)?;
        Ok(EngineLock { _file: file, path })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_engine_is_refused_with_the_first_ones_pid() {
        let t = tempfile::tempdir().unwrap();
        let first = EngineLock::acquire(t.path()).unwrap();
        match EngineLock::acquire(t.path()) {
            Err(Refused::Running(Some(pid))) => assert_eq!(pid, std::process::id()),
            other => panic!("expected a refusal, got {:?}", other.map(|l| l.path)),
        }
        drop(first);
        assert!(EngineLock::acquire(t.path()).is_ok());
    }
}

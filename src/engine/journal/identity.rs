//! Which file the journal is. SQLite keeps writing to the file it opened
//! even after that file is deleted or replaced on disk (an unlinked inode):
//! every order bought afterwards is written where no later start will
//! read it. So before anything that spends, and before a poll's news is
//! written, the path is checked to still name the file that was opened;
//! if it does not, spending stops with a sentence saying why.

use super::{Journal, JournalError, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileIdentity {
    path: PathBuf,
    id: (u64, u64),
}

fn id_of(path: &Path) -> std::io::Result<(u64, u64)> {
    let m = std::fs::metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        // No inode: the creation time stands in for it.
        let t = m
            .created()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        Ok((0, t))
    }
}

impl FileIdentity {
    pub(super) fn of(path: &Path) -> Option<FileIdentity> {
        id_of(path).ok().map(|id| FileIdentity {
            path: path.to_path_buf(),
            id,
        })
    }

    fn check(&self) -> Result<()> {
        match id_of(&self.path) {
            Ok(id) if id == self.id => Ok(()),
            Ok(_) => Err(JournalError::Replaced {
                path: self.path.display().to_string(),
                how: "replaced by another file",
            }),
            Err(_) => Err(JournalError::Replaced {
                path: self.path.display().to_string(),
                how: "deleted",
            }),
        }
    }
}

impl Journal {
    /// Ok while the journal's path still names the file this process
    /// opened (always, in memory).
    pub fn check_file(&self) -> Result<()> {
        self.identity.as_ref().map_or(Ok(()), FileIdentity::check)
    }
}

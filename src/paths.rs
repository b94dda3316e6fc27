//! Where otpdeck keeps things: the config file, the journal, the logs.
//! `--data-dir` wins; then `data_dir` in the config; then the XDG dirs.

use crate::config::Config;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub config_file: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
    pub journal: PathBuf,
    pub log_file: PathBuf,
}

impl Paths {
    pub fn resolve(
        config_file: Option<PathBuf>,
        data_dir_flag: Option<PathBuf>,
        config: &Config,
    ) -> Paths {
        let explicit = data_dir_flag.or_else(|| config.data_dir.clone());
        let (data_dir, state_dir) = match explicit {
            // One folder holds everything when the user names it.
            Some(d) => (d.clone(), d),
            None => {
                let data = dirs::data_dir()
                    .map(|d| d.join("otpdeck"))
                    .unwrap_or_else(|| PathBuf::from(".otpdeck"));
                let state = dirs::state_dir()
                    .map(|d| d.join("otpdeck"))
                    .unwrap_or_else(|| data.clone());
                (data, state)
            }
        };
        Paths {
            config_file,
            journal: data_dir.join("journal.sqlite3"),
            log_file: state_dir.join("logs").join("otpdeck.log"),
            data_dir,
            state_dir,
        }
    }

    /// Creates the data folder, private to the user (the journal lists
    /// numbers and codes). The log folder is the logger's (a log is not
    /// worth failing a command for).
    pub fn ensure(&self) -> std::io::Result<()> {
        private_dir(&self.data_dir)
    }
}

/// Creates `dir` and any missing parents with mode 0700. A folder that is
/// already there keeps its mode: `--data-dir /srv/shared` (a 1777 dir
/// other users rely on) is never made private or public by otpdeck.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_dir_otpdeck_did_not_make_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let shared = t.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let p = Paths::resolve(None, Some(shared.clone()), &Config::default());
        p.ensure().unwrap();
        let mode = |d: &Path| std::fs::metadata(d).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&shared), 0o1777);
        // What otpdeck makes is private.
        let own = t.path().join("a/b");
        private_dir(&own).unwrap();
        assert_eq!(mode(&own), 0o700);
        assert_eq!(mode(&t.path().join("a")), 0o700);
    }

    #[test]
    fn data_dir_flag_holds_everything() {
        let p = Paths::resolve(None, Some(PathBuf::from("/tmp/x")), &Config::default());
        assert_eq!(p.journal, PathBuf::from("/tmp/x/journal.sqlite3"));
        assert_eq!(p.log_file, PathBuf::from("/tmp/x/logs/otpdeck.log"));
    }

    #[test]
    fn flag_beats_config() {
        let cfg = Config {
            data_dir: Some(PathBuf::from("/tmp/from-config")),
            ..Default::default()
        };
        assert_eq!(
            Paths::resolve(None, None, &cfg).data_dir,
            PathBuf::from("/tmp/from-config")
        );
        assert_eq!(
            Paths::resolve(None, Some(PathBuf::from("/tmp/flag")), &cfg).data_dir,
            PathBuf::from("/tmp/flag")
        );
    }
}

//! Where otpdeck keeps things: the config file, the journal, the logs.
//! `--data-dir` wins; then `data_dir` in the config; then the XDG dirs.

use crate::config::Config;
use std::path::PathBuf;

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

    /// Creates the folders (private to the user: the journal lists numbers
    /// and codes).
    pub fn ensure(&self) -> std::io::Result<()> {
        for dir in [&self.data_dir, &self.state_dir.join("logs")] {
            std::fs::create_dir_all(dir)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

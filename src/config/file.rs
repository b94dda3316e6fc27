//! Finding and reading the config file, and warning when a file holding a
//! key is readable by others.

use super::parse::parse_text;
use super::{ConfigError, Loaded};
use std::path::{Path, PathBuf};

/// The config file to read: the one named, else `OTPDECK_CONFIG` (the CLI
/// folds that into `explicit`), else the XDG default.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("otpdeck").join("config.toml"))
}

/// Loads the config. A missing default file means built-in defaults; a
/// missing file that was named is an error.
pub fn load(explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
    let (path, required) = match explicit {
        Some(p) => (Some(p.to_path_buf()), true),
        None => (default_path(), false),
    };
    let mut warnings = Vec::new();
    let text = match &path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => Some(t),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ConfigError::Read {
                    file: p.display().to_string(),
                    message: e.to_string(),
                })
            }
        },
        None => None,
    };
    let file = path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "config".into());
    let (config, inline, unknown) = parse_text(text.as_deref().unwrap_or(""), &file, true)?;
    warnings.extend(unknown);
    let used = if text.is_some() { path } else { None };
    if inline {
        if let Some(p) = &used {
            if let Some(w) = permission_warning(p) {
                warnings.push(w);
            }
        }
    }
    Ok(Loaded {
        config,
        path: used,
        warnings,
    })
}

#[cfg(unix)]
fn permission_warning(p: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p).ok()?.permissions().mode();
    // Readable by group or others; write or execute bits alone do not
    // expose the key.
    (mode & 0o044 != 0).then(|| {
        format!(
            "{} holds an API key and can be read by other users (mode {:o}); run `chmod 600 {}`",
            p.display(),
            mode & 0o777,
            p.display()
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "bell = false\nauto_cancel_before = \"60s\"\n").unwrap();
        // Only this test reads these two keys, so setting them cannot race.
        std::env::set_var("OTPDECK_BELL", "true");
        std::env::set_var("OTPDECK_AUTO_CANCEL_BEFORE", "2m");
        let cfg = load(Some(&p)).unwrap().config;
        std::env::remove_var("OTPDECK_BELL");
        std::env::remove_var("OTPDECK_AUTO_CANCEL_BEFORE");
        assert!(cfg.bell);
        assert_eq!(cfg.auto_cancel_before, Duration::from_secs(120));
    }

    #[cfg(unix)]
    #[test]
    fn warns_when_a_file_with_a_key_is_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(
            &p,
            "[[accounts]]\nname='a'\nprovider='gateotp'\napi_key='sim-1'\n",
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(load(Some(&p)).unwrap().warnings.len(), 1);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(load(Some(&p)).unwrap().warnings.len(), 1, "group-readable");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o604)).unwrap();
        assert_eq!(load(Some(&p)).unwrap().warnings.len(), 1, "world-readable");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load(Some(&p)).unwrap().warnings.is_empty());
        // Writable or executable by others, but not readable: the key stays
        // private, so no warning.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o622)).unwrap();
        assert!(load(Some(&p)).unwrap().warnings.is_empty());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o611)).unwrap();
        assert!(load(Some(&p)).unwrap().warnings.is_empty());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load(Some(&dir.path().join("missing.toml"))).is_err());
    }
}

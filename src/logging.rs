//! Logs go to a file in the state dir, never to the screen (the dashboard
//! owns the terminal). `OTPDECK_LOG` sets the filter (default `info`).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use tracing_subscriber::EnvFilter;

/// Log lines waiting for the writer thread at most.
const LOG_QUEUE_LINES: usize = 1024;

/// The log file with every line made visible: a provider's message quoted
/// in a log line may carry escapes, and `tail -f` on the log would run
/// them.
struct Visible<W>(W);

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0
            .write_all(crate::domain::text::visible_block(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Starts file logging; the guard flushes on drop. None, with one warning
/// on stderr, if the file cannot be opened: otpdeck works without logs.
pub fn init(log_file: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let file = log_file
        .parent()
        .map_or(Ok(()), crate::paths::private_dir)
        .and_then(|_| OpenOptions::new().create(true).append(true).open(log_file));
    let file = match file {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "otpdeck: warning: no log this run, cannot open {}: {e}",
                crate::domain::text::visible(&log_file.display().to_string())
            );
            return None;
        }
    };
    // The default queue holds 128,000 lines and its channel allocates them
    // all up front: 4 MB of an idle dashboard's ~20 MB. A dashboard logs a
    // few lines a minute; past this many waiting lines new ones are dropped
    // (the default is lossy too) rather than blocking the UI.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .finish(Visible(file));
    let filter = EnvFilter::try_from_env("OTPDECK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_cannot_carry_an_escape() {
        let mut out = Visible(Vec::new());
        out.write_all(b"WARN poll failed: \x1b]0;pwned\x07\n")
            .unwrap();
        assert_eq!(
            String::from_utf8(out.0).unwrap(),
            "WARN poll failed: \u{241b}]0;pwned\u{2407}\n"
        );
    }

    #[test]
    fn a_log_file_that_cannot_be_made_is_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, b"x").unwrap();
        assert!(init(&blocker.join("otpdeck.log")).is_none());
    }
}

//! Logs go to a file in the state dir, never to the screen (the dashboard
//! owns the terminal). `OTPDECK_LOG` sets the filter (default `info`).

use std::path::Path;
use tracing_subscriber::EnvFilter;

/// Log lines waiting for the writer thread at most.
const LOG_QUEUE_LINES: usize = 1024;

/// Starts file logging; the guard flushes on drop. None if the file cannot
/// be opened (otpdeck works without logs).
pub fn init(log_file: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = log_file.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let name = log_file.file_name()?;
    let appender = tracing_appender::rolling::never(dir, name);
    // The default queue holds 128,000 lines and its channel allocates them
    // all up front: 4 MB of an idle dashboard's ~20 MB. A dashboard logs a
    // few lines a minute; past this many waiting lines new ones are dropped
    // (the default is lossy too) rather than blocking the UI.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .finish(appender);
    let filter = EnvFilter::try_from_env("OTPDECK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

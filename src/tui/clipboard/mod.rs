//! Where `c` and `n` put text: behind a small trait, so the event loop
//! copies the same way on a real terminal and in a test, which reads what
//! was copied.

mod system;

use std::io::Write;
use std::sync::{Arc, Mutex};
pub use system::Clipboard;

pub trait CopyTarget: Send {
    /// Copies `text`; says how (for the status bar), or why not. `term`
    /// is the terminal's output, for OSC 52.
    fn copy(&mut self, text: &str, term: &mut dyn Write) -> Result<&'static str, String>;
}

impl CopyTarget for Clipboard {
    fn copy(&mut self, text: &str, mut term: &mut dyn Write) -> Result<&'static str, String> {
        Clipboard::copy(self, text, &mut term)
    }
}

/// A clipboard that keeps what was copied, for tests and headless runs.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    copied: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    /// Everything copied so far, oldest first.
    pub fn copied(&self) -> Vec<String> {
        self.copied.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl CopyTarget for Recorder {
    fn copy(&mut self, text: &str, _term: &mut dyn Write) -> Result<&'static str, String> {
        self.copied
            .lock()
            .map_err(|_| "clipboard recorder poisoned".to_string())?
            .push(text.to_string());
        Ok("recorded")
    }
}

/// Outside text made safe for the clipboard, whichever screen asked: only
/// the code of an OTP, one clean line of anything else (None: nothing
/// printable was left).
pub fn copyable(text: &str, what: &str) -> Option<String> {
    use crate::domain::text::{code_for_clipboard, for_clipboard};
    let t = match what {
        "OTP" | "code" => code_for_clipboard(text),
        // A number is pasted into a form: digits and the plus, no spaces.
        "number" => for_clipboard(text).replace(' ', ""),
        _ => for_clipboard(text),
    };
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::copyable;

    #[test]
    fn each_kind_of_text_is_copied_clean() {
        assert_eq!(
            copyable("+62 812-3456\u{200b} 7890", "number").as_deref(),
            Some("+62812-34567890")
        );
        assert_eq!(
            copyable("\x1b]52;c;eA==\x07 Kode 482913\n", "OTP").as_deref(),
            Some("482913")
        );
        assert_eq!(
            copyable("3094 6595\n8929", "SN").as_deref(),
            Some("3094 6595 8929")
        );
        assert_eq!(copyable("\x1b\x07\r\n", "OTP"), None);
    }
}

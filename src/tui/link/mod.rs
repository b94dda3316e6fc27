//! The engine and its screens: what they say to each other and how.
//!
//! A screen sends intents (`ToEngine`): an effect to carry out (a buy
//! confirmed, a cancel, a catalog load) or a book action (buys started).
//! The engine sends `ToScreen`: a welcome with the accounts, then every
//! action of its book, each account's figure, and the replies to that
//! screen's own requests.
//!
//! On a byte stream (the Unix socket, `attach --stdio`, ssh) each message
//! is one frame: a 4-byte big-endian length, then the message as JSON.
//! JSON because every type carried is already serde with JSON-shaped
//! attributes, a frame can be read in a trace, and a screen's traffic is
//! small (a snapshot of a busy book is well under a megabyte); the length
//! prefix (tokio-util's `LengthDelimitedCodec`) makes a frame's end
//! certain and lets a reader refuse one too large before reading it.

pub mod lock;
pub mod socket;
pub mod stream;
#[cfg(test)]
mod tests;

use crate::app::role::Snapshot;
use crate::app::{AccountInfo, Action, BookAction, Effect};
use serde::{Deserialize, Serialize};

/// The protocol's version: both sides name theirs in the handshake and a
/// mismatch is refused (no guessing at another version's messages).
pub const PROTOCOL: u32 = 2;

/// The largest frame either side accepts.
pub const MAX_FRAME: usize = 8 * 1024 * 1024;

/// Messages a screen has waiting before the engine stops sending to it: a
/// screen that stops reading is dropped rather than slowing the engine.
pub const SCREEN_QUEUE: usize = 4096;

/// What a screen says to the engine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ToEngine {
    /// The first message: the screen's protocol and program version.
    Hello { protocol: u32, version: String },
    /// Carry this out; replies to it come back to this screen only.
    Effect(Effect),
    /// Take this into the book (a buy the user confirmed).
    Book(BookAction),
}

/// What the engine says to a screen.
// The welcome is sent once per screen; boxing it would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ToScreen {
    /// The handshake's answer: the engine's versions and what a screen
    /// needs to start. Followed by `Action::Attached`.
    Welcome(Welcome),
    /// The engine will not serve this screen, and why; the link closes.
    Refused(String),
    /// An action for every screen's app (the book's, a figure, a word of
    /// the engine's).
    Action(Action),
    /// An action that answers this screen's own request (a catalog page,
    /// the word on a resend): a client waiting for its answer tells it from
    /// what every screen is sent.
    Reply(Action),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Welcome {
    pub protocol: u32,
    pub version: String,
    /// The engine's process id (said when a screen shows where it is).
    pub pid: u32,
    /// Names, APIs and capabilities: never a key.
    pub accounts: Vec<AccountInfo>,
    /// The engine's money settings, which a screen's copy of the book
    /// and its confirmations use.
    pub money: MoneySettings,
    /// What the engine said at start (config warnings).
    pub notices: Vec<String>,
}

/// The settings that are the engine's, not the screen's: rules on
/// spending, auto-cancel, whether a webhook receiver runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MoneySettings {
    pub rules: crate::domain::Rules,
    pub auto_cancel_before: std::time::Duration,
    pub auto_cancel_email: bool,
    pub webhook_receiver: bool,
}

impl MoneySettings {
    pub fn of(s: &crate::app::AppSettings) -> MoneySettings {
        MoneySettings {
            rules: s.rules.clone(),
            auto_cancel_before: s.auto_cancel_before,
            auto_cancel_email: s.auto_cancel_email,
            webhook_receiver: s.webhook_receiver,
        }
    }

    /// A screen's settings: its own look and reactions, the engine's money.
    pub fn apply(self, s: &mut crate::app::AppSettings) {
        s.rules = self.rules;
        s.auto_cancel_before = self.auto_cancel_before;
        s.auto_cancel_email = self.auto_cancel_email;
        s.webhook_receiver = self.webhook_receiver;
        s.role = crate::app::role::Role::Screen;
    }
}

/// Whether the engine takes this from a screen: what a user asks for
/// (buys, order operations, settling, deposits, loads). The book's own
/// work (polling, replays, clue checks, settling by clues, replace chains)
/// and any other book action are the engine's to decide, never a screen's.
pub fn screen_may_ask(msg: &ToEngine) -> bool {
    use crate::app::Effect as E;
    match msg {
        ToEngine::Hello { .. } => true,
        ToEngine::Book(a) => matches!(a, BookAction::StartBuys { .. }),
        ToEngine::Effect(e) => !matches!(
            e,
            E::Watch(_)
                | E::Unwatch { .. }
                | E::ReplayBuy { .. }
                | E::Reconcile { .. }
                | E::CheckBalance { .. }
                | E::NoteClue { .. }
                | E::SettleByClues { .. }
                | E::WatchDeposit(_)
                | E::ReplaceBegin(_)
                | E::ReplaceBuy { .. }
                | E::ReplaceEnded { .. }
                | E::Book(_)
                | E::Tell(_)
                | E::Quit
        ),
    }
}

/// The hello this program sends.
pub fn hello() -> ToEngine {
    ToEngine::Hello {
        protocol: PROTOCOL,
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Checks a screen's first message; the refusal's words otherwise.
pub fn check_hello(first: &ToEngine) -> Result<(), String> {
    match first {
        ToEngine::Hello { protocol, .. } if *protocol == PROTOCOL => Ok(()),
        ToEngine::Hello { protocol, version } => Err(format!(
            "this engine speaks protocol {PROTOCOL} (otpdeck {}), the screen {protocol} \
             (otpdeck {version}): run the same otpdeck on both sides",
            env!("CARGO_PKG_VERSION")
        )),
        _ => Err("the first message must be the hello".into()),
    }
}

/// Checks the engine's first message.
pub fn check_welcome(first: ToScreen) -> Result<Welcome, String> {
    match first {
        ToScreen::Welcome(w) if w.protocol == PROTOCOL => Ok(w),
        ToScreen::Welcome(w) => Err(format!(
            "the engine speaks protocol {} (otpdeck {}), this screen {PROTOCOL} (otpdeck {}): \
             run the same otpdeck on both sides",
            w.protocol,
            w.version,
            env!("CARGO_PKG_VERSION")
        )),
        ToScreen::Refused(why) => Err(format!("the engine refused: {why}")),
        ToScreen::Action(_) | ToScreen::Reply(_) => {
            Err("the engine did not start with its welcome".into())
        }
    }
}

/// The screen's side of a link, whatever carries it: messages out, and
/// messages in (None once the engine is gone).
pub struct ScreenLink {
    pub tx: tokio::sync::mpsc::UnboundedSender<ToEngine>,
    pub rx: tokio::sync::mpsc::Receiver<ToScreen>,
}

/// The engine's side of one screen's link, once its hello is checked.
pub struct Joined {
    pub out: tokio::sync::mpsc::Sender<ToScreen>,
    pub inbox: tokio::sync::mpsc::UnboundedReceiver<ToEngine>,
    /// Where the screen is (said in the log): "socket", "stdio", "local".
    pub from: String,
}

/// A fresh in-process link: the screen's end and the engine's.
pub fn in_process() -> (ScreenLink, Joined) {
    let (tx, inbox) = tokio::sync::mpsc::unbounded_channel();
    let (out, rx) = tokio::sync::mpsc::channel(SCREEN_QUEUE);
    (
        ScreenLink { tx, rx },
        Joined {
            out,
            inbox,
            from: "local".into(),
        },
    )
}

/// The snapshot a welcome is followed by.
pub fn attached(s: Snapshot) -> ToScreen {
    ToScreen::Action(Action::Attached(Box::new(s)))
}

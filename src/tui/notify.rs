//! Desktop notifications through the terminal: OSC 9 (iTerm2, Windows
//! Terminal, kitty, foot...) and OSC 777 (rxvt-unicode, VTE/GNOME
//! Terminal, WezTerm). Written to the terminal like OSC 52, they reach the
//! user's own desktop through SSH. And, where asked, through the local
//! desktop's session bus (notify-rust), which over SSH usually is not
//! there: that fails fast and is then left alone for the session.

use crate::app::Notification;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set once the session bus failed: no further tries this session.
static DESKTOP_GAVE_UP: AtomicBool = AtomicBool::new(false);
/// Longest wait for the notification daemon's answer.
const DESKTOP_WAIT: Duration = Duration::from_secs(2);

/// Text safe inside an OSC string: no control characters (a BEL or ESC
/// would end it early) and, for OSC 777, no `;` (its field separator).
fn clean(s: &str, semicolon: bool) -> String {
    s.chars()
        .filter(|c| !c.is_control() && (!semicolon || *c != ';'))
        .take(200)
        .collect()
}

/// The bytes to write for `n` (empty when neither kind is on).
pub fn escapes(n: &Notification) -> Vec<u8> {
    let mut out = String::new();
    if n.osc9 {
        out.push_str(&format!(
            "\x1b]9;{}: {}\x07",
            clean(&n.title, false),
            clean(&n.body, false)
        ));
    }
    if n.osc777 {
        out.push_str(&format!(
            "\x1b]777;notify;{};{}\x07",
            clean(&n.title, true),
            clean(&n.body, true)
        ));
    }
    out.into_bytes()
}

/// Sends `n` to the desktop's notification daemon in the background. No
/// session bus (`DBUS_SESSION_BUS_ADDRESS` unset: SSH, a server) or a
/// failure: logged once, quietly given up; the escapes still go out.
pub fn desktop(n: &Notification) {
    if DESKTOP_GAVE_UP.load(Ordering::Relaxed) {
        return;
    }
    if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        give_up("no session bus (DBUS_SESSION_BUS_ADDRESS is unset)");
        return;
    }
    send_desktop(clean(&n.title, false), clean(&n.body, false));
}

/// Whether desktop notifications were given up for this session.
pub fn desktop_given_up() -> bool {
    DESKTOP_GAVE_UP.load(Ordering::Relaxed)
}

fn give_up(why: &str) {
    if !DESKTOP_GAVE_UP.swap(true, Ordering::Relaxed) {
        tracing::info!("desktop notifications off for this session: {why}");
    }
}

#[cfg(feature = "desktop-notify")]
fn send_desktop(title: String, body: String) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return give_up("no runtime");
    };
    rt.spawn(async move {
        let mut note = notify_rust::Notification::new();
        note.summary(&title).body(&body).appname("otpdeck");
        match tokio::time::timeout(DESKTOP_WAIT, note.show_async()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => give_up(&e.to_string()),
            Err(_) => give_up("the notification daemon did not answer"),
        }
    });
}

#[cfg(not(feature = "desktop-notify"))]
fn send_desktop(_title: String, _body: String) {
    give_up("built without the desktop-notify feature");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_switchable_and_cannot_be_broken_out_of() {
        let mut n = Notification {
            title: "otpdeck".into(),
            body: "OTP 482913 for WhatsApp;\x07\x1b]52;c;evil\x07".into(),
            osc9: true,
            osc777: false,
            desktop: false,
        };
        let nine = String::from_utf8(escapes(&n)).unwrap();
        assert!(nine.starts_with("\x1b]9;otpdeck: OTP 482913"), "{nine:?}");
        assert_eq!(nine.matches('\x07').count(), 1, "{nine:?}");
        assert_eq!(nine.matches('\x1b').count(), 1, "{nine:?}");
        n.osc9 = false;
        n.osc777 = true;
        let seven = String::from_utf8(escapes(&n)).unwrap();
        assert!(
            seven.starts_with("\x1b]777;notify;otpdeck;OTP 482913 for WhatsApp]52"),
            "{seven:?}"
        );
        assert_eq!(seven.matches(';').count(), 3, "{seven:?}");
        n.osc777 = false;
        assert!(escapes(&n).is_empty());
    }
}

//! Desktop notifications through the terminal: OSC 9 (iTerm2, Windows
//! Terminal, kitty, foot...) and OSC 777 (rxvt-unicode, VTE/GNOME
//! Terminal, WezTerm). Written to the terminal like OSC 52, they reach the
//! user's own desktop through SSH.

use crate::app::Notification;

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

//! Text that came from outside (provider names, OTPs, SNs, error
//! messages, pushes, and the journal's copies of them) made safe to show
//! or copy. A name on GoTopUp's marketplace is written by another seller:
//! an `ESC ] 52` in it would rewrite the clipboard, a `\r` with an
//! invisible-text attribute would make Rp 200.000 read "Rp 1.000". One
//! function for every place otpdeck writes such text, so no path forgets.

use std::borrow::Cow;

/// Characters that reorder or hide text without being control characters
/// (bidi marks, overrides and isolates, zero-width spaces, the BOM):
/// "Trojan Source" text reads one way and is another. The zero-width
/// joiners (U+200C, U+200D) stay: emoji and Indic scripts need them, and
/// they move nothing.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A character a terminal may act on or that hides text: control, bidi
/// or zero-width.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_format(c)
}

fn needs_work(c: char, keep_newlines: bool) -> bool {
    if keep_newlines && (c == '\n' || c == '\t') {
        return false;
    }
    is_unsafe(c)
}

fn shown(c: char, out: &mut String) {
    match c {
        // The Control Pictures block has a glyph for each C0 character
        // (ESC is ␛) and for DEL: the text stays readable and harmless.
        '\0'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}')),
        '\u{7f}' => out.push('\u{2421}'),
        // C1 controls (CSI is U+009B) have no picture: a replacement mark.
        c if c.is_control() => out.push('\u{FFFD}'),
        // Bidi and zero-width characters: dropped, they have no look.
        _ => {}
    }
}

fn visible_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_work(c, keep_newlines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_work(c, keep_newlines) {
            shown(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` with every control character shown as a visible picture (`␛`,
/// `␍`, `␊`) and every bidi or zero-width character dropped: one line,
/// whatever it holds.
pub fn visible(s: &str) -> Cow<'_, str> {
    visible_with(s, false)
}

/// Like [`visible`], but keeps line breaks and tabs: for a whole block of
/// the program's own output (where lines are the program's) that carries
/// outside text inside it.
pub fn visible_block(s: &str) -> Cow<'_, str> {
    visible_with(s, true)
}

/// What goes on the clipboard for a code, an SN or a number: fullwidth
/// digits folded to ASCII, every control, bidi and zero-width character
/// gone, every run of whitespace (newlines too) one space, trimmed. A
/// paste can never run a second line in a shell.
pub fn for_clipboard(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{FF10}'..='\u{FF19}' => {
                char::from_u32('0' as u32 + (c as u32 - 0xFF10)).unwrap_or(c)
            }
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_format(c) {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// The code to copy from an OTP text: its first run of 4-8 digits when it
/// is a longer message (after cleaning), else the cleaned text.
pub fn code_for_clipboard(s: &str) -> String {
    super::extract_code(&for_clipboard(s))
}

/// `url` without its userinfo (`https://user:pass@host/…` is shown as
/// `https://host/…`): a key written into a base URL is never printed.
pub fn url_without_userinfo(url: &str) -> Cow<'_, str> {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return Cow::Borrowed(url);
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => Cow::Owned(format!("{}{}", &url[..scheme_end], &rest[at + 1..])),
        None => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_never_shows() {
        assert_eq!(
            url_without_userinfo("https://u:sk_live_1@api.example.com/v1?a=b@c"),
            "https://api.example.com/v1?a=b@c"
        );
        assert_eq!(
            url_without_userinfo("http://127.0.0.1:8/x"),
            "http://127.0.0.1:8/x"
        );
        assert_eq!(url_without_userinfo("no scheme@all"), "no scheme@all");
    }

    #[test]
    fn escapes_are_shown_not_sent() {
        let name = "WhatsApp\x1b]52;c;cm0gLXJmIH4=\x07";
        let v = visible(name);
        assert!(!v.chars().any(|c| c.is_control()));
        assert_eq!(v, "WhatsApp\u{241b}]52;c;cm0gLXJmIH4=\u{2407}");
        // \r plus an invisible attribute: both visible.
        let offer = "Rp 200.000\r\x1b[8mRp 1.000";
        assert_eq!(visible(offer), "Rp 200.000\u{240d}\u{241b}[8mRp 1.000");
        // C1 CSI and DEL.
        assert_eq!(visible("a\u{9b}2Jb\u{7f}"), "a\u{fffd}2Jb\u{2421}");
    }

    #[test]
    fn bidi_and_zero_width_are_dropped() {
        assert_eq!(visible("abc\u{202e}fed\u{200b}"), "abcfed");
    }

    #[test]
    fn emoji_joiners_stay() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(visible(family), family);
    }

    #[test]
    fn plain_text_is_not_copied() {
        assert!(matches!(visible("Telegram · Indonesia"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_block_keeps_its_own_lines() {
        assert_eq!(visible_block("a\n\tb\x1b"), "a\n\tb\u{241b}");
        assert_eq!(visible("a\nb"), "a\u{240a}b");
    }

    #[test]
    fn the_clipboard_gets_one_clean_line() {
        assert_eq!(
            for_clipboard("\x1b]52;c;x\x07\nrm -rf ~\n"),
            "]52;c;x rm -rf ~"
        );
        assert_eq!(for_clipboard(" +62 812\u{200b}3456 "), "+62 8123456");
        assert_eq!(code_for_clipboard("１２３４５６"), "123456");
        assert_eq!(
            code_for_clipboard("Kode WhatsApp anda: 482913\r\nJangan bagikan"),
            "482913"
        );
        assert_eq!(code_for_clipboard("\x1b[2J\x1b[8m"), "[2J[8m");
    }
}

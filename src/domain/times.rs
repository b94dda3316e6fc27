//! Times as people read them: local and relative ("14:03, 5 min ago"),
//! not raw UTC stamps. Notes in the journal keep exact RFC 3339 stamps (a
//! record); whatever shows a note or a message to a person passes it
//! through `local_times` with the clock and the zone of that screen.

use chrono::{DateTime, FixedOffset, Utc};

/// How long ago `then` was, in words: "just now", "5 min ago", "3 h ago",
/// "2 days ago" ("in 5 min" for a time still to come).
pub fn ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    let (n, future) = (secs.unsigned_abs(), secs < 0);
    let span = if n < 60 {
        return "just now".into();
    } else if n < 3_600 {
        format!("{} min", n / 60)
    } else if n < 86_400 {
        format!("{} h", n / 3_600)
    } else if n < 2 * 86_400 {
        "1 day".into()
    } else {
        format!("{} days", n / 86_400)
    };
    if future {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// `then` in the screen's zone: the time alone when it is today there,
/// else the date too; with how long ago it was.
pub fn local(then: DateTime<Utc>, now: DateTime<Utc>, zone: FixedOffset) -> String {
    let t = then.with_timezone(&zone);
    let shown = if t.date_naive() == now.with_timezone(&zone).date_naive() {
        t.format("%H:%M").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M").to_string()
    };
    format!("{shown}, {}", ago(then, now))
}

/// `text` with every RFC 3339 stamp in it (`2026-12-07T09:00:00Z`, with
/// or without fractions or an offset) written as `local` writes it.
pub fn local_times(text: &str, now: DateTime<Utc>, zone: FixedOffset) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, stamp, after)) = next_stamp(rest) {
        out.push_str(before);
        out.push_str(&local(stamp, now, zone));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The first stamp in `s`: the text before it, the time, the text after.
fn next_stamp(s: &str) -> Option<(&str, DateTime<Utc>, &str)> {
    let bytes = s.as_bytes();
    for start in 0..bytes.len() {
        // A stamp starts with four digits and a dash, after a non-digit.
        let starts = bytes[start..].len() >= 20
            && bytes[start..start + 4].iter().all(u8::is_ascii_digit)
            && bytes[start + 4] == b'-'
            && (start == 0 || !bytes[start - 1].is_ascii_digit());
        if !starts {
            continue;
        }
        // The longest candidate that parses: date, time, fraction, zone.
        let mut end = start + 19;
        while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
            end += 1;
        }
        for zone_len in [6, 1] {
            let stop = end + zone_len;
            if let Some(cand) = s.get(start..stop) {
                if let Ok(t) = DateTime::parse_from_rfc3339(cand) {
                    return Some((&s[..start], t.with_timezone(&Utc), &s[stop..]));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, h, m, 0).unwrap()
    }

    #[test]
    fn relative_words() {
        let now = at(10, 0);
        assert_eq!(ago(at(10, 0), now), "just now");
        assert_eq!(ago(at(9, 55), now), "5 min ago");
        assert_eq!(ago(at(7, 0), now), "3 h ago");
        assert_eq!(ago(at(10, 5), now), "in 5 min");
        assert_eq!(ago(now - chrono::Duration::days(3), now), "3 days ago");
    }

    #[test]
    fn stamps_in_notes_become_local_and_relative() {
        let now = at(10, 0);
        let wib = FixedOffset::east_opt(7 * 3600).unwrap();
        let note = "settled by hand at 2026-12-07T09:55:00Z: charged Rp 3.300";
        assert_eq!(
            local_times(note, now, wib),
            "settled by hand at 16:55, 5 min ago: charged Rp 3.300"
        );
        // An offset and a fraction; a date that is not today there.
        let note = "balance since 2026-12-05T08:00:00.250+00:00: Rp 10.000";
        assert_eq!(
            local_times(note, now, wib),
            "balance since 2026-12-05 15:00, 2 days ago: Rp 10.000"
        );
        // Text without stamps, or with numbers that only look like one.
        assert_eq!(local_times("ref 2026-12 x", now, wib), "ref 2026-12 x");
        assert_eq!(local_times("", now, wib), "");
    }
}

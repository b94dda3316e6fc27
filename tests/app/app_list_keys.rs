//! The list keys in popups and full-screen views, as in the panes: ↑/↓
//! (j/k), Home/End, PageDown/Ctrl-d and PageUp/Ctrl-u, a page being what
//! the popup shows at the screen's size; the row reached is the one drawn.

use crate::common;

use common::*;
use otpdeck::app::popups::help::{box_height, lines, HelpLine};
use otpdeck::app::views::stats::Stats;
use otpdeck::app::{AccountInfo, Action, App, AppSettings, Popup};
use otpdeck::domain::stats::{GroupStats, Overview};
use otpdeck::domain::webhook::Kept;
use otpdeck::domain::ProviderKind;
use otpdeck::money::Rupiah;

fn help_scroll(a: &App) -> usize {
    match a.popup() {
        Some(Popup::Help(h)) => h.scroll as usize,
        other => panic!("help not on top: {other:?}"),
    }
}

/// The text a help line starts with on screen.
fn help_start(l: &HelpLine) -> String {
    match l {
        HelpLine::Heading(t) | HelpLine::Problem(t) => t.chars().take(20).collect(),
        HelpLine::Row { keys, .. } => keys.chars().take(15).collect(),
    }
}

#[test]
fn help_pages_jumps_and_stays_within_its_lines() {
    let mut a = app();
    a.update(Action::Resize(80, 24));
    keys(&mut a, "?");
    let all = lines(&a);
    let (_, page) = box_height(&a, all.len());
    // 24 rows less the borders and the footer.
    assert_eq!(page, 21);
    let max = all.len() - page;
    assert!(max > page, "the help is more than two screens at 80x24");
    keys(&mut a, "<PageDown>");
    assert_eq!(help_scroll(&a), page);
    let s = screen(&mut a, 80, 24);
    let first_row = s.lines().nth(1).unwrap_or("");
    assert!(
        first_row.contains(&help_start(&all[page])),
        "the page starts at line {page}:\n{s}"
    );
    assert!(s.contains("PageDown/PageUp a page"), "{s}");
    keys(&mut a, "<C-d>");
    assert_eq!(help_scroll(&a), (2 * page).min(max));
    keys(&mut a, "<C-u><PageUp>");
    assert_eq!(help_scroll(&a), 0);
    keys(&mut a, "<End>");
    assert_eq!(help_scroll(&a), max);
    keys(&mut a, "<PageDown>j<Down>");
    assert_eq!(help_scroll(&a), max, "never past the last line");
    let s = screen(&mut a, 80, 24);
    assert!(
        s.contains("Any command above by its name"),
        "the last line shows at the end:\n{s}"
    );
    keys(&mut a, "k");
    assert_eq!(help_scroll(&a), max - 1);
    keys(&mut a, "<Home>");
    assert_eq!(help_scroll(&a), 0);
}

fn picked_account(a: &App) -> usize {
    match a.popup() {
        Some(Popup::AccountPicker(p)) => p.selected,
        other => panic!("picker not on top: {other:?}"),
    }
}

/// Thirty accounts do not fit at 80×24: the picker scrolls to the name
/// picked; ↑/↓ still wrap around, Home/End and the pages stop at the ends.
#[test]
fn the_account_picker_pages_and_scrolls() {
    let accounts = (0..30)
        .map(|i| AccountInfo {
            name: format!("acc{i:02}"),
            kind: ProviderKind::NexOtp,
            caps: caps(ProviderKind::NexOtp),
            seller: false,
        })
        .collect();
    let (mut a, _) = App::new(accounts, AppSettings::default(), t0());
    a.update(Action::Resize(80, 24));
    keys(&mut a, "a");
    // 24 rows less the borders: 22 names at a time ("All accounts" first).
    keys(&mut a, "<PageDown>");
    assert_eq!(picked_account(&a), 22);
    keys(&mut a, "<End>");
    assert_eq!(picked_account(&a), 30);
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("acc29 (NEXOTP)"), "the last name shows:\n{s}");
    // The box's first name is acc08: 22 names down to the picked one.
    let top = s.lines().nth(1).unwrap_or("");
    assert!(top.contains("│acc08 (NEXOTP) "), "{s}");
    keys(&mut a, "<C-d>");
    assert_eq!(picked_account(&a), 30, "a page down stops at the end");
    keys(&mut a, "<C-u>");
    assert_eq!(picked_account(&a), 8);
    keys(&mut a, "<Home>");
    assert_eq!(picked_account(&a), 0);
    keys(&mut a, "k");
    assert_eq!(picked_account(&a), 30, "↑ wraps around as before");
    keys(&mut a, "<Enter>");
    assert_eq!(a.view.active, Some(29));
}

fn kept(i: usize) -> Kept {
    Kept {
        at: t0(),
        account: "zap".into(),
        event: format!("event.{i}"),
        reason: "no order in the journal".into(),
        code: None,
        body: format!(r#"{{"order_id":"OZ-WEB-{i}"}}"#),
    }
}

fn inbox_pick(a: &App) -> usize {
    match a.popup() {
        Some(Popup::Inbox(p)) => p.selected,
        other => panic!("inbox not on top: {other:?}"),
    }
}

#[test]
fn the_webhook_inbox_pages() {
    let mut a = app();
    for i in 0..40 {
        a.update(Action::WebhookKept(kept(i)));
    }
    a.update(Action::Resize(120, 30));
    keys(&mut a, ":inbox<Enter>");
    // 28 rows above the status bar: half of what the keys line and the
    // borders leave is the list.
    keys(&mut a, "<PageDown>");
    assert_eq!(inbox_pick(&a), 12);
    // Newest first: the 13th is delivery 27, its body shown below.
    let s = screen(&mut a, 120, 30);
    assert!(s.contains("OZ-WEB-27") && s.contains("event.27"), "{s}");
    keys(&mut a, "<End>");
    assert_eq!(inbox_pick(&a), 39);
    let s = screen(&mut a, 120, 30);
    assert!(s.contains("OZ-WEB-0\""), "{s}");
    keys(&mut a, "<PageUp><C-u>");
    assert_eq!(inbox_pick(&a), 15);
    keys(&mut a, "<Home>j");
    assert_eq!(inbox_pick(&a), 1);
}

fn group(i: usize) -> GroupStats {
    GroupStats {
        group: format!("offer-{i:02}"),
        label: format!("offer-{i:02}"),
        topup: false,
        orders: 3,
        with_otp: 2,
        otp_rate: Some(66.0),
        median_secs: Some(30),
        p90_secs: Some(60),
        spent: Rupiah(9_000),
        refunded: Rupiah(0),
    }
}

fn stats_first(a: &App) -> usize {
    match a.popup() {
        Some(Popup::Stats(Stats { first, .. })) => *first,
        other => panic!("statistics not on top: {other:?}"),
    }
}

/// Forty offers do not fit above the charts at 100×30: the table scrolls.
#[test]
fn the_statistics_table_scrolls() {
    let mut a = app();
    a.update(Action::Resize(100, 30));
    keys(&mut a, "S");
    a.update(Action::StatsLoaded(Ok(Overview {
        groups: (0..40).map(group).collect(),
        spend_per_day: vec![0; 30],
        otp_times: Vec::new(),
    })));
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("1–18 of 40") && s.contains("offer-17"), "{s}");
    assert!(!s.contains("offer-18"), "{s}");
    keys(&mut a, "<PageDown>");
    assert_eq!(stats_first(&a), 18);
    keys(&mut a, "<End>");
    assert_eq!(stats_first(&a), 22, "the last rows fill the table");
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("offer-39") && s.contains("23–40 of 40"), "{s}");
    assert!(!s.contains("offer-21"), "{s}");
    keys(&mut a, "j<C-d>");
    assert_eq!(stats_first(&a), 22);
    keys(&mut a, "<C-u>k");
    assert_eq!(stats_first(&a), 3);
    keys(&mut a, "<Home>");
    assert_eq!(stats_first(&a), 0);
}

/// Top-ups below OTP orders under their own header, which scrolls with
/// them: at the end the last top-up is in sight.
#[test]
fn top_ups_scroll_under_their_header() {
    let mut a = app();
    a.update(Action::Resize(100, 30));
    keys(&mut a, "S");
    let mut groups: Vec<GroupStats> = (0..30).map(group).collect();
    for g in groups.iter_mut().skip(25) {
        g.topup = true;
    }
    a.update(Action::StatsLoaded(Ok(Overview {
        groups,
        spend_per_day: vec![0; 30],
        otp_times: Vec::new(),
    })));
    keys(&mut a, "<End>");
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("offer-29") && s.contains("14–31 of 31"), "{s}");
    let (otp, topups) = s.split_once("top-up ").expect("the top-up header");
    assert!(otp.contains("offer-24") && !otp.contains("offer-25"), "{s}");
    assert!(
        topups.contains("offer-25") && topups.contains(" SN "),
        "{s}"
    );
}

/// The text inside `pane`'s borders on a screen drawn at `w`×`h`.
fn pane_text(a: &mut App, pane: otpdeck::app::Pane, w: u16, h: u16) -> String {
    let s = screen(a, w, h);
    let area = ratatui::layout::Rect::new(0, 0, w, h);
    let l = otpdeck::app::layout::compute(area, a.accounts.len()).expect("a layout");
    let r = l.pane(pane);
    s.lines()
        .skip(r.y as usize + 1)
        .take(r.height.saturating_sub(2) as usize)
        .map(|line| {
            let cells: String = line
                .chars()
                .skip(r.x as usize + 1)
                .take(r.width.saturating_sub(2) as usize)
                .collect();
            cells + "\n"
        })
        .collect()
}

/// Each of the four panes pages by what it shows at the screen's size,
/// not a fixed ten rows: from the top, a page down picks the first row
/// that was not drawn, and a page up from there comes back to the top.
#[test]
fn the_panes_page_by_what_they_show() {
    use otpdeck::app::book::BookAction;
    use otpdeck::app::Pane;
    use otpdeck::domain::OrderStatus;
    let accounts = (0..40)
        .map(|i| AccountInfo {
            name: format!("acc{i:02}"),
            kind: ProviderKind::NexOtp,
            caps: caps(ProviderKind::NexOtp),
            seller: false,
        })
        .collect();
    let (mut a, _) = App::new(accounts, AppSettings::default(), t0());
    for i in 0..40 {
        a.update(Action::BalanceLoaded {
            account: format!("acc{i:02}"),
            result: Ok(Rupiah(100_000 + i)),
            now: t0(),
        });
        let code = format!("7000{i:02}");
        a.update(Action::Book(BookAction::OrderChanged(order(
            100 + i,
            &format!("acc{i:02}"),
            ProviderKind::NexOtp,
            OrderStatus::OtpReceived,
            &[code.as_str()],
        ))));
    }
    let markers = |pane: Pane| -> Vec<String> {
        (0..40)
            .map(|i| match pane {
                Pane::Balance | Pane::Catalog => format!("acc{i:02}"),
                Pane::Orders => format!("#{}", 139 - i),
                Pane::OtpLog => format!("7000{:02}", 39 - i),
            })
            .collect()
    };
    for (w, h) in [(80, 24), (120, 40), (140, 40), (70, 30)] {
        for pane in Pane::ALL {
            a.view.focus = pane;
            keys(&mut a, "<Home>");
            let before = pane_text(&mut a, pane, w, h);
            let marks = markers(pane);
            let shown = marks.iter().filter(|m| before.contains(m.as_str())).count();
            assert!(
                (2..40).contains(&shown)
                    && marks[..shown].iter().all(|m| before.contains(m.as_str())),
                "{pane:?} at {w}×{h}: the first {shown} rows shown\n{before}"
            );
            keys(&mut a, "<PageDown>");
            assert_eq!(a.sel(pane), shown, "{pane:?} at {w}×{h}\n{before}");
            let after = pane_text(&mut a, pane, w, h);
            assert!(
                after.contains(marks[shown].as_str()),
                "{pane:?} at {w}×{h}\n{after}"
            );
            keys(&mut a, "<C-u>");
            assert_eq!(a.sel(pane), 0, "{pane:?} at {w}×{h}");
            keys(&mut a, "<C-d><C-d>");
            assert_eq!(a.sel(pane), (2 * shown).min(39), "{pane:?} at {w}×{h}");
        }
    }
}

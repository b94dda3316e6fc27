//! Whole-screen snapshots of the dashboard (ratatui TestBackend + insta) in
//! normal, empty, error and small-terminal states, and of the popups. Time
//! comes from the state, so the snapshots are stable.

use crate::common;

use common::*;
use otpdeck::app::BookAction;
use otpdeck::app::Pane;
use otpdeck::app::{Action, App, AppSettings};
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn screen(app: &mut App, w: u16, h: u16) -> String {
    // Times are shown in local time; pin the zone so snapshots agree.
    std::env::set_var("TZ", "UTC");
    app.update(Action::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The screen as `screen` gives it, then its styles: one letter per cell
/// naming the cell's (fg, bg, modifiers), and the legend of the letters.
/// Without this a theme's snapshot is only its text, the same for every
/// theme.
fn styled_screen(app: &mut App, w: u16, h: u16) -> String {
    let text = screen(app, w, h);
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut legend: Vec<String> = Vec::new();
    let mut grid = String::new();
    for y in 0..h {
        for x in 0..w {
            let c = &buf[(x, y)];
            let style = format!("fg={:?} bg={:?} {:?}", c.fg, c.bg, c.modifier);
            let i = match legend.iter().position(|s| *s == style) {
                Some(i) => i,
                None => {
                    legend.push(style);
                    legend.len() - 1
                }
            };
            grid.push(LETTERS.chars().nth(i).expect("more styles than letters"));
        }
        grid.push('\n');
    }
    let mut out = text;
    out.push_str("--- styles ---\n");
    out.push_str(&grid);
    out.push_str("--- legend ---\n");
    for (i, style) in legend.iter().enumerate() {
        let letter = LETTERS.chars().nth(i).unwrap_or('?');
        out.push_str(&format!("{letter} {style}\n"));
    }
    out
}

fn busy() -> App {
    let mut a = app();
    open_gate_whatsapp_indonesia(&mut a);
    a.update(Action::Book(BookAction::OtpHistory(vec![Otp {
        order_id: 1,
        account: "nex".into(),
        service: "Telegram".into(),
        number: "+6281298765432".into(),
        code: "482913".into(),
        received_at: t0() - chrono::Duration::minutes(3),
    }])));
    let mut o1 = order(
        1,
        "nex",
        ProviderKind::NexOtp,
        OrderStatus::OtpReceived,
        &["482913"],
    );
    o1.service = "Telegram".into();
    o1.expires_at = Some(t0() + chrono::Duration::seconds(95));
    a.update(Action::Book(BookAction::OrderChanged(o1)));
    a.update(Action::Book(BookAction::OrderChanged(order(
        2,
        "gate",
        ProviderKind::GateOtp,
        OrderStatus::Waiting,
        &[],
    ))));
    let mut lost = order(3, "gate", ProviderKind::GateOtp, OrderStatus::Unknown, &[]);
    lost.provider_order_id = None;
    lost.price = Rupiah(4200);
    a.update(Action::Book(BookAction::OrderChanged(lost)));
    a.update(Action::Tick(t0() + chrono::Duration::seconds(12)));
    a
}

#[test]
fn normal_120x40() {
    let mut a = busy();
    insta::assert_snapshot!(screen(&mut a, 120, 40));
}

#[test]
fn normal_80x24() {
    let mut a = busy();
    insta::assert_snapshot!(screen(&mut a, 80, 24));
}

#[test]
fn stacked_60x20() {
    let mut a = busy();
    a.view.focus = Pane::Orders;
    insta::assert_snapshot!(screen(&mut a, 60, 20));
}

#[test]
fn too_small_30x10() {
    let mut a = busy();
    insta::assert_snapshot!(screen(&mut a, 30, 10));
}

#[test]
fn empty_no_accounts() {
    let (mut a, _) = otpdeck::app::App::new(vec![], AppSettings::default(), t0());
    insta::assert_snapshot!(screen(&mut a, 100, 30));
}

#[test]
fn empty_accounts_loading() {
    let (mut a, _) = app_with(AppSettings::default());
    insta::assert_snapshot!(screen(&mut a, 80, 24));
}

#[test]
fn errors_everywhere() {
    let mut a = app();
    a.update(Action::BalanceLoaded {
        account: "nex".into(),
        result: Err(otpdeck::domain::ProviderError::Unauthorized(
            "API key tidak valid".into(),
        )),
        now: t0(),
    });
    keys(&mut a, "<Enter>");
    a.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Err(otpdeck::domain::ProviderError::Unavailable {
            status: 503,
            message: "Service Unavailable".into(),
        }),
        now: t0(),
    });
    a.update(Action::Book(BookAction::ActionFailed {
        order_id: 9,
        op: Some(otpdeck::domain::OrderOp::Cancel),
        error: "conflict: order already has an SMS".into(),
        retry_after: None,
        now: t0(),
    }));
    a.view.focus = Pane::Balance;
    keys(&mut a, "j");
    insta::assert_snapshot!(screen(&mut a, 120, 30));
}

#[test]
fn errors_80x24() {
    let mut a = app();
    a.update(Action::BalanceLoaded {
        account: "gate".into(),
        result: Err(otpdeck::domain::ProviderError::Connect(
            "connection refused".into(),
        )),
        now: t0(),
    });
    a.update(Action::Book(BookAction::BuyFailed {
        account: "gate".into(),
        idempotency_key: "k".into(),
        error: "not enough balance: Saldo tidak cukup".into(),
    }));
    insta::assert_snapshot!(screen(&mut a, 80, 24));
}

#[test]
fn buy_confirmation() {
    let mut a = busy();
    keys(&mut a, "jj<Enter>");
    insta::assert_snapshot!(screen(&mut a, 100, 30));
}

/// "I checked the provider" on the UNKNOWN order, with the balance clue
/// and a number typed, at 80×24.
#[test]
fn settle_popup_at_80x24() {
    let mut a = busy();
    a.book.clues.insert(
        3,
        otpdeck::app::Clues {
            balance: Some(otpdeck::engine::orders::Verdict::NotCharged),
            ..Default::default()
        },
    );
    keys(&mut a, "<Tab>u+62812");
    insta::assert_snapshot!(screen(&mut a, 80, 24));
}

#[test]
fn help_popup_lists_every_command() {
    let mut a = busy();
    keys(&mut a, "?");
    let first = screen(&mut a, 120, 40);
    // The help scrolls: every command's line shows on some page.
    let mut seen = first.clone();
    for _ in 0..80 {
        keys(&mut a, "j");
        seen.push_str(&screen(&mut a, 120, 40));
    }
    for d in otpdeck::app::keymap::COMMANDS {
        assert!(seen.contains(d.help), "help lacks {}", d.id);
    }
    insta::assert_snapshot!(first);
}

#[test]
fn filter_and_light_theme_render() {
    let mut a = busy();
    a.settings.theme = "light".into();
    keys(&mut a, "/indo");
    insta::assert_snapshot!(styled_screen(&mut a, 100, 30));
}

#[test]
fn filter_and_default_theme_render() {
    let mut a = busy();
    keys(&mut a, "/indo");
    insta::assert_snapshot!(styled_screen(&mut a, 100, 30));
}

/// The same screen in the light and the default (dark) theme: the text is
/// the same, the styles are not.
#[test]
fn light_and_dark_renders_differ() {
    let render = |theme: &str| {
        let mut a = busy();
        a.settings.theme = theme.into();
        keys(&mut a, "/indo");
        (screen(&mut a, 100, 30), styled_screen(&mut a, 100, 30))
    };
    let (light_text, light) = render("light");
    let (dark_text, dark) = render("default");
    assert_eq!(light_text, dark_text, "a theme changes colours, not text");
    assert_ne!(light, dark, "the light theme renders like the dark one");
}

/// The tree widget scrolls the catalog itself; a click must land on the row
/// it drew there, at every scroll position and in a short pane.
#[test]
fn catalog_clicks_hit_the_rows_drawn_there() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    for (w, h) in [(60, 20), (80, 24)] {
        let mut a = busy();
        a.view.focus = Pane::Catalog;
        let len = otpdeck::app::catalog::rows(&a).len();
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let cat = otpdeck::app::layout::compute(area, a.accounts.len())
            .expect("layout")
            .catalog;
        // Past the end too: the selection is kept within the rows.
        for start in 0..len + 2 {
            a.view.selected.insert(Pane::Catalog, start);
            let shown = screen(&mut a, w, h);
            let lines: Vec<&str> = shown.lines().collect();
            for y in cat.y + 1..cat.y + cat.height - 1 {
                let drawn: String = lines[y as usize]
                    .chars()
                    .skip(cat.x as usize + 1)
                    .take(cat.width as usize - 2)
                    .collect();
                if drawn.trim().is_empty() {
                    continue;
                }
                a.view.selected.insert(Pane::Catalog, start);
                a.update(Action::Mouse(
                    MouseEvent {
                        kind: MouseEventKind::Down(MouseButton::Left),
                        column: cat.x + 2,
                        row: y,
                        modifiers: KeyModifiers::NONE,
                    },
                    t0(),
                ));
                let rows = otpdeck::app::catalog::rows(&a);
                let hit = &rows[a.sel(Pane::Catalog)];
                assert!(
                    drawn.contains(&hit.label),
                    "{w}x{h}, selection {start}: clicked {drawn:?}, selected {:?}",
                    hit.label
                );
            }
        }
    }
}

/// At 80×24 every help line fits on its row: each command's key and whole
/// description show on one line as the help scrolls.
#[test]
fn help_is_readable_at_80x24() {
    let mut a = busy();
    keys(&mut a, "?");
    let first = screen(&mut a, 80, 24);
    let mut pages = vec![first.clone()];
    for _ in 0..80 {
        keys(&mut a, "j");
        pages.push(screen(&mut a, 80, 24));
    }
    for d in otpdeck::app::keymap::COMMANDS {
        let key = a.keymap.keys(d.cmd)[0].label();
        assert!(
            pages.iter().any(|p| p
                .lines()
                .any(|l| l.contains(d.help) && l.contains(&format!("│{key}")))),
            "{} is not whole on one line",
            d.id
        );
    }
    insta::assert_snapshot!(first);
}

/// A top-up an unsigned callback ended, with no key to check it: its row
/// says so after the SN; one that was confirmed does not.
#[test]
fn an_unverified_callback_end_is_said_on_its_row() {
    let mut a = app();
    let mut o = order(
        7,
        "pulsa",
        ProviderKind::GoTopUp,
        OrderStatus::Finished,
        &["5512345678901234"],
    );
    o.sn = Some("5512345678901234".into());
    o.note = Some(otpdeck::domain::webhook::UNVERIFIED_NOTE.into());
    a.update(Action::Book(BookAction::OrderChanged(o.clone())));
    let mut confirmed = o;
    confirmed.id = 8;
    confirmed.sn = Some("9988776655443322".into());
    confirmed.otps = vec!["9988776655443322".into()];
    confirmed.note = Some(otpdeck::domain::webhook::CONFIRMED_NOTE.into());
    a.update(Action::Book(BookAction::OrderChanged(confirmed)));
    let s = screen(&mut a, 240, 40);
    let row = |sn: &str| {
        s.lines()
            .find(|l| l.contains(sn))
            .unwrap_or_else(|| panic!("a row with {sn} in\n{s}"))
            .to_string()
    };
    assert!(
        row("5512345678901234").contains("5512345678901234 by callback, unverified"),
        "{s}"
    );
    assert!(!row("9988776655443322").contains("unverified"), "{s}");
    // Too narrow for the words: the status still carries a "?".
    let s = screen(&mut a, 120, 40);
    let narrow = s.lines().find(|l| l.contains("#7 ")).expect("row #7");
    assert!(narrow.contains("finished?"), "{s}");
    let other = s.lines().find(|l| l.contains("#8 ")).expect("row #8");
    assert!(!other.contains("finished?"), "{s}");
}

/// A 20-digit PLN token is read off the row and typed into a meter: it is
/// shown whole at 80 and 140 columns (the row drops other cells instead),
/// with an SMS order's code beside it.
#[test]
fn a_pln_token_is_never_cut() {
    let token = "3094-6595-8929-7969-2937";
    for (w, h) in [(80u16, 24u16), (140, 40), (60, 20)] {
        let mut a = busy();
        let mut t = order(
            7,
            "pulsa",
            ProviderKind::GoTopUp,
            OrderStatus::Finished,
            &[token],
        );
        t.service = "PLN Prabayar 20.000".into();
        t.country = None;
        t.country_name = None;
        t.number = Some("12345678901".into());
        t.sn = Some(token.into());
        a.update(Action::Book(BookAction::OrderChanged(t)));
        let s = screen(&mut a, w, h);
        assert!(s.contains(token), "{w}x{h}: the token is cut\n{s}");
        // In the OTP log too, with its number whole.
        let log = s
            .lines()
            .find(|l| l.contains(&format!(":00 {token}")))
            .unwrap_or_else(|| panic!("{w}x{h}: the token's log line\n{s}"));
        assert!(
            log.contains("12345678901"),
            "{w}x{h}: the number is cut\n{s}"
        );
        if w >= 80 {
            assert!(s.contains("482913"), "{w}x{h}: the OTP is shown\n{s}");
        }
    }
}

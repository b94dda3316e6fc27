//! Shared helpers for the dashboard tests: an app with one account per API,
//! helix-style key strings, and sample catalog data.
#![allow(dead_code)]

pub mod driver;
pub mod process;
pub mod shared_backend;
pub mod tmux;

use chrono::{DateTime, TimeZone, Utc};
use otpdeck::app::{AccountInfo, Action, App, AppSettings, Effect};
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("valid time")
}

pub fn caps(kind: ProviderKind) -> Capabilities {
    match kind {
        ProviderKind::GateOtp => Capabilities {
            countries: true,
            operators: true,
            cancel: true,
            finish: true,
            resend: true,
            ..Default::default()
        },
        ProviderKind::NexOtp => Capabilities {
            countries: true,
            cancel: true,
            ..Default::default()
        },
        ProviderKind::OtpZap => Capabilities {
            countries: true,
            operators: true,
            cancel: true,
            finish: true,
            resend: true,
            replace: true,
            cancel_after_secs: Some(120),
            ..Default::default()
        },
        ProviderKind::GoTopUp => Capabilities {
            topup: true,
            ..Default::default()
        },
    }
}

pub fn accounts() -> Vec<AccountInfo> {
    [
        ("gate", ProviderKind::GateOtp),
        ("nex", ProviderKind::NexOtp),
        ("zap", ProviderKind::OtpZap),
        ("pulsa", ProviderKind::GoTopUp),
    ]
    .into_iter()
    .map(|(n, k)| AccountInfo {
        name: n.into(),
        kind: k,
        caps: caps(k),
        seller: false,
    })
    .collect()
}

pub fn app_with(settings: AppSettings) -> (App, Vec<Effect>) {
    App::new(accounts(), settings, t0())
}

pub fn app() -> App {
    let (mut a, _) = app_with(AppSettings::default());
    a.update(Action::Resize(120, 40));
    for (n, b) in [
        ("gate", 150_000),
        ("nex", 2_450_000),
        ("zap", 125_500),
        ("pulsa", 1_000_000),
    ] {
        a.update(Action::BalanceLoaded {
            account: n.into(),
            result: Ok(Rupiah(b)),
            now: t0(),
        });
    }
    a
}

/// Parses "jj<Enter>y<Esc><Tab><S-Tab><C-c>" into key events.
pub fn parse_keys(s: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' {
            let mut name = String::new();
            for n in chars.by_ref() {
                if n == '>' {
                    break;
                }
                name.push(n);
            }
            let (code, mods) = match name.as_str() {
                "Enter" => (KeyCode::Enter, KeyModifiers::NONE),
                "Esc" => (KeyCode::Esc, KeyModifiers::NONE),
                "Tab" => (KeyCode::Tab, KeyModifiers::NONE),
                "S-Tab" => (KeyCode::BackTab, KeyModifiers::SHIFT),
                "Up" => (KeyCode::Up, KeyModifiers::NONE),
                "Down" => (KeyCode::Down, KeyModifiers::NONE),
                "Left" => (KeyCode::Left, KeyModifiers::NONE),
                "Right" => (KeyCode::Right, KeyModifiers::NONE),
                "BS" => (KeyCode::Backspace, KeyModifiers::NONE),
                "C-c" => (KeyCode::Char('c'), KeyModifiers::CONTROL),
                "C-d" => (KeyCode::Char('d'), KeyModifiers::CONTROL),
                "C-u" => (KeyCode::Char('u'), KeyModifiers::CONTROL),
                "C-a" => (KeyCode::Char('a'), KeyModifiers::CONTROL),
                "C-e" => (KeyCode::Char('e'), KeyModifiers::CONTROL),
                "Home" => (KeyCode::Home, KeyModifiers::NONE),
                "End" => (KeyCode::End, KeyModifiers::NONE),
                "PageDown" => (KeyCode::PageDown, KeyModifiers::NONE),
                "PageUp" => (KeyCode::PageUp, KeyModifiers::NONE),
                "lt" => (KeyCode::Char('<'), KeyModifiers::NONE),
                other => panic!("unknown key name <{other}>"),
            };
            out.push(KeyEvent::new(code, mods));
        } else {
            out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }
    out
}

/// Types a key string into `update`, returning every effect.
pub fn keys(app: &mut App, s: &str) -> Vec<Effect> {
    let now = app.now;
    parse_keys(s)
        .into_iter()
        .flat_map(|k| app.update(Action::Key(k, now)))
        .collect()
}

pub fn services() -> Vec<Service> {
    ["WhatsApp", "Telegram", "Shopee"]
        .iter()
        .enumerate()
        .map(|(i, n)| Service {
            id: format!("{}", 14 + i),
            name: n.to_string(),
            category: None,
            path: Vec::new(),
        })
        .collect()
}

pub fn countries() -> Vec<Country> {
    vec![
        Country {
            id: "340437".into(),
            name: "Indonesia".into(),
            prefix: Some("+62".into()),
            stock: Some(149),
        },
        Country {
            id: "340452".into(),
            name: "Malaysia".into(),
            prefix: Some("+60".into()),
            stock: Some(12),
        },
    ]
}

pub fn offers() -> Vec<Offer> {
    let o = |id: &str, label: &str, price: i64, stock: u64| Offer {
        id: id.into(),
        service_id: "14".into(),
        country_id: Some("340437".into()),
        label: label.into(),
        price: Rupiah(price),
        stock: Some(stock),
        success_rate: Some(81.6),
        operators: Vec::new(),
        available: true,
    };
    vec![
        o("340437:4120", "Server 5", 4200, 46),
        o("340437:3837", "Server 3", 3300, 103),
        o("340437:2210", "Server 1", 3000, 0),
    ]
}

/// Loads gate → WhatsApp → Indonesia and leaves the cursor on the
/// Indonesia row with its offers shown.
pub fn open_gate_whatsapp_indonesia(app: &mut App) {
    let now = app.now;
    keys(app, "<Enter>");
    app.update(Action::ServicesLoaded {
        account: "gate".into(),
        result: Ok(services()),
        now,
    });
    // Services sort by name: Shopee, Telegram, WhatsApp.
    keys(app, "jjj<Enter>");
    app.update(Action::CountriesLoaded {
        account: "gate".into(),
        service_id: "14".into(),
        result: Ok(countries()),
        now,
    });
    keys(app, "j<Enter>");
    app.update(Action::OffersLoaded {
        account: "gate".into(),
        service_id: "14".into(),
        country_id: Some("340437".into()),
        result: Ok(offers()),
        now,
    });
}

pub fn order(
    id: i64,
    account: &str,
    kind: ProviderKind,
    status: OrderStatus,
    otps: &[&str],
) -> Order {
    Order {
        id,
        account: account.into(),
        provider: kind,
        idempotency_key: format!("k{id}"),
        provider_order_id: Some(format!("P{id}")),
        service_id: "14".into(),
        service: "WhatsApp".into(),
        country: Some("id".into()),
        country_name: Some("Indonesia".into()),
        resend_count: None,
        resend_locked_until: None,
        offer_id: "any".into(),
        operator: None,
        number: Some("+6281234567890".into()),
        customer_number: None,
        price: Rupiah(3300),
        status,
        created_at: t0(),
        updated_at: t0(),
        expires_at: Some(t0() + chrono::Duration::minutes(20)),
        otps: otps.iter().map(|s| s.to_string()).collect(),
        sn: None,
        refunded: None,
        note: None,
    }
}

/// The whole screen as text, drawn at `w`×`h` by the real `ui::draw`.
pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    app.update(Action::Resize(w, h));
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| otpdeck::ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

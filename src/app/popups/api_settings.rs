//! GoTopUp API settings, from the balance pane (`w` on a GoTopUp buyer
//! account, the key OTPZap accounts use for their webhook): the webhook
//! URL, the IP whitelist and the rate limit as the API has them, editable
//! (Tab moves between them, Enter saves). A change is checked by
//! `domain::api_config::check_change` (the CLI's rule) before anything is
//! sent; only what differs from what the API has is sent.

use crate::app::keymap::Cmd;
use crate::app::popups::Popup;
use crate::app::{App, Effect, Level};
use crate::domain::api_config::{check_change, parse_ip_list, ApiSettings, ApiSettingsChange};
use crate::domain::ProviderError;
use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Url,
    Whitelist,
    RateLimit,
}

#[derive(Debug, Clone)]
pub struct ApiSettingsPopup {
    pub account: String,
    /// What the API said last (None while loading).
    pub current: Option<ApiSettings>,
    pub url: Input,
    pub whitelist: Input,
    pub rate_limit: Input,
    pub field: Field,
    /// A request is out: load or save.
    pub busy: bool,
    pub error: Option<String>,
}

/// Opens the settings of `account` (a GoTopUp buyer) and asks the API.
pub fn open(app: &mut App, account: String) -> Vec<Effect> {
    app.open(Popup::ApiSettings(ApiSettingsPopup {
        account: account.clone(),
        current: None,
        url: Input::default(),
        whitelist: Input::default(),
        rate_limit: Input::default(),
        field: Field::Url,
        busy: true,
        error: None,
    }));
    vec![Effect::ApiSettingsGet { account }]
}

fn top(app: &mut App) -> Option<&mut ApiSettingsPopup> {
    match app.view.popups.last_mut() {
        Some(Popup::ApiSettings(p)) => Some(p),
        _ => None,
    }
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let Some(p) = top(app) else {
        return Vec::new();
    };
    match cmd {
        Some(Cmd::NextField) => {
            p.field = match p.field {
                Field::Url => Field::Whitelist,
                Field::Whitelist => Field::RateLimit,
                Field::RateLimit => Field::Url,
            };
            Vec::new()
        }
        Some(Cmd::Confirm) => save(p),
        Some(_) => Vec::new(),
        None => {
            let input = match p.field {
                Field::Url => &mut p.url,
                Field::Whitelist => &mut p.whitelist,
                Field::RateLimit => &mut p.rate_limit,
            };
            input.handle_event(&Event::Key(k));
            Vec::new()
        }
    }
}

/// The change the form holds against what the API has: only what differs;
/// why not when the rate limit is not a number.
pub fn change_of(p: &ApiSettingsPopup) -> Result<ApiSettingsChange, String> {
    let cur = p.current.clone().unwrap_or_default();
    let url = p.url.value().trim();
    let ips = parse_ip_list(p.whitelist.value());
    let limit = p.rate_limit.value().trim();
    let rate_limit = if limit.is_empty() {
        None
    } else {
        Some(
            limit
                .parse::<u32>()
                .map_err(|_| format!("rate limit '{limit}' is not a number"))?,
        )
    };
    Ok(ApiSettingsChange {
        webhook_url: (!url.is_empty() && Some(url) != cur.webhook_url.as_deref())
            .then(|| url.to_string()),
        ip_whitelist: (ips != cur.ip_whitelist).then_some(ips),
        rate_limit: rate_limit.filter(|n| Some(*n) != cur.rate_limit),
    })
}

fn save(p: &mut ApiSettingsPopup) -> Vec<Effect> {
    if p.busy {
        return Vec::new();
    }
    let change = match change_of(p).and_then(|c| check_change(&c).map(|_| c)) {
        Ok(c) => c,
        Err(why) => {
            p.error = Some(why);
            return Vec::new();
        }
    };
    p.busy = true;
    p.error = None;
    vec![Effect::ApiSettingsSet {
        account: p.account.clone(),
        change,
    }]
}

fn fill(p: &mut ApiSettingsPopup, s: ApiSettings) {
    p.url = Input::new(s.webhook_url.clone().unwrap_or_default());
    p.whitelist = Input::new(s.ip_whitelist.join(", "));
    p.rate_limit = Input::new(s.rate_limit.map(|n| n.to_string()).unwrap_or_default());
    p.current = Some(s);
}

fn popup_of<'a>(app: &'a mut App, account: &str) -> Option<&'a mut ApiSettingsPopup> {
    app.view.popups.iter_mut().rev().find_map(|p| match p {
        Popup::ApiSettings(s) if s.account == account => Some(s),
        _ => None,
    })
}

/// The settings as read (or why not), for the popup still asking.
pub fn loaded(app: &mut App, account: &str, result: Result<ApiSettings, ProviderError>) {
    let Some(p) = popup_of(app, account) else {
        return;
    };
    p.busy = false;
    match result {
        Ok(s) => fill(p, s),
        Err(e) => p.error = Some(e.to_string()),
    }
}

/// The settings as saved (or why not).
pub fn saved(app: &mut App, account: &str, result: Result<ApiSettings, ProviderError>) {
    let Some(p) = popup_of(app, account) else {
        return;
    };
    p.busy = false;
    match result {
        Ok(s) => {
            fill(p, s);
            app.set_status(format!("API settings saved on {account}"), Level::Ok);
        }
        Err(e) => p.error = Some(e.to_string()),
    }
}

impl crate::app::popups::PopupState for ApiSettingsPopup {
    fn takes_text(&self) -> bool {
        true
    }

    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        on_key(app, cmd, k)
    }
}

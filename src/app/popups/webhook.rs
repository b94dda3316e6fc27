//! OTPZap webhook settings, from the balance pane (`w` on an OTPZap
//! account): shows the URL, events and whether delivery is active as the
//! API has them, lets the user change them (Tab moves between the URL, the
//! events and the active switch, Space flips it, Enter saves), and shows
//! the signing secret the API returns once, until the popup closes; it is
//! kept nowhere else. A change is checked by `domain::webhook::check_change`
//! (the CLI's rule) before anything is sent.

use crate::app::keymap::Cmd;
use crate::app::panes::Pane;
use crate::app::popups::Popup;
use crate::app::{App, Effect, Level};
use crate::domain::webhook::{check_change, parse_events, WebhookChange, WebhookConfig};
use crate::domain::ProviderError;
use crate::domain::ProviderKind;
use crate::secret::Secret;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Url,
    Events,
    Active,
}

#[derive(Debug, Clone)]
pub struct WebhookPopup {
    pub account: String,
    /// What the API said last (None while loading).
    pub current: Option<WebhookConfig>,
    pub url: Input,
    pub events: Input,
    pub active: bool,
    pub field: Field,
    /// A request is out: load or save.
    pub busy: bool,
    pub error: Option<String>,
    /// The secret from the last save, shown this once.
    pub secret: Option<Secret>,
}

impl WebhookPopup {
    pub fn takes_text(&self) -> bool {
        self.field != Field::Active
    }
}

/// The account `w` is about: the one shown, else the selected balance row.
fn chosen(app: &App) -> Option<usize> {
    app.view
        .active
        .or_else(|| (app.view.focus == Pane::Balance).then(|| app.sel(Pane::Balance)))
}

/// The API of the account `w` would open settings for.
pub fn chosen_kind(app: &App) -> Option<ProviderKind> {
    chosen(app)
        .and_then(|i| app.accounts.get(i))
        .map(|a| a.info.kind)
}

/// Whether `w` is hinted: on an OTPZap account (webhook settings) or a
/// GoTopUp account, buyer's or seller's (API settings).
pub fn applies(app: &App) -> bool {
    chosen(app)
        .and_then(|i| app.accounts.get(i))
        .is_some_and(|a| matches!(a.info.kind, ProviderKind::OtpZap | ProviderKind::GoTopUp))
}

/// `w` on the balance pane: the selected (or shown) account's settings.
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(acc) = chosen(app).and_then(|i| app.accounts.get(i)) else {
        app.set_status("Select an OTPZap account first", Level::Warn);
        return Vec::new();
    };
    // A seller key's settings are at its own path; the runtime knows which.
    if acc.info.kind == ProviderKind::GoTopUp {
        let account = acc.info.name.clone();
        return super::api_settings::open(app, account);
    }
    if acc.info.kind != ProviderKind::OtpZap {
        let kind = acc.info.kind.display_name();
        app.set_status(
            format!("{kind} has no webhook settings through its API (OTPZap and GoTopUp have)"),
            Level::Warn,
        );
        return Vec::new();
    }
    let account = acc.info.name.clone();
    app.open(Popup::Webhook(WebhookPopup {
        account: account.clone(),
        current: None,
        url: Input::default(),
        events: Input::default(),
        active: true,
        field: Field::Url,
        busy: true,
        error: None,
        secret: None,
    }));
    vec![Effect::WebhookGet { account }]
}

fn top(app: &mut App) -> Option<&mut WebhookPopup> {
    match app.view.popups.last_mut() {
        Some(Popup::Webhook(w)) => Some(w),
        _ => None,
    }
}

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let Some(w) = top(app) else {
        return Vec::new();
    };
    match cmd {
        Some(Cmd::NextField) => {
            w.field = match w.field {
                Field::Url => Field::Events,
                Field::Events => Field::Active,
                Field::Active => Field::Url,
            };
            Vec::new()
        }
        Some(Cmd::Confirm) => save(w),
        _ => {
            match w.field {
                Field::Url => {
                    w.url.handle_event(&Event::Key(k));
                }
                Field::Events => {
                    w.events.handle_event(&Event::Key(k));
                }
                Field::Active if k.code == KeyCode::Char(' ') => w.active = !w.active,
                Field::Active => {}
            }
            Vec::new()
        }
    }
}

/// The change the form holds against what the API has: only what differs.
pub fn change_of(w: &WebhookPopup) -> WebhookChange {
    let cur = w.current.clone().unwrap_or_default();
    let url = w.url.value().trim();
    let events = parse_events(w.events.value());
    WebhookChange {
        url: (!url.is_empty() && Some(url) != cur.url.as_deref()).then(|| url.to_string()),
        events: (events != cur.events).then_some(events),
        is_active: (w.active != cur.is_active).then_some(w.active),
    }
}

fn save(w: &mut WebhookPopup) -> Vec<Effect> {
    if w.busy {
        return Vec::new();
    }
    let change = change_of(w);
    if let Err(why) = check_change(&change) {
        w.error = Some(why);
        return Vec::new();
    }
    w.busy = true;
    w.error = None;
    w.secret = None;
    vec![Effect::WebhookSet {
        account: w.account.clone(),
        change,
    }]
}

fn fill(w: &mut WebhookPopup, c: WebhookConfig) {
    w.url = Input::new(c.url.clone().unwrap_or_default());
    w.events = Input::new(c.events.join(","));
    w.active = c.is_active;
    w.current = Some(c);
}

fn popup_of<'a>(app: &'a mut App, account: &str) -> Option<&'a mut WebhookPopup> {
    app.view.popups.iter_mut().rev().find_map(|p| match p {
        Popup::Webhook(w) if w.account == account => Some(w),
        _ => None,
    })
}

pub fn loaded(app: &mut App, account: &str, result: Result<WebhookConfig, ProviderError>) {
    let Some(w) = popup_of(app, account) else {
        return;
    };
    w.busy = false;
    match result {
        Ok(c) => fill(w, c),
        Err(e) => w.error = Some(e.to_string()),
    }
}

pub fn saved(
    app: &mut App,
    account: &str,
    result: Result<(WebhookConfig, Option<Secret>), ProviderError>,
) {
    let Some(w) = popup_of(app, account) else {
        return;
    };
    w.busy = false;
    match result {
        Ok((c, secret)) => {
            fill(w, c);
            w.secret = secret;
            app.set_status(format!("Webhook settings saved on {account}"), Level::Ok);
        }
        Err(e) => w.error = Some(e.to_string()),
    }
}

impl crate::app::popups::PopupState for WebhookPopup {
    fn takes_text(&self) -> bool {
        WebhookPopup::takes_text(self)
    }

    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        on_key(app, cmd, k)
    }
}

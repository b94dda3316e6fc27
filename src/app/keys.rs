//! Keys and mouse: popups first, then the filter input, then the command
//! table for the focused pane.

use super::catalog::{self, Load, NodeId, RowKind};
use super::commands::{Cmd, Key, Pane};
use super::{layout, App, Effect, Level, Popup};
use crate::domain::OrderStatus;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

pub fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    if k.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // Ctrl-C quits from anywhere: popups and text inputs included.
    if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
        app.quit = true;
        return vec![Effect::Quit];
    }
    if let Some(popup) = app.popup.take() {
        return on_popup_key(app, popup, k);
    }
    if app.filtering {
        match k.code {
            KeyCode::Esc => {
                app.filtering = false;
                app.filter = Input::default();
            }
            KeyCode::Enter | KeyCode::Down | KeyCode::Up => app.filtering = false,
            _ => {
                app.filter.handle_event(&Event::Key(k));
                app.selected.insert(Pane::Catalog, 0);
            }
        }
        return Vec::new();
    }
    let Some(cmd) = app.keymap.lookup(Key::of(&k), app.focus) else {
        return Vec::new();
    };
    run(app, cmd)
}

fn on_popup_key(app: &mut App, popup: Popup, k: KeyEvent) -> Vec<Effect> {
    match popup {
        Popup::ConfirmBuy {
            account,
            what,
            mut request,
            balance_after,
            customer,
        } => match (k.code, customer) {
            (KeyCode::Esc, _) => {
                app.set_status("Buy cancelled", Level::Info);
                Vec::new()
            }
            (KeyCode::Enter, c) | (KeyCode::Char('y'), c @ None) => {
                if let Some(input) = &c {
                    let number = input.value().trim().to_string();
                    if number.len() < 6 || !number.chars().all(|ch| ch.is_ascii_digit()) {
                        app.set_status("Type the customer number (digits) first", Level::Warn);
                        app.popup = Some(Popup::ConfirmBuy {
                            account,
                            what,
                            request,
                            balance_after,
                            customer: c,
                        });
                        return Vec::new();
                    }
                    request.customer_number = Some(number);
                }
                app.pending.push(super::PendingBuy {
                    account: account.clone(),
                    idempotency_key: request.idempotency_key.clone(),
                    service: request.service_name.clone(),
                    country: request
                        .country_name
                        .clone()
                        .or_else(|| request.country_id.clone()),
                    price: request.price,
                    since: app.now,
                });
                app.set_status(
                    format!("Buying {} on {account}…", request.service_name),
                    Level::Info,
                );
                app.focus = Pane::Orders;
                vec![Effect::Buy { account, request }]
            }
            (KeyCode::Char('n'), None) => Vec::new(),
            (_, Some(mut input)) => {
                input.handle_event(&Event::Key(k));
                app.popup = Some(Popup::ConfirmBuy {
                    account,
                    what,
                    request,
                    balance_after,
                    customer: Some(input),
                });
                Vec::new()
            }
            (_, None) => {
                app.popup = Some(Popup::ConfirmBuy {
                    account,
                    what,
                    request,
                    balance_after,
                    customer: None,
                });
                Vec::new()
            }
        },
        Popup::ConfirmCancel { order_id } => match k.code {
            KeyCode::Enter | KeyCode::Char('y') => vec![Effect::Cancel { order_id }],
            KeyCode::Esc | KeyCode::Char('n') => Vec::new(),
            _ => {
                app.popup = Some(Popup::ConfirmCancel { order_id });
                Vec::new()
            }
        },
        Popup::Help => match k.code {
            KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter => Vec::new(),
            _ => {
                app.popup = Some(Popup::Help);
                Vec::new()
            }
        },
        Popup::AccountPicker { selected } => {
            let n = app.accounts.len() + 1;
            match k.code {
                KeyCode::Esc => Vec::new(),
                KeyCode::Enter => {
                    switch_account(app, selected.checked_sub(1));
                    Vec::new()
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    app.popup = Some(Popup::AccountPicker {
                        selected: (selected + 1) % n,
                    });
                    Vec::new()
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    app.popup = Some(Popup::AccountPicker {
                        selected: (selected + n - 1) % n,
                    });
                    Vec::new()
                }
                _ => {
                    app.popup = Some(Popup::AccountPicker { selected });
                    Vec::new()
                }
            }
        }
        Popup::CommandLine(mut input) => match k.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => run_command_line(app, input.value()),
            KeyCode::Tab => {
                let completed = complete(app, input.value());
                app.popup = Some(Popup::CommandLine(Input::new(completed)));
                Vec::new()
            }
            _ => {
                input.handle_event(&Event::Key(k));
                app.popup = Some(Popup::CommandLine(input));
                Vec::new()
            }
        },
    }
}

fn switch_account(app: &mut App, to: Option<usize>) {
    app.pending_buy = None;
    app.active = to.filter(|i| *i < app.accounts.len());
    app.selected.clear();
    let label = app.active_name().unwrap_or("All accounts").to_string();
    app.set_status(format!("Showing {label}"), Level::Info);
}

const COMMAND_WORDS: &[&str] = &["account", "theme", "buy", "q", "quit", "help"];

/// Tab completion for the command line: the command word, then account or
/// theme names, or for `:buy` the service and country names of the account
/// it buys on. Several matches complete to what they share.
pub fn complete(app: &App, text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let (done, last) = words.split_at(words.len() - 1);
    let last = last.first().copied().unwrap_or("");
    let options: Vec<String> = match done {
        [] => COMMAND_WORDS.iter().map(|c| c.to_string()).collect(),
        ["account"] => std::iter::once("all".to_string())
            .chain(app.accounts.iter().map(|x| x.info.name.clone()))
            .collect(),
        ["theme"] => crate::ui::theme::Theme::names()
            .into_iter()
            .map(str::to_string)
            .collect(),
        ["buy"] => buy_account(app)
            .and_then(|a| a.services.get())
            .map(|l| l.iter().map(|s| s.service.name.to_lowercase()).collect())
            .unwrap_or_default(),
        ["buy", service] => buy_account(app)
            .and_then(|a| a.services.get())
            .and_then(|l| {
                l.iter()
                    .find(|s| s.service.name.eq_ignore_ascii_case(service))
            })
            .and_then(|s| s.countries.get())
            .map(|l| l.iter().map(|c| c.country.name.to_lowercase()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let lower = last.to_lowercase();
    let hits: Vec<&String> = options
        .iter()
        .filter(|o| o.to_lowercase().starts_with(&lower))
        .collect();
    let completed = match hits.as_slice() {
        [] => return text.to_string(),
        [one] => format!("{one} "),
        many => common_prefix(many),
    };
    if completed.trim_end().chars().count() < last.chars().count() {
        return text.to_string();
    }
    let mut out: Vec<String> = done.iter().map(|w| w.to_string()).collect();
    out.push(completed);
    out.join(" ")
}

fn common_prefix(words: &[&String]) -> String {
    let first: Vec<char> = words[0].chars().collect();
    let n = words.iter().skip(1).fold(first.len(), |n, w| {
        w.chars()
            .zip(&first)
            .take(n)
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .count()
    });
    first[..n].iter().collect()
}

/// The account `:buy` works on: the active one, else the first.
fn buy_account(app: &App) -> Option<&super::AccountState> {
    app.accounts.get(app.active.unwrap_or(0))
}

fn run_command_line(app: &mut App, text: &str) -> Vec<Effect> {
    let mut parts = text.split_whitespace();
    let word = parts.next().unwrap_or("");
    let args: Vec<&str> = parts.collect();
    match word {
        "" => Vec::new(),
        "q" | "quit" => {
            app.quit = true;
            vec![Effect::Quit]
        }
        "help" => {
            app.popup = Some(Popup::Help);
            Vec::new()
        }
        "account" => {
            let name = args.join(" ");
            if name.is_empty() || name.eq_ignore_ascii_case("all") {
                switch_account(app, None);
            } else if let Some(i) = app
                .accounts
                .iter()
                .position(|a| a.info.name.eq_ignore_ascii_case(&name))
            {
                switch_account(app, Some(i));
            } else {
                app.set_status(format!("No account named '{name}'"), Level::Error);
            }
            Vec::new()
        }
        "theme" => {
            let name = args.join(" ");
            if crate::ui::theme::Theme::by_name(&name).is_some() {
                app.settings.theme = name.clone();
                app.set_status(format!("Theme {name}"), Level::Info);
                vec![Effect::SetTheme(name)]
            } else {
                app.set_status(
                    format!(
                        "No theme '{name}' (have: {})",
                        crate::ui::theme::Theme::names().join(", ")
                    ),
                    Level::Error,
                );
                Vec::new()
            }
        }
        "buy" => {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            buy_command(app, &args)
        }
        other => {
            app.set_status(
                format!("Unknown command ':{other}' (try :account, :theme, :buy, :q)"),
                Level::Error,
            );
            Vec::new()
        }
    }
}

/// `:buy SERVICE COUNTRY`: opens the path in the catalog of the active (or
/// first) account, loading what is missing (the command carries on as each
/// level arrives), then asks to confirm the cheapest offer in stock.
pub fn buy_command(app: &mut App, args: &[String]) -> Vec<Effect> {
    app.pending_buy = None;
    buy_step(app, args)
}

fn buy_step(app: &mut App, args: &[String]) -> Vec<Effect> {
    let Some(service_q) = args.first().map(|s| s.to_lowercase()) else {
        app.set_status("Usage: :buy SERVICE [COUNTRY]", Level::Warn);
        return Vec::new();
    };
    let country_q = args.get(1).map(|s| s.to_lowercase());
    let a = app.active.unwrap_or(0);
    let Some(acc) = app.accounts.get(a) else {
        return Vec::new();
    };
    let name = acc.info.name.clone();
    let has_countries = acc.info.caps.countries;
    let services_loading = acc.services == Load::Loading;
    app.expanded.insert(NodeId::Account(a).key());
    let Some(services) = acc.services.get() else {
        app.set_status("Loading services…", Level::Info);
        app.pending_buy = Some(args.to_vec());
        if services_loading {
            return Vec::new();
        }
        return load_services(app, a);
    };
    let Some(s) = services.iter().position(|s| {
        s.service.name.to_lowercase() == service_q || s.service.id.to_lowercase() == service_q
    }) else {
        app.set_status(format!("No service '{service_q}' on {name}"), Level::Error);
        return Vec::new();
    };
    let node = &services[s];
    let service = node.service.clone();
    app.expanded.insert(NodeId::Service(a, s).key());
    if !has_countries {
        if let Some(list) = node.offers.get() {
            return confirm_cheapest(app, a, &service, None, list.clone());
        }
        app.set_status("Loading offers…", Level::Info);
        app.pending_buy = Some(args.to_vec());
        return match app.service_mut(&name, &service.id) {
            Some(n) if n.offers != Load::Loading => {
                n.offers = Load::Loading;
                vec![Effect::LoadOffers {
                    account: name,
                    service_id: service.id,
                    country_id: None,
                }]
            }
            _ => Vec::new(),
        };
    }
    let Some(countries) = node.countries.get() else {
        app.set_status("Loading countries…", Level::Info);
        app.pending_buy = Some(args.to_vec());
        let node = app.service_mut(&name, &service.id);
        return match node {
            Some(n) if n.countries != Load::Loading => {
                n.countries = Load::Loading;
                vec![Effect::LoadCountries {
                    account: name,
                    service_id: service.id,
                }]
            }
            _ => Vec::new(),
        };
    };
    let Some(cq) = country_q else {
        app.set_status("Usage: :buy SERVICE COUNTRY", Level::Warn);
        return Vec::new();
    };
    let Some(c) = countries
        .iter()
        .position(|c| c.country.name.to_lowercase() == cq || c.country.id.to_lowercase() == cq)
    else {
        app.set_status(
            format!("No country '{cq}' for {}", service.name),
            Level::Error,
        );
        return Vec::new();
    };
    let country = countries[c].country.clone();
    let offers = countries[c].offers.get().cloned();
    app.expanded.insert(NodeId::Country(a, s, c).key());
    if let Some(list) = offers {
        return confirm_cheapest(app, a, &service, Some(&country), list);
    }
    app.set_status("Loading offers…", Level::Info);
    app.pending_buy = Some(args.to_vec());
    let node = app
        .service_mut(&name, &service.id)
        .and_then(|n| match &mut n.countries {
            Load::Loaded(list, _) => list.get_mut(c),
            _ => None,
        });
    match node {
        Some(n) if n.offers != Load::Loading => {
            n.offers = Load::Loading;
            vec![Effect::LoadOffers {
                account: name,
                service_id: service.id,
                country_id: Some(country.id),
            }]
        }
        _ => Vec::new(),
    }
}

fn confirm_cheapest(
    app: &mut App,
    a: usize,
    service: &crate::domain::Service,
    country: Option<&crate::domain::Country>,
    list: Vec<crate::domain::Offer>,
) -> Vec<Effect> {
    match list.iter().filter(|o| o.in_stock()).min_by_key(|o| o.price) {
        Some(o) => {
            app.popup = app.buy_request(a, service, country, o);
        }
        None => app.set_status("Every offer there is sold out", Level::Warn),
    }
    Vec::new()
}

fn load_services(app: &mut App, a: usize) -> Vec<Effect> {
    let Some(acc) = app.accounts.get_mut(a) else {
        return Vec::new();
    };
    acc.services = Load::Loading;
    vec![Effect::LoadServices {
        account: acc.info.name.clone(),
    }]
}

pub(super) fn pane_len(app: &App, pane: Pane) -> usize {
    match pane {
        Pane::Balance => app.accounts.len(),
        Pane::Catalog => catalog::rows(app).len(),
        Pane::Orders => app.visible_pending().len() + app.visible_orders().len(),
        Pane::OtpLog => app.visible_otps().len(),
    }
}

fn move_sel(app: &mut App, delta: i64) {
    let len = pane_len(app, app.focus) as i64;
    if len == 0 {
        return;
    }
    let cur = app.sel(app.focus) as i64;
    let next = (cur + delta).clamp(0, len - 1);
    app.selected.insert(app.focus, next as usize);
}

/// The order under the cursor in the orders pane (pending rows come first
/// and have no order yet).
pub fn selected_order(app: &App) -> Option<&crate::domain::Order> {
    let i = app
        .sel(Pane::Orders)
        .checked_sub(app.visible_pending().len())?;
    app.visible_orders().get(i).copied()
}

fn run(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    match cmd {
        Cmd::Quit => {
            app.quit = true;
            vec![Effect::Quit]
        }
        Cmd::FocusNext | Cmd::FocusPrev => {
            let i = Pane::ALL.iter().position(|p| *p == app.focus).unwrap_or(0);
            let n = Pane::ALL.len();
            app.focus = Pane::ALL[if cmd == Cmd::FocusNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
            Vec::new()
        }
        Cmd::Help => {
            app.popup = Some(Popup::Help);
            Vec::new()
        }
        Cmd::CommandLine => {
            app.popup = Some(Popup::CommandLine(Input::default()));
            Vec::new()
        }
        Cmd::AccountPicker => {
            app.popup = Some(Popup::AccountPicker {
                selected: app.active.map(|i| i + 1).unwrap_or(0),
            });
            Vec::new()
        }
        Cmd::NextAccount | Cmd::PrevAccount => {
            let n = app.accounts.len() + 1;
            let cur = app.active.map(|i| i + 1).unwrap_or(0);
            let next = if cmd == Cmd::NextAccount {
                (cur + 1) % n
            } else {
                (cur + n - 1) % n
            };
            switch_account(app, next.checked_sub(1));
            Vec::new()
        }
        Cmd::Up => {
            move_sel(app, -1);
            Vec::new()
        }
        Cmd::Down => {
            move_sel(app, 1);
            Vec::new()
        }
        Cmd::Expand => expand(app),
        Cmd::Collapse => {
            let rows = catalog::rows(app);
            if let Some(row) = rows.get(app.sel(Pane::Catalog)) {
                let target = match row.kind {
                    RowKind::Branch { expanded: true } => Some(row.id.clone()),
                    _ => row.id.parent(),
                };
                if let Some(t) = target {
                    app.expanded.remove(&t.key());
                    let rows = catalog::rows(app);
                    if let Some(i) = rows.iter().position(|r| r.id == t) {
                        app.selected.insert(Pane::Catalog, i);
                    }
                }
            }
            Vec::new()
        }
        Cmd::Filter => {
            app.filtering = true;
            app.focus = Pane::Catalog;
            Vec::new()
        }
        Cmd::Sort => {
            app.sort = app.sort.next();
            app.set_status(
                format!("Offers sorted by {}", app.sort.label()),
                Level::Info,
            );
            Vec::new()
        }
        Cmd::CopyOtp | Cmd::CopyNumber => copy(app, cmd == Cmd::CopyOtp),
        Cmd::Cancel | Cmd::Resend | Cmd::Finish | Cmd::Replace => order_command(app, cmd),
        Cmd::Refresh => app
            .accounts
            .iter_mut()
            .map(|a| {
                a.loading = true;
                Effect::LoadBalance {
                    account: a.info.name.clone(),
                }
            })
            .collect(),
    }
}

fn expand(app: &mut App) -> Vec<Effect> {
    let rows = catalog::rows(app);
    let Some(row) = rows.get(app.sel(Pane::Catalog)).cloned() else {
        return Vec::new();
    };
    let now = app.now;
    match row.id {
        NodeId::Account(a) => {
            app.expanded.insert(row.id.key());
            if app
                .accounts
                .get(a)
                .is_some_and(|acc| acc.services.needs_load(now))
            {
                return load_services(app, a);
            }
            Vec::new()
        }
        NodeId::Service(a, s) => {
            app.expanded.insert(row.id.key());
            let Some(acc) = app.accounts.get_mut(a) else {
                return Vec::new();
            };
            let name = acc.info.name.clone();
            let countries = acc.info.caps.countries;
            let Load::Loaded(services, _) = &mut acc.services else {
                return Vec::new();
            };
            let Some(node) = services.get_mut(s) else {
                return Vec::new();
            };
            let service_id = node.service.id.clone();
            if countries {
                if node.countries.needs_load(now) {
                    node.countries = Load::Loading;
                    return vec![Effect::LoadCountries {
                        account: name,
                        service_id,
                    }];
                }
            } else if node.offers.needs_load(now) {
                node.offers = Load::Loading;
                return vec![Effect::LoadOffers {
                    account: name,
                    service_id,
                    country_id: None,
                }];
            }
            Vec::new()
        }
        NodeId::Country(a, s, c) => {
            app.expanded.insert(row.id.key());
            let Some(acc) = app.accounts.get_mut(a) else {
                return Vec::new();
            };
            let name = acc.info.name.clone();
            let Load::Loaded(services, _) = &mut acc.services else {
                return Vec::new();
            };
            let Some(node) = services.get_mut(s) else {
                return Vec::new();
            };
            let service_id = node.service.id.clone();
            let Load::Loaded(countries, _) = &mut node.countries else {
                return Vec::new();
            };
            let Some(cn) = countries.get_mut(c) else {
                return Vec::new();
            };
            if cn.offers.needs_load(now) {
                cn.offers = Load::Loading;
                return vec![Effect::LoadOffers {
                    account: name,
                    service_id,
                    country_id: Some(cn.country.id.clone()),
                }];
            }
            Vec::new()
        }
        NodeId::Offer(a, s, c, o) => {
            let Some(acc) = app.accounts.get(a) else {
                return Vec::new();
            };
            let Some(node) = acc.services.get().and_then(|l| l.get(s)) else {
                return Vec::new();
            };
            let service = node.service.clone();
            let (country, offer) = match c {
                Some(c) => {
                    let cn = node.countries.get().and_then(|l| l.get(c));
                    (
                        cn.map(|x| x.country.clone()),
                        cn.and_then(|x| x.offers.get())
                            .and_then(|l| l.get(o))
                            .cloned(),
                    )
                }
                None => (None, node.offers.get().and_then(|l| l.get(o)).cloned()),
            };
            let Some(offer) = offer else {
                return Vec::new();
            };
            if !offer.in_stock() {
                app.set_status(
                    format!(
                        "{} is sold out or inactive: pick another offer",
                        offer.label
                    ),
                    Level::Warn,
                );
                return Vec::new();
            }
            app.popup = app.buy_request(a, &service, country.as_ref(), &offer);
            Vec::new()
        }
        NodeId::Note(parent) => {
            // Enter on an error line retries the load.
            app.selected.insert(
                Pane::Catalog,
                rows.iter().position(|r| r.id == *parent).unwrap_or(0),
            );
            app.expanded.remove(&parent.key());
            if let NodeId::Account(a) = *parent {
                if let Some(acc) = app.accounts.get_mut(a) {
                    acc.services = Load::NotLoaded;
                }
            }
            expand(app)
        }
    }
}

fn copy(app: &mut App, otp: bool) -> Vec<Effect> {
    let found: Option<(Option<String>, Option<String>)> = match app.focus {
        Pane::Orders => {
            selected_order(app).map(|o| (o.latest_otp().map(str::to_string), o.number.clone()))
        }
        Pane::OtpLog => app
            .visible_otps()
            .get(app.sel(Pane::OtpLog))
            .map(|o| (Some(o.code.clone()), Some(o.number.clone()))),
        _ => None,
    };
    let Some((code, number)) = found else {
        app.set_status("Nothing selected to copy", Level::Warn);
        return Vec::new();
    };
    let (text, what) = if otp {
        (code, "OTP")
    } else {
        (number, "number")
    };
    match text.filter(|t| !t.is_empty()) {
        Some(text) => vec![Effect::Copy {
            text,
            what: what.into(),
        }],
        None => {
            app.set_status(format!("No {what} yet for this order"), Level::Warn);
            Vec::new()
        }
    }
}

/// Whether `cmd` can do anything for the selection: the order commands
/// only on an order whose account's API has them. Other commands always.
pub fn applies(app: &App, cmd: Cmd) -> bool {
    let need = |caps: crate::domain::Capabilities| match cmd {
        Cmd::Cancel => Some(caps.cancel),
        Cmd::Resend => Some(caps.resend),
        Cmd::Finish => Some(caps.finish),
        Cmd::Replace => Some(caps.replace),
        _ => None,
    };
    if need(crate::domain::Capabilities::default()).is_none() {
        return true;
    }
    selected_order(app)
        .filter(|o| o.status.is_active())
        .and_then(|o| app.account_of(&o.account))
        .and_then(|a| need(a.info.caps))
        .unwrap_or(false)
}

fn order_command(app: &mut App, cmd: Cmd) -> Vec<Effect> {
    let Some(o) = selected_order(app) else {
        app.set_status("Select an order first", Level::Warn);
        return Vec::new();
    };
    let (id, account, status) = (o.id, o.account.clone(), o.status);
    let Some(caps) = app.account_of(&account).map(|a| a.info.caps) else {
        return Vec::new();
    };
    let kind = app
        .account_of(&account)
        .map(|a| a.info.kind.display_name())
        .unwrap_or("");
    let (ok, name) = match cmd {
        Cmd::Cancel => (caps.cancel, "cancel"),
        Cmd::Resend => (caps.resend, "resend"),
        Cmd::Finish => (caps.finish, "finish"),
        _ => (caps.replace, "replace"),
    };
    if !ok {
        app.set_status(format!("{kind} has no {name} for orders"), Level::Warn);
        return Vec::new();
    }
    if status.is_final() || matches!(status, OrderStatus::Buying | OrderStatus::Unknown) {
        app.set_status(
            format!("Order #{id} is {status}: nothing to {name}"),
            Level::Warn,
        );
        return Vec::new();
    }
    match cmd {
        Cmd::Cancel => {
            if let Some(until) = app.cancel_allowed_at(id).filter(|t| *t > app.now) {
                let left = (until - app.now).num_seconds().max(1);
                app.set_status(
                    format!("#{id}: the provider allows cancelling in {left}s"),
                    Level::Warn,
                );
                return Vec::new();
            }
            app.popup = Some(Popup::ConfirmCancel { order_id: id });
            Vec::new()
        }
        Cmd::Resend => {
            let locked = selected_order(app).and_then(|o| o.resend_locked_until);
            if let Some(until) = locked.filter(|t| *t > app.now) {
                let left = (until - app.now).num_seconds().max(1);
                app.set_status(
                    format!("#{id}: the provider allows another SMS in {left}s"),
                    Level::Warn,
                );
                return Vec::new();
            }
            vec![Effect::Resend { order_id: id }]
        }
        Cmd::Finish => vec![Effect::Finish { order_id: id }],
        _ => vec![Effect::Replace { order_id: id }],
    }
}

pub fn on_mouse(app: &mut App, m: MouseEvent) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let Some(l) = layout::compute(area, app.accounts.len()) else {
        return;
    };
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if app.popup.is_some() {
                return;
            }
            if let Some(p) = l.pane_at(m.column, m.row) {
                app.focus = p;
                let r = l.pane(p);
                // Row 0 is the border; lists in the orders/log panes have a header row.
                let header = matches!(p, Pane::Orders | Pane::OtpLog) as u16;
                if m.row > r.y + header {
                    let idx = (m.row - r.y - 1 - header) as usize
                        + super::scroll_offset(app, p, r.height);
                    if idx < pane_len(app, p) {
                        app.selected.insert(p, idx);
                    }
                }
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            if let Some(p) = l.pane_at(m.column, m.row) {
                let prev = app.focus;
                app.focus = p;
                move_sel(
                    app,
                    if m.kind == MouseEventKind::ScrollDown {
                        3
                    } else {
                        -3
                    },
                );
                app.focus = prev;
            }
        }
        _ => {}
    }
}

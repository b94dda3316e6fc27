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
                let several = completion_candidates(app, &completed);
                if several.len() > 1 && !completed.ends_with(' ') {
                    app.set_status(
                        format!(
                            "Tab: {}",
                            several
                                .iter()
                                .take(6)
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(" · ")
                        ),
                        Level::Info,
                    );
                }
                app.popup = Some(Popup::CommandLine(Input::new(completed)));
                if input.value().starts_with("buy ") {
                    return load_for_completion(app, input.value());
                }
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
/// theme names, or for `:buy` the service and then the country names of the
/// account it buys on (names may have spaces). Several matches complete to
/// what they share; when that is already typed and is itself a name, Tab
/// takes it.
pub fn complete(app: &App, text: &str) -> String {
    let (head, prefix, options) = completion_context(app, text);
    let lower = prefix.to_lowercase();
    let hits: Vec<&String> = options
        .iter()
        .filter(|o| o.to_lowercase().starts_with(&lower))
        .collect();
    let completed = match hits.as_slice() {
        [] => return text.to_string(),
        [one] => format!("{one} "),
        many => {
            let shared = common_prefix(many);
            if shared.eq_ignore_ascii_case(prefix)
                && many.iter().any(|o| o.eq_ignore_ascii_case(prefix))
            {
                format!("{shared} ")
            } else {
                shared
            }
        }
    };
    if completed.trim_end().chars().count() < prefix.chars().count() {
        return text.to_string();
    }
    format!("{head}{completed}")
}

/// The names Tab could complete `text` to, for the status bar when there
/// are several.
pub fn completion_candidates(app: &App, text: &str) -> Vec<String> {
    let (_, prefix, options) = completion_context(app, text);
    let lower = prefix.to_lowercase();
    options
        .into_iter()
        .filter(|o| o.to_lowercase().starts_with(&lower))
        .collect()
}

/// Splits `text` into what stays, the part being completed, and the names
/// that part may become.
fn completion_context<'t>(app: &App, text: &'t str) -> (&'t str, &'t str, Vec<String>) {
    let Some((word, rest)) = text.split_once(' ') else {
        let words = COMMAND_WORDS.iter().map(|c| c.to_string()).collect();
        return ("", text, words);
    };
    let head_len = word.len() + 1;
    let options: Vec<String> = match word {
        "account" => std::iter::once("all".to_string())
            .chain(app.accounts.iter().map(|x| x.info.name.clone()))
            .collect(),
        "theme" => crate::ui::theme::Theme::names()
            .into_iter()
            .map(str::to_string)
            .collect(),
        "buy" => {
            let services = buy_account(app).and_then(|a| a.services.get());
            // A service already typed in full, then a space: countries next.
            let chosen = services.and_then(|l| typed_service(l, rest));
            let at = chosen.map(|(_, matched)| head_len + matched + 1);
            if let (Some((i, _)), Some((head, part))) = (
                chosen,
                at.and_then(|at| Some((text.get(..at)?, text.get(at..)?))),
            ) {
                let countries = services
                    .and_then(|l| l.get(i))
                    .and_then(|s| s.countries.get())
                    .map(|l| l.iter().map(|c| c.country.name.to_lowercase()).collect())
                    .unwrap_or_default();
                return (head, part, countries);
            }
            services
                .map(|l| l.iter().map(|s| s.service.name.to_lowercase()).collect())
                .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    (text.get(..head_len).unwrap_or(""), rest, options)
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

/// Completing `:buy` needs the catalog: the services, then the countries
/// of the service typed. Loads what is missing, so the next Tab has names.
fn load_for_completion(app: &mut App, text: &str) -> Vec<Effect> {
    let a = app.active.unwrap_or(0);
    let Some(acc) = app.accounts.get(a) else {
        return Vec::new();
    };
    if acc.services == Load::NotLoaded {
        app.set_status("Loading services to complete…", Level::Info);
        return load_services(app, a);
    }
    let name = acc.info.name.clone();
    let rest = text.trim_start_matches("buy ");
    let chosen = acc.services.get().and_then(|l| {
        let (i, _) = typed_service(l, rest)?;
        l.get(i).map(|s| s.service.id.clone())
    });
    let Some(service_id) = chosen.filter(|_| acc.info.caps.countries) else {
        return Vec::new();
    };
    match app.service_mut(&name, &service_id) {
        Some(node) if node.countries == Load::NotLoaded => {
            node.countries = Load::Loading;
            app.set_status("Loading countries to complete…", Level::Info);
            vec![Effect::LoadCountries {
                account: name,
                service_id,
            }]
        }
        _ => Vec::new(),
    }
}

/// The service that `typed` begins with: the longest name or id that is
/// all of it or is followed by a space (names may have spaces; the rest is
/// the country). Its index and the length of `typed` (lowercased) it takes.
fn service_in(list: &[super::catalog::ServiceNode], typed: &str) -> Option<(usize, usize)> {
    let typed = typed.to_lowercase();
    list.iter()
        .enumerate()
        .flat_map(|(i, s)| {
            [
                (i, s.service.name.to_lowercase()),
                (i, s.service.id.to_lowercase()),
            ]
        })
        .filter(|(_, n)| typed == *n || typed.starts_with(&format!("{n} ")))
        .map(|(i, n)| (i, n.len()))
        .max_by_key(|(_, len)| *len)
}

/// Like `service_in`, for completion: only a name typed in full and
/// followed by a space counts (before that, the name itself is completed).
fn typed_service(list: &[super::catalog::ServiceNode], rest: &str) -> Option<(usize, usize)> {
    service_in(list, rest).filter(|(_, matched)| rest.len() > *matched)
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
    let typed = args.join(" ").to_lowercase();
    if typed.is_empty() {
        app.set_status("Usage: :buy SERVICE [COUNTRY]", Level::Warn);
        return Vec::new();
    }
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
    let Some((s, matched)) = service_in(services, &typed) else {
        app.set_status(format!("No service '{typed}' on {name}"), Level::Error);
        return Vec::new();
    };
    let country_q = Some(typed[matched..].trim().to_string()).filter(|c| !c.is_empty());
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
    // The name or id, else the one name it begins.
    let exact = countries
        .iter()
        .position(|c| c.country.name.to_lowercase() == cq || c.country.id.to_lowercase() == cq);
    let starts: Vec<usize> = countries
        .iter()
        .enumerate()
        .filter(|(_, c)| c.country.name.to_lowercase().starts_with(&cq))
        .map(|(i, _)| i)
        .collect();
    let Some(c) = exact.or(match starts.as_slice() {
        [one] => Some(*one),
        _ => None,
    }) else {
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
    if order_capability(cmd, &Default::default()).is_none() {
        return true;
    }
    selected_order(app)
        .filter(|o| o.status.is_active())
        .and_then(|o| app.account_of(&o.account))
        .and_then(|a| order_capability(cmd, &a.info.caps))
        .is_some_and(|(has, _)| has)
}

/// For an order command: whether `caps` has it, and its name. None for the
/// commands that are not about an order.
fn order_capability(cmd: Cmd, caps: &crate::domain::Capabilities) -> Option<(bool, &'static str)> {
    match cmd {
        Cmd::Cancel => Some((caps.cancel, "cancel")),
        Cmd::Resend => Some((caps.resend, "resend")),
        Cmd::Finish => Some((caps.finish, "finish")),
        Cmd::Replace => Some((caps.replace, "replace")),
        _ => None,
    }
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
    let Some((ok, name)) = order_capability(cmd, &caps) else {
        return Vec::new();
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

//! The `:` command line: typing, Tab completion and running a command.
//! Its words are the table's `LINE_COMMANDS` plus the id of every pane
//! command (`:refresh`, `:cancel`), so help and completion cannot drift.

use crate::app::buy_walk;
use crate::app::keymap::{def_of, Cmd, Layer, COMMANDS, LINE_COMMANDS};
use crate::app::popups::Popup;
use crate::app::{panes, App, Effect, Level};
use crate::theme::Theme;
use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

pub fn on_key(app: &mut App, cmd: Option<Cmd>, k: KeyEvent) -> Vec<Effect> {
    let Some(Popup::CommandLine(CommandLine(input))) = app.view.popups.last_mut() else {
        return Vec::new();
    };
    let typed = input.value().to_string();
    match cmd {
        Some(Cmd::RunCommand) => {
            app.close_top();
            run(app, &typed)
        }
        Some(Cmd::Complete) => {
            let completed = complete(app, &typed);
            if let Some(Popup::CommandLine(CommandLine(input))) = app.view.popups.last_mut() {
                *input = Input::new(completed.clone());
            }
            let several = completion_candidates(app, &completed);
            if several.len() > 1 && !completed.ends_with(' ') {
                let shown: Vec<String> = several.into_iter().take(6).collect();
                app.set_status(format!("Tab: {}", shown.join(" · ")), Level::Info);
            }
            if typed.starts_with("buy ") {
                return buy_walk::load_for_completion(app, &typed);
            }
            Vec::new()
        }
        _ => {
            input.handle_event(&Event::Key(k));
            Vec::new()
        }
    }
}

/// The pane command a `:` word names, if any.
fn pane_command(word: &str) -> Option<Cmd> {
    COMMANDS
        .iter()
        .find(|d| d.id == word && runs_by_name(d.cmd))
        .map(|d| d.cmd)
}

/// Commands of the panes can be run by name; popup keys cannot.
fn runs_by_name(cmd: Cmd) -> bool {
    def_of(cmd)
        .layers
        .iter()
        .any(|l| matches!(l, Layer::Panes | Layer::Pane(_)))
}

/// Every word the command line completes: the line commands' own words,
/// then the pane commands' ids that no line word already begins (`account`
/// completes before `accounts` is offered).
fn words() -> Vec<String> {
    let line: Vec<&str> = LINE_COMMANDS.iter().map(|l| l.word).collect();
    let mut out: Vec<String> = line.iter().map(|w| w.to_string()).collect();
    for d in COMMANDS.iter().filter(|d| runs_by_name(d.cmd)) {
        if !line.iter().any(|w| d.id.starts_with(w)) {
            out.push(d.id.to_string());
        }
    }
    out
}

pub fn run(app: &mut App, text: &str) -> Vec<Effect> {
    let mut parts = text.split_whitespace();
    let word = parts.next().unwrap_or("");
    let args: Vec<String> = parts.map(str::to_string).collect();
    let line = LINE_COMMANDS
        .iter()
        .find(|l| l.word == word || l.aliases.contains(&word))
        .map(|l| l.word);
    match (line, word) {
        (_, "") => Vec::new(),
        (Some("quit"), _) => app.quit(),
        (Some("account"), _) => {
            let name = args.join(" ");
            if name.is_empty() || name.eq_ignore_ascii_case("all") {
                app.switch_account(None);
            } else if let Some(i) = app
                .accounts
                .iter()
                .position(|a| a.info.name.eq_ignore_ascii_case(&name))
            {
                app.switch_account(Some(i));
            } else {
                app.set_status(format!("No account named '{name}'"), Level::Error);
            }
            Vec::new()
        }
        (Some("theme"), _) => {
            let name = args.join(" ");
            if Theme::by_name(&name).is_some() {
                app.settings.theme = name.clone();
                app.set_status(format!("Theme {name}"), Level::Info);
            } else {
                app.set_status(
                    format!("No theme '{name}' (have: {})", Theme::names().join(", ")),
                    Level::Error,
                );
            }
            Vec::new()
        }
        (Some("buy"), _) => buy_walk::start(app, &args),
        (Some("bill"), _) => super::bill::open(app, args.first().map(String::as_str)),
        (Some("history"), _) => crate::app::views::history::open(app, args.first().map(String::as_str)),
        (Some("report"), _) => crate::app::views::report::open(app, &args),
        (Some("inbox"), _) => super::inbox::open(app),
        (Some("seller"), _) => crate::app::views::seller::open(app, args.first().map(String::as_str)),
        (Some("email"), _) => crate::app::email_walk::start(app, &args),
        (Some(w @ ("best" | "buy-best")), _) => match buy_walk::split_service_country(app, &args) {
            Some((service, country)) if w == "best" => {
                crate::app::views::compare::start(app, &service, &country)
            }
            Some((service, country)) => crate::app::views::compare::start_buying(app, &service, &country),
            None => {
                app.set_status("Usage: :best SERVICE COUNTRY", Level::Warn);
                Vec::new()
            }
        },
        (_, w) => match pane_command(w) {
            Some(cmd) => panes::run(app, cmd),
            None => {
                app.set_status(
                    format!("Unknown command ':{w}' (try :buy, :account, :theme, :q; ? lists all)"),
                    Level::Error,
                );
                Vec::new()
            }
        },
    }
}

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
        return ("", text, words());
    };
    let head_len = word.len() + 1;
    let options: Vec<String> = match word {
        "account" => std::iter::once("all".to_string())
            .chain(app.accounts.iter().map(|x| x.info.name.clone()))
            .collect(),
        "theme" => Theme::names().into_iter().map(str::to_string).collect(),
        "buy" => {
            if let Some((at, countries)) = buy_walk::country_names(app, rest) {
                let at = head_len + at;
                if let (Some(head), Some(part)) = (text.get(..at), text.get(at..)) {
                    return (head, part, countries);
                }
            }
            buy_walk::service_names(app)
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

/// The `:` command line: its text being typed.
#[derive(Debug, Clone, Default)]
pub struct CommandLine(pub tui_input::Input);

impl crate::app::popups::PopupState for CommandLine {
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

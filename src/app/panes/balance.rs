//! The balance pane's command: refresh every account's balance. The
//! periodic refresh takes the same path, so the spinner and the error badge
//! behave alike for `g` and for the timer. A seller key has no balance to
//! ask (GoTopUp's seller API has no balance call): it is left out, and `g`
//! on its row says where its figures are.

use crate::app::panes::Pane;
use crate::app::{App, Effect, Level};

/// Asks every buyer account's balance.
pub fn refresh(app: &mut App) -> Vec<Effect> {
    app.accounts
        .iter_mut()
        .filter(|a| !a.info.seller)
        .map(|a| {
            a.loading = true;
            Effect::LoadBalance {
                account: a.info.name.clone(),
            }
        })
        .collect()
}

/// `g`: the same refresh; on a seller's row, what a seller key shows.
pub fn refresh_key(app: &mut App) -> Vec<Effect> {
    let fx = refresh(app);
    let picked = app.accounts.get(app.sel(Pane::Balance));
    if let Some(a) = picked.filter(|a| a.info.seller) {
        let text = format!(
            "{}: a seller key has no balance; :seller has its sales",
            a.info.name
        );
        app.set_status(text, Level::Info);
    }
    fx
}

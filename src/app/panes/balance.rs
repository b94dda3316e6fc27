//! The balance pane's command: refresh every account's balance. The
//! periodic refresh takes the same path, so the spinner and the error badge
//! behave alike for `g` and for the timer.

use crate::app::{App, Effect};

pub fn refresh(app: &mut App) -> Vec<Effect> {
    app.accounts
        .iter_mut()
        .map(|a| {
            a.loading = true;
            Effect::LoadBalance {
                account: a.info.name.clone(),
            }
        })
        .collect()
}

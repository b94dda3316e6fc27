//! The statistics view: the journal's figures, asked once when it opens.

/// None until the journal's figures arrive.
#[derive(Debug, Clone)]
pub struct Stats(pub Option<Box<Result<crate::domain::stats::Overview, String>>>);

impl crate::app::popups::PopupState for Stats {
    fn on_key(
        app: &mut crate::app::App,
        cmd: Option<crate::app::keymap::Cmd>,
        k: ratatui::crossterm::event::KeyEvent,
    ) -> Vec<crate::app::Effect> {
        // The statistics view only closes (Dismiss, handled for every popup).
        let _ = (app, cmd, k);
        Vec::new()
    }
}

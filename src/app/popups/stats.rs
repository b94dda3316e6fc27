//! The statistics view: the journal's figures, asked once when it opens.

/// None until the journal's figures arrive.
#[derive(Debug, Clone)]
pub struct Stats(pub Option<Box<Result<crate::domain::stats::Overview, String>>>);

use super::SimOptions;
use axum::Router;
use std::sync::Arc;
pub struct SimState {
    #[allow(dead_code)]
    opts: SimOptions,
}
impl SimState {
    pub fn new(opts: SimOptions) -> Self {
        SimState { opts }
    }
}
pub fn router(_state: Arc<SimState>) -> Router {
    Router::new()
}

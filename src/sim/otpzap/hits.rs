//! Requests counted per endpoint, so tests can check what a screen sent
//! (opening an S2 country sends one `/s2/services`, not one per country).

use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub(super) struct Hits(Mutex<HashMap<String, u64>>);

impl Hits {
    pub(super) fn count(&self, route: &str) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *m.entry(route.to_string()).or_default() += 1;
    }

    pub(super) fn get(&self, route: &str) -> u64 {
        let m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.get(route).copied().unwrap_or(0)
    }
}

//! The GoTopUp history view, the real binary in tmux against `otpdeck sim`:
//! 115 transactions made by "another client" (the adapter, from this test),
//! `:history` shows page 1 of 2 newest first, End then PageDown (a page
//! down from the last row) the 15 oldest, and a status filter narrows to
//! the failed ones.
//!
//! Needs tmux; without it the test says so and passes, unless
//! OTPDECK_REQUIRE_TMUX is set.

use crate::common;

use common::process::{SimProcess, BIN};
use common::tmux::{tmux_ready, Tmux};
use otpdeck::domain::*;
use otpdeck::money::Rupiah;
use otpdeck::providers::{self, Auth, ProviderSettings};
use otpdeck::secret::Secret;

const KEY: &str = "sim-tui-history";

/// 115 top-ups on the account, every tenth one failing (GAGAL5).
fn make_transactions(url: &str) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        // Room for 115 buys in a minute (the documented 1–1000).
        let r = otpdeck::providers::http::client_builder()
            .build()
            .expect("client")
            .post(format!("{url}/api/buyer/api/config"))
            .bearer_auth(KEY)
            .json(&serde_json::json!({"rate_limit": 1000}))
            .send()
            .await
            .expect("config");
        assert!(r.status().is_success(), "rate limit set: {}", r.status());
        let s = ProviderSettings::new(
            ProviderKind::GoTopUp,
            url.to_string(),
            Auth::ApiKey(Secret::new(KEY)),
        );
        let p = providers::build(&s).expect("adapter");
        for i in 0..115 {
            let code = if i % 10 == 0 { "GAGAL5" } else { "TELKOMSEL5" };
            p.buy(&BuyRequest {
                service_id: "pulsa:telkomsel".into(),
                service_name: code.into(),
                country_id: None,
                country_name: None,
                offer_id: code.into(),
                price: Rupiah(5_500),
                operator: None,
                idempotency_key: format!("H-{i:03}"),
                customer_number: Some("081234567890".into()),
            })
            .await
            .expect("buy");
        }
    });
}

#[test]
fn history_pages_past_a_hundred_and_filters_in_tmux() {
    if !tmux_ready("the history test") {
        return;
    }
    let sim = SimProcess::start_with("1s", &["--balance", "5000000"]);
    let url = sim.url("gotopup").to_string();
    make_transactions(&url);
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[accounts]]\nname = \"gt\"\nprovider = \"gotopup\"\nbase_url = \"{url}\"\napi_key = \"{KEY}\"\n"
        ),
    )
    .expect("config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600));
    }
    let t = Tmux::new("gthist");
    t.start_sized(
        &format!(
            "env TERM=xterm-256color {BIN} --config {} --data-dir {}",
            cfg.display(),
            dir.path().join("data").display()
        ),
        140,
        40,
    );
    t.wait_for("the balance", 20, |s| s.contains("GoTopUp"));
    t.keys(&[":"]);
    t.type_text("history");
    t.keys(&["Enter"]);
    let s = t.wait_for("page 1", 20, |s| s.contains("page 1 of 2 (115 in all)"));
    println!("{s}");
    assert!(s.contains("H-114"), "newest first:\n{s}");
    // PageDown scrolls the rows; from the last one it loads the next page.
    t.keys(&["End"]);
    t.keys(&["PageDown"]);
    let s = t.wait_for("page 2", 20, |s| s.contains("page 2 of 2"));
    println!("{s}");
    assert!(s.contains("H-000") && !s.contains("H-114"), "{s}");
    // Tab from the rows to the status filter (the first field), Enter
    // loads page 1 with it.
    t.keys(&["Tab"]);
    t.type_text("failed");
    t.keys(&["Enter"]);
    let s = t.wait_for("the failed ones", 20, |s| s.contains("(12 in all)"));
    println!("{s}");
    assert!(s.contains("H-110") && !s.contains("H-111"), "{s}");
    assert!(!s.contains("finished"), "only failed rows:\n{s}");
}

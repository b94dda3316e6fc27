//! The simulator's price list honours the documented filters (`category`:
//! a top category or a subcategory, `operator`) for Bearer accounts, and
//! records them so tests can see which slice each request asked for; a
//! group's offers are asked for with its own filter, and an inactive
//! product is shown as not buyable.

use otpdeck::domain::*;
use otpdeck::providers::{self, Auth, ProviderSettings, SharedProvider};
use otpdeck::secret::Secret;
use otpdeck::sim::{self, SimOptions};
use serde_json::{json, Value};

fn adapter(url: &str, key: &str) -> SharedProvider {
    let s = ProviderSettings::new(
        ProviderKind::GoTopUp,
        url.to_string(),
        Auth::ApiKey(Secret::new(key)),
    );
    providers::build(&s).expect("adapter")
}

async fn raw(url: &str, key: &str, body: Value) -> Vec<Value> {
    let r: Value = otpdeck::providers::http::client_builder()
        .build()
        .expect("client")
        .post(format!("{url}/api/buyer/price-list"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    r["data"].as_array().expect("data").clone()
}

fn field(rows: &[Value], f: &str) -> Vec<String> {
    let mut v: Vec<String> = rows
        .iter()
        .map(|r| r[f].as_str().unwrap_or("").to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[tokio::test]
async fn the_price_list_filters_by_category_subcategory_and_operator() {
    let sim = sim::start_local(SimOptions::default()).await.expect("sim");
    let (url, key) = (&sim.urls.gotopup, "sim-filters");
    let pre = raw(url, key, json!({"category": "prabayar"})).await;
    assert_eq!(field(&pre, "category"), ["prabayar"]);
    let subs = field(&pre, "subcategory");
    for s in ["pulsa", "data", "pln", "e-money", "games"] {
        assert!(subs.iter().any(|x| x == s), "{s} in {subs:?}");
    }
    let post = raw(url, key, json!({"category": "pascabayar"})).await;
    assert_eq!(field(&post, "category"), ["pascabayar"]);
    assert!(field(&post, "subcategory").len() >= 3);
    let pulsa = raw(url, key, json!({"category": "pulsa"})).await;
    assert_eq!(field(&pulsa, "subcategory"), ["pulsa"]);
    assert!(field(&pulsa, "operator").len() >= 5);
    let tsel = raw(
        url,
        key,
        json!({"category": "pulsa", "operator": "telkomsel"}),
    )
    .await;
    assert_eq!(field(&tsel, "operator"), ["Telkomsel"]);
    assert_eq!(field(&tsel, "subcategory"), ["pulsa"]);
    assert_eq!(
        sim.states.gotopup.price_list_filters(),
        vec![
            (Some("prabayar".to_string()), None),
            (Some("pascabayar".to_string()), None),
            (Some("pulsa".to_string()), None),
            (Some("pulsa".to_string()), Some("telkomsel".to_string())),
        ]
    );
}

#[tokio::test]
async fn a_groups_offers_are_asked_with_its_filter_and_inactive_ones_are_not_buyable() {
    let sim = sim::start_local(SimOptions::default()).await.expect("sim");
    let p = adapter(&sim.urls.gotopup, "sim-filters-2");
    let offers = p.offers("pulsa:telkomsel", None).await.expect("offers");
    assert!(offers.iter().any(|o| o.id == "TELKOMSEL10" && o.available));
    assert_eq!(
        sim.states.gotopup.price_list_filters(),
        vec![(Some("pulsa".to_string()), Some("telkomsel".to_string()))],
        "one request, filtered server-side"
    );
    let services = p.services().await.expect("services");
    let gopay = services
        .iter()
        .find(|s| s.name.to_lowercase().contains("gopay"))
        .expect("an e-money GoPay group");
    let offers = p.offers(&gopay.id, None).await.expect("gopay offers");
    let off = offers.iter().find(|o| o.id == "GOPAY50").expect("GOPAY50");
    assert!(!off.available, "an inactive product is not buyable");
    assert!(offers.iter().any(|o| o.id == "GOPAY20" && o.available));
}

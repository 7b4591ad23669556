//! `make bench`'s import figure: a generated Postman v2.1 collection of about
//! 3 MB with 500 requests in folders three deep, read by the core
//! (`collections::postman::import`) and made the profile's tree
//! (`store::saved_tree::tidy`, as a save does) and the JSON the window
//! receives. Prints one JSON object on stdout (`importMs`: one figure per
//! run); with a path argument, also writes the tree the window would hold
//! there (`{folders, requests}`) for the filter bench
//! (`scripts/bench-filter.mjs`).
//!
//! `cargo run --release -p oauth-console-core --example bench_import -- [RUNS] [TREE_JSON]`

use oauth_console_core::collections::postman;
use oauth_console_core::store::{saved_tree, Profile};
use serde_json::{json, Value};
use std::time::Instant;

/// 10 top folders × 5 sub-folders × 2 sub-sub-folders × 5 requests = 500.
fn collection() -> Value {
    let filler = "x".repeat(5600);
    let mut top = Vec::new();
    let mut n = 0;
    for a in 0..10 {
        let mut subs = Vec::new();
        for b in 0..5 {
            let mut leaves = Vec::new();
            for c in 0..2 {
                let mut requests = Vec::new();
                for _ in 0..5 {
                    n += 1;
                    requests.push(json!({
                        "name": format!("Request {n} update connection"),
                        "event": [{"listen": "test", "script": {"exec": ["pm.test('ok', () => {});"]}}],
                        "request": {
                            "method": if n % 2 == 0 { "POST" } else { "GET" },
                            "header": [
                                {"key": "Authorization", "value": "Bearer {{access_token}}"},
                                {"key": "Accept", "value": "application/json"}
                            ],
                            "body": {"mode": "raw", "raw": format!("{{\"id\": {n}, \"note\": \"{filler}\"}}"), "options": {"raw": {"language": "json"}}},
                            "url": {"raw": format!("{{{{baseUrl}}}}/ic/api/integration/v1/connections/C{n}?expand=all")},
                            "description": format!("Generated request {n}.")
                        }
                    }));
                }
                leaves.push(json!({"name": format!("Set {a}.{b}.{c}"), "item": requests}));
            }
            subs.push(json!({"name": format!("Area {a}.{b}"), "item": leaves}));
        }
        top.push(json!({"name": format!("Domain {a}"), "item": subs}));
    }
    json!({
        "info": {"name": "Generated 500", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "baseUrl", "value": "https://oic.example"}],
        "item": top
    })
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5).max(5);
    let tree_path = args.next();
    let text = collection().to_string();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let import = postman::import(&text).expect("the generated collection imports");
        let mut profile = Profile {
            id: "bench".into(),
            ..Profile::default()
        };
        profile.saved_folders = import.folders;
        profile.saved_requests = import.requests;
        saved_tree::tidy(&mut profile);
        let to_window = serde_json::to_vec(&(&profile.saved_folders, &profile.saved_requests))
            .expect("serialisable");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(!to_window.is_empty());
        last = Some(profile);
    }
    let profile = last.expect("at least one run");
    if let Some(path) = tree_path {
        let tree = json!({"folders": profile.saved_folders, "requests": profile.saved_requests});
        std::fs::write(&path, tree.to_string()).expect("the tree file is written");
    }
    println!(
        "{}",
        json!({
            "importMs": times,
            "bytes": text.len(),
            "requests": profile.saved_requests.len(),
            "folders": profile.saved_folders.len(),
        })
    );
}

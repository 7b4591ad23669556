//! Paging and filtering of the design-time collections: `limit`, `offset`,
//! `orderBy` and Oracle's `q` syntax.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::*;

/// GETs the connections with `query` (already encoded) and returns status and body.
async fn connections(query: &str) -> (StatusCode, Value) {
    let sandbox = start().await;
    let token = client_credentials(&sandbox, &sandbox.credentials().scope_all).await;
    let url = format!(
        "{}/ic/api/integration/v1/connections?{query}",
        sandbox.design_url()
    );
    let response = api_get(&url, Some(token.access_token())).await;
    let status = response.status();
    (status, json(response).await)
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap().to_owned())
        .collect()
}

fn q(value: &str) -> String {
    encode(&[("q", value)])
}

#[tokio::test]
async fn the_first_page_has_ten_of_twenty_five_connections() {
    let (status, page) = connections("").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (page["limit"].as_u64(), page["offset"].as_u64()),
        (Some(10), Some(0))
    );
    assert_eq!(page["totalResults"], 25);
    assert_eq!(page["hasMore"], true);
    assert_eq!(names(&page).len(), 10);
    let first = &page["items"][0];
    for field in ["id", "name", "adapterType", "status", "role", "lastUpdated"] {
        assert!(!first[field].is_null(), "connections have {field}");
    }
}

#[tokio::test]
async fn limit_and_offset_page_through_all_connections_without_overlap() {
    let mut seen = Vec::new();
    for offset in [0, 7, 14, 21] {
        let (status, page) = connections(&format!("limit=7&offset={offset}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["hasMore"], offset + 7 < 25, "offset {offset}");
        seen.extend(names(&page));
    }
    assert_eq!(seen.len(), 25);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 25, "no connection twice");
}

#[tokio::test]
async fn an_offset_past_the_end_gives_an_empty_page() {
    let (_, page) = connections("offset=100").await;
    assert!(names(&page).is_empty());
    assert_eq!(page["totalResults"], 25);
    assert_eq!(page["hasMore"], false);
}

#[tokio::test]
async fn q_with_slashes_finds_names_containing_the_text_without_regard_to_case() {
    let (status, page) = connections(&q("{name:/rest/}")).await;
    assert_eq!(status, StatusCode::OK);
    let names = names(&page);
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names
        .iter()
        .all(|name| name.to_lowercase().contains("rest")));
    assert_eq!(page["totalResults"], 5);
}

#[tokio::test]
async fn q_with_quotes_finds_the_exact_name() {
    let (_, page) = connections(&q("{name:'Sandbox REST Conn'}")).await;
    assert_eq!(names(&page), ["Sandbox REST Conn"]);
    let (_, page) = connections(&q("{name:'REST'}")).await;
    assert!(
        names(&page).is_empty(),
        "quotes mean exact match, as Oracle documents"
    );
}

#[tokio::test]
async fn a_bare_q_means_name_contains() {
    let (_, page) = connections(&q("ERP")).await;
    assert_eq!(
        names(&page),
        ["ERP Cloud Financials", "ERP Cloud Shipments"]
    );
}

#[tokio::test]
async fn q_combines_name_and_status() {
    let (_, page) = connections(&q("{name : /REST/, status : 'INPROGRESS'}")).await;
    assert_eq!(names(&page), ["Sandbox REST Draft"]);
}

#[tokio::test]
async fn q_filters_and_limit_work_together() {
    let (_, page) = connections(&format!("{}&limit=2&offset=1", q("{status:'CONFIGURED'}"))).await;
    assert_eq!(names(&page).len(), 2);
    let total = page["totalResults"].as_u64().unwrap();
    assert!(total > 3 && total < 25);
    assert_eq!(page["hasMore"], true);
}

#[tokio::test]
async fn order_by_name_sorts_alphabetically() {
    let (_, page) = connections("orderBy=name&limit=25").await;
    let names = names(&page);
    let mut sorted = names.clone();
    sorted.sort_by_key(|name| name.to_lowercase());
    assert_eq!(names, sorted);
}

#[tokio::test]
async fn bad_paging_or_filters_are_400_json() {
    for query in [
        "limit=ten".to_owned(),
        "offset=-1".to_owned(),
        q("{name:'unterminated}"),
        q("{colour:'red'}"),
        "orderBy=colour".to_owned(),
    ] {
        let (status, body) = connections(&query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["status"], 400);
        assert!(body["detail"].is_string());
    }
}

#[tokio::test]
async fn the_catalogue_grows_on_request_and_a_page_delay_outside_0_to_5000_ms_is_refused() {
    let sandbox = start().await;
    let client = reqwest::Client::new();
    let resize = |query: &str| {
        client
            .post(format!("{}/sandbox/v1/integrations?{query}", sandbox.design_url()))
            .send()
    };
    let refused = resize("count=50&pageDelayMs=5001").await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = resize("count=50&pageDelayMs=soon").await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let grown = resize("count=50&pageDelayMs=20").await.unwrap();
    assert_eq!(grown.status(), StatusCode::OK);
    assert_eq!(json(grown).await["totalResults"], 50);

    let token = client_credentials(&sandbox, &sandbox.credentials().scope_all).await;
    let url = format!("{}/ic/api/integration/v1/integrations?limit=100", sandbox.design_url());
    let page = json(api_get(&url, Some(token.access_token())).await).await;
    assert_eq!(page["totalResults"], 50, "the delayed page still answers in full");
}

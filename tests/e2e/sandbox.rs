//! The first-launch path of a user with no Oracle tenancy: the Sandbox
//! profile is selected, Get New Access Token, Use Token, Send.

use crate::app::App;

#[tokio::test]
async fn the_sandbox_profile_gets_a_token_and_lists_connections_through_the_runtime_host() {
    let app = App::launch().await;
    let badge = app.text_when("sandbox-badge", "the sandbox badge", |t| !t.is_empty()).await;
    assert_eq!(badge, "Local sandbox");
    assert!(app.value_of("Access Token URL").await.starts_with("http://127.0.0.1:"), "pre-filled for the sandbox");

    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    let auth_row = app.text_when("token-header-value", "the masked Authorization row", |_| true).await;
    assert!(!auth_row.contains("eyJ"), "the Authorization row never shows the token: {auth_row}");

    let url = app.value_of("URL").await;
    assert!(url.ends_with("/ic/api/integration/v1/connections"), "{url}");
    app.click("Send").await;

    let status = app.text_when("response-status", "a status", |t| !t.is_empty()).await;
    assert_eq!(status, "200 OK");
    let body = app.text_when("response-view", "the JSON body", |t| t.contains("\"items\"")).await;
    assert!(body.contains("\"hasMore\""), "a page of connections: {body}");

    app.click_tab("Redirects").await;
    let hops = app.text_when("response-hops", "the redirect chain", |t| !t.is_empty()).await;
    assert!(hops.contains("302"), "the runtime host redirected: {hops}");
    assert!(hops.contains("forwarded (trusted host)"), "{hops}");
    app.close().await;
}

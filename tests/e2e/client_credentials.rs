use crate::app::{idp, App};
use std::time::Duration;

async fn fill_client_credentials(app: &App, secret: &str) {
    // A first launch shows the Sandbox profile, whose URLs and client are read-only.
    app.duplicate_sandbox_to_edit().await;
    app.choose("Grant Type", "Client Credentials").await;
    app.fill("Access Token URL", &idp("OC_IDP_TOKEN_URL")).await;
    app.fill("Client ID", &idp("OC_IDP_CC_CLIENT_ID")).await;
    app.fill("Client Secret", secret).await;
    app.fill("Scope", &idp("OC_IDP_SCOPE")).await;
}

#[tokio::test]
async fn get_new_access_token_shows_the_token_details() {
    let app = App::launch().await;
    fill_client_credentials(&app, &idp("OC_IDP_CC_CLIENT_SECRET")).await;
    app.choose("Client Authentication", "Send as Basic Auth header").await;
    app.click("Get New Access Token").await;

    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    let scope = app.text_when("token-scope", "the scope", |t| !t.is_empty()).await;
    assert_eq!(scope, idp("OC_IDP_SCOPE"));
    let first = app.text_when("expires-in", "a countdown", |t| t.contains("min")).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let later = app.text_when("expires-in", "a countdown", |t| t.contains("min")).await;
    assert_ne!(first, later, "Expires In counts down live");

    let masked = app.text_when("access-token", "the masked token", |t| !t.is_empty()).await;
    assert!(masked.contains('•'), "the token is masked until Show: {masked}");
    app.client
        .find(fantoccini::Locator::Css("button[aria-controls='access-token']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = app.text_when("access-token", "the token", |t| !t.contains('•')).await;
    assert!(shown.len() >= 20, "a real token is shown after Show: {} characters", shown.len());
    app.close().await;
}

#[tokio::test]
async fn credentials_in_the_body_also_get_a_token() {
    let app = App::launch().await;
    fill_client_credentials(&app, &idp("OC_IDP_CC_CLIENT_SECRET")).await;
    app.choose("Client Authentication", "Send client credentials in body").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.close().await;
}

#[tokio::test]
async fn a_wrong_secret_shows_invalid_client_and_keeps_the_entries() {
    let app = App::launch().await;
    fill_client_credentials(&app, "not-the-secret").await;
    app.click("Get New Access Token").await;

    let message = app.text_when("error-message", "an error", |t| !t.is_empty()).await;
    assert!(message.contains("invalid_client"), "{message}");
    assert!(message.contains("client ID or client secret"), "plain words: {message}");
    assert!(!message.contains("not-the-secret"), "the secret is never echoed");
    let hint = app.text_when("error-hint", "a hint", |t| !t.is_empty()).await;
    assert!(hint.contains("activated"), "{hint}");

    assert_eq!(app.value_of("Client ID").await, idp("OC_IDP_CC_CLIENT_ID"), "entries are kept");
    assert_eq!(app.value_of("Client Secret").await, "not-the-secret", "entries are kept");
    assert!(app.is_enabled("Get New Access Token").await, "the user can try again");
    app.close().await;
}

#[tokio::test]
async fn a_request_in_flight_shows_progress_and_can_be_cancelled() {
    // A server that accepts the connection and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/oauth2/v1/token", silent.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });

    let app = App::launch().await;
    fill_client_credentials(&app, "any").await;
    app.fill("Access Token URL", &url).await;
    app.click("Get New Access Token").await;

    app.text_when("progress", "progress", |t| t.contains("Requesting")).await;
    assert!(!app.is_enabled("Get New Access Token").await, "no second request while one is in flight");
    app.click("Cancel").await;

    let message = app.text_when("error-message", "the cancellation", |t| !t.is_empty()).await;
    assert_eq!(message, "The request was cancelled");
    assert!(app.is_enabled("Get New Access Token").await);
    assert_eq!(app.value_of("Access Token URL").await, url, "entries are kept");
    app.close().await;
    hold.abort();
}

#[tokio::test]
async fn a_malformed_url_is_explained_without_sending_anything() {
    let app = App::launch().await;
    fill_client_credentials(&app, "any").await;
    app.fill("Access Token URL", "idcs-1234.identity.oraclecloud.com/oauth2/v1/token").await;
    app.click("Get New Access Token").await;
    let message = app.text_when("error-message", "an error", |t| !t.is_empty()).await;
    assert!(message.starts_with("Access Token URL is not a valid URL"), "{message}");
    let code = app.text_when("error-code", "a code", |t| !t.is_empty()).await;
    assert_eq!(code, "invalid_url");
    app.close().await;
}

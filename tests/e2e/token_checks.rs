//! Introspect and Revoke in the token details, against the sandbox: a fresh
//! token is active; once revoked, the server says it is not, the API refuses
//! it, Use Token no longer offers it and Manage Tokens says Revoked.

use crate::app::App;

async fn introspection(app: &App) -> String {
    app.client
        .execute("document.getElementById('introspection').hidden = true;", vec![])
        .await
        .unwrap();
    app.click("Introspect").await;
    app.text_when("introspection", "the server's answer", |t| !t.is_empty()).await
}

#[tokio::test]
async fn a_token_is_active_at_the_server_until_revoked_and_then_refused_everywhere() {
    let app = App::launch().await;
    app.profile_shown().await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "the token", |t| t == "Bearer").await;

    let answer = introspection(&app).await;
    assert!(answer.starts_with("Active: the server accepts this token for"), "{answer}");
    assert!(answer.contains("client_id"), "the fields are listed: {answer}");
    assert!(answer.contains("urn:opc:resource:consumer::all"), "with the scope: {answer}");

    // The sandbox signs its access tokens HS256 (a shared secret): Verify
    // signature says so rather than pretending.
    app.client.execute("document.getElementById('jwt').open = true;", vec![]).await.unwrap();
    app.click("Verify signature").await;
    let code = app.text_when("verify-error-code", "the refusal", |t| !t.is_empty()).await;
    assert_eq!(code, "token_signature_refused");
    let message = app.text_when("verify-error-message", "its message", |t| !t.is_empty()).await;
    assert!(message.contains("signed with HS256, not RS256 or ES256"), "{message}");

    app.click("Use Token").await;
    assert_eq!(app.send_and_wait().await, "200 OK");

    app.click_tab("Authorization").await;
    app.click("Revoke").await;
    app.text_when("token-revoked", "the revoked mark", |t| t.starts_with("Revoked")).await;
    let answer = introspection(&app).await;
    assert!(answer.starts_with("The server says this token is not active: expired, revoked or unknown."), "{answer}");

    // The request still carries it: the API refuses it now.
    let status = app.send_and_wait().await;
    assert!(status.starts_with("401"), "a revoked token is refused: {status}");
    // Beside the 401, one press says whether the token is the problem.
    app.click("Introspect this token").await;
    let said = app.text_when("unauthorized-answer", "the server's answer", |t| t.starts_with("The server says")).await;
    assert!(said.contains("not active") && said.contains("Get New Access Token"), "{said}");

    // Use Token no longer offers it.
    app.click_tab("Authorization").await;
    app.client.execute("document.getElementById('error').hidden = true;", vec![]).await.unwrap();
    app.click("Use Token").await;
    let code = app.text_when("error-code", "the refusal", |t| !t.is_empty()).await;
    assert_eq!(code, "token_revoked");

    app.click("Manage Tokens").await;
    let rows = app.text_when("tokens-rows", "the token's row", |t| t.contains("Bearer")).await;
    assert!(rows.contains("Revoked"), "Manage Tokens marks it: {rows}");
    // Introspect from Manage Tokens too.
    app.client
        .find(fantoccini::Locator::Css("#tokens-rows button[data-action=introspect]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let said = app.text_when("tokens-status", "the answer", |t| t.contains("The server says")).await;
    assert!(said.contains("not active"), "{said}");
    app.click("Close").await;
    app.close().await;
}

/// Tells the sandbox to get its next ID tokens wrong (or right: "none").
async fn id_token_fault(identity_origin: &str, mode: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let authority = identity_origin.strip_prefix("http://").expect("the sandbox is plain http on 127.0.0.1");
    let body = format!("mode={mode}");
    let request = format!(
        "POST /sandbox/v1/id-token-fault HTTP/1.1\r\nHost: {authority}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut socket = tokio::net::TcpStream::connect(authority).await.unwrap();
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn the_id_token_of_a_sign_in_is_shown_verified_and_one_with_a_wrong_nonce_is_refused() {
    use crate::grants::{launch, sandbox_authorization_code, shown_sign_in_url, signed_in_elsewhere, POSTMAN_CALLBACK};
    let (app, _) = launch("id-token", &[]).await;
    let identity = app.value_of("Access Token URL").await.trim_end_matches("/oauth2/v1/token").to_owned();
    sandbox_authorization_code(&app, POSTMAN_CALLBACK, "Paste the redirected URL").await;

    app.click("Get New Access Token").await;
    let redirected = signed_in_elsewhere(&shown_sign_in_url(&app, "").await);
    app.fill("Redirected URL", &redirected).await;
    app.click("Use this URL").await;
    app.text_when("token-type", "the token", |t| t == "Bearer").await;
    let check = app.text_when("id-token-check", "the ID token's check", |t| t.starts_with("(Signature")).await;
    assert_eq!(check, "(Signature verified with key sandbox-id-1 (ES256); issuer, audience, expiry and nonce checked.)");

    // The sandbox now answers with an ID token whose nonce is not the one sent.
    id_token_fault(&identity, "wrong_nonce").await;
    app.click_tab("Authorization").await;
    app.client.execute("document.getElementById('error').hidden = true;", vec![]).await.unwrap();
    let before = app.value_of("Sign-in URL").await;
    app.click("Get New Access Token").await;
    let redirected = signed_in_elsewhere(&shown_sign_in_url(&app, &before).await);
    app.fill("Redirected URL", &redirected).await;
    app.click("Use this URL").await;
    let code = app.text_when("error-code", "the refusal", |t| !t.is_empty()).await;
    assert_eq!(code, "id_token_refused");
    let message = app.text_when("error-message", "its message", |t| !t.is_empty()).await;
    assert!(message.contains("nonce differs"), "{message}");
    id_token_fault(&identity, "none").await;
    app.close().await;
}

#[tokio::test]
async fn with_the_setting_on_a_401_gets_a_new_token_and_the_request_is_sent_once_more() {
    let app = App::launch().await;
    app.profile_shown().await;
    app.client
        .find(fantoccini::Locator::Id("open-settings"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let ticked = app.field("Get a new token and retry once on 401").await;
    ticked.click().await.unwrap();
    app.click("Save settings").await;
    app.text_when("settings-status", "saved", |t| t == "Saved.").await;
    app.client.execute("document.getElementById('settings-dialog').close();", vec![]).await.unwrap();

    app.click_tab("Authorization").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "the token", |t| t == "Bearer").await;
    app.click("Use Token").await;
    // Revoked at the server: the API answers 401 to it.
    app.click_tab("Authorization").await;
    app.click("Revoke").await;
    app.text_when("token-revoked", "the revoked mark", |t| t.starts_with("Revoked")).await;

    assert_eq!(app.send_and_wait().await, "200 OK", "a new token, and the retry succeeded");
    let hops = app
        .client
        .execute("return document.getElementById('response-hops').textContent;", vec![])
        .await
        .unwrap();
    let hops = hops.as_str().unwrap_or_default();
    // The runtime host's redirect, the design host's 401, the new token,
    // then the same redirect and the 200.
    let at = |text: &str| hops.find(text).unwrap_or_else(|| panic!("{text:?} is not in the timeline: {hops}"));
    assert!(at("401GET") < at("New token"), "the 401 comes first: {hops}");
    assert!(hops.contains("(Client Credentials): a new token"), "{hops}");
    assert!(at("New token") < at("200GET"), "then the retry: {hops}");
    // The token details follow the new token, which is not revoked.
    app.click_tab("Authorization").await;
    let revoked_hidden = app.client.execute("return document.getElementById('token-revoked').hidden;", vec![]).await.unwrap();
    assert_eq!(revoked_hidden.as_bool(), Some(true));
    app.close().await;
}

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
    app.click("Close").await;
    app.close().await;
}

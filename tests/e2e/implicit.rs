//! The Implicit grant through the window, against the built-in sandbox, in
//! one launched app: the "not recommended" note tied to Grant Type, the
//! in-app login window's sign-in to a token that Use Token + Send takes to
//! a 200, the system browser refused with what to do instead, and paste
//! mode: a pasted URL with a forged state refused with every field kept,
//! then the real one's fragment turned into a token. The sign-in button of
//! the login window is pressed from a script (`grants::submit_css`, see
//! tests/README.md): a WebDriver click there can hang the test. Both tokens
//! go to the list of the secret scan that runs after the suite.

use crate::app::App;
use crate::profiles::record_secret;
use crate::grants::{
    launch, login_window, sandbox_urls, shown_access_token, shown_sign_in_url, signed_in_elsewhere, submit_css, type_css,
    wait_for_one_window, POSTMAN_CALLBACK, SANDBOX_PASSWORD, SANDBOX_USER, WAIT,
};
use fantoccini::Locator;

#[tokio::test]
async fn implicit_signs_in_through_the_login_window_and_by_paste_and_never_through_the_system_browser() {
    let (app, _) = launch("implicit", &[]).await;
    implicit_is_offered_with_a_not_recommended_note_tied_to_grant_type(&app).await;
    let first = the_login_window_sign_in_gets_a_token_without_refresh_that_sends_with_200(&app).await;
    the_system_browser_is_refused_with_what_to_do_instead(&app).await;
    a_pasted_url_with_a_wrong_state_is_refused_and_every_field_kept_then_its_fragment_gets_a_token(&app, &first).await;
    app.close().await;
}

async fn implicit_is_offered_with_a_not_recommended_note_tied_to_grant_type(app: &App) {
    let (_, auth_url) = sandbox_urls(app).await;
    app.duplicate_sandbox_to_edit().await;
    app.choose("Grant Type", "Implicit").await;
    let note = app.client.find(Locator::Id("implicit-not-recommended")).await.unwrap();
    assert!(note.is_displayed().await.unwrap(), "the note shows while Implicit is chosen");
    let text = note.text().await.unwrap();
    assert!(text.contains("not recommended (OAuth 2.0 Security BCP)"), "{text}");
    let described = app.field("Grant Type").await.attr("aria-describedby").await.unwrap().unwrap_or_default();
    assert!(described.split(' ').any(|id| id == "implicit-not-recommended"), "a screen reader reads the note with the choice: {described}");
    for hidden in ["Code Challenge Method", "Request refresh token (offline_access)"] {
        let field = app.client.find(Locator::XPath(&format!("//label[normalize-space()='{hidden}']"))).await.unwrap();
        assert!(!field.is_displayed().await.unwrap(), "{hidden} has no meaning for Implicit");
    }
    app.fill("Auth URL", &auth_url).await;
    app.fill("Callback URL", POSTMAN_CALLBACK).await;
    app.choose("Get code with", "In-app login window").await;
    app.text_when("save-status", "Saved", |t| t == "Saved").await;
}

/// Returns the token's value, to tell it from the next one.
async fn the_login_window_sign_in_gets_a_token_without_refresh_that_sends_with_200(app: &App) -> String {
    let main = app.client.window().await.unwrap();
    app.click("Get New Access Token").await;
    app.text_when("progress", "the wait for the sign-in", |t| t.contains("login window")).await;
    let login = login_window(app, &main).await;
    app.client.switch_to_window(login).await.unwrap();
    let address = app.client.current_url().await.unwrap();
    let query: Vec<(String, String)> = address.query_pairs().into_owned().collect();
    assert!(query.contains(&("response_type".into(), "token".into())), "{query:?}");
    assert!(query.iter().any(|(k, _)| k == "nonce") && query.iter().any(|(k, _)| k == "state"), "{query:?}");
    assert!(!query.iter().any(|(k, _)| k.starts_with("code_challenge")), "no PKCE for Implicit: {query:?}");
    type_css(app, "#username", SANDBOX_USER).await;
    type_css(app, "#password", SANDBOX_PASSWORD).await;
    submit_css(app, "#sign-in").await;

    app.client.switch_to_window(main).await.unwrap();
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.text_when("has-refresh", "no refresh token", |t| t == "No").await;
    assert!(!app.is_enabled("Refresh").await, "Refresh is not offered for an Implicit token");
    wait_for_one_window(app).await;
    let token = shown_access_token(app).await;
    record_secret(&token);

    app.click("Use Token").await;
    assert_eq!(app.send_and_wait().await, "200 OK", "the Implicit token calls the sandbox's API");
    app.click_tab("Authorization").await;
    app.click("Manage Tokens").await;
    app.text_when("tokens-rows", "the token's row", |t| t.contains("Bearer")).await;
    let names = app
        .client
        .execute("return [...document.querySelectorAll('#tokens-rows input.token-name')].map((i) => i.value);", vec![])
        .await
        .unwrap();
    let names: Vec<String> = serde_json::from_value(names).unwrap();
    assert!(names.iter().any(|n| n.starts_with("Implicit")), "the token is named after its grant: {names:?}");
    app.click("Close").await;
    token
}

async fn the_system_browser_is_refused_with_what_to_do_instead(app: &App) {
    app.choose("Get code with", "System browser").await;
    let help = app.text_when("login-mode-help", "the mode's help", |t| !t.is_empty()).await;
    assert!(help.contains("Implicit cannot use the system browser"), "{help}");
    app.click("Get New Access Token").await;
    let code = app.text_when("error-code", "a code", |t| !t.is_empty()).await;
    assert_eq!(code, "implicit_needs_window_or_paste");
    let message = app.text_when("error-message", "a message", |t| !t.is_empty()).await;
    assert!(message.contains("fragment"), "{message}");
    let hint = app.text_when("error-hint", "a hint", |t| !t.is_empty()).await;
    assert!(hint.contains("In-app login window") && hint.contains("Paste the redirected URL"), "{hint}");
    assert!(app.is_enabled("Get New Access Token").await);
}

async fn a_pasted_url_with_a_wrong_state_is_refused_and_every_field_kept_then_its_fragment_gets_a_token(app: &App, first: &str) {
    app.choose("Get code with", "Paste the redirected URL").await;
    let auth_url = app.value_of("Auth URL").await;
    app.click("Get New Access Token").await;
    let authorize_url = shown_sign_in_url(app, "").await;
    assert!(authorize_url.contains("response_type=token"), "{authorize_url}");
    let redirected = signed_in_elsewhere(&authorize_url);
    assert!(redirected.starts_with(&format!("{POSTMAN_CALLBACK}#")) && redirected.contains("access_token="), "the token is in the fragment");

    let (before, after) = redirected.split_once("state=").expect("the redirect carries the state");
    let rest = after.find('&').map(|i| &after[i..]).unwrap_or("");
    let forged = format!("{before}state=forged-by-someone-else{rest}");
    app.fill("Redirected URL", &forged).await;
    app.click("Use this URL").await;
    assert_eq!(app.text_when("error-code", "a code", |t| t == "state_mismatch").await, "state_mismatch");
    let message = app.text_when("error-message", "a message", |t| !t.is_empty()).await;
    assert!(message.contains("cross-site request forgery"), "{message}");
    assert!(!message.contains("access_token"), "no token in the message: {message}");
    assert_eq!(app.value_of("Redirected URL").await, forged, "the pasted URL stays to be corrected");
    assert_eq!(app.value_of("Auth URL").await, auth_url);
    assert_eq!(app.value_of("Callback URL").await, POSTMAN_CALLBACK);
    let grant = app.field("Grant Type").await.prop("value").await.unwrap();
    assert_eq!(grant.as_deref(), Some("implicit"), "the grant type is kept");

    app.fill("Redirected URL", &redirected).await;
    app.click("Use this URL").await;
    let started = std::time::Instant::now();
    let box_hidden = "return document.getElementById('paste-sign-in').hidden;";
    while app.client.execute(box_hidden, vec![]).await.unwrap().as_bool() != Some(true) {
        assert!(started.elapsed() < WAIT, "the pasted fragment was never taken: {}", app.what_the_window_says().await);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let second = shown_access_token(app).await;
    record_secret(&second);
    assert_ne!(second, first, "the pasted fragment's token is shown");
    app.text_when("has-refresh", "no refresh token", |t| t == "No").await;
    let error = app.client.find(Locator::Id("error")).await.unwrap();
    assert!(!error.is_displayed().await.unwrap(), "the error is gone with the token");
}

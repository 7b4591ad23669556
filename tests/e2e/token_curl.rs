//! Copy as cURL for the two token requests that need a sign-in or a token
//! first: the authorization code's exchange (beside Get New Access Token)
//! and the refresh request (beside Refresh), against the sandbox. Each
//! copied command is also run with bash and curl, as a user would paste it:
//! with secrets, it gets a token from the sandbox.

use crate::app::App;
use crate::clipboard::{clear_clipboard, clipboard, clipboard_when};
use crate::grants::{
    launch, sandbox_authorization_code, shown_sign_in_url, signed_in_elsewhere, tick, POSTMAN_CALLBACK, SANDBOX_PASSWORD,
    SANDBOX_USER, WAIT,
};
use crate::profiles::record_secret;
use fantoccini::Locator;
use std::time::Duration;

const CODE_PLACEHOLDER: &str = "'code=<authorization code from the redirect>'";
const VERIFIER_PLACEHOLDER: &str = "'code_verifier=<the PKCE verifier of that sign-in>'";
const MASKED_BASIC: &str = "-H 'Authorization: Basic <base64 of client_id:client_secret>'";

async fn click_id(app: &App, id: &str) {
    app.reveal_id(id).await;
    let element = app.client.wait().at_most(WAIT).for_element(Locator::Id(id)).await;
    element.unwrap_or_else(|e| panic!("no #{id}: {e}")).click().await.unwrap();
}

/// Ticks (or unticks) the checkbox with `id`.
async fn set_checked(app: &App, id: &str, checked: bool) {
    let checkbox = app.client.find(Locator::Id(id)).await.unwrap();
    if (checkbox.prop("checked").await.unwrap().as_deref() == Some("true")) != checked {
        checkbox.click().await.unwrap();
    }
}

/// The value of `name=` in the copied command (one shell word, unquoted).
fn field<'c>(command: &'c str, name: &str) -> &'c str {
    let prefix = format!("{name}=");
    command
        .split_whitespace()
        .find_map(|word| word.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no {name} in the command"))
}

/// `value` with its %XX escapes decoded (a query parameter's value).
fn percent_decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&value[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The `code` of a redirected URL.
fn code_of(redirected: &str) -> String {
    let query = redirected.split_once('?').map_or("", |(_, q)| q);
    let query = query.split('#').next().unwrap_or_default();
    let code = query.split('&').find_map(|pair| pair.strip_prefix("code=")).expect("the redirect carries a code");
    percent_decoded(code)
}

/// Runs a copied command with bash, as pasted into a terminal: curl's
/// output (`-i`: the status line, headers and body).
fn run_pasted(command: &str) -> String {
    let output = std::process::Command::new("bash")
        .args(["-c", command])
        // Only the settings in the command: no proxy from the test's environment.
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .expect("bash runs curl");
    assert!(output.status.success(), "curl failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The `access_token` of a token response that curl printed.
fn access_token_in(answer: &str) -> String {
    assert!(answer.starts_with("HTTP/1.1 200"), "the sandbox issued a token: {}", answer.lines().next().unwrap_or_default());
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    let json: serde_json::Value = serde_json::from_str(body).expect("a JSON token response");
    json["access_token"].as_str().expect("an access_token").to_owned()
}

#[tokio::test]
async fn copy_as_curl_on_authorization_code_gives_the_code_exchange_and_a_paste_sign_ins_verifier_that_works() {
    let (app, _) = launch("curl-code", &[]).await;
    sandbox_authorization_code(&app, POSTMAN_CALLBACK, "Paste the redirected URL").await;
    let token_url = app.value_of("Access Token URL").await;
    let button = app.client.find(Locator::Id("copy-token-curl")).await.unwrap();
    assert!(button.is_displayed().await.unwrap(), "Copy as cURL is offered for Authorization Code");

    // Before any sign-in: the exchange, with the code and verifier to fill in.
    set_checked(&app, "token-curl-include-secrets", false).await;
    clear_clipboard();
    click_id(&app, "copy-token-curl").await;
    let command = clipboard_when("the code exchange", WAIT, |c| c.starts_with("curl ")).await;
    assert!(command.contains("--data-urlencode grant_type=authorization_code"), "{command}");
    assert!(command.contains(CODE_PLACEHOLDER) && command.contains(VERIFIER_PLACEHOLDER), "{command}");
    assert!(command.contains(&format!("--data-urlencode redirect_uri={POSTMAN_CALLBACK}")), "{command}");
    assert!(command.contains(MASKED_BASIC), "{command}");
    assert!(command.trim_end().ends_with(&token_url), "sent to the Access Token URL: {command}");
    assert!(!command.contains("sandbox-secret"), "no secret unless asked: {command}");

    // A paste sign-in is waiting and the browser came back with a code.
    app.click("Get New Access Token").await;
    let authorize_url = shown_sign_in_url(&app, "").await;
    let redirected = signed_in_elsewhere(&authorize_url);
    let code = code_of(&redirected);

    // Without secrets, the sign-in's verifier stays a placeholder.
    clear_clipboard();
    click_id(&app, "copy-token-curl").await;
    let masked = clipboard_when("the masked code exchange", WAIT, |c| c.starts_with("curl ")).await;
    assert!(masked.contains(VERIFIER_PLACEHOLDER), "{masked}");

    // With secrets: the verifier of this sign-in and the client's
    // credentials; only the code is the user's to fill in.
    set_checked(&app, "token-curl-include-secrets", true).await;
    clear_clipboard();
    click_id(&app, "copy-token-curl").await;
    let command = clipboard_when("the code exchange with secrets", WAIT, |c| c.starts_with("curl ")).await;
    let verifier = field(&command, "code_verifier").to_owned();
    record_secret(&verifier);
    assert!(verifier.len() >= 43, "a PKCE verifier: {} characters", verifier.len());
    // (No message shows this command: it holds secrets.)
    assert!(command.contains(CODE_PLACEHOLDER), "the app holds no code before it exchanges one");
    assert!(!command.contains(MASKED_BASIC), "the client's credentials are in");

    // Pasted with the code filled in, the command gets a token.
    let answer = run_pasted(&command.replace(CODE_PLACEHOLDER, &format!("'code={code}'")));
    let token = access_token_in(&answer);
    record_secret(&token);
    app.close().await;
}

#[tokio::test]
async fn copy_as_curl_beside_refresh_gives_the_refresh_request_masked_unless_asked_and_it_works() {
    let (app, _) = launch("curl-refresh", &[]).await;
    app.save_setting("Clear copied token after (seconds)", "2").await;
    app.duplicate_sandbox_to_edit().await;
    let token_url = app.value_of("Access Token URL").await;
    app.choose("Grant Type", "Password Credentials").await;
    app.fill("Username", SANDBOX_USER).await;
    app.fill("Password", SANDBOX_PASSWORD).await;
    tick(&app, "Request refresh token (offline_access)").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    let button = app.client.find(Locator::Id("copy-refresh-curl")).await.unwrap();
    assert!(button.is_displayed().await.unwrap(), "Copy as cURL beside Refresh, for a token with a refresh token");

    // Without secrets: the request as Refresh sends it, the token masked,
    // and a plain copy that stays on the clipboard.
    clear_clipboard();
    click_id(&app, "copy-refresh-curl").await;
    let command = clipboard_when("the refresh request", WAIT, |c| c.starts_with("curl ")).await;
    assert!(command.contains("--data-urlencode grant_type=refresh_token"), "{command}");
    assert!(command.contains("--data-urlencode 'refresh_token=<refresh token>'"), "{command}");
    assert!(command.contains(MASKED_BASIC), "{command}");
    assert!(!command.contains("scope="), "a refresh asks for no scope: {command}");
    assert!(command.trim_end().ends_with(&token_url), "{command}");
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(clipboard(), command, "a copy without a secret is not cleared");

    // With secrets: the held refresh token, which works when pasted, and
    // the copy leaves the clipboard after the setting.
    set_checked(&app, "refresh-curl-include-secrets", true).await;
    clear_clipboard();
    click_id(&app, "copy-refresh-curl").await;
    let command = clipboard_when("the refresh request with secrets", WAIT, |c| c.starts_with("curl ")).await;
    let refresh_token = field(&command, "refresh_token").to_owned();
    record_secret(&refresh_token);
    assert!(!refresh_token.starts_with('<') && !command.contains(MASKED_BASIC), "secrets are in (the command is not shown: it holds them)");
    clipboard_when("nothing, after the clear", Duration::from_secs(10), |t| t.is_empty()).await;
    let token = access_token_in(&run_pasted(&command));
    record_secret(&token);
    app.close().await;
}

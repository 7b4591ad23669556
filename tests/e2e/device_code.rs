//! Device Code (RFC 8628) through the window, against the built-in sandbox:
//! the User Code and Verification URL shown, the user's part played by the
//! test over plain HTTP (the sandbox's `/device` page is a form without
//! scripts), and the token, a Cancel and a denial as the window shows them;
//! then a server of the test's own for `slow_down` and `expired_token`.
//! One app for the file: the flows run one after another on the Sandbox
//! profile, whose Device Authorization URL the sandbox fills in (an Oracle
//! profile derives it from the identity domain, the last step). Its system
//! browser is `stand_in_device_browser.sh`, which approves the code of the
//! Verification URL it is opened with.

use crate::app::{fresh_config_home, App};
use crate::clipboard::clipboard;
use crate::robustness::{response, serve, Server};
use fantoccini::Locator;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WAIT: Duration = Duration::from_secs(20);
/// The sandbox's seeded user (printed on its sign-in page; valid only on
/// this computer).
const SANDBOX_USER: &str = "sandbox.invoker";
const SANDBOX_PASSWORD: &str = "sandbox-password";
const STAND_IN_BROWSER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e/stand_in_device_browser.sh");

fn form_encode(fields: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// What the user does in a browser at the Verification URL: types the
/// code, signs in, and presses Allow (`approve`) or Deny (`deny`). Returns
/// the page the sandbox answers with.
async fn user_decides_at(verification_url: &str, user_code: &str, action: &str) -> String {
    let rest = verification_url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("the sandbox's Verification URL is plain http on this computer: {verification_url}"));
    let (authority, path) = rest.split_once('/').map(|(a, p)| (a, format!("/{p}"))).unwrap_or((rest, "/".into()));
    assert!(authority.starts_with("127.0.0.1:"), "the sandbox listens on 127.0.0.1: {verification_url}");
    let body = form_encode(&[
        ("user_code", user_code),
        ("username", SANDBOX_USER),
        ("password", SANDBOX_PASSWORD),
        ("action", action),
    ]);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut socket = tokio::net::TcpStream::connect(authority).await.expect("the sandbox's device page answers");
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, socket.read_to_end(&mut answer)).await.expect("the device page answers in time").unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// The value of the read-only field labelled `label`, once it is not empty.
async fn shown_value(app: &App, label: &str) -> String {
    let started = Instant::now();
    loop {
        let value = app.value_of(label).await;
        if !value.is_empty() {
            return value;
        }
        if started.elapsed() >= WAIT {
            panic!("{label} was never shown\n{}", app.what_the_window_says().await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Get New Access Token on Device Code, until the User Code is shown;
/// returns it with the Verification URL.
async fn start_device_sign_in(app: &App) -> (String, String) {
    // The last flow's code is gone from the field once a new one starts.
    app.client.execute("document.getElementById('device-user-code').value = '';", vec![]).await.unwrap();
    app.click("Get New Access Token").await;
    let user_code = shown_value(app, "User Code").await;
    let verification_url = shown_value(app, "Verification URL").await;
    app.text_when("device-status", "the waiting status", |t| t.starts_with("Waiting for you to sign in…")).await;
    (user_code, verification_url)
}

/// The form's entries, to compare before and after a flow that ends badly.
async fn entries(app: &App) -> Vec<String> {
    let mut values = Vec::new();
    for label in ["Grant Type", "Device Authorization URL", "Client ID", "Scope"] {
        values.push(app.value_of(label).await);
    }
    values
}

async fn the_user_code_entered_at_the_verification_url_brings_a_token_to_use(app: &App) {
    let (user_code, verification_url) = start_device_sign_in(app).await;
    assert_eq!(user_code.len(), 9, "the User Code is shown whole (XXXX-XXXX): {user_code}");
    assert!(verification_url.ends_with("/device"), "the sandbox's page: {verification_url}");
    let complete = app.value_of("Verification URL with the code").await;
    assert!(complete.contains(&user_code), "verification_uri_complete is shown too: {complete}");
    app.text_when("device-expiry", "the countdown", |t| t.starts_with("The code expires in 9 min") || t.starts_with("The code expires in 10 min"))
        .await;
    let page = user_decides_at(&verification_url, &user_code.to_lowercase(), "approve").await;
    assert!(page.contains("Device connected"), "the sandbox took the code: {page}");
    app.text_when("token-type", "the token", |t| t == "Bearer").await;
    app.text_when("has-refresh", "a refresh token (offline_access)", |t| t == "Yes").await;
    let panel_hidden = app.client.execute("return document.getElementById('device-sign-in').hidden;", vec![]).await.unwrap();
    assert_eq!(panel_hidden.as_bool(), Some(true), "the User Code panel goes once the token is there");
    // Like any other grant's token: attached with Use Token, listed in Manage Tokens.
    app.click("Use Token").await;
    assert_eq!(app.send_and_wait().await, "200 OK", "the device code's token calls the sandbox's API");
    app.click_tab("Authorization").await;
    app.click("Manage Tokens").await;
    app.text_when("tokens-rows", "the token's row", |t| t.contains("Bearer")).await;
    let names = app
        .client
        .execute("return [...document.querySelectorAll('#tokens-rows input.token-name')].map((i) => i.value);", vec![])
        .await
        .unwrap();
    let names: Vec<String> = serde_json::from_value(names).unwrap();
    assert!(names.iter().any(|n| n.starts_with("Device Code")), "the token is named after its grant: {names:?}");
    app.click("Close").await;
}

async fn click_id(app: &App, id: &str) {
    app.client.find(Locator::Id(id)).await.unwrap_or_else(|e| panic!("no #{id}: {e}")).click().await.unwrap();
}

/// What the clipboard holds once `ready` accepts it.
async fn clipboard_when(what: &str, ready: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let now = clipboard();
        if ready(&now) {
            return now;
        }
        assert!(started.elapsed() < WAIT, "the clipboard never held {what}: {now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn copy_as_curl_gives_the_device_authorization_request_without_secrets(app: &App) {
    let device_url = app.value_of("Device Authorization URL").await;
    click_id(app, "copy-token-curl").await;
    let command = clipboard_when("the curl command", |c| c.starts_with("curl ")).await;
    assert!(command.contains("response_type=device_code"), "{command}");
    assert!(command.contains("Content-Type: application/x-www-form-urlencoded'"), "{command}");
    assert!(command.contains("<base64 of client_id:client_secret>"), "the secret is a placeholder: {command}");
    assert!(command.trim_end().ends_with(&device_url), "sent to the Device Authorization URL: {command}");
}

async fn open_in_browser_takes_the_user_to_the_code_and_the_token_follows(app: &App) {
    let issued = app.text_when("issued-at", "the token from before", |t| !t.is_empty()).await;
    let (user_code, _) = start_device_sign_in(app).await;
    click_id(app, "copy-device-user-code").await;
    clipboard_when("the User Code", |c| c == user_code).await;
    // The stand-in browser approves the code in the URL it is opened with.
    click_id(app, "open-device-verification-url-complete").await;
    app.text_when("issued-at", "a new token", |t| !t.is_empty() && t != issued).await;
    app.text_when("token-type", "the token", |t| t == "Bearer").await;
}

async fn cancel_stops_polling_says_so_and_keeps_every_field(app: &App) {
    let issued = app.text_when("issued-at", "the token from before", |t| !t.is_empty()).await;
    let before = entries(app).await;
    let (user_code, verification_url) = start_device_sign_in(app).await;
    app.click("Cancel").await;
    app.text_when("error-code", "cancelled", |t| t == "cancelled").await;
    let message = app.text_when("error-message", "the cancel", |t| !t.is_empty()).await;
    assert!(message.contains("stopped waiting"), "{message}");
    let hint = app.text_when("error-hint", "what to do", |t| !t.is_empty()).await;
    assert!(hint.contains("new User Code"), "{hint}");
    app.text_when("device-status", "the cancelled status", |t| t.starts_with("Cancelled")).await;
    assert_eq!(entries(app).await, before, "every field is kept");
    assert!(app.is_enabled("Get New Access Token").await, "a new flow can start");
    // The code approved after the Cancel: no one polls for it any more.
    let page = user_decides_at(&verification_url, &user_code, "approve").await;
    assert!(page.contains("Device connected"), "{page}");
    tokio::time::sleep(Duration::from_secs(7)).await;
    let issued_now = app.text_when("issued-at", "the token", |t| !t.is_empty()).await;
    assert_eq!(issued_now, issued, "no token arrives for a cancelled flow");
}

async fn a_denied_code_says_access_denied_with_a_hint_and_keeps_every_field(app: &App) {
    let before = entries(app).await;
    let (user_code, verification_url) = start_device_sign_in(app).await;
    let page = user_decides_at(&verification_url, &user_code, "deny").await;
    assert!(page.contains("Access denied"), "{page}");
    app.text_when("error-code", "access_denied", |t| t == "access_denied").await;
    let hint = app.text_when("error-hint", "what to do", |t| !t.is_empty()).await;
    assert!(hint.contains("Verification URL"), "the hint speaks of the Verification URL: {hint}");
    app.text_when("device-status", "the stopped status", |t| t.starts_with("Stopped")).await;
    assert_eq!(entries(app).await, before, "every field is kept");
}

/// Chooses `grant` in a new profile when the last grant chosen was the
/// same. WebKit fires `change` on a menu list only when the choice differs
/// from the one it saw when the list got focus; a user's click focuses the
/// list first, WebKitWebDriver's option click does not, so the grant a new
/// profile's load set (Client Credentials) is not seen and no `change`
/// follows. The focus is given first, as the user's click gives it.
async fn choose_grant_again(app: &App, grant: &str) {
    let focus = "const s = document.getElementById('grant-type'); s.blur(); s.focus();";
    app.client.execute(focus, vec![]).await.unwrap();
    app.choose("Grant Type", grant).await;
}

/// A device endpoint and a token endpoint of the test's own: a user code
/// valid for 10 minutes with a 1 s interval, then `slow_down` at the first
/// poll and `expired_token` at the second.
async fn slow_then_expiring_server() -> Server {
    let polls = Arc::new(AtomicUsize::new(0));
    serve(move |head| {
        let json = [("Content-Type", "application/json")];
        if head.starts_with("POST /device ") {
            let body = r#"{"device_code":"test-dc-not-real","user_code":"WDJB-MJHT","verification_uri":"https://device.example/activate","expires_in":600,"interval":1}"#;
            return response("200 OK", &json, body.as_bytes());
        }
        let error = match polls.fetch_add(1, Ordering::SeqCst) {
            0 => "slow_down",
            _ => "expired_token",
        };
        response("400 Bad Request", &json, format!(r#"{{"error":"{error}"}}"#).as_bytes())
    })
    .await
}

async fn slow_down_is_shown_and_an_expired_code_ends_with_what_to_do(app: &App) {
    let server = slow_then_expiring_server().await;
    app.new_profile("Device server").await;
    choose_grant_again(app, "Device Code").await;
    app.fill("Access Token URL", &format!("{}/token", server.base)).await;
    app.fill("Device Authorization URL", &format!("{}/device", server.base)).await;
    app.fill("Client ID", "device-test-client").await;
    app.fill("Scope", "test-scope").await;
    let before = entries(app).await;
    let (user_code, verification_url) = start_device_sign_in(app).await;
    assert_eq!((user_code.as_str(), verification_url.as_str()), ("WDJB-MJHT", "https://device.example/activate"));
    app.text_when("device-status", "the slow-down status", |t| t == "Server asked to slow down: polling every 6 s").await;
    app.text_when("error-code", "expired_token", |t| t == "expired_token").await;
    let hint = app.text_when("error-hint", "what to do", |t| !t.is_empty()).await;
    assert!(hint.contains("new User Code"), "{hint}");
    app.text_when("device-status", "the stopped status", |t| t.starts_with("Stopped")).await;
    assert_eq!(entries(app).await, before, "every field is kept");

    let seen = server.seen.lock().unwrap().clone();
    let bodies: Vec<String> = seen.iter().map(|s| String::from_utf8_lossy(&s.body).into_owned()).collect();
    assert_eq!(bodies.len(), 3, "the device request and two polls: {bodies:?}");
    assert!(bodies[0].contains("response_type=device_code") && bodies[0].contains("client_id=device-test-client"), "{}", bodies[0]);
    for poll in &bodies[1..] {
        assert!(poll.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"), "{poll}");
        assert!(poll.contains("device_code=test-dc-not-real"), "{poll}");
    }
    // The device code went to the token endpoint only, never to the window.
    let shown = app
        .client
        .execute(
            "return document.body.innerText + [...document.querySelectorAll('input, textarea')].map((i) => i.value).join(' ');",
            vec![],
        )
        .await
        .unwrap();
    assert!(!shown.as_str().unwrap_or_default().contains("test-dc-not-real"), "the device code is not in the window");
}

async fn an_oracle_profile_derives_the_device_authorization_url_from_the_identity_domain(app: &App) {
    app.new_profile("OIC device code").await;
    app.choose("Profile type", "Oracle Integration").await;
    app.fill("Identity domain URL", "idcs-abc123.identity.oraclecloud.com").await;
    choose_grant_again(app, "Device Code").await;
    let started = Instant::now();
    loop {
        let device_url = app.value_of("Device Authorization URL").await;
        if device_url == "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/device" {
            break;
        }
        assert!(started.elapsed() < WAIT, "the device endpoint was never derived; last value: {device_url:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.text_when("oracle-derived-deviceUrl", "the derived row", |t| t.contains("/oauth2/v1/device")).await;
}

#[tokio::test]
async fn the_device_code_flow_runs_in_the_window_to_a_token_and_ends_clearly_on_cancel_and_denial() {
    let config = fresh_config_home();
    let env = [("XDG_CONFIG_HOME", config.as_str()), ("OAUTH_CONSOLE_BROWSER", STAND_IN_BROWSER)];
    let app = App::launch_with_env(env!("CARGO_BIN_EXE_oauth-console"), &env).await;
    app.profile_shown().await;
    app.choose("Grant Type", "Device Code").await;
    let device_url = app.value_of("Device Authorization URL").await;
    assert!(
        device_url.starts_with("http://127.0.0.1:") && device_url.ends_with("/oauth2/v1/device"),
        "the sandbox fills in its device endpoint: {device_url}"
    );
    let refresh = app.field("Request refresh token (offline_access)").await;
    if refresh.prop("checked").await.unwrap().as_deref() != Some("true") {
        refresh.click().await.unwrap();
    }
    copy_as_curl_gives_the_device_authorization_request_without_secrets(&app).await;
    the_user_code_entered_at_the_verification_url_brings_a_token_to_use(&app).await;
    open_in_browser_takes_the_user_to_the_code_and_the_token_follows(&app).await;
    cancel_stops_polling_says_so_and_keeps_every_field(&app).await;
    a_denied_code_says_access_denied_with_a_hint_and_keeps_every_field(&app).await;
    slow_down_is_shown_and_an_expired_code_ends_with_what_to_do(&app).await;
    an_oracle_profile_derives_the_device_authorization_url_from_the_identity_domain(&app).await;
    app.close().await;
}

//! Every grant type through the window (issue 4): password credentials, the
//! authorization code in its three modes (the in-app login window driven
//! through WebDriver, the system browser played by `stand_in_browser.sh`,
//! a pasted redirected URL), Refresh, and auto-refresh before Send, against
//! the built-in sandbox and the third-party server (django-oauth-toolkit).
//!
//! Each test runs the app with a home of its own, so it starts on the
//! Sandbox profile of a first launch and leaves nothing for other tests.

use crate::app::{idp, App};
use fantoccini::wd::WindowHandle;
use fantoccini::Locator;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub(crate) const WAIT: Duration = Duration::from_secs(20);
/// The sandbox's seeded user with the ServiceInvoker role (printed on its
/// sign-in page; valid only on this computer).
pub(crate) const SANDBOX_USER: &str = "sandbox.invoker";
pub(crate) const SANDBOX_PASSWORD: &str = "sandbox-password";
pub(crate) const POSTMAN_CALLBACK: &str = "https://oauth.pstmn.io/v1/callback";
const STAND_IN_BROWSER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e/stand_in_browser.sh");

/// The app with `HOME` and the XDG folders in a folder of its own under the
/// run's `HOME` (so a scan of the run's files still covers it), plus `extra`.
pub(crate) async fn launch(test: &str, extra: &[(&str, &str)]) -> (App, PathBuf) {
    let home = PathBuf::from(std::env::var("HOME").expect("HOME is set")).join("grants-e2e").join(test);
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let folders = [
        ("HOME", home.clone()),
        ("XDG_CONFIG_HOME", home.join(".config")),
        ("XDG_DATA_HOME", home.join(".local/share")),
        ("XDG_CACHE_HOME", home.join(".cache")),
    ];
    let folders: Vec<(&str, String)> = folders.iter().map(|(k, v)| (*k, v.display().to_string())).collect();
    let mut env: Vec<(&str, &str)> = folders.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend_from_slice(extra);
    (App::launch_with_env(env!("CARGO_BIN_EXE_oauth-console"), &env).await, home)
}

/// Ticks the checkbox labelled `label` (once: a ticked one stays ticked).
pub(crate) async fn tick(app: &App, label: &str) {
    let checkbox = app.field(label).await;
    if checkbox.prop("checked").await.unwrap().as_deref() != Some("true") {
        checkbox.click().await.unwrap();
    }
}

async fn click_css(app: &App, css: &str) {
    let element = app.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await;
    element.unwrap_or_else(|e| panic!("nothing matches {css}: {e}")).click().await.unwrap();
}

/// Submits a sign-in form: the window may close under the click, so its
/// outcome is read in the main window, not from the click.
/// Presses the button `css` of the page in the login window, from a script
/// that returns at once. A WebDriver click waits for the navigation it
/// starts to finish; this one ends at the Callback URL, where the app stops
/// it and closes the window, and WebKitWebDriver then waits out its page-load
/// timeout (300 s) for a page that is gone: the test hung (seen in 2 of 8
/// runs under load, while the app had its token).
pub(crate) async fn submit_css(app: &App, css: &str) {
    let element = app.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await;
    element.unwrap_or_else(|e| panic!("nothing matches {css}: {e}"));
    let press = "const button = document.querySelector(arguments[0]); \
        setTimeout(() => button.click(), 0); return true;";
    app.client.execute(press, vec![serde_json::json!(css)]).await.unwrap_or_else(|e| panic!("could not press {css}: {e}"));
}

/// Types `text` into the field `css` of the page in the login window, and
/// checks that all of it arrived.
pub(crate) async fn type_css(app: &App, css: &str, text: &str) {
    let element = app.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await;
    let element = element.unwrap_or_else(|e| panic!("nothing matches {css}: {e}"));
    element.send_keys(text).await.unwrap();
    let typed = element.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(typed, text, "what was typed into {css} arrived");
}

/// Show, and the access token's value once it is on screen.
pub(crate) async fn shown_access_token(app: &App) -> String {
    app.text_when("access-token", "the masked token", |t| t.contains('•')).await;
    click_css(app, "button[aria-controls='access-token']").await;
    app.text_when("access-token", "the token", |t| !t.is_empty() && !t.contains('•')).await
}

/// The sandbox profile's Access Token URL, and its Auth URL beside it.
pub(crate) async fn sandbox_urls(app: &App) -> (String, String) {
    let token_url = app.value_of("Access Token URL").await;
    assert!(token_url.starts_with("http://127.0.0.1:"), "the Sandbox profile is selected: {token_url}");
    let auth_url = token_url.replace("/oauth2/v1/token", "/oauth2/v1/authorize");
    (token_url, auth_url)
}

/// The Sandbox profile switched to the authorization code, with `callback`,
/// a refresh token and an ID token asked for.
pub(crate) async fn sandbox_authorization_code(app: &App, callback: &str, mode: &str) {
    let (_, auth_url) = sandbox_urls(app).await;
    app.duplicate_sandbox_to_edit().await;
    let scope = app.value_of("Scope").await;
    app.choose("Grant Type", "Authorization Code").await;
    app.fill("Auth URL", &auth_url).await;
    app.fill("Callback URL", callback).await;
    app.fill("Scope", &format!("{scope} openid")).await;
    tick(app, "Request refresh token (offline_access)").await;
    app.choose("Get code with", mode).await;
    // The copy is saved as edited before the sign-in starts, as a user's
    // pause would allow.
    app.text_when("save-status", "Saved", |t| t == "Saved").await;
}

/// The login window, once the app has opened it beside `main`.
pub(crate) async fn login_window(app: &App, main: &WindowHandle) -> WindowHandle {
    let started = Instant::now();
    loop {
        let windows = app.client.windows().await.unwrap();
        if let Some(login) = windows.into_iter().find(|w| w != main) {
            return login;
        }
        assert!(started.elapsed() < WAIT, "the login window did not open");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn wait_for_one_window(app: &App) {
    let started = Instant::now();
    while app.client.windows().await.unwrap().len() > 1 {
        assert!(started.elapsed() < WAIT, "the login window stayed open");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Tries two commands from the current window: the app's own `cancel_request`
/// and the clipboard plugin's `read_text`; each answers ACCEPTED or REFUSED.
const IPC_PROBE: &str = r#"
const done = arguments[arguments.length - 1];
const internals = window.__TAURI_INTERNALS__;
if (!internals || typeof internals.invoke !== "function") { done("absent"); return; }
const attempt = (command, args) => Promise.race([
  internals.invoke(command, args).then(() => command + " ACCEPTED", () => command + " REFUSED"),
  new Promise((resolve) => setTimeout(() => resolve(command + " UNANSWERED"), 4000)),
]);
Promise.all([attempt("cancel_request", { requestId: 424242 }), attempt("plugin:clipboard-manager|read_text", {})])
  .then((outcomes) => done(outcomes.join(", ")));
"#;

/// Every file under `dir` that contains `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle)) {
            found.push(path);
        }
    }
    found
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

// ------------------------------------------------------------ password

#[tokio::test]
async fn the_password_grant_gets_a_sandbox_token_with_a_refresh_token() {
    let (app, _) = launch("password", &[]).await;
    sandbox_urls(&app).await;
    app.duplicate_sandbox_to_edit().await;
    app.choose("Grant Type", "Password Credentials").await;
    app.fill("Username", SANDBOX_USER).await;
    app.fill("Password", SANDBOX_PASSWORD).await;
    let password = app.field("Password").await;
    assert_eq!(password.attr("type").await.unwrap().as_deref(), Some("password"), "the password is masked");
    let remember = app.field("Remember password").await;
    assert_eq!(remember.prop("checked").await.unwrap().as_deref(), Some("false"), "Remember password is off by default");
    tick(&app, "Request refresh token (offline_access)").await;
    app.click("Get New Access Token").await;

    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    let scope = app.text_when("token-scope", "the scope", |t| !t.is_empty()).await;
    assert!(scope.contains("offline_access"), "offline_access was appended to the scope: {scope}");
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    assert!(app.is_enabled("Refresh").await, "Refresh is offered for a token with a refresh token");
    app.close().await;
}

#[tokio::test]
async fn a_wrong_password_says_the_user_needs_a_local_password_and_the_service_invoker_role() {
    let (app, _) = launch("wrong-password", &[]).await;
    sandbox_urls(&app).await;
    app.duplicate_sandbox_to_edit().await;
    app.choose("Grant Type", "Password Credentials").await;
    app.fill("Username", SANDBOX_USER).await;
    app.fill("Password", "not-the-password").await;
    app.click("Get New Access Token").await;

    let message = app.text_when("error-message", "an error", |t| !t.is_empty()).await;
    assert!(message.contains("invalid_grant"), "{message}");
    assert!(!message.contains("not-the-password"), "the password is never echoed: {message}");
    let hint = app.text_when("error-hint", "a hint", |t| !t.is_empty()).await;
    assert!(hint.contains("local password") && hint.contains("single sign-on"), "{hint}");
    assert!(hint.contains("ServiceInvoker"), "{hint}");
    assert_eq!(app.value_of("Username").await, SANDBOX_USER, "entries are kept");
    assert_eq!(app.value_of("Password").await, "not-the-password", "entries are kept");
    app.close().await;
}

// ------------------------------------------------------------ authorization code

#[tokio::test]
async fn the_in_app_login_window_signs_in_without_any_access_to_the_app() {
    let (app, _) = launch("login-window", &[]).await;
    sandbox_authorization_code(&app, POSTMAN_CALLBACK, "In-app login window").await;
    let main = app.client.window().await.unwrap();
    app.click("Get New Access Token").await;
    app.text_when("progress", "the wait for the sign-in", |t| t.contains("login window")).await;

    let login = login_window(&app, &main).await;
    app.client.switch_to_window(login).await.unwrap();
    app.client.wait().at_most(WAIT).for_element(Locator::Css("#username")).await.unwrap();
    let probe = app.client.execute_async(IPC_PROBE, vec![]).await.unwrap();
    let probe = probe.as_str().unwrap_or_default().to_owned();
    assert!(
        probe == "absent" || probe == "cancel_request REFUSED, plugin:clipboard-manager|read_text REFUSED",
        "the login window shows a remote page and must reach no command, the app's or a plugin's: {probe}"
    );
    type_css(&app, "#username", SANDBOX_USER).await;
    type_css(&app, "#password", SANDBOX_PASSWORD).await;
    submit_css(&app, "#sign-in").await;

    app.client.switch_to_window(main).await.unwrap();
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    let claims = app.text_when("id-token-claims", "the decoded ID token", |t| t.contains("\"nonce\"")).await;
    let nonce = app.text_when("nonce-used", "the generated nonce", |t| !t.is_empty()).await;
    let nonce = nonce.rsplit(' ').next().unwrap();
    assert!(claims.contains(nonce), "the ID token carries the nonce of this sign-in: {claims}");
    wait_for_one_window(&app).await;
    app.close().await;
}

#[tokio::test]
async fn closing_the_login_window_ends_the_wait_with_a_clear_message() {
    let (app, _) = launch("login-window-closed", &[]).await;
    sandbox_authorization_code(&app, POSTMAN_CALLBACK, "In-app login window").await;
    let main = app.client.window().await.unwrap();
    app.click("Get New Access Token").await;
    let login = login_window(&app, &main).await;
    app.client.switch_to_window(login).await.unwrap();
    app.client.wait().at_most(WAIT).for_element(Locator::Css("#username")).await.unwrap();
    app.client.close_window().await.unwrap();

    app.client.switch_to_window(main).await.unwrap();
    let message = app.text_when("error-message", "an error", |t| !t.is_empty()).await;
    assert!(message.contains("closed before the sign-in finished"), "{message}");
    assert_eq!(app.text_when("error-code", "a code", |t| !t.is_empty()).await, "login_window_closed");
    assert!(app.is_enabled("Get New Access Token").await, "the user can sign in again");
    wait_for_one_window(&app).await;
    app.close().await;
}

#[tokio::test]
async fn the_system_browser_sign_in_comes_back_through_the_loopback_listener() {
    let (app, _) = launch("system-browser", &[("OAUTH_CONSOLE_BROWSER", STAND_IN_BROWSER)]).await;
    sandbox_authorization_code(&app, "http://127.0.0.1:0/callback", "System browser").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    let state = app.text_when("state-used", "the generated state", |t| !t.is_empty()).await;
    assert!(state.len() > "Generated for the last sign-in: ".len() + 16, "a generated state is unguessable: {state}");
    app.close().await;
}

#[tokio::test]
async fn cancelling_a_system_browser_sign_in_stops_listening() {
    // A "browser" that opens nothing: the sign-in waits until Cancel.
    let (app, _) = launch("system-browser-cancel", &[("OAUTH_CONSOLE_BROWSER", "/bin/true")]).await;
    let port = free_port();
    sandbox_authorization_code(&app, &format!("http://127.0.0.1:{port}/callback"), "System browser").await;
    app.click("Get New Access Token").await;
    app.text_when("progress", "the wait for the browser", |t| t.contains("browser")).await;
    let started = Instant::now();
    while !listening(port) {
        assert!(started.elapsed() < WAIT, "the app never listened on the Callback URL's port {port}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    app.click("Cancel").await;
    let message = app.text_when("error-message", "an error", |t| !t.is_empty()).await;
    assert!(message.contains("cancelled"), "{message}");
    assert!(!listening(port), "nothing listens on port {port} after Cancel");
    app.close().await;
}

#[tokio::test]
async fn a_pasted_redirect_url_gets_a_token_and_a_forged_state_is_refused() {
    let (app, _) = launch("paste", &[]).await;
    sandbox_authorization_code(&app, POSTMAN_CALLBACK, "Paste the redirected URL").await;
    app.click("Get New Access Token").await;
    let authorize_url = shown_sign_in_url(&app, "").await;
    assert!(app.button("Open in browser").await.is_displayed().await.unwrap());
    assert!(app.button("Copy").await.is_displayed().await.unwrap());
    let redirected = signed_in_elsewhere(&authorize_url);
    assert!(redirected.starts_with(POSTMAN_CALLBACK) && redirected.contains("code="), "{redirected}");

    let (before, after) = redirected.split_once("state=").expect("the redirect carries the state");
    let rest = after.find('&').map(|i| &after[i..]).unwrap_or("");
    let forged = format!("{before}state=forged-by-someone-else{rest}");
    app.fill("Redirected URL", &forged).await;
    app.click("Use this URL").await;
    let message = app.text_when("error-message", "an error", |t| !t.is_empty()).await;
    assert!(message.contains("cross-site request forgery"), "{message}");
    assert_eq!(app.text_when("error-code", "a code", |t| !t.is_empty()).await, "state_mismatch");
    assert_eq!(app.value_of("Redirected URL").await, forged, "the pasted URL stays to be corrected");

    app.fill("Redirected URL", &redirected).await;
    app.click("Use this URL").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    app.close().await;
}

/// The Sign-in URL of paste mode, once shown (and other than `previous`).
pub(crate) async fn shown_sign_in_url(app: &App, previous: &str) -> String {
    let started = Instant::now();
    loop {
        let url = app.value_of("Sign-in URL").await;
        if !url.is_empty() && url != previous {
            return url;
        }
        assert!(started.elapsed() < WAIT, "the sign-in URL was never shown");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The user signs in in a browser and copies where it ended.
pub(crate) fn signed_in_elsewhere(authorize_url: &str) -> String {
    let output = std::process::Command::new(STAND_IN_BROWSER)
        .args(["--print-redirect", authorize_url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[tokio::test]
async fn a_refused_refresh_token_marks_the_token_expired_and_asks_for_a_new_one() {
    let (app, _) = launch("refresh-refused", &[]).await;
    sandbox_authorization_code(&app, POSTMAN_CALLBACK, "Paste the redirected URL").await;
    app.fill("State", "the-same-state-twice").await;
    app.click("Get New Access Token").await;
    let first_url = shown_sign_in_url(&app, "").await;
    let redirected = signed_in_elsewhere(&first_url);
    app.fill("Redirected URL", &redirected).await;
    app.click("Use this URL").await;
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;

    // A second sign-in answered with the first, used code: the sandbox takes
    // it as a replayed code and revokes the refresh token issued with it.
    app.click("Get New Access Token").await;
    shown_sign_in_url(&app, &first_url).await;
    app.fill("Redirected URL", &redirected).await;
    app.click("Use this URL").await;
    app.text_when("error-message", "the replayed code refused", |t| t.contains("invalid_grant")).await;

    app.click("Refresh").await;
    let message = app.text_when("error-message", "the refused refresh", |t| t.contains("refresh token")).await;
    assert_eq!(app.text_when("error-code", "a code", |t| !t.is_empty()).await, "refresh_rejected", "{message}");
    let hint = app.text_when("error-hint", "a hint", |t| !t.is_empty()).await;
    assert!(hint.starts_with("Get a new token"), "{hint}");
    app.text_when("expires-in", "the token expired", |t| t.starts_with("Expired at")).await;
    app.text_when("has-refresh", "no refresh token left", |t| t == "No").await;
    assert!(!app.is_enabled("Refresh").await, "nothing is left to refresh, so nothing loops");
    app.close().await;
}

// ------------------------------------------------------------ refresh

#[tokio::test]
async fn refresh_rotates_the_token_and_the_details_follow() {
    let (app, _) = launch("refresh", &[]).await;
    app.duplicate_sandbox_to_edit().await;
    app.choose("Grant Type", "Password Credentials").await;
    app.fill("Access Token URL", &idp("OC_IDP_TOKEN_URL")).await;
    app.fill("Client ID", &idp("OC_IDP_PW_CLIENT_ID")).await;
    app.fill("Client Secret", &idp("OC_IDP_PW_CLIENT_SECRET")).await;
    app.fill("Username", &idp("OC_IDP_USERNAME")).await;
    app.fill("Password", &idp("OC_IDP_PASSWORD")).await;
    app.fill("Scope", &idp("OC_IDP_SCOPE")).await;
    tick(&app, "Request refresh token (offline_access)").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    let first = shown_access_token(&app).await;

    app.click("Refresh").await;
    let second = shown_access_token(&app).await;
    assert_ne!(first, second, "Refresh shows the new access token");
    // The server rotates refresh tokens and refuses a used one: a second
    // Refresh works only if the rotated refresh token replaced the old one.
    app.click("Refresh").await;
    let third = shown_access_token(&app).await;
    assert_ne!(second, third, "the rotated refresh token was kept");
    let error = app.client.find(Locator::Id("error")).await.unwrap();
    assert!(!error.is_displayed().await.unwrap(), "no error along the way");
    app.close().await;
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_the_request_is_sent() {
    // The sandbox's tokens live 30 s here, so every one is within the minute
    // in which auto-refresh acts.
    let (app, _) = launch("auto-refresh", &[("OAUTH_CONSOLE_SANDBOX_TOKEN_TTL", "30")]).await;
    sandbox_urls(&app).await;
    app.duplicate_sandbox_to_edit().await;
    app.choose("Grant Type", "Password Credentials").await;
    app.fill("Username", SANDBOX_USER).await;
    app.fill("Password", SANDBOX_PASSWORD).await;
    tick(&app, "Request refresh token (offline_access)").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.text_when("expires-in", "a short lifetime", |t| t.ends_with(')') && !t.contains("min")).await;
    let before = shown_access_token(&app).await;

    app.click("Use Token").await;
    app.click("Send").await;
    let status = app.text_when("response-status", "a status", |t| !t.is_empty()).await;
    assert_eq!(status, "200 OK", "the request went out with a fresh token");
    let after = shown_access_token(&app).await;
    assert_ne!(before, after, "the token was refreshed before the request, and Token Details show the new one");
    app.close().await;
}

// ------------------------------------------------------------ the third-party server

#[tokio::test]
async fn the_third_party_server_signs_in_through_the_login_window_and_clear_login_session_forgets_it() {
    let (app, home) = launch("third-party-window", &[]).await;
    app.duplicate_sandbox_to_edit().await;
    app.choose("Grant Type", "Authorization Code").await;
    app.fill("Access Token URL", &idp("OC_IDP_TOKEN_URL")).await;
    app.fill("Auth URL", &idp("OC_IDP_AUTH_URL")).await;
    app.fill("Callback URL", &idp("OC_IDP_REDIRECT_URI")).await;
    app.fill("Client ID", &idp("OC_IDP_AC_CLIENT_ID")).await;
    app.fill("Client Secret", &idp("OC_IDP_AC_CLIENT_SECRET")).await;
    app.fill("Scope", &idp("OC_IDP_SCOPE")).await;
    tick(&app, "Request refresh token (offline_access)").await;
    app.choose("Get code with", "In-app login window").await;
    let main = app.client.window().await.unwrap();

    app.click("Get New Access Token").await;
    let login = login_window(&app, &main).await;
    app.client.switch_to_window(login).await.unwrap();
    type_css(&app, "#username", &idp("OC_IDP_USERNAME")).await;
    type_css(&app, "#password", &idp("OC_IDP_PASSWORD")).await;
    submit_css(&app, "#login-form button[type=submit]").await;
    app.client.switch_to_window(main.clone()).await.unwrap();
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    let first = shown_access_token(&app).await;
    wait_for_one_window(&app).await;
    let on_disk = files_containing(&home, b"sessionid");
    assert!(on_disk.is_empty(), "the sign-in's session cookie stays in memory: {on_disk:?}");

    // The session is remembered: the next sign-in needs no password.
    app.click("Get New Access Token").await;
    let second = shown_access_token(&app).await;
    assert_ne!(first, second, "a new token from the remembered session");
    wait_for_one_window(&app).await;

    // Clear login session: the next sign-in asks for the user again.
    app.click("Clear login session").await;
    app.text_when("login-session-status", "the session cleared", |t| t.contains("cleared")).await;
    app.click("Get New Access Token").await;
    let login = login_window(&app, &main).await;
    app.client.switch_to_window(login).await.unwrap();
    app.client.wait().at_most(WAIT).for_element(Locator::Css("#username")).await.expect("the sign-in page again");
    app.client.close_window().await.unwrap();
    app.client.switch_to_window(main).await.unwrap();
    app.text_when("error-code", "the closed window", |t| t == "login_window_closed").await;
    app.close().await;
}

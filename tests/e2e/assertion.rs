//! JWT Assertion and client assertion through the window (issue 13),
//! against the built-in sandbox: the Sandbox profile's sandbox-only key pair
//! gets a token with the JWT Assertion grant and authenticates the client
//! for client credentials; a key pair imported by pasted text goes to the
//! keychain and nowhere on disk, and signs once its certificate is uploaded; a wrong Assertion Audience is explained
//! and the fields are kept; Copy as cURL masks the assertion; Generate and
//! Save certificate….
//!
//! The rows share one launched app (an app launch costs seconds), run one
//! after the other as in `matrix.rs`: a failing row is recorded with what
//! the window said, and the test fails at the end listing them all. The key
//! pair imported here is generated at test time; its PEM body is listed for
//! the secret scan run after the suite (`tests/secrets_scan`).

use crate::app::{fresh_config_home, App, ENTER};
use crate::clipboard::clipboard_when;
use crate::grants::{shown_sign_in_url, signed_in_elsewhere};
use crate::matrix::Rows;
use crate::profiles::{record_secret, saved};
use fantoccini::Locator;
use oauth_console_core::keys::KeyPair;
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);
/// The sandbox's seeded user with the ServiceInvoker role (the `sub`).
const SANDBOX_USER: &str = "sandbox.invoker";
const SANDBOX_CLIENT: &str = "sandbox-client";

/// What Get New Access Token ended with.
#[derive(Debug)]
enum Outcome {
    Token(String),
    Error { code: String, message: String, hint: String },
}

/// Presses Get New Access Token with the token and error panels cleared
/// first, and waits for either: the token type shown, or the error.
async fn get_new_access_token(app: &App) -> Outcome {
    app.client
        .execute(
            "document.getElementById('token').hidden = true; \
             document.getElementById('token-type').textContent = ''; \
             document.getElementById('error').hidden = true; \
             document.getElementById('error-message').textContent = '';",
            vec![],
        )
        .await
        .unwrap();
    app.click("Get New Access Token").await;
    let script = "const t = document.getElementById('token'); \
                  if (!t.hidden && document.getElementById('token-type').textContent) \
                    return {token: document.getElementById('token-type').textContent}; \
                  const e = document.getElementById('error'); \
                  if (!e.hidden && document.getElementById('error-message').textContent) \
                    return {code: document.getElementById('error-code').textContent, \
                            message: document.getElementById('error-message').textContent, \
                            hint: document.getElementById('error-hint').textContent}; \
                  return null;";
    let started = Instant::now();
    loop {
        let value = app.client.execute(script, vec![]).await.expect("the window answers a script");
        let text = |k: &str| value[k].as_str().unwrap_or_default().to_owned();
        if value.get("token").is_some() {
            return Outcome::Token(text("token"));
        }
        if value.get("code").is_some() {
            return Outcome::Error { code: text("code"), message: text("message"), hint: text("hint") };
        }
        assert!(started.elapsed() < WAIT, "Get New Access Token showed neither a token nor an error within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(app: &App, id: &str) -> String {
    let script = format!("return document.getElementById('{id}').textContent;");
    app.client.execute(&script, vec![]).await.unwrap().as_str().unwrap_or_default().to_owned()
}

async fn attribute(app: &App, id: &str, name: &str) -> String {
    let field = app.client.find(Locator::Id(id)).await.unwrap();
    field.attr(name).await.unwrap().unwrap_or_default()
}

/// The Private Key field's status line, once `ready` accepts it.
async fn key_status(app: &App, what: &str, ready: impl Fn(&str) -> bool) -> String {
    app.text_when("private-key-status", what, ready).await
}

// ---------------------------------------------------------------- rows

async fn the_sandbox_profile_gets_a_token_with_the_jwt_assertion_grant_and_its_sandbox_only_key(app: &App) {
    app.profile_shown().await;
    app.choose("Grant Type", "JWT Assertion").await;
    let status = key_status(app, "the sandbox-only key", |t| t.contains("trusted by this sandbox only")).await;
    assert!(status.starts_with("Sandbox-only key"), "labelled sandbox-only: {status}");
    let note = app.text_when("sandbox-key-note", "the sandbox-only note", |t| !t.is_empty()).await;
    assert!(note.starts_with("Sandbox-only key pair"), "the key pair is labelled sandbox-only: {note}");
    assert_eq!(app.value_of("Key ID").await, "sandbox-only-key");
    assert!(app.value_of("Certificate").await.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(app.value_of("Private Key").await, "", "the window never holds the private key");
    assert_eq!(app.value_of("Username").await, SANDBOX_USER);

    let preview = app
        .text_when("user-assertion-preview", "the user assertion to be signed", |t| t.contains("\"sub\""))
        .await;
    assert!(preview.contains("\"kid\": \"sandbox-only-key\""), "{preview}");
    assert!(preview.contains(&format!("\"sub\": \"{SANDBOX_USER}\"")), "{preview}");
    assert!(preview.contains(&format!("\"iss\": \"{SANDBOX_CLIENT}\"")), "{preview}");
    assert!(preview.contains("\"aud\": \"https://identity.oraclecloud.com/\""), "{preview}");
    assert!(!preview.contains("eyJ"), "the preview shows header and claims, not a signed JWT: {preview}");

    match get_new_access_token(app).await {
        Outcome::Token(kind) => assert_eq!(kind, "Bearer"),
        other => panic!("JWT Assertion with the sandbox key got no token: {other:?}"),
    }
}

async fn tls_client_authentication_gets_a_token_at_the_sandboxs_secure_token_endpoint(app: &App) {
    app.choose("Grant Type", "Client Credentials").await;
    app.choose("Client Authentication", "TLS client certificate (mutual TLS)").await;
    let help = app.text_when("tls-client-help", "the TLS client authentication help", |t| !t.is_empty()).await;
    assert!(help.contains("secure token endpoint"), "{help}");
    let hidden = app.client.execute("return [document.getElementById('tls-client-help').hidden, document.getElementById('mutual-tls-row').hidden, document.getElementById('assertion-keys').hidden];", vec![]).await.unwrap();
    assert_eq!(hidden, serde_json::json!([false, true, false]), "help shown, the redundant box hidden, the key pair shown");
    // The body carries client_id only: the sandbox's plain endpoint would
    // refuse it, so a token means the sandbox-only certificate was presented
    // at the secure endpoint named by its idcs-configuration.
    match get_new_access_token(app).await {
        Outcome::Token(kind) => assert_eq!(kind, "Bearer"),
        other => panic!("TLS client authentication got no token: {other:?}"),
    }
    app.choose("Client Authentication", "Send as Basic Auth header").await;
}

async fn naming_the_certificate_by_its_x5t_thumbprint_gets_a_token_too(app: &App) {
    app.choose("Name the certificate by", "x5t: SHA-1 thumbprint of the certificate").await;
    let preview = app
        .text_when("user-assertion-preview", "the header with x5t", |t| t.contains("\"x5t\""))
        .await;
    assert!(!preview.contains("\"kid\""), "x5t or kid, not both: {preview}");
    match get_new_access_token(app).await {
        Outcome::Token(kind) => assert_eq!(kind, "Bearer"),
        other => panic!("JWT Assertion naming the certificate by x5t got no token: {other:?}"),
    }
    app.choose("Name the certificate by", "kid: the Key ID (certificate alias)").await;
}

async fn client_credentials_and_password_with_client_assertion_auth_get_tokens_from_the_sandbox(app: &App) {
    app.choose("Grant Type", "Client Credentials").await;
    app.choose("Client Authentication", "Signed JWT (client assertion)").await;
    let preview = app
        .text_when("client-assertion-preview", "the client assertion to be signed", |t| t.contains("\"sub\""))
        .await;
    assert!(preview.contains(&format!("\"sub\": \"{SANDBOX_CLIENT}\"")), "sub = the client ID: {preview}");
    assert!(preview.contains(&format!("\"iss\": \"{SANDBOX_CLIENT}\"")), "iss = the client ID: {preview}");
    match get_new_access_token(app).await {
        Outcome::Token(kind) => assert_eq!(kind, "Bearer"),
        other => panic!("client credentials with a client assertion got no token: {other:?}"),
    }
    // The same client authentication with the password grant.
    app.choose("Grant Type", "Password Credentials").await;
    match get_new_access_token(app).await {
        Outcome::Token(kind) => assert_eq!(kind, "Bearer"),
        other => panic!("the password grant with a client assertion got no token: {other:?}"),
    }
    app.choose("Client Authentication", "Send as Basic Auth header").await;
}

async fn a_wrong_assertion_audience_shows_the_hint_and_keeps_the_fields(app: &App) {
    const WRONG: &str = "https://idcs-wrong.identity.oraclecloud.example/oauth2/v1/token";
    app.choose("Grant Type", "JWT Assertion").await;
    app.fill("Assertion Audience", WRONG).await;
    match get_new_access_token(app).await {
        Outcome::Error { code, message, hint } => {
            assert_eq!(code, "invalid_grant", "{message}");
            assert!(message.contains("aud"), "the identity domain's reason is shown: {message}");
            assert!(
                hint.contains("Assertion Audience") && hint.contains("https://identity.oraclecloud.com/"),
                "the hint names the audience to use: {hint}"
            );
        }
        other => panic!("a wrong audience was not refused: {other:?}"),
    }
    assert_eq!(app.value_of("Assertion Audience").await, WRONG, "the audience typed is kept");
    assert_eq!(app.value_of("Key ID").await, "sandbox-only-key");
    assert_eq!(app.value_of("Username").await, SANDBOX_USER);
    let grant = app.client.execute("return document.getElementById('grant-type').value;", vec![]).await.unwrap();
    assert_eq!(grant.as_str(), Some("jwt_assertion"), "the grant type is kept");
    app.fill("Assertion Audience", "").await;
}

async fn the_authorization_code_is_exchanged_with_a_client_assertion(app: &App) {
    app.choose("Grant Type", "Authorization Code").await;
    app.choose("Client Authentication", "Signed JWT (client assertion)").await;
    app.choose("Get code with", "Paste the redirected URL").await;
    app.click("Get New Access Token").await;
    let authorize_url = shown_sign_in_url(app, "").await;
    let redirected = signed_in_elsewhere(&authorize_url);
    assert!(redirected.contains("code="), "{redirected}");
    app.client.execute("document.getElementById('token-type').textContent = '';", vec![]).await.unwrap();
    app.fill("Redirected URL", &redirected).await;
    app.click("Use this URL").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.choose("Client Authentication", "Send as Basic Auth header").await;
}

async fn copy_as_curl_of_a_jwt_assertion_request_masks_the_assertion(app: &App) {
    app.choose("Grant Type", "JWT Assertion").await;
    app.reveal_id("copy-token-curl").await;
    app.client.find(Locator::Id("copy-token-curl")).await.unwrap().click().await.unwrap();
    let command = clipboard_when("the JWT Assertion token request as curl", WAIT, |c| c.contains("jwt-bearer")).await;
    assert!(command.starts_with("curl -i -X POST"), "{command}");
    assert!(command.contains("grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer"), "{command}");
    assert!(command.contains("'assertion=<signed user assertion JWT>'"), "the assertion is masked: {command}");
    assert!(command.contains("Authorization: Basic <base64 of client_id:client_secret>"), "{command}");
    assert!(!command.contains("eyJ") && !command.contains("sandbox-secret"), "no secret unless asked: {command}");
}

async fn generate_makes_a_key_pair_in_the_keychain_and_save_certificate_writes_its_pem(app: &App, config_home: &str) {
    let before = app.value_of("Certificate").await;
    app.click("Generate").await;
    // A key is saved already (the imported one): Generate asks first.
    app.text_when("key-pair-progress", "the question", |t| t.starts_with("A private key is saved")).await;
    assert_eq!(app.value_of("Certificate").await, before, "nothing replaced before the answer");
    app.click("Replace the saved key").await;
    app.text_when("key-pair-progress", "the new key pair's next steps", |t| t.starts_with("New key pair")).await;
    key_status(app, "Saved in the keychain", |t| t == "Saved in the keychain").await;
    let certificate = app.value_of("Certificate").await;
    assert!(certificate.starts_with("-----BEGIN CERTIFICATE-----"), "{certificate}");
    assert_ne!(certificate, before, "a new certificate");
    assert_eq!(app.value_of("Key ID").await, IMPORTED_ALIAS, "a Key ID typed is kept");
    assert_eq!(app.value_of("Private Key").await, "");

    let path = Path::new(config_home).join("generated-certificate.pem");
    app.fill("Certificate file", &path.display().to_string()).await;
    app.click("Save certificate…").await;
    let said = app.text_when("certificate-saved", "where the certificate went", |t| t.starts_with("Certificate saved to")).await;
    assert!(said.ends_with("generated-certificate.pem"), "{said}");
    let written = std::fs::read_to_string(&path).expect("the certificate file");
    assert_eq!(written.trim().replace("\r\n", "\n"), certificate.trim(), "the file holds the certificate shown");
    saved(app).await;
    let mut all = Vec::new();
    files(Path::new(config_home), &mut all);
    for (path, bytes) in &all {
        assert!(!contains(bytes, "PRIVATE KEY"), "{path} holds a private key marker");
    }
}

/// Ticks the checkbox labelled `label` (once: a ticked one stays ticked).
async fn tick(app: &App, label: &str, on: bool) {
    let checkbox = app.field(label).await;
    if (checkbox.prop("checked").await.unwrap().as_deref() == Some("true")) != on {
        checkbox.click().await.unwrap();
    }
}

async fn refresh_authenticates_with_a_client_assertion_too(app: &App) {
    app.choose("Grant Type", "JWT Assertion").await;
    app.choose("Client Authentication", "Signed JWT (client assertion)").await;
    tick(app, "Request refresh token (offline_access)", true).await;
    match get_new_access_token(app).await {
        Outcome::Token(kind) => assert_eq!(kind, "Bearer"),
        other => panic!("JWT Assertion with a client assertion got no token: {other:?}"),
    }
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    let before = text_of(app, "jwt-claims").await;
    assert!(before.contains("jti"), "the sandbox's token names its jti: {before}");
    app.click("Refresh").await;
    let after = app.text_when("jwt-claims", "the refreshed token's claims", |t| t.contains("jti") && t != before).await;
    assert_ne!(after, before, "Refresh shows a new token");
    let shown = text_of(app, "error-message").await;
    assert!(attribute(app, "error", "hidden").await == "true" || shown.is_empty(), "Refresh failed: {shown}");
    tick(app, "Request refresh token (offline_access)", false).await;
    app.choose("Client Authentication", "Send as Basic Auth header").await;
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path.display().to_string(), bytes));
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

async fn a_key_pair_imported_by_pasted_text_is_kept_in_the_keychain_only_shown_masked_and_signs(app: &App, config_home: &str) {
    let pair = KeyPair::generate("oauth-console-e2e-import", 1).expect("a key pair made for this test");
    let key_pem = pair.private_key.expose_pem().to_owned();
    let key_lines: Vec<&str> = key_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    for line in &key_lines {
        record_secret(line);
    }
    // An editable copy of the Sandbox profile: the sandbox's client, URLs and user.
    app.duplicate_sandbox_to_edit().await;
    let copy = crate::profiles::selected_profile(app).await;
    // WebKitWebDriver fires no change event when the option chosen is the
    // one last chosen by hand in this select before the profile switch set
    // it from the profile (here JWT Assertion, on the Sandbox profile): go
    // through another grant first.
    app.choose("Grant Type", "Password Credentials").await;
    app.choose("Grant Type", "JWT Assertion").await;
    // No key yet: the error says how to get one.
    match get_new_access_token(app).await {
        Outcome::Error { code, message, hint } => {
            assert_eq!((code.as_str(), message.as_str()), ("missing_field", "Private Key is empty"));
            assert!(hint.contains("Import") && hint.contains("Generate"), "{hint}");
        }
        other => panic!("JWT Assertion without a key was sent: {other:?}"),
    }
    // Pasted text, line by line: WebKitWebDriver types a line break as Enter.
    app.fill("Private Key", &key_pem.trim_end().replace('\n', &ENTER.to_string())).await;
    app.fill("Certificate", &pair.certificate.pem().trim_end().replace('\n', &ENTER.to_string())).await;
    app.click("Import").await;
    let status = key_status(app, "Saved in the keychain", |t| t == "Saved in the keychain").await;
    assert_eq!(status, "Saved in the keychain");
    assert_eq!(app.value_of("Private Key").await, "", "the pasted key leaves the field once imported");
    assert!(attribute(app, "private-key", "placeholder").await.contains("Saved in the keychain"), "shown masked");
    app.fill("Key ID", IMPORTED_ALIAS).await;
    saved(app).await;

    let settings_dir = Path::new(config_home).join("dev.oauthconsole.desktop");
    let profiles = std::fs::read_to_string(settings_dir.join("profiles.json")).expect("profiles.json");
    let certificate_line = pair.certificate.pem().lines().nth(1).unwrap();
    assert!(profiles.contains(certificate_line), "the profile holds the certificate");
    assert!(profiles.contains(IMPORTED_ALIAS), "and the alias");
    let mut all = Vec::new();
    files(Path::new(config_home), &mut all);
    assert!(!all.is_empty());
    for (path, bytes) in &all {
        assert!(!contains(bytes, "PRIVATE KEY"), "{path} holds a private key marker");
        for line in &key_lines {
            assert!(!contains(bytes, line), "{path} holds a line of the private key");
        }
    }

    // Without a restart: another profile and back, and the key is still shown as saved.
    app.choose("Profile", "Sandbox").await;
    app.profile_shown().await;
    app.choose("Profile", &copy).await;
    app.profile_shown().await;
    let status = key_status(app, "Saved in the keychain again", |t| t == "Saved in the keychain").await;
    assert_eq!(status, "Saved in the keychain");
    assert_eq!(app.value_of("Private Key").await, "");
    assert_eq!(app.value_of("Key ID").await, IMPORTED_ALIAS);
    let preview = app.text_when("user-assertion-preview", "the preview with the imported alias", |t| t.contains(IMPORTED_ALIAS)).await;
    assert!(preview.contains(&format!("\"kid\": \"{IMPORTED_ALIAS}\"")), "{preview}");
    let shown = text_of(app, "keys-error").await;
    assert!(attribute(app, "keys-error", "hidden").await == "true" || shown.is_empty(), "no key error: {shown}");

    // The certificate uploaded to the sandbox under the alias, as an admin
    // imports it to the application: the key from the keychain signs.
    let token_url = app.value_of("Access Token URL").await;
    upload_certificate(&token_url, IMPORTED_ALIAS, pair.certificate.pem()).await;
    match get_new_access_token(app).await {
        Outcome::Token(kind) => assert_eq!(kind, "Bearer"),
        other => panic!("JWT Assertion with the imported key got no token: {other:?}"),
    }
}

const IMPORTED_ALIAS: &str = "e2e-imported";

/// `value` percent-encoded for a form body.
fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Uploads `certificate` for the sandbox's client under `alias`
/// (`POST /sandbox/v1/certificates`, the sandbox's Import certificate).
async fn upload_certificate(token_url: &str, alias: &str, certificate: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let origin = token_url.strip_suffix("/oauth2/v1/token").expect("the sandbox's token URL");
    let host = origin.strip_prefix("http://").expect("the sandbox listens on http://127.0.0.1");
    let body = format!(
        "client_id={SANDBOX_CLIENT}&client_secret=sandbox-secret&alias={}&certificate={}",
        form_encode(alias),
        form_encode(certificate)
    );
    let request = format!(
        "POST /sandbox/v1/certificates HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("the sandbox answers");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "the sandbox took the certificate: {answer}");
}

#[tokio::test]
async fn jwt_assertion_and_client_assertion_get_sandbox_tokens_and_keys_stay_in_the_keychain() {
    let config_home = fresh_config_home();
    let app = App::launch_with_config(&config_home).await;
    let mut rows = Rows::new(&app);
    rows.run(
        "the_sandbox_profile_gets_a_token_with_the_jwt_assertion_grant_and_its_sandbox_only_key",
        the_sandbox_profile_gets_a_token_with_the_jwt_assertion_grant_and_its_sandbox_only_key(&app),
    )
    .await;
    rows.run(
        "naming_the_certificate_by_its_x5t_thumbprint_gets_a_token_too",
        naming_the_certificate_by_its_x5t_thumbprint_gets_a_token_too(&app),
    )
    .await;
    rows.run(
        "tls_client_authentication_gets_a_token_at_the_sandboxs_secure_token_endpoint",
        tls_client_authentication_gets_a_token_at_the_sandboxs_secure_token_endpoint(&app),
    )
    .await;
    rows.run(
        "client_credentials_and_password_with_client_assertion_auth_get_tokens_from_the_sandbox",
        client_credentials_and_password_with_client_assertion_auth_get_tokens_from_the_sandbox(&app),
    )
    .await;
    rows.run(
        "a_wrong_assertion_audience_shows_the_hint_and_keeps_the_fields",
        a_wrong_assertion_audience_shows_the_hint_and_keeps_the_fields(&app),
    )
    .await;
    rows.run(
        "refresh_authenticates_with_a_client_assertion_too",
        refresh_authenticates_with_a_client_assertion_too(&app),
    )
    .await;
    rows.run(
        "the_authorization_code_is_exchanged_with_a_client_assertion",
        the_authorization_code_is_exchanged_with_a_client_assertion(&app),
    )
    .await;
    rows.run(
        "copy_as_curl_of_a_jwt_assertion_request_masks_the_assertion",
        copy_as_curl_of_a_jwt_assertion_request_masks_the_assertion(&app),
    )
    .await;
    rows.run(
        "a_key_pair_imported_by_pasted_text_is_kept_in_the_keychain_only_shown_masked_and_signs",
        a_key_pair_imported_by_pasted_text_is_kept_in_the_keychain_only_shown_masked_and_signs(&app, &config_home),
    )
    .await;
    rows.run(
        "generate_makes_a_key_pair_in_the_keychain_and_save_certificate_writes_its_pem",
        generate_makes_a_key_pair_in_the_keychain_and_save_certificate_writes_its_pem(&app, &config_home),
    )
    .await;
    let failed = rows.failed();
    app.close().await;
    assert!(failed.is_none(), "{}", failed.unwrap_or_default());
}

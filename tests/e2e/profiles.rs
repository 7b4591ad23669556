//! Profiles, saved tokens and the keychain through the window: the Sandbox
//! profile on a first launch, a profile and its token back after a restart,
//! New / Rename / Duplicate / Delete (confirmed in the page), Manage Tokens,
//! Copy, Settings, a corrupt settings file kept aside, and a session without
//! a keychain. Each test has a config folder of its own; launching twice
//! with the same folder is a restart.
//!
//! Token values revealed here are listed in the test HOME
//! ([`record_secret`]) for the secret scan that runs after the suite
//! (`tests/secrets_scan`).

use crate::app::{fresh_config_home, idp, App};
use crate::private_keychain::PrivateKeychain;
use fantoccini::Locator;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// The settings file of the app launched with `XDG_CONFIG_HOME=config_home`.
fn settings_file(config_home: &str) -> PathBuf {
    Path::new(config_home).join("dev.oauthconsole.desktop").join("profiles.json")
}

pub(crate) fn read_settings(config_home: &str) -> String {
    std::fs::read_to_string(settings_file(config_home)).unwrap_or_else(|e| panic!("no settings file in {config_home}: {e}"))
}

/// Where the values the scan must not find are listed: in the test HOME,
/// which `make test` removes after the run (the scan skips this one file).
fn secrets_list() -> PathBuf {
    Path::new(&std::env::var("HOME").expect("HOME is set")).join(SECRETS_LIST)
}

/// Also named in tests/secrets_scan/main.rs.
const SECRETS_LIST: &str = "secrets-to-scan.txt";

/// Adds a secret seen in the window (a token after Show) to the scan's list.
pub(crate) fn record_secret(value: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(secrets_list()).unwrap();
    writeln!(file, "{value}").unwrap();
}

async fn fill_client_credentials(app: &App) {
    app.choose("Grant Type", "Client Credentials").await;
    app.fill("Access Token URL", &idp("OC_IDP_TOKEN_URL")).await;
    app.fill("Client ID", &idp("OC_IDP_CC_CLIENT_ID")).await;
    app.fill("Client Secret", &idp("OC_IDP_CC_CLIENT_SECRET")).await;
    app.fill("Scope", &idp("OC_IDP_SCOPE")).await;
    app.choose("Client Authentication", "Send client credentials in body").await;
}

pub(crate) async fn saved(app: &App) {
    app.text_when("save-status", "Saved", |t| t == "Saved").await;
}

pub(crate) async fn selected_profile(app: &App) -> String {
    app.client
        .execute("const s = document.getElementById('profile'); return s.options[s.selectedIndex]?.text ?? '';", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn profile_names(app: &App) -> Vec<String> {
    let names = app
        .client
        .execute("return [...document.getElementById('profile').options].map(o => o.text);", vec![])
        .await
        .unwrap();
    serde_json::from_value(names).unwrap()
}

pub(crate) async fn placeholder(app: &App, id: &str) -> String {
    let field = app.client.find(Locator::Id(id)).await.unwrap();
    field.attr("placeholder").await.unwrap().unwrap_or_default()
}

pub(crate) async fn wait_until<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        assert!(
            started.elapsed() < WAIT,
            "{}",
            crate::keychain_session::explain(&format!("{what} did not happen within {WAIT:?}"))
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The rows of Manage Tokens, as (token id, name).
async fn token_rows(app: &App) -> Vec<(String, String)> {
    let rows = app
        .client
        .execute(
            "return [...document.querySelectorAll('#tokens-rows tr')].map(r => [r.dataset.tokenId, r.querySelector('.token-name').value]);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(rows).unwrap()
}

/// The access token in Token Details after Show (then hidden again). Token
/// Details may be redrawn meanwhile (a refresh masks the new token again), so
/// Show is pressed until the value is there.
async fn shown_token(app: &App) -> String {
    let started = Instant::now();
    loop {
        let value = app.client.find(Locator::Id("access-token")).await.unwrap().text().await.unwrap();
        let toggle = app.client.find(Locator::Id("toggle-token")).await.unwrap();
        let label = toggle.text().await.unwrap();
        if !value.is_empty() && !value.contains('•') {
            if label == "Hide" {
                toggle.click().await.unwrap();
            }
            return value;
        }
        if label == "Show" {
            toggle.click().await.unwrap();
        }
        assert!(started.elapsed() < WAIT, "Show never showed the token; last text: {value:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_first_launch_selects_the_sandbox_profile_with_its_credentials_marked_as_sandbox_ones() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    assert_eq!(selected_profile(&app).await, "Sandbox");
    assert_eq!(profile_names(&app).await, ["Sandbox"], "one profile on a first launch");
    let badge = app.text_when("sandbox-badge", "the sandbox badge", |t| !t.is_empty()).await;
    assert_eq!(badge, "Local sandbox");
    let credentials = app.text_when("sandbox-credentials", "the sandbox credentials", |t| !t.is_empty()).await;
    assert!(credentials.contains("Sandbox credentials"), "marked as sandbox ones: {credentials}");
    assert!(credentials.contains("sandbox-secret"), "the sandbox's secret is shown: {credentials}");
    let token_url = app.value_of("Access Token URL").await;
    assert!(token_url.starts_with("http://127.0.0.1:"), "filled from the running sandbox: {token_url}");
    app.click_tab("Settings").await;
    let hosts = app.value_of("Trusted hosts").await;
    assert!(hosts.lines().any(|h| h.starts_with("127.0.0.1:")), "the design-time host is trusted: {hosts:?}");
    app.click_tab("Params").await;

    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    saved(&app).await;
    let file = read_settings(&config);
    assert!(file.contains("\"kind\": \"sandbox\""), "{file}");
    assert!(!file.contains("127.0.0.1"), "the sandbox's ports are not saved as user data: {file}");
    assert!(!file.contains("sandbox-secret"), "{file}");
    assert!(file.contains("\"tokens\": ["), "the sandbox token is listed: {file}");
    assert!(!file.contains("eyJ"), "no token value in the settings file");
    app.close().await;
}

async fn is_read_only(app: &App, label: &str) -> bool {
    app.field(label).await.prop("readOnly").await.unwrap().as_deref() == Some("true")
}

#[tokio::test]
async fn the_sandbox_profile_keeps_what_the_user_may_edit_and_duplicate_to_edit_makes_an_editable_copy_across_a_restart() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.text_when("sandbox-badge", "the sandbox badge", |t| !t.is_empty()).await;
    app.profile_shown().await;
    for label in ["Access Token URL", "Client ID", "Client Secret", "Scope", "Username", "Password", "Auth URL", "Callback URL"] {
        assert!(is_read_only(&app, label).await, "{label} is filled from the sandbox at each launch, so it is read-only");
    }
    assert!(!is_read_only(&app, "URL").await, "the request is the user's to edit");
    // What the user may still edit on the Sandbox profile.
    app.choose("Client Authentication", "Send client credentials in body").await;
    app.choose("Grant Type", "Password Credentials").await;
    saved(&app).await;

    app.click("Duplicate to edit").await;
    let notices = app.text_when("notices", "the copy's notice", |t| t.contains("editable copy")).await;
    assert!(notices.contains("Sandbox (copy)"), "the notice names the copy: {notices}");
    app.profile_shown().await;
    assert_eq!(selected_profile(&app).await, "Sandbox (copy)");
    assert_eq!(profile_names(&app).await, ["Sandbox", "Sandbox (copy)"]);
    assert!(app.client.find(Locator::Id("sandbox-badge")).await.unwrap().text().await.unwrap().is_empty(), "the copy is no sandbox");
    assert!(!is_read_only(&app, "Access Token URL").await, "the copy's fields are editable");
    let token_url = app.value_of("Access Token URL").await;
    assert!(token_url.starts_with("http://127.0.0.1:"), "the copy starts with the sandbox's values: {token_url}");
    assert_eq!(app.value_of("Client Authentication").await, "request_body", "and with the Sandbox profile's choices");
    app.fill("Client ID", "edited-client-id").await;
    saved(&app).await;
    app.close().await;

    // Restart.
    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    assert_eq!(selected_profile(&app).await, "Sandbox (copy)", "the app reopens on the copy");
    assert_eq!(app.value_of("Client ID").await, "edited-client-id", "the copy's edit survives a restart");
    assert_eq!(app.value_of("Access Token URL").await, token_url, "the copy keeps the URL it was made with");
    app.choose("Profile", "Sandbox").await;
    app.text_when("sandbox-badge", "the sandbox badge", |t| !t.is_empty()).await;
    app.profile_shown().await;
    assert_eq!(app.value_of("Grant Type").await, "password", "the Sandbox profile's grant survives a restart");
    assert_eq!(app.value_of("Client Authentication").await, "request_body", "its client authentication too");
    assert!(is_read_only(&app, "Client ID").await, "still read-only after a restart");
    assert_ne!(app.value_of("Client ID").await, "edited-client-id", "the copy's edit is not the Sandbox's");

    // The profile bar's Duplicate, on the Sandbox profile, makes an editable copy too.
    app.click("Duplicate").await;
    app.text_when("notices", "the copy's notice", |t| t.contains("editable copy")).await;
    wait_until("an editable copy", || async { !is_read_only(&app, "Client ID").await }).await;
    app.profile_shown().await;
    assert_eq!(profile_names(&app).await.len(), 3, "{:?}", profile_names(&app).await);
    app.close().await;
}

/// A panel that cannot show a profile (here the Saved requests list is gone
/// from the page, as a bug in that panel would leave it) must not lead to
/// the half-shown profile being saved over the stored one: its other panels
/// would hold the new values, the failed one whatever it showed before.
#[tokio::test]
async fn a_profile_one_panel_cannot_show_is_reported_and_never_saved_over() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    app.new_profile("Production").await;
    app.fill("Client ID", "stored-client-id").await;
    saved(&app).await;
    app.choose("Profile", "Sandbox").await;
    app.profile_shown().await;

    app.client
        .execute("document.getElementById('saved-request').remove();", vec![])
        .await
        .unwrap();
    app.choose("Profile", "Production").await;
    app.profile_shown().await;
    let notices = app.text_when("notices", "the panel's failure", |t| t.contains("could not be shown completely")).await;
    assert!(notices.contains("Production") && notices.contains("Saved requests"), "names the profile and the panel: {notices}");
    assert_eq!(app.value_of("Client ID").await, "stored-client-id", "the other panels are shown");

    app.fill("Client ID", "typed-after-a-failed-load").await;
    let status = app.text_when("save-status", "that nothing is saved", |t| t.starts_with("Not saved")).await;
    assert!(status.contains("not shown completely"), "{status}");
    // Longer than the save delay: a save would have happened by now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let file = read_settings(&config);
    assert!(file.contains("stored-client-id"), "the stored profile is intact: {file}");
    assert!(!file.contains("typed-after-a-failed-load"), "nothing was saved over it: {file}");
    app.close().await;
}

#[tokio::test]
async fn a_profile_with_its_fields_and_tokens_is_back_after_a_restart() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.new_profile("IdP dev").await;
    assert_eq!(app.value_of("Access Token URL").await, "", "a new profile starts empty");
    fill_client_credentials(&app).await;
    app.click_tab("Settings").await;
    assert_eq!(app.value_of("Trusted hosts").await, "oraclecloud.com", "a new profile trusts oraclecloud.com");
    app.choose("Follow Authorization header", "Off: never send it to another origin").await;
    app.click_tab("Params").await;
    saved(&app).await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    let first = shown_token(&app).await;
    record_secret(&first);
    saved(&app).await;
    app.close().await;
    let file = read_settings(&config);
    assert!(!file.contains(&idp("OC_IDP_CC_CLIENT_SECRET")), "the client secret is not in the settings file");
    assert!(!file.contains(&first), "the token is not in the settings file");

    // Restart.
    let app = App::launch_with_config(&config).await;
    assert_eq!(selected_profile(&app).await, "IdP dev", "the app reopens on the last used profile");
    assert_eq!(app.value_of("Access Token URL").await, idp("OC_IDP_TOKEN_URL"));
    assert_eq!(app.value_of("Client ID").await, idp("OC_IDP_CC_CLIENT_ID"));
    assert_eq!(app.value_of("Scope").await, idp("OC_IDP_SCOPE"));
    assert_eq!(app.value_of("Client Authentication").await, "request_body");
    assert_eq!(app.value_of("Follow Authorization header").await, "off", "the forwarding choice is back");
    assert_eq!(app.value_of("Client Secret").await, "", "a saved secret never comes back to the window");
    wait_until("the saved-secret placeholder", || async { placeholder(&app, "client-secret").await == "Saved in the keychain" }).await;
    assert!(app.client.find(Locator::Id("sandbox-badge")).await.unwrap().text().await.unwrap().is_empty(), "no sandbox badge");

    // The token from before the restart, from the keychain.
    app.click("Manage Tokens").await;
    wait_until("the saved token listed", || async { token_rows(&app).await.len() == 1 }).await;
    let (token_id, name) = token_rows(&app).await.remove(0);
    assert!(name.starts_with("Client Credentials "), "named after the grant and the time: {name}");
    let expires = app.text_when("tokens-rows", "a live expiry", |t| t.contains("min")).await;
    assert!(expires.contains("Yes") || expires.contains("No"), "{expires}");
    app.client
        .find(Locator::Css(&format!("tr[data-token-id='{token_id}'] button[data-action='select']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    assert_eq!(shown_token(&app).await, first, "Show works on a saved token after a restart");

    // Copy, with visible feedback.
    app.client.find(Locator::Id("copy-token")).await.unwrap().click().await.unwrap();
    app.text_when("copy-token", "Copied", |t| t == "Copied").await;

    // The saved secret is used when the field is empty.
    app.client.execute("document.getElementById('token-type').textContent = '';", vec![]).await.unwrap();
    app.click("Get New Access Token").await;
    let error_shown = || async { app.client.find(Locator::Id("error")).await.unwrap().is_displayed().await.unwrap() };
    wait_until("a second token or an error", || async {
        error_shown().await || app.client.find(Locator::Id("token-type")).await.unwrap().text().await.unwrap() == "Bearer"
    })
    .await;
    assert!(!error_shown().await, "the keychain's client secret was used");
    let second = shown_token(&app).await;
    assert_ne!(second, first, "a new token");
    record_secret(&second);

    // Manage Tokens: rename in place, delete one.
    app.click("Manage Tokens").await;
    wait_until("two saved tokens", || async { token_rows(&app).await.len() == 2 }).await;
    let (newest, _) = token_rows(&app).await.remove(0);
    let input = app.client.find(Locator::Css(&format!("input.token-name[data-token-id='{newest}']"))).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("Second token\u{e007}").await.unwrap();
    app.text_when("tokens-status", "Renamed", |t| t == "Renamed.").await;
    app.client
        .find(Locator::Css(&format!("tr[data-token-id='{token_id}'] button[data-action='delete']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(token_rows(&app).await.len(), 2, "Delete first asks whether to delete the token");
    app.client
        .find(Locator::Css(&format!("tr[data-token-id='{token_id}'] button[data-action='confirm-delete']")))
        .await
        .expect("Delete asks for a confirmation")
        .click()
        .await
        .unwrap();
    wait_until("one token left", || async { token_rows(&app).await.len() == 1 }).await;
    app.client.find(Locator::Id("tokens-close")).await.unwrap().click().await.unwrap();
    app.close().await;

    let file = read_settings(&config);
    assert!(file.contains("\"name\": \"Second token\""), "the rename is saved: {file}");
    assert!(!file.contains(&token_id), "the deleted token is gone from the file");
}

#[tokio::test]
async fn profiles_are_created_renamed_duplicated_and_deleted_only_after_confirmation() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    assert!(!app.is_enabled("Delete").await, "the only profile cannot be deleted");

    // New with an empty name: a clear message, the dialog stays.
    app.click("New").await;
    app.fill("Profile name", "   ").await;
    app.click("Create profile").await;
    let message = app.text_when("profile-dialog-error-message", "an error", |t| !t.is_empty()).await;
    assert_eq!(message, "Profile name is empty");
    app.fill("Profile name", "Test env").await;
    app.click("Create profile").await;
    wait_until("the new profile selected", || async { selected_profile(&app).await == "Test env" }).await;
    app.profile_shown().await;
    app.fill("Client ID", "test-env-client").await;
    saved(&app).await;

    app.click("Rename").await;
    assert_eq!(app.value_of("Profile name").await, "Test env");
    app.fill("Profile name", "Production").await;
    app.click("Rename profile").await;
    wait_until("the renamed profile", || async { selected_profile(&app).await == "Production" }).await;
    app.profile_shown().await;

    app.click("Duplicate").await;
    wait_until("the copy selected", || async { selected_profile(&app).await == "Production (copy)" }).await;
    app.profile_shown().await;
    assert_eq!(app.value_of("Client ID").await, "test-env-client", "the copy has the same fields");
    assert_eq!(profile_names(&app).await, ["Sandbox", "Production", "Production (copy)"]);

    // Delete asks first; "Keep it" keeps it.
    app.click("Delete").await;
    let question = app.text_when("delete-dialog-text", "the question", |t| !t.is_empty()).await;
    assert!(question.contains("Production (copy)"), "{question}");
    app.click("Keep it").await;
    assert_eq!(profile_names(&app).await.len(), 3, "nothing deleted without confirmation");
    app.click("Delete").await;
    app.click("Delete profile").await;
    wait_until("the profile deleted", || async { profile_names(&app).await == ["Sandbox", "Production"] }).await;
    app.profile_shown().await;

    // Switching back to the Sandbox refreshes it from the running sandbox.
    app.choose("Profile", "Sandbox").await;
    wait_until("the sandbox values", || async { app.value_of("Access Token URL").await.starts_with("http://127.0.0.1:") }).await;
    app.choose("Profile", "Production").await;
    wait_until("the production values", || async { app.value_of("Client ID").await == "test-env-client" }).await;

    // Settings: the header prefix Use Token puts before the token.
    app.click("Settings").await;
    app.fill("Authorization header prefix", "Token").await;
    app.fill("Clear copied token after (seconds)", "-3").await;
    app.click("Save settings").await;
    let message = app.text_when("settings-error-message", "a refusal", |t| !t.is_empty()).await;
    assert!(message.contains("whole number of seconds"), "{message}");
    assert_eq!(app.value_of("Authorization header prefix").await, "Token", "nothing typed is lost");
    app.fill("Clear copied token after (seconds)", "5").await;
    app.click("Save settings").await;
    app.text_when("settings-status", "Saved", |t| t == "Saved.").await;
    app.client.find(Locator::Id("settings-close")).await.unwrap().click().await.unwrap();
    app.close().await;

    let file = read_settings(&config);
    assert!(file.contains("\"headerPrefix\": \"Token\""), "{file}");
    assert!(file.contains("\"clipboardClearSeconds\": 5"), "{file}");

    let app = App::launch_with_config(&config).await;
    assert_eq!(selected_profile(&app).await, "Production");
    app.close().await;
}

#[tokio::test]
async fn the_header_prefix_from_settings_goes_before_the_token() {
    let app = App::launch().await;
    app.save_setting("Authorization header prefix", "Token").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    app.click_tab("Headers").await;
    let row = app.text_when("token-header-value", "the masked Authorization row", |t| !t.is_empty()).await;
    assert!(row.starts_with("Token •"), "{row}");
    app.close().await;
}

/// Whether Current Token shows a token and offers Use Token, and whether the
/// request carries the masked Authorization row.
async fn token_offered(app: &App) -> serde_json::Value {
    let script = "return [!document.getElementById('token').hidden, !document.getElementById('use-token').disabled, \
                  Boolean(document.getElementById('token-header-value'))];";
    app.client.execute(script, vec![]).await.unwrap()
}

#[tokio::test]
async fn a_switch_to_another_profile_leaves_the_previous_profiles_token_behind() {
    let app = App::launch_with_config(&fresh_config_home()).await;
    app.profile_shown().await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    app.text_when("token-header-value", "the Authorization row", |t| t.starts_with("Bearer")).await;
    assert_eq!(token_offered(&app).await, serde_json::json!([true, true, true]));

    // Another profile: its requests go elsewhere, so the Sandbox's token is neither shown nor attached.
    app.new_profile("Elsewhere").await;
    assert_eq!(token_offered(&app).await, serde_json::json!([false, false, false]), "no token of the Sandbox profile");
    let empty = app.text_when("empty-state", "the guidance", |t| !t.is_empty()).await;
    assert!(empty.contains("Manage Tokens"), "{empty}");

    // Back on the Sandbox profile, its saved token is one Select away.
    app.choose("Profile", "Sandbox").await;
    app.profile_shown().await;
    app.click_tab("Authorization").await;
    app.click("Manage Tokens").await;
    wait_until("the Sandbox's token", || async { token_rows(&app).await.len() == 1 }).await;
    app.client.find(Locator::Css("#tokens-rows button[data-action='select']")).await.unwrap().click().await.unwrap();
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    app.text_when("token-header-value", "the Authorization row", |t| t.starts_with("Bearer")).await;
    assert_eq!(app.send_and_wait().await, "200 OK", "the Sandbox's own token still works there");
    app.close().await;
}

#[tokio::test]
async fn an_unreadable_settings_file_is_kept_aside_and_the_user_is_told() {
    let config = fresh_config_home();
    let dir = Path::new(&config).join("dev.oauthconsole.desktop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("profiles.json"), "{ this is not JSON").unwrap();
    let app = App::launch_with_config(&config).await;
    let notices = app.text_when("notices", "a notice", |t| !t.is_empty()).await;
    assert!(notices.contains("could not be loaded") && notices.contains("profiles.json.corrupt"), "{notices}");
    assert_eq!(selected_profile(&app).await, "Sandbox", "a fresh start on the Sandbox profile");
    app.close().await;
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("profiles.json.corrupt"))
        .collect();
    assert_eq!(kept.len(), 1, "the unreadable file is kept: {kept:?}");
    assert_eq!(std::fs::read_to_string(dir.join(&kept[0])).unwrap(), "{ this is not JSON");
}

/// Without a keychain: a new token still comes, stays in memory, and neither
/// it nor the client secret reaches the settings file, which marks the token
/// as kept for the session. Closes the app.
async fn a_session_only_token_stays_off_disk(app: App, config: &str) {
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    let token = shown_token(&app).await;
    record_secret(&token);
    app.close().await;
    let file = read_settings(config);
    assert!(!file.contains(&token) && !file.contains(&idp("OC_IDP_CC_CLIENT_SECRET")), "no fallback to plain text");
    assert!(file.contains("\"sessionOnly\": true"), "the token is marked as kept for the session: {file}");
}

#[tokio::test]
async fn without_a_keychain_the_window_says_secrets_last_for_this_session_only() {
    let config = fresh_config_home();
    let app = App::launch_with_env(
        env!("CARGO_BIN_EXE_oauth-console"),
        &[("XDG_CONFIG_HOME", &config), ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/oauth-console-no-keychain")],
    )
    .await;
    let notices = app.text_when("notices", "the keychain notice", |t| t.contains("this session only")).await;
    assert!(notices.contains("Nothing is written to disk in plain text"), "{notices}");
    app.new_profile("No keychain").await;
    fill_client_credentials(&app).await;
    saved(&app).await;
    a_session_only_token_stays_off_disk(app, &config).await;
}

/// The keyring daemon dies while the app runs (killed in a D-Bus session of
/// this test's own): the next secret goes to memory, the window says so, and
/// the app keeps working. The suite's own keychain is not touched.
#[tokio::test]
async fn a_keychain_that_goes_away_mid_session_turns_into_the_this_session_only_notice() {
    let mut keychain = PrivateKeychain::start("goes-away");
    let config = fresh_config_home();
    let app = App::launch_with_env(
        env!("CARGO_BIN_EXE_oauth-console"),
        &[("XDG_CONFIG_HOME", &config), ("DBUS_SESSION_BUS_ADDRESS", &keychain.address)],
    )
    .await;
    app.new_profile("Keychain goes away").await;
    fill_client_credentials(&app).await;
    saved(&app).await;
    wait_until("the client secret in the private keychain", || async {
        keychain.app_entries().contains("/client_secret")
    })
    .await;
    let notices = app.text_when("notices", "the notices", |_| true).await;
    assert!(!notices.contains("this session only"), "the keychain works at first: {notices}");

    keychain.kill_keyring();
    // Typed again: the app tries the keychain, finds it gone, keeps the
    // secret in memory and says so.
    app.fill("Client Secret", &idp("OC_IDP_CC_CLIENT_SECRET")).await;
    let notices = app.text_when("notices", "the keychain notice", |t| t.contains("this session only")).await;
    assert!(notices.contains("Nothing is written to disk in plain text"), "{notices}");
    a_session_only_token_stays_off_disk(app, &config).await;
    crate::keychain_session::require();
}

/// The profile named `profile` as the settings file holds it.
fn stored_profile(config: &str, profile: &str) -> Option<serde_json::Value> {
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(settings_file(config)).ok()?).ok()?;
    file["profiles"].as_array()?.iter().find(|p| p["name"] == profile).cloned()
}

/// The value the keychain holds for the app's `account` (read with
/// secret-tool, outside the app), or None.
fn keychain_value(account: &str) -> Option<String> {
    let output = std::process::Command::new("timeout")
        .args(["10", "secret-tool", "lookup", "service", "dev.oauthconsole.desktop", "username", account])
        .output()
        .ok()?;
    (output.status.success() && !output.stdout.is_empty()).then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The refresh token of the first saved token of the profile named
/// `profile`, as the keychain holds it, once the settings file lists that
/// token.
fn saved_refresh_token(config: &str, profile: &str) -> Option<String> {
    let profile = stored_profile(config, profile)?;
    let token = profile["tokens"].as_array()?.first()?;
    keychain_value(&format!("{}/token/{}/refresh_token", profile["id"].as_str()?, token["id"].as_str()?))
}

/// The password the keychain holds for the profile named `profile`.
fn saved_password(config: &str, profile: &str) -> Option<String> {
    keychain_value(&format!("{}/password", stored_profile(config, profile)?["id"].as_str()?))
}

async fn tick(app: &App, label: &str) {
    let field = app.field(label).await;
    if !field.is_selected().await.unwrap() {
        field.click().await.unwrap();
    }
}

#[tokio::test]
async fn a_refreshed_token_is_saved_again_so_its_rotated_refresh_token_works_after_a_restart() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.new_profile("Password grant").await;
    app.choose("Grant Type", "Password Credentials").await;
    app.fill("Access Token URL", &idp("OC_IDP_TOKEN_URL")).await;
    app.fill("Client ID", &idp("OC_IDP_PW_CLIENT_ID")).await;
    app.fill("Client Secret", &idp("OC_IDP_PW_CLIENT_SECRET")).await;
    app.fill("Username", &idp("OC_IDP_USERNAME")).await;
    tick(&app, "Remember password").await;
    app.fill("Password", &idp("OC_IDP_PASSWORD")).await;
    app.fill("Scope", &idp("OC_IDP_SCOPE")).await;
    tick(&app, "Request refresh token (offline_access)").await;
    saved(&app).await;
    app.click("Get New Access Token").await;
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    let first = shown_token(&app).await;
    record_secret(&first);
    let mut saved_refresh = None;
    wait_until("the token's refresh token in the keychain", || {
        saved_refresh = saved_refresh_token(&config, "Password grant");
        let found = saved_refresh.is_some();
        async move { found }
    })
    .await;
    let saved_refresh = saved_refresh.unwrap();
    record_secret(&saved_refresh);

    // The server rotates refresh tokens and refuses a used one. (Waiting on
    // the keychain, not on the file: the saved token is replaced in place,
    // so within the same second the file may not change at all.)
    app.click("Refresh").await;
    wait_until("the refreshed token", || async { shown_token(&app).await != first }).await;
    record_secret(&shown_token(&app).await);
    wait_until("the rotated refresh token saved in place of the old one", || {
        let now = saved_refresh_token(&config, "Password grant");
        if let Some(rotated) = &now {
            record_secret(rotated);
        }
        let rotated = now.is_some_and(|now| now != saved_refresh);
        async move { rotated }
    })
    .await;
    assert_eq!(
        read_settings(&config).matches("\"hasRefreshToken\": true").count(),
        1,
        "one saved token, replaced in place"
    );
    app.close().await;

    let app = App::launch_with_config(&config).await;
    assert_eq!(app.value_of("Password").await, "", "a saved password never comes back to the window");
    wait_until("the remembered-password placeholder", || async { placeholder(&app, "password").await == "Saved in the keychain" }).await;
    app.click("Manage Tokens").await;
    wait_until("one saved token", || async { token_rows(&app).await.len() == 1 }).await;
    app.client.find(Locator::Css("#tokens-rows button[data-action='select']")).await.unwrap().click().await.unwrap();
    app.text_when("has-refresh", "a refresh token", |t| t == "Yes").await;
    let loaded = shown_token(&app).await;
    app.click("Refresh").await;
    wait_until("a token from the saved refresh token", || async { shown_token(&app).await != loaded }).await;
    let error = app.client.find(Locator::Id("error")).await.unwrap();
    assert!(!error.is_displayed().await.unwrap(), "the rotated refresh token was saved: {}", error.text().await.unwrap());
    record_secret(&shown_token(&app).await);

    // The remembered password is used when the field is empty.
    app.client.execute("document.getElementById('token-type').textContent = '';", vec![]).await.unwrap();
    app.click("Get New Access Token").await;
    app.text_when("token-type", "a new token", |t| t == "Bearer").await;
    assert!(!error.is_displayed().await.unwrap(), "the keychain's password was used");
    app.close().await;
    let file = read_settings(&config);
    assert!(!file.contains(&idp("OC_IDP_PASSWORD")), "the password is not in the settings file");
}

/// One round of the window's two saves after a pause in typing, sent at the
/// same moment: the profile with "Remember password" turned on, and the
/// password typed with it. Before: Remember off and no password.
const REMEMBER_AND_TYPE_AT_ONCE: &str = r#"
const [round, done] = [arguments[0], arguments[arguments.length - 1]];
const invoke = window.__TAURI_INTERNALS__.invoke;
(async () => {
  const { current } = await invoke("app_state");
  const tokenUrl = current.tokenUrl;
  await invoke("save_profile", { profile: { ...current, rememberPassword: false } });
  await invoke("put_secret", { profileId: current.id, kind: "password", value: "", tokenUrl });
  await Promise.all([
    invoke("save_profile", { profile: { ...current, rememberPassword: true } }),
    invoke("put_secret", { profileId: current.id, kind: "password", value: `race-password-${round}`, tokenUrl }),
  ]);
  return "done";
})().then(done, (error) => done("error: " + JSON.stringify(error)));
"#;

#[tokio::test]
async fn a_password_typed_as_remember_password_is_turned_on_is_in_the_keychain_whichever_save_comes_first() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.new_profile("Remembered").await;
    app.choose("Grant Type", "Password Credentials").await;
    app.fill("Access Token URL", &idp("OC_IDP_TOKEN_URL")).await;
    saved(&app).await;
    // The window saves the profile and the password each after its own
    // pause in typing, so the two may run at once; the outcome must not
    // depend on which one reads "Remember password" first.
    for round in 0..12 {
        let outcome = app.client.execute_async(REMEMBER_AND_TYPE_AT_ONCE, vec![round.into()]).await.unwrap();
        assert_eq!(outcome.as_str(), Some("done"), "round {round}");
        assert_eq!(
            saved_password(&config, "Remembered").as_deref(),
            Some(format!("race-password-{round}").as_str()),
            "round {round}: the remembered password is in the keychain"
        );
    }
    app.close().await;
}

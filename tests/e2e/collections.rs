//! Import… and Paste cURL through the window, against the sandbox (one
//! launched app): a Postman collection given by its typed path becomes
//! folders of saved requests and variables; a request found with the filter
//! in a sub-folder, Use Token, Send → 200; an unresolved `{{name}}` is named
//! before anything is sent; a pasted curl token request fills a new
//! profile's Authorization panel (its secret to the keychain) and gets a
//! token.

use crate::app::App;
use fantoccini::Locator;

/// Presses the saved-requests tree's button for `name` (`method`) and waits
/// until it fills the panel. The tree is drawn again on each keystroke in
/// the filter, so a button found while typing may be gone: find it again.
async fn click_saved(app: &App, name: &str, method: &str) {
    let xpath = format!("//button[@aria-label='Fill in the saved request {name} ({method})']");
    for _ in 0..5 {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        if let Ok(button) = app.client.find(Locator::XPath(&xpath)).await {
            let _ = button.click().await;
        }
        for _ in 0..20 {
            let status = app
                .client
                .find(Locator::Id("saved-request-status"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap_or_default();
            if status.starts_with("Filled in") && status.contains(name) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    let said = app
        .client
        .execute(
            "return JSON.stringify({errors: window.__errors, status: document.getElementById('saved-request-status').textContent, \
             list: document.getElementById('saved-request-list').outerHTML.slice(0, 3000)});",
            vec![],
        )
        .await
        .unwrap();
    panic!("pressing {name} did not fill it in: {said}");
}

fn collection(base: &str) -> String {
    serde_json::json!({
        "info": {"name": "Sandbox OIC", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "oicBase", "value": base}],
        "event": [{"listen": "test", "script": {"exec": ["pm.test('ok', () => {});"]}}],
        "item": [{
            "name": "Integration",
            "item": [{
                "name": "Connections",
                "item": [{
                    "name": "List connections",
                    "request": {
                        "method": "GET",
                        "header": [{"key": "Authorization", "value": "Bearer {{access_token}}"}, {"key": "Accept", "value": "application/json"}],
                        "url": {"raw": "{{oicBase}}/ic/api/integration/v1/connections"}
                    }
                }]
            }, {
                "name": "Unresolved",
                "request": {"method": "GET", "url": "{{nowhere}}/ic/api/integration/v1/connections"}
            }]
        }]
    })
    .to_string()
}

#[tokio::test]
async fn an_imported_collection_sends_with_the_profiles_token_and_a_pasted_curl_gets_a_token() {
    let app = App::launch().await;
    app.profile_shown().await;
    app.client
        .execute(
            "window.__errors = []; window.addEventListener('error', (e) => window.__errors.push(e.message)); \
             window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason?.message ?? e.reason)));",
            vec![],
        )
        .await
        .unwrap();
    let url = app.value_of("URL").await;
    let base = url
        .strip_suffix("/ic/api/integration/v1/connections")
        .expect("the sandbox's connections URL")
        .to_owned();
    let token_url = app.value_of("Access Token URL").await;
    let client_id = app.value_of("Client ID").await;
    let client_secret = app.value_of("Client Secret").await;
    let scope = app.value_of("Scope").await;
    assert!(
        !client_secret.is_empty(),
        "the sandbox's own secret is shown for its profile"
    );

    let dir = std::env::temp_dir().join(format!("oc-collections-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sandbox.postman_collection.json");
    std::fs::write(&file, collection(&base)).unwrap();

    // Import… by the typed path.
    app.click("Import…").await;
    app.fill("File path", file.to_str().unwrap()).await;
    app.click("Run import").await;
    let report = app
        .text_when("import-report", "the import report", |t| {
            t.contains("requests in")
        })
        .await;
    assert!(
        report.contains(
            "Postman collection v2.1 “Sandbox OIC”: 2 requests in 3 folders, 1 variables imported."
        ),
        "{report}"
    );
    assert!(
        report.contains("2 requests carry pre-request scripts or tests; they are not run."),
        "{report}"
    );
    assert!(
        report.contains("uses the profile's token"),
        "the Bearer {{{{access_token}}}} header: {report}"
    );
    app.click("Done").await;
    app.profile_shown().await;

    // The filter finds it in its sub-folder; it fills the panel with {{oicBase}} as written.
    app.fill("Filter saved requests", "list conn").await;
    click_saved(&app, "List connections", "GET").await;
    let status = app
        .text_when("saved-request-status", "the fill", |t| {
            t.starts_with("Filled in")
        })
        .await;
    assert!(
        status.contains("uses the profile's token: press Get New Access Token, then Use Token"),
        "no token yet: {status}"
    );
    assert_eq!(
        app.value_of("URL").await,
        "{{oicBase}}/ic/api/integration/v1/connections"
    );
    let preview = app
        .text_when("url-preview", "the resolved URL", |t| t.contains(&base))
        .await;
    assert!(
        preview.contains(&format!("{base}/ic/api/integration/v1/connections")),
        "{preview}"
    );

    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer")
        .await;
    // Filled in again with a token in Current Token: it is attached as Use
    // Token would (without it the sandbox answers 401).
    click_saved(&app, "List connections", "GET").await;
    app.text_when("saved-request-status", "the fill with the token attached", |t| {
        t.contains("uses the profile's token (attached)")
    })
    .await;
    assert_eq!(app.send_and_wait().await, "200 OK");

    // A name with no variable: Send says which, and nothing is sent.
    app.fill("Filter saved requests", "unresolved").await;
    click_saved(&app, "Unresolved", "GET").await;
    let preview = app
        .text_when("url-preview", "the unresolved name", |t| {
            t.contains("Unresolved")
        })
        .await;
    assert!(preview.contains("nowhere"), "{preview}");
    app.click("Send").await;
    let code = app
        .text_when("response-error-code", "the error code", |t| !t.is_empty())
        .await;
    assert_eq!(code, "unresolved_variable");
    let message = app
        .text_when("response-error-message", "the message", |t| !t.is_empty())
        .await;
    assert!(message.contains("{{nowhere}}"), "{message}");

    // Paste cURL of a token request into a new profile's Import box.
    app.new_profile("Pasted curl").await;
    let command = format!(
        "curl -X POST {token_url} \\\n  -u '{client_id}:{client_secret}' \\\n  -H 'Content-Type: application/x-www-form-urlencoded' \\\n  -d grant_type=client_credentials \\\n  --data-urlencode 'scope={scope}'"
    );
    app.click("Import…").await;
    app.fill("File path", "").await;
    app.fill("Or paste a curl command or Postman JSON", &command)
        .await;
    app.click("Run import").await;
    let report = app
        .text_when("import-report", "the paste report", |t| {
            t.contains("Authorization panel")
        })
        .await;
    assert!(
        report.contains("client secret was saved in the keychain"),
        "{report}"
    );
    assert!(!report.contains(&client_secret), "no secret in the report");
    app.click("Done").await;
    assert_eq!(app.value_of("Access Token URL").await, token_url);
    assert_eq!(app.value_of("Client ID").await, client_id);
    assert_eq!(app.value_of("Scope").await, scope);
    assert_eq!(
        app.value_of("Client Secret").await,
        "",
        "the secret is in the keychain, not the field"
    );
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer")
        .await;
    let _ = std::fs::remove_dir_all(&dir);
    app.close().await;
}

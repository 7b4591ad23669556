//! Oracle Integration administration through the window, against the
//! built-in sandbox: an Oracle profile made from the sandbox's values lists
//! the integrations page by page, deactivates and activates one with
//! confirmation, exports its archive and imports it again (replace), tests a
//! failing connection and shows its message, resubmits an errored instance;
//! and each action's "Request sent" is what the sandbox's design-time host
//! received.

use crate::app::App;
use crate::oracle::{add_trusted_host, fill_three_values, new_oracle_profile, sandbox_values, SandboxValues};
use fantoccini::Locator;
use serde_json::Value;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// Clicks the button of `action` in the row `id` of the table `rows`.
async fn click_row(app: &App, rows: &str, id: &str, action: &str) {
    let css = format!("#{rows} tr[data-id=\"{id}\"] button[data-action=\"{action}\"]");
    let started = Instant::now();
    loop {
        match app.client.find(Locator::Css(&css)).await {
            Ok(button) => {
                // Centred, so the table's sticky header cannot cover it.
                let args = vec![serde_json::to_value(&button).unwrap()];
                let _ = app.client.execute("arguments[0].scrollIntoView({block: 'center'});", args).await;
                let clicked = button.click().await;
                match clicked {
                Ok(()) => return,
                Err(e) if started.elapsed() > WAIT => panic!("could not click {css}: {e}"),
                Err(_) => {}
                }
            }
            Err(e) if started.elapsed() > WAIT => {
                panic!("no {css}: {e}\n{}", app.what_the_window_says().await)
            }
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The confirmation names what and where; Confirm goes ahead.
async fn confirm(app: &App, names: &[&str]) -> String {
    let text = app.text_when("oic-confirm-text", "the confirmation", |t| !t.is_empty()).await;
    for name in names {
        assert!(text.contains(name), "the confirmation names {name}: {text}");
    }
    app.click("Confirm").await;
    text
}

/// The text of the last "Request sent" in `box_id` (collapsed, so read
/// from the page rather than as shown).
async fn request_sent(app: &App, box_id: &str) -> Vec<String> {
    let script = format!(
        "const pre = document.querySelector('#{box_id} pre.request-sent-text'); return pre ? pre.textContent : '';"
    );
    let text = app.client.execute(&script, vec![]).await.unwrap();
    text.as_str().unwrap_or_default().lines().map(str::to_owned).collect()
}

/// What the sandbox's design-time host received last.
async fn received_last(sandbox: &SandboxValues) -> Value {
    let url = format!("http://{}/sandbox/v1/received", sandbox.design_host);
    let all: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    all["items"].as_array().and_then(|items| items.last()).cloned().expect("the sandbox received a request")
}

/// "Request sent" names the method, the URL (path and query, with
/// integrationInstance), the headers and the body the sandbox received.
async fn assert_sent_is_received(app: &App, box_id: &str, sandbox: &SandboxValues) -> Vec<String> {
    let lines = request_sent(app, box_id).await;
    let received = received_last(sandbox).await;
    let (method, url) = lines[0].split_once(' ').unwrap_or_else(|| panic!("METHOD URL first: {lines:?}"));
    let url = url::Url::parse(url).unwrap();
    assert_eq!(received["method"], method, "{received}");
    assert_eq!(received["path"], url.path(), "{received}");
    assert_eq!(received["query"].as_str(), url.query(), "{received}");
    assert!(url.query().unwrap_or_default().contains("integrationInstance=sandbox-instance"), "{lines:?}");
    assert_eq!(received["authorization"], "Bearer", "the token went along");
    for line in lines.iter().skip(1).take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(": ").unwrap();
        if name == "Authorization" || value.starts_with("multipart/") {
            continue;
        }
        assert_eq!(received["headers"][name.to_ascii_lowercase()], value, "{name} as shown: {received}");
    }
    if let Some(at) = lines.iter().position(|l| l.is_empty()) {
        let shown = lines[at + 1..].join("\n");
        match received["body"]["text"].as_str() {
            Some(text) => assert_eq!(text, shown, "the body as shown"),
            None => {
                let names: Vec<String> = received["body"]["parts"].as_array().unwrap().iter()
                    .map(|p| p["name"].as_str().unwrap().to_owned()).collect();
                let shown_names: Vec<String> = lines[at + 1..].iter().map(|l| l.split('=').next().unwrap().to_owned()).collect();
                assert_eq!(names, shown_names, "the parts as shown");
            }
        }
    } else {
        assert!(received["body"].is_null(), "no body shown, none received: {received}");
    }
    lines
}

/// A new Oracle Integration profile on the sandbox's values, with a token
/// in use, and its administration dialog opened.
async fn open_administration(app: &App, sandbox: &SandboxValues) {
    new_oracle_profile(app).await;
    fill_three_values(app, sandbox).await;
    app.fill("Integration instance name", "sandbox-instance").await;
    add_trusted_host(app, &sandbox.design_host).await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    app.click("Oracle Integration administration…").await;
}

#[tokio::test]
async fn an_oracle_profile_administers_integrations_connections_and_errors_with_each_request_shown() {
    let app = App::launch().await;
    let sandbox = sandbox_values(&app).await;
    open_administration(&app, &sandbox).await;
    let progress = app
        .text_when("oic-integrations-progress", "every page", |t| t.ends_with("loaded."))
        .await;
    assert_eq!(progress, "300 of 300 integrations loaded.", "three pages of 100");
    let rows = app
        .client
        .find_all(Locator::Css("#oic-integrations-rows tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 300);

    // List → Deactivate → Activate, each confirmed.
    let hello = "HELLO_WORLD|01.00.0000";
    click_row(&app, "oic-integrations-rows", hello, "deactivate").await;
    confirm(&app, &["Hello World", "HELLO_WORLD", "sandbox-instance"]).await;
    let result = app
        .text_when("oic-integrations-result", "the deactivation", |t| t.contains("Deactivated"))
        .await;
    assert!(result.contains("its status is CONFIGURED"), "{result}");
    let sent = assert_sent_is_received(&app, "oic-integrations-result", &sandbox).await;
    assert!(sent[0].starts_with("POST ") && sent[0].contains("/integrations/HELLO_WORLD%7C01.00.0000?"), "{sent:?}");
    assert!(sent.contains(&"X-HTTP-Method-Override: PATCH".to_owned()), "{sent:?}");
    assert_eq!(sent.last().unwrap(), r#"{"status":"CONFIGURED"}"#);

    click_row(&app, "oic-integrations-rows", hello, "activate").await;
    confirm(&app, &["Activate Hello World"]).await;
    app.text_when("oic-integrations-result", "the activation", |t| t.contains("Activated")).await;
    let sent = assert_sent_is_received(&app, "oic-integrations-result", &sandbox).await;
    assert_eq!(sent.last().unwrap(), r#"{"status":"ACTIVATED"}"#);

    // Export .iar to a typed path, then Import .iar… (replace) the same file.
    let id = "SALESFORCE_ACCOUNT_SYNC|01.00.0003";
    let dir = std::env::temp_dir().join(format!("oc-e2e-admin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let archive = dir.join("SALESFORCE_ACCOUNT_SYNC_01.00.0003.iar");
    click_row(&app, "oic-integrations-rows", id, "export").await;
    app.fill("Save archive as", &archive.display().to_string()).await;
    app.click("Save archive").await;
    let saved = app.text_when("oic-export-progress", "the archive saved", |t| t.starts_with("Saved")).await;
    assert!(saved.contains(&archive.display().to_string()), "{saved}");
    let bytes = std::fs::read(&archive).expect("the archive is on disk");
    assert_eq!(&bytes[..4], b"PK\x03\x04", "a zip file");
    assert_sent_is_received(&app, "oic-integrations-result", &sandbox).await;

    app.click("Import .iar…").await;
    app.fill("Archive file (.iar)", &archive.display().to_string()).await;
    app.client.find(Locator::Id("oic-import-replace")).await.unwrap().click().await.unwrap();
    let warning = app.text_when("oic-import-warning", "the replace warning", |t| !t.is_empty()).await;
    assert!(warning.contains("overwrites"), "{warning}");
    app.click("Upload archive").await;
    confirm(&app, &["SALESFORCE_ACCOUNT_SYNC_01.00.0003.iar", "sandbox-instance"]).await;
    let imported = app
        .text_when("oic-integrations-result", "the import", |t| t.contains("Imported") || t.contains("failed"))
        .await;
    assert!(imported.contains("replaced"), "{imported}");
    let received = received_last(&sandbox).await;
    assert!(
        received["method"] == "PUT" || received["path"].as_str().unwrap().ends_with("/integrations"),
        "the replace, or the list reloaded after it: {received}"
    );
    std::fs::remove_dir_all(&dir).ok();

    // Connections: a failing test and its message.
    app.click_tab("Connections").await;
    app.text_when("oic-connections-progress", "the connections", |t| t == "25 of 25 connections loaded.").await;
    click_row(&app, "oic-connections-rows", "SOAP_LEGACY_BILLING", "test").await;
    let tested = app
        .text_when("oic-connections-result", "the test result", |t| t.contains("Test of"))
        .await;
    assert!(tested.contains("failed") && tested.contains("UnknownHostException"), "{tested}");
    let sent = assert_sent_is_received(&app, "oic-connections-result", &sandbox).await;
    assert!(sent[0].starts_with("POST ") && sent[0].contains("/connections/SOAP_LEGACY_BILLING/test?"), "{sent:?}");

    // Errors: resubmit one.
    app.click_tab("Errors").await;
    app.text_when("oic-errors-progress", "the errors", |t| t == "8 of 8 errors loaded.").await;
    click_row(&app, "oic-errors-rows", "sandbox-error-0200", "resubmit").await;
    confirm(&app, &["sandbox-error-0200", "New Hire Onboarding", "sandbox-instance"]).await;
    let resubmitted = app
        .text_when("oic-errors-result", "the resubmission", |t| t.contains("Resubmit"))
        .await;
    assert!(resubmitted.contains("Resubmit of sandbox-error-0200 requested (HTTP 202)"), "{resubmitted}");
    let sent = assert_sent_is_received(&app, "oic-errors-result", &sandbox).await;
    assert!(sent[0].contains("/monitoring/errors/sandbox-error-0200/resubmit?"), "{sent:?}");
    assert!(
        app.client
            .find(Locator::Css("#oic-errors-rows tr[data-id=\"sandbox-error-0200\"]"))
            .await
            .is_err(),
        "the resubmitted instance leaves the list"
    );

    // Resubmit selected (two ticked), then Abort one.
    for id in ["sandbox-error-0199", "sandbox-error-0198"] {
        let css = format!("#oic-errors-rows tr[data-id=\"{id}\"] input.select-error");
        app.client.find(Locator::Css(&css)).await.unwrap().click().await.unwrap();
    }
    app.click("Resubmit selected").await;
    confirm(&app, &["Resubmit 2 errored instances", "sandbox-instance"]).await;
    let bulk = app
        .text_when("oic-errors-result", "the bulk resubmission", |t| t.contains("Resubmit of 2"))
        .await;
    assert!(bulk.contains("Resubmit of 2 requested: 2 accepted."), "{bulk}");
    app.text_when("oic-errors-progress", "the errors again", |t| t == "5 of 5 errors loaded.").await;
    click_row(&app, "oic-errors-rows", "sandbox-error-0196", "abort").await;
    let asked = confirm(&app, &["Abort instance sandbox-error-0196"]).await;
    assert!(asked.contains("Hello World"), "{asked}");
    let aborted = app
        .text_when("oic-errors-result", "the abort", |t| t.contains("Aborted"))
        .await;
    assert!(aborted.contains("Aborted sandbox-error-0196"), "{aborted}");
    let sent = assert_sent_is_received(&app, "oic-errors-result", &sandbox).await;
    assert!(sent[0].contains("/monitoring/errors/sandbox-error-0196/discard?"), "{sent:?}");
    app.close().await;
}

/// The progress line, read by a script: the window runs it while it loads.
async fn progress_by_script(app: &App) -> String {
    let value = app
        .client
        .execute("return document.getElementById('oic-integrations-progress').textContent;", vec![])
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn two_thousand_integrations_load_in_pages_with_cancel_and_a_token_without_the_role_is_told_which_role() {
    let app = App::launch().await;
    let sandbox = sandbox_values(&app).await;
    let grown = reqwest::Client::new()
        .post(format!("http://{}/sandbox/v1/integrations?count=2000&pageDelayMs=200", sandbox.design_host))
        .send()
        .await
        .unwrap();
    assert!(grown.status().is_success(), "the sandbox grows its catalogue");
    open_administration(&app, &sandbox).await;
    app.text_when("oic-integrations-progress", "the first page", |t| t.starts_with("Loading integrations… 100")).await;
    // Scripts keep running between pages: the window answers while it loads
    // (how fast is `make bench`'s business, not a test's).
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(progress_by_script(&app).await);
    }
    assert!(
        answers.iter().any(|t| t.starts_with("Loading integrations…")),
        "the window answered while the integrations were loading: {answers:?}"
    );
    app.client.find(Locator::Id("oic-integrations-stop")).await.unwrap().click().await.unwrap();
    let stopped = app
        .text_when("oic-integrations-progress", "the stop", |t| t.starts_with("Stopped") || t.ends_with("loaded."))
        .await;
    assert!(stopped.starts_with("Stopped: ") && stopped.contains("of 2000"), "Cancel stops the paging: {stopped}");

    app.click("Search integrations").await;
    let all = app
        .text_when("oic-integrations-progress", "every page", |t| t.ends_with("loaded."))
        .await;
    assert_eq!(all, "2000 of 2000 integrations loaded.");
    let rows = app.client.find_all(Locator::Css("#oic-integrations-rows tr")).await.unwrap();
    assert_eq!(rows.len(), 2000);

    app.fill("Search integrations", "hello").await;
    app.click("Search integrations").await;
    app.text_when("oic-integrations-progress", "the search", |t| t == "1 of 1 integrations loaded.").await;
    let sent = request_sent(&app, "oic-integrations-list-sent").await;
    assert!(sent[0].contains("q=%7Bname%3A%2Fhello%2F%7D"), "the search is Oracle's q: {sent:?}");
    assert_sent_is_received(&app, "oic-integrations-list-sent", &sandbox).await;

    click_row(&app, "oic-integrations-rows", "HELLO_WORLD|01.00.0000", "open").await;
    let url = app.value_of("URL").await;
    assert_eq!(
        url,
        format!("http://{}/ic/api/integration/v1/integrations/HELLO_WORLD%7C01.00.0000?integrationInstance=sandbox-instance", sandbox.design_host),
        "the design-time URL the runtime URL redirected to"
    );

    // The client-credentials-only application holds ServiceViewer and
    // ServiceMonitor: it reads, and Activate is refused with the role named.
    app.fill("Client ID", "sandbox-cc-only").await;
    app.fill("Client Secret", "sandbox-cc-only-secret").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    app.click("Oracle Integration administration…").await;
    click_row(&app, "oic-integrations-rows", "HELLO_WORLD|01.00.0000", "deactivate").await;
    confirm(&app, &["Hello World"]).await;
    let refused = app
        .text_when("oic-integrations-result", "the refusal", |t| t.contains("failed"))
        .await;
    assert!(refused.contains("HTTP 403") && refused.contains("ServiceViewer, ServiceMonitor"), "{refused}");
    assert!(
        refused.contains("Deactivate needs the Oracle Integration application role ServiceDeveloper"),
        "the role needed, in Oracle's words: {refused}"
    );
    app.close().await;
}

//! Saved requests: the request panel kept under a name in the profile,
//! filled back in on demand (never sent by choosing it), across a restart.

use crate::app::{fresh_config_home, App};
use fantoccini::Locator;

async fn settled(app: &App) {
    // The profile is saved shortly after the last edit.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    app.text_when("save-status", "Saved", |t| t == "Saved").await;
}

#[tokio::test]
async fn a_saved_request_fills_the_panel_again_and_survives_a_restart() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.new_profile("Saved requests").await;
    app.choose("Method", "POST").await;
    app.fill("URL", "https://design.example.test/ic/api/integration/v1/integrations?limit=5").await;
    app.fill("Request name", "Five integrations").await;
    app.click("Save request").await;
    let status = app.text_when("saved-request-status", "a confirmation", |t| !t.is_empty()).await;
    assert_eq!(status, "Saved \"Five integrations\".");

    app.choose("Method", "GET").await;
    app.fill("URL", "https://other.example.test/").await;
    app.choose("Saved requests", "Five integrations (POST)").await;
    let status = app.text_when("saved-request-status", "the fill", |t| t.starts_with("Filled in")).await;
    assert_eq!(status, "Filled in \"Five integrations\"; press Send to send it.");
    assert_eq!(app.value_of("Method").await, "POST");
    assert_eq!(
        app.value_of("URL").await,
        "https://design.example.test/ic/api/integration/v1/integrations?limit=5"
    );
    let response = app.text_when("response-empty", "no response", |_| true).await;
    assert!(!response.is_empty(), "choosing a saved request sends nothing");
    settled(&app).await;
    app.close().await;

    let app = App::launch_with_config(&config).await;
    let names = app
        .client
        .find(Locator::Id("saved-request"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(names.contains("Five integrations (POST)"), "saved with the profile: {names}");
    app.choose("Saved requests", "Five integrations (POST)").await;
    app.click("Delete saved request").await;
    let status = app.text_when("saved-request-status", "the deletion", |t| t.starts_with("Deleted")).await;
    assert_eq!(status, "Deleted \"Five integrations\".");
    app.close().await;
}

#[tokio::test]
async fn saving_a_request_without_a_name_asks_for_one_and_keeps_the_request() {
    let app = App::launch().await;
    let url = app.value_of("URL").await;
    app.fill("Request name", "").await;
    app.click("Save request").await;
    let status = app.text_when("saved-request-status", "a message", |t| !t.is_empty()).await;
    assert_eq!(status, "Type a name for the request first.");
    assert_eq!(app.value_of("URL").await, url, "nothing the user typed is lost");
    app.close().await;
}

//! File bodies through the window: a multipart/form-data body with a text
//! part and a file part, and a binary file, sent to the sandbox's echo
//! (`/sandbox/v1/echo`), which answers with what it received; a file gone
//! at Send is `body_file` with every field kept; History reopens the
//! multipart send with its file path. Files are given as typed paths
//! (WebDriver cannot drive the native dialog behind Choose file…).

use crate::app::App;
use fantoccini::Locator;
use sha2::{Digest, Sha256};

/// A file of the test's own under the test HOME.
fn test_file(name: &str, content: &[u8]) -> String {
    let dir = format!("{}/e2e-bodies-{}", std::env::var("HOME").expect("HOME is set"), std::process::id());
    std::fs::create_dir_all(&dir).unwrap();
    let path = format!("{dir}/{name}");
    std::fs::write(&path, content).unwrap();
    path
}

/// The last row's field of the parts table with this aria-label.
fn last_part(label: &str) -> String {
    format!("(//tbody[@id='parts-rows']//*[@aria-label='{label}'])[last()]")
}

async fn type_into(app: &App, xpath: &str, text: &str) {
    let field = app.client.find(Locator::XPath(xpath)).await.unwrap_or_else(|e| panic!("no {xpath}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The response body as the viewer shows it, once it holds `what`.
async fn response_with(app: &App, what: &str) -> String {
    app.text_when("response-view", what, |t| t.contains(what)).await
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn multipart_and_binary_file_bodies_reach_the_sandbox_as_chosen_and_a_missing_file_keeps_the_fields() {
    let part_content = b"part file content, not a secret";
    let part_path = test_file("part-upload.txt", part_content);
    let binary: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let binary_path = test_file("HELLO_WORLD_01.00.0000.iar", &binary);

    let app = App::launch().await;
    let token_url = app.value_of("Access Token URL").await;
    let echo = format!("{}/sandbox/v1/echo", token_url.strip_suffix("/oauth2/v1/token").expect("the sandbox's token URL"));

    // multipart/form-data: a text part and a file part.
    app.choose("Method", "POST").await;
    app.fill("URL", &echo).await;
    app.click_tab("Body").await;
    app.choose("Body type", "multipart/form-data").await;
    app.click("Add part").await;
    type_into(&app, &last_part("Part name"), "type").await;
    type_into(&app, &last_part("Part value"), "replace").await;
    app.click("Add part").await;
    type_into(&app, &last_part("Part name"), "file").await;
    let kind = app.client.find(Locator::XPath(&last_part("Part type"))).await.unwrap();
    let focus = vec![serde_json::to_value(&kind).unwrap()];
    app.client.execute("arguments[0].blur(); arguments[0].focus();", focus).await.unwrap();
    kind.select_by_label("File").await.unwrap();
    type_into(&app, &last_part("Part file path"), &part_path).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let seen = response_with(&app, "\"filename\": \"part-upload.txt\"").await;
    assert!(seen.contains("\"contentType\": \"multipart/form-data; boundary="), "{seen}");
    assert!(seen.contains("\"value\": \"replace\""), "the text part arrived: {seen}");
    assert!(seen.contains(&format!("\"size\": {}", part_content.len())), "the whole file arrived: {seen}");
    assert!(seen.contains(&hex(&Sha256::digest(part_content))), "unchanged: {seen}");
    assert!(seen.contains("\"method\": \"POST\""), "{seen}");

    // binary file: the file as the whole body, with its content type.
    app.choose("Method", "PUT").await;
    app.choose("Body type", "binary file").await;
    app.fill("File to send", &binary_path).await;
    app.fill("File content type", "application/x-iar").await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let seen = response_with(&app, &hex(&Sha256::digest(&binary))).await;
    assert!(seen.contains("\"contentType\": \"application/x-iar\""), "{seen}");
    assert!(seen.contains(&format!("\"size\": {}", binary.len())), "{seen}");
    assert!(seen.contains("\"method\": \"PUT\""), "{seen}");

    // A file gone at Send: body_file, naming the path, every field kept.
    let gone = format!("{binary_path}.gone");
    app.fill("File to send", &gone).await;
    app.click("Send").await;
    let code = app.text_when("response-error-code", "the error's code", |t| !t.is_empty()).await;
    assert_eq!(code, "body_file");
    let message = app.text_when("response-error-message", "the message", |t| !t.is_empty()).await;
    assert!(message.contains(&gone), "the message names the file: {message}");
    assert_eq!(app.value_of("File to send").await, gone, "the path is kept");
    assert_eq!(app.value_of("File content type").await, "application/x-iar");
    assert_eq!(app.value_of("Body type").await, "file");

    // History keeps the paths: the multipart send reopens with its file part.
    let multipart = app.client.find(Locator::Css("#history-list li:nth-child(3) button")).await.unwrap();
    multipart.click().await.unwrap();
    app.text_when("history-status", "the fill", |t| t.contains("press Send")).await;
    assert_eq!(app.value_of("Body type").await, "multipart");
    let parts = app
        .client
        .execute(
            "return [...document.querySelectorAll('#parts-rows tr')].map((tr) => [
               tr.querySelector('[aria-label=\"Part name\"]').value,
               tr.querySelector('[aria-label=\"Part type\"]').value,
               (tr.querySelector('[aria-label=\"Part value\"]') || tr.querySelector('[aria-label=\"Part file path\"]')).value]);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(parts, serde_json::json!([["type", "text", "replace"], ["file", "file", part_path]]));
    assert_eq!(app.send_and_wait().await, "200 OK", "and it sends again, reading the file again");
    response_with(&app, "\"filename\": \"part-upload.txt\"").await;
    app.close().await;
}

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

/// A locked multipart text part's value; the secrets scan looks for it.
const SAVED_PART_SECRET: &str = "saved-part-secret-not-real";

async fn find(app: &App, xpath: String) -> fantoccini::elements::Element {
    app.client.find(Locator::XPath(&xpath)).await.unwrap_or_else(|e| panic!("no {xpath}: {e}"))
}

/// A file of the test's own under the test HOME.
fn file_of_the_test(name: &str, content: &str) -> String {
    let dir = format!("{}/e2e-saved-bodies-{}", std::env::var("HOME").expect("HOME is set"), std::process::id());
    std::fs::create_dir_all(&dir).unwrap();
    let path = format!("{dir}/{name}");
    std::fs::write(&path, content).unwrap();
    path
}

/// One request as a local API on 127.0.0.1 received it.
#[derive(Debug, Clone)]
struct Received {
    request_line: String,
    content_type: Option<String>,
    body: String,
}

/// An API on 127.0.0.1 that answers 200 to everything and keeps what it was sent.
async fn recording_api() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Received>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = received.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                // Keep-alive: several requests may come on one connection.
                let mut data = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&data[..end]).into_owned();
                    let header = |name: &str| {
                        head.lines().skip(1).find_map(|l| {
                            let (n, v) = l.split_once(':')?;
                            n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                        })
                    };
                    let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                    while data.len() < end + 4 + length {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let body = String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned();
                    record.lock().unwrap().push(Received {
                        request_line: head.lines().next().unwrap_or_default().to_owned(),
                        content_type: header("content-type"),
                        body,
                    });
                    data.drain(..end + 4 + length);
                    let answer = "{\"ok\":true}";
                    let response = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if stream.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, received)
}

#[tokio::test]
async fn saved_requests_with_every_body_kind_load_and_send_after_a_restart() {
    let (base, received) = recording_api().await;
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    app.new_profile("Bodies").await;
    app.click_tab("Body").await;
    // (saved request name, method, body type, body)
    let kinds = [
        ("No body", "GET", "none", ""),
        ("JSON body", "POST", "raw JSON", "{\"fake\":\"json-body\"}"),
        ("Form body", "PUT", "x-www-form-urlencoded", ""),
        ("Text body", "PATCH", "text", "fake text body"),
    ];
    for (name, method, body_kind, body) in kinds {
        app.choose("Method", method).await;
        app.fill("URL", &format!("{base}/{}", name.replace(' ', "-"))).await;
        app.choose("Body type", body_kind).await;
        match body_kind {
            "raw JSON" | "text" => app.fill("Body", body).await,
            "x-www-form-urlencoded" => {
                app.click("Add field").await;
                let last = |label: &str| format!("(//tbody[@id='form-rows']//input[@aria-label='{label}'])[last()]");
                app.client.find(Locator::XPath(&last("Field name"))).await.unwrap().send_keys("note").await.unwrap();
                app.client.find(Locator::XPath(&last("Field value"))).await.unwrap().send_keys("fake-form-value").await.unwrap();
            }
            _ => {}
        }
        app.fill("Request name", name).await;
        app.click("Save request").await;
        app.text_when("saved-request-status", "the confirmation", |t| t == format!("Saved \"{name}\".")).await;
    }
    // File bodies: the paths are kept, a locked text part goes to the keychain.
    let part_file = file_of_the_test("saved-part.txt", "fake part file content");
    let whole_file = file_of_the_test("saved-body.bin", "fake binary body");
    app.choose("Method", "POST").await;
    app.fill("URL", &format!("{base}/Multipart-body")).await;
    app.choose("Body type", "multipart/form-data").await;
    let last = |label: &str| format!("(//tbody[@id='parts-rows']//*[@aria-label='{label}'])[last()]");
    app.click("Add part").await;
    find(&app, last("Part name")).await.send_keys("note").await.unwrap();
    find(&app, last("Part value")).await.send_keys("fake-part-value").await.unwrap();
    app.click("Add part").await;
    find(&app, last("Part name")).await.send_keys("pin").await.unwrap();
    find(&app, last("Part value")).await.send_keys(SAVED_PART_SECRET).await.unwrap();
    find(&app, last("Secret part value")).await.click().await.unwrap();
    app.click("Add part").await;
    find(&app, last("Part name")).await.send_keys("file").await.unwrap();
    let kind = find(&app, last("Part type")).await;
    let focus = vec![serde_json::to_value(&kind).unwrap()];
    app.client.execute("arguments[0].blur(); arguments[0].focus();", focus).await.unwrap();
    kind.select_by_label("File").await.unwrap();
    find(&app, last("Part file path")).await.send_keys(&part_file).await.unwrap();
    app.fill("Request name", "Multipart body").await;
    app.click("Save request").await;
    app.text_when("saved-request-status", "the confirmation", |t| t == "Saved \"Multipart body\".").await;
    app.choose("Method", "PUT").await;
    app.fill("URL", &format!("{base}/File-body")).await;
    app.choose("Body type", "binary file").await;
    app.fill("File to send", &whole_file).await;
    app.fill("File content type", "application/x-fake").await;
    app.fill("Request name", "File body").await;
    app.click("Save request").await;
    app.text_when("saved-request-status", "the confirmation", |t| t == "Saved \"File body\".").await;
    settled(&app).await;
    app.close().await;
    let stored = std::fs::read_to_string(std::path::Path::new(&config).join("dev.oauthconsole.desktop/profiles.json")).unwrap();
    assert!(!stored.contains(SAVED_PART_SECRET), "the locked part's value is not in the settings file");
    assert!(stored.contains(&part_file) && stored.contains(&whole_file), "the paths are");

    // Restart, then fill each saved request in and send it.
    let app = App::launch_with_config(&config).await;
    app.profile_shown().await;
    for (n, (name, method, _, _)) in kinds.iter().enumerate() {
        app.choose("Saved requests", &format!("{name} ({method})")).await;
        app.text_when("saved-request-status", "the fill", |t| t.starts_with("Filled in")).await;
        app.click("Send").await;
        let started = std::time::Instant::now();
        while received.lock().unwrap().len() <= n {
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "{name} was never sent");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        app.text_when("response-status", "200 OK", |t| t == "200 OK").await;
    }
    for (n, name) in [(4, "Multipart body (POST)"), (5, "File body (PUT)")] {
        app.choose("Saved requests", name).await;
        app.text_when("saved-request-status", "the fill", |t| t.starts_with("Filled in")).await;
        app.click("Send").await;
        let started = std::time::Instant::now();
        while received.lock().unwrap().len() <= n {
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "{name} was never sent");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    let received = received.lock().unwrap().clone();
    assert!(received[4].content_type.as_deref().is_some_and(|t| t.starts_with("multipart/form-data; boundary=")), "{:?}", received[4].content_type);
    for part in [
        "name=\"note\"\r\n\r\nfake-part-value\r\n".to_owned(),
        format!("name=\"pin\"\r\n\r\n{SAVED_PART_SECRET}\r\n"),
        "name=\"file\"; filename=\"saved-part.txt\"\r\nContent-Type: application/octet-stream\r\n\r\nfake part file content\r\n".to_owned(),
    ] {
        assert!(received[4].body.contains(&part), "{part:?} in {:?}", received[4].body);
    }
    assert_eq!((received[5].content_type.as_deref(), received[5].body.as_str()), (Some("application/x-fake"), "fake binary body"));
    let received = &received[..4];
    let line = |r: &Received| r.request_line.clone();
    assert_eq!(
        received.iter().map(line).collect::<Vec<_>>(),
        [
            "GET /No-body HTTP/1.1",
            "POST /JSON-body HTTP/1.1",
            "PUT /Form-body HTTP/1.1",
            "PATCH /Text-body HTTP/1.1"
        ],
        "each saved request went out with its method and URL"
    );
    assert_eq!((received[0].content_type.as_deref(), received[0].body.as_str()), (None, ""), "no body");
    assert_eq!(received[1].content_type.as_deref(), Some("application/json"));
    assert_eq!(received[1].body, "{\"fake\":\"json-body\"}");
    assert!(
        received[2].content_type.as_deref().is_some_and(|t| t.starts_with("application/x-www-form-urlencoded")),
        "{:?}",
        received[2].content_type
    );
    assert_eq!(received[2].body, "note=fake-form-value");
    assert!(received[3].content_type.as_deref().is_some_and(|t| t.starts_with("text/plain")), "{:?}", received[3].content_type);
    assert_eq!(received[3].body, "fake text body");
    app.close().await;
}

/// The names the sidebar's tree shows, in order, folders as `name/[...]`,
/// for what is open.
async fn tree(app: &App) -> String {
    let shown = app
        .client
        .execute(
            r#"const walk = (ul) => [...ul.children].map((li) => {
                 const b = li.querySelector(":scope > button");
                 const name = b.querySelector(".saved-name").textContent;
                 const sub = li.querySelector(":scope > ul");
                 return b.dataset.folder ? `${name}/[${sub ? walk(sub) : ""}]` : name;
               }).join(",");
               return walk(document.getElementById("saved-request-list"));"#,
            vec![],
        )
        .await
        .unwrap();
    shown.as_str().unwrap_or_default().to_owned()
}

/// Presses the tree's button for the folder or request named `name`.
async fn press_in_tree(app: &App, name: &str) {
    let xpath = format!("//ul[@id='saved-request-list']//button[span[@class='saved-name'][normalize-space(.)='{name}']]");
    let found = match app.client.find(Locator::XPath(&xpath)).await {
        Ok(found) => found,
        Err(e) => {
            let html = app
                .client
                .execute("return document.getElementById('saved-request-list').outerHTML + ' / options: ' + document.getElementById('saved-request').textContent + ' / status: ' + document.getElementById('saved-request-status').textContent + ' / folders: ' + document.getElementById('saved-request-folder').textContent", vec![])
                .await
                .unwrap();
            panic!("{name:?} is not in the tree ({e}): {html}")
        }
    };
    found.click().await.unwrap();
}

#[tokio::test]
async fn saved_requests_live_in_folders_that_can_be_renamed_moved_filtered_and_deleted_with_undo() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.new_profile("Folders").await;

    // A folder, named, with a request saved into it.
    app.click("New folder").await;
    app.fill("New name", "OIC").await;
    app.click("Rename folder").await;
    app.text_when("saved-request-status", "the rename", |t| t == "Renamed \"New folder\" to \"OIC\".").await;
    app.fill("URL", "https://design.example.test/ic/api/integration/v1/integrations").await;
    app.fill("Request name", "List integrations").await;
    app.choose("Folder", "OIC").await;
    app.click("Save request").await;
    app.text_when("saved-request-status", "the save", |t| t == "Saved \"List integrations\" in \"OIC\".").await;

    // A folder inside it, and a second request at the top level moved into it.
    press_in_tree(&app, "OIC").await; // chosen (and closed: pressing toggles)
    app.click("New folder").await;
    app.fill("New name", "Connections").await;
    app.click("Rename folder").await;
    app.fill("URL", "https://design.example.test/ic/api/integration/v1/connections").await;
    app.fill("Request name", "List connections").await;
    app.choose("Folder", "(top level)").await;
    app.click("Save request").await;
    app.text_when("saved-request-status", "the save", |t| t == "Saved \"List connections\".").await;
    press_in_tree(&app, "List connections").await;
    app.choose("Move to", "OIC / Connections").await;
    app.click("Move").await;
    app.text_when("saved-request-status", "the move", |t| t == "Moved \"List connections\" to \"OIC / Connections\".").await;
    assert_eq!(tree(&app).await, "OIC/[Connections/[List connections],List integrations]");

    // A folder cannot go into a folder inside it.
    press_in_tree(&app, "OIC").await;
    let disabled = app
        .client
        .execute(
            "return [...document.getElementById('saved-item-move').options].filter(o => o.disabled).map(o => o.text).join('|')",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(disabled.as_str(), Some("OIC|OIC / Connections"));

    // The filter finds a request by any word of its name, method, URL or folder.
    app.fill("Filter saved requests", "connections").await;
    assert_eq!(tree(&app).await, "OIC/[Connections/[List connections]]");
    app.fill("Filter saved requests", "integrations get").await;
    assert_eq!(tree(&app).await, "OIC/[List integrations]");
    app.fill("Filter saved requests", "nothing like it").await;
    app.text_when("saved-filter-empty", "the empty message", |t| t == "No saved request matches.").await;
    app.fill("Filter saved requests", "").await;

    // Deleting a folder takes what it holds; Undo brings all of it back.
    press_in_tree(&app, "OIC").await;
    app.click("Delete folder").await;
    app.text_when("saved-request-status", "the deletion", |t| {
        t == "Deleted folder \"OIC\" and the 2 requests in it."
    })
    .await;
    assert_eq!(tree(&app).await, "");
    app.click("Undo").await;
    app.text_when("saved-request-status", "the undo", |t| t == "Restored 4 items.").await;
    settled(&app).await;
    app.close().await;

    // The tree is kept with the profile.
    let app = App::launch_with_config(&config).await;
    press_in_tree(&app, "OIC").await;
    press_in_tree(&app, "Connections").await;
    assert_eq!(tree(&app).await, "OIC/[Connections/[List connections],List integrations]");
    press_in_tree(&app, "List connections").await;
    assert_eq!(app.value_of("URL").await, "https://design.example.test/ic/api/integration/v1/connections");
    let profiles = std::fs::read_to_string(format!("{config}/dev.oauthconsole.desktop/profiles.json")).unwrap();
    assert!(profiles.contains("\"savedFolders\""), "folders are written with the profile");
    app.close().await;
}

//! Hostile answers through the window (issue 12; the table is
//! docs/robustness.md): each test starts a small server of its own on
//! 127.0.0.1, sends to it as a user does, and checks what the panel says,
//! that the window still answers within a second, and that what the user
//! typed is still there.

use crate::app::{fresh_config_home, App};
use crate::network::{apply, close_network_settings, open_network_settings};
use fantoccini::Locator;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the test server received it.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) head: String,
    pub(crate) body: Vec<u8>,
}

impl Seen {
    fn has_header(&self, name: &str) -> bool {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head.lines().any(|l| l.to_ascii_lowercase().starts_with(&prefix))
    }
}

/// A one-purpose HTTP/1.1 server on 127.0.0.1: `answer` gets each request's
/// head and returns the whole response; every request is recorded.
pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) seen: Arc<Mutex<Vec<Seen>>>,
    pub(crate) task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(crate) async fn serve(answer: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let answer = Arc::new(answer);
    let record = seen.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (answer, record) = (answer.clone(), record.clone());
            tokio::spawn(async move {
                let Some(seen) = read_request(&mut socket).await else { return };
                let response = answer(&seen.head);
                record.lock().unwrap().push(seen);
                // The client may hang up early (a body past its limit).
                let _ = socket.write_all(&response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    Server { base, seen, task }
}

pub(crate) async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
        .unwrap_or(0);
    let mut body = buf[end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen { head, body })
}

pub(crate) fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// The window answers a script within a second, and returns its result.
pub(crate) async fn answers_within_a_second(app: &App, script: &str) -> serde_json::Value {
    let started = Instant::now();
    let value = app.client.execute(script, vec![]).await.expect("the window answers a script");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the window took {:?} to answer a script: it is busy on the main thread",
        started.elapsed()
    );
    value
}

pub(crate) async fn visible_text(app: &App, id: &str) -> String {
    let element = app.client.find(Locator::Id(id)).await.unwrap();
    if element.is_displayed().await.unwrap_or(false) {
        element.text().await.unwrap_or_default()
    } else {
        String::new()
    }
}

#[tokio::test]
async fn json_nested_a_hundred_thousand_deep_is_shown_raw_with_a_notice_and_the_window_keeps_answering() {
    const DEPTH: usize = 100_000;
    let server = serve(|_| {
        let body = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
        response("200 OK", &[("Content-Type", "application/json")], body.as_bytes())
    })
    .await;
    let url = format!("{}/nested?depth={DEPTH}", server.base);

    let app = App::launch().await;
    app.new_profile("Hostile JSON").await;
    app.fill("URL", &url).await;
    let status = app.send_and_wait().await;
    assert_eq!(status, "200 OK");
    let notice = app.text_when("response-body-notice", "the raw-body notice", |t| !t.is_empty()).await;
    assert!(
        notice.contains("Shown as received") && notice.contains("nested more than"),
        "says why the body is not indented: {notice}"
    );
    let typed = answers_within_a_second(&app, "return document.getElementById('url').value;").await;
    assert_eq!(typed.as_str(), Some(url.as_str()), "the URL field keeps what the user typed");
    assert_eq!(app.value_of("URL").await, url);
    app.close().await;
}

#[tokio::test]
async fn a_307_that_would_resend_the_body_without_credentials_is_stopped_and_follow_once_sends_it_without_them() {
    let landing = serve(|_| response("200 OK", &[("Content-Type", "text/plain")], b"landed")).await;
    let target = format!("{}/landing", landing.base);
    let location = target.clone();
    let first = serve(move |_| response("307 Temporary Redirect", &[("Location", &location)], b"")).await;
    let url = format!("{}/submit", first.base);

    let app = App::launch().await;
    app.new_profile("Redirect with a body").await;
    app.choose("Method", "POST").await;
    app.fill("URL", &url).await;
    app.click_tab("Headers").await;
    app.click("Add header").await;
    let name = app.client.find(Locator::Css("#headers-rows input[aria-label='Header name']")).await.unwrap();
    name.send_keys("Authorization").await.unwrap();
    let value = app.client.find(Locator::Css("#headers-rows input[aria-label='Header value']")).await.unwrap();
    value.send_keys("Bearer not-a-real-token").await.unwrap();
    app.click_tab("Body").await;
    app.choose("Body type", "text").await;
    app.fill("Body", "a body written for the first host").await;

    let status = app.send_and_wait().await;
    assert_eq!(status, "307 Temporary Redirect", "the redirect is the answer shown, not followed");
    assert!(landing.seen.lock().unwrap().is_empty(), "nothing reached the second host");
    app.click_tab("Redirects").await;
    let hops = app.text_when("response-hops", "the stopped hop", |t| t.contains("Stopped")).await;
    assert!(hops.contains(&target), "the stopped hop names where it pointed: {hops}");
    assert!(
        hops.contains("would send the request body again") && hops.contains("does not get the credentials"),
        "the stopped hop says why: {hops}"
    );
    answers_within_a_second(&app, "return 1;").await;

    let status = app.press_and_wait_for_response("Follow once without credentials").await;
    assert_eq!(status, "200 OK");
    let seen = landing.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "Follow once sent one request: {seen:?}");
    assert!(seen[0].head.starts_with("POST /landing "), "same method on a 307: {}", seen[0].head);
    assert!(!seen[0].has_header("authorization"), "no credentials went along: {}", seen[0].head);
    assert_eq!(seen[0].body, b"a body written for the first host");
    assert_eq!(app.value_of("URL").await, url, "the URL field keeps what the user typed");
    app.close().await;
}

#[tokio::test]
async fn a_javascript_location_is_listed_as_stopped_and_never_offered_to_follow() {
    let server = serve(|_| response("302 Found", &[("Location", "javascript:alert(1)")], b"")).await;
    let url = format!("{}/go", server.base);

    let app = App::launch().await;
    app.new_profile("Script redirect").await;
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "302 Found");
    app.click_tab("Redirects").await;
    let hops = app.text_when("response-hops", "the stopped hop", |t| t.contains("Stopped")).await;
    assert!(hops.contains("javascript: address") && hops.contains("never opens"), "{hops}");
    let offered = answers_within_a_second(
        &app,
        "return [...document.querySelectorAll('#response-hops button')].map((b) => b.textContent).join();",
    )
    .await;
    assert_eq!(offered.as_str(), Some(""), "no Follow once for a javascript: Location");
    assert_eq!(server.seen.lock().unwrap().len(), 1, "only the first request was sent");
    assert_eq!(app.value_of("URL").await, url);
    app.close().await;
}

#[tokio::test]
async fn a_body_past_the_limit_says_truncated_and_save_to_file_writes_all_of_it() {
    const SIZE: usize = 3 * 1024 * 1024 + 123;
    let server = serve(|_| {
        let body: Vec<u8> = (0..SIZE).map(|i| b'a' + (i % 26) as u8).collect();
        response("200 OK", &[("Content-Type", "text/plain")], &body)
    })
    .await;
    let url = format!("{}/big.txt", server.base);
    let target = format!("{}/whole-body.txt", fresh_config_home());

    let app = App::launch().await;
    app.new_profile("Large body").await;
    keep_bodies_up_to_one_megabyte(&app).await;

    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let truncated = app.text_when("response-truncated-text", "the truncation", |t| !t.is_empty()).await;
    assert!(truncated.starts_with("Truncated at 1 MB"), "{truncated}");
    assert_eq!(visible_text(&app, "response-size").await, "1.0 MB", "only the first megabyte is kept");
    answers_within_a_second(&app, "return 1;").await;

    app.fill("Save the whole body to", &target).await;
    app.click("Save to file").await;
    app.text_when("save-progress", "the file saved", |t| t.starts_with("Saved")).await;
    let written = std::fs::read(&target).unwrap_or_else(|e| panic!("{target} was not written: {e}"));
    assert_eq!(written.len(), SIZE, "the whole body, past the limit");
    assert!(written.iter().enumerate().all(|(i, b)| *b == b'a' + (i % 26) as u8), "the body as served");
    assert_eq!(server.seen.lock().unwrap().len(), 2, "Save to file sent the request again");
    assert_eq!(app.value_of("URL").await, url);
    app.close().await;
}

/// The settings file under `config_home` (in whatever folder the app named).
pub(crate) fn settings_file(config_home: &str) -> std::path::PathBuf {
    fn find(dir: &std::path::Path) -> Option<std::path::PathBuf> {
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if let Some(found) = find(&path) {
                    return Some(found);
                }
            } else if path.file_name().is_some_and(|n| n == "profiles.json") {
                return Some(path);
            }
        }
        None
    }
    find(std::path::Path::new(config_home)).unwrap_or_else(|| panic!("no profiles.json under {config_home}"))
}

#[tokio::test]
async fn a_ca_bundle_that_went_bad_does_not_stop_the_start_and_the_other_network_settings_stay() {
    let config_home = fresh_config_home();
    let app = App::launch_with_config(&config_home).await;
    open_network_settings(&app).await;
    app.fill("Request timeout (seconds)", "17").await;
    app.fill("Keep response bodies up to (MB)", "3").await;
    apply(&app).await;
    app.text_when("network-status", "applied", |t| t.starts_with("Applied")).await;
    app.close().await;

    // The file the settings point at is no longer a PEM file.
    let bad = format!("{config_home}/corporate-ca.pem");
    std::fs::write(&bad, "this is not a certificate\n").unwrap();
    let path = settings_file(&config_home);
    let mut file: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    // The network settings sit among the others (flattened).
    let settings = file["settings"].as_object_mut().expect("settings in the settings file");
    assert_eq!(settings.get("timeoutSeconds"), Some(&serde_json::json!(17)), "the network settings were saved there");
    settings.insert("caBundle".into(), bad.clone().into());
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();

    let app = App::launch_with_config(&config_home).await;
    let notices = app.text_when("notices", "the CA bundle notice", |t| t.contains("CA bundle")).await;
    assert!(
        notices.contains(&bad) && notices.contains("was not loaded") && notices.contains("certificate checks stay on"),
        "says the bundle was not loaded and checks stay on: {notices}"
    );
    answers_within_a_second(&app, "return 1;").await;
    open_network_settings(&app).await;
    assert_eq!(app.value_of("Request timeout (seconds)").await, "17", "the other settings are kept");
    assert_eq!(app.value_of("Keep response bodies up to (MB)").await, "3");
    assert_eq!(app.value_of("CA bundle").await, "", "the bundle in effect: none");
    close_network_settings(&app).await;

    let server = serve(|_| response("200 OK", &[("Content-Type", "text/plain")], b"still sending")).await;
    app.fill("URL", &format!("{}/after-start", server.base)).await;
    assert_eq!(app.send_and_wait().await, "200 OK", "the app sends as usual");
    app.close().await;
}

/// A server on 127.0.0.1 that announces `total` bytes of text and sends them
/// 64 KB at a time, 20 ms apart.
async fn serve_slowly(total: usize) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let Some(seen) = read_request(&mut socket).await else { return };
                record.lock().unwrap().push(seen);
                let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'z'; 64 * 1024];
                let mut sent = 0;
                while sent < total {
                    let n = chunk.len().min(total - sent);
                    if socket.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    sent += n;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            });
        }
    });
    Server { base, seen, task }
}

/// Settings → Network: "Keep response bodies up to (MB)" set to 1, applied.
async fn keep_bodies_up_to_one_megabyte(app: &App) {
    open_network_settings(app).await;
    app.fill("Keep response bodies up to (MB)", "1").await;
    apply(app).await;
    app.text_when("network-status", "applied", |t| t.starts_with("Applied")).await;
    close_network_settings(app).await;
}

#[tokio::test]
async fn cancel_stops_save_to_file_and_leaves_no_file_behind() {
    let server = serve_slowly(40 * 1024 * 1024).await;
    let url = format!("{}/slow.txt", server.base);
    let folder = fresh_config_home();
    let target = format!("{folder}/never-finished.txt");

    let app = App::launch().await;
    app.new_profile("Slow body").await;
    keep_bodies_up_to_one_megabyte(&app).await;

    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    app.text_when("response-truncated-text", "the truncation", |t| t.starts_with("Truncated at 1 MB")).await;
    app.fill("Save the whole body to", &target).await;
    app.click("Save to file").await;
    app.text_when("save-progress", "progress", |t| t.contains(" of 40.0 MB") && !t.starts_with("0 B")).await;
    answers_within_a_second(&app, "return 1;").await;
    // The Cancel button that is shown (others, for Send and Get New Access
    // Token, are hidden).
    app.client
        .find(Locator::XPath("//button[normalize-space(.)='Cancel'][not(ancestor-or-self::*[@hidden])]"))
        .await
        .expect("a Cancel button is shown while saving")
        .click()
        .await
        .unwrap();
    app.text_when("save-progress", "the cancel", |t| t.starts_with("Cancelled")).await;

    let left: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "neither the file nor a partial one is left: {left:?}");
    assert!(app.is_enabled("Save to file").await, "Save to file can be pressed again");
    assert_eq!(app.value_of("Save the whole body to").await, target, "the path stays as typed");
    app.close().await;
}

//! Settings → Network in the window: a CA bundle or proxy URL the client
//! cannot use is refused with a clear message and the fields keep what was
//! typed; an applied proxy carries the next request; the timeout ends a
//! request that hangs; Copy as cURL for the token request.
//! Each launch has a config folder of its own, so what a test saves stays
//! with it.

use crate::app::{fresh_config_home, App};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Not a real host: the request only ever reaches the test's proxy.
const REMOTE_TOKEN_URL: &str = "https://idcs-proxytest.identity.oraclecloud.com/oauth2/v1/token";

pub(crate) async fn open_network_settings(app: &App) {
    let own_dialog = app
        .client
        .execute(
            "return !!document.getElementById('open-network-settings');",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false);
    app.click(if own_dialog {
        "Network settings"
    } else {
        "Settings"
    })
    .await;
}

pub(crate) async fn apply(app: &App) {
    app.client
        .execute(
            "document.getElementById('network-status').textContent = '';",
            vec![],
        )
        .await
        .unwrap();
    app.click("Apply network settings").await;
}

async fn apply_defaults(app: &App) {
    app.fill("Proxy URL", "").await;
    app.fill("CA bundle", "").await;
    app.fill("Request timeout (seconds)", "30").await;
    apply(app).await;
    app.text_when("network-status", "the defaults applied", |t| {
        t.starts_with("Applied")
    })
    .await;
}

pub(crate) async fn close_network_settings(app: &App) {
    app.client
        .execute(
            "document.querySelectorAll('dialog[open]').forEach((d) => d.close());",
            vec![],
        )
        .await
        .unwrap();
}

/// A profile of the user's own with a client-credentials request to a
/// remote (made-up) identity domain.
async fn remote_token_request(app: &App) {
    app.new_profile("Behind a proxy").await;
    app.choose("Grant Type", "Client Credentials").await;
    app.fill("Access Token URL", REMOTE_TOKEN_URL).await;
    app.fill("Client ID", "proxy-test-client").await;
    app.fill("Client Secret", "proxy-test-secret").await;
}

#[tokio::test]
async fn a_ca_bundle_that_does_not_parse_is_refused_and_the_fields_stay() {
    let app = App::launch().await;
    let bad = std::env::temp_dir().join(format!("oc-not-a-ca-{}.pem", std::process::id()));
    std::fs::write(&bad, "this is not a certificate\n").unwrap();
    let bad_path = bad.display().to_string();

    open_network_settings(&app).await;
    app.fill("Proxy URL", "http://proxy.example.com:8080").await;
    app.fill("CA bundle", &bad_path).await;
    app.fill("Request timeout (seconds)", "15").await;
    apply(&app).await;
    let message = app
        .text_when("network-error-message", "the CA bundle error", |t| {
            !t.is_empty()
        })
        .await;
    assert!(
        message.contains("CA bundle") && message.contains(&bad_path),
        "{message}"
    );
    assert!(
        message.contains("no PEM certificate"),
        "says what is wrong with the file: {message}"
    );
    assert_eq!(
        app.text_when("network-error-code", "the code", |t| !t.is_empty())
            .await,
        "ca_bundle"
    );
    assert_eq!(
        app.value_of("Proxy URL").await,
        "http://proxy.example.com:8080",
        "nothing typed is lost"
    );
    assert_eq!(app.value_of("CA bundle").await, bad_path);
    assert_eq!(app.value_of("Request timeout (seconds)").await, "15");

    app.fill("CA bundle", "/nonexistent/corporate-ca.pem").await;
    apply(&app).await;
    app.text_when("network-error-message", "the missing file", |t| {
        t.contains("does not exist")
    })
    .await;

    app.fill("CA bundle", "").await;
    app.fill("Proxy URL", "ftp://proxy.example.com").await;
    apply(&app).await;
    let message = app
        .text_when("network-error-message", "the proxy error", |t| {
            t.contains("Proxy")
        })
        .await;
    assert!(message.contains("http or https"), "{message}");
    assert_eq!(app.value_of("Proxy URL").await, "ftp://proxy.example.com");

    app.fill("Request timeout (seconds)", "0.5").await;
    app.fill("Proxy URL", "").await;
    apply(&app).await;
    app.text_when("network-error-message", "the timeout error", |t| {
        t.contains("whole number of seconds")
    })
    .await;

    apply_defaults(&app).await;
    let error_shown = app
        .client
        .find(fantoccini::Locator::Id("network-error"))
        .await
        .unwrap();
    assert!(
        !error_shown.is_displayed().await.unwrap(),
        "the error goes once the settings apply"
    );
    std::fs::remove_file(&bad).ok();
    app.close().await;
}

#[tokio::test]
async fn an_applied_proxy_carries_the_token_request() {
    // A proxy that records what it is asked and refuses to connect.
    let proxy = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let seen = tokio::spawn(async move {
        let (mut socket, _) = proxy.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buffer[..n]);
        }
        socket
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
        String::from_utf8_lossy(&request)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    });

    let app = App::launch().await;
    remote_token_request(&app).await;
    open_network_settings(&app).await;
    app.fill("Proxy URL", &proxy_url).await;
    apply(&app).await;
    app.text_when("network-status", "applied", |t| t.starts_with("Applied"))
        .await;
    close_network_settings(&app).await;

    app.click("Get New Access Token").await;
    let first_line = tokio::time::timeout(Duration::from_secs(20), seen)
        .await
        .expect("the token request went to the proxy")
        .unwrap();
    assert_eq!(
        first_line,
        "CONNECT idcs-proxytest.identity.oraclecloud.com:443 HTTP/1.1"
    );
    let code = app
        .text_when("error-code", "the proxy error", |t| !t.is_empty())
        .await;
    assert_eq!(code, "proxy");
    let message = app
        .text_when("error-message", "the message", |t| !t.is_empty())
        .await;
    assert!(message.contains(&proxy_url), "names the proxy: {message}");
    assert!(
        !message.contains("proxy-test-secret"),
        "no secret in the message"
    );

    app.click("Copy as cURL").await;
    app.text_when("copy-token-curl", "the copy feedback", |t| t == "Copied")
        .await;
    app.close().await;
}

#[tokio::test]
async fn the_request_timeout_ends_a_token_request_that_hangs() {
    // A proxy that accepts the connection and never answers.
    let proxy = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = proxy.accept().await {
            held.push(socket);
        }
    });

    let app = App::launch().await;
    remote_token_request(&app).await;
    open_network_settings(&app).await;
    app.fill("Proxy URL", &proxy_url).await;
    app.fill("Request timeout (seconds)", "2").await;
    apply(&app).await;
    app.text_when("network-status", "applied", |t| t.starts_with("Applied"))
        .await;
    close_network_settings(&app).await;

    let started = Instant::now();
    app.click("Get New Access Token").await;
    let code = app
        .text_when("error-code", "the timeout", |t| !t.is_empty())
        .await;
    assert_eq!(code, "timeout");
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "ended by the 2 s timeout: {:?}",
        started.elapsed()
    );
    let message = app
        .text_when("error-message", "the message", |t| !t.is_empty())
        .await;
    assert!(message.contains("after 2 s"), "{message}");
    holder.abort();
    app.close().await;
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &std::path::Path, needle: &str, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_containing(&path, needle, found);
        } else if std::fs::read(&path)
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        {
            found.push(path.display().to_string());
        }
    }
}

#[tokio::test]
async fn network_settings_come_back_after_a_restart_without_the_proxy_password() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    open_network_settings(&app).await;
    app.fill(
        "Proxy URL",
        "http://proxyuser:proxy-pw-never-saved@127.0.0.1:9",
    )
    .await;
    app.fill("Request timeout (seconds)", "45").await;
    apply(&app).await;
    let status = app
        .text_when("network-status", "applied", |t| t.starts_with("Applied"))
        .await;
    assert!(
        status.contains("password is kept for this session only"),
        "{status}"
    );
    app.close().await;

    let mut found = Vec::new();
    files_containing(
        std::path::Path::new(&config),
        "proxy-pw-never-saved",
        &mut found,
    );
    assert!(
        found.is_empty(),
        "the proxy password is not written to disk: {found:?}"
    );

    let app = App::launch_with_config(&config).await;
    open_network_settings(&app).await;
    let proxy = {
        let started = Instant::now();
        loop {
            let value = app.value_of("Proxy URL").await;
            if !value.is_empty() || started.elapsed() > Duration::from_secs(20) {
                break value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    assert_eq!(
        proxy, "http://proxyuser@127.0.0.1:9",
        "the proxy is back, without its password"
    );
    assert_eq!(app.value_of("Request timeout (seconds)").await, "45");
    app.close().await;
}

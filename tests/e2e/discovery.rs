//! Discover through the window: the sandbox's discovery document fills the
//! endpoint fields; a web page or a document naming another issuer is
//! refused with a clear message, and the fields are kept.

use crate::app::App;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server on 127.0.0.1 that answers every request with `body` as
/// `content_type`; its origin.
async fn answering(content_type: &'static str, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 1024];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    origin
}

async fn discover_result(app: &App) -> String {
    app.click("Discover").await;
    app.text_when("discover-result", "what Discover found", |t| t.starts_with("Found")).await
}

async fn discover_error(app: &App) -> (String, String) {
    app.client
        .execute("document.getElementById('discover-error').hidden = true;", vec![])
        .await
        .unwrap();
    app.click("Discover").await;
    let message = app.text_when("discover-error-message", "the refusal", |t| !t.is_empty()).await;
    let code = app.text_when("discover-error-code", "its code", |t| !t.is_empty()).await;
    (message, code)
}

#[tokio::test]
async fn discover_fills_the_endpoints_from_the_sandbox_and_refuses_a_page_or_a_foreign_issuer() {
    let app = App::launch().await;
    app.profile_shown().await;
    let token_url = app.value_of("Access Token URL").await;
    let origin = token_url.trim_end_matches("/oauth2/v1/token").to_owned();
    assert!(origin.starts_with("http://127.0.0.1:"), "the Sandbox profile's token URL: {token_url}");

    // A new profile, with only the identity domain's URL typed.
    app.new_profile("Discovered").await;
    app.fill("Access Token URL", &origin).await;
    let found = discover_result(&app).await;
    assert!(found.contains(&format!("Found the discovery document of {origin}")), "{found}");
    assert!(
        found.contains("Filled in: Access Token URL, Auth URL, Device Authorization URL, Introspection URL, Revocation URL."),
        "{found}"
    );
    assert!(!found.contains("null"), "{found}");
    assert!(found.contains("urn:ietf:params:oauth:grant-type:device_code"), "the grant types are listed: {found}");
    assert_eq!(app.value_of("Access Token URL").await, token_url);
    assert_eq!(app.value_of("Auth URL").await, format!("{origin}/oauth2/v1/authorize"));
    assert_eq!(app.value_of("Device Authorization URL").await, format!("{origin}/oauth2/v1/device"));
    assert_eq!(app.value_of("Introspection URL").await, format!("{origin}/oauth2/v1/introspect"));
    assert_eq!(app.value_of("Revocation URL").await, format!("{origin}/oauth2/v1/revoke"));

    // A sign-in page where the document should be.
    let page = answering("text/html", "<!DOCTYPE html><html><body>Sign in</body></html>".into()).await;
    app.fill("Access Token URL", &format!("{page}/oauth2/v1/token")).await;
    let (message, code) = discover_error(&app).await;
    assert_eq!(code, "discovery_refused");
    assert!(message.contains("web page"), "{message}");
    assert_eq!(app.value_of("Access Token URL").await, format!("{page}/oauth2/v1/token"), "the typed URL is kept");
    assert_eq!(app.value_of("Auth URL").await, format!("{origin}/oauth2/v1/authorize"), "nothing else changes");

    // A document that names another issuer (Oracle's, from a host that is not an OCI IAM domain).
    let foreign = answering(
        "application/json",
        serde_json::json!({"issuer": "https://identity.oraclecloud.com/", "token_endpoint": "https://evil.example/token"}).to_string(),
    )
    .await;
    app.fill("Access Token URL", &foreign).await;
    let (message, code) = discover_error(&app).await;
    assert_eq!(code, "discovery_refused");
    assert!(message.contains("names the issuer https://identity.oraclecloud.com/"), "{message}");
    assert_eq!(app.value_of("Access Token URL").await, foreign, "no endpoint of a refused document is filled in");
    app.close().await;
}

//! The bad-input matrix of docs/robustness.md (issue 12): every row a bad
//! URL, a bad field or a hostile server on 127.0.0.1, tried through the
//! window as a user does. Each row checks what the user sees (the exact
//! message), that the window still answers a script within a second, and
//! that what the user typed is still there.
//!
//! An app launch costs seconds, so the rows of one panel run one after the
//! other in one launched app: a failing row is recorded with what the window
//! said, the next row still runs, and the test fails at the end listing
//! every failing row. Rows that need a process of their own (a keychain, a
//! config folder) are tests of their own.

use crate::app::{fresh_config_home, App};
use crate::network::{apply, close_network_settings, open_network_settings};
use crate::private_keychain::PrivateKeychain;
use crate::robustness::{answers_within_a_second, read_request, response, serve, settings_file, visible_text, Server};
use fantoccini::Locator;
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

const WAIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------- running rows

/// The rows of one launched app: each runs to its end or its first failed
/// check; the failures are kept, with what the window said at the time.
pub(crate) struct Rows<'a> {
    app: &'a App,
    failures: Vec<String>,
    passed: usize,
}

impl<'a> Rows<'a> {
    pub(crate) fn new(app: &'a App) -> Rows<'a> {
        Rows { app, failures: Vec::new(), passed: 0 }
    }

    pub(crate) async fn run(&mut self, name: &str, row: impl Future<Output = ()>) {
        let started = Instant::now();
        match AssertUnwindSafe(row).catch_unwind().await {
            Ok(()) => {
                self.passed += 1;
                eprintln!("row passed: {name} ({:?})", started.elapsed());
            }
            Err(panic) => {
                let reason = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a panic without a message".into());
                let said = self.app.what_the_window_says().await;
                self.failures.push(format!("{name}: {reason}\n    {said}"));
            }
        }
    }

    /// Every failing row, for the test's failure once the app is closed.
    pub(crate) fn failed(self) -> Option<String> {
        (!self.failures.is_empty()).then(|| {
            format!(
                "{} of {} rows failed:\n{}",
                self.failures.len(),
                self.failures.len() + self.passed,
                self.failures.join("\n")
            )
        })
    }
}

/// The shown error of the alert box `prefix` (`error`, `response-error`),
/// once it has a message, as (code, message).
pub(crate) async fn error_of(app: &App, prefix: &str, after: &str) -> (String, String) {
    let started = Instant::now();
    let script = format!(
        "const box = document.getElementById('{prefix}'); \
         if (box.hidden || !document.getElementById('{prefix}-message').textContent) \
           return document.body.dataset.responseShown ? 'response' : (document.getElementById('token').hidden ? '' : 'token'); \
         return [document.getElementById('{prefix}-code').textContent, document.getElementById('{prefix}-message').textContent];"
    );
    loop {
        let value = app.client.execute(&script, vec![]).await.expect("the window answers a script");
        if let Some(pair) = value.as_array() {
            let text = |i: usize| pair[i].as_str().unwrap_or_default().to_owned();
            return (text(0), text(1));
        }
        match value.as_str() {
            Some("response") => panic!("{after} showed a response, not an error"),
            Some("token") if prefix == "error" => panic!("{after} showed a token, not an error"),
            _ => {}
        }
        assert!(started.elapsed() < WAIT, "{after} showed no error within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clears the alert box `prefix` and the shown response, so what follows
/// is this row's.
pub(crate) async fn clear(app: &App, prefix: &str) {
    let script = format!(
        "delete document.body.dataset.responseShown; \
         document.getElementById('{prefix}').hidden = true; \
         document.getElementById('{prefix}-message').textContent = '';"
    );
    app.client.execute(&script, vec![]).await.unwrap();
}

/// Send, and the error the response panel shows.
async fn send_for_error(app: &App) -> (String, String) {
    clear(app, "response-error").await;
    app.click("Send").await;
    error_of(app, "response-error", "Send").await
}

/// The window answers within a second, and the URL field holds `url`.
async fn url_kept(app: &App, url: &str) {
    let typed = answers_within_a_second(app, "return document.getElementById('url').value;").await;
    assert_eq!(typed.as_str(), Some(url), "the URL field keeps what the user typed");
}

/// The visible Cancel button (the others, for the other panels, are hidden).
async fn press_visible_cancel(app: &App) {
    app.client
        .find(Locator::XPath("//button[normalize-space(.)='Cancel'][not(ancestor-or-self::*[@hidden])]"))
        .await
        .expect("a Cancel button is shown")
        .click()
        .await
        .unwrap();
}

// ---------------------------------------------------------------- servers

/// A server that announces `total` bytes of `content_type` and streams them
/// (generated, never held whole): `chunk` bytes at a time, `pause` apart.
async fn serve_stream(total: usize, chunk: usize, pause: Duration, content_type: &'static str) -> Server {
    serve_raw(move |mut socket| async move {
        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n");
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let line = b"a line of a large body, streamed by the test server\n";
        let block: Vec<u8> = line.iter().copied().cycle().take(chunk).collect();
        let mut sent = 0;
        while sent < total {
            let n = block.len().min(total - sent);
            if socket.write_all(&block[..n]).await.is_err() {
                return;
            }
            sent += n;
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
        }
    })
    .await
}

/// A server whose connections are handed, after the request was read and
/// recorded, to `answer`.
async fn serve_raw<F, Fut>(answer: F) -> Server
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let answer = Arc::new(answer);
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (record, answer) = (record.clone(), answer.clone());
            tokio::spawn(async move {
                let Some(seen) = read_request(&mut socket).await else { return };
                record.lock().unwrap().push(seen);
                answer(socket).await;
            });
        }
    });
    Server { base, seen, task }
}

/// A port on 127.0.0.1 that nothing listens on.
fn refused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A test certificate authority, a certificate for 127.0.0.1 it signed,
/// and an https server with that certificate answering `answer`.
mod tls {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio_rustls::TlsAcceptor;

    pub struct HttpsServer {
        pub base: String,
        pub ca_pem: String,
        pub requests: Arc<Mutex<Vec<String>>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Drop for HttpsServer {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    pub async fn serve_https(answer: Vec<u8>) -> HttpsServer {
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "OAuth Console bad-input test CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
        let ca_key = KeyPair::generate().unwrap();
        let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
        let issuer = Issuer::new(ca, ca_key);
        let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        leaf.distinguished_name.push(DnType::CommonName, "OAuth Console bad-input test server");
        leaf.use_authority_key_identifier_extension = true;
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = leaf.signed_by(&leaf_key, &issuer).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("https://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let record = requests.clone();
        let answer = Arc::new(answer);
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (acceptor, record, answer) = (acceptor.clone(), record.clone(), answer.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(socket).await else { return };
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match tokio::io::AsyncReadExt::read(&mut tls, &mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    record.lock().unwrap().push(String::from_utf8_lossy(&head).into_owned());
                    let _ = tls.write_all(&answer).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        HttpsServer { base, ca_pem, requests, task }
    }
}

// ---------------------------------------------------------------- the request panel

async fn bad_url(app: &App, url: &str, code: &str, message: &str) {
    app.fill("URL", url).await;
    let shown = send_for_error(app).await;
    assert_eq!(shown, (code.to_owned(), message.to_owned()), "the error for {url:?}");
    url_kept(app, url).await;
}

async fn a_url_with_an_ftp_scheme(app: &App) {
    bad_url(app, "ftp://127.0.0.1/file.txt", "invalid_url", "URL is not a valid URL: the scheme must be https (or http to this computer), not ftp").await;
    assert_eq!(
        visible_text(app, "response-error-hint").await,
        "URL must be a full URL such as https://oic-1234abcd.integration.ocp.oraclecloud.com/ic/api/integration/v1/connections.",
        "the hint's example is a request URL, not a token URL"
    );
}

async fn a_url_with_a_space_in_the_host(app: &App) {
    bad_url(app, "https://oic example.com/ic/api", "invalid_url", "URL is not a valid URL: invalid international domain name").await;
}

async fn a_url_with_a_port_past_65535(app: &App) {
    bad_url(app, "http://127.0.0.1:99999/ic/api", "invalid_url", "URL is not a valid URL: invalid port number").await;
}

async fn an_empty_url(app: &App) {
    bad_url(app, "", "missing_field", "URL is empty").await;
}

async fn a_url_with_plain_http_to_another_computer(app: &App) {
    bad_url(
        app,
        "http://oic.example.invalid/ic/api/integration/v1/connections",
        "insecure_url",
        "URL uses plain http to a host that is not this computer",
    )
    .await;
}

async fn a_path_and_query_with_spaces_and_unicode(app: &App) {
    let server = serve(|_| response("200 OK", &[("Content-Type", "text/plain")], b"ok")).await;
    let url = format!("{}/a b/ünïcödé?q=ä ö&x=1", server.base);
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let line = seen[0].head.lines().next().unwrap_or_default().to_owned();
    assert_eq!(line, "GET /a%20b/%C3%BCn%C3%AFc%C3%B6d%C3%A9?q=%C3%A4%20%C3%B6&x=1 HTTP/1.1", "sent percent-encoded");
    url_kept(app, &url).await;
}

async fn a_query_with_a_broken_percent_escape(app: &App) {
    let server = serve(|_| response("200 OK", &[("Content-Type", "text/plain")], b"ok")).await;
    let url = format!("{}/search?q=%ZZ&tag=<b>", server.base);
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let line = server.seen.lock().unwrap()[0].head.lines().next().unwrap_or_default().to_owned();
    assert_eq!(line, "GET /search?q=%ZZ&tag=%3Cb%3E HTTP/1.1", "sent as typed, the unsafe characters escaped");
    url_kept(app, &url).await;
}

async fn a_ten_megabyte_body(app: &App) {
    let server = serve_stream(10 * 1024 * 1024, 64 * 1024, Duration::ZERO, "text/plain").await;
    let url = format!("{}/ten-megabytes.txt", server.base);
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    assert_eq!(visible_text(app, "response-size").await, "10.0 MB", "the whole body is kept (limit 50 MB)");
    assert_eq!(visible_text(app, "response-truncated-text").await, "", "not truncated");
    url_kept(app, &url).await;
}

async fn a_two_hundred_megabyte_body(app: &App) {
    let server = serve_stream(200 * 1024 * 1024, 256 * 1024, Duration::ZERO, "text/plain").await;
    let url = format!("{}/two-hundred-megabytes.txt", server.base);
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let truncated = app.text_when("response-truncated-text", "the truncation", |t| !t.is_empty()).await;
    assert!(truncated.starts_with("Truncated at 50 MB"), "{truncated}");
    assert_eq!(visible_text(app, "response-size").await, "50.0 MB", "reading stopped at the limit");
    url_kept(app, &url).await;
}

async fn a_body_that_is_not_valid_utf8(app: &App) {
    let server = serve(|_| response("200 OK", &[("Content-Type", "text/plain; charset=utf-8")], b"caf\xe9 \xff\xfe ok")).await;
    let url = format!("{}/latin1.txt", server.base);
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let said = app.text_when("response-binary-text", "the binary notice", |t| !t.is_empty()).await;
    assert_eq!(said, "Binary body, 10 B (text/plain; charset=utf-8).");
    assert!(app.button("Save").await.is_displayed().await.unwrap(), "Save is offered");
    url_kept(app, &url).await;
}

async fn an_unknown_binary_content_type(app: &App) {
    let body: Vec<u8> = (0..=255u8).collect();
    let server = serve(move |_| response("200 OK", &[("Content-Type", "application/x-unknown")], &body)).await;
    let url = format!("{}/blob", server.base);
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    let said = app.text_when("response-binary-text", "the binary notice", |t| !t.is_empty()).await;
    assert_eq!(said, "Binary body, 256 B (application/x-unknown).");
    url_kept(app, &url).await;
}

async fn a_slow_drip_that_the_user_cancels(app: &App) {
    // One byte every 200 ms of a 1 MB body: it would take hours.
    let server = serve_stream(1024 * 1024, 1, Duration::from_millis(200), "text/plain").await;
    let url = format!("{}/drip", server.base);
    app.fill("URL", &url).await;
    clear(app, "response-error").await;
    app.click("Send").await;
    app.text_when("response-progress", "the progress", |t| t.starts_with("Sending")).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    url_kept(app, &url).await;
    press_visible_cancel(app).await;
    let shown = error_of(app, "response-error", "Cancel").await;
    assert_eq!(shown, ("cancelled".to_owned(), "The request was cancelled".to_owned()));
    assert!(app.is_enabled("Send").await, "Send can be pressed again");
    url_kept(app, &url).await;
}

async fn a_server_that_closes_mid_body(app: &App) {
    let server = serve_raw(|mut socket| async move {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n";
        let _ = socket.write_all(head).await;
        let _ = socket.write_all(&[b'x'; 1000]).await;
        let _ = socket.shutdown().await;
    })
    .await;
    let url = format!("{}/cut", server.base);
    app.fill("URL", &url).await;
    let port = server.base.rsplit(':').next().unwrap().to_owned();
    let shown = send_for_error(app).await;
    assert_eq!(
        shown,
        (
            "body_cut".to_owned(),
            format!("The connection to 127.0.0.1:{port} closed before the whole body arrived (1000 of 100000 bytes)")
        )
    );
    url_kept(app, &url).await;
}

async fn a_redirect_back_to_the_same_url(app: &App) {
    let server = serve(|_| response("302 Found", &[("Location", "/loop")], b"")).await;
    let url = format!("{}/loop", server.base);
    app.fill("URL", &url).await;
    let shown = send_for_error(app).await;
    assert_eq!(
        shown,
        (
            "redirect_loop".to_owned(),
            format!("Redirect loop: the server sent the request back to {url}, which was already requested")
        )
    );
    url_kept(app, &url).await;
}

async fn redirects_that_never_end(app: &App) {
    let server = serve(|head| {
        let n: usize = head.split_whitespace().nth(1).and_then(|p| p.strip_prefix("/hop/")).and_then(|n| n.parse().ok()).unwrap_or(0);
        response("302 Found", &[("Location", &format!("/hop/{}", n + 1))], b"")
    })
    .await;
    let url = format!("{}/hop/0", server.base);
    app.fill("URL", &url).await;
    let shown = send_for_error(app).await;
    assert_eq!(
        shown,
        (
            "too_many_redirects".to_owned(),
            format!("Stopped after 10 redirects: the server kept redirecting (the next one was to {}/hop/11)", server.base)
        )
    );
    assert_eq!(server.seen.lock().unwrap().len(), 11, "the first request and 10 redirects");
    url_kept(app, &url).await;
}

async fn stopped_location(app: &App, location: &'static str, scheme: &str) {
    let server = serve(move |_| response("302 Found", &[("Location", location)], b"")).await;
    let url = format!("{}/go-{scheme}", server.base);
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "302 Found");
    app.click_tab("Redirects").await;
    let hops = app.text_when("response-hops", "the stopped hop", |t| t.contains("Stopped")).await;
    let reason = format!(
        "the server redirected to a {scheme}: address, which OAuth Console never opens; only http and https redirects are followed"
    );
    assert!(hops.contains(&reason), "the reason: {hops}");
    assert!(!hops.contains(&location[scheme.len() + 1..]), "the address itself is not shown: {hops}");
    let offered = answers_within_a_second(app, "return document.querySelectorAll('#response-hops button').length;").await;
    assert_eq!(offered.as_u64(), Some(0), "no Follow once for a {scheme}: Location");
    assert_eq!(server.seen.lock().unwrap().len(), 1, "only the first request was sent");
    app.click_tab("Body").await;
    url_kept(app, &url).await;
}

async fn a_file_location(app: &App) {
    stopped_location(app, "file:///etc/passwd", "file").await;
}

async fn a_data_location(app: &App) {
    stopped_location(app, "data:text/html,<script>alert(1)</script>", "data").await;
}

async fn a_server_that_never_answers(app: &App) {
    let server = serve_raw(|socket| async move {
        tokio::time::sleep(Duration::from_secs(120)).await;
        drop(socket);
    })
    .await;
    set_timeout(app, "2").await;
    let url = format!("{}/silent", server.base);
    app.fill("URL", &url).await;
    let started = Instant::now();
    let shown = send_for_error(app).await;
    let host = server.base.trim_start_matches("http://").to_owned();
    assert_eq!(shown, ("timeout".to_owned(), format!("No answer from {host} after 2 s")));
    assert!(started.elapsed() < Duration::from_secs(10), "ended by the 2 s timeout: {:?}", started.elapsed());
    url_kept(app, &url).await;
    set_timeout(app, "30").await;
}

async fn set_timeout(app: &App, seconds: &str) {
    open_network_settings(app).await;
    app.fill("Request timeout (seconds)", seconds).await;
    apply(app).await;
    app.text_when("network-status", "applied", |t| t.starts_with("Applied")).await;
    close_network_settings(app).await;
}

async fn a_refused_connection(app: &App) {
    let port = refused_port();
    let url = format!("http://127.0.0.1:{port}/nobody-listens");
    app.fill("URL", &url).await;
    let shown = send_for_error(app).await;
    assert_eq!(shown, ("connection_refused".to_owned(), format!("127.0.0.1:{port} refused the connection")));
    url_kept(app, &url).await;
}

async fn an_https_redirect_to_plain_http(app: &App) {
    let server = tls::serve_https(response("302 Found", &[("Location", "http://oic.example.invalid/landing")], b"")).await;
    let bundle = format!("{}/matrix-ca.pem", fresh_config_home());
    std::fs::write(&bundle, &server.ca_pem).unwrap();
    open_network_settings(app).await;
    app.fill("CA bundle", &bundle).await;
    apply(app).await;
    app.text_when("network-status", "applied", |t| t.starts_with("Applied")).await;
    close_network_settings(app).await;

    let url = format!("{}/secure", server.base);
    app.fill("URL", &url).await;
    assert_eq!(app.send_and_wait().await, "302 Found", "the redirect is the answer shown, not followed");
    app.click_tab("Redirects").await;
    let hops = app.text_when("response-hops", "the stopped hop", |t| t.contains("Stopped")).await;
    assert!(hops.contains("http://oic.example.invalid/landing"), "names where it pointed: {hops}");
    assert!(
        hops.contains(
            "the 302 redirect from https to plain http (oic.example.invalid) was not followed: it would leave the secure connection; follow it once without credentials only if you trust it"
        ),
        "says why: {hops}"
    );
    let offered = answers_within_a_second(
        app,
        "return [...document.querySelectorAll('#response-hops button')].map((b) => b.textContent).join();",
    )
    .await;
    assert_eq!(offered.as_str(), Some("Follow once without credentials"), "the user may follow it once, knowingly");
    assert_eq!(server.requests.lock().unwrap().len(), 1, "one request, to the https server only");
    app.click_tab("Body").await;
    url_kept(app, &url).await;
}

#[tokio::test]
async fn the_request_panel_survives_every_bad_url_and_hostile_server_in_the_matrix() {
    let app = App::launch().await;
    app.new_profile("Bad input").await;
    let mut rows = Rows::new(&app);
    rows.run("a_url_with_an_ftp_scheme", a_url_with_an_ftp_scheme(&app)).await;
    rows.run("a_url_with_a_space_in_the_host", a_url_with_a_space_in_the_host(&app)).await;
    rows.run("a_url_with_a_port_past_65535", a_url_with_a_port_past_65535(&app)).await;
    rows.run("an_empty_url", an_empty_url(&app)).await;
    rows.run("a_url_with_plain_http_to_another_computer", a_url_with_plain_http_to_another_computer(&app)).await;
    rows.run("a_path_and_query_with_spaces_and_unicode", a_path_and_query_with_spaces_and_unicode(&app)).await;
    rows.run("a_query_with_a_broken_percent_escape", a_query_with_a_broken_percent_escape(&app)).await;
    rows.run("a_ten_megabyte_body", a_ten_megabyte_body(&app)).await;
    rows.run("a_two_hundred_megabyte_body", a_two_hundred_megabyte_body(&app)).await;
    rows.run("a_body_that_is_not_valid_utf8", a_body_that_is_not_valid_utf8(&app)).await;
    rows.run("an_unknown_binary_content_type", an_unknown_binary_content_type(&app)).await;
    rows.run("a_slow_drip_that_the_user_cancels", a_slow_drip_that_the_user_cancels(&app)).await;
    rows.run("a_server_that_closes_mid_body", a_server_that_closes_mid_body(&app)).await;
    rows.run("a_redirect_back_to_the_same_url", a_redirect_back_to_the_same_url(&app)).await;
    rows.run("redirects_that_never_end", redirects_that_never_end(&app)).await;
    rows.run("a_file_location", a_file_location(&app)).await;
    rows.run("a_data_location", a_data_location(&app)).await;
    rows.run("a_server_that_never_answers", a_server_that_never_answers(&app)).await;
    rows.run("a_refused_connection", a_refused_connection(&app)).await;
    rows.run("an_https_redirect_to_plain_http", an_https_redirect_to_plain_http(&app)).await;
    let failed = rows.failed();
    app.close().await;
    assert!(failed.is_none(), "{}", failed.unwrap_or_default());
}

// ---------------------------------------------------------------- the token panel

/// Get New Access Token, and the error the Authorization panel shows.
async fn get_token_for_error(app: &App) -> (String, String) {
    clear(app, "error").await;
    app.click("Get New Access Token").await;
    error_of(app, "error", "Get New Access Token").await
}

/// The window answers within a second, and the Access Token URL and Client
/// ID fields hold what was typed.
async fn token_fields_kept(app: &App, token_url: &str, client_id: &str) {
    let typed = answers_within_a_second(
        app,
        "return [document.getElementById('token-url').value, document.getElementById('client-id').value];",
    )
    .await;
    assert_eq!(typed, serde_json::json!([token_url, client_id]), "the fields keep what the user typed");
}

const CLIENT_ID: &str = "matrix-test-client";
/// The client secret typed in the matrix; listed for the secret scan run
/// after the suite (tests/secrets_scan), which fails if it is on disk.
const CLIENT_SECRET: &str = "not-a-real-secret";

async fn token_error(app: &App, token_url: &str, code: &str, message: &str) {
    app.fill("Access Token URL", token_url).await;
    let shown = get_token_for_error(app).await;
    assert_eq!(shown, (code.to_owned(), message.to_owned()), "the error for {token_url:?}");
    token_fields_kept(app, token_url, CLIENT_ID).await;
}

async fn an_empty_client_id(app: &App, base: &str) {
    let token_url = format!("{base}/token/json");
    app.fill("Access Token URL", &token_url).await;
    app.fill("Client ID", "").await;
    let shown = get_token_for_error(app).await;
    assert_eq!(shown, ("missing_field".to_owned(), "Client ID is empty".to_owned()));
    token_fields_kept(app, &token_url, "").await;
    app.fill("Client ID", CLIENT_ID).await;
}

async fn a_token_url_with_a_broken_ipv6_host(app: &App) {
    token_error(app, "https://[::1/oauth2/v1/token", "invalid_url", "Access Token URL is not a valid URL: invalid IPv6 address").await;
}

async fn a_token_url_with_plain_http_to_another_computer(app: &App) {
    token_error(
        app,
        "http://idcs-matrix.identity.oraclecloud.example/oauth2/v1/token",
        "insecure_url",
        "Access Token URL uses plain http to a host that is not this computer",
    )
    .await;
}

async fn an_html_login_page_with_200(app: &App, base: &str) {
    token_error(
        app,
        &format!("{base}/token/html-200"),
        "html_response",
        "The server answered with an HTML page (HTTP 200, \"Sign In\") instead of a JSON token response",
    )
    .await;
}

async fn an_html_error_page_with_500(app: &App, base: &str) {
    token_error(
        app,
        &format!("{base}/token/html-500"),
        "html_response",
        "The server answered with an HTML page (HTTP 500, \"Internal Server Error\") instead of a JSON token response",
    )
    .await;
}

async fn an_empty_token_response(app: &App, base: &str) {
    token_error(app, &format!("{base}/token/empty"), "empty_response", "The server answered HTTP 200 with an empty body").await;
}

async fn json_without_access_token(app: &App, base: &str) {
    token_error(
        app,
        &format!("{base}/token/no-access-token"),
        "missing_access_token",
        "The server answered HTTP 200 with JSON that has no access_token",
    )
    .await;
}

async fn an_unsupported_grant_type(app: &App, base: &str) {
    token_error(
        app,
        &format!("{base}/token/unsupported"),
        "unsupported_grant_type",
        "The server does not support this grant type (unsupported_grant_type, HTTP 400: client_credentials is not enabled)",
    )
    .await;
}

async fn a_token_response_past_one_megabyte(app: &App, base: &str) {
    token_error(
        app,
        &format!("{base}/token/huge"),
        "response_too_large",
        "The token endpoint answered HTTP 200 with more than 1 MB, so OAuth Console stopped reading it",
    )
    .await;
}

async fn a_token_response_as_plain_text(app: &App, base: &str) {
    token_error(
        app,
        &format!("{base}/token/plain"),
        "unexpected_response",
        "The server answered HTTP 200 with text/plain that is not an OAuth response: OK",
    )
    .await;
}

async fn a_token_endpoint_that_refuses_the_connection(app: &App) {
    let port = refused_port();
    token_error(
        app,
        &format!("http://127.0.0.1:{port}/oauth2/v1/token"),
        "connection_refused",
        &format!("127.0.0.1:{port} refused the connection"),
    )
    .await;
}

/// A token endpoint on 127.0.0.1 with one bad answer per path.
async fn bad_token_endpoint() -> Server {
    serve(|head| {
        let path = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
        let html = |title: &str| format!("<!DOCTYPE html><html><head><title>{title}</title></head><body><form>…</form></body></html>");
        match path.as_str() {
            "/token/html-200" => response("200 OK", &[("Content-Type", "text/html")], html("Sign In").as_bytes()),
            "/token/html-500" => {
                response("500 Internal Server Error", &[("Content-Type", "text/html")], html("Internal Server Error").as_bytes())
            }
            "/token/empty" => response("200 OK", &[("Content-Type", "application/json")], b""),
            "/token/no-access-token" => {
                response("200 OK", &[("Content-Type", "application/json")], br#"{"token_type":"Bearer","expires_in":3600}"#)
            }
            "/token/unsupported" => response(
                "400 Bad Request",
                &[("Content-Type", "application/json")],
                br#"{"error":"unsupported_grant_type","error_description":"client_credentials is not enabled"}"#,
            ),
            "/token/huge" => {
                let mut body = br#"{"padding":""#.to_vec();
                body.extend_from_slice(&vec![b'x'; 2 * 1024 * 1024]);
                body.extend_from_slice(br#""}"#);
                response("200 OK", &[("Content-Type", "application/json")], &body)
            }
            "/token/plain" => response("200 OK", &[("Content-Type", "text/plain")], b"OK"),
            _ => response("404 Not Found", &[("Content-Type", "text/plain")], b"no such test path"),
        }
    })
    .await
}

#[tokio::test]
async fn the_token_panel_survives_every_bad_field_and_token_endpoint_in_the_matrix() {
    let server = bad_token_endpoint().await;
    let app = App::launch().await;
    app.duplicate_sandbox_to_edit().await;
    app.choose("Grant Type", "Client Credentials").await;
    app.fill("Client ID", CLIENT_ID).await;
    crate::profiles::record_secret(CLIENT_SECRET);
    app.fill("Client Secret", CLIENT_SECRET).await;
    let base = server.base.clone();
    let mut rows = Rows::new(&app);
    rows.run("an_empty_client_id", an_empty_client_id(&app, &base)).await;
    rows.run("a_token_url_with_a_broken_ipv6_host", a_token_url_with_a_broken_ipv6_host(&app)).await;
    rows.run("a_token_url_with_plain_http_to_another_computer", a_token_url_with_plain_http_to_another_computer(&app)).await;
    rows.run("an_html_login_page_with_200", an_html_login_page_with_200(&app, &base)).await;
    rows.run("an_html_error_page_with_500", an_html_error_page_with_500(&app, &base)).await;
    rows.run("an_empty_token_response", an_empty_token_response(&app, &base)).await;
    rows.run("json_without_access_token", json_without_access_token(&app, &base)).await;
    rows.run("an_unsupported_grant_type", an_unsupported_grant_type(&app, &base)).await;
    rows.run("a_token_response_past_one_megabyte", a_token_response_past_one_megabyte(&app, &base)).await;
    rows.run("a_token_response_as_plain_text", a_token_response_as_plain_text(&app, &base)).await;
    rows.run("a_token_endpoint_that_refuses_the_connection", a_token_endpoint_that_refuses_the_connection(&app)).await;
    let secret = answers_within_a_second(&app, "return document.getElementById('client-secret').value;").await;
    assert_eq!(secret.as_str(), Some(CLIENT_SECRET), "the client secret typed is still there");
    let failed = rows.failed();
    app.close().await;
    assert!(failed.is_none(), "{}", failed.unwrap_or_default());
}

// ---------------------------------------------------------------- rows with a process of their own

/// The profile bar's save status once it says `what`.
async fn save_status(app: &App, what: &str, ready: impl Fn(&str) -> bool) -> String {
    app.text_when("save-status", what, ready).await
}

#[tokio::test]
async fn a_settings_file_that_cannot_be_replaced_says_where_it_could_not_save_and_keeps_the_entries() {
    let config = fresh_config_home();
    let app = App::launch_with_config(&config).await;
    app.new_profile("Unwritable").await;
    app.fill("URL", "http://127.0.0.1:9/first").await;
    save_status(&app, "Saved", |t| t == "Saved").await;

    // root may write anywhere, but no one can rename a file over a folder.
    let file = settings_file(&config);
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();

    let url = "http://127.0.0.1:9/second";
    app.fill("URL", url).await;
    let status = save_status(&app, "the failure", |t| t.starts_with("Not saved")).await;
    assert_eq!(
        status,
        format!("Not saved: Could not save {}: a folder has that name (Is a directory (os error 21))", file.display()),
        "says where it could not save"
    );
    url_kept(&app, url).await;
    assert_eq!(crate::profiles::selected_profile(&app).await, "Unwritable");
    app.close().await;
}

/// A tmpfs of 64 KB mounted over a config folder (root only): the mount
/// is undone when dropped.
struct TinyDisk(String);

impl TinyDisk {
    fn mount(dir: &str) -> Result<TinyDisk, String> {
        let output = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir])
            .output()
            .map_err(|e| format!("mount could not be run: {e}"))?;
        if output.status.success() {
            Ok(TinyDisk(dir.to_owned()))
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
        }
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_full_disk_says_the_profile_was_not_saved_and_keeps_the_entries() {
    let config = fresh_config_home();
    let disk = match TinyDisk::mount(&config) {
        Ok(disk) => disk,
        Err(reason) => {
            // Mounting needs root (CAP_SYS_ADMIN); docs/robustness.md says so.
            eprintln!("SKIPPED a_full_disk_says_the_profile_was_not_saved_and_keeps_the_entries: mount -t tmpfs is not permitted here: {reason}");
            return;
        }
    };
    let app = App::launch_with_config(&config).await;
    app.new_profile("Full disk").await;
    save_status(&app, "Saved", |t| t == "Saved").await;
    // Fill the disk, leaving too little for the next save.
    let filler = format!("{config}/filler");
    // (The write stops at the disk's end: that is the point.)
    let _ = std::fs::write(&filler, vec![0u8; 128 * 1024]);

    app.click_tab("Body").await;
    app.choose("Body type", "text").await;
    let body = "a body that does not fit on the disk ".repeat(400);
    app.client
        .execute(
            "const t = document.getElementById('body-text'); t.value = arguments[0]; t.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![serde_json::json!(body)],
        )
        .await
        .unwrap();
    let status = save_status(&app, "the failure", |t| t.starts_with("Not saved")).await;
    let file = settings_file(&config);
    assert!(
        status == format!("Not saved: Could not save {}: the disk is full (No space left on device (os error 28))", file.display()),
        "says where it could not save and why: {status}"
    );
    let kept = answers_within_a_second(&app, "return document.getElementById('body-text').value.length;").await;
    assert_eq!(kept.as_u64(), Some(body.len() as u64), "the body typed is still there");
    app.close().await;
    drop(disk);
}

#[tokio::test]
async fn a_locked_keychain_keeps_the_secret_for_this_session_and_the_entries() {
    let keychain = PrivateKeychain::start("locked");
    let config = fresh_config_home();
    let app = App::launch_with_env(
        env!("CARGO_BIN_EXE_oauth-console"),
        &[("XDG_CONFIG_HOME", &config), ("DBUS_SESSION_BUS_ADDRESS", &keychain.address)],
    )
    .await;
    app.new_profile("Locked keychain").await;
    app.choose("Grant Type", "Client Credentials").await;
    app.fill("Client ID", CLIENT_ID).await;
    save_status(&app, "Saved", |t| t == "Saved").await;
    let notices = app.text_when("notices", "the notices", |_| true).await;
    assert!(!notices.contains("this session only"), "the keychain works before it is locked: {notices}");

    // Locked as a user's keyring is after a screen lock: the Secret
    // Service still answers, but a write needs an unlock prompt, which no
    // one can answer here (the private bus has no prompter).
    let locked = std::process::Command::new("timeout")
        .args(["5", "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets"])
        .arg("org.freedesktop.Secret.Service.Lock")
        .arg("array:objpath:/org/freedesktop/secrets/collection/login")
        .env("DBUS_SESSION_BUS_ADDRESS", &keychain.address)
        .output()
        .expect("dbus-send (package dbus) runs");
    assert!(
        locked.status.success() && String::from_utf8_lossy(&locked.stdout).contains("/org/freedesktop/secrets/collection/login"),
        "the private keychain locked: {} {}",
        String::from_utf8_lossy(&locked.stdout),
        String::from_utf8_lossy(&locked.stderr)
    );
    let started = Instant::now();
    crate::profiles::record_secret(CLIENT_SECRET);
    app.fill("Client Secret", CLIENT_SECRET).await;
    let notices = app.text_when("notices", "the keychain notice", |t| t.contains("this session only")).await;
    assert!(notices.contains("Nothing is written to disk in plain text"), "{notices}");
    eprintln!("the locked keychain was noticed after {:?}", started.elapsed());
    let typed = answers_within_a_second(
        &app,
        "return [document.getElementById('client-id').value, document.getElementById('client-secret').value];",
    )
    .await;
    assert_eq!(typed, serde_json::json!([CLIENT_ID, CLIENT_SECRET]), "the fields keep what the user typed");
    app.close().await;
    let file = std::fs::read_to_string(settings_file(&config)).unwrap();
    assert!(!file.contains(CLIENT_SECRET), "the secret did not go to the file");
}

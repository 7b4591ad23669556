//! File bodies through the sender: a `multipart/form-data` body with text
//! and file parts and a binary file, each streamed from disk, received by a
//! local server with the length announced; and the Copy as cURL of each,
//! run with the `curl` binary, sends the same parts.

use crate::send::http;
use crate::send::servers::{reply, run_curl, Seen, Server};
use oauth_console_core::http::HttpSettings;
use oauth_console_core::send::{self, curl, ApiRequest, FormPart, RequestBody};
use std::path::PathBuf;

fn temp_file(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "oc-bodies-{}-{}",
        std::process::id(),
        name.replace('.', "-")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn post(url: String, body: RequestBody) -> ApiRequest {
    ApiRequest {
        method: "POST".into(),
        url,
        body,
        ..ApiRequest::default()
    }
}

/// The parts of a multipart body as (Content-Disposition line, content),
/// split on the boundary its Content-Type names.
fn parts_of(seen: &Seen) -> Vec<(String, String)> {
    let content_type = seen.header("content-type").expect("a Content-Type");
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .unwrap_or_else(|| panic!("no boundary in {content_type}"))
        .trim_matches('"');
    let sections: Vec<&str> = seen.body.split(&format!("--{boundary}")).collect();
    assert_eq!(
        sections.last(),
        Some(&"--\r\n"),
        "the body ends with the closing boundary"
    );
    sections[1..sections.len() - 1]
        .iter()
        .map(|section| {
            let (head, content) = section.split_once("\r\n\r\n").expect("a part head");
            let disposition = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
                .expect("a Content-Disposition")
                .to_owned();
            (
                disposition,
                content
                    .strip_suffix("\r\n")
                    .expect("CRLF after the content")
                    .to_owned(),
            )
        })
        .collect()
}

fn multipart(path: &PathBuf) -> RequestBody {
    RequestBody::Multipart {
        parts: vec![
            FormPart::text("type", "replace"),
            FormPart::file("file", path.to_str().unwrap()),
        ],
    }
}

#[tokio::test]
async fn a_multipart_body_sends_its_text_and_file_parts_with_a_content_length() {
    let path = temp_file(
        "HELLO_WORLD_01.00.0000.iar",
        b"PK archive bytes for the test",
    );
    let server = Server::http(|_| reply(204)).await;
    let request = post(
        server.url("/ic/api/integration/v1/integrations/archive"),
        multipart(&path),
    );
    let response = send::send(&http(), &request, None).await.unwrap();
    assert_eq!(response.status, 204);

    let seen = &server.seen()[0];
    assert!(seen
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data; boundary="));
    assert_eq!(
        seen.header("content-length")
            .map(|n| n.parse::<usize>().unwrap()),
        Some(seen.body.len()),
        "the length is announced, not chunked"
    );
    assert_eq!(
        parts_of(seen),
        vec![
            ("Content-Disposition: form-data; name=\"type\"".to_owned(), "replace".to_owned()),
            (
                "Content-Disposition: form-data; name=\"file\"; filename=\"HELLO_WORLD_01.00.0000.iar\"".to_owned(),
                "PK archive bytes for the test".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn a_binary_file_body_goes_as_it_is_on_disk_with_its_content_type() {
    let content = "line one\nline two\n".repeat(5000);
    let path = temp_file("lookup.csv", content.as_bytes());
    let server = Server::http(|_| reply(200)).await;
    let request = post(
        server.url("/upload"),
        RequestBody::File {
            path: path.to_str().unwrap().into(),
            content_type: "text/csv".into(),
        },
    );
    send::send(&http(), &request, None).await.unwrap();
    let seen = &server.seen()[0];
    assert_eq!(seen.header("content-type").as_deref(), Some("text/csv"));
    assert_eq!(
        seen.header("content-length"),
        Some(content.len().to_string())
    );
    assert!(seen.body == content, "the file's bytes arrive unchanged");
}

#[tokio::test]
async fn a_file_gone_before_send_is_a_body_file_error_naming_the_path() {
    let path = std::env::temp_dir().join("oc-bodies-no-such-file.iar");
    let server = Server::http(|_| reply(200)).await;
    let request = post(server.url("/x"), multipart(&path));
    let err = send::send(&http(), &request, None)
        .await
        .err()
        .expect("refused");
    assert_eq!(err.code(), "body_file");
    assert!(
        err.to_string().contains("oc-bodies-no-such-file.iar"),
        "{err}"
    );
    assert!(server.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn copy_as_curl_of_a_multipart_request_sends_the_same_parts_as_the_app() {
    let path = temp_file("my archive;v2.iar", b"archive content");
    let server = Server::http(|_| reply(200)).await;
    let mut body = multipart(&path);
    if let RequestBody::Multipart { parts } = &mut body {
        parts.push(FormPart::text("note", "@not-a-file <neither"));
    }
    let request = post(server.url("/upload"), body);
    send::send(&http(), &request, None).await.unwrap();
    let command =
        curl::for_api_request(&request, None, &HttpSettings::default(), None, false).unwrap();
    let run = run_curl(&command).await;
    assert_eq!(run.exit, 0, "{command}\n{}", run.output);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(parts_of(&seen[1]), parts_of(&seen[0]), "{command}");
}

#[tokio::test]
async fn copy_as_curl_of_a_binary_file_sends_the_same_bytes_and_content_type() {
    let path = temp_file("data.json", br#"{"a": [1, 2, 3]}"#);
    let server = Server::http(|_| reply(200)).await;
    let request = ApiRequest {
        method: "PUT".into(),
        ..post(
            server.url("/put"),
            RequestBody::File {
                path: path.to_str().unwrap().into(),
                content_type: "application/json".into(),
            },
        )
    };
    send::send(&http(), &request, None).await.unwrap();
    let command =
        curl::for_api_request(&request, None, &HttpSettings::default(), None, false).unwrap();
    assert!(command.contains("-X PUT"), "{command}");
    let run = run_curl(&command).await;
    assert_eq!(run.exit, 0, "{command}\n{}", run.output);
    let seen = server.seen();
    assert_eq!(
        (seen[1].method.as_str(), seen[1].body.as_str()),
        (seen[0].method.as_str(), seen[0].body.as_str())
    );
    assert_eq!(
        seen[1].header("content-type"),
        seen[0].header("content-type")
    );
}

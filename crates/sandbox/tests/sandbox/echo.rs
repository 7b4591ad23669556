//! `/sandbox/v1/echo`: what arrived, without credential values; each part
//! of a multipart body by name, file name and size.

use crate::support::start;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn the_echo_reports_each_multipart_part_by_name_file_name_and_size() {
    let sandbox = start().await;
    let file = b"PK\x03\x04 an archive that is not real";
    let mut body = Vec::new();
    body.extend_from_slice(
        b"--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nreplace\r\n",
    );
    body.extend_from_slice(
        b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"HELLO.iar\"\r\nContent-Type: application/octet-stream\r\n\r\n",
    );
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let answer: Value = reqwest::Client::new()
        .post(sandbox.echo_url() + "?a=1")
        .header("Content-Type", "multipart/form-data; boundary=XyZ")
        .header("Authorization", "Bearer echo-test-token-not-real")
        .header("X-Trace", "t-1")
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["method"], "POST");
    assert_eq!(answer["path"], "/sandbox/v1/echo");
    assert_eq!(answer["query"], "a=1");
    let header = |name: &str| answer["headers"].get(name).cloned();
    assert_eq!(
        header("authorization"),
        Some("[not echoed]".into()),
        "no credential value comes back"
    );
    assert_eq!(header("x-trace"), Some("t-1".into()));
    assert!(!answer.to_string().contains("echo-test-token-not-real"));
    let parts = answer["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{answer}");
    assert_eq!(
        (
            &parts[0]["name"],
            &parts[0]["filename"],
            &parts[0]["value"],
            &parts[0]["size"]
        ),
        (&"type".into(), &Value::Null, &"replace".into(), &7.into())
    );
    assert_eq!(parts[1]["name"], "file");
    assert_eq!(parts[1]["filename"], "HELLO.iar");
    assert_eq!(parts[1]["contentType"], "application/octet-stream");
    assert_eq!(parts[1]["size"], file.len());
    assert_eq!(parts[1]["sha256"], hex(&Sha256::digest(file)));
    assert!(
        parts[1].get("value").is_none(),
        "a file's content is not echoed"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_echo_reports_a_binary_body_by_size_and_digest() {
    let sandbox = start().await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let answer: Value = reqwest::Client::new()
        .put(sandbox.echo_url())
        .header("Content-Type", "application/octet-stream")
        .body(bytes.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["method"], "PUT");
    assert_eq!(answer["contentType"], "application/octet-stream");
    assert_eq!(answer["size"], bytes.len());
    assert_eq!(answer["sha256"], hex(&Sha256::digest(&bytes)));
    assert!(answer.get("parts").is_none());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_multipart_body_that_does_not_parse_is_a_bad_request_saying_why() {
    let sandbox = start().await;
    let response = reqwest::Client::new()
        .post(sandbox.echo_url())
        .header("Content-Type", "multipart/form-data; boundary=XyZ")
        .body("--XyZ\r\nno headers and no end")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"], "invalid_request");
    sandbox.shutdown().await;
}

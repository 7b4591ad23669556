//! `/sandbox/v1/echo` on the identity domain's origin: any method, any
//! body, answered with what arrived, so that a test (or a user trying the
//! Body tab) sees what the app sent. No token is needed and nothing is kept.
//!
//! The answer: `{"method", "path", "query", "headers": {name: value},
//! "contentType", "size", "sha256", "parts"}`. Credential headers
//! (Authorization, Cookie, Proxy-Authorization) are listed with the value
//! `[not echoed]`. For `multipart/form-data`, `parts` lists each part's
//! `name`, `filename`, `contentType`, `size` and `sha256`, and a text
//! part's `value`; files are read in chunks and only counted and hashed.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::response::Response;
use http::header::CONTENT_TYPE;
use http::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The largest body the echo reads (a test's archive, not a real one).
pub const BODY_LIMIT: usize = 64 * 1024 * 1024;

const NOT_ECHOED: &str = "[not echoed]";

pub async fn echo(request: Request) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    // One line per header name (repeated ones joined), so the answer stays short.
    let mut headers = serde_json::Map::new();
    for (name, value) in request.headers() {
        let shown = if is_credential(name.as_str()) {
            NOT_ECHOED.to_owned()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        match headers.get_mut(name.as_str()) {
            Some(Value::String(before)) => *before = format!("{before}, {shown}"),
            _ => {
                headers.insert(name.as_str().to_owned(), Value::String(shown));
            }
        }
    }
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let mut answer = json!({
        "method": method,
        "path": path,
        "query": query,
        "headers": headers,
        "contentType": content_type,
    });
    let multipart = content_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/form-data"));
    if multipart {
        match parts(request).await {
            Ok((parts, size)) => {
                answer["parts"] = Value::Array(parts);
                answer["size"] = json!(size);
            }
            Err(reason) => return refused(&reason),
        }
    } else {
        match to_bytes(request.into_body(), BODY_LIMIT).await {
            Ok(bytes) => {
                answer["size"] = json!(bytes.len());
                answer["sha256"] = json!(hex(&Sha256::digest(&bytes)));
            }
            Err(e) => return refused(&format!("the body could not be read: {e}")),
        }
    }
    crate::response::json(StatusCode::OK, &answer)
}

/// Each part as reported, and the parts' total size.
async fn parts(request: Request) -> Result<(Vec<Value>, u64), String> {
    // The route's `DefaultBodyLimit` bounds what the extractor reads.
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| format!("not a multipart body: {e}"))?;
    let mut out = Vec::new();
    let mut total = 0u64;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("a part could not be read: {e}"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let mut hash = Sha256::new();
        let mut size = 0u64;
        let mut text = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| format!("the part {name:?} could not be read: {e}"))?
        {
            size += chunk.len() as u64;
            hash.update(&chunk);
            if filename.is_none() && text.len() < 4096 {
                text.extend_from_slice(&chunk[..chunk.len().min(4096 - text.len())]);
            }
        }
        total += size;
        let mut part = json!({
            "name": name,
            "filename": filename,
            "contentType": content_type,
            "size": size,
            "sha256": hex(&hash.finalize()),
        });
        if filename.is_none() {
            part["value"] = json!(String::from_utf8_lossy(&text));
        }
        out.push(part);
    }
    Ok((out, total))
}

fn is_credential(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

fn refused(reason: &str) -> Response {
    crate::response::json(
        StatusCode::BAD_REQUEST,
        &json!({ "error": "invalid_request", "error_description": reason }),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

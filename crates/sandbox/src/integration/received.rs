//! What the design-time host received: the latest Developer API requests
//! (method, path, query, the headers that shape a call, the body or the
//! multipart parts), listed at `GET /sandbox/v1/received` and cleared with
//! `DELETE`, so that a test can compare what a client says it sent with what
//! arrived. The Authorization value is never kept, only its scheme.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::StatusCode;
use serde_json::{json, Value};

use super::{archive, DesignState, API_PREFIX};

/// How many requests are kept.
const KEPT: usize = 200;
/// The largest body that is read to be recorded (an archive is far smaller).
const BODY_LIMIT: usize = 32 * 1024 * 1024;
/// Headers recorded besides Authorization's scheme.
const RECORDED_HEADERS: &[&str] = &["content-type", "x-http-method-override", "accept"];

#[derive(Default)]
pub struct Received(Mutex<VecDeque<Value>>);

impl Received {
    fn push(&self, entry: Value) {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() == KEPT {
            kept.pop_front();
        }
        kept.push_back(entry);
    }
}

/// Records every `/ic/api/` request before anything else looks at it.
pub async fn record(
    State(state): State<Arc<DesignState>>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with(API_PREFIX) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return super::api_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is too large",
        );
    };
    let headers: serde_json::Map<String, Value> = RECORDED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = parts.headers.get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), Value::from(value)))
        })
        .collect();
    let scheme = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_owned);
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let body = if bytes.is_empty() {
        Value::Null
    } else if content_type.to_ascii_lowercase().starts_with("multipart/") {
        match archive::multipart(content_type, &bytes) {
            Ok(parts) => json!({"parts": parts.iter().map(|p| json!({
                "name": p.name,
                "fileName": p.file_name,
                "size": p.data.len(),
            })).collect::<Vec<_>>()}),
            Err(problem) => json!({"unreadable": problem}),
        }
    } else {
        json!({"text": String::from_utf8_lossy(&bytes)})
    };
    state.received.push(json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query(),
        "headers": headers,
        "authorization": scheme,
        "body": body,
    }));
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// `GET /sandbox/v1/received`: the kept requests, oldest first.
pub async fn list(State(state): State<Arc<DesignState>>) -> Response {
    let kept = state.received.0.lock().unwrap_or_else(|p| p.into_inner());
    crate::response::json(
        StatusCode::OK,
        &json!({"items": kept.iter().collect::<Vec<_>>()}),
    )
}

/// `DELETE /sandbox/v1/received`: forgets them.
pub async fn clear(State(state): State<Arc<DesignState>>) -> Response {
    state
        .received
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clear();
    crate::response::json(StatusCode::OK, &json!({"items": []}))
}

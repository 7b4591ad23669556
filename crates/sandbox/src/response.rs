//! JSON responses, written by hand because the crate builds axum without its
//! `json` feature (the handlers parse their own input).

use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};

/// `body` as `application/json;charset=UTF-8` with `status`.
pub fn json(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json;charset=UTF-8"),
        )],
        body.to_string(),
    )
        .into_response()
}

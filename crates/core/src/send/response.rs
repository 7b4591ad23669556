//! What the sender hands back: the final response (status, headers, body,
//! size, timing) and the redirect chain that led to it, hop by hop, with
//! what happened to the credentials on each hop.
//!
//! No value here is a request credential: hops record decisions, not headers,
//! and `Debug` redacts credential-like response headers and the body.

use super::redirect::Forwarding;
use base64::Engine;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::fmt;
use std::time::Duration;

/// The final answer of one API call.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResponse {
    pub status: u16,
    /// The standard reason phrase of the status (`Not Found`), empty for
    /// unknown codes.
    pub reason: String,
    /// The URL that answered, after the redirects.
    pub url: String,
    pub http_version: String,
    pub headers: Vec<HeaderLine>,
    pub body: ResponseBody,
    pub size: Size,
    pub timing: Timing,
    /// Every request of the chain, the first one included; the last hop is
    /// this response.
    pub hops: Vec<Hop>,
    /// Why a redirect status was not followed, when it was not.
    pub note: Option<String>,
    /// The redirect the sender stopped (https→http, a body resent without
    /// the credentials, a `javascript:`/`file:`/`data:` Location), for the
    /// Redirects tab; `None` when nothing was stopped.
    pub stopped: Option<super::redirect::StoppedRedirect>,
    /// The cap (bytes), when the body was longer and only its first
    /// `truncatedAt` bytes were read and kept.
    pub truncated_at: Option<u64>,
}

/// One response header, in the order the server sent them.
#[derive(Clone, Serialize)]
pub struct HeaderLine {
    pub name: String,
    pub value: String,
}

impl fmt::Debug for HeaderLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_credential_header(&self.name) || self.name.eq_ignore_ascii_case("set-cookie") {
            write!(f, "{}: [redacted]", self.name)
        } else {
            write!(f, "{}: {}", self.name, self.value)
        }
    }
}

/// Headers that carry credentials and follow the redirect rule together.
pub(crate) fn is_credential_header(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// How the UI should render the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyKind {
    Empty,
    Json,
    Text,
    Binary,
}

/// The body as received (not decompressed). Serialized as `{kind, text}`
/// for JSON and text, `{kind, base64}` for binary.
#[derive(Clone)]
pub struct ResponseBody {
    pub kind: BodyKind,
    pub bytes: Vec<u8>,
}

impl ResponseBody {
    /// Sorts the body by its Content-Type and content: JSON when it parses
    /// as JSON (and the type is JSON or not given), text when it is UTF-8
    /// without control characters other than white space, else binary.
    pub fn new(bytes: Vec<u8>, content_type: Option<&str>) -> ResponseBody {
        let kind = body_kind(&bytes, content_type);
        ResponseBody { kind, bytes }
    }

    /// The body as text, when it is JSON or text.
    pub fn text(&self) -> Option<&str> {
        match self.kind {
            BodyKind::Json | BodyKind::Text | BodyKind::Empty => {
                std::str::from_utf8(&self.bytes).ok()
            }
            BodyKind::Binary => None,
        }
    }
}

fn body_kind(bytes: &[u8], content_type: Option<&str>) -> BodyKind {
    if bytes.is_empty() {
        return BodyKind::Empty;
    }
    let media = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    let Ok(text) = std::str::from_utf8(bytes) else {
        return BodyKind::Binary;
    };
    let declared_json = media
        .as_deref()
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
    let may_be_json = declared_json || media.is_none() || media.as_deref() == Some("text/plain");
    if may_be_json && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        return BodyKind::Json;
    }
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return BodyKind::Binary;
    }
    BodyKind::Text
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A body may hold a token (a call to a token endpoint, say).
        write!(
            f,
            "ResponseBody({:?}, {} bytes)",
            self.kind,
            self.bytes.len()
        )
    }
}

impl Serialize for ResponseBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut body = serializer.serialize_struct("ResponseBody", 2)?;
        body.serialize_field("kind", &self.kind)?;
        match self.text() {
            Some(text) => body.serialize_field("text", text)?,
            None => body.serialize_field(
                "base64",
                &base64::engine::general_purpose::STANDARD.encode(&self.bytes),
            )?,
        }
        body.end()
    }
}

/// Bytes received for the final response.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Size {
    /// The status line and headers, as HTTP/1.1 text.
    pub headers: u64,
    pub body: u64,
}

/// Where the time went. reqwest does not expose DNS, connect and TLS times,
/// so the final hop is split into waiting for the headers (connect, TLS,
/// server time) and downloading the body.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    #[serde(rename = "totalMs", serialize_with = "millis")]
    pub total: Duration,
    /// The hops before the final one.
    #[serde(rename = "redirectsMs", serialize_with = "millis")]
    pub redirects: Duration,
    /// From sending the final request to its response headers.
    #[serde(rename = "toHeadersMs", serialize_with = "millis")]
    pub to_headers: Duration,
    #[serde(rename = "downloadMs", serialize_with = "millis")]
    pub download: Duration,
}

fn millis<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64((duration.as_secs_f64() * 1000.0 * 10.0).round() / 10.0)
}

/// One request of the redirect chain.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub reason: String,
    /// What happened to Authorization (and Cookie, Proxy-Authorization).
    pub authorization: Forwarding,
    pub authorization_forwarded: bool,
    /// `forwarded (trusted host)`, `not forwarded (https→http)`, ...
    pub authorization_note: &'static str,
    /// From sending this request to its response headers.
    #[serde(rename = "elapsedMs", serialize_with = "millis")]
    pub elapsed: Duration,
}

impl Hop {
    pub fn new(
        method: &http::Method,
        url: &url::Url,
        status: http::StatusCode,
        authorization: Forwarding,
        elapsed: Duration,
    ) -> Hop {
        Hop {
            method: method.to_string(),
            url: url.to_string(),
            status: status.as_u16(),
            reason: reason(status),
            authorization,
            authorization_forwarded: authorization.forwarded(),
            authorization_note: authorization.describe(),
            elapsed,
        }
    }
}

pub(crate) fn reason(status: http::StatusCode) -> String {
    status.canonical_reason().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_recognised_by_content_type_or_by_content() {
        assert_eq!(
            body_kind(br#"{"items":[]}"#, Some("application/json; charset=utf-8")),
            BodyKind::Json
        );
        assert_eq!(
            body_kind(br#"{"type":"x"}"#, Some("application/problem+json")),
            BodyKind::Json
        );
        assert_eq!(body_kind(br#"[1,2]"#, None), BodyKind::Json);
        assert_eq!(
            body_kind(b"{not json", Some("application/json")),
            BodyKind::Text,
            "broken JSON is shown as text"
        );
        assert_eq!(
            body_kind(b"<html></html>", Some("text/html")),
            BodyKind::Text
        );
        assert_eq!(
            body_kind(b"42", Some("text/html")),
            BodyKind::Text,
            "an HTML page is not JSON"
        );
    }

    #[test]
    fn binary_and_empty_bodies_are_told_apart_from_text() {
        assert_eq!(
            body_kind(&[0xff, 0xd8, 0xff, 0xe0], Some("image/jpeg")),
            BodyKind::Binary
        );
        assert_eq!(
            body_kind(b"PK\x03\x04abc", Some("application/zip")),
            BodyKind::Binary
        );
        assert_eq!(body_kind(b"", Some("application/json")), BodyKind::Empty);
        assert_eq!(body_kind(b"line one\r\n\tline two", None), BodyKind::Text);
    }

    #[test]
    fn a_binary_body_is_serialized_as_base64_and_text_as_text() {
        let binary = ResponseBody::new(vec![0, 1, 2, 255], Some("application/octet-stream"));
        assert_eq!(
            serde_json::to_value(&binary).unwrap(),
            serde_json::json!({"kind": "binary", "base64": "AAEC/w=="})
        );
        let json = ResponseBody::new(br#"{"a":1}"#.to_vec(), Some("application/json"));
        assert_eq!(
            serde_json::to_value(&json).unwrap(),
            serde_json::json!({"kind": "json", "text": "{\"a\":1}"})
        );
    }

    #[test]
    fn debug_output_shows_neither_the_body_nor_cookies() {
        let body = ResponseBody::new(br#"{"access_token":"test-token-not-real"}"#.to_vec(), None);
        let cookie = HeaderLine {
            name: "Set-Cookie".into(),
            value: "session=test-session-not-real".into(),
        };
        let printed = format!("{body:?} {cookie:?}");
        assert!(!printed.contains("not-real"), "{printed}");
        assert!(printed.contains("Set-Cookie"), "{printed}");
    }

    #[test]
    fn a_hop_carries_the_words_of_its_forwarding_decision() {
        let hop = Hop::new(
            &http::Method::GET,
            &url::Url::parse("http://127.0.0.1:8082/ic/api/").unwrap(),
            http::StatusCode::OK,
            Forwarding::TrustedHost,
            Duration::from_millis(12),
        );
        let value = serde_json::to_value(&hop).unwrap();
        assert_eq!(value["authorization"], "trusted_host");
        assert_eq!(value["authorizationForwarded"], true);
        assert_eq!(value["authorizationNote"], "forwarded (trusted host)");
        assert_eq!(value["reason"], "OK");
        assert_eq!(value["elapsedMs"], 12.0);
    }
}

//! Asking the server about a token: introspection (RFC 7662: is it active,
//! for whom, until when) and revocation (RFC 7009). Both are form POSTs
//! authenticated as the client that got the token, the same way as at the
//! token endpoint ([`crate::grants::exchange::form_request`]).

use crate::error::{Error, Result};
use crate::grants::exchange::{form_request, Client, Transport};
use crate::http::HttpClient;
use crate::response::{parse_token_response, RawResponse};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// Which of a token's values is asked about (`token_type_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    AccessToken,
    RefreshToken,
}

impl TokenKind {
    fn hint(self) -> &'static str {
        match self {
            TokenKind::AccessToken => "access_token",
            TokenKind::RefreshToken => "refresh_token",
        }
    }
}

/// The introspection endpoint to ask: the one typed, else the token
/// endpoint's sibling `/oauth2/v1/introspect` (OCI IAM's layout).
pub fn introspection_url(typed: &str, token_url: &str) -> Result<String> {
    if !typed.trim().is_empty() {
        return Ok(typed.trim().to_owned());
    }
    token_url
        .trim()
        .strip_suffix("/oauth2/v1/token")
        .map(|domain| format!("{domain}/oauth2/v1/introspect"))
        .ok_or(Error::MissingField { field: "Introspection URL" })
}

/// What the introspection endpoint said about a token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Introspection {
    pub active: bool,
    /// `exp`, in seconds since 1970, and how many seconds are left at the
    /// moment of the answer (0 once past).
    pub expires_at: Option<u64>,
    pub expires_in: Option<u64>,
    pub scope: Option<String>,
    pub sub: Option<String>,
    pub client_id: Option<String>,
    /// `aud`, one value or several.
    pub aud: Vec<String>,
    pub token_type: Option<String>,
    /// Every field of the answer, as the server sent it (a field that holds
    /// a token value is replaced by `[redacted]`).
    pub fields: Map<String, Value>,
}

/// Fields of an introspection answer that would hold a token's value.
const SECRET_FIELDS: &[&str] = &["access_token", "refresh_token", "id_token", "token"];

/// Reads an introspection answer (RFC 7662 §2.2): a JSON object with a
/// boolean `active`. An OAuth error, a page or other JSON is an error that
/// says so.
pub fn parse_introspection(raw: &RawResponse, now: SystemTime) -> Result<Introspection> {
    let json = serde_json::from_slice::<Value>(&raw.body).ok();
    let fields = match json {
        Some(Value::Object(fields)) if (200..300).contains(&raw.status) && fields.contains_key("active") => fields,
        Some(Value::Object(fields)) if (200..300).contains(&raw.status) && !fields.contains_key("error") => {
            return Err(Error::UnexpectedResponse {
                status: raw.status,
                content_type: "JSON".into(),
                snippet: "an object without \"active\": not an introspection answer (is this the introspection endpoint?)".into(),
            });
        }
        _ => {
            // Not an introspection answer: the token endpoint's reader says
            // what it is (an OAuth error, a page, an empty body, odd JSON).
            return Err(match parse_token_response(raw, now) {
                Err(error) => error,
                Ok(_) => Error::UnexpectedResponse {
                    status: raw.status,
                    content_type: "JSON".into(),
                    snippet: "a token instead of an introspection answer".into(),
                },
            });
        }
    };
    let active = match fields.get("active") {
        Some(Value::Bool(active)) => *active,
        // Some servers send "true"/"false" as text.
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
        _ => false,
    };
    let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_owned);
    let expires_at = fields.get("exp").and_then(|v| v.as_u64().or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)));
    let now_secs = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let aud = match fields.get("aud") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let mut shown = fields.clone();
    for key in SECRET_FIELDS {
        if let Some(value) = shown.get_mut(*key) {
            *value = Value::String("[redacted]".into());
        }
    }
    Ok(Introspection {
        active,
        expires_at,
        expires_in: expires_at.map(|exp| exp.saturating_sub(now_secs)),
        scope: text("scope"),
        sub: text("sub"),
        client_id: text("client_id"),
        aud,
        token_type: text("token_type"),
        fields: shown,
    })
}

/// Asks `url` (the introspection endpoint) about `token`.
pub async fn introspect(
    http: &HttpClient,
    client: &Client,
    url: &str,
    token: &Secret,
    kind: TokenKind,
    now: SystemTime,
) -> Result<Introspection> {
    let params = [("token", token.expose()), ("token_type_hint", kind.hint())];
    let request = form_request(client, "Introspection URL", url, &params, now)?;
    let transport = Transport::new(http, client, url)?;
    let outcome = oauth2::AsyncHttpClient::call(&transport, request).await;
    let raw = transport.finish_raw(outcome)?;
    parse_introspection(&raw, now)
}

/// Revokes `token` at `url` (the revocation endpoint). RFC 7009 §2.2: 200
/// means revoked (or already unknown to the server, which is the same for
/// the user); anything else is an error that says what came back.
pub async fn revoke(
    http: &HttpClient,
    client: &Client,
    url: &str,
    token: &Secret,
    kind: TokenKind,
    now: SystemTime,
) -> Result<()> {
    let params = [("token", token.expose()), ("token_type_hint", kind.hint())];
    let request = form_request(client, "Revocation URL", url, &params, now)?;
    let transport = Transport::new(http, client, url)?;
    let outcome = oauth2::AsyncHttpClient::call(&transport, request).await;
    let raw = transport.finish_raw(outcome)?;
    revocation_outcome(&raw, now)
}

/// What a revocation endpoint's answer means (see [`revoke`]).
pub fn revocation_outcome(raw: &RawResponse, now: SystemTime) -> Result<()> {
    if raw.status == 200 {
        return Ok(());
    }
    Err(match parse_token_response(raw, now) {
        Err(error) => error,
        Ok(_) => Error::UnexpectedResponse {
            status: raw.status,
            content_type: "JSON".into(),
            snippet: "a token instead of an empty answer".into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            content_type: Some("application/json".into()),
            body: body.as_bytes().to_vec(),
        }
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn an_active_answer_is_read_with_its_expiry_and_every_field() {
        let body = r#"{"active": true, "exp": 1000, "scope": "urn:opc:idm:__myscopes__", "sub": "svc",
                       "client_id": "abc", "aud": ["https://x", "https://y"], "token_type": "Bearer", "tenant": "t1"}"#;
        let found = parse_introspection(&raw(200, body), at(400)).unwrap();
        assert!(found.active);
        assert_eq!(found.expires_at, Some(1000));
        assert_eq!(found.expires_in, Some(600));
        assert_eq!(found.aud, ["https://x", "https://y"]);
        assert_eq!(found.fields["tenant"], "t1");
    }

    #[test]
    fn the_introspection_url_is_the_typed_one_or_beside_oracles_token_endpoint() {
        assert_eq!(introspection_url(" https://x/i ", "https://d/oauth2/v1/token").unwrap(), "https://x/i");
        assert_eq!(introspection_url("", "https://d/oauth2/v1/token").unwrap(), "https://d/oauth2/v1/introspect");
        assert_eq!(introspection_url("", "https://d/o/token/").unwrap_err().code(), "missing_field");
    }

    #[test]
    fn an_inactive_answer_is_just_inactive() {
        let found = parse_introspection(&raw(200, r#"{"active": false}"#), at(0)).unwrap();
        assert!(!found.active);
        assert_eq!(found.expires_in, None);
    }

    #[test]
    fn a_token_value_in_the_answer_is_not_shown() {
        let found = parse_introspection(&raw(200, r#"{"active": true, "token": "abc.def.ghi"}"#), at(0)).unwrap();
        assert_eq!(found.fields["token"], "[redacted]");
    }

    #[test]
    fn an_oauth_error_a_page_and_json_without_active_are_errors() {
        let err = parse_introspection(&raw(401, r#"{"error": "invalid_client"}"#), at(0)).unwrap_err();
        assert_eq!(err.code(), "invalid_client");
        let page = RawResponse { status: 200, content_type: Some("text/html".into()), body: b"<html><title>Sign In</title></html>".to_vec() };
        assert_eq!(parse_introspection(&page, at(0)).unwrap_err().code(), "html_response");
        assert_eq!(parse_introspection(&raw(200, r#"{"sub": "x"}"#), at(0)).unwrap_err().code(), "unexpected_response");
    }

    #[test]
    fn revocation_is_done_on_200_and_says_why_otherwise() {
        revocation_outcome(&raw(200, ""), at(0)).unwrap();
        let err = revocation_outcome(&raw(400, r#"{"error": "unsupported_token_type"}"#), at(0)).unwrap_err();
        assert_eq!(err.code(), "unsupported_token_type");
        assert_eq!(revocation_outcome(&raw(503, ""), at(0)).unwrap_err().code(), "empty_response");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_answer_is_read_or_refused_without_a_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..200)) {
                let raw = RawResponse { status, content_type: None, body };
                let _ = parse_introspection(&raw, at(0));
                let _ = revocation_outcome(&raw, at(0));
            }

            #[test]
            fn the_time_left_never_exceeds_the_expiry(exp in 0u64..4_000_000_000, now in 0u64..4_000_000_000) {
                let body = format!(r#"{{"active": true, "exp": {exp}}}"#);
                let found = parse_introspection(&raw(200, &body), at(now)).unwrap();
                prop_assert_eq!(found.expires_in, Some(exp.saturating_sub(now)));
            }
        }
    }
}

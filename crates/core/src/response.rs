//! Reading what a token endpoint answered: a token, an RFC 6749 §5.2 error, or
//! something else (an HTML error page, an empty body, JSON without
//! `access_token`), each turned into a precise [`Error`].
//!
//! Pure functions over a [`RawResponse`], so every case is unit-tested.

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::token::Token;
use serde_json::{Map, Value};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// An HTTP response as received, before any interpretation.
#[derive(Clone)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl fmt::Debug for RawResponse {
    // The body of a token response holds the tokens: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// Fields of a token response whose values are secrets.
/// Kept out of error messages; `device_code` too, since the device
/// endpoint's answers are read here when they are not a device authorization.
const SECRET_FIELDS: [&str; 4] = ["access_token", "refresh_token", "id_token", "device_code"];

pub fn parse_token_response(raw: &RawResponse, now: SystemTime) -> Result<Token> {
    let status = raw.status;
    let text = String::from_utf8_lossy(&raw.body);
    if text.trim().is_empty() {
        return Err(Error::EmptyResponse { status });
    }
    let content_type = raw.content_type.clone().unwrap_or_default().to_ascii_lowercase();
    let json = serde_json::from_str::<Value>(&text).ok();
    let Some(Value::Object(mut fields)) = json else {
        if content_type.contains("html") || looks_like_html(&text) {
            return Err(Error::HtmlResponse {
                status,
                title: html_title(&text),
            });
        }
        return Err(Error::UnexpectedResponse {
            status,
            content_type: if content_type.is_empty() { "a body".into() } else { content_type },
            snippet: snippet(&redact_secrets(&text)),
        });
    };

    if let Some(error) = fields.get("error").and_then(Value::as_str) {
        return Err(Error::OAuth {
            status,
            error: error.to_owned(),
            description: fields
                .get("error_description")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    if !(200..300).contains(&status) {
        // A token in an error answer is still a token: keep it out of the
        // message.
        for key in SECRET_FIELDS {
            if let Some(value) = fields.get_mut(key) {
                *value = Value::String("[redacted]".into());
            }
        }
        return Err(Error::UnexpectedResponse {
            status,
            content_type: "JSON".into(),
            snippet: snippet(&Value::Object(fields).to_string()),
        });
    }
    let access_token = match fields.remove("access_token") {
        Some(Value::String(token)) if !token.is_empty() => Secret::new(token),
        _ => return Err(Error::MissingAccessToken { status }),
    };

    let mut warnings = Vec::new();
    let token_type = match fields.remove("token_type") {
        Some(Value::String(t)) => t,
        _ => {
            warnings.push("The response has no token_type; Bearer is assumed.".to_owned());
            "Bearer".to_owned()
        }
    };
    let expires_in = match fields.remove("expires_in") {
        None | Some(Value::Null) => None,
        Some(value) => match seconds(&value) {
            Some(s) => Some(s),
            None => {
                warnings.push(format!(
                    "expires_in is {value}, not a number of seconds; the expiry is unknown."
                ));
                None
            }
        },
    };
    let scope = take_string(&mut fields, "scope");
    let refresh_token = take_string(&mut fields, "refresh_token").map(Secret::new);
    let id_token = take_string(&mut fields, "id_token").map(Secret::new);

    let issued_at = unix_seconds(now);
    Ok(Token {
        access_token,
        token_type,
        expires_in,
        issued_at,
        expires_at: expires_in.map(|s| issued_at.saturating_add(s)),
        scope,
        refresh_token,
        id_token,
        extra: fields,
        warnings,
        id_token_check: None,
    })
}

/// `3600`, `3600.0` and `"3600"` are all seen in the wild.
fn seconds(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.is_finite()).map(|f| f.round() as u64)),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
}

fn take_string(fields: &mut Map<String, Value>, key: &str) -> Option<String> {
    match fields.remove(key) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) | None => None,
        Some(other) => {
            // Unusual type: keep it visible as returned.
            fields.insert(key.to_owned(), other);
            None
        }
    }
}

pub fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn looks_like_html(text: &str) -> bool {
    let start = text.trim_start().get(..15).unwrap_or("").to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with("<head") || start.starts_with("<body")
}

fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = text.get(open_end..close)?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then(|| truncate(&title, 80))
}

/// `text` with the value after each `access_token`, `refresh_token` or
/// `id_token` (as `key=value`, `"key":"value"`, `key: value`) replaced by
/// `[redacted]`: a form-encoded or broken JSON token answer still holds
/// tokens.
fn redact_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, key)) = SECRET_FIELDS
        .iter()
        .filter_map(|key| rest.find(key).map(|at| (at, *key)))
        .min()
    {
        let after_key = at + key.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let separator = rest
            .char_indices()
            .take_while(|(_, c)| matches!(c, '"' | '\'' | ' ' | '\t' | ':' | '='))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        if !rest[..separator].contains([':', '=']) {
            continue;
        }
        out.push_str(&rest[..separator]);
        rest = &rest[separator..];
        let value = rest
            .find(|c: char| matches!(c, '"' | '\'' | '&' | ',' | '}' | ';') || c.is_whitespace())
            .unwrap_or(rest.len());
        if value > 0 {
            out.push_str("[redacted]");
        }
        rest = &rest[value..];
    }
    out.push_str(rest);
    out
}

fn snippet(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&flat, 120)
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn raw(status: u16, content_type: &str, body: &str) -> RawResponse {
        RawResponse {
            status,
            content_type: Some(content_type.to_owned()),
            body: body.as_bytes().to_vec(),
        }
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn a_standard_token_response_is_read_with_its_expiry() {
        let token = parse_token_response(
            &raw(200, "application/json", r#"{"access_token":"eyJ.a.b","token_type":"Bearer","expires_in":3600}"#),
            at(1_000),
        )
        .unwrap();
        assert_eq!(token.access_token.expose(), "eyJ.a.b");
        assert_eq!(token.token_type, "Bearer");
        assert_eq!(token.expires_in, Some(3600));
        assert_eq!(token.expires_at, Some(4_600));
        assert!(token.warnings.is_empty());
    }

    #[test]
    fn other_fields_are_kept_as_returned() {
        let token = parse_token_response(
            &raw(
                200,
                "application/json;charset=UTF-8",
                r#"{"access_token":"t","token_type":"Bearer","expires_in":10,"scope":"s offline_access","refresh_token":"r","id_token":"i","custom":{"a":1}}"#,
            ),
            at(0),
        )
        .unwrap();
        assert_eq!(token.scope.as_deref(), Some("s offline_access"));
        assert_eq!(token.refresh_token.as_ref().map(Secret::expose), Some("r"));
        assert_eq!(token.id_token.as_ref().map(Secret::expose), Some("i"));
        assert_eq!(token.extra.get("custom"), Some(&serde_json::json!({"a": 1})));
        assert!(!token.extra.contains_key("access_token"), "the token is not duplicated in extra");
    }

    #[test]
    fn an_rfc6749_error_keeps_code_and_description() {
        let err = parse_token_response(
            &raw(401, "application/json", r#"{"error":"invalid_client","error_description":"Client authentication failed."}"#),
            at(0),
        )
        .unwrap_err();
        match err {
            Error::OAuth { status, error, description } => {
                assert_eq!(status, 401);
                assert_eq!(error, "invalid_client");
                assert_eq!(description.as_deref(), Some("Client authentication failed."));
            }
            other => panic!("expected an OAuth error, got {other:?}"),
        }
    }

    #[test]
    fn an_html_error_page_is_named_with_its_title() {
        let page = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>nope</body></html>";
        let err = parse_token_response(&raw(404, "text/html; charset=utf-8", page), at(0)).unwrap_err();
        assert!(
            matches!(&err, Error::HtmlResponse { status: 404, title: Some(t) } if t == "404 Not Found"),
            "{err:?}"
        );
        assert!(err.to_string().contains("HTML page"), "{err}");
    }

    #[test]
    fn an_html_page_sent_as_200_without_content_type_is_still_recognised() {
        let err = parse_token_response(
            &RawResponse { status: 200, content_type: None, body: b"<html><body>Sign in</body></html>".to_vec() },
            at(0),
        )
        .unwrap_err();
        assert!(matches!(err, Error::HtmlResponse { status: 200, title: None }), "{err:?}");
    }

    #[test]
    fn an_empty_body_is_an_empty_response_error() {
        let err = parse_token_response(&raw(200, "application/json", "  \n"), at(0)).unwrap_err();
        assert!(matches!(err, Error::EmptyResponse { status: 200 }), "{err:?}");
        let err = parse_token_response(&raw(500, "", ""), at(0)).unwrap_err();
        assert!(matches!(err, Error::EmptyResponse { status: 500 }), "{err:?}");
    }

    #[test]
    fn json_without_access_token_is_refused() {
        let err = parse_token_response(&raw(200, "application/json", r#"{"token_type":"Bearer"}"#), at(0)).unwrap_err();
        assert!(matches!(err, Error::MissingAccessToken { status: 200 }), "{err:?}");
        let err = parse_token_response(&raw(200, "application/json", r#"{"access_token":""}"#), at(0)).unwrap_err();
        assert!(matches!(err, Error::MissingAccessToken { .. }), "an empty token is no token: {err:?}");
    }

    #[test]
    fn a_numeric_string_expires_in_is_accepted() {
        let token = parse_token_response(
            &raw(200, "application/json", r#"{"access_token":"t","token_type":"Bearer","expires_in":"120"}"#),
            at(10),
        )
        .unwrap();
        assert_eq!(token.expires_in, Some(120));
        assert_eq!(token.expires_at, Some(130));
    }

    #[test]
    fn a_non_numeric_expires_in_keeps_the_token_with_an_unknown_expiry_and_a_warning() {
        let token = parse_token_response(
            &raw(200, "application/json", r#"{"access_token":"t","token_type":"Bearer","expires_in":"soon"}"#),
            at(10),
        )
        .unwrap();
        assert_eq!(token.expires_in, None);
        assert_eq!(token.expires_at, None);
        assert_eq!(token.warnings.len(), 1);
        assert!(token.warnings[0].contains("expires_in"), "{:?}", token.warnings);
    }

    #[test]
    fn a_plain_text_body_is_quoted_briefly() {
        let body = "Service Unavailable ".repeat(20);
        let err = parse_token_response(&raw(503, "text/plain", &body), at(0)).unwrap_err();
        match err {
            Error::UnexpectedResponse { status: 503, snippet, content_type } => {
                assert_eq!(content_type, "text/plain");
                assert!(snippet.chars().count() <= 121, "{snippet}");
                assert!(snippet.ends_with('…'));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_json_error_status_without_error_field_is_unexpected() {
        let err = parse_token_response(&raw(500, "application/json", r#"{"message":"boom"}"#), at(0)).unwrap_err();
        assert!(matches!(err, Error::UnexpectedResponse { status: 500, .. }), "{err:?}");
    }

    #[test]
    fn debug_of_a_raw_response_hides_the_body() {
        let printed = format!("{:?}", raw(200, "application/json", r#"{"access_token":"secret-token"}"#));
        assert!(!printed.contains("secret-token"), "{printed}");
    }

    #[test]
    fn a_token_in_a_non_2xx_json_answer_stays_out_of_the_message() {
        let err = parse_token_response(
            &raw(400, "application/json", r#"{"access_token":"test-at-not-real","refresh_token":"test-rt-not-real","device_code":"test-dc-not-real","note":"odd"}"#),
            at(0),
        )
        .unwrap_err();
        assert_eq!(err.code(), "unexpected_response");
        let message = err.to_string();
        assert!(!message.contains("not-real"), "{message}");
        assert!(message.contains("odd"), "the rest is still shown: {message}");
    }

    #[test]
    fn tokens_in_a_form_encoded_or_broken_answer_stay_out_of_the_message() {
        for body in [
            "access_token=test-at-not-real&token_type=bearer&scope=x",
            r#"{"access_token": "test-at-not-real", "refresh_token":'test-rt-not-real'"#,
            "id_token : test-id-not-real\nother",
            "device_code=test-dc-not-real&user_code=BCDF-GHJK",
        ] {
            let err = parse_token_response(&raw(200, "text/plain", body), at(0)).unwrap_err();
            let message = err.to_string();
            assert!(!message.contains("not-real"), "{body}: {message}");
            assert!(message.contains("[redacted]"), "{message}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const TOKEN: &str = "test-token-value-not-real";

        /// Bodies a token endpoint (or whatever sits at its URL) may answer.
        fn body() -> impl Strategy<Value = Vec<u8>> {
            let field = prop_oneof![
                Just(format!(r#""access_token":"{TOKEN}""#)),
                Just(r#""access_token":"""#.to_owned()),
                Just(r#""access_token":42"#.to_owned()),
                Just(r#""token_type":"Bearer""#.to_owned()),
                Just(r#""token_type":null"#.to_owned()),
                prop::sample::select(&["3600", "\"3600\"", "-1", "1e400", "3.5", "18446744073709551616", "null", "[]", "\"soon\""][..])
                    .prop_map(|v| format!(r#""expires_in":{v}"#)),
                Just(r#""error":"invalid_client""#.to_owned()),
                Just(r#""error":7"#.to_owned()),
                Just(r#""error_description":"Client authentication failed.""#.to_owned()),
                Just(format!(r#""refresh_token":"{TOKEN}-r""#)),
                Just(r#""scope":["a"]"#.to_owned()),
                "[a-z_]{1,8}".prop_map(|k| format!(r#""{k}":{{"x":[1,null]}}"#)),
            ];
            prop_oneof![
                prop::collection::vec(field, 0..6)
                    .prop_map(|fields| format!("{{{}}}", fields.join(",")).into_bytes()),
                prop::collection::vec(any::<u8>(), 0..200),
                "\\PC{0,200}".prop_map(String::into_bytes),
                "(<!DOCTYPE html>|<html>|  <HEAD>)?<title>[^<]{0,40}</title>[^\\x00]{0,40}"
                    .prop_map(String::into_bytes),
                Just(b"\xef\xbb\xbf{}".to_vec()),
                Just(b"[1,2]".to_vec()),
                Just(format!("access_token={TOKEN}&token_type=bearer").into_bytes()),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Any answer gives a token or a typed error, never a panic; the
            /// token value is never in an error's message or hint.
            #[test]
            fn any_answer_is_a_token_or_a_typed_error(
                status in prop_oneof![Just(200u16), Just(400), Just(401), Just(500), 100u16..600],
                content_type in prop::option::of(prop::sample::select(&[
                    "application/json", "application/json;charset=UTF-8", "text/html", "text/plain", "", "application/x-www-form-urlencoded",
                ][..])),
                body in body(),
                now in 0u64..4_000_000_000,
            ) {
                let raw = RawResponse { status, content_type: content_type.map(str::to_owned), body };
                match parse_token_response(&raw, UNIX_EPOCH + std::time::Duration::from_secs(now)) {
                    Ok(token) => {
                        prop_assert!((200..300).contains(&status));
                        prop_assert!(!token.access_token.expose().is_empty());
                        prop_assert!(token.expires_at.map_or(true, |at| at >= token.issued_at));
                        let printed = format!("{token:?}");
                        prop_assert!(!printed.contains(TOKEN), "{}", printed);
                    }
                    Err(err) => {
                        prop_assert!(!err.code().is_empty());
                        let words = format!("{err} {}", err.hint().unwrap_or_default());
                        prop_assert!(!words.contains(TOKEN), "{words}");
                    }
                }
            }
        }
    }
}

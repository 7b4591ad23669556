//! A wrapper for values that must never reach a log line, an error message or
//! a file: client secrets, passwords, access, refresh and ID tokens.
//!
//! `Debug` prints `[redacted]` and there is deliberately no `Serialize`: a
//! secret leaves the core only through [`Secret::expose`], on purpose.

use serde::{Deserialize, Deserializer};
use std::fmt;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The plain value, for the one place that needs it (a request body, a
    /// header, the token shown on screen). Grep for `expose` to audit them.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Field names whose values are credentials in an OAuth or OIC answer.
const SECRET_FIELDS: [&str; 4] = ["access_token", "refresh_token", "id_token", "client_secret"];

/// Whether `text` (a response body, a command line) holds a credential: a
/// JSON field named like [`SECRET_FIELDS`], or a JWT (`eyJ…` header, a
/// payload and a signature in base64url). Used to decide that a copy of it
/// must be cleared from the clipboard like a copied token. Linear in the
/// text and never parses it, so a hostile body cannot make it slow.
pub fn holds_secret(text: &str) -> bool {
    SECRET_FIELDS
        .iter()
        .any(|field| text.contains(&format!("\"{field}\"")))
        || contains_jwt(text)
}

fn contains_jwt(text: &str) -> bool {
    let bytes = text.as_bytes();
    let is_b64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut from = 0;
    while let Some(found) = text[from..].find("eyJ") {
        let start = from + found;
        // header . payload . signature, each at least 2 base64url bytes
        let mut i = start;
        let mut segments = 0;
        loop {
            let segment_start = i;
            while i < bytes.len() && is_b64url(bytes[i]) {
                i += 1;
            }
            if i - segment_start < 2 {
                break;
            }
            segments += 1;
            if segments == 3 {
                return true;
            }
            if i < bytes.len() && bytes[i] == b'.' {
                i += 1;
            } else {
                break;
            }
        }
        from = start + 3;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_response_holds_a_secret() {
        assert!(holds_secret(r#"{"access_token":"abc","token_type":"Bearer"}"#));
        assert!(holds_secret("{\n  \"refresh_token\": \"x\"\n}"));
        assert!(holds_secret(r#"{"items":[{"client_secret":"x"}]}"#));
    }

    #[test]
    fn a_jwt_anywhere_is_a_secret() {
        assert!(holds_secret("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
        assert!(holds_secret("token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.ab&x=1"));
    }

    #[test]
    fn ordinary_bodies_hold_no_secret() {
        assert!(!holds_secret(r#"{"items":[{"id":"HELLO_WORLD|01.00.0000","status":"ACTIVATED"}]}"#));
        assert!(!holds_secret("eyJ alone, or eyJhbGciOiJub25lIn0 without a payload"));
        assert!(!holds_secret("the word access_token in prose"));
        assert!(!holds_secret(""));
    }

    #[test]
    fn debug_output_never_shows_the_value() {
        let secret = Secret::new("very-private-value");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(secret)), "Some([redacted])");
    }

    #[test]
    fn a_secret_deserializes_from_a_plain_json_string() {
        let secret: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(secret.expose(), "abc");
    }
}

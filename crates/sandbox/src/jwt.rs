//! Compact JWTs signed with HS256: the access tokens (signed with a random
//! per-process key the identity domain and the design-time origin share) and
//! the ID tokens (signed with the client secret, as OpenID Connect prescribes
//! for HS256). Verification takes untrusted input and never panics.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a bearer token was refused; the message becomes the
/// `error_description` of the `WWW-Authenticate` challenge.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    #[error("the token is not a JWT (three base64url parts separated by dots)")]
    Malformed,
    #[error("the token's algorithm is '{0}'; the sandbox signs its tokens with HS256")]
    Algorithm(String),
    #[error("the token's header has no kid; send the access_token, not the id_token")]
    NoKeyId,
    #[error("the token was signed with key '{0}', which is not this sandbox's key (was it issued by another run?)")]
    UnknownKey(String),
    #[error("the token's signature does not match; it was changed or issued elsewhere")]
    Signature,
    #[error("the token expired at {expired} (now {now}); get a new one or use the refresh token")]
    Expired { expired: u64, now: u64 },
    #[error("the token has no exp claim")]
    NoExpiry,
}

/// An HS256 key with its `kid`.
pub struct SigningKey {
    kid: String,
    secret: [u8; 32],
}

impl SigningKey {
    pub fn generate() -> Result<SigningKey, getrandom::Error> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)?;
        let mut kid = [0u8; 6];
        getrandom::fill(&mut kid)?;
        Ok(SigningKey {
            kid: format!("sandbox-{}", URL_SAFE_NO_PAD.encode(kid)),
            secret,
        })
    }

    /// Signs `claims` with this key; the header names the key.
    pub fn sign(&self, claims: &Value) -> String {
        sign(
            &json!({"alg": "HS256", "typ": "JWT", "kid": self.kid}),
            claims,
            &self.secret,
        )
    }

    /// Checks the header, the signature and `exp` against `now` (seconds since
    /// the epoch), and returns the claims.
    pub fn verify(&self, token: &str, now: u64) -> Result<Map<String, Value>, JwtError> {
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed);
        };
        let header = decode_object(header)?;
        let alg = header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if alg != "HS256" {
            return Err(JwtError::Algorithm(crate::form::printable(alg)));
        }
        let kid = header
            .get("kid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if kid.is_empty() {
            return Err(JwtError::NoKeyId);
        }
        if kid != self.kid {
            return Err(JwtError::UnknownKey(crate::form::printable(kid)));
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| JwtError::Malformed)?;
        let signing_input = &token[..header_and_claims_len(token)];
        mac(&self.secret, signing_input)
            .verify_slice(&signature)
            .map_err(|_| JwtError::Signature)?;
        let claims = decode_object(claims)?;
        let expired = claims
            .get("exp")
            .and_then(Value::as_u64)
            .ok_or(JwtError::NoExpiry)?;
        if now >= expired {
            return Err(JwtError::Expired { expired, now });
        }
        Ok(claims)
    }
}

/// Signs a JWT with HS256 under `key`.
pub fn sign(header: &Value, claims: &Value, key: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = mac(key, &signing_input).finalize().into_bytes();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn mac(key: &[u8], signing_input: &str) -> HmacSha256 {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail; the
    // fallback keeps this free of `unwrap`.
    let mut mac = HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as hmac::digest::KeyInit>::new(&Default::default()));
    mac.update(signing_input.as_bytes());
    mac
}

/// The claims of a JWT, read without checking anything: only to find whose
/// key must then verify it.
pub fn unverified_claims(token: &str) -> Option<Map<String, Value>> {
    decode_object(token.split('.').nth(1)?).ok()
}

/// The length of `header.claims`, the part of the token the signature covers.
fn header_and_claims_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

fn decode_object(part: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(JwtError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::generate().unwrap()
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let key = key();
        let token = key.sign(&json!({"sub": "a", "exp": 100}));
        assert_eq!(key.verify(&token, 99).unwrap()["sub"], "a");
        assert_eq!(
            key.verify(&token, 100),
            Err(JwtError::Expired {
                expired: 100,
                now: 100
            })
        );
    }

    #[test]
    fn another_key_or_a_changed_payload_is_refused() {
        let (key, other) = (key(), key());
        let token = key.sign(&json!({"exp": 100}));
        assert!(matches!(
            other.verify(&token, 0),
            Err(JwtError::UnknownKey(_))
        ));

        let forged_claims = URL_SAFE_NO_PAD.encode(r#"{"exp":999}"#);
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[1] = &forged_claims;
        assert_eq!(key.verify(&parts.join("."), 0), Err(JwtError::Signature));
    }

    #[test]
    fn alg_none_and_garbage_are_refused() {
        let key = key();
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(r#"{"exp":999}"#)
        );
        assert_eq!(
            key.verify(&none, 0),
            Err(JwtError::Algorithm("none".into()))
        );
        for garbage in ["", ".", "..", "a.b.c", "a.b.c.d", "é.é.é", "e30.e30.!!"] {
            assert!(
                key.verify(garbage, 0).is_err(),
                "{garbage:?} must be refused"
            );
        }
    }
}

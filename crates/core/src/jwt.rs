//! Decoding a JWT's header and claims for display. Nothing here verifies a
//! signature: the UI says so next to what it shows.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DecodedJwt {
    pub header: Value,
    pub claims: Value,
}

/// The header and claims of `token`, or `None` when it is not a JWT (opaque
/// tokens are common and fine).
pub fn decode(token: &str) -> Option<DecodedJwt> {
    let mut parts = token.split('.');
    let (header, claims, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None; // five parts: an encrypted JWE, not readable here
    }
    let header = segment(header)?;
    let claims = segment(claims)?;
    (header.is_object() && claims.is_object()).then_some(DecodedJwt { header, claims })
}

fn segment(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    #[test]
    fn a_jwt_is_decoded_into_header_and_claims() {
        let token = format!(
            "{}.{}.c2ln",
            encode(&json!({"alg": "RS256", "kid": "k1"})),
            encode(&json!({"sub": "svc", "exp": 1_900_000_000, "scope": "urn:opc:resource:consumer::all"}))
        );
        let decoded = decode(&token).expect("a well-formed JWT");
        assert_eq!(decoded.header["kid"], "k1");
        assert_eq!(decoded.claims["exp"], 1_900_000_000);
    }

    #[test]
    fn opaque_tokens_and_garbage_are_not_jwts() {
        assert_eq!(decode("AQAgY2MzNjVlOTVhOTRh"), None);
        assert_eq!(decode("a.b.c"), None);
        assert_eq!(decode(&format!("{}.{}.s", encode(&json!([1])), encode(&json!({})))), None);
        assert_eq!(decode("e30.e30.e30.e30.e30"), None, "a JWE has five parts");
    }
}

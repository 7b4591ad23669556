//! Signed JWT assertions (RFC 7523), checked the way an OCI IAM identity
//! domain checks them: RS256 only, the header's `kid` must be the alias of a
//! certificate uploaded to the client (or `x5t` its SHA-1 thumbprint), the
//! signature must verify with that certificate's key, `iss` must be the
//! client, `aud` must be `https://identity.oraclecloud.com/` (or this
//! sandbox's own URL), and `exp`/`iat` must hold at the sandbox clock.
//!
//! Certificates reach the sandbox through `POST /sandbox/v1/certificates`
//! (a sandbox-only stand-in for *Integrated applications → OAuth
//! configuration → Certificate → Import certificate*): the client
//! authenticates with its secret and sends `alias` and `certificate` (PEM).
//! Only public certificates are kept; the sandbox never holds a private key.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::{HeaderMap, StatusCode};
use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use serde_json::{json, Map, Value};

use super::error::no_store_json;
use super::{client_auth, ErrorCode, IdentityState, OAuthError};
use crate::form::{printable, require_form_content_type, Params};

/// The audience identity domains accept in assertions.
pub const ORACLE_AUDIENCE: &str = "https://identity.oraclecloud.com/";

/// How far the sandbox lets an assertion's `iat` lie in the future.
const CLOCK_SKEW_SECS: u64 = 60;

/// A certificate uploaded to a client, by alias.
#[derive(Debug, Clone)]
pub struct UploadedCertificate {
    pub client_id: String,
    pub alias: String,
    x5t: String,
    /// DER `RSAPublicKey`, as ring verifies with.
    rsa_public_key: Vec<u8>,
}

impl UploadedCertificate {
    /// Whether `der` (a certificate presented in a TLS handshake) is this one.
    pub(super) fn is(&self, der: &[u8]) -> bool {
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
        URL_SAFE_NO_PAD.encode(digest.as_ref()) == self.x5t
    }
}

/// Reads a PEM certificate with an RSA key; the error is a description.
pub(super) fn read_certificate(client_id: &str, alias: &str, text: &str) -> Result<UploadedCertificate, String> {
    let block = pem::parse(text.trim()).map_err(|e| format!("the certificate is not PEM: {e}"))?;
    if block.tag() != "CERTIFICATE" {
        return Err("the certificate must be a -----BEGIN CERTIFICATE----- block".into());
    }
    let (_, certificate) = x509_parser::parse_x509_certificate(block.contents())
        .map_err(|e| format!("the certificate cannot be read: {e}"))?;
    let spki = certificate.public_key();
    if spki.algorithm.algorithm.to_id_string() != "1.2.840.113549.1.1.1" {
        return Err("the certificate's key is not RSA; assertions are RS256".into());
    }
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, block.contents());
    Ok(UploadedCertificate {
        client_id: client_id.to_owned(),
        alias: alias.to_owned(),
        x5t: URL_SAFE_NO_PAD.encode(digest.as_ref()),
        rsa_public_key: spki.subject_public_key.data.to_vec(),
    })
}

/// `POST /sandbox/v1/certificates`: uploads (or replaces, by alias) a
/// certificate of the authenticated client.
pub async fn upload(
    State(state): State<Arc<IdentityState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let outcome = (|| {
        require_form_content_type(&headers).map_err(OAuthError::invalid_request)?;
        let params = Params::parse(&body);
        let client = client_auth::authenticate(&state, &headers, &params)?;
        let alias = params
            .get("alias")
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| OAuthError::invalid_request("alias is missing"))?;
        let text = params
            .get("certificate")
            .ok_or_else(|| OAuthError::invalid_request("certificate is missing"))?;
        state.upload_certificate(&client.id, alias, text).map_err(OAuthError::invalid_request)?;
        Ok::<_, OAuthError>(json!({"client_id": client.id, "alias": alias}))
    })();
    match outcome {
        Ok(body) => no_store_json(StatusCode::CREATED, &body),
        Err(error) => error.into_response(),
    }
}

/// Which kind of assertion is checked, for the error code and wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A user assertion (the JWT bearer grant): refusals are `invalid_grant`.
    User,
    /// A client assertion (`private_key_jwt`): refusals are `invalid_client`.
    Client,
}

impl Kind {
    fn refuse(self, description: impl Into<String>) -> OAuthError {
        match self {
            Kind::User => OAuthError::new(ErrorCode::InvalidGrant, description),
            Kind::Client => OAuthError::new(ErrorCode::InvalidClient, description),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::User => "user assertion",
            Kind::Client => "client assertion",
        }
    }
}

/// Checks `jwt` as an assertion issued by `client_id` and returns its
/// claims. Untrusted input: never panics.
pub fn verify(
    certificates: &[UploadedCertificate],
    client_id: &str,
    issuer: &str,
    now: u64,
    jwt: &str,
    kind: Kind,
) -> Result<Map<String, Value>, OAuthError> {
    let what = kind.name();
    let mut parts = jwt.split('.');
    let (Some(header64), Some(claims64), Some(signature64), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(kind.refuse(format!("the {what} is not a signed JWT (three base64url parts)")));
    };
    let object = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .and_then(|value| match value {
                Value::Object(map) => Some(map),
                _ => None,
            })
    };
    let (Some(header), Some(claims), Ok(signature)) = (object(header64), object(claims64), URL_SAFE_NO_PAD.decode(signature64)) else {
        return Err(kind.refuse(format!("the {what} is not a signed JWT (its parts are not base64url JSON)")));
    };
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg != "RS256" {
        return Err(kind.refuse(format!("the {what} is signed with '{}'; identity domains accept RS256 only", printable(alg))));
    }
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if iss != client_id {
        return Err(kind.refuse(format!(
            "the {what}'s iss '{}' is not the client ID '{client_id}'",
            printable(iss)
        )));
    }
    let own: Vec<&UploadedCertificate> = certificates.iter().filter(|c| c.client_id == client_id).collect();
    let certificate = match (header.get("kid").and_then(Value::as_str), header.get("x5t").and_then(Value::as_str)) {
        (Some(kid), _) => own.iter().find(|c| c.alias == kid).ok_or_else(|| {
            kind.refuse(format!(
                "no certificate with the alias (kid) '{}' is uploaded to client '{client_id}'{}",
                printable(kid),
                if own.is_empty() { "; it has no certificate at all".to_owned() } else { String::new() }
            ))
        })?,
        (None, Some(x5t)) => own.iter().find(|c| c.x5t == x5t).ok_or_else(|| {
            kind.refuse(format!("no certificate uploaded to client '{client_id}' has the x5t thumbprint '{}'", printable(x5t)))
        })?,
        (None, None) => return Err(kind.refuse(format!("the {what}'s header has neither kid (the certificate alias) nor x5t"))),
    };
    let signed = &jwt[..header64.len() + 1 + claims64.len()];
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &certificate.rsa_public_key)
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| {
            kind.refuse(format!(
                "the {what}'s signature does not verify with the certificate '{}': it was signed with another private key",
                certificate.alias
            ))
        })?;
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let accepted = [ORACLE_AUDIENCE, issuer];
    if !audiences.iter().any(|aud| accepted.iter().any(|ok| aud.trim_end_matches('/') == ok.trim_end_matches('/'))) {
        return Err(kind.refuse(format!(
            "the {what}'s aud {:?} is not {ORACLE_AUDIENCE}",
            audiences.iter().map(|a| printable(a)).collect::<Vec<_>>()
        )));
    }
    let exp = claims.get("exp").and_then(Value::as_u64).ok_or_else(|| kind.refuse(format!("the {what} has no exp claim")))?;
    if exp <= now {
        return Err(kind.refuse(format!("the {what} expired at {exp} (the identity domain's time is {now})")));
    }
    let iat = claims.get("iat").and_then(Value::as_u64).ok_or_else(|| kind.refuse(format!("the {what} has no iat claim")))?;
    if iat > now + CLOCK_SKEW_SECS {
        return Err(kind.refuse(format!(
            "the {what}'s iat {iat} is in the future (the identity domain's time is {now}); check the clock"
        )));
    }
    if claims.get("jti").and_then(Value::as_str).map_or(true, str::is_empty) {
        return Err(kind.refuse(format!("the {what} has no jti claim")));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_without_a_panic() {
        for jwt in ["", "a", "a.b", "a.b.c", "..", "eyJ.eyJ.x.y", "e30.e30.AA"] {
            let err = verify(&[], "c", "http://x", 0, jwt, Kind::User).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidGrant, "{jwt}");
        }
    }

    #[test]
    fn an_unknown_alias_is_named_in_the_refusal() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"nope"}"#);
        let claims = URL_SAFE_NO_PAD.encode(br#"{"iss":"c","sub":"c"}"#);
        let err = verify(&[], "c", "http://x", 0, &format!("{header}.{claims}.AAAA"), Kind::Client).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidClient);
        assert!(err.description.contains("alias (kid) 'nope'"), "{}", err.description);
    }
}

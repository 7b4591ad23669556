//! Client authentication at the token endpoint (RFC 6749 §2.3.1): HTTP Basic
//! with `base64(client_id:client_secret)`, or `client_id` and `client_secret`
//! in the body, never both; or a signed client assertion (RFC 7523 §2.2,
//! `private_key_jwt`) checked against the client's uploaded certificates. RFC 6749 says the id and secret are
//! form-urlencoded before Basic encoding; many clients skip that, so both
//! forms are accepted.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use http::header::AUTHORIZATION;
use http::HeaderMap;

use super::assertion::{self, Kind};
use super::{ErrorCode, IdentityState, OAuthError};
use crate::directory::{Client, Directory};
use crate::form::{printable, Params};

const BASIC: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The `client_assertion_type` of RFC 7523 §2.2.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The client the request authenticates as.
pub fn authenticate<'a>(
    state: &'a IdentityState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<&'a Client, OAuthError> {
    authenticate_at(state, headers, params, None)
}

/// [`authenticate`] where the connection may have presented a client
/// certificate (`peer`, DER; the secure token endpoint): a request with
/// only `client_id` then authenticates by that certificate (TLS Client
/// Authentication, RFC 8705 §2.2: it must be one uploaded to the client).
pub fn authenticate_at<'a>(
    state: &'a IdentityState,
    headers: &HeaderMap,
    params: &Params,
    peer: Option<&[u8]>,
) -> Result<&'a Client, OAuthError> {
    if params.get("client_assertion_type").is_some() || params.get("client_assertion").is_some() {
        return authenticate_by_assertion(state, headers, params);
    }
    if let (Some(peer), Some(id), None, None) =
        (peer, params.get("client_id"), params.get("client_secret"), headers.get(AUTHORIZATION))
    {
        return authenticate_by_certificate(state, id, peer);
    }
    authenticate_with_secret(&state.directory, headers, params).map_err(|mut error| {
        if peer.is_none() && params.get("client_id").is_some() && params.get("client_secret").is_none() && headers.get(AUTHORIZATION).is_none() {
            error.description.push_str(&format!(
                "; or use TLS client authentication at the secure token endpoint ({})",
                state.secure_token_url
            ));
        }
        error
    })
}

fn authenticate_by_certificate<'a>(state: &'a IdentityState, id: &str, der: &[u8]) -> Result<&'a Client, OAuthError> {
    let client = state.directory.client(id).ok_or_else(|| {
        OAuthError::new(
            ErrorCode::InvalidClient,
            format!("client authentication failed: there is no client '{}' in this identity domain", printable(id)),
        )
    })?;
    if state.certificates().iter().any(|c| c.client_id == client.id && c.is(der)) {
        return Ok(client);
    }
    Err(OAuthError::new(
        ErrorCode::InvalidClient,
        format!(
            "client authentication failed: the TLS client certificate presented is not one uploaded to client '{}'; \
             upload it to the application first",
            client.id
        ),
    ))
}

fn authenticate_by_assertion<'a>(
    state: &'a IdentityState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<&'a Client, OAuthError> {
    let kind = params.get("client_assertion_type").unwrap_or_default();
    if kind != JWT_BEARER_ASSERTION {
        return Err(OAuthError::invalid_request(format!(
            "client_assertion_type must be {JWT_BEARER_ASSERTION}, not '{}'",
            printable(kind)
        )));
    }
    if headers.get(AUTHORIZATION).is_some() || params.get("client_secret").is_some() {
        return Err(OAuthError::invalid_request(
            "the client authenticated twice, with a client assertion and with a secret; use only one method",
        ));
    }
    let jwt = params
        .get("client_assertion")
        .ok_or_else(|| OAuthError::invalid_request("client_assertion is missing"))?;
    // Whose certificates to check: the assertion's own sub (read unverified,
    // then verified as the iss below).
    let subject = crate::jwt::unverified_claims(jwt)
        .and_then(|claims| claims.get("sub").and_then(|v| v.as_str()).map(str::to_owned))
        .ok_or_else(|| OAuthError::new(ErrorCode::InvalidClient, "the client assertion has no sub (the client ID)"))?;
    let client = state.directory.client(&subject).ok_or_else(|| {
        OAuthError::new(
            ErrorCode::InvalidClient,
            format!("client authentication failed: there is no client '{}' in this identity domain", printable(&subject)),
        )
    })?;
    if let Some(body_id) = params.get("client_id") {
        if body_id != client.id {
            return Err(OAuthError::invalid_request(format!(
                "client_id '{}' differs from the client '{}' of the client assertion",
                printable(body_id),
                client.id
            )));
        }
    }
    let certificates = state.certificates().clone();
    assertion::verify(&certificates, &client.id, &state.issuer, state.config.clock.unix_seconds(), jwt, Kind::Client)?;
    Ok(client)
}

fn authenticate_with_secret<'a>(
    directory: &'a Directory,
    headers: &HeaderMap,
    params: &Params,
) -> Result<&'a Client, OAuthError> {
    let mut authorizations = headers.get_all(AUTHORIZATION).iter();
    let Some(authorization) = authorizations.next() else {
        return authenticate_by_body(directory, params);
    };
    if authorizations.next().is_some() {
        return Err(OAuthError::invalid_request(
            "the request has more than one Authorization header",
        ));
    }
    let authorization = authorization.to_str().unwrap_or_default().trim();
    let (scheme, credentials) = authorization.split_once(' ').unwrap_or((authorization, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(basic_failure(format!(
            "the Authorization scheme '{}' is not accepted here; authenticate the client with \
             Basic base64(client_id:client_secret)",
            printable(scheme)
        )));
    }
    if params.get("client_secret").is_some() {
        return Err(OAuthError::invalid_request(
            "the client authenticated twice, with an Authorization: Basic header and with \
             client_secret in the body; use only one method",
        ));
    }
    let decoded = BASIC
        .decode(credentials.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            basic_failure("the Basic credentials are not base64 of client_id:client_secret")
        })?;
    let (raw_id, raw_secret) = decoded.split_once(':').ok_or_else(|| {
        basic_failure("the Basic credentials have no ':' between client_id and client_secret")
    })?;
    let (id, secret) = (form_decode(raw_id), form_decode(raw_secret));

    if let Some(body_id) = params.get("client_id") {
        if body_id != raw_id && body_id != id {
            return Err(OAuthError::invalid_request(format!(
                "client_id '{}' in the body differs from the client '{}' of the Basic header",
                printable(body_id),
                printable(&id)
            )));
        }
    }
    let authenticated = [(raw_id, raw_secret), (id.as_str(), secret.as_str())]
        .into_iter()
        .find_map(|(id, secret)| {
            directory
                .client(id)
                .filter(|client| client.secret_matches(secret))
        });
    authenticated.ok_or_else(|| basic_failure(unknown_client_or_secret(directory, &id)))
}

fn authenticate_by_body<'a>(
    directory: &'a Directory,
    params: &Params,
) -> Result<&'a Client, OAuthError> {
    match (params.get("client_id"), params.get("client_secret")) {
        (Some(id), Some(secret)) => directory
            .client(id)
            .filter(|client| client.secret_matches(secret))
            .ok_or_else(|| {
                OAuthError::new(
                    ErrorCode::InvalidClient,
                    unknown_client_or_secret(directory, id),
                )
            }),
        (Some(id), None) => Err(OAuthError::new(
            ErrorCode::InvalidClient,
            format!(
                "client '{}' is confidential: send its client_secret too (in the body or with \
                 Basic authentication)",
                printable(id)
            ),
        )),
        (None, Some(_)) => Err(OAuthError::invalid_request(
            "client_secret was sent without client_id",
        )),
        (None, None) => Err(basic_failure(
            "the client did not authenticate; send Authorization: Basic \
             base64(client_id:client_secret), or client_id and client_secret in the body",
        )),
    }
}

fn unknown_client_or_secret(directory: &Directory, id: &str) -> String {
    match directory.client(id) {
        Some(_) => format!(
            "client authentication failed: the secret of client '{}' is wrong",
            printable(id)
        ),
        None => format!(
            "client authentication failed: there is no client '{}' in this identity domain",
            printable(id)
        ),
    }
}

fn basic_failure(description: impl Into<String>) -> OAuthError {
    OAuthError {
        basic_challenge: true,
        ..OAuthError::new(ErrorCode::InvalidClient, description)
    }
}

/// Undoes `application/x-www-form-urlencoded` encoding: `+` is a space and
/// `%XX` a byte; a malformed escape is kept as it is.
fn form_decode(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (byte, escaped) {
            (_, Some(value)) => {
                decoded.push(value);
                index += 3;
            }
            (b'+', None) => {
                decoded.push(b' ');
                index += 1;
            }
            (other, None) => {
                decoded.push(other);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_handles_plus_escapes_and_broken_escapes() {
        assert_eq!(form_decode("a+b%3Ac%2b"), "a b:c+");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%zz%4"), "%zz%4");
        assert_eq!(
            form_decode("%+1"),
            "% 1",
            "%+1 is no escape (from_str_radix alone would take +1)"
        );
        assert_eq!(form_decode("%C3%A9"), "é");
    }
}

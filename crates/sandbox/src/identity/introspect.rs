//! Introspection (RFC 7662, `/oauth2/v1/introspect`) and revocation (RFC
//! 7009, `/oauth2/v1/revoke`), for an authenticated client, of the
//! sandbox's access tokens (its signed JWTs) and refresh tokens.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde_json::{json, Map, Value};

use super::error::no_store_json;
use super::store::Subject;
use super::{client_auth, ErrorCode, IdentityState, OAuthError};
use crate::form::{require_form_content_type, Params};

/// What a presented token is.
enum Found {
    Access(Map<String, Value>),
    Refresh { client_id: String, subject: Subject, scope: String, exp: u64 },
    Unknown,
}

fn find(state: &IdentityState, token: &str) -> Found {
    let now = state.config.clock.unix_seconds();
    if let Ok(claims) = state.key.verify(token, now) {
        let jti = claims.get("jti").and_then(Value::as_str).unwrap_or_default();
        if state.revoked.is_revoked(jti) {
            return Found::Unknown;
        }
        return Found::Access(claims);
    }
    let mut store = state.store();
    store.prune(state.config.clock.now());
    match store.refresh_tokens.get(token) {
        Some(grant) if grant.expires_at > state.config.clock.now() => Found::Refresh {
            client_id: grant.client_id.clone(),
            subject: grant.subject.clone(),
            scope: grant.scopes.to_claim(),
            exp: grant
                .expires_at
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        },
        _ => Found::Unknown,
    }
}

fn read(state: &IdentityState, headers: &HeaderMap, body: &[u8]) -> Result<(String, String), OAuthError> {
    require_form_content_type(headers).map_err(OAuthError::invalid_request)?;
    let params = Params::parse(body);
    let client = client_auth::authenticate(state, headers, &params)?;
    let token = params
        .get("token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("token is missing"))?;
    Ok((client.id.clone(), token.to_owned()))
}

pub async fn introspect(State(state): State<Arc<IdentityState>>, headers: HeaderMap, body: Bytes) -> Response {
    let (_client, token) = match read(&state, &headers, &body) {
        Ok(read) => read,
        Err(error) => return error.into_response(),
    };
    let answer = match find(&state, &token) {
        Found::Access(claims) => {
            let mut answer = json!({"active": true, "token_type": "Bearer"});
            for key in ["scope", "client_id", "sub", "aud", "exp", "iat", "iss", "jti", "sub_type"] {
                if let Some(value) = claims.get(key) {
                    answer[key] = value.clone();
                }
            }
            answer
        }
        Found::Refresh { client_id, subject, scope, exp } => json!({
            "active": true,
            "token_type": "refresh_token",
            "client_id": client_id,
            "sub": match subject { Subject::Client => client_id.clone(), Subject::User(name) => name },
            "scope": scope,
            "exp": exp,
        }),
        Found::Unknown => json!({"active": false}),
    };
    no_store_json(StatusCode::OK, &answer)
}

pub async fn revoke(State(state): State<Arc<IdentityState>>, headers: HeaderMap, body: Bytes) -> Response {
    let (client, token) = match read(&state, &headers, &body) {
        Ok(read) => read,
        Err(error) => return error.into_response(),
    };
    let not_yours = || {
        OAuthError::new(ErrorCode::UnauthorizedClient, "the token was issued to another client").into_response()
    };
    match find(&state, &token) {
        Found::Access(claims) => {
            if claims.get("client_id").and_then(Value::as_str) != Some(client.as_str()) {
                return not_yours();
            }
            let jti = claims.get("jti").and_then(Value::as_str).unwrap_or_default();
            let exp = claims.get("exp").and_then(Value::as_u64).unwrap_or(0);
            state.revoked.revoke(jti, exp, state.config.clock.unix_seconds());
        }
        Found::Refresh { client_id, .. } => {
            if client_id != client {
                return not_yours();
            }
            state.store().refresh_tokens.remove(&token);
        }
        // RFC 7009 §2.2: an unknown token is answered like a revoked one.
        Found::Unknown => {}
    }
    (StatusCode::OK, "").into_response()
}

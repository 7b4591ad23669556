//! The device code grant (RFC 8628): `POST /oauth2/v1/device` hands out a
//! device code and a user code, `GET /device` is the page where the user
//! enters the code and signs in (`POST /device` approves or denies), and
//! the token endpoint answers polls with `authorization_pending`,
//! `slow_down` (a poll sooner than the interval; the interval grows by
//! 5 s), `expired_token`, `access_denied` or the tokens.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use super::error::no_store_json;
use super::pages;
use super::{client_auth, random_id, ErrorCode, IdentityState, OAuthError};
use crate::directory::{Client, GrantType};
use crate::form::{printable, require_form_content_type, Params};
use crate::scope::Scopes;

/// How long a user code stays valid.
pub const DEVICE_CODE_TTL: Duration = Duration::from_secs(600);
/// The polling interval handed out, in seconds.
pub const INTERVAL_SECS: u64 = 5;
/// Letters without vowels or look-alikes (RFC 8628 §6.1).
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Pending,
    Approved(String),
    Denied,
}

/// A device authorization waiting for its user.
#[derive(Clone, Debug)]
pub struct DeviceGrant {
    pub client_id: String,
    pub user_code: String,
    pub scopes: Scopes,
    pub expires_at: SystemTime,
    pub interval: Duration,
    pub last_poll: Option<SystemTime>,
    pub decision: Decision,
}

/// Device grants by device code.
pub type Devices = HashMap<String, DeviceGrant>;

fn user_code() -> Result<String, OAuthError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| OAuthError::new(ErrorCode::ServerError, format!("the random source failed: {e}")))?;
    let letters: String = bytes
        .iter()
        .map(|b| USER_CODE_ALPHABET[usize::from(*b) % USER_CODE_ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}", &letters[..4], &letters[4..]))
}

/// The code as the user may type it: any case, with or without the dash.
fn normalise(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// `POST /oauth2/v1/device`.
pub async fn authorize_device(
    State(state): State<Arc<IdentityState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match start(&state, &headers, &body) {
        Ok(answer) => no_store_json(StatusCode::OK, &answer),
        Err(error) => error.into_response(),
    }
}

fn start(state: &IdentityState, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
    require_form_content_type(headers).map_err(OAuthError::invalid_request)?;
    let params = Params::parse(body);
    if params.get("response_type").is_some_and(|t| t != "device_code") {
        return Err(OAuthError::new(
            ErrorCode::UnsupportedResponseType,
            "response_type must be device_code at the device endpoint",
        ));
    }
    // A client that sends credentials is checked; a bare client_id is
    // enough to start (RFC 8628 §3.1), the token endpoint authenticates.
    let client: &Client = if headers.contains_key(http::header::AUTHORIZATION)
        || params.get("client_secret").is_some()
        || params.get("client_assertion").is_some()
    {
        client_auth::authenticate(state, headers, &params)?
    } else {
        let id = params
            .get("client_id")
            .ok_or_else(|| OAuthError::invalid_request("client_id is missing"))?;
        state.directory.client(id).ok_or_else(|| {
            OAuthError::new(
                ErrorCode::InvalidClient,
                format!("there is no client '{}' in this identity domain", printable(id)),
            )
        })?
    };
    if !client.allows(GrantType::DeviceCode) {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            format!("client '{}' is not allowed to use the Device Code grant", client.id),
        ));
    }
    let scopes = Scopes::parse(params.get("scope"))
        .map_err(|e| OAuthError::new(ErrorCode::InvalidScope, e.to_string()))?;
    let device_code = random_id(32)?;
    let code = user_code()?;
    let now = state.config.clock.now();
    let mut devices = state.devices();
    devices.retain(|_, grant| grant.expires_at > now);
    devices.insert(
        device_code.clone(),
        DeviceGrant {
            client_id: client.id.clone(),
            user_code: code.clone(),
            scopes,
            expires_at: now.checked_add(DEVICE_CODE_TTL).unwrap_or(now),
            interval: Duration::from_secs(INTERVAL_SECS),
            last_poll: None,
            decision: Decision::Pending,
        },
    );
    let verification_uri = format!("{}/device", state.issuer);
    Ok(json!({
        "device_code": device_code,
        "user_code": code,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={code}"),
        "expires_in": DEVICE_CODE_TTL.as_secs(),
        "interval": INTERVAL_SECS,
    }))
}

/// `GET /device`: the page where the user enters the code (filled in from
/// `?user_code=` when the user came by `verification_uri_complete`).
pub async fn show_page(uri: http::Uri) -> Response {
    let query = Params::parse(uri.query().unwrap_or_default().as_bytes());
    pages::device(query.get("user_code").unwrap_or_default(), "", None, StatusCode::OK)
}

/// `POST /device`: `user_code`, `username`, `password`, `action`
/// (`approve` or `deny`).
pub async fn decide(State(state): State<Arc<IdentityState>>, body: Bytes) -> Response {
    let form = Params::parse(&body);
    let typed = form.get("user_code").unwrap_or_default();
    let username = form.get("username").unwrap_or_default();
    let now = state.config.clock.now();
    let mut devices = state.devices();
    let Some(grant) = devices
        .values_mut()
        .find(|g| normalise(&g.user_code) == normalise(typed) && g.expires_at > now && g.decision == Decision::Pending)
    else {
        return pages::device(typed, username, Some("This code is not valid: it is mistyped, expired or used already. Check the code the application shows."), StatusCode::BAD_REQUEST);
    };
    if form.get("action") == Some("deny") {
        grant.decision = Decision::Denied;
        return pages::device_done("Access denied", "You denied the device access. You can close this window.");
    }
    let user = state
        .directory
        .user(username)
        .filter(|user| user.password_matches(form.get("password").unwrap_or_default()));
    let Some(user) = user else {
        return pages::device(typed, username, Some("The user name or password is incorrect."), StatusCode::UNAUTHORIZED);
    };
    grant.decision = Decision::Approved(user.username.clone());
    pages::device_done("Device connected", "You signed in; the application now gets its token. You can close this window.")
}

/// The token endpoint's answer to a device code poll: the user whose
/// approval it carries, or the RFC 8628 error.
pub fn poll(state: &IdentityState, client: &Client, params: &Params) -> Result<(String, Scopes), OAuthError> {
    let code = params
        .get("device_code")
        .ok_or_else(|| OAuthError::invalid_request("device_code is missing"))?;
    let now = state.config.clock.now();
    let mut devices = state.devices();
    let Some(grant) = devices.get_mut(code) else {
        return Err(OAuthError::invalid_grant("the device code is unknown or was used already"));
    };
    if grant.client_id != client.id {
        return Err(OAuthError::invalid_grant("the device code was issued to another client"));
    }
    if now >= grant.expires_at {
        devices.remove(code);
        return Err(OAuthError::new(ErrorCode::ExpiredToken, "the device code expired; start again"));
    }
    match grant.decision.clone() {
        Decision::Denied => {
            devices.remove(code);
            Err(OAuthError::new(ErrorCode::AccessDenied, "the user denied the device access"))
        }
        Decision::Approved(username) => {
            let scopes = grant.scopes.clone();
            devices.remove(code);
            Ok((username, scopes))
        }
        Decision::Pending => {
            let too_soon = grant
                .last_poll
                .is_some_and(|last| now.duration_since(last).unwrap_or_default() < grant.interval);
            grant.last_poll = Some(now);
            if too_soon {
                grant.interval += Duration::from_secs(5);
                return Err(OAuthError::new(
                    ErrorCode::SlowDown,
                    format!("polled sooner than the interval; wait {} s between polls", grant.interval.as_secs()),
                ));
            }
            Err(OAuthError::new(
                ErrorCode::AuthorizationPending,
                "the user has not entered the code and signed in yet",
            ))
        }
    }
}

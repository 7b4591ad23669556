//! `POST /oauth2/v1/token`: the grants of the Oracle Integration guides
//! (client credentials, resource owner password, authorization code with or
//! without PKCE, refresh token, JWT user assertion) sharing one issuing path.
//!
//! Checks run in the order a learner meets them: content type, repeated
//! parameters, client authentication, grant type, then the grant's own
//! parameters. A refresh token is issued only for `offline_access` (never for
//! client credentials, RFC 6749 §4.4.3) and rotates on every use.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::Extension;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::{HeaderMap, StatusCode};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::error::no_store_json;
use super::store::{RefreshGrant, Subject};
use super::{assertion, client_auth, device, random_id, ErrorCode, IdentityState, OAuthError};
use crate::directory::{Client, GrantType, User, SERVICE_INVOKER};
use crate::form::{printable, require_form_content_type, Params};
use crate::secure::PeerCertificate;
use crate::scope::{ScopeError, Scopes, OFFLINE_ACCESS, OPENID};

pub async fn token(
    State(state): State<Arc<IdentityState>>,
    peer: Option<Extension<ConnectInfo<PeerCertificate>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Only the secure token endpoint's connections carry a certificate.
    let peer = peer.and_then(|Extension(ConnectInfo(PeerCertificate(der)))| der);
    match exchange(&state, &headers, &body, peer.as_deref()) {
        Ok(tokens) => no_store_json(StatusCode::OK, &tokens),
        Err(error) => error.into_response(),
    }
}

fn exchange(state: &IdentityState, headers: &HeaderMap, body: &[u8], peer: Option<&[u8]>) -> Result<Value, OAuthError> {
    require_form_content_type(headers).map_err(OAuthError::invalid_request)?;
    let params = Params::parse(body);
    if let Some(name) = params.repeated() {
        return Err(OAuthError::invalid_request(format!(
            "the parameter '{}' is repeated; each parameter may appear only once",
            printable(name)
        )));
    }
    let client = client_auth::authenticate_at(state, headers, &params, peer)?;
    let name = params
        .get("grant_type")
        .ok_or_else(|| OAuthError::invalid_request("grant_type is missing"))?;
    let grant = GrantType::parse(name).ok_or_else(|| {
        OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            format!(
                "the grant type '{}' is not supported; use client_credentials, password, \
                 authorization_code, refresh_token, urn:ietf:params:oauth:grant-type:jwt-bearer or \
                 urn:ietf:params:oauth:grant-type:device_code",
                printable(name)
            ),
        )
    })?;
    if !client.allows(grant) {
        let allowed: Vec<_> = client
            .grant_types
            .iter()
            .map(|grant| grant.name())
            .collect();
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            format!(
                "client '{}' is not allowed to use the {} grant; its allowed grant types are: {}",
                client.id,
                grant.name(),
                allowed.join(", ")
            ),
        ));
    }
    match grant {
        GrantType::ClientCredentials => client_credentials(state, client, &params),
        GrantType::Password => password(state, client, &params),
        GrantType::AuthorizationCode => authorization_code(state, client, &params),
        GrantType::RefreshToken => refresh_token(state, client, &params),
        GrantType::JwtBearer => jwt_bearer(state, client, &params),
        GrantType::DeviceCode => device_code(state, client, &params),
        // `parse` never names it: Implicit has no token request.
        GrantType::Implicit => Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            "the Implicit grant is asked for at /oauth2/v1/authorize with response_type=token, \
             not at the token endpoint",
        )),
    }
}

/// RFC 8628 §3.4: a poll with the device code; tokens once the user
/// approved at the verification page.
fn device_code(state: &IdentityState, client: &Client, params: &Params) -> Result<Value, OAuthError> {
    let (username, scopes) = device::poll(state, client, params)?;
    let user = state
        .directory
        .user(&username)
        .ok_or_else(|| OAuthError::invalid_grant("the user who approved no longer exists"))?;
    require_invoker(state, user)?;
    issue_without_id_token(state, client, user, scopes)
}

/// RFC 7523 §2.1: a user assertion signed with a key whose certificate is
/// uploaded to the client; `sub` names the user.
fn jwt_bearer(state: &IdentityState, client: &Client, params: &Params) -> Result<Value, OAuthError> {
    let jwt = params
        .get("assertion")
        .ok_or_else(|| OAuthError::invalid_request("assertion is missing"))?;
    let certificates = state.certificates().clone();
    let claims = assertion::verify(
        &certificates,
        &client.id,
        &state.issuer,
        state.config.clock.unix_seconds(),
        jwt,
        assertion::Kind::User,
    )?;
    let username = claims.get("sub").and_then(Value::as_str).unwrap_or_default();
    let user = state.directory.user(username).ok_or_else(|| {
        OAuthError::invalid_grant(format!(
            "the user assertion's sub '{}' is not a user of this identity domain",
            printable(username)
        ))
    })?;
    require_invoker(state, user)?;
    let scopes = Scopes::parse(params.get("scope")).map_err(invalid_scope)?;
    issue_without_id_token(state, client, user, scopes)
}

fn client_credentials(
    state: &IdentityState,
    client: &Client,
    params: &Params,
) -> Result<Value, OAuthError> {
    // No refresh token for client credentials (RFC 6749 §4.4.3), so
    // offline_access is not granted.
    let scopes = Scopes::parse(params.get("scope"))
        .map_err(invalid_scope)?
        .without(OFFLINE_ACCESS);
    if scopes.to_response().is_empty() {
        return Err(invalid_scope(ScopeError::Missing));
    }
    issue(
        state,
        Issue {
            client,
            user: None,
            scopes,
            refresh: None,
            id_token: None,
        },
    )
}

fn password(state: &IdentityState, client: &Client, params: &Params) -> Result<Value, OAuthError> {
    let username = params
        .get("username")
        .ok_or_else(|| OAuthError::invalid_request("username is missing"))?;
    let password = params
        .get("password")
        .ok_or_else(|| OAuthError::invalid_request("password is missing"))?;
    let user = state
        .directory
        .user(username)
        .filter(|user| user.password_matches(password))
        .ok_or_else(|| OAuthError::invalid_grant("the user name or password is incorrect"))?;
    require_invoker(state, user)?;
    let scopes = Scopes::parse(params.get("scope")).map_err(invalid_scope)?;
    let refresh = plan_refresh(client, &scopes)?;
    let id_token = scopes.contains(OPENID).then(|| IdTokenPlan {
        nonce: None,
        auth_time: state.config.clock.unix_seconds(),
    });
    issue(
        state,
        Issue {
            client,
            user: Some(user),
            scopes,
            refresh,
            id_token,
        },
    )
}

fn authorization_code(
    state: &IdentityState,
    client: &Client,
    params: &Params,
) -> Result<Value, OAuthError> {
    let code = params
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("code is missing"))?;
    let now = state.config.clock.now();
    let mut store = state.store();
    let Some(grant) = store.codes.get_mut(code) else {
        return Err(OAuthError::invalid_grant(
            "the authorization code is unknown; get one from /oauth2/v1/authorize (codes are \
             valid once and for a short time)",
        ));
    };
    if grant.used {
        let family = grant.family.clone();
        if let Some(family) = family {
            store.revoke_family(&family);
        }
        return Err(OAuthError::invalid_grant(
            "the authorization code was already used; a code is valid only once, so the refresh \
             token issued with it has been revoked too",
        ));
    }
    if grant.client_id != client.id {
        return Err(OAuthError::invalid_grant(
            "the authorization code was issued to another client",
        ));
    }
    if now >= grant.expires_at {
        return Err(OAuthError::invalid_grant(format!(
            "the authorization code expired; codes are valid for {} s, so exchange it as soon as \
             the redirect arrives",
            state.config.code_ttl.as_secs()
        )));
    }
    if let Some(redirect_uri) = params.get("redirect_uri") {
        if redirect_uri != grant.redirect_uri {
            return Err(OAuthError::invalid_grant(format!(
                "redirect_uri '{}' differs from '{}', the one of the authorization request",
                printable(redirect_uri),
                grant.redirect_uri
            )));
        }
    }
    match (&grant.challenge, params.get("code_verifier")) {
        (Some(challenge), verifier) => challenge
            .verify(verifier)
            .map_err(OAuthError::invalid_grant)?,
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier was sent, but the authorization request had no code_challenge",
            ))
        }
        (None, None) => {}
    }
    let user = state
        .directory
        .user(&grant.username)
        .ok_or_else(|| OAuthError::invalid_grant("the user of this code no longer exists"))?;
    require_invoker(state, user)?;
    let refresh = plan_refresh(client, &grant.scopes)?;
    grant.used = true;
    grant.family = refresh.as_ref().map(|plan| plan.family.clone());
    let scopes = grant.scopes.clone();
    let id_token = scopes.contains(OPENID).then(|| IdTokenPlan {
        nonce: grant.nonce.clone(),
        auth_time: grant.auth_time,
    });
    drop(store);
    issue(
        state,
        Issue {
            client,
            user: Some(user),
            scopes,
            refresh,
            id_token,
        },
    )
}

fn refresh_token(
    state: &IdentityState,
    client: &Client,
    params: &Params,
) -> Result<Value, OAuthError> {
    let token = params
        .get("refresh_token")
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is missing"))?;
    let now = state.config.clock.now();
    let mut store = state.store();
    if let Some((family, _)) = store.rotated.get(token).cloned() {
        store.revoke_family(&family);
        return Err(OAuthError::invalid_grant(
            "this refresh token was already used: refresh tokens rotate, so keep the \
             refresh_token of each response. Because an old one came back, the newer ones \
             of its chain are revoked too; sign in again",
        ));
    }
    let Some(grant) = store.refresh_tokens.get(token).cloned() else {
        return Err(OAuthError::invalid_grant(
            "the refresh token is unknown or was revoked",
        ));
    };
    if grant.client_id != client.id {
        return Err(OAuthError::invalid_grant(
            "the refresh token was issued to another client",
        ));
    }
    if now >= grant.expires_at {
        store.refresh_tokens.remove(token);
        return Err(OAuthError::invalid_grant(
            "the refresh token expired; sign in again",
        ));
    }
    let scopes = grant
        .scopes
        .narrow(params.get("scope"))
        .map_err(invalid_scope)?;
    let user = match &grant.subject {
        Subject::Client => None,
        Subject::User(username) => Some(state.directory.user(username).ok_or_else(|| {
            OAuthError::invalid_grant("the user of this refresh token no longer exists")
        })?),
    };
    store.refresh_tokens.remove(token);
    store
        .rotated
        .insert(token.to_owned(), (grant.family.clone(), grant.expires_at));
    drop(store);
    issue(
        state,
        Issue {
            client,
            user,
            scopes,
            refresh: Some(RefreshPlan {
                scopes: grant.scopes,
                family: grant.family,
            }),
            id_token: None,
        },
    )
}

/// The Implicit answer (RFC 6749 §4.2.2) for `user`, signed in at
/// /authorize: an access token, an ID token with the sign-in's nonce when
/// `id_token token` was asked for and the scope has `openid`, and never a
/// refresh token.
pub fn implicit(
    state: &IdentityState,
    client: &Client,
    user: &User,
    scopes: Scopes,
    nonce: Option<String>,
    with_id_token: bool,
) -> Result<Value, OAuthError> {
    require_invoker(state, user)?;
    let id_token = (with_id_token && scopes.contains(OPENID)).then(|| IdTokenPlan {
        nonce,
        auth_time: state.config.clock.unix_seconds(),
    });
    issue(
        state,
        Issue {
            client,
            user: Some(user),
            scopes,
            refresh: None,
            id_token,
        },
    )
}

/// What one successful grant issues.
struct Issue<'a> {
    client: &'a Client,
    user: Option<&'a User>,
    /// The scope of the access token.
    scopes: Scopes,
    refresh: Option<RefreshPlan>,
    id_token: Option<IdTokenPlan>,
}

/// A refresh token to issue: the scope of the whole grant and its family.
struct RefreshPlan {
    scopes: Scopes,
    family: String,
}

struct IdTokenPlan {
    nonce: Option<String>,
    auth_time: u64,
}

/// A refresh token when `offline_access` was granted and the client may refresh.
/// Tokens for `user` without an ID token: the grants where no sign-in page
/// asked for `openid` (device code, JWT bearer).
fn issue_without_id_token(state: &IdentityState, client: &Client, user: &User, scopes: Scopes) -> Result<Value, OAuthError> {
    let refresh = plan_refresh(client, &scopes)?;
    issue(
        state,
        Issue {
            client,
            user: Some(user),
            scopes,
            refresh,
            id_token: None,
        },
    )
}

fn plan_refresh(client: &Client, scopes: &Scopes) -> Result<Option<RefreshPlan>, OAuthError> {
    if !(scopes.contains(OFFLINE_ACCESS) && client.allows(GrantType::RefreshToken)) {
        return Ok(None);
    }
    Ok(Some(RefreshPlan {
        scopes: scopes.clone(),
        family: random_id(12)?,
    }))
}

fn issue(state: &IdentityState, issue: Issue<'_>) -> Result<Value, OAuthError> {
    let clock = &state.config.clock;
    let now = clock.unix_seconds();
    let ttl = state.config.token_ttl.as_secs();
    let mut claims = Map::new();
    claims.insert("iss".into(), state.issuer.clone().into());
    claims.insert(
        "sub".into(),
        issue
            .user
            .map_or(issue.client.id.clone(), |user| user.username.clone())
            .into(),
    );
    claims.insert(
        "sub_type".into(),
        if issue.user.is_some() {
            "user"
        } else {
            "client"
        }
        .into(),
    );
    claims.insert("aud".into(), state.directory.audience().into());
    claims.insert("client_id".into(), issue.client.id.clone().into());
    claims.insert("client_name".into(), issue.client.name.clone().into());
    claims.insert("scope".into(), issue.scopes.to_claim().into());
    claims.insert("tok_type".into(), "AT".into());
    claims.insert("iat".into(), now.into());
    claims.insert("exp".into(), now.saturating_add(ttl).into());
    claims.insert("jti".into(), random_id(16)?.into());
    if let Some(user) = issue.user {
        claims.insert("user_id".into(), user.id.clone().into());
        claims.insert("user_displayname".into(), user.display_name.clone().into());
    }
    let access_token = state.key.sign(&Value::Object(claims));

    let mut response = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ttl,
        "scope": issue.scopes.to_response(),
    });
    if let Some(plan) = issue.refresh {
        let refresh_token = random_id(32)?;
        let subject = issue
            .user
            .map_or(Subject::Client, |user| Subject::User(user.username.clone()));
        let mut store = state.store();
        store.prune(clock.now());
        store.refresh_tokens.insert(
            refresh_token.clone(),
            RefreshGrant {
                client_id: issue.client.id.clone(),
                subject,
                scopes: plan.scopes,
                expires_at: later(clock.now(), state.config.refresh_token_ttl),
                family: plan.family,
            },
        );
        response["refresh_token"] = refresh_token.into();
    }
    if let (Some(plan), Some(user)) = (issue.id_token, issue.user) {
        response["id_token"] = id_token(state, issue.client, user, plan, &access_token, now).into();
    }
    Ok(response)
}

/// An OpenID Connect ID token, ES256-signed with the key the sandbox
/// publishes.
fn id_token(
    state: &IdentityState,
    client: &Client,
    user: &User,
    plan: IdTokenPlan,
    access_token: &str,
    now: u64,
) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    let mut claims = json!({
        "iss": state.issuer,
        "sub": user.username,
        "aud": client.id,
        "iat": now,
        "exp": now.saturating_add(state.config.token_ttl.as_secs()),
        "auth_time": plan.auth_time,
        "at_hash": URL_SAFE_NO_PAD.encode(&digest[..16]),
        "sub_type": "user",
        "user_id": user.id,
        "user_displayname": user.display_name,
    });
    if let Some(nonce) = plan.nonce {
        claims["nonce"] = nonce.into();
    }
    // ES256 with the sandbox's published key (`/admin/v1/SigningCert/jwk`),
    // as OCI IAM signs with its published keys.
    let _ = client;
    state.id_signer.sign(claims).unwrap_or_default()
}

fn require_invoker(state: &IdentityState, user: &User) -> Result<(), OAuthError> {
    if user.has_role(SERVICE_INVOKER) {
        return Ok(());
    }
    Err(OAuthError::invalid_grant(format!(
        "user '{}' does not have the {SERVICE_INVOKER} role of the Oracle Integration instance {}; \
         an administrator must grant it (the instance's application roles in the identity domain) \
         before the user can get a token",
        user.username,
        state.directory.audience()
    )))
}

fn invalid_scope(error: ScopeError) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidScope, error.to_string())
}

/// `now + ttl`, or `now` if the clock is so far out that the sum overflows.
pub fn later(now: SystemTime, ttl: Duration) -> SystemTime {
    now.checked_add(ttl).unwrap_or(now)
}

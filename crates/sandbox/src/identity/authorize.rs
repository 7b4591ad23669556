//! `GET /oauth2/v1/authorize` shows the sign-in page for a valid
//! authorization request; `POST /oauth2/v1/authorize` takes the form and
//! redirects back to the client with a code (or an error).
//!
//! Following RFC 6749 §4.1.2.1, a request with an unknown client or an
//! unregistered redirect URI gets an error page and is never redirected;
//! every later error is redirected with `error`, `error_description` and
//! `state`. The request waits server-side under a random transaction id, the
//! only thing the form carries.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, LOCATION};
use http::{HeaderValue, StatusCode, Uri};
use url::{Host, Url};

use super::pages::{self, SignInPage};
use super::pkce::Challenge;
use super::store::{CodeGrant, SignIn};
use super::token::later;
use super::{random_id, ErrorCode, IdentityState, OAuthError};
use crate::directory::{Client, GrantType};
use crate::form::{printable, Params};
use crate::scope::Scopes;

pub async fn show_sign_in(State(state): State<Arc<IdentityState>>, uri: Uri) -> Response {
    let params = Params::parse(uri.query().unwrap_or_default().as_bytes());
    let (client, redirect_uri) = match trusted_client(&state, &params) {
        Ok(trusted) => trusted,
        Err(untrusted) => {
            return pages::error(StatusCode::BAD_REQUEST, untrusted.title, &untrusted.message)
        }
    };
    let state_param = params.get("state").map(str::to_owned);
    match validate(&state, &params, client, &redirect_uri) {
        Ok(sign_in) => {
            let transaction = match random_id(24) {
                Ok(id) => id,
                Err(error) => return redirect_error(&redirect_uri, &error, state_param.as_deref()),
            };
            let page = pages::sign_in(&SignInPage {
                transaction: &transaction,
                client_name: &client.name,
                scopes: &sign_in.scopes,
                username: "",
                error: None,
            });
            let mut store = state.store();
            store.prune(state.config.clock.now());
            store.sign_ins.insert(transaction, sign_in);
            page
        }
        Err(error) => redirect_error(&redirect_uri, &error, state_param.as_deref()),
    }
}

pub async fn sign_in(State(state): State<Arc<IdentityState>>, body: Bytes) -> Response {
    let form = Params::parse(&body);
    let now = state.config.clock.now();
    let transaction = form.get("txn").unwrap_or_default();
    let waiting = {
        let mut store = state.store();
        store.prune(now);
        store.sign_ins.get(transaction).cloned()
    };
    let Some(sign_in) = waiting else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in page has expired or was already used. Go back to the application and \
             start the sign-in again.",
        );
    };
    let state_param = sign_in.state.as_deref();
    if form.get("action") == Some("cancel") {
        state.store().sign_ins.remove(transaction);
        let error = OAuthError::new(ErrorCode::AccessDenied, "the user cancelled the sign-in");
        return redirect_error(&sign_in.redirect_uri, &error, state_param);
    }
    let username = form.get("username").unwrap_or_default();
    let user = state
        .directory
        .user(username)
        .filter(|user| user.password_matches(form.get("password").unwrap_or_default()));
    let Some(user) = user else {
        let client_name = state
            .directory
            .client(&sign_in.client_id)
            .map_or(sign_in.client_id.as_str(), |client| client.name.as_str());
        return pages::sign_in(&SignInPage {
            transaction,
            client_name,
            scopes: &sign_in.scopes,
            username,
            error: Some("The user name or password is incorrect. Try again."),
        });
    };
    let code = match random_id(32) {
        Ok(code) => code,
        Err(error) => return redirect_error(&sign_in.redirect_uri, &error, state_param),
    };
    {
        let mut store = state.store();
        if store.sign_ins.remove(transaction).is_none() {
            // Another submission of the same page won the race.
            return pages::error(
                StatusCode::BAD_REQUEST,
                "Sign-in expired",
                "This sign-in page was already used. Go back to the application and start again.",
            );
        }
        store.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: sign_in.client_id.clone(),
                redirect_uri: sign_in.redirect_uri.clone(),
                username: user.username.clone(),
                scopes: sign_in.scopes.clone(),
                nonce: sign_in.nonce.clone(),
                challenge: sign_in.challenge.clone(),
                auth_time: state.config.clock.unix_seconds(),
                expires_at: later(now, state.config.code_ttl),
                used: false,
                family: None,
            },
        );
    }
    let mut pairs = vec![("code", code.as_str())];
    pairs.extend(state_param.map(|value| ("state", value)));
    redirect(&sign_in.redirect_uri, &pairs)
}

/// Why an authorization request cannot be answered with a redirect.
struct Untrusted {
    title: &'static str,
    message: String,
}

/// The client and redirect URI, when both can be trusted; otherwise what
/// the error page says (never a redirect).
fn trusted_client<'a>(
    state: &'a IdentityState,
    params: &Params,
) -> Result<(&'a Client, String), Untrusted> {
    let invalid = |message: String| Untrusted {
        title: "Invalid request",
        message,
    };
    if let Some(name) = params
        .repeated()
        .filter(|name| ["client_id", "redirect_uri"].contains(name))
    {
        return Err(invalid(format!("The parameter {name} is repeated.")));
    }
    let Some(client_id) = params.get("client_id") else {
        return Err(invalid("The request has no client_id.".into()));
    };
    let Some(client) = state.directory.client(client_id) else {
        return Err(Untrusted {
            title: "Unknown client",
            message: format!(
                "There is no client '{}' in this identity domain.",
                printable(client_id)
            ),
        });
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return Err(invalid(format!(
            "The request has no redirect_uri. Registered for this client: {}.",
            client.redirect_uris.join(", ")
        )));
    };
    if !redirect_uri_is_registered(&client.redirect_uris, redirect_uri) {
        return Err(Untrusted {
            title: "Invalid redirect URI",
            message: format!(
                "The redirect_uri '{}' is not registered for client '{}'. Registered: {} \
                 (a loopback IP address may use any port; everything else must match exactly).",
                printable(redirect_uri),
                client.id,
                client.redirect_uris.join(", ")
            ),
        });
    }
    Ok((client, redirect_uri.to_owned()))
}

/// Checks the rest of the request; errors are redirected to the client.
fn validate(
    state: &IdentityState,
    params: &Params,
    client: &Client,
    redirect_uri: &str,
) -> Result<SignIn, OAuthError> {
    if let Some(name) = params.repeated() {
        return Err(OAuthError::invalid_request(format!(
            "the parameter '{}' is repeated; each parameter may appear only once",
            printable(name)
        )));
    }
    match params.get("response_type") {
        None => {
            return Err(OAuthError::invalid_request(
                "response_type is missing; use response_type=code",
            ))
        }
        Some("code") => {}
        Some(other) => {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                format!(
                    "response_type '{}' is not supported by the sandbox; use response_type=code",
                    printable(other)
                ),
            ))
        }
    }
    if !client.allows(GrantType::AuthorizationCode) {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            format!(
                "client '{}' is not allowed to use the authorization_code grant",
                client.id
            ),
        ));
    }
    let scopes = Scopes::parse(params.get("scope"))
        .map_err(|error| OAuthError::new(ErrorCode::InvalidScope, error.to_string()))?;
    let challenge = Challenge::from_request(
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    )
    .map_err(OAuthError::invalid_request)?;
    Ok(SignIn {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state: params.get("state").map(str::to_owned),
        nonce: params.get("nonce").map(str::to_owned),
        challenge,
        expires_at: later(state.config.clock.now(), state.config.sign_in_ttl),
    })
}

/// Whether `requested` is one of `registered`: exactly, or for a loopback IP
/// literal with any port (RFC 8252 §7.3).
pub fn redirect_uri_is_registered(registered: &[String], requested: &str) -> bool {
    let Ok(requested_url) = Url::parse(requested) else {
        return false;
    };
    let loopback = match requested_url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    };
    registered.iter().any(|candidate| {
        if candidate == requested {
            return true;
        }
        if !(loopback && requested_url.scheme() == "http") {
            return false;
        }
        let Ok(mut with_port) = Url::parse(candidate) else {
            return false;
        };
        with_port.host() == requested_url.host()
            && with_port.set_port(requested_url.port()).is_ok()
            && with_port.as_str() == requested
    })
}

fn redirect_error(redirect_uri: &str, error: &OAuthError, state: Option<&str>) -> Response {
    let mut pairs = vec![
        ("error", error.code.as_str()),
        ("error_description", error.description.as_str()),
    ];
    pairs.extend(state.map(|value| ("state", value)));
    redirect(redirect_uri, &pairs)
}

/// A `302` to `redirect_uri` with `pairs` added to its query.
fn redirect(redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let location = Url::parse(redirect_uri).ok().and_then(|mut url| {
        url.query_pairs_mut().extend_pairs(pairs);
        HeaderValue::from_str(url.as_str()).ok()
    });
    match location {
        Some(location) => (
            StatusCode::FOUND,
            [
                (LOCATION, location),
                (CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        None => pages::error(
            StatusCode::BAD_REQUEST,
            "Invalid redirect URI",
            "The redirect URI cannot carry the response.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered() -> Vec<String> {
        vec![
            "http://127.0.0.1:53682/callback".into(),
            "https://oauth.pstmn.io/v1/callback".into(),
        ]
    }

    #[test]
    fn loopback_redirect_uris_may_use_any_port_but_the_same_path() {
        let registered = registered();
        assert!(redirect_uri_is_registered(
            &registered,
            "http://127.0.0.1:53682/callback"
        ));
        assert!(redirect_uri_is_registered(
            &registered,
            "http://127.0.0.1:1234/callback"
        ));
        assert!(redirect_uri_is_registered(
            &registered,
            "http://127.0.0.1/callback"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "http://127.0.0.1:1234/callback/"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "http://127.0.0.1:1234/Callback"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "http://127.0.0.1:1234/callback?x=1"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "http://127.0.0.1:1234/callback#x"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "http://localhost:53682/callback"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "http://[::1]:53682/callback"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "https://127.0.0.1:53682/callback"
        ));
    }

    #[test]
    fn other_redirect_uris_must_match_exactly() {
        let registered = registered();
        assert!(redirect_uri_is_registered(
            &registered,
            "https://oauth.pstmn.io/v1/callback"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "https://oauth.pstmn.io:8443/v1/callback"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "https://oauth.pstmn.io/v1/callback/"
        ));
        assert!(!redirect_uri_is_registered(
            &registered,
            "https://OAUTH.pstmn.io/v1/callback"
        ));
        assert!(!redirect_uri_is_registered(&registered, "not a url"));
    }
}

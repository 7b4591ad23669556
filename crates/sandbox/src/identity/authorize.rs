//! `GET /oauth2/v1/authorize` shows the sign-in page for a valid
//! authorization request; `POST /oauth2/v1/authorize` takes the form and
//! redirects back to the client with a code (or an error).
//!
//! `response_type=token` (Implicit, RFC 6749 §4.2; `id_token token` adds an
//! ID token) is answered for a client allowed the Implicit grant: after the
//! same sign-in page, the redirect carries the access token (and never a
//! refresh token) in its **fragment**, and so does every error redirected
//! for that request (§4.2.2.1).
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
use super::store::{CodeGrant, ResponseType, SignIn};
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
    let in_fragment = matches!(response_type(params.get("response_type")), Ok(ResponseType::Token { .. }));
    match validate(&state, &params, client, &redirect_uri) {
        Ok(sign_in) => {
            let transaction = match random_id(24) {
                Ok(id) => id,
                Err(error) => return redirect_error(&redirect_uri, &error, state_param.as_deref(), in_fragment),
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
        Err(error) => redirect_error(&redirect_uri, &error, state_param.as_deref(), in_fragment),
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
    let in_fragment = matches!(sign_in.response, ResponseType::Token { .. });
    if form.get("action") == Some("cancel") {
        state.store().sign_ins.remove(transaction);
        let error = OAuthError::new(ErrorCode::AccessDenied, "the user cancelled the sign-in");
        return redirect_error(&sign_in.redirect_uri, &error, state_param, in_fragment);
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
    if let ResponseType::Token { id_token } = sign_in.response {
        return implicit_redirect(&state, transaction, &sign_in, user, id_token);
    }
    let code = match random_id(32) {
        Ok(code) => code,
        Err(error) => return redirect_error(&sign_in.redirect_uri, &error, state_param, false),
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
    redirect(&sign_in.redirect_uri, &pairs, false)
}

/// The Implicit answer after a good sign-in: the token response's fields
/// in the redirect's fragment (`expires_in` as text), or its error there.
fn implicit_redirect(
    state: &IdentityState,
    transaction: &str,
    sign_in: &SignIn,
    user: &crate::directory::User,
    with_id_token: bool,
) -> Response {
    let state_param = sign_in.state.as_deref();
    if state.store().sign_ins.remove(transaction).is_none() {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in page was already used. Go back to the application and start again.",
        );
    }
    let issued = state
        .directory
        .client(&sign_in.client_id)
        .ok_or_else(|| OAuthError::new(ErrorCode::UnauthorizedClient, "the client no longer exists"))
        .and_then(|client| {
            super::token::implicit(state, client, user, sign_in.scopes.clone(), sign_in.nonce.clone(), with_id_token)
        });
    match issued {
        Ok(answer) => {
            let fields: Vec<(String, String)> = answer
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, value)| {
                    let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                    (name.clone(), text)
                })
                .collect();
            let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            pairs.extend(state_param.map(|value| ("state", value)));
            redirect(&sign_in.redirect_uri, &pairs, true)
        }
        Err(error) => redirect_error(&sign_in.redirect_uri, &error, state_param, true),
    }
}

/// The `response_type` asked for: `code`, or `token` / `id_token token`
/// (either order) for Implicit.
fn response_type(value: Option<&str>) -> Result<ResponseType, OAuthError> {
    let Some(value) = value else {
        return Err(OAuthError::invalid_request(
            "response_type is missing; use response_type=code (or token for Implicit)",
        ));
    };
    let mut words: Vec<&str> = value.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    match words.as_slice() {
        ["code"] => Ok(ResponseType::Code),
        ["token"] => Ok(ResponseType::Token { id_token: false }),
        ["id_token", "token"] => Ok(ResponseType::Token { id_token: true }),
        _ => Err(OAuthError::new(
            ErrorCode::UnsupportedResponseType,
            format!(
                "response_type '{}' is not supported by the sandbox; use response_type=code, token or id_token token",
                printable(value)
            ),
        )),
    }
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
    let response = response_type(params.get("response_type"))?;
    let grant = match response {
        ResponseType::Code => GrantType::AuthorizationCode,
        ResponseType::Token { .. } => GrantType::Implicit,
    };
    if !client.allows(grant) {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            format!(
                "client '{}' is not allowed to use the {} grant",
                client.id,
                grant.name()
            ),
        ));
    }
    let scopes = Scopes::parse(params.get("scope"))
        .map_err(|error| OAuthError::new(ErrorCode::InvalidScope, error.to_string()))?;
    let challenge = match response {
        ResponseType::Code => Challenge::from_request(
            params.get("code_challenge"),
            params.get("code_challenge_method"),
        )
        .map_err(OAuthError::invalid_request)?,
        // No code, so nothing for a verifier to prove.
        ResponseType::Token { .. } => None,
    };
    Ok(SignIn {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes,
        state: params.get("state").map(str::to_owned),
        nonce: params.get("nonce").map(str::to_owned),
        challenge,
        expires_at: later(state.config.clock.now(), state.config.sign_in_ttl),
        response,
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

fn redirect_error(redirect_uri: &str, error: &OAuthError, state: Option<&str>, in_fragment: bool) -> Response {
    let mut pairs = vec![
        ("error", error.code.as_str()),
        ("error_description", error.description.as_str()),
    ];
    pairs.extend(state.map(|value| ("state", value)));
    redirect(redirect_uri, &pairs, in_fragment)
}

/// A `302` to `redirect_uri` with `pairs` added to its query, or written as
/// its fragment (Implicit).
fn redirect(redirect_uri: &str, pairs: &[(&str, &str)], in_fragment: bool) -> Response {
    let location = Url::parse(redirect_uri).ok().and_then(|mut url| {
        if in_fragment {
            let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
            url.set_fragment(Some(&encoded));
        } else {
            url.query_pairs_mut().extend_pairs(pairs);
        }
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

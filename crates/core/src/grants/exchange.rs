//! The one token-exchange path every grant uses: `oauth2` builds the
//! request, [`Transport`] sends it with the app's client and keeps the raw
//! response, and [`crate::response`] reads it.

use crate::error::{Error, Result};
use crate::http::{endpoint_url, HttpClient, TOKEN_RESPONSE_LIMIT};
use crate::response::{parse_token_response, RawResponse};
use crate::assertion::Signing;
use crate::secret::Secret;
use crate::token::{ClientAuth, Token};
use oauth2::basic::BasicClient;
use oauth2::{AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, Scope, TokenUrl};
use serde::Deserialize;
use std::sync::Mutex;
use std::time::SystemTime;

/// The confidential application, as the identity domain knows it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub token_url: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Secret,
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// The profile's key pair: it signs client assertions for
    /// [`ClientAuth::ClientAssertion`] (claims `iss` = `sub` = the client
    /// ID, see [`crate::assertion`]), and its certificate and key are the
    /// TLS client certificate when the client presents one
    /// ([`Client::presents_certificate`]).
    #[serde(default)]
    pub client_assertion: Option<Signing>,
    /// "Send client certificate (mutual TLS)": present the key pair's
    /// certificate in the TLS handshake whatever the client authentication
    /// (for certificate-bound tokens); always on for
    /// [`ClientAuth::TlsClientAuth`].
    #[serde(default)]
    pub mutual_tls: bool,
    /// Certificates trusted for the mutual-TLS connection besides the
    /// system's and the CA bundle's: the app adds the built-in sandbox's
    /// own CA (made in memory, for 127.0.0.1 only). Never from the window.
    #[serde(skip)]
    pub extra_roots: Vec<String>,
}

/// The `client_assertion_type` of RFC 7523 §2.2.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

impl Client {
    /// Whether the token request presents the key pair's certificate in the
    /// TLS handshake.
    pub fn presents_certificate(&self) -> bool {
        self.mutual_tls || self.client_auth == ClientAuth::TlsClientAuth
    }

    /// The client for this client's token requests: `http` itself, or,
    /// when it presents a certificate, one that does (built per request:
    /// token requests are few, and the key stays out of any shared state).
    pub(crate) fn http_for(&self, http: &HttpClient) -> Result<HttpClient> {
        if !self.presents_certificate() {
            return Ok(http.clone());
        }
        let signing = self.client_assertion.as_ref().ok_or(Error::MissingField { field: "Private Key" })?;
        if signing.certificate.trim().is_empty() {
            return Err(Error::MissingField { field: "Certificate" });
        }
        if signing.private_key.is_empty() {
            return Err(Error::MissingField { field: "Private Key" });
        }
        // A key that is not the certificate's would fail the handshake with
        // a bare alert; say so plainly before connecting.
        crate::keys::KeyPair::import(signing.private_key.expose(), &signing.certificate).map_err(Error::Key)?;
        http.with_client_certificate(&signing.certificate, &signing.private_key, &self.extra_roots)
    }

    /// The body parameters that authenticate the client with a fresh signed
    /// client assertion, or none when it authenticates with a secret.
    pub(crate) fn assertion_params(&self, now: SystemTime) -> Result<Vec<(&'static str, String)>> {
        if self.client_auth != ClientAuth::ClientAssertion {
            return Ok(Vec::new());
        }
        let signing = self
            .client_assertion
            .as_ref()
            .ok_or(Error::MissingField { field: "Private Key" })?;
        let signed = signing.client_assertion(&self.client_id, now)?;
        Ok(vec![
            ("client_assertion_type", CLIENT_ASSERTION_TYPE.to_owned()),
            ("client_assertion", signed.jwt.expose().to_owned()),
        ])
    }
}

pub(crate) type OAuthClient = BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// The `oauth2` client for `client`, after checking what the user typed.
pub(crate) fn oauth_client(client: &Client) -> Result<OAuthClient> {
    let token_url = endpoint_url("Access Token URL", &client.token_url)?;
    let client_id = client.client_id.trim();
    if client_id.is_empty() {
        return Err(Error::MissingField { field: "Client ID" });
    }
    let mut oauth = BasicClient::new(ClientId::new(client_id.to_owned()))
        .set_token_uri(TokenUrl::from_url(token_url))
        .set_auth_type(match client.client_auth {
            ClientAuth::BasicHeader => AuthType::BasicAuth,
            ClientAuth::RequestBody | ClientAuth::ClientAssertion | ClientAuth::TlsClientAuth => AuthType::RequestBody,
        });
    // A client assertion or certificate replaces the secret: none is sent with it.
    if !client.client_secret.is_empty() && client.client_auth.uses_secret() {
        oauth = oauth.set_client_secret(ClientSecret::new(client.client_secret.expose().to_owned()));
    }
    Ok(oauth)
}

/// Sends a token request that `oauth2` has no builder for (the RFC 7523 and
/// RFC 8628 grants): `params` as a form, with `client`'s authentication as
/// [`oauth_client`] would add it (Basic header, or `client_id` and
/// `client_secret` in the body), read like every other exchange.
pub(crate) async fn post_form(http: &HttpClient, client: &Client, params: &[(&str, &str)], now: SystemTime) -> Result<Token> {
    let request = form_request(client, "Access Token URL", &client.token_url, params, now)?;
    let transport = Transport::new(http, client, &client.token_url)?;
    let outcome = oauth2::AsyncHttpClient::call(&transport, request).await;
    transport.finish(outcome, now)
}

/// A form POST of `params` to `url` (the field `field`), authenticated as
/// `client` is at the token endpoint.
pub(crate) fn form_request(client: &Client, field: &'static str, url: &str, params: &[(&str, &str)], now: SystemTime) -> Result<HttpRequest> {
    let token_url = endpoint_url(field, url)?;
    let client_id = client.client_id.trim();
    if client_id.is_empty() {
        return Err(Error::MissingField { field: "Client ID" });
    }
    let request = {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in params {
            if !value.is_empty() {
                form.append_pair(name, value);
            }
        }
        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(token_url.as_str())
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        match client.client_auth {
            ClientAuth::BasicHeader if !client.client_secret.is_empty() => {
                use base64::Engine;
                // RFC 6749 §2.3.1: the id and secret are form-encoded first, as oauth2 does.
                let encode = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
                let basic = base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{}", encode(client_id), encode(client.client_secret.expose())));
                request = request.header(http::header::AUTHORIZATION, format!("Basic {basic}"));
            }
            ClientAuth::ClientAssertion => {
                form.append_pair("client_id", client_id);
                for (name, value) in client.assertion_params(now)? {
                    form.append_pair(name, &value);
                }
            }
            // The certificate in the handshake authenticates; the body names the client.
            ClientAuth::TlsClientAuth => {
                form.append_pair("client_id", client_id);
            }
            _ => {
                form.append_pair("client_id", client_id);
                if !client.client_secret.is_empty() {
                    form.append_pair("client_secret", client.client_secret.expose());
                }
            }
        }
        request
            .body(form.finish().into_bytes())
            .map_err(|e| Error::Internal(format!("the token request could not be built: {e}")))?
    };
    Ok(request)
}

/// A refusal of a request that authenticated with a client assertion,
/// with the assertion hints (certificate alias, `aud`, clock) instead of
/// the client-secret ones.
pub(crate) fn with_assertion_hints(client: &Client, outcome: Result<Token>) -> Result<Token> {
    match outcome {
        Err(Error::OAuth { status, error, description }) if client.client_auth == ClientAuth::ClientAssertion && error == "invalid_client" => {
            Err(Error::AssertionRejected { status, error, description })
        }
        other => other,
    }
}

/// The scope field split the way `oauth2` joins it again: on white space.
pub(crate) fn scopes(scope: &str) -> impl Iterator<Item = Scope> + '_ {
    scope.split_whitespace().map(|s| Scope::new(s.to_owned()))
}

/// The scopes to ask for: the Scope field, plus `offline_access` (once) when
/// the user ticked "Request refresh token (offline_access)".
pub(crate) fn requested_scopes(scope: &str, offline_access: bool) -> Vec<Scope> {
    let mut requested: Vec<Scope> = scopes(scope).collect();
    if offline_access && !requested.iter().any(|s| s.as_str() == OFFLINE_ACCESS) {
        requested.push(Scope::new(OFFLINE_ACCESS.to_owned()));
    }
    requested
}

/// The scope that asks the identity domain for a refresh token.
pub const OFFLINE_ACCESS: &str = "offline_access";

/// Sends the requests `oauth2` builds, through the app's client, and keeps the
/// raw response so that it is read by [`parse_token_response`] whatever
/// `oauth2` made of it (its errors drop HTML bodies and status details).
pub(crate) struct Transport {
    http: HttpClient,
    url: String,
    last: Mutex<Option<RawResponse>>,
    failure: Mutex<Option<Error>>,
    /// Send the form's media type as built, without `;charset=UTF-8`.
    bare_form_type: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("transport failed")]
pub(crate) struct TransportFailed;

impl<'c> oauth2::AsyncHttpClient<'c> for Transport {
    type Error = TransportFailed;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = std::result::Result<HttpResponse, TransportFailed>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

impl Transport {
    /// Sends `client`'s requests to `url`, with its TLS client certificate
    /// when it presents one.
    pub(crate) fn new(http: &HttpClient, client: &Client, url: &str) -> Result<Self> {
        Ok(Transport::plain(client.http_for(http)?, url))
    }

    fn plain(http: HttpClient, url: &str) -> Self {
        Transport {
            http,
            url: url.to_owned(),
            last: Mutex::new(None),
            failure: Mutex::new(None),
            bare_form_type: false,
        }
    }

    /// Sends `application/x-www-form-urlencoded` as it is, without the
    /// charset that Oracle's token examples add: the media type defines no
    /// parameters, and some device endpoints (oauthlib's) refuse any.
    pub(crate) fn with_bare_form_type(mut self) -> Self {
        self.bare_form_type = true;
        self
    }

    async fn send(&self, mut request: HttpRequest) -> std::result::Result<HttpResponse, TransportFailed> {
        // Oracle's documents send the form with an explicit charset.
        if let Some(ct) = request.headers().get(http::header::CONTENT_TYPE).filter(|_| !self.bare_form_type) {
            if ct.as_bytes().eq_ignore_ascii_case(b"application/x-www-form-urlencoded") {
                request.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/x-www-form-urlencoded;charset=UTF-8"),
                );
            }
        }
        let outcome = async {
            let classify = |e: reqwest::Error| self.http.classify(&e, &self.url);
            let request = reqwest::Request::try_from(request).map_err(classify)?;
            let mut response = self.http.reqwest().execute(request).await.map_err(classify)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = crate::http::read_capped(&mut response, TOKEN_RESPONSE_LIMIT)
                .await
                .map_err(|failed| self.http.classify_body(&failed, &self.url))?;
            if body.truncated_at.is_none() {
                self.http.body_finished();
            }
            Ok::<_, Error>((status, headers, body))
        }
        .await;
        match outcome {
            Ok((status, _, body)) if body.truncated_at.is_some() => {
                *lock(&self.failure) = Some(Error::ResponseTooLarge {
                    what: "the token endpoint",
                    status: status.as_u16(),
                    limit: TOKEN_RESPONSE_LIMIT,
                });
                Err(TransportFailed)
            }
            Ok((status, headers, body)) => {
                let body = body.bytes;
                let content_type = headers
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                *lock(&self.last) = Some(RawResponse {
                    status: status.as_u16(),
                    content_type,
                    body: body.clone(),
                });
                let mut response = HttpResponse::new(body);
                *response.status_mut() = status;
                *response.headers_mut() = headers;
                Ok(response)
            }
            Err(error) => {
                *lock(&self.failure) = Some(error);
                Err(TransportFailed)
            }
        }
    }

    /// What the server answered, unread, or the transport failure: for
    /// endpoints that do not answer with a token (the device endpoint).
    pub(crate) fn finish_raw<T, E: std::error::Error>(self, oauth_outcome: std::result::Result<T, E>) -> Result<RawResponse> {
        if let Some(failure) = lock(&self.failure).take() {
            return Err(failure);
        }
        lock(&self.last).take().ok_or_else(|| {
            Error::Internal(match oauth_outcome {
                Ok(_) => "the request finished without a response".into(),
                Err(e) => format!("the request could not be sent: {e}"),
            })
        })
    }

    /// The shared end of every exchange: a transport failure, else whatever
    /// the server answered, read by [`parse_token_response`].
    pub(crate) fn finish<T, E>(self, oauth_outcome: std::result::Result<T, E>, now: SystemTime) -> Result<Token>
    where
        E: std::error::Error,
    {
        if let Some(failure) = lock(&self.failure).take() {
            return Err(failure);
        }
        match lock(&self.last).take() {
            Some(raw) => parse_token_response(&raw, now),
            None => Err(Error::Internal(match oauth_outcome {
                Ok(_) => "the token request finished without a response".into(),
                Err(e) => format!("the token request could not be built: {e}"),
            })),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_on_any_white_space() {
        let split: Vec<String> = scopes("  a:b/c  offline_access\n").map(|s| s.to_string()).collect();
        assert_eq!(split, ["a:b/c", "offline_access"]);
    }
}
